//! Support tickets: a person opens one (throttled), admins work on it (status, an internal note,
//! an assignee who must be an admin) and reply; a reply reaches the person as a notification and
//! a mail, in the same transaction as the reply and its audit row. The admin panel and the
//! Support page both read through here, so a person only ever sees their own tickets and never
//! the internal note.

use super::{
    accounts,
    audit::{self, Actor, Change},
    clock::Clock,
    db::{
        Db, DbError, notifications, outbox,
        tickets::{self, TicketFilter, TicketRow, TicketUpdate},
        users::{self, UserRow},
    },
};
use crate::domain::{
    Email, TICKETS_PER_PAGE, TicketDraft, TicketProblem, TicketReply, TicketStatus, TicketText,
    TicketView,
};
use serde_json::json;

/// The kind of a ticket a person opened (others are raised by the service: `token_expiry`).
pub const SUPPORT_KIND: &str = "support";
/// How many tickets a person may open per [`OPEN_WINDOW_SECONDS`].
pub const OPEN_LIMIT: i64 = 5;
pub const OPEN_WINDOW_SECONDS: i64 = 60 * 60;
/// Where a person reads their tickets.
pub const SUPPORT_PATH: &str = "/dashboard/support";
/// Tickets the Support page shows, newest first.
const OWN_TICKETS_SHOWN: i64 = 50;

#[derive(Debug, thiserror::Error)]
pub enum TicketError {
    #[error("no such ticket")]
    NotFound,
    #[error("{0}")]
    Invalid(TicketProblem),
    #[error("too many tickets opened in the last hour")]
    Throttled,
    #[error("the assignee is not an administrator")]
    AssigneeNotAdmin,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Opens a ticket for `user`, unless they opened [`OPEN_LIMIT`] in the last hour. The count and
/// the insert run in one transaction holding the person's row, so parallel requests cannot pass
/// the limit together.
pub async fn open(
    db: &Db,
    clock: &dyn Clock,
    ip: &str,
    user: &UserRow,
    draft: &TicketDraft,
) -> Result<String, TicketError> {
    let now = clock.now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    users::lock(db, &mut tx, &user.id).await?;
    let recent =
        tickets::count_opened_since(&mut *tx, &user.id, SUPPORT_KIND, now - OPEN_WINDOW_SECONDS)
            .await?;
    if recent >= OPEN_LIMIT {
        return Err(TicketError::Throttled);
    }
    let id = tickets::insert(
        &mut *tx,
        tickets::NewTicket {
            user_id: &user.id,
            connection_id: None,
            kind: SUPPORT_KIND,
            subject: &draft.subject,
            body: draft.text.as_str(),
        },
        now,
    )
    .await?;
    let change = Change {
        action: "ticket.open",
        target_type: "ticket",
        target_id: &id,
        detail: json!({ "subject": draft.subject }),
    };
    let actor = Actor::User { id: &user.id, ip };
    audit::record_in(&mut tx, now, actor, change).await?;
    tx.commit().await?;
    Ok(id)
}

/// The person's own tickets with their replies, newest first; without internal notes.
pub async fn mine(db: &Db, user_id: &str) -> Result<Vec<TicketView>, DbError> {
    let filter = TicketFilter {
        status: "",
        user_id,
    };
    let rows = tickets::list(db, &filter, OWN_TICKETS_SHOWN, 0).await?;
    let mut views = with_replies(db, rows).await?;
    for v in &mut views {
        v.internal_note.clear();
        v.assigned_to = None;
    }
    Ok(views)
}

/// A page of tickets for the admins (all of them, or those with `status`), and the total.
pub async fn page(
    db: &Db,
    status: Option<TicketStatus>,
    page: u32,
) -> Result<(Vec<TicketView>, i64), DbError> {
    let filter = TicketFilter {
        status: status.map(TicketStatus::as_str).unwrap_or_default(),
        user_id: "",
    };
    let per_page = i64::from(TICKETS_PER_PAGE);
    let rows = tickets::list(db, &filter, per_page, i64::from(page) * per_page).await?;
    let total = tickets::count(db, &filter).await?;
    Ok((with_replies(db, rows).await?, total))
}

/// A user's tickets for the admin's page about them.
pub async fn of_user(db: &Db, user_id: &str) -> Result<Vec<TicketView>, DbError> {
    let filter = TicketFilter {
        status: "",
        user_id,
    };
    let rows = tickets::list(db, &filter, OWN_TICKETS_SHOWN, 0).await?;
    with_replies(db, rows).await
}

async fn with_replies(db: &Db, rows: Vec<TicketRow>) -> Result<Vec<TicketView>, DbError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut replies = tickets::replies(db, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let mine: Vec<TicketReply> = replies
                .extract_if(.., |x| x.ticket_id == r.id)
                .map(|x| TicketReply {
                    author: x.author,
                    body: x.body,
                    created_at: x.created_at,
                })
                .collect();
            TicketView {
                status: TicketStatus::parse(&r.status).unwrap_or(TicketStatus::Open),
                id: r.id,
                kind: r.kind,
                subject: r.subject,
                body: r.body,
                user_email: r.user_email,
                user_id: r.user_id,
                assigned_to: r.assigned_email,
                internal_note: r.internal_note,
                created_at: r.created_at,
                updated_at: r.updated_at,
                replies: mine,
            }
        })
        .collect())
}

/// What an admin sets on a ticket: its status, the internal note, and who works on it (an
/// admin's address, or nobody).
pub struct Triage<'a> {
    pub status: TicketStatus,
    pub internal_note: &'a str,
    pub assignee: Option<&'a Email>,
}

/// Sets status, note and assignee; audited with the old and new values.
pub async fn triage(
    db: &Db,
    clock: &dyn Clock,
    admin_emails: &[String],
    actor: Actor<'_>,
    ticket_id: &str,
    t: Triage<'_>,
) -> Result<(), TicketError> {
    let before = tickets::by_id(db, ticket_id)
        .await?
        .ok_or(TicketError::NotFound)?;
    let assignee = match t.assignee {
        None => None,
        Some(email) => {
            let user = users::by_email(db, email)
                .await?
                .filter(|u| accounts::role_of(admin_emails, u) == crate::domain::Role::Admin)
                .ok_or(TicketError::AssigneeNotAdmin)?;
            Some(user)
        }
    };
    let now = clock.now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    let update = TicketUpdate {
        status: t.status.as_str(),
        internal_note: t.internal_note,
        assigned_to: assignee.as_ref().map(|u| u.id.as_str()),
    };
    if !tickets::update(&mut *tx, ticket_id, update, now).await? {
        return Err(TicketError::NotFound);
    }
    let change = Change {
        action: "ticket.update",
        target_type: "ticket",
        target_id: ticket_id,
        detail: json!({
            "status": { "old": before.status, "new": t.status.as_str() },
            "assigned_to": { "old": before.assigned_email, "new": assignee.as_ref().map(|u| &u.email) },
            "internal_note_changed": before.internal_note != t.internal_note,
        }),
    };
    audit::record_in(&mut tx, now, actor, change).await?;
    tx.commit().await?;
    Ok(())
}

/// An admin's reply: stored, and sent to the ticket's owner as a notification and a mail in
/// their language, all in one transaction with the audit row. An open ticket moves to
/// "in progress".
pub async fn reply(
    db: &Db,
    clock: &dyn Clock,
    public_base: &str,
    admin: &UserRow,
    ip: &str,
    ticket_id: &str,
    text: &TicketText,
) -> Result<(), TicketError> {
    let ticket = tickets::by_id(db, ticket_id)
        .await?
        .ok_or(TicketError::NotFound)?;
    let owner = users::by_id(db, &ticket.user_id).await?;
    let now = clock.now();
    let _turn = db.write_turn().await;
    let mut tx = db.begin_write().await?;
    tickets::insert_reply(&mut *tx, ticket_id, &admin.id, text.as_str(), now).await?;
    let status = match TicketStatus::parse(&ticket.status) {
        Some(TicketStatus::Open) | None => TicketStatus::InProgress,
        Some(s) => s,
    };
    let update = TicketUpdate {
        status: status.as_str(),
        internal_note: &ticket.internal_note,
        assigned_to: ticket.assigned_to.as_deref(),
    };
    tickets::update(&mut *tx, ticket_id, update, now).await?;
    if let Some(owner) = &owner {
        let t = crate::i18n::Lang::parse(&owner.locale)
            .unwrap_or_default()
            .texts();
        let link = format!("{public_base}{SUPPORT_PATH}");
        let note = notifications::NewNotification {
            user_id: &owner.id,
            kind: "ticket_reply",
            title: &t.support.reply_notification(&ticket.subject),
            body: text.as_str(),
            link: Some(SUPPORT_PATH),
        };
        notifications::insert(&mut *tx, note, now).await?;
        let body = t
            .support
            .reply_mail_body(&ticket.subject, text.as_str(), &link);
        let subject = t.support.reply_notification(&ticket.subject);
        outbox::queue_mail_with(&mut *tx, &owner.email, &subject, &body, now).await?;
    }
    let change = Change {
        action: "ticket.reply",
        target_type: "ticket",
        target_id: ticket_id,
        detail: json!({
            "to": ticket.user_email,
            "status": { "old": ticket.status, "new": status.as_str() },
        }),
    };
    let actor = Actor::User { id: &admin.id, ip };
    audit::record_in(&mut tx, now, actor, change).await?;
    tx.commit().await?;
    Ok(())
}
