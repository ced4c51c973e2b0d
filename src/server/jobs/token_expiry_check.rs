//! `token_expiry_check` (hourly, at half past, after the keep-alive): a connection whose refresh
//! token expires within 5 days could not be kept alive (the keep-alive refreshes at 7 days of
//! age, 23 days before expiry), so its owner must reconnect. Once per connection: a ticket
//! (the owner's and the admins'), an in-app notification and a mail through the outbox, all in
//! one transaction with `expiry_alert_sent = 1`. A refresh or a reconnect sets the flag back to
//! 0 (`connections::store_refreshed`, `connections::upsert_connected`).

use super::{JobError, Outcome, summary};
use crate::server::{
    db::{notifications, security},
    exact::RECONNECT_PATH,
    state::AppState,
};
use sqlx::Row;

pub const NAME: &str = "token_expiry_check";
/// Hourly at minute 30 (UTC).
pub const SCHEDULE: &str = "0 30 * * * *";
/// Alert when the refresh token has this little life left.
pub const ALERT_WITHIN_SECONDS: i64 = 5 * 24 * 60 * 60;

struct Expiring {
    id: String,
    user_id: String,
    exact_user_name: String,
    expires_at: i64,
    email: String,
    locale: String,
}

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let now = state.clock.now();
    let rows = sqlx::query(
        "SELECT c.id, c.user_id, c.exact_user_name, c.refresh_token_expires_at, u.email, u.locale \
         FROM connections c JOIN users u ON u.id = c.user_id \
         WHERE c.expiry_alert_sent = 0 AND c.refresh_token IS NOT NULL \
           AND c.refresh_token_expires_at IS NOT NULL AND c.refresh_token_expires_at <= $1 \
         ORDER BY c.refresh_token_expires_at, c.id",
    )
    .bind(now + ALERT_WITHIN_SECONDS)
    .fetch_all(state.db.pool())
    .await?;
    let expiring = rows
        .iter()
        .map(|r| -> Result<Expiring, sqlx::Error> {
            Ok(Expiring {
                id: r.try_get(0)?,
                user_id: r.try_get(1)?,
                exact_user_name: r.try_get(2)?,
                expires_at: r.try_get(3)?,
                email: r.try_get(4)?,
                locale: r.try_get(5)?,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;

    let (mut alerted, mut failed) = (0i64, 0i64);
    for c in &expiring {
        match alert(state, c, now).await {
            Ok(true) => alerted += 1,
            Ok(false) => {} // alerted by someone else meanwhile
            Err(e) => {
                tracing::error!(connection_id = %c.id, error = %e, "expiry alert failed");
                failed += 1;
            }
        }
    }
    Ok(Outcome {
        processed: alerted,
        failed,
        message: summary(&[("alerted", alerted), ("failed", failed)]),
    })
}

/// The flag, the ticket, the notification and the mail, together or not at all.
async fn alert(state: &AppState, c: &Expiring, now: i64) -> Result<bool, JobError> {
    let lang = crate::i18n::Lang::parse(&c.locale).unwrap_or_default();
    let t = lang.texts();
    let date = chrono::DateTime::from_timestamp(c.expires_at, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    let link = format!("{}{}", state.settings.public_base(), RECONNECT_PATH);
    let db = &state.db;
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    let claimed = sqlx::query(
        "UPDATE connections SET expiry_alert_sent = 1, updated_at = $1 \
         WHERE id = $2 AND expiry_alert_sent = 0",
    )
    .bind(now)
    .bind(&c.id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if claimed != 1 {
        tx.rollback().await?;
        return Ok(false);
    }
    sqlx::query(
        "INSERT INTO tickets (id, user_id, connection_id, kind, subject, body, status, created_at, updated_at) \
         VALUES ($1, $2, $3, 'token_expiry', $4, $5, 'open', $6, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(&c.user_id)
    .bind(&c.id)
    .bind(t.token_expiry_ticket_subject)
    .bind((t.token_expiry_body)(&c.exact_user_name, &date))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    notifications::insert(
        &mut *tx,
        notifications::NewNotification {
            user_id: &c.user_id,
            kind: "connection_expiring",
            title: t.token_expiry_notification_title,
            body: &(t.token_expiry_body)(&c.exact_user_name, &date),
            link: Some(RECONNECT_PATH),
        },
        now,
    )
    .await?;
    security::queue_mail_with(
        &mut *tx,
        &c.email,
        t.token_expiry_mail_subject,
        &(t.token_expiry_mail_body)(&c.exact_user_name, &date, &link),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(connection_id = %c.id, expires_at = c.expires_at, "refresh-token expiry alert queued");
    Ok(true)
}
