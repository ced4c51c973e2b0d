//! The `connections` table: Exact logins a user connected, with their tokens in the vault's
//! encrypted form.

use super::{Db, DbError};
use crate::server::vault::{self, Vault};
use sqlx::Row;

/// What `vault rotate` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RotateReport {
    /// Rows re-encrypted with the current key (legacy plaintext included).
    pub rewritten: u64,
    /// Rows whose tokens were already under the current key.
    pub current: u64,
    /// Rows no configured key can decrypt (left untouched).
    pub unreadable: u64,
}

/// Re-encrypts every stored token with the current key. A row is rewritten only if it still
/// holds what was read, so a refresh that happens meanwhile (and writes with the current key
/// anyway) is never overwritten.
pub async fn rotate_tokens(db: &Db, vault: &Vault, now: i64) -> Result<RotateReport, DbError> {
    let rows = sqlx::query(
        "SELECT id, COALESCE(access_token, ''), COALESCE(refresh_token, '') FROM connections ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut report = RotateReport::default();
    for row in rows {
        let id: String = row.try_get(0)?;
        let old = [row.try_get::<String, _>(1)?, row.try_get::<String, _>(2)?];
        let columns = ["access_token", "refresh_token"];
        if old.iter().all(|v| v.is_empty() || !vault.needs_rewrite(v)) {
            report.current += 1;
            continue;
        }
        let mut new = Vec::with_capacity(2);
        for (value, column) in old.iter().zip(columns) {
            let place = vault::place(&id, column);
            if value.is_empty() {
                new.push(None);
                continue;
            }
            match vault.decrypt(value, &place) {
                Ok(plain) => new.push(Some(vault.encrypt(&plain, &place))),
                Err(e) => {
                    tracing::warn!(connection_id = %id, column, error = %e, "token cannot be re-encrypted");
                    break;
                }
            }
        }
        if new.len() < 2 {
            report.unreadable += 1;
            continue;
        }
        let updated = sqlx::query(
            "UPDATE connections SET access_token = $1, refresh_token = $2, updated_at = $3 \
             WHERE id = $4 AND COALESCE(access_token, '') = $5 AND COALESCE(refresh_token, '') = $6",
        )
        .bind(new[0].as_deref())
        .bind(new[1].as_deref())
        .bind(now)
        .bind(&id)
        .bind(&old[0])
        .bind(&old[1])
        .execute(db.pool())
        .await?
        .rows_affected();
        if updated == 1 {
            report.rewritten += 1;
        } else {
            // Refreshed meanwhile: the new tokens were written with the current key.
            report.current += 1;
        }
    }
    Ok(report)
}
