//! The committed derived files equal what the core renders today: edit the source (the catalog
//! table in src/catalog.rs, the codes in src/error.rs, ...), then `make generate`.

#[test]
fn every_derived_file_matches_the_core() {
    let root = atlasbrokers_generate::repo_root();
    let drifted: Vec<String> = atlasbrokers_generate::derived(&root)
        .unwrap()
        .into_iter()
        .filter(|f| std::fs::read_to_string(root.join(&f.path)).ok().as_deref() != Some(&f.text))
        .map(|f| f.path)
        .collect();
    assert!(
        drifted.is_empty(),
        "{drifted:?} drifted from the core: run `make generate` and commit the result"
    );
}

#[test]
fn no_fixture_outlives_its_event() {
    let root = atlasbrokers_generate::repo_root();
    let stale = atlasbrokers_generate::stale_fixtures(&root).unwrap();
    assert!(stale.is_empty(), "{stale:?}: run `make generate`");
}
