//! Secret tokens the service hands out (session cookies, single-use links, OAuth states) and how
//! they are stored. Their own module, below sessions and accounts, so both can use them without
//! importing each other.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe: session cookies and single-use links.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// How tokens are stored: their SHA-256, so the database alone cannot be used to sign in.
pub fn hash_token(token: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes()))
}
