//! The token vault's keys: the key type, the current key and the previous ones still accepted
//! for decryption, and the development key a fresh checkout generates for itself.

use super::vars::Reader;
use base64::{Engine as _, engine::general_purpose::STANDARD as B64};
use secrecy::{ExposeSecret, SecretBox};
use std::{fmt, path::Path};

/// A 256-bit key for the token vault.
pub struct TokenKey(SecretBox<[u8; 32]>);

impl TokenKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        TokenKey(SecretBox::new(Box::new(bytes)))
    }

    pub fn from_base64(text: &str) -> Result<Self, &'static str> {
        let bytes = B64.decode(text.trim()).map_err(|_| "is not valid base64")?;
        let bytes: [u8; 32] = bytes
            .try_into()
            .map_err(|_| "must decode to exactly 32 bytes")?;
        Ok(Self::from_bytes(bytes))
    }

    pub fn generate() -> Self {
        Self::from_bytes(rand::random())
    }

    pub fn to_base64(&self) -> String {
        B64.encode(self.0.expose_secret())
    }

    pub fn bytes(&self) -> &[u8; 32] {
        self.0.expose_secret()
    }
}

impl Clone for TokenKey {
    fn clone(&self) -> Self {
        Self::from_bytes(*self.bytes())
    }
}

impl fmt::Debug for TokenKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenKey([REDACTED])")
    }
}

pub(super) const DEV_KEY_FILE: &str = "token-encryption.key";

/// The vault's keys as read.
pub(super) struct VaultKeys {
    /// `None` only when a problem was reported.
    pub(super) current: Option<TokenKey>,
    pub(super) previous: Vec<TokenKey>,
}

/// `TOKEN_ENCRYPTION_KEY` (required in production, else generated into `data_dir`) and
/// `TOKEN_ENCRYPTION_KEYS_PREVIOUS`.
pub(super) fn read(r: &mut Reader, prod: bool, data_dir: &Path) -> VaultKeys {
    VaultKeys {
        current: current(r, prod, data_dir),
        previous: previous(r),
    }
}

fn current(r: &mut Reader, prod: bool, data_dir: &Path) -> Option<TokenKey> {
    match r.val("TOKEN_ENCRYPTION_KEY").map(TokenKey::from_base64) {
        Some(Ok(k)) => Some(k),
        Some(Err(why)) => {
            r.error(format!(
                "TOKEN_ENCRYPTION_KEY {why}; create one with `exact-mcp keygen`"
            ));
            None
        }
        None if prod => {
            r.error(
                "TOKEN_ENCRYPTION_KEY is required in production; create one with `exact-mcp keygen`",
            );
            None
        }
        None => match development_key(data_dir) {
            Ok(k) => Some(k),
            Err(e) => {
                r.error(format!(
                    "could not read or create the development key in {}: {e}",
                    data_dir.display()
                ));
                None
            }
        },
    }
}

/// Retired keys, comma-separated, so tokens encrypted before a rotation still decrypt.
fn previous(r: &mut Reader) -> Vec<TokenKey> {
    let parsed: Vec<Result<TokenKey, &str>> = r
        .val("TOKEN_ENCRYPTION_KEYS_PREVIOUS")
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(TokenKey::from_base64)
        .collect();
    let mut keys = Vec::new();
    for (i, key) in parsed.into_iter().enumerate() {
        match key {
            Ok(k) => keys.push(k),
            Err(why) => r.error(format!(
                "TOKEN_ENCRYPTION_KEYS_PREVIOUS entry {} {why}",
                i + 1
            )),
        }
    }
    keys
}

/// Development convenience: a key generated once into the data directory, so a fresh checkout
/// runs and its tokens survive restarts. Production never reaches this.
fn development_key(data_dir: &Path) -> std::io::Result<TokenKey> {
    let path = data_dir.join(DEV_KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => TokenKey::from_base64(&text).map_err(|why| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("{} {why}", path.display()),
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::create_dir_all(data_dir)?;
            let key = TokenKey::generate();
            write_private(&path, &key.to_base64())?;
            tracing::warn!(
                path = %path.display(),
                "TOKEN_ENCRYPTION_KEY is not set: generated a development key; set the variable in production"
            );
            Ok(key)
        }
        Err(e) => Err(e),
    }
}

/// Creates the file readable by its owner only: it holds a secret.
pub(super) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(text.as_bytes())
}
