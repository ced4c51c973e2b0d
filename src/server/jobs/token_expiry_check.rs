//! `token_expiry_check` (hourly, at half past, after the keep-alive): a connection whose refresh
//! token expires within 5 days could not be kept alive (the keep-alive refreshes at 7 days of
//! age, 23 days before expiry), so its owner must reconnect. Once per connection: a ticket
//! (the owner's and the admins'), an in-app notification and a mail through the outbox, all in
//! one transaction with `expiry_alert_sent = 1`. A refresh or a reconnect sets the flag back to
//! 0 (`connections::store_refreshed`, `connections::upsert_connected`).

use super::{JobError, Outcome, summary};
use crate::server::{
    db::{
        connections::{self, ExpiringToken},
        notifications, outbox, tickets,
    },
    exact::RECONNECT_PATH,
    state::AppState,
};

pub const NAME: &str = "token_expiry_check";
/// Hourly at minute 30 (UTC).
pub const SCHEDULE: &str = "0 30 * * * *";
/// Alert when the refresh token has this little life left.
pub const ALERT_WITHIN_SECONDS: i64 = 5 * 24 * 60 * 60;

pub async fn run(state: &AppState) -> Result<Outcome, JobError> {
    let now = state.clock.now();
    let expiring = connections::expiring_unalerted(&state.db, now + ALERT_WITHIN_SECONDS).await?;

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
async fn alert(state: &AppState, c: &ExpiringToken, now: i64) -> Result<bool, JobError> {
    let lang = crate::i18n::Lang::parse(&c.owner_locale).unwrap_or_default();
    let t = lang.texts();
    let date = chrono::DateTime::from_timestamp(c.refresh_token_expires_at, 0)
        .unwrap_or_default()
        .format("%Y-%m-%d")
        .to_string();
    let link = format!("{}{}", state.settings.public_base(), RECONNECT_PATH);
    let db = &state.db;
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    if !connections::claim_expiry_alert(&mut *tx, &c.id, now).await? {
        tx.rollback().await?;
        return Ok(false);
    }
    tickets::insert(
        &mut *tx,
        tickets::NewTicket {
            user_id: &c.user_id,
            connection_id: Some(&c.id),
            kind: "token_expiry",
            subject: t.expiry.ticket_subject,
            body: &t.expiry.body(&c.exact_user_name, &date),
        },
        now,
    )
    .await?;
    notifications::insert(
        &mut *tx,
        notifications::NewNotification {
            user_id: &c.user_id,
            kind: "connection_expiring",
            title: t.expiry.notification_title,
            body: &t.expiry.body(&c.exact_user_name, &date),
            link: Some(RECONNECT_PATH),
        },
        now,
    )
    .await?;
    outbox::queue_mail_with(
        &mut *tx,
        &c.owner_email,
        t.expiry.mail_subject,
        &t.expiry.mail_body(&c.exact_user_name, &date, &link),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(connection_id = %c.id, expires_at = c.refresh_token_expires_at, "refresh-token expiry alert queued");
    Ok(true)
}
