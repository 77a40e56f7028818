//! HMAC-SHA256 (RFC 2104) with each secret keyed once, and the seam for the hash over the body.
//!
//! `HMAC(K, m) = SHA-256((K ^ OPAD) || SHA-256((K ^ IPAD) || m))`. Everything but the inner
//! hash is a fixed amount of work per key, done here. The inner hash, the one that reads the
//! whole body, goes through [`InnerHash`]: [`Software`] (this crate's SHA-256) by default, or a
//! faster one a platform lends (the npm package's Node entry passes node:crypto's, which uses
//! the CPU's SHA instructions that WebAssembly lacks).

use sha2::{Digest, Sha256};

/// SHA-256's block length: the key is padded (or first hashed) to one block.
const BLOCK: usize = 64;
/// RFC 2104's inner pad byte, XORed into the key block for the hash over the message.
const IPAD: u8 = 0x36;
/// RFC 2104's outer pad byte, XORed into the key block for the hash over the inner digest.
const OPAD: u8 = 0x5c;

/// The hash over `pad || body` inside HMAC, where `pad` is the key block XOR IPAD.
///
/// Implement it to lend a faster SHA-256 than this crate's; [`Software`] is the default and
/// the fallback an implementation calls for inputs it does not take (e.g. bodies too short to
/// be worth a call out).
pub trait InnerHash {
    /// SHA-256 of [`Key::inner_pad`] followed by `body`.
    fn inner_hash(&mut self, key: &Key, body: &[u8]) -> [u8; 32];
}

/// This crate's SHA-256, resumed from the state that has already absorbed the inner pad.
#[derive(Debug, Clone, Copy, Default)]
pub struct Software;

impl InnerHash for Software {
    fn inner_hash(&mut self, key: &Key, body: &[u8]) -> [u8; 32] {
        key.inner.clone().chain_update(body).finalize().into()
    }
}

/// One secret keyed once: both pads computed and absorbed, so a MAC costs the body's blocks
/// plus one block for the outer hash.
#[derive(Clone)]
pub struct Key {
    /// The key block XOR IPAD, for an [`InnerHash`] that hashes from scratch.
    inner_pad: [u8; BLOCK],
    /// SHA-256 having absorbed `inner_pad`.
    inner: Sha256,
    /// SHA-256 having absorbed the key block XOR OPAD.
    outer: Sha256,
}

impl Key {
    /// Keys `secret`; any length (longer than a block is hashed first, as RFC 2104 says).
    pub fn new(secret: &[u8]) -> Self {
        let mut block = [0u8; BLOCK];
        if secret.len() > BLOCK {
            block[..32].copy_from_slice(&Sha256::digest(secret));
        } else {
            block[..secret.len()].copy_from_slice(secret);
        }
        let inner_pad = block.map(|b| b ^ IPAD);
        Key {
            inner_pad,
            inner: Sha256::new().chain_update(inner_pad),
            outer: Sha256::new().chain_update(block.map(|b| b ^ OPAD)),
        }
    }

    /// The key block XOR IPAD: what an [`InnerHash`] hashes before the body.
    pub fn inner_pad(&self) -> &[u8; BLOCK] {
        &self.inner_pad
    }

    /// The MAC of `body`, with the inner hash from `hash`.
    pub fn mac(&self, body: &[u8], hash: &mut dyn InnerHash) -> [u8; 32] {
        let inner = hash.inner_hash(self, body);
        self.outer.clone().chain_update(inner).finalize().into()
    }
}

impl std::fmt::Debug for Key {
    // Never print key material.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Key").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    /// An inner hash from scratch, as a platform's one-shot SHA-256 would compute it.
    struct FromScratch;

    impl InnerHash for FromScratch {
        fn inner_hash(&mut self, key: &Key, body: &[u8]) -> [u8; 32] {
            Sha256::new()
                .chain_update(key.inner_pad())
                .chain_update(body)
                .finalize()
                .into()
        }
    }

    #[test]
    fn both_inner_hashes_equal_the_hmac_crate() {
        let body = b"{\"event\":\"deal.won\"}";
        // Key lengths around the block size: padded, exactly one block, hashed first.
        for len in [0, 1, 32, 63, 64, 65, 200] {
            let secret = vec![0xa5; len];
            let expected: [u8; 32] = Hmac::<Sha256>::new_from_slice(&secret)
                .unwrap()
                .chain_update(body)
                .finalize()
                .into_bytes()
                .into();
            let key = Key::new(&secret);
            assert_eq!(key.mac(body, &mut Software), expected, "key length {len}");
            assert_eq!(
                key.mac(body, &mut FromScratch),
                expected,
                "key length {len}"
            );
        }
    }

    #[test]
    fn debug_never_prints_key_material() {
        assert_eq!(format!("{:?}", Key::new(b"whsec_test")), "Key { .. }");
    }
}
