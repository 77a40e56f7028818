//! The wasm32 suite (tests/wasm/suite.rs) under wasm-bindgen-test-runner in Node.
#![cfg(target_arch = "wasm32")]

include!("wasm/suite.rs");
