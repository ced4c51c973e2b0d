//! Notifications on the dashboard's bell: the jobs and the Exact client raise them, the person
//! reads them here. Only ever the person's own.

use super::db::{Db, DbError, notifications};
use crate::domain::Notification;

/// The person's latest notifications, newest first, and how many are unread in all.
pub async fn latest(
    db: &Db,
    user_id: &str,
    limit: i64,
) -> Result<(i64, Vec<Notification>), DbError> {
    notifications::latest(db, user_id, limit).await
}

/// Marks all of the person's notifications read; answers how many were unread.
pub async fn mark_all_read(db: &Db, user_id: &str, now: i64) -> Result<u64, DbError> {
    notifications::mark_all_read(db, user_id, now).await
}
