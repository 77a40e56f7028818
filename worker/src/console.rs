//! The operator console's files (embedded in the worker: no CDN, no external fonts or scripts,
//! so it works offline) and the headers they are served with.

/// One of the console's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asset {
    pub content_type: &'static str,
    pub body: &'static str,
}

/// The console's file at `path`, if it is one.
pub fn asset(path: &str) -> Option<Asset> {
    let (content_type, body) = match path {
        "/admin" | "/admin/" => (
            "text/html; charset=utf-8",
            include_str!("../console/index.html"),
        ),
        "/admin/console.js" => (
            "text/javascript; charset=utf-8",
            include_str!("../console/console.js"),
        ),
        "/admin/console.css" => (
            "text/css; charset=utf-8",
            include_str!("../console/console.css"),
        ),
        _ => return None,
    };
    Some(Asset { content_type, body })
}

/// Sent with every console file: the page runs only its own script and style, talks only to
/// its own origin, and cannot be framed; nothing is cached without asking.
pub const HEADERS: [(&str, &str); 5] = [
    (
        "content-security-policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "no-referrer"),
    ("x-frame-options", "DENY"),
    ("cache-control", "no-cache"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_console_is_three_files_under_a_strict_policy() {
        let page = asset("/admin/").unwrap();
        assert_eq!(asset("/admin"), Some(page));
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert!(
            page.body.contains("/admin/console.js") && page.body.contains("/admin/console.css")
        );
        assert_eq!(
            asset("/admin/console.js").unwrap().content_type,
            "text/javascript; charset=utf-8"
        );
        assert_eq!(
            asset("/admin/console.css").unwrap().content_type,
            "text/css; charset=utf-8"
        );
        for other in [
            "/admin/overview",
            "/admin/console.js/",
            "/admin//",
            "/admin/index.html",
            "/",
        ] {
            assert_eq!(asset(other), None, "{other}");
        }
        let csp = HEADERS[0].1;
        for part in [
            "default-src 'none'",
            "script-src 'self';",
            "frame-ancestors 'none'",
            "connect-src 'self'",
        ] {
            assert!(csp.contains(part), "{part}");
        }
        assert!(!csp.contains("unsafe"));
        // The page keeps to it: no inline script, style or handler, no script from elsewhere.
        let html = page.body.to_ascii_lowercase();
        for banned in [
            "<style",
            " style=",
            "<script>",
            "javascript:",
            "src=\"http",
            "src=\"//",
        ] {
            assert!(!html.contains(banned), "{banned}");
        }
        let handler = html.split(" on").skip(1).any(|rest| {
            let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
            !name.is_empty() && rest[name.len()..].trim_start().starts_with('=')
        });
        assert!(!handler, "an inline event handler");
        // Without ADMIN_TOKEN there is no console, and the 404 says how to turn it on.
        assert!(crate::responses::EdgeError::NotFound
            .message()
            .contains("ADMIN_TOKEN"));
    }
}
