//! The authorization server's tables: registered clients, authorization codes, grants (one per
//! app a user authorized) and refresh tokens. Codes and refresh tokens are stored as SHA-256
//! only. Single use is enforced by the database: a code or refresh token is taken by one
//! `UPDATE … WHERE used_at IS NULL`, so two replicas cannot both redeem it.

use super::{Db, DbError, users};
use crate::domain::ConnectedApp;
use sqlx::Row;

/// A client registered through RFC 7591.
#[derive(Debug, Clone)]
pub struct ClientRow {
    pub id: String,
    pub name: String,
    pub redirect_uris: Vec<String>,
}

pub async fn insert_client(db: &Db, client: &ClientRow, ip: &str, now: i64) -> Result<(), DbError> {
    let uris = serde_json::to_string(&client.redirect_uris).expect("strings serialize");
    sqlx::query(
        "INSERT INTO oauth_clients (id, name, redirect_uris, registered_ip, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&client.id)
    .bind(&client.name)
    .bind(uris)
    .bind(ip)
    .bind(now)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn client(db: &Db, id: &str) -> Result<Option<ClientRow>, DbError> {
    let row = sqlx::query("SELECT id, name, redirect_uris FROM oauth_clients WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    let Some(r) = row else { return Ok(None) };
    let uris: String = r.try_get(2)?;
    Ok(Some(ClientRow {
        id: r.try_get(0)?,
        name: r.try_get(1)?,
        redirect_uris: serde_json::from_str(&uris).unwrap_or_default(),
    }))
}

/// Records that a registered client was used (a code issued or redeemed).
pub async fn touch_client(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE oauth_clients SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Deletes registered clients not used since `before` (never used: registered before it).
pub async fn delete_unused_clients(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM oauth_clients WHERE COALESCE(last_used_at, created_at) < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// What a code or a grant was issued for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorized {
    pub user_id: String,
    pub client_id: String,
    pub client_name: String,
    pub client_host: String,
    pub scope: String,
    pub resource: String,
}

/// An authorization code as stored.
#[derive(Debug, Clone)]
pub struct CodeRow {
    pub authorized: Authorized,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub expires_at: i64,
}

pub async fn insert_code(db: &Db, code_hash: &str, code: &CodeRow) -> Result<(), DbError> {
    let a = &code.authorized;
    sqlx::query(
        "INSERT INTO oauth_codes (code_hash, user_id, client_id, client_name, client_host, \
         redirect_uri, code_challenge, resource, scope, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(code_hash)
    .bind(&a.user_id)
    .bind(&a.client_id)
    .bind(&a.client_name)
    .bind(&a.client_host)
    .bind(&code.redirect_uri)
    .bind(&code.code_challenge)
    .bind(&a.resource)
    .bind(&a.scope)
    .bind(code.expires_at)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What presenting a code found.
pub enum TakenCode {
    /// Unused until now (it is used from now on), perhaps expired: the caller checks.
    Fresh(CodeRow),
    /// Used before: the grant its first use created, if any.
    Reused {
        grant_id: Option<String>,
    },
    Unknown,
}

/// Marks the code used and answers what it was; a second presentation finds it used.
pub async fn take_code(db: &Db, code_hash: &str, now: i64) -> Result<TakenCode, DbError> {
    let row = sqlx::query(
        "UPDATE oauth_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL \
         RETURNING user_id, client_id, client_name, client_host, redirect_uri, code_challenge, \
         resource, scope, expires_at",
    )
    .bind(now)
    .bind(code_hash)
    .fetch_optional(db.pool())
    .await?;
    if let Some(r) = row {
        return Ok(TakenCode::Fresh(CodeRow {
            authorized: Authorized {
                user_id: r.try_get(0)?,
                client_id: r.try_get(1)?,
                client_name: r.try_get(2)?,
                client_host: r.try_get(3)?,
                resource: r.try_get(6)?,
                scope: r.try_get(7)?,
            },
            redirect_uri: r.try_get(4)?,
            code_challenge: r.try_get(5)?,
            expires_at: r.try_get(8)?,
        }));
    }
    let used = sqlx::query("SELECT grant_id FROM oauth_codes WHERE code_hash = $1")
        .bind(code_hash)
        .fetch_optional(db.pool())
        .await?;
    Ok(match used {
        Some(r) => TakenCode::Reused {
            grant_id: r.try_get(0)?,
        },
        None => TakenCode::Unknown,
    })
}

/// Deletes codes that expired before `before`.
pub async fn delete_expired_codes(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM oauth_codes WHERE expires_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// A refresh token to store.
pub struct NewRefresh<'a> {
    pub token_hash: &'a str,
    pub expires_at: i64,
}

/// Creates the grant a redeemed code authorizes, with its first refresh token, and notes the
/// grant on the code (so a second use of the code can revoke it).
pub async fn insert_grant(
    db: &Db,
    grant_id: &str,
    code_hash: &str,
    a: &Authorized,
    refresh: NewRefresh<'_>,
    now: i64,
) -> Result<(), DbError> {
    let mut tx = db.begin_write().await?;
    sqlx::query(
        "INSERT INTO oauth_grants (id, user_id, client_id, client_name, client_host, scope, \
         resource, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(grant_id)
    .bind(&a.user_id)
    .bind(&a.client_id)
    .bind(&a.client_name)
    .bind(&a.client_host)
    .bind(&a.scope)
    .bind(&a.resource)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE oauth_codes SET grant_id = $1 WHERE code_hash = $2")
        .bind(grant_id)
        .bind(code_hash)
        .execute(&mut *tx)
        .await?;
    insert_refresh(&mut tx, grant_id, &refresh, now).await?;
    tx.commit().await
}

async fn insert_refresh(
    tx: &mut super::Tx,
    grant_id: &str,
    refresh: &NewRefresh<'_>,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO oauth_refresh_tokens (token_hash, grant_id, created_at, expires_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(refresh.token_hash)
    .bind(grant_id)
    .bind(now)
    .bind(refresh.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A live grant and what it authorizes.
#[derive(Debug, Clone)]
pub struct GrantRow {
    pub id: String,
    pub authorized: Authorized,
}

/// What presenting a refresh token found.
pub enum Rotation {
    /// The token was live and its grant too: it is used now and `NewRefresh` replaces it.
    Rotated(GrantRow),
    /// The token was used before (reuse: the grant has just been revoked), or its grant is.
    Refused { reused: bool },
    /// Unknown or expired.
    Unknown,
}

/// Takes a refresh token and stores its successor in one transaction. A token presented a
/// second time revokes its whole grant (every token of the family).
pub async fn rotate_refresh(
    db: &Db,
    token_hash: &str,
    next: NewRefresh<'_>,
    now: i64,
) -> Result<Rotation, DbError> {
    let mut tx = db.begin_write().await?;
    let taken = sqlx::query(
        "UPDATE oauth_refresh_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING grant_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(taken) = taken else {
        let used = sqlx::query(
            "SELECT grant_id FROM oauth_refresh_tokens WHERE token_hash = $1 AND used_at IS NOT NULL",
        )
        .bind(token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(used) = used else {
            return Ok(Rotation::Unknown);
        };
        let grant_id: String = used.try_get(0)?;
        revoke_in(&mut tx, &grant_id, now).await?;
        tx.commit().await?;
        db.callers_changed().await;
        return Ok(Rotation::Refused { reused: true });
    };
    let grant_id: String = taken.try_get(0)?;
    let Some(grant) = live_grant_in(&mut tx, &grant_id).await? else {
        tx.commit().await?;
        return Ok(Rotation::Refused { reused: false });
    };
    insert_refresh(&mut tx, &grant_id, &next, now).await?;
    tx.commit().await?;
    Ok(Rotation::Rotated(grant))
}

/// A grant from `id, user_id, client_id, client_name, client_host, scope, resource`.
fn grant_row(r: &sqlx::any::AnyRow) -> Result<GrantRow, sqlx::Error> {
    Ok(GrantRow {
        id: r.try_get(0)?,
        authorized: Authorized {
            user_id: r.try_get(1)?,
            client_id: r.try_get(2)?,
            client_name: r.try_get(3)?,
            client_host: r.try_get(4)?,
            scope: r.try_get(5)?,
            resource: r.try_get(6)?,
        },
    })
}

async fn live_grant_in(tx: &mut super::Tx, grant_id: &str) -> Result<Option<GrantRow>, DbError> {
    let row = sqlx::query(
        "SELECT id, user_id, client_id, client_name, client_host, scope, resource \
         FROM oauth_grants WHERE id = $1 AND revoked_at IS NULL",
    )
    .bind(grant_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.as_ref().map(grant_row).transpose()?)
}

async fn revoke_in(tx: &mut super::Tx, grant_id: &str, now: i64) -> Result<bool, DbError> {
    let r =
        sqlx::query("UPDATE oauth_grants SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(grant_id)
            .execute(&mut **tx)
            .await?;
    sqlx::query("DELETE FROM oauth_refresh_tokens WHERE grant_id = $1 AND used_at IS NULL")
        .bind(grant_id)
        .execute(&mut **tx)
        .await?;
    Ok(r.rows_affected() == 1)
}

/// Revokes a grant and its refresh tokens; `user_id` limits it to that user's grants. True when
/// a live grant was revoked.
pub async fn revoke_grant(
    db: &Db,
    grant_id: &str,
    user_id: Option<&str>,
    now: i64,
) -> Result<bool, DbError> {
    let mut tx = db.begin_write().await?;
    if let Some(user_id) = user_id {
        let owned = sqlx::query("SELECT 1 FROM oauth_grants WHERE id = $1 AND user_id = $2")
            .bind(grant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        if owned.is_none() {
            return Ok(false);
        }
    }
    let revoked = revoke_in(&mut tx, grant_id, now).await?;
    tx.commit().await?;
    db.callers_changed().await;
    Ok(revoked)
}

/// The grant a refresh token belongs to, whether or not the token is still usable.
pub async fn grant_of_refresh(db: &Db, token_hash: &str) -> Result<Option<GrantRow>, DbError> {
    let row = sqlx::query(
        "SELECT g.id, g.user_id, g.client_id, g.client_name, g.client_host, g.scope, g.resource \
         FROM oauth_refresh_tokens t JOIN oauth_grants g ON g.id = t.grant_id \
         WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.as_ref().map(grant_row).transpose()?)
}

/// A live grant and its account, for `/mcp`.
#[derive(Debug, Clone)]
pub struct GrantOwner {
    pub grant_id: String,
    pub client_name: String,
    pub last_used_at: Option<i64>,
    pub user: users::UserRow,
}

/// The account behind a live grant of `user_id` (the token's subject must match).
pub async fn grant_owner(
    db: &Db,
    grant_id: &str,
    user_id: &str,
) -> Result<Option<GrantOwner>, DbError> {
    let row = sqlx::query(
        "SELECT g.id AS grant_id, g.client_name AS client_name, g.last_used_at AS grant_last_used_at, \
         u.id, u.email, u.password_hash, u.display_name, u.role, u.plan, u.status, u.locale, \
         u.created_at, u.email_verified_at \
         FROM oauth_grants g JOIN users u ON u.id = g.user_id \
         WHERE g.id = $1 AND g.user_id = $2 AND g.revoked_at IS NULL",
    )
    .bind(grant_id)
    .bind(user_id)
    .fetch_optional(db.pool())
    .await?;
    let Some(r) = row else { return Ok(None) };
    Ok(Some(GrantOwner {
        grant_id: r.try_get("grant_id")?,
        client_name: r.try_get("client_name")?,
        last_used_at: r.try_get("grant_last_used_at")?,
        user: users::from_row(&r)?,
    }))
}

/// Records a grant's last use.
pub async fn touch_grant(db: &Db, grant_id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE oauth_grants SET last_used_at = $1 WHERE id = $2")
        .bind(now)
        .bind(grant_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The user's live grants, newest first.
pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<ConnectedApp>, DbError> {
    let rows = sqlx::query(
        "SELECT id, client_name, client_host, scope, created_at, last_used_at FROM oauth_grants \
         WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC, id DESC",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            let scope: String = r.try_get(3)?;
            Ok(ConnectedApp {
                id: r.try_get(0)?,
                client_name: r.try_get(1)?,
                client_host: r.try_get(2)?,
                scopes: scope.split_whitespace().map(str::to_string).collect(),
                created_at: r.try_get(4)?,
                last_used_at: r.try_get(5)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Deletes refresh tokens that expired before `before`, and revoked grants' remains older than it.
pub async fn delete_expired_refresh(db: &Db, before: i64) -> Result<u64, DbError> {
    let _turn = db.write_turn().await;
    let r = sqlx::query("DELETE FROM oauth_refresh_tokens WHERE expires_at < $1")
        .bind(before)
        .execute(db.pool())
        .await?;
    Ok(r.rows_affected())
}

/// Live grants per user, for the given users (those without any are left out).
pub async fn live_grant_counts(
    db: &Db,
    user_ids: &[String],
) -> Result<std::collections::HashMap<String, i64>, DbError> {
    if user_ids.is_empty() {
        return Ok(Default::default());
    }
    let placeholders: Vec<String> = (1..=user_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT user_id, COUNT(*) FROM oauth_grants WHERE revoked_at IS NULL \
         AND user_id IN ({}) GROUP BY user_id",
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in user_ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(db.pool()).await?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}
