//! The files derived from the core crate. The catalog (src/catalog.rs) and the core's
//! vocabulary (error codes, the header name, the default body limit) are written once in Rust;
//! everything that repeats them elsewhere is rendered here:
//! - the event tables in README.md and pkg-template/README.md ([`readme`]);
//! - the JSON fixtures in tests/fixtures/events/ (one sample body per event);
//! - the npm package's JavaScript catalog and constants ([`javascript`]);
//! - its TypeScript event types and `ErrorCode` ([`typescript`]).

use std::io;
use std::path::{Path, PathBuf};

use atlasbrokers_webhooks::EVENT_TYPES;

pub mod javascript;
pub mod readme;
pub mod typescript;

/// The first line of every generated source file.
pub const GENERATED: &str =
    "Generated from the core crate (src/) by `make generate`: edit the source, not this file.";

/// A file's path from the repository root and the text it must hold.
pub struct Derived {
    pub path: String,
    pub text: String,
}

/// The repository root (this crate's parent folder).
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("generate/ sits in the repository")
        .to_path_buf()
}

/// Every derived file. The READMEs are read, since only their table is derived.
pub fn derived(root: &Path) -> io::Result<Vec<Derived>> {
    let mut out = Vec::new();
    for path in ["README.md", "pkg-template/README.md"] {
        let text = std::fs::read_to_string(root.join(path))?;
        out.push(derived_file(path, readme::with_table(&text)));
    }
    for t in EVENT_TYPES {
        let path = format!("{FIXTURES}/{}.json", t.name);
        out.push(derived_file(&path, t.sample_body.to_owned()));
    }
    out.push(derived_file(
        "pkg-template/src/catalog.generated.js",
        javascript::catalog(),
    ));
    out.push(derived_file(
        "pkg-template/src/core-constants.generated.js",
        javascript::constants(),
    ));
    out.push(derived_file(
        "pkg-template/types/events.generated.d.ts",
        typescript::types(),
    ));
    Ok(out)
}

const FIXTURES: &str = "tests/fixtures/events";

/// Fixtures of events no longer in the catalog.
pub fn stale_fixtures(root: &Path) -> io::Result<Vec<String>> {
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(root.join(FIXTURES))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let event = name.strip_suffix(".json").unwrap_or(&name);
        if !EVENT_TYPES.iter().any(|t| t.name == event) {
            stale.push(format!("{FIXTURES}/{name}"));
        }
    }
    stale.sort();
    Ok(stale)
}

fn derived_file(path: &str, text: String) -> Derived {
    Derived {
        path: path.to_owned(),
        text,
    }
}

/// A JSON string literal (also a valid JS and TS one).
pub(crate) fn json(s: &str) -> String {
    serde_json::Value::from(s).to_string()
}
