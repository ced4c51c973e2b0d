//! The audit trail: who changed what, and from where. Every audited change is recorded through
//! [`record`], so a change writes the same row whether it came from a page, a server function,
//! the OAuth callback or the command line.

use super::db::{
    Db, DbError, Tx,
    audit_log::{self, AuditEntry},
};

/// Who made a change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor<'a> {
    /// A signed-in person (or one who just proved who they are), from this address; the address
    /// is empty where none was at hand.
    User { id: &'a str, ip: &'a str },
    /// Someone not signed in, from this address (a failed or throttled sign-in).
    Anonymous { ip: &'a str },
    /// An operator at the command line: no account and no address, so both stay empty.
    CommandLine,
    /// The service itself (a scheduled job, a token refresh): no account, no address.
    Service,
}

/// What changed: the action's name (`user.set_plan`), the kind and id of its target, details.
pub struct Change<'a> {
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: &'a str,
    pub detail: serde_json::Value,
}

/// Adds one row to the audit log.
pub async fn record(
    db: &Db,
    now: i64,
    actor: Actor<'_>,
    change: Change<'_>,
) -> Result<(), DbError> {
    audit_log::insert(db.pool(), entry(actor, change), now).await
}

/// Adds one row inside the transaction of the change it records, so both land or neither.
pub async fn record_in(
    tx: &mut Tx,
    now: i64,
    actor: Actor<'_>,
    change: Change<'_>,
) -> Result<(), DbError> {
    audit_log::insert(&mut **tx, entry(actor, change), now).await
}

fn entry<'a>(actor: Actor<'a>, change: Change<'a>) -> AuditEntry<'a> {
    let (actor_user_id, ip) = match actor {
        Actor::User { id, ip } => (Some(id), ip),
        Actor::Anonymous { ip } => (None, ip),
        Actor::CommandLine | Actor::Service => (None, ""),
    };
    AuditEntry {
        actor_user_id,
        action: change.action,
        target_type: change.target_type,
        target_id: change.target_id,
        detail: change.detail,
        ip,
    }
}
