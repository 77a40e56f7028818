//! The npm package's WebAssembly: thin JavaScript bindings over the core crate, built for
//! wasm32 only (natively this crate is empty). The JS wrapper in `pkg-template/src` gives them
//! the package's idiomatic API; see `bindings.rs`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod bindings;
// Not wasm-only: its tests run natively too.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod utf16;
#[cfg(target_arch = "wasm32")]
pub use bindings::*;
