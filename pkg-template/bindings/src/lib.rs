//! The npm package's WebAssembly: thin JavaScript bindings over the core crate, built for
//! wasm32 only (natively this crate is empty). The JS wrapper in `pkg-template/src` gives them
//! the package's idiomatic API; see `bindings.rs`.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(target_arch = "wasm32")]
mod bindings;
// Not wasm-only: its tests run natively too, and the fuzz target `utf16` checks it against std.
#[doc(hidden)]
pub mod utf16;
#[cfg(target_arch = "wasm32")]
pub use bindings::*;
