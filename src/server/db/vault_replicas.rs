//! The `vault_replicas` table: which token keys each running replica holds, by key id only, and
//! when it last said so. `vault rotate` reads it to refuse a rotation some replica could not
//! follow.

use super::{Db, DbError};

/// One replica's announcement.
pub struct KeyHolder<'a> {
    pub replica_id: &'a str,
    pub current_kid: &'a str,
    /// Every key id the replica decrypts with (the current one first), comma-separated.
    pub key_ids: &'a str,
}

/// Records (or refreshes) a replica's keys as seen at `now`.
pub async fn announce(db: &Db, holder: KeyHolder<'_>, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO vault_replicas (replica_id, current_kid, key_ids, started_at, seen_at) \
         VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (replica_id) DO UPDATE SET current_kid = excluded.current_kid, \
         key_ids = excluded.key_ids, seen_at = excluded.seen_at",
    )
    .bind(holder.replica_id)
    .bind(holder.current_kid)
    .bind(holder.key_ids)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The key ids (comma-separated) of every replica seen after `since`, one entry per replica.
pub async fn key_ids_seen_since(db: &Db, since: i64) -> Result<Vec<String>, DbError> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT key_ids FROM vault_replicas WHERE seen_at > $1")
            .bind(since)
            .fetch_all(db.pool())
            .await?;
    Ok(rows)
}

/// Forgets replicas last seen before `before`.
pub async fn delete_seen_before(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM vault_replicas WHERE seen_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}
