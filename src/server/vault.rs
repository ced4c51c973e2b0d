//! The token vault: Exact's access and refresh tokens are stored only in encrypted form.
//!
//! - AES-256-GCM (the `aes-gcm` crate) with a fresh random 96-bit nonce per encryption, so the
//!   same token encrypted twice gives two different ciphertexts.
//! - Stored form: `v1.<kid>.<base64url(nonce ‖ ciphertext ‖ tag)>`. The key id is the first 8 hex
//!   digits of SHA-256 over the key, which names a key without revealing it.
//! - Associated data binds a ciphertext to its place (connection id and column), so a token
//!   copied into another row or column does not decrypt.
//! - Several keys decrypt (the current one and `TOKEN_ENCRYPTION_KEYS_PREVIOUS`); only the
//!   current one encrypts. `exact-mcp vault rotate` re-encrypts every row with the current key.
//! - A stored value that is not in the `v1.` form is a legacy plaintext token: it is used as it is
//!   and re-encrypted at the next write ([`Vault::needs_rewrite`]).
//!
//! Plaintext tokens only ever live in `SecretString`, whose Debug prints `[REDACTED]`.
//!
//! Rotating the key during a rolling deploy takes two phases, so that no replica ever meets a
//! token it cannot read: (1) every replica gets the new key in TOKEN_ENCRYPTION_KEYS_PREVIOUS
//! (it reads with it, still writes with the old key); (2) the new key becomes
//! TOKEN_ENCRYPTION_KEY everywhere, the old one moves to the previous keys, and
//! `exact-mcp vault rotate` re-encrypts what is stored. Each serving replica announces the ids of
//! the keys it holds ([`spawn_announcer`]; ids, never keys), and the rotation refuses while a
//! replica seen in the last [`LIVE_SECONDS`] lacks the key it rotates to ([`replicas_lacking`]).

use super::{
    clock::SharedClock,
    config::TokenKey,
    db::{Db, DbError, vault_replicas},
};
use aes_gcm::{
    Aes256Gcm, Key, Nonce,
    aead::{Aead, KeyInit, Payload},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD as B64};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

const VERSION: &str = "v1";
const NONCE_BYTES: usize = 12;
const TAG_BYTES: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// Encrypted with a key this process does not have (not current, not previous).
    #[error("the token was encrypted with key {0}, which is not configured")]
    UnknownKey(String),
    /// Altered, truncated, or moved to another row or column.
    #[error("the stored token failed authentication")]
    Tampered,
}

struct VaultKey {
    kid: String,
    cipher: Aes256Gcm,
}

impl VaultKey {
    fn new(key: &TokenKey) -> VaultKey {
        let digest = Sha256::digest(key.bytes());
        let kid = digest[..4].iter().map(|b| format!("{b:02x}")).collect();
        VaultKey {
            kid,
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key.bytes())),
        }
    }
}

pub struct Vault {
    current: VaultKey,
    previous: Vec<VaultKey>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault")
            .field("current_kid", &self.current.kid)
            .field("previous", &self.previous.len())
            .finish()
    }
}

/// Where a token is stored, as associated data: `connection:<id>:<column>`.
pub fn place(connection_id: &str, column: &str) -> String {
    format!("connection:{connection_id}:{column}")
}

impl Vault {
    pub fn new(current: &TokenKey, previous: &[TokenKey]) -> Vault {
        Vault {
            current: VaultKey::new(current),
            previous: previous.iter().map(VaultKey::new).collect(),
        }
    }

    /// The vault the settings describe: TOKEN_ENCRYPTION_KEY encrypts, it and
    /// TOKEN_ENCRYPTION_KEYS_PREVIOUS decrypt.
    pub fn from_settings(settings: &crate::server::config::Settings) -> Vault {
        Vault::new(&settings.token_key, &settings.previous_token_keys)
    }

    /// The current key's id, as it appears in stored values.
    pub fn current_kid(&self) -> &str {
        &self.current.kid
    }

    /// The ids of every key this vault decrypts with, the current one first.
    pub fn key_ids(&self) -> Vec<&str> {
        std::iter::once(&self.current)
            .chain(&self.previous)
            .map(|k| k.kid.as_str())
            .collect()
    }

    pub fn encrypt(&self, plaintext: &SecretString, place: &str) -> String {
        let nonce_bytes: [u8; NONCE_BYTES] = rand::random();
        let sealed = self
            .current
            .cipher
            .encrypt(
                &Nonce::from(nonce_bytes),
                Payload {
                    msg: plaintext.expose_secret().as_bytes(),
                    aad: place.as_bytes(),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer cannot fail");
        let mut blob = Vec::with_capacity(NONCE_BYTES + sealed.len());
        blob.extend_from_slice(&nonce_bytes);
        blob.extend_from_slice(&sealed);
        format!("{VERSION}.{}.{}", self.current.kid, B64.encode(blob))
    }

    pub fn decrypt(&self, stored: &str, place: &str) -> Result<SecretString, VaultError> {
        let Some((kid, blob)) = parse(stored) else {
            // Legacy plaintext from before the vault: usable as it is.
            return Ok(SecretString::from(stored.to_string()));
        };
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|k| k.kid == kid)
            .ok_or_else(|| VaultError::UnknownKey(kid.to_string()))?;
        if blob.len() < NONCE_BYTES + TAG_BYTES {
            return Err(VaultError::Tampered);
        }
        let (nonce, sealed) = blob.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| VaultError::Tampered)?;
        let plain = key
            .cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: sealed,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| VaultError::Tampered)?;
        String::from_utf8(plain)
            .map(SecretString::from)
            .map_err(|_| VaultError::Tampered)
    }

    /// Whether a stored value should be written again: legacy plaintext, or a key other than the
    /// current one.
    pub fn needs_rewrite(&self, stored: &str) -> bool {
        parse(stored).is_none_or(|(kid, _)| kid != self.current.kid)
    }
}

/// How often a serving replica announces its keys.
pub const ANNOUNCE_EVERY_SECONDS: u64 = 60;
/// A replica announced within this many seconds counts as running (three missed
/// announcements and it is taken for stopped).
pub const LIVE_SECONDS: i64 = 180;

/// Records which keys (by id) the replica `replica_id` holds, as seen at `now`.
pub async fn announce(db: &Db, replica_id: &str, vault: &Vault, now: i64) -> Result<(), DbError> {
    vault_replicas::announce(
        db,
        vault_replicas::KeyHolder {
            replica_id,
            current_kid: vault.current_kid(),
            key_ids: &vault.key_ids().join(","),
        },
        now,
    )
    .await
}

/// How many replicas running at `now` do not hold the key `kid`.
pub async fn replicas_lacking(db: &Db, kid: &str, now: i64) -> Result<usize, DbError> {
    let held = vault_replicas::key_ids_seen_since(db, now - LIVE_SECONDS).await?;
    Ok(held
        .iter()
        .filter(|ids| !ids.split(',').any(|id| id == kid))
        .count())
}

/// Announces this process's keys now and every [`ANNOUNCE_EVERY_SECONDS`] until it stops, under
/// a fresh replica id.
pub fn spawn_announcer(db: Db, vault: &Vault, clock: SharedClock) {
    let replica_id = uuid::Uuid::new_v4().to_string();
    let current_kid = vault.current_kid().to_string();
    let key_ids = vault.key_ids().join(",");
    tokio::spawn(async move {
        let every = std::time::Duration::from_secs(ANNOUNCE_EVERY_SECONDS);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let holder = vault_replicas::KeyHolder {
                replica_id: &replica_id,
                current_kid: &current_kid,
                key_ids: &key_ids,
            };
            if let Err(e) = vault_replicas::announce(&db, holder, clock.now()).await {
                tracing::warn!(error = %e, "announcing this replica's token keys failed");
            }
        }
    });
}

/// Whether a stored value is in the vault's encrypted form (as opposed to a legacy plaintext
/// token). Exact's own tokens never look like `v1.<8 hex>.<base64url>`.
pub fn is_encrypted(stored: &str) -> bool {
    parse(stored).is_some()
}

fn parse(stored: &str) -> Option<(&str, Vec<u8>)> {
    let mut parts = stored.splitn(3, '.');
    let (version, kid, body) = (parts.next()?, parts.next()?, parts.next()?);
    let kid_ok = kid.len() == 8 && kid.bytes().all(|b| b.is_ascii_hexdigit());
    if version != VERSION || !kid_ok {
        return None;
    }
    B64.decode(body).ok().map(|blob| (kid, blob))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> TokenKey {
        TokenKey::from_bytes([n; 32])
    }

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    const PLACE: &str = "connection:c-1:access_token";

    #[test]
    fn round_trip_and_the_stored_form() {
        let vault = Vault::new(&key(1), &[]);
        let stored = vault.encrypt(&secret("gAAAA-access-token"), PLACE);
        assert!(stored.starts_with(&format!("v1.{}.", vault.current_kid())));
        assert!(!stored.contains("gAAAA-access-token"));
        assert!(is_encrypted(&stored));
        let back = vault.decrypt(&stored, PLACE).unwrap();
        assert_eq!(back.expose_secret(), "gAAAA-access-token");
        assert!(!vault.needs_rewrite(&stored));
    }

    #[test]
    fn every_encryption_uses_a_fresh_nonce() {
        let vault = Vault::new(&key(1), &[]);
        let a = vault.encrypt(&secret("same"), PLACE);
        let b = vault.encrypt(&secret("same"), PLACE);
        assert_ne!(a, b);
        let nonces: std::collections::HashSet<Vec<u8>> = (0..1000)
            .map(|_| parse(&vault.encrypt(&secret("same"), PLACE)).unwrap().1[..12].to_vec())
            .collect();
        assert_eq!(nonces.len(), 1000);
    }

    #[test]
    fn tampering_or_moving_a_token_is_detected() {
        let vault = Vault::new(&key(1), &[]);
        let stored = vault.encrypt(&secret("refresh-token"), PLACE);
        let (kid, mut blob) = parse(&stored).unwrap();
        let kid = kid.to_string();
        for i in [0, 12, blob.len() - 1] {
            blob[i] ^= 0x01;
            let altered = format!("v1.{kid}.{}", B64.encode(&blob));
            assert_eq!(
                vault.decrypt(&altered, PLACE).err(),
                Some(VaultError::Tampered)
            );
            blob[i] ^= 0x01;
        }
        let truncated = format!("v1.{kid}.{}", B64.encode(&blob[..20]));
        assert_eq!(
            vault.decrypt(&truncated, PLACE).err(),
            Some(VaultError::Tampered)
        );
        assert_eq!(
            vault.decrypt(&stored, "connection:c-2:access_token").err(),
            Some(VaultError::Tampered),
            "a token copied to another row does not decrypt"
        );
        assert_eq!(
            vault.decrypt(&stored, "connection:c-1:refresh_token").err(),
            Some(VaultError::Tampered)
        );
    }

    #[test]
    fn legacy_plaintext_is_used_as_it_is_and_marked_for_rewrite() {
        let vault = Vault::new(&key(1), &[]);
        for legacy in [
            "Gcp7!IAAAAexact-refresh",
            "gAAAAABlegacy",
            "v1.nothex!.abc",
            "v2.00000000.AAAA",
        ] {
            assert!(!is_encrypted(legacy), "{legacy}");
            assert_eq!(
                vault.decrypt(legacy, PLACE).unwrap().expose_secret(),
                legacy
            );
            assert!(vault.needs_rewrite(legacy));
        }
    }

    #[test]
    fn previous_keys_decrypt_only_the_current_one_encrypts() {
        let old = Vault::new(&key(1), &[]);
        let stored_old = old.encrypt(&secret("token"), PLACE);

        let rotated = Vault::new(&key(2), &[key(1)]);
        assert_eq!(
            rotated.decrypt(&stored_old, PLACE).unwrap().expose_secret(),
            "token"
        );
        assert!(rotated.needs_rewrite(&stored_old));
        let stored_new = rotated.encrypt(&secret("token"), PLACE);
        assert!(stored_new.starts_with(&format!("v1.{}.", rotated.current_kid())));
        assert_ne!(rotated.current_kid(), old.current_kid());
        assert!(!rotated.needs_rewrite(&stored_new));

        let without_old = Vault::new(&key(2), &[]);
        assert_eq!(
            without_old.decrypt(&stored_old, PLACE).err(),
            Some(VaultError::UnknownKey(old.current_kid().to_string()))
        );
    }

    #[test]
    fn debug_output_never_shows_keys_or_tokens() {
        let vault = Vault::new(&key(9), &[key(8)]);
        let printed = format!("{vault:?} {:?}", secret("gAAAA-access-token"));
        assert!(!printed.contains("gAAAA"));
        assert!(!printed.contains(&TokenKey::from_bytes([9; 32]).to_base64()));
    }
}
