//! Who an API key belongs to, remembered per process, so a `/mcp` call does not read the key, the
//! account and its connections from the database every time.
//!
//! Staleness is bounded three ways. Every repository write that changes what a key resolves to (a
//! key revoked, an account suspended, deleted or moved to another plan or address, a connection or
//! a division changed) moves the database's caller generation after it commits
//! ([`Db::callers_changed`]): this process stops using older entries at once, other replicas
//! within [`crate::server::db::VERSION_POLL`] (they poll the shared version). An entry is also
//! never used after [`MAX_AGE`], whatever the generation says, and a demo key's entry never after
//! the key expires. An entry records the generation read *before* its lookup, so a change that
//! commits while the lookup runs makes the entry stale rather than hiding the change.

use crate::server::db::Db;
use std::{
    collections::HashMap,
    hash::Hash,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

/// The longest an entry is used, even if no change was announced (a missed announcement, a
/// replica that could not reach the shared version).
pub const MAX_AGE: Duration = Duration::from_secs(30);
/// Entries held at most; a full cache is emptied and fills again (simple and bounded).
pub const CAPACITY: usize = 10_000;

struct Entry<V> {
    generation: u64,
    loaded: Instant,
    value: Arc<V>,
}

/// A bounded map from a key to what it resolved to, valid for one caller generation.
pub struct KeyCache<K, V> {
    entries: RwLock<HashMap<K, Entry<V>>>,
}

impl<K: Eq + Hash, V> Default for KeyCache<K, V> {
    fn default() -> Self {
        KeyCache {
            entries: RwLock::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, V> KeyCache<K, V> {
    /// The remembered value, if it was loaded in the current generation and is young enough.
    pub fn get(&self, db: &Db, key: &K) -> Option<Arc<V>> {
        let generation = db.callers_generation();
        let entries = self.entries.read().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|e| e.generation == generation && e.loaded.elapsed() < MAX_AGE)
            .map(|e| e.value.clone())
    }

    /// Remembers `value`, loaded after `generation` was read.
    pub fn put(&self, key: K, generation: u64, value: Arc<V>) {
        let mut entries = self.entries.write().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            entries.clear();
        }
        entries.insert(
            key,
            Entry {
                generation,
                loaded: Instant::now(),
                value,
            },
        );
    }

    /// Entries held now (for tests and figures).
    pub fn len(&self) -> usize {
        self.entries.read().map(|e| e.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
