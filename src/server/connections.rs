//! Exact connections: the rules of connecting (Exact's consent flow, its single-use state bound
//! to one browser and, for a connection, to one account; the account a "Sign in with Exact"
//! lands on) and of what a person may do with their connections afterwards (divisions, checks,
//! disconnecting). The OAuth handlers and the connections server functions call these and never
//! a repository.
//!
//! The consent `state` is random, stored hashed, single-use and lives [`STATE_SECONDS`]. Every
//! refusal is logged with context but never with the code, a token or the state itself.

use super::{
    accounts::{self, AccountError},
    audit::{self, Actor, Change},
    auth::secret_token::{hash_token, random_token},
    db::{
        DbError,
        connections::{self as rows, Activation},
        oauth_states,
        users::{self, UserRow},
    },
    exact::{ExactError, REFRESH_TOKEN_SECONDS},
    state::AppState,
};
use crate::domain::{AccountStatus, ConnectionSummary, Region};

/// How long a started consent flow may take.
pub const STATE_SECONDS: i64 = 10 * 60;

const PURPOSE_CONNECT: &str = "connect";
const PURPOSE_SIGN_IN: &str = "signin";

/// The service could not do its part (the cause is logged where it happened).
#[derive(Debug, thiserror::Error)]
#[error("the consent flow could not start")]
pub struct Unavailable;

/// Starts Exact's consent for `region`: adds a connection to `signed_in`'s account, or (signed
/// out) is a "Sign in with Exact". The flow is bound to the browser by the hash of its
/// `binding` cookie. Returns Exact's authorize URL to send the browser to.
pub async fn start_consent(
    state: &AppState,
    signed_in: Option<&UserRow>,
    region: Region,
    binding: &str,
) -> Result<String, Unavailable> {
    let state_token = random_token();
    let now = state.clock.now();
    let purpose = if signed_in.is_some() {
        PURPOSE_CONNECT
    } else {
        PURPOSE_SIGN_IN
    };
    let stored = oauth_states::insert(
        &state.db,
        oauth_states::NewState {
            state_hash: &hash_token(&state_token),
            binding_hash: &hash_token(binding),
            user_id: signed_in.map(|u| u.id.as_str()),
            purpose,
            region: region.code(),
            expires_at: now + STATE_SECONDS,
        },
        now,
    )
    .await;
    if let Err(e) = stored {
        tracing::error!(error = %e, "could not store an OAuth state");
        return Err(Unavailable);
    }
    let target = state
        .exact
        .authorize_url(region, &state_token)
        .map_err(|e| {
            tracing::error!(error = %e, "could not build Exact's authorize URL");
            Unavailable
        })?;
    tracing::info!(region = region.code(), purpose, "Exact consent started");
    Ok(target.as_str().to_string())
}

/// Why a consent flow ended without a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsentFailure {
    Region,
    State,
    Denied,
    Exchange,
    EmailTaken,
    Account,
}

/// A refused flow, and whether the way back is the signed-in one (a sign-in that failed counts
/// as signed out, whatever the browser holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    pub failure: ConsentFailure,
    pub signed_in: bool,
}

/// What Exact's callback brought, and who the browser is.
pub struct Callback<'a> {
    pub state: Option<String>,
    pub code: Option<String>,
    pub error: Option<String>,
    /// The browser's binding cookie, when it has one.
    pub binding: Option<String>,
    /// The account signed in in this browser.
    pub signed_in: Option<UserRow>,
    /// The browser's address, for the audit trail.
    pub ip: &'a str,
}

/// A finished flow: the connection is stored.
pub struct Connected {
    pub user: UserRow,
    pub connection_id: String,
    /// A "Sign in with Exact": the caller starts a session for `user`.
    pub signs_in: bool,
}

/// Finishes Exact's consent: checks the state (known, unexpired, from this browser, for the
/// account still signed in), trades the code for tokens, reads the Exact user, settles the
/// account (the signed-in one, or Sign in with Exact's), and stores the connection with its
/// divisions within the plan's cap.
pub async fn finish_consent(state: &AppState, cb: Callback<'_>) -> Result<Connected, Refused> {
    let now = state.clock.now();
    let is_signed_in = cb.signed_in.is_some();
    let fail = |failure| Refused {
        failure,
        signed_in: is_signed_in,
    };

    let Some(state_param) = cb.state.filter(|s| !s.is_empty() && s.len() <= 256) else {
        tracing::warn!("Exact callback without a state");
        return Err(fail(ConsentFailure::State));
    };
    let row = oauth_states::take(&state.db, &hash_token(&state_param))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "OAuth state lookup failed");
            fail(ConsentFailure::Exchange)
        })?;
    let Some(row) = row else {
        tracing::warn!("Exact callback with an unknown or already used state");
        return Err(fail(ConsentFailure::State));
    };
    if row.expires_at <= now {
        tracing::warn!(purpose = %row.purpose, "Exact callback with an expired state");
        return Err(fail(ConsentFailure::State));
    }
    let bound = cb
        .binding
        .is_some_and(|b| hash_token(&b) == row.binding_hash);
    if !bound {
        tracing::warn!(purpose = %row.purpose, "Exact callback from a browser that did not start the flow");
        return Err(fail(ConsentFailure::State));
    }
    let Some(region) = Region::parse(&row.region) else {
        return Err(fail(ConsentFailure::Region));
    };
    if let Some(error) = cb.error {
        let error: String = error
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(40)
            .collect();
        tracing::info!(region = region.code(), %error, "Exact consent declined");
        return Err(fail(ConsentFailure::Denied));
    }
    // Adding a connection: the same account must still be signed in.
    if row.purpose == PURPOSE_CONNECT {
        let same = matches!((&cb.signed_in, &row.user_id), (Some(u), Some(id)) if &u.id == id);
        if !same {
            tracing::warn!("Exact callback for an account that is no longer signed in");
            return Err(fail(ConsentFailure::State));
        }
    }
    let Some(code) = cb.code.filter(|c| !c.is_empty() && c.len() <= 4096) else {
        tracing::warn!("Exact callback without a code");
        return Err(fail(ConsentFailure::Exchange));
    };

    let grant = state
        .exact
        .exchange_code(region, &code)
        .await
        .map_err(|e| {
            tracing::warn!(region = region.code(), error = ?e, "Exact code exchange failed");
            fail(ConsentFailure::Exchange)
        })?;
    let identity = state
        .exact
        .identity(region, &grant.access_token)
        .await
        .map_err(|e| {
            tracing::warn!(region = region.code(), error = %e, "reading the Exact user failed");
            fail(ConsentFailure::Exchange)
        })?;

    // Whose connection is this?
    let (user, signs_in) = match cb.signed_in {
        Some(user) if row.purpose == PURPOSE_CONNECT => (user, false),
        _ => {
            let user = sign_in_with_exact(state, &identity)
                .await
                .map_err(|failure| Refused {
                    failure,
                    signed_in: false,
                })?;
            (user, true)
        }
    };
    if user.status != AccountStatus::Active {
        return Err(fail(ConsentFailure::Account));
    }
    if let Err(e) = users::bind_exact_user(&state.db, &user.id, &identity.user_id, now).await {
        tracing::warn!(error = %e, "could not bind the Exact user to the account");
    }
    let connection_id = rows::upsert_connected(
        &state.db,
        state.exact.vault(),
        rows::Connected {
            user_id: &user.id,
            region,
            exact_user_id: &identity.user_id,
            exact_user_name: &identity.full_name,
            exact_email: &identity.email,
            access_token: &grant.access_token,
            refresh_token: &grant.refresh_token,
            issued_at: now,
            expires_in: grant.expires_in,
            refresh_token_seconds: REFRESH_TOKEN_SECONDS,
            divisions: &identity.divisions,
            current_division: identity.current_division,
            max_active_divisions: user.plan.max_active_divisions(),
        },
    )
    .await
    .map_err(|e| {
        tracing::error!(error = %e, "storing the Exact connection failed");
        fail(ConsentFailure::Exchange)
    })?;
    // The connection stands even when its audit row cannot be written.
    let audited = audit::record(
        &state.db,
        now,
        Actor::User {
            id: &user.id,
            ip: cb.ip,
        },
        Change {
            action: "connection.connected",
            target_type: "connection",
            target_id: &connection_id,
            detail: serde_json::json!({ "region": region.code(), "divisions": identity.divisions.len() }),
        },
    )
    .await;
    if let Err(e) = audited {
        tracing::error!(error = %e, "audit entry failed");
    }
    tracing::info!(region = region.code(), %connection_id, divisions = identity.divisions.len(), "Exact connected");
    Ok(Connected {
        user,
        connection_id,
        signs_in,
    })
}

/// "Sign in with Exact" (see [`accounts::sign_in_with_exact`]), its refusals as flow failures.
async fn sign_in_with_exact(
    state: &AppState,
    identity: &crate::server::exact::Identity,
) -> Result<UserRow, ConsentFailure> {
    let exact_user = accounts::ExactUser {
        user_id: &identity.user_id,
        email: crate::domain::Email::parse(&identity.email).ok(),
        full_name: &identity.full_name,
    };
    accounts::sign_in_with_exact(
        &state.db,
        state.clock.as_ref(),
        &state.settings.admin_emails,
        exact_user,
    )
    .await
    .map_err(|e| match e {
        AccountError::Validation(_) => ConsentFailure::Account,
        AccountError::EmailTaken => ConsentFailure::EmailTaken,
        AccountError::Internal(e) => {
            tracing::error!(error = %format!("{e:#}"), "account lookup failed");
            ConsentFailure::Exchange
        }
        // Not answers Sign in with Exact gives; a failed exchange all the same.
        AccountError::NotFound | AccountError::Throttled | AccountError::Busy => {
            ConsentFailure::Exchange
        }
    })
}

/// What a person asked of one of their connections and could not have.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// No such connection or division among the person's own.
    #[error("no such connection")]
    NotFound,
    /// The plan's cap on active divisions is reached.
    #[error("the plan allows {0} active divisions")]
    OverCap(u32),
    /// Exact refused the stored tokens: the owner must consent again.
    #[error("the connection needs a new consent")]
    NeedsReauth,
    /// Exact did not answer as it should (logged with its kind).
    #[error("Exact did not answer")]
    Upstream,
    #[error(transparent)]
    Internal(#[from] DbError),
}

/// Re-encrypts every connection's tokens with the vault's current key (`exact-mcp vault rotate`).
pub async fn rotate_tokens(
    db: &crate::server::db::Db,
    vault: &crate::server::vault::Vault,
    now: i64,
) -> Result<crate::server::db::connections::RotateReport, DbError> {
    rows::rotate_tokens(db, vault, now).await
}

/// The person's connections, newest first, with their divisions.
pub async fn list(
    state: &AppState,
    user_id: &str,
) -> Result<Vec<ConnectionSummary>, ConnectionError> {
    Ok(rows::list_for_user(&state.db, user_id).await?)
}

/// Makes `code` the default division of one of the person's connections.
pub async fn set_default_division(
    state: &AppState,
    user_id: &str,
    connection_id: &str,
    code: i64,
) -> Result<(), ConnectionError> {
    if rows::set_default_division(&state.db, user_id, connection_id, code).await? {
        Ok(())
    } else {
        Err(ConnectionError::NotFound)
    }
}

/// Activates or deactivates one of the person's divisions, within their plan's cap.
pub async fn set_division_active(
    state: &AppState,
    user: &UserRow,
    connection_id: &str,
    code: i64,
    active: bool,
) -> Result<(), ConnectionError> {
    let cap = user.plan.max_active_divisions();
    match rows::set_division_active(&state.db, &user.id, connection_id, code, active, cap).await? {
        Activation::Done => Ok(()),
        Activation::NotFound => Err(ConnectionError::NotFound),
        Activation::OverCap(cap) => Err(ConnectionError::OverCap(cap)),
    }
}

/// Deletes one of the person's connections with its tokens and divisions, and records who did.
/// When no connection of the account's bound Exact user is left, "Sign in with Exact" stops
/// leading to this account.
pub async fn disconnect(
    state: &AppState,
    user_id: &str,
    ip: &str,
    connection_id: &str,
) -> Result<(), ConnectionError> {
    if !rows::delete_for_user(&state.db, user_id, connection_id).await? {
        return Err(ConnectionError::NotFound);
    }
    let now = state.clock.now();
    if users::unbind_exact_user_without_connection(&state.db, user_id, now).await? {
        tracing::info!(target: "security", %user_id, "Sign in with Exact unbound: its last connection is gone");
    }
    let change = Change {
        action: "connection.disconnected",
        target_type: "connection",
        target_id: connection_id,
        detail: serde_json::json!({}),
    };
    let actor = Actor::User { id: user_id, ip };
    audit::record(&state.db, now, actor, change).await?;
    Ok(())
}

/// Calls Exact's `current/Me` through one of the person's connections (refreshing its token
/// when due): proof that the connection works. The Exact user's full name.
pub async fn check(
    state: &AppState,
    user_id: &str,
    connection_id: &str,
) -> Result<String, ConnectionError> {
    // Ownership first: the connection must be the caller's.
    if rows::region_for_user(&state.db, user_id, connection_id)
        .await?
        .is_none()
    {
        return Err(ConnectionError::NotFound);
    }
    match state.exact.get_json(connection_id, "current/Me", &[]).await {
        Ok(me) => Ok(me
            .pointer("/d/results/0/FullName")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string()),
        Err(ExactError::NeedsReauth { .. }) => Err(ConnectionError::NeedsReauth),
        Err(ExactError::NotConnected) => Err(ConnectionError::NotFound),
        Err(e) => {
            tracing::warn!(%connection_id, kind = e.kind(), error = %e, "connection check failed");
            Err(ConnectionError::Upstream)
        }
    }
}
