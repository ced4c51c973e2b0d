//! Support tickets: a person's own (`/api/support/…`: list, open) and the admins' work on all of
//! them (`/api/admin/tickets…`: list, triage, reply). Each calls its guard first; a person's
//! functions only ever read or write the caller's tickets.

use crate::domain::TicketView;
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{
    error::internal,
    guard::{require_admin, require_user},
    support::{client_ip, context, parse_email},
};

/// The caller's tickets with the replies, newest first.
#[server(prefix = "/api/support", endpoint = "tickets")]
pub async fn my_tickets() -> Result<Vec<TicketView>, ApiError> {
    let me = require_user().await?;
    let (state, _) = context()?;
    crate::server::tickets::mine(&state.db, &me.user.id)
        .await
        .map_err(internal)
}

/// Opens a ticket for the caller (a few per hour at most).
#[server(prefix = "/api/support", endpoint = "open")]
pub async fn open_ticket(subject: String, text: String) -> Result<(), ApiError> {
    use crate::server::tickets::{self, TicketError};
    let me = require_user().await?;
    let (state, parts) = context()?;
    let draft = crate::domain::TicketDraft::parse(&subject, &text).map_err(TicketError::Invalid)?;
    let ip = client_ip(&parts);
    tickets::open(&state.db, state.clock.as_ref(), &ip, &me.user, &draft).await?;
    Ok(())
}

/// A page of tickets for the admins and how many there are.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TicketList {
    pub tickets: Vec<TicketView>,
    pub total: i64,
    pub page: u32,
    pub pages: u32,
}

/// Every ticket (or those with `ticket_status`), newest first, a page at a time.
#[server(prefix = "/api/admin", endpoint = "tickets")]
pub async fn admin_tickets(
    page: Option<u32>,
    ticket_status: Option<String>,
) -> Result<TicketList, ApiError> {
    let page = page.unwrap_or(0);
    use crate::domain::{TICKETS_PER_PAGE, TicketProblem, TicketStatus};
    use crate::server::tickets::{self, TicketError};
    require_admin().await?;
    let (state, _) = context()?;
    let status = match ticket_status
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(s) => {
            Some(TicketStatus::parse(s).ok_or(TicketError::Invalid(TicketProblem::UnknownStatus))?)
        }
    };
    let (tickets, total) = tickets::page(&state.db, status, page)
        .await
        .map_err(internal)?;
    let per_page = i64::from(TICKETS_PER_PAGE);
    Ok(TicketList {
        tickets,
        total,
        page,
        pages: u32::try_from((total + per_page - 1) / per_page).unwrap_or(u32::MAX),
    })
}

/// Sets a ticket's status, internal note and assignee (an admin's address, or empty).
#[server(prefix = "/api/admin", endpoint = "tickets/triage")]
pub async fn admin_triage_ticket(
    ticket_id: String,
    ticket_status: String,
    note: String,
    assignee: String,
) -> Result<(), ApiError> {
    use crate::domain::{TicketProblem, TicketStatus, parse_note};
    use crate::server::{
        audit::Actor,
        tickets::{self, TicketError, Triage},
    };
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let status = TicketStatus::parse(&ticket_status)
        .ok_or(TicketError::Invalid(TicketProblem::UnknownStatus))?;
    let note = parse_note(&note).map_err(TicketError::Invalid)?;
    let assignee = match assignee.trim() {
        "" => None,
        a => Some(parse_email(a)?),
    };
    let ip = client_ip(&parts);
    let actor = Actor::User {
        id: &admin.user.id,
        ip: &ip,
    };
    let triage = Triage {
        status,
        internal_note: &note,
        assignee: assignee.as_ref(),
    };
    tickets::triage(
        &state.db,
        state.clock.as_ref(),
        &state.settings.admin_emails,
        actor,
        ticket_id.trim(),
        triage,
    )
    .await?;
    Ok(())
}

/// Replies to a ticket: the owner gets it as a notification and a mail.
#[server(prefix = "/api/admin", endpoint = "tickets/reply")]
pub async fn admin_reply_ticket(ticket_id: String, text: String) -> Result<(), ApiError> {
    use crate::server::tickets::{self, TicketError};
    let admin = require_admin().await?;
    let (state, parts) = context()?;
    let text = crate::domain::TicketText::parse(&text).map_err(TicketError::Invalid)?;
    let ip = client_ip(&parts);
    let base = state.settings.public_base();
    tickets::reply(
        &state.db,
        state.clock.as_ref(),
        &base,
        &admin.user,
        &ip,
        ticket_id.trim(),
        &text,
    )
    .await?;
    Ok(())
}
