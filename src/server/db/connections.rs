//! The `connections` table: Exact logins a user connected, with their tokens in the vault's
//! encrypted form.

use super::{Db, DbError};
use crate::domain::{ConnectionStatus, ConnectionSummary, DivisionSummary, Region};
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

/// What the token logic needs of a connection (and of its owner, to tell them).
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: String,
    pub user_id: String,
    pub region: Region,
    pub exact_user_name: String,
    /// Stored (vault) forms; `None` after a disconnect.
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub token_issued_at: Option<i64>,
    pub token_expires_at: Option<i64>,
    pub status: ConnectionStatus,
    pub owner_locale: String,
}

/// Reads a connection's token state (no lock: the refresh is serialised by its lease).
pub async fn token_row<'e, E>(e: E, id: &str) -> Result<Option<TokenRow>, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query(
        "SELECT c.id, c.user_id, c.region, c.exact_user_name, c.access_token, c.refresh_token, \
         c.token_issued_at, c.token_expires_at, c.status, u.locale \
         FROM connections c JOIN users u ON u.id = c.user_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(e)
    .await?;
    row.map(|r| -> Result<TokenRow, DbError> {
        let region = Region::parse(&r.try_get::<String, _>(2)?);
        let status = ConnectionStatus::from_stored(&r.try_get::<String, _>(8)?);
        Ok(TokenRow {
            id: r.try_get(0)?,
            user_id: r.try_get(1)?,
            // A region this binary does not know cannot be called: the connection counts as
            // needing a new consent (and the placeholder region is never used).
            region: region.unwrap_or(Region::Nl),
            exact_user_name: r.try_get(3)?,
            access_token: r.try_get(4)?,
            refresh_token: r.try_get(5)?,
            token_issued_at: r.try_get(6)?,
            token_expires_at: r.try_get(7)?,
            status: if region.is_some() {
                status
            } else {
                ConnectionStatus::NeedsReauth
            },
            owner_locale: r.try_get(9)?,
        })
    })
    .transpose()
}

/// Claims the connection's refresh lease for `holder` until `until`, in one atomic statement:
/// only while the connection is active, still holds the refresh token `refresh_token` (stored
/// form, as read) and no lease is held or the one held has expired (its holder died). True
/// when this caller now holds it.
pub async fn claim_refresh_lease(
    db: &Db,
    id: &str,
    refresh_token: &str,
    holder: &str,
    now: i64,
    until: i64,
) -> Result<bool, DbError> {
    let claimed = sqlx::query(
        "UPDATE connections SET refresh_lease_holder = $1, refresh_lease_until = $2 \
         WHERE id = $3 AND status = 'active' AND refresh_token = $4 \
         AND (refresh_lease_until IS NULL OR refresh_lease_until <= $5)",
    )
    .bind(holder)
    .bind(until)
    .bind(id)
    .bind(refresh_token)
    .bind(now)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(claimed == 1)
}

/// Gives the lease back, if `holder` still holds it.
pub async fn release_refresh_lease(db: &Db, id: &str, holder: &str) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE connections SET refresh_lease_holder = NULL, refresh_lease_until = NULL \
         WHERE id = $1 AND refresh_lease_holder = $2",
    )
    .bind(id)
    .bind(holder)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A new token pair (already in the vault's form) and its expiries.
pub struct Refreshed<'a> {
    pub id: &'a str,
    /// The refresh token that was traded for this pair (stored form): the row is written only
    /// if it still holds it.
    pub traded: &'a str,
    pub access_token: &'a str,
    pub refresh_token: &'a str,
    pub issued_at: i64,
    pub expires_at: i64,
    pub refresh_expires_at: i64,
}

/// Stores a refreshed pair with a compare-and-set on the traded refresh token, releases the
/// lease, and makes the connection active (a refusal seen meanwhile by a stale holder of an
/// expired lease was of the token we just traded, not of this pair). False when someone else
/// stored other tokens first (a new consent) or the connection is gone.
pub async fn store_refreshed(db: &Db, r: Refreshed<'_>) -> Result<bool, DbError> {
    let stored = sqlx::query(
        "UPDATE connections SET access_token = $1, refresh_token = $2, token_issued_at = $3, \
         token_expires_at = $4, refresh_token_expires_at = $5, last_refreshed_at = $3, \
         expiry_alert_sent = 0, status = 'active', refresh_lease_holder = NULL, \
         refresh_lease_until = NULL, updated_at = $3 WHERE id = $6 AND refresh_token = $7",
    )
    .bind(r.access_token)
    .bind(r.refresh_token)
    .bind(r.issued_at)
    .bind(r.expires_at)
    .bind(r.refresh_expires_at)
    .bind(r.id)
    .bind(r.traded)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(stored == 1)
}

/// Exact refused the refresh token `refused` (stored form; empty when none was stored): the
/// connection needs a new consent, and the lease is released. Only if the row still holds that
/// token and did not already need one; true when this call changed it.
pub async fn mark_refused<'e, E>(e: E, id: &str, refused: &str, now: i64) -> Result<bool, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let changed = sqlx::query(
        "UPDATE connections SET status = $1, refresh_lease_holder = NULL, \
         refresh_lease_until = NULL, updated_at = $2 \
         WHERE id = $3 AND status <> $1 AND COALESCE(refresh_token, '') = $4",
    )
    .bind(ConnectionStatus::NeedsReauth.as_str())
    .bind(now)
    .bind(id)
    .bind(refused)
    .execute(e)
    .await?
    .rows_affected();
    Ok(changed == 1)
}

/// Records a successful call; written at most once a minute per connection.
pub async fn touch_last_used(db: &Db, id: &str, now: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE connections SET last_used_at = $1 \
         WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - 60)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// What the OAuth callback learned: the Exact user, the tokens (vault form is made here, as the
/// row id is part of the associated data) and the divisions the consent covers.
pub struct Connected<'a> {
    pub user_id: &'a str,
    pub region: Region,
    pub exact_user_id: &'a str,
    pub exact_user_name: &'a str,
    pub exact_email: &'a str,
    pub access_token: &'a secrecy::SecretString,
    pub refresh_token: &'a secrecy::SecretString,
    pub issued_at: i64,
    pub expires_in: i64,
    pub refresh_token_seconds: i64,
    /// (code, name); the first is Exact's current division when it is among them.
    pub divisions: &'a [(i64, String)],
    pub current_division: Option<i64>,
    /// The owner's plan cap on active divisions (None: unlimited).
    pub max_active_divisions: Option<u32>,
}

/// Creates the connection, or renews the tokens of the same Exact user in the same region for
/// this account, and brings its divisions in line with the consent. One transaction.
pub async fn upsert_connected(db: &Db, vault: &Vault, c: Connected<'_>) -> Result<String, DbError> {
    let now = c.issued_at;
    let mut tx = db.pool().begin().await?;
    let existing: Option<String> = sqlx::query_scalar(
        "SELECT id FROM connections WHERE user_id = $1 AND region = $2 AND exact_user_id = $3",
    )
    .bind(c.user_id)
    .bind(c.region.code())
    .bind(c.exact_user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let id = existing
        .clone()
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let access = vault.encrypt(c.access_token, &vault::place(&id, "access_token"));
    let refresh = vault.encrypt(c.refresh_token, &vault::place(&id, "refresh_token"));
    if existing.is_some() {
        sqlx::query(
            "UPDATE connections SET exact_user_name = $1, exact_email = $2, access_token = $3, \
             refresh_token = $4, token_issued_at = $5, token_expires_at = $6, \
             refresh_token_expires_at = $7, status = 'active', expiry_alert_sent = 0, \
             last_refreshed_at = $5, updated_at = $5 WHERE id = $8",
        )
        .bind(c.exact_user_name)
        .bind(c.exact_email)
        .bind(&access)
        .bind(&refresh)
        .bind(now)
        .bind(now + c.expires_in)
        .bind(now + c.refresh_token_seconds)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO connections (id, user_id, region, exact_user_id, exact_user_name, exact_email, \
             access_token, refresh_token, token_issued_at, token_expires_at, refresh_token_expires_at, \
             status, last_refreshed_at, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $9, $9, $9)",
        )
        .bind(&id)
        .bind(c.user_id)
        .bind(c.region.code())
        .bind(c.exact_user_id)
        .bind(c.exact_user_name)
        .bind(c.exact_email)
        .bind(&access)
        .bind(&refresh)
        .bind(now)
        .bind(now + c.expires_in)
        .bind(now + c.refresh_token_seconds)
        .execute(&mut *tx)
        .await?;
    }

    // Divisions no longer covered by the consent go; names are refreshed; new ones come in,
    // active while the plan's cap allows (the default first).
    let granted: Vec<i64> = c.divisions.iter().map(|(code, _)| *code).collect();
    let known: Vec<(i64, i64)> =
        sqlx::query_as("SELECT code, is_default FROM divisions WHERE connection_id = $1")
            .bind(&id)
            .fetch_all(&mut *tx)
            .await?;
    for (code, _) in known.iter().filter(|(code, _)| !granted.contains(code)) {
        sqlx::query("DELETE FROM divisions WHERE connection_id = $1 AND code = $2")
            .bind(&id)
            .bind(code)
            .execute(&mut *tx)
            .await?;
    }
    let mut active: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM divisions d JOIN connections c ON c.id = d.connection_id \
         WHERE c.user_id = $1 AND d.is_active = 1",
    )
    .bind(c.user_id)
    .fetch_one(&mut *tx)
    .await?;
    let has_default = known
        .iter()
        .any(|(code, is_default)| *is_default == 1 && granted.contains(code));
    let mut ordered: Vec<&(i64, String)> = c.divisions.iter().collect();
    if let Some(current) = c.current_division {
        ordered.sort_by_key(|(code, _)| *code != current);
    }
    let default_code = if has_default {
        None
    } else {
        ordered.first().map(|(code, _)| *code)
    };
    for (code, name) in ordered {
        if known.iter().any(|(k, _)| k == code) {
            sqlx::query("UPDATE divisions SET name = $1 WHERE connection_id = $2 AND code = $3")
                .bind(name)
                .bind(&id)
                .bind(code)
                .execute(&mut *tx)
                .await?;
            continue;
        }
        let activate = c
            .max_active_divisions
            .is_none_or(|cap| active < i64::from(cap));
        if activate {
            active += 1;
        }
        sqlx::query(
            "INSERT INTO divisions (connection_id, code, name, is_default, is_active, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&id)
        .bind(code)
        .bind(name)
        .bind(i64::from(Some(*code) == default_code))
        .bind(i64::from(activate))
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    if let Some(code) = default_code {
        sqlx::query(
            "UPDATE divisions SET is_default = CASE WHEN code = $1 THEN 1 ELSE 0 END WHERE connection_id = $2",
        )
        .bind(code)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    db.callers_changed().await;
    Ok(id)
}

/// Every connection's id, oldest first (operators' tools and tests; no tokens).
pub async fn all_ids(db: &Db) -> Result<Vec<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM connections ORDER BY created_at, id")
            .fetch_all(db.pool())
            .await?,
    )
}

/// The connections of one user, newest first, with their divisions.
pub async fn list_for_user(db: &Db, user_id: &str) -> Result<Vec<ConnectionSummary>, DbError> {
    let rows = sqlx::query(
        "SELECT id, region, exact_user_name, exact_email, status, token_expires_at, \
         refresh_token_expires_at, last_used_at, created_at FROM connections \
         WHERE user_id = $1 ORDER BY created_at DESC, id",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let divisions = sqlx::query(
        "SELECT d.connection_id, d.code, d.name, d.is_default, d.is_active FROM divisions d \
         JOIN connections c ON c.id = d.connection_id WHERE c.user_id = $1 ORDER BY d.code",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get(0)?;
        let region: String = r.try_get(1)?;
        let Some(region) = Region::parse(&region) else {
            continue;
        };
        let mut own = Vec::new();
        for d in &divisions {
            if d.try_get::<String, _>(0)? == id {
                own.push(DivisionSummary {
                    code: d.try_get(1)?,
                    name: d.try_get(2)?,
                    is_default: d.try_get::<i64, _>(3)? == 1,
                    is_active: d.try_get::<i64, _>(4)? == 1,
                });
            }
        }
        out.push(ConnectionSummary {
            id,
            region,
            exact_user_name: r.try_get(2)?,
            exact_email: r.try_get(3)?,
            status: ConnectionStatus::from_stored(&r.try_get::<String, _>(4)?),
            token_expires_at: r.try_get(5)?,
            refresh_token_expires_at: r.try_get(6)?,
            last_used_at: r.try_get(7)?,
            created_at: r.try_get(8)?,
            divisions: own,
        });
    }
    Ok(out)
}

/// Makes `code` the default division of the user's connection; false when no such division.
pub async fn set_default_division(
    db: &Db,
    user_id: &str,
    connection_id: &str,
    code: i64,
) -> Result<bool, DbError> {
    let mut tx = db.pool().begin().await?;
    let owned: Option<i64> = sqlx::query_scalar(
        "SELECT d.code FROM divisions d JOIN connections c ON c.id = d.connection_id \
         WHERE c.user_id = $1 AND c.id = $2 AND d.code = $3",
    )
    .bind(user_id)
    .bind(connection_id)
    .bind(code)
    .fetch_optional(&mut *tx)
    .await?;
    if owned.is_none() {
        return Ok(false);
    }
    sqlx::query(
        "UPDATE divisions SET is_default = CASE WHEN code = $1 THEN 1 ELSE 0 END WHERE connection_id = $2",
    )
    .bind(code)
    .bind(connection_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    db.callers_changed().await;
    Ok(true)
}

/// What [`set_division_active`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    Done,
    NotFound,
    /// The plan's cap on active divisions is reached.
    OverCap(u32),
}

/// Activates or deactivates one of the user's divisions, within the plan's cap. The count and
/// the change happen in one transaction, so two tabs cannot both take the last place.
pub async fn set_division_active(
    db: &Db,
    user_id: &str,
    connection_id: &str,
    code: i64,
    active: bool,
    cap: Option<u32>,
) -> Result<Activation, DbError> {
    let mut tx = db.begin_write().await?;
    if db.backend() == super::Backend::Postgres {
        // Serialise activations per user: lock the user's row.
        sqlx::query("SELECT id FROM users WHERE id = $1 FOR UPDATE")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    }
    let current: Option<i64> = sqlx::query_scalar(
        "SELECT d.is_active FROM divisions d JOIN connections c ON c.id = d.connection_id \
         WHERE c.user_id = $1 AND c.id = $2 AND d.code = $3",
    )
    .bind(user_id)
    .bind(connection_id)
    .bind(code)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(current) = current else {
        return Ok(Activation::NotFound);
    };
    if active
        && current == 0
        && let Some(cap) = cap
    {
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM divisions d JOIN connections c ON c.id = d.connection_id \
             WHERE c.user_id = $1 AND d.is_active = 1",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if count >= i64::from(cap) {
            return Ok(Activation::OverCap(cap));
        }
    }
    sqlx::query("UPDATE divisions SET is_active = $1 WHERE connection_id = $2 AND code = $3")
        .bind(i64::from(active))
        .bind(connection_id)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.callers_changed().await;
    Ok(Activation::Done)
}

/// Removes the user's connection with its tokens and divisions; false when there was none.
pub async fn delete_for_user(db: &Db, user_id: &str, connection_id: &str) -> Result<bool, DbError> {
    let deleted = sqlx::query("DELETE FROM connections WHERE id = $1 AND user_id = $2")
        .bind(connection_id)
        .bind(user_id)
        .execute(db.pool())
        .await?
        .rows_affected();
    db.callers_changed().await;
    Ok(deleted == 1)
}

/// The region of the user's connection (for reconnecting).
pub async fn region_for_user(
    db: &Db,
    user_id: &str,
    connection_id: &str,
) -> Result<Option<Region>, DbError> {
    let region: Option<String> =
        sqlx::query_scalar("SELECT region FROM connections WHERE id = $1 AND user_id = $2")
            .bind(connection_id)
            .bind(user_id)
            .fetch_optional(db.pool())
            .await?;
    Ok(region.as_deref().and_then(Region::parse))
}

/// A connection the keep-alive job should refresh, with when its access token was issued.
#[derive(Debug, Clone)]
pub struct KeepaliveDue {
    pub id: String,
    /// 0 when unknown.
    pub token_issued_at: i64,
}

/// Active connections whose refresh token expires by `refresh_expires_by` (or whose expiry is
/// unknown), or whose access token is still valid at `now` but expires by `access_expires_by`;
/// oldest tokens first.
pub async fn due_for_keepalive(
    db: &Db,
    refresh_expires_by: i64,
    now: i64,
    access_expires_by: i64,
) -> Result<Vec<KeepaliveDue>, DbError> {
    let rows = sqlx::query(
        "SELECT id, COALESCE(token_issued_at, 0) FROM connections \
         WHERE status = 'active' AND refresh_token IS NOT NULL AND ( \
             COALESCE(refresh_token_expires_at, 0) <= $1 \
             OR (token_expires_at > $2 AND token_expires_at <= $3)) \
         ORDER BY token_issued_at, id",
    )
    .bind(refresh_expires_by)
    .bind(now)
    .bind(access_expires_by)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(KeepaliveDue {
                id: r.try_get(0)?,
                token_issued_at: r.try_get(1)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// A connection whose refresh token runs out soon and whose owner has not been told yet.
#[derive(Debug, Clone)]
pub struct ExpiringToken {
    pub id: String,
    pub user_id: String,
    pub exact_user_name: String,
    pub refresh_token_expires_at: i64,
    pub owner_email: String,
    pub owner_locale: String,
}

/// Connections whose refresh token expires by `expires_by` and that have not been alerted,
/// soonest first.
pub async fn expiring_unalerted(db: &Db, expires_by: i64) -> Result<Vec<ExpiringToken>, DbError> {
    let rows = sqlx::query(
        "SELECT c.id, c.user_id, c.exact_user_name, c.refresh_token_expires_at, u.email, u.locale \
         FROM connections c JOIN users u ON u.id = c.user_id \
         WHERE c.expiry_alert_sent = 0 AND c.refresh_token IS NOT NULL \
           AND c.refresh_token_expires_at IS NOT NULL AND c.refresh_token_expires_at <= $1 \
         ORDER BY c.refresh_token_expires_at, c.id",
    )
    .bind(expires_by)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(ExpiringToken {
                id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                exact_user_name: r.try_get(2)?,
                refresh_token_expires_at: r.try_get(3)?,
                owner_email: r.try_get(4)?,
                owner_locale: r.try_get(5)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Sets `expiry_alert_sent`; true for the one caller that changed it (the one to alert).
pub async fn claim_expiry_alert<'e, E>(e: E, id: &str, now: i64) -> Result<bool, DbError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let claimed = sqlx::query(
        "UPDATE connections SET expiry_alert_sent = 1, updated_at = $1 \
         WHERE id = $2 AND expiry_alert_sent = 0",
    )
    .bind(now)
    .bind(id)
    .execute(e)
    .await?
    .rows_affected();
    Ok(claimed == 1)
}
