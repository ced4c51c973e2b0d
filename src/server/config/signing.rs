//! The OAuth authorization server's signing keys: Ed25519, read from `OAUTH_SIGNING_KEY` (PEM or
//! base64 of the PKCS#8 document; required in production), generated once into the data
//! directory in development, and the retired keys of `OAUTH_SIGNING_KEYS_PREVIOUS` whose public
//! halves still verify tokens issued before a rotation.

use super::vars::Reader;
use aws_lc_rs::{
    rand::SystemRandom,
    signature::{Ed25519KeyPair, KeyPair},
};
use base64::{
    Engine as _,
    engine::general_purpose::{STANDARD as B64, URL_SAFE_NO_PAD as B64URL},
};
use secrecy::{ExposeSecret, SecretBox};
use sha2::{Digest, Sha256};
use std::{fmt, path::Path};

pub(super) const DEV_SIGNING_KEY_FILE: &str = "oauth-signing.key";

/// An Ed25519 key pair that signs access tokens.
pub struct SigningKey {
    pkcs8: SecretBox<Vec<u8>>,
    public: Vec<u8>,
}

impl SigningKey {
    pub fn generate() -> Self {
        let document = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .expect("the system's random source works");
        Self::from_pkcs8(document.as_ref()).expect("a generated key parses")
    }

    fn from_pkcs8(der: &[u8]) -> Result<Self, &'static str> {
        let pair = Ed25519KeyPair::from_pkcs8(der)
            .map_err(|_| "is not an Ed25519 private key in PKCS#8 form")?;
        Ok(SigningKey {
            pkcs8: SecretBox::new(Box::new(der.to_vec())),
            public: pair.public_key().as_ref().to_vec(),
        })
    }

    /// A PEM block (`-----BEGIN PRIVATE KEY-----`) or the base64 of the PKCS#8 document.
    pub fn from_text(text: &str) -> Result<Self, &'static str> {
        let text = text.trim();
        let body: String = if text.starts_with("-----BEGIN") {
            if !text.starts_with("-----BEGIN PRIVATE KEY-----") {
                return Err("must be a PEM block labelled PRIVATE KEY (PKCS#8)");
            }
            text.lines()
                .filter(|l| !l.starts_with("-----"))
                .collect::<String>()
        } else {
            text.to_string()
        };
        let der = B64
            .decode(body.split_whitespace().collect::<String>())
            .map_err(|_| "is not valid base64 or PEM")?;
        Self::from_pkcs8(&der)
    }

    /// The PEM text of this key, as `exact-mcp oauth-keygen` prints it.
    pub fn to_pem(&self) -> String {
        let body = B64.encode(self.pkcs8.expose_secret());
        let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
        for line in body.as_bytes().chunks(64) {
            pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
            pem.push('\n');
        }
        pem.push_str("-----END PRIVATE KEY-----\n");
        pem
    }

    /// The PKCS#8 document, for signing.
    pub fn pkcs8(&self) -> &[u8] {
        self.pkcs8.expose_secret()
    }

    /// The public key, base64url (a JWK's `x`).
    pub fn public_x(&self) -> String {
        B64URL.encode(&self.public)
    }

    /// The key id tokens name in their header: the start of the public key's SHA-256.
    pub fn kid(&self) -> String {
        B64URL.encode(&Sha256::digest(&self.public)[..12])
    }
}

impl Clone for SigningKey {
    fn clone(&self) -> Self {
        Self::from_pkcs8(self.pkcs8()).expect("a key that parsed once parses again")
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey(kid={}, [REDACTED])", self.kid())
    }
}

/// The signing keys as read.
pub(super) struct SigningKeys {
    /// `None` only when a problem was reported.
    pub(super) current: Option<SigningKey>,
    pub(super) previous: Vec<SigningKey>,
}

/// `OAUTH_SIGNING_KEY` (required in production, else generated into `data_dir`) and
/// `OAUTH_SIGNING_KEYS_PREVIOUS` (PEM blocks one after the other, or base64 separated by commas).
pub(super) fn read(r: &mut Reader, prod: bool, data_dir: &Path) -> SigningKeys {
    SigningKeys {
        current: current(r, prod, data_dir),
        previous: previous(r),
    }
}

fn current(r: &mut Reader, prod: bool, data_dir: &Path) -> Option<SigningKey> {
    match r.val("OAUTH_SIGNING_KEY").map(SigningKey::from_text) {
        Some(Ok(k)) => Some(k),
        Some(Err(why)) => {
            r.error(format!(
                "OAUTH_SIGNING_KEY {why}; create one with `exact-mcp oauth-keygen`"
            ));
            None
        }
        None if prod => {
            r.error(
                "OAUTH_SIGNING_KEY is required in production (it signs the access tokens of connected apps); create one with `exact-mcp oauth-keygen`",
            );
            None
        }
        None => match development_key(data_dir) {
            Ok(k) => Some(k),
            Err(e) => {
                r.error(format!(
                    "could not read or create the development signing key in {}: {e}",
                    data_dir.display()
                ));
                None
            }
        },
    }
}

fn previous(r: &mut Reader) -> Vec<SigningKey> {
    let raw = r
        .val("OAUTH_SIGNING_KEYS_PREVIOUS")
        .unwrap_or("")
        .to_string();
    let entries: Vec<String> = if raw.contains("-----BEGIN") {
        raw.split_inclusive("-----END PRIVATE KEY-----")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    } else {
        raw.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let mut keys = Vec::new();
    for (i, entry) in entries.iter().enumerate() {
        match SigningKey::from_text(entry) {
            Ok(k) => keys.push(k),
            Err(why) => r.error(format!("OAUTH_SIGNING_KEYS_PREVIOUS entry {} {why}", i + 1)),
        }
    }
    keys
}

/// Development convenience, like the vault's key: generated once, kept in the data directory.
fn development_key(data_dir: &Path) -> std::io::Result<SigningKey> {
    let path = data_dir.join(DEV_SIGNING_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => SigningKey::from_text(&text).map_err(|why| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} {why}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let key = SigningKey::generate();
            super::keys::write_private(&path, &key.to_pem())?;
            tracing::warn!(
                path = %path.display(),
                "OAUTH_SIGNING_KEY is not set: generated a development signing key; set the variable in production"
            );
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_pem_and_base64_and_never_print() {
        let key = SigningKey::generate();
        let pem = key.to_pem();
        let again = SigningKey::from_text(&pem).unwrap();
        assert_eq!(again.kid(), key.kid());
        assert_eq!(again.public_x(), key.public_x());
        let b64 = B64.encode(key.pkcs8());
        assert_eq!(SigningKey::from_text(&b64).unwrap().kid(), key.kid());
        assert!(!format!("{key:?}").contains(&b64));
        assert_ne!(SigningKey::generate().kid(), key.kid());
    }

    #[test]
    fn an_openssl_style_v1_document_is_read() {
        // `openssl genpkey -algorithm ed25519` writes PKCS#8 v1 (no public key inside).
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIN6I+U+EgOo2GhYc86JbN5P8Mo9LxAn4kBnhPuHM/9hd\n-----END PRIVATE KEY-----\n";
        let key = SigningKey::from_text(pem).unwrap();
        assert_eq!(key.public_x().len(), 43);
    }

    #[test]
    fn other_keys_and_text_are_refused() {
        for bad in [
            "",
            "not base64!",
            "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----",
            &B64.encode([7u8; 32]),
        ] {
            assert!(SigningKey::from_text(bad).is_err(), "{bad:?}");
        }
    }
}
