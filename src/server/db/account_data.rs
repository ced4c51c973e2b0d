//! Whole-account operations across tables: export everything stored about a person (secrets
//! excluded) and delete an account while keeping anonymised usage totals.

use super::{Db, DbError};
use serde_json::{Map, Value, json};
use sqlx::{Row, any::AnyRow};

/// Rows as JSON objects; every listed column is cast to text or integer by the caller's SQL.
fn to_json(rows: &[AnyRow], columns: &[(&str, bool)]) -> Result<Vec<Value>, sqlx::Error> {
    rows.iter()
        .map(|r| {
            let mut obj = Map::new();
            for (i, (name, is_int)) in columns.iter().enumerate() {
                let v = if *is_int {
                    r.try_get::<Option<i64>, _>(i)?
                        .map(Value::from)
                        .unwrap_or(Value::Null)
                } else {
                    r.try_get::<Option<String>, _>(i)?
                        .map(Value::from)
                        .unwrap_or(Value::Null)
                };
                obj.insert((*name).to_string(), v);
            }
            Ok(Value::Object(obj))
        })
        .collect()
}

macro_rules! export_query {
    ($db:expr, $user:expr, $sql:literal, [$(($col:literal, $int:literal)),* $(,)?]) => {{
        let rows = sqlx::query($sql).bind($user).fetch_all($db.pool()).await?;
        to_json(&rows, &[$(($col, $int)),*])?
    }};
}

/// Everything stored about a user, without password hashes, session ids, key hashes or tokens.
pub async fn export(db: &Db, user_id: &str) -> Result<Value, DbError> {
    let account = export_query!(
        db,
        user_id,
        "SELECT email, display_name, role, plan, status, locale, created_at, api_calls_used FROM users WHERE id = $1",
        [
            ("email", false),
            ("display_name", false),
            ("role", false),
            ("plan", false),
            ("status", false),
            ("locale", false),
            ("created_at", true),
            ("api_calls_used", true)
        ]
    );
    let sessions = export_query!(
        db,
        user_id,
        "SELECT created_at, last_seen_at, ip, user_agent FROM sessions WHERE user_id = $1 ORDER BY created_at",
        [
            ("created_at", true),
            ("last_seen_at", true),
            ("ip", false),
            ("user_agent", false)
        ]
    );
    let connected_apps = export_query!(
        db,
        user_id,
        "SELECT client_name, client_host, scope, created_at, last_used_at, revoked_at FROM oauth_grants WHERE user_id = $1 ORDER BY created_at",
        [
            ("client_name", false),
            ("client_host", false),
            ("scope", false),
            ("created_at", true),
            ("last_used_at", true),
            ("revoked_at", true)
        ]
    );
    let api_keys = export_query!(
        db,
        user_id,
        "SELECT name, prefix, created_at, last_used_at, revoked_at FROM api_keys WHERE user_id = $1 ORDER BY created_at",
        [
            ("name", false),
            ("prefix", false),
            ("created_at", true),
            ("last_used_at", true),
            ("revoked_at", true)
        ]
    );
    let connections = export_query!(
        db,
        user_id,
        "SELECT region, exact_user_name, exact_email, status, token_expires_at, refresh_token_expires_at, created_at FROM connections WHERE user_id = $1 ORDER BY created_at",
        [
            ("region", false),
            ("exact_user_name", false),
            ("exact_email", false),
            ("status", false),
            ("token_expires_at", true),
            ("refresh_token_expires_at", true),
            ("created_at", true)
        ]
    );
    let divisions = export_query!(
        db,
        user_id,
        "SELECT d.code, d.name, d.is_default, d.is_active FROM divisions d JOIN connections c ON c.id = d.connection_id WHERE c.user_id = $1 ORDER BY d.code",
        [
            ("code", true),
            ("name", false),
            ("is_default", true),
            ("is_active", true)
        ]
    );
    let notifications = export_query!(
        db,
        user_id,
        "SELECT kind, title, body, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at",
        [
            ("kind", false),
            ("title", false),
            ("body", false),
            ("created_at", true),
            ("read_at", true)
        ]
    );
    let tickets = export_query!(
        db,
        user_id,
        "SELECT kind, subject, body, status, created_at FROM tickets WHERE user_id = $1 ORDER BY created_at",
        [
            ("kind", false),
            ("subject", false),
            ("body", false),
            ("status", false),
            ("created_at", true)
        ]
    );
    let usage_daily = export_query!(
        db,
        user_id,
        "SELECT day, tool, client_name, calls, errors, rejected FROM usage_daily WHERE user_id = $1 ORDER BY day",
        [
            ("day", false),
            ("tool", false),
            ("client_name", false),
            ("calls", true),
            ("errors", true),
            ("rejected", true)
        ]
    );
    let usage_events = export_query!(
        db,
        user_id,
        "SELECT method, tool, status, division, latency_ms, client_name, client_version, created_at FROM usage_events WHERE user_id = $1 ORDER BY created_at",
        [
            ("method", false),
            ("tool", false),
            ("status", false),
            ("division", true),
            ("latency_ms", true),
            ("client_name", false),
            ("client_version", false),
            ("created_at", true)
        ]
    );
    let email_changes = export_query!(
        db,
        user_id,
        "SELECT new_email, created_at, expires_at, used_at FROM email_changes WHERE user_id = $1 ORDER BY created_at",
        [
            ("new_email", false),
            ("created_at", true),
            ("expires_at", true),
            ("used_at", true)
        ]
    );
    Ok(json!({
        "account": account.into_iter().next().unwrap_or(Value::Null),
        "sessions": sessions,
        "api_keys": api_keys,
        "connected_apps": connected_apps,
        "connections": connections,
        "divisions": divisions,
        "notifications": notifications,
        "tickets": tickets,
        "usage_daily": usage_daily,
        "usage_events": usage_events,
        "email_changes": email_changes,
    }))
}

/// Deletes the user and, by cascade, their sessions, keys, connected apps' grants and codes, connections (with their tokens),
/// divisions, notifications, tickets, reset tokens and pending email changes. Usage rows stay, under an anonymous id,
/// so totals remain right; login attempts and audit entries lose the address.
pub async fn delete_user(db: &Db, user_id: &str, email: &str) -> Result<(), DbError> {
    let anonymous = format!("deleted:{}", uuid::Uuid::new_v4().simple());
    let mut tx = db.pool().begin().await?;
    sqlx::query("UPDATE usage_events SET user_id = $1, api_key_id = NULL, connection_id = NULL, client_version = '' WHERE user_id = $2")
        .bind(&anonymous)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE usage_daily SET user_id = $1 WHERE user_id = $2")
        .bind(&anonymous)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM login_attempts WHERE email = $1")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE audit_log SET target_id = $1 WHERE target_id = $2")
        .bind(&anonymous)
        .bind(email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM email_outbox WHERE to_address = $1")
        .bind(email)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    db.callers_changed().await;
    Ok(())
}
