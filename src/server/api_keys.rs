//! API keys: made here, checked by the MCP endpoint. A key is `emcp_` and 43 base64url
//! characters (256 random bits); the database keeps its SHA-256 (a key this random needs no slow
//! hash) and its first characters for display.

use super::{
    auth::secret_token::{hash_token, random_token},
    clock::Clock,
    db::{Db, DbError, api_keys, connections, users::UserRow},
};
use crate::domain::{AccountStatus, ConnectionSummary};
use std::sync::{
    Arc,
    atomic::{AtomicI64, Ordering},
};

pub use super::db::api_keys::KeyOwner;
use crate::domain::{
    ApiKeySummary, CreatedKey, KEY_PREFIX, KeyNameProblem, VISIBLE_PREFIX_CHARS, check_key_name,
};

/// Characters after the prefix: base64url of 32 bytes, unpadded.
const SECRET_CHARS: usize = 43;
/// How long a demo key works.
pub const DEMO_KEY_SECONDS: i64 = 24 * 3600;

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("invalid key name")]
    Name(KeyNameProblem),
    #[error("this plan allows at most {max} API keys; revoke one first")]
    LimitReached { max: u32 },
    #[error("no such API key")]
    NotFound,
    #[error("internal error")]
    Internal(#[from] DbError),
}

/// A fresh key's text.
pub fn generate() -> String {
    format!("{KEY_PREFIX}{}", random_token())
}

/// A key someone presented that has the shape of a key (`emcp_` and 43 base64url characters).
/// Only this is ever looked up: anything else is refused without touching the database.
pub struct PresentedKey(String);

/// The presented text is not shaped like a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not an API key")]
pub struct MalformedKey;

impl PresentedKey {
    pub fn parse(text: &str) -> Result<PresentedKey, MalformedKey> {
        let well_formed = text.strip_prefix(KEY_PREFIX).is_some_and(|secret| {
            secret.len() == SECRET_CHARS
                && secret
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
        if well_formed {
            Ok(PresentedKey(text.to_string()))
        } else {
            Err(MalformedKey)
        }
    }

    /// What the database stores of this key.
    fn hash(&self) -> String {
        hash(&self.0)
    }
}

/// Whose a presented key is.
pub enum KeyHolder {
    /// A key of an active account.
    User(KeyOwner),
    /// A key of an account that is suspended: it works again if the account is reactivated.
    Suspended,
    /// A demo key that has not expired: its id and when it expires (Unix seconds).
    Demo { id: String, expires_at: i64 },
    /// Unknown, revoked or expired.
    Unknown,
}

/// What a presented key resolves to for a call: its holder and, for an account, its connections
/// with their divisions. Shared by the calls that present the same key while it is remembered.
pub struct Resolved {
    pub holder: KeyHolder,
    pub connections: Vec<ConnectionSummary>,
    /// When this process last recorded the key's use (Unix seconds).
    touched_at: AtomicI64,
}

impl Resolved {
    pub fn new(holder: KeyHolder, connections: Vec<ConnectionSummary>, touched_at: i64) -> Self {
        Resolved {
            holder,
            connections,
            touched_at: AtomicI64::new(touched_at),
        }
    }

    /// The account's key behind it, when it is one.
    pub fn owner(&self) -> Option<&KeyOwner> {
        match &self.holder {
            KeyHolder::User(owner) => Some(owner),
            _ => None,
        }
    }

    /// Whether this call should record the key's use: true for one caller per `every` seconds
    /// per process (the write itself stays off the request's path).
    pub fn claim_touch(&self, now: i64, every: i64) -> bool {
        let last = self.touched_at.load(Ordering::Acquire);
        now - last >= every
            && self
                .touched_at
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }
}

/// The per-process memory of resolved keys, by key hash (see [`crate::server::key_cache`]).
pub type KeyCache = crate::server::key_cache::KeyCache<String, Resolved>;

/// Resolves a presented key, from this process's memory when it holds a current entry, else from
/// the database (then remembered, unless the key is unknown).
pub async fn resolve(
    db: &Db,
    clock: &dyn Clock,
    cache: &KeyCache,
    key: &PresentedKey,
) -> Result<Arc<Resolved>, DbError> {
    let hash = key.hash();
    let now = clock.now();
    if let Some(hit) = cache.get(db, &hash) {
        let expired = matches!(hit.holder, KeyHolder::Demo { expires_at, .. } if expires_at <= now);
        if !expired {
            return Ok(hit);
        }
    }
    let generation = db.callers_generation();
    let holder = lookup_hash(db, now, &hash).await?;
    let (connections, touched_at) = match &holder {
        KeyHolder::User(owner) => (
            connections::list_for_user(db, &owner.user.id).await?,
            owner.last_used_at.unwrap_or(0),
        ),
        _ => (Vec::new(), 0),
    };
    let known = !matches!(holder, KeyHolder::Unknown);
    let resolved = Arc::new(Resolved::new(holder, connections, touched_at));
    if known {
        cache.put(hash, generation, resolved.clone());
    }
    Ok(resolved)
}

/// Looks a presented key up by its hash: an account's key first, then a live demo key.
pub async fn lookup(db: &Db, clock: &dyn Clock, key: &PresentedKey) -> Result<KeyHolder, DbError> {
    lookup_hash(db, clock.now(), &key.hash()).await
}

async fn lookup_hash(db: &Db, now: i64, hash: &str) -> Result<KeyHolder, DbError> {
    if let Some(owner) = api_keys::owner_of(db, hash).await? {
        return Ok(if owner.user.status == AccountStatus::Active {
            KeyHolder::User(owner)
        } else {
            KeyHolder::Suspended
        });
    }
    Ok(match api_keys::demo_key(db, hash, now).await? {
        Some((id, expires_at)) => KeyHolder::Demo { id, expires_at },
        None => KeyHolder::Unknown,
    })
}

/// Records that a key was used at `now`.
pub async fn touch(db: &Db, key_id: &str, now: i64) -> Result<(), DbError> {
    api_keys::touch(db, key_id, now).await
}

/// What the database stores of a key.
pub fn hash(key: &str) -> String {
    hash_token(key)
}

/// The part of a key shown in lists.
pub fn visible_prefix(key: &str) -> String {
    key.chars().take(VISIBLE_PREFIX_CHARS).collect()
}

/// Creates a key for `user` within the plan's limit.
pub async fn create(
    db: &Db,
    clock: &dyn Clock,
    user: &UserRow,
    name: &str,
) -> Result<CreatedKey, KeyError> {
    let name = check_key_name(name).map_err(KeyError::Name)?;
    let key = generate();
    let id = uuid::Uuid::now_v7().to_string();
    let prefix = visible_prefix(&key);
    let now = clock.now();
    let cap = user.plan.max_api_keys();
    let stored = api_keys::insert_within_cap(
        db,
        api_keys::NewKey {
            id: &id,
            user_id: &user.id,
            name: &name,
            prefix: &prefix,
            key_hash: &hash(&key),
        },
        cap,
        now,
    )
    .await?;
    if !stored {
        return Err(KeyError::LimitReached {
            max: cap.unwrap_or_default(),
        });
    }
    Ok(CreatedKey {
        summary: ApiKeySummary {
            id,
            name,
            prefix,
            created_at: now,
            last_used_at: None,
        },
        key,
    })
}

/// The user's keys that are not revoked, newest first.
pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<ApiKeySummary>, DbError> {
    api_keys::list_for_user(db, user_id).await
}

/// Counts one more demo-key request from `ip` in the hour starting at `hour`; answers the count
/// so far, this one included.
pub async fn count_demo_request(db: &Db, ip: &str, hour: i64) -> Result<i64, DbError> {
    api_keys::hit_window(db, &format!("demo-key:{ip}"), hour).await
}

/// Revokes one of the user's keys; it stops working with the next request.
pub async fn revoke(
    db: &Db,
    clock: &dyn Clock,
    user_id: &str,
    key_id: &str,
) -> Result<(), KeyError> {
    if api_keys::revoke(db, user_id, key_id, clock.now()).await? {
        Ok(())
    } else {
        Err(KeyError::NotFound)
    }
}

/// A key for the built-in demo, valid for [`DEMO_KEY_SECONDS`].
pub async fn create_demo(db: &Db, clock: &dyn Clock) -> Result<(String, i64), KeyError> {
    let key = generate();
    let now = clock.now();
    let expires_at = now + DEMO_KEY_SECONDS;
    api_keys::insert_demo(
        db,
        &uuid::Uuid::now_v7().to_string(),
        &visible_prefix(&key),
        &hash(&key),
        now,
        expires_at,
    )
    .await?;
    Ok((key, expires_at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_prefixed_random_and_recognisable() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert!(a.starts_with("emcp_"));
        assert_eq!(a.len(), 5 + 43);
        assert!(PresentedKey::parse(&a).is_ok());
        assert_eq!(visible_prefix(&a).len(), 12);
        assert!(a.starts_with(&visible_prefix(&a)));
        // The stored hash is not the key and does not contain it.
        assert!(!hash(&a).contains(&a[5..]));
        assert_eq!(hash(&a), hash(&a));
    }

    #[test]
    fn malformed_keys_are_refused_before_any_lookup() {
        let good = generate();
        for bad in [
            "",
            "emcp_",
            "sk_live_abc",
            &good[..good.len() - 1],
            &format!("{good}x"),
            &good.replace("emcp_", "EMCP_"),
            &format!("emcp_{}", "'".repeat(43)),
            &format!("emcp_{}", "a".repeat(42) + "="),
        ] {
            assert!(PresentedKey::parse(bad).is_err(), "{bad:?}");
        }
    }
}
