//! `make generate`: rewrites every file derived from the core crate, and deletes fixtures of
//! events that left the catalog. `cargo test -p atlasbrokers-generate` checks them instead.

fn main() -> std::io::Result<()> {
    let root = atlasbrokers_generate::repo_root();
    for file in atlasbrokers_generate::derived(&root)? {
        let path = root.join(&file.path);
        if std::fs::read_to_string(&path).ok().as_deref() != Some(file.text.as_str()) {
            std::fs::write(&path, &file.text)?;
            println!("wrote {}", file.path);
        }
    }
    for stale in atlasbrokers_generate::stale_fixtures(&root)? {
        std::fs::remove_file(root.join(&stale))?;
        println!("removed {stale}");
    }
    Ok(())
}
