//! Usage and notifications on the dashboard. Every function checks the session first and reads
//! only the caller's own rows.

use crate::domain::{NotificationList, UsageOverview, UsageSummary};
use leptos::prelude::*;

use super::error::ApiError;
#[cfg(feature = "ssr")]
use super::{error::internal, guard::require_user};

#[cfg(feature = "ssr")]
use super::support::context;

/// Notifications the bell lists.
pub const BELL_ITEMS: i64 = 20;

/// The usage dashboard: month, window, 30 days, breakdowns and the latest calls.
#[server(prefix = "/api", endpoint = "usage/overview")]
pub async fn get_usage_overview() -> Result<UsageOverview, ApiError> {
    use crate::server::usage;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    usage::overview(
        &state.db,
        &state.settings.usage,
        &signed_in.user.id,
        signed_in.user.plan,
        state.clock.now(),
    )
    .await
    .map_err(internal)
}

/// The month and the window only: the overview page's glance.
#[server(prefix = "/api", endpoint = "usage/summary")]
pub async fn get_usage_summary() -> Result<UsageSummary, ApiError> {
    use crate::server::usage;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    usage::summary(
        &state.db,
        &state.settings.usage,
        &signed_in.user.id,
        signed_in.user.plan,
        state.clock.now(),
    )
    .await
    .map_err(internal)
}

#[server(prefix = "/api", endpoint = "notifications")]
pub async fn list_notifications() -> Result<NotificationList, ApiError> {
    use crate::server::notifications;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    let (unread, items) = notifications::latest(&state.db, &signed_in.user.id, BELL_ITEMS)
        .await
        .map_err(internal)?;
    Ok(NotificationList {
        unread: unread.max(0) as u64,
        items,
    })
}

/// Marks all of the caller's notifications read; answers how many were unread.
#[server(prefix = "/api", endpoint = "notifications/read")]
pub async fn mark_notifications_read() -> Result<u64, ApiError> {
    use crate::server::notifications;
    let signed_in = require_user().await?;
    let (state, _) = context()?;
    notifications::mark_all_read(&state.db, &signed_in.user.id, state.clock.now())
        .await
        .map_err(internal)
}
