//! The wasm32 suite (tests/wasm/suite.rs) under wasm-bindgen-test-runner in Node.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

include!("wasm/suite.rs");
