//! Getting a usable access token: the one function every Exact call goes through.
//!
//! Exact's refresh tokens rotate and work once, so two refreshes of the same connection at the
//! same time destroy it ("Old refresh token used."). A refresh is therefore single-flight per
//! connection across tasks and processes, and it never holds a database lock or a pooled
//! connection while Exact answers (the token endpoint may take seconds per attempt; a write lock
//! held that long stalls every other writer of every user):
//! 1. a per-connection mutex inside the process: a burst of calls waits here for the one
//!    refresh's result, not on the database;
//! 2. a lease on the connection's row, claimed with one atomic UPDATE that succeeds only while
//!    no live lease is held and the row still holds the refresh token just read. A process that
//!    loses re-reads the row every 200 ms, at most for the lease's length, until the new pair is
//!    there or the lease is free; a lease whose holder died expires and is taken over;
//! 3. Exact is asked with no transaction open;
//! 4. the new pair is stored with a compare-and-set on the traded refresh token, which also
//!    releases the lease. A set that fails means someone stored newer tokens (a new consent):
//!    those are read instead.
//!
//! The flight runs in a task of its own, so a caller that goes away mid-request (a closed MCP
//! connection) cannot abandon a pair Exact has already rotated.
//!
//! Exact refuses a refresh in the first 570 s of an access token's life; we never send one that
//! early (the stored token is still good then), except after Exact answered 401 for the token:
//! Exact's verdict beats our estimate of its clock. A `TooEarlyToRefreshTokens` answer falls
//! back to the stored token (after a 401: is reported as such, and for a minute further 401s
//! are not answered with another attempt). Only a refused grant
//! (`invalid_grant`, "Old refresh token used.") marks the connection `needs_reauth` and tells
//! its owner; transient failures leave everything as it was.

use super::{
    Exact, ExactError, NO_REFRESH_BEFORE_SECONDS, REFRESH_MARGIN_SECONDS, REFRESH_TOKEN_SECONDS,
    TokenError, TokenGrant,
};
use crate::domain::{ConnectionStatus, Region};
use crate::server::{
    audit,
    db::{connections, notifications},
    vault,
};
use secrecy::{ExposeSecret, SecretString};
use std::{sync::Arc, time::Duration};

/// How often a process that lost the lease to another one reads the row again.
const LEASE_POLL: Duration = Duration::from_millis(200);
/// After Exact refused a refresh as too early, 401s on the connection are answered as too early
/// for this long without asking again: a burst of calls must not spend the token endpoint's
/// ~200 calls a day.
const TOO_EARLY_PAUSE_SECONDS: i64 = 60;

/// A token ready for one call, with where to send it.
#[derive(Clone)]
pub struct Authorized {
    pub connection_id: String,
    pub region: Region,
    pub access_token: SecretString,
}

impl std::fmt::Debug for Authorized {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorized")
            .field("connection_id", &self.connection_id)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// What a proactive refresh did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeepAlive {
    /// A new token pair is stored (by this call, or by another one while it waited).
    Refreshed,
    /// The access token is younger than 570 s: nothing was sent; Exact allows it from `opens_at`.
    TooEarly { opens_at: i64 },
}

/// Why a refresh is wanted.
#[derive(Clone)]
enum Mode {
    /// On demand: refresh only when the access token is expired or in its last 30 s.
    WhenDue,
    /// Keep-alive: refresh whenever Exact allows it.
    Proactive,
    /// Exact answered 401 for this access token: refresh unless a newer one is stored, even
    /// when our clock says the token is young.
    Rejected(SecretString),
}

enum Flight {
    /// The stored token is good (someone refreshed while we waited).
    Ready(Authorized),
    Refreshed(Authorized),
    /// Too young to refresh: nothing was sent, or Exact said so.
    TooEarly(Box<connections::TokenRow>),
}

/// What the row says to do next.
enum Next {
    Done(Flight),
    Refresh,
}

impl Exact {
    /// A usable access token for the connection, refreshing it first when it is expired or in
    /// its last 30 s.
    ///
    /// A token read from the database is remembered in this process (decrypted) while no one can
    /// have replaced it: until 570 s after it was issued (Exact refuses any refresh before that,
    /// and our own refreshes wait for it too) and no later than 30 s before it expires. A new
    /// consent or a connection's end moves the caller generation, which drops the memory.
    pub async fn access_token(&self, connection_id: &str) -> Result<Authorized, ExactError> {
        if let Some(remembered) = self.remembered_token(connection_id) {
            return Ok(remembered);
        }
        let generation = self.0.db.callers_generation();
        let row = connections::token_row(self.0.db.pool(), connection_id)
            .await?
            .ok_or(ExactError::NotConnected)?;
        if let Some(ready) = self.usable(&row)? {
            self.remember_token(generation, &row, &ready);
            return Ok(ready);
        }
        match self.single_flight(connection_id, Mode::WhenDue).await? {
            Flight::Ready(token) | Flight::Refreshed(token) => Ok(token),
            Flight::TooEarly(row) => self.stored_if_valid(&row),
        }
    }

    /// A new access token after Exact answered 401 for `rejected`, which we believed valid
    /// (Exact ended it early, or its clock runs ahead of ours). Through the same single flight:
    /// a burst of calls that all saw the 401 causes one refresh. Exact refusing that refresh as
    /// too early is [`ExactError::TooEarlyToRefresh`], not a reason for a new consent.
    pub(super) async fn access_token_after_401(
        &self,
        rejected: &Authorized,
    ) -> Result<Authorized, ExactError> {
        self.forget_token(&rejected.connection_id);
        let mode = Mode::Rejected(rejected.access_token.clone());
        match self.single_flight(&rejected.connection_id, mode).await? {
            Flight::Ready(token) | Flight::Refreshed(token) => Ok(token),
            Flight::TooEarly(_) => Err(ExactError::TooEarlyToRefresh),
        }
    }

    /// The keep-alive job's refresh: the same single flight as [`Self::access_token`], but it
    /// refreshes whenever Exact allows (the access token is at least 570 s old), not only when
    /// the token is due. A token younger than that is not sent to Exact at all.
    pub async fn refresh_proactively(&self, connection_id: &str) -> Result<KeepAlive, ExactError> {
        match self.single_flight(connection_id, Mode::Proactive).await? {
            Flight::Ready(_) | Flight::Refreshed(_) => Ok(KeepAlive::Refreshed),
            Flight::TooEarly(row) => Ok(KeepAlive::TooEarly {
                opens_at: row.token_issued_at.unwrap_or_default() + NO_REFRESH_BEFORE_SECONDS,
            }),
        }
    }

    /// Steps 1–4 of the module header, in a task of its own.
    async fn single_flight(&self, connection_id: &str, mode: Mode) -> Result<Flight, ExactError> {
        let this = self.clone();
        let id = connection_id.to_string();
        let task = tokio::spawn(async move {
            let flight = this.flight(&id);
            let result = {
                let _one_at_a_time = flight.lock().await;
                this.refresh_leased(&id, &mode).await
            };
            drop(flight);
            if matches!(result, Ok(Flight::Refreshed(_))) {
                this.forget_token(&id);
            }
            this.forget_idle_flights();
            result
        });
        task.await
            .map_err(|e| ExactError::Internal(format!("token refresh task: {e}")))?
    }

    /// The stored access token if it has more than the margin left.
    fn usable(&self, row: &connections::TokenRow) -> Result<Option<Authorized>, ExactError> {
        if row.status != ConnectionStatus::Active {
            return Err(ExactError::NeedsReauth {
                connection_id: row.id.clone(),
            });
        }
        let now = self.now();
        match (&row.access_token, row.token_expires_at) {
            (Some(stored), Some(expires_at)) if expires_at - REFRESH_MARGIN_SECONDS > now => {
                Ok(Some(self.authorized(row, stored)?))
            }
            _ => Ok(None),
        }
    }

    fn authorized(
        &self,
        row: &connections::TokenRow,
        stored: &str,
    ) -> Result<Authorized, ExactError> {
        let access_token = self
            .vault()
            .decrypt(stored, &vault::place(&row.id, "access_token"))
            .map_err(|e| ExactError::Internal(format!("access token unreadable: {e}")))?;
        Ok(Authorized {
            connection_id: row.id.clone(),
            region: row.region,
            access_token,
        })
    }

    /// The remembered token of the connection, while it is valid (see [`Self::access_token`]).
    fn remembered_token(&self, connection_id: &str) -> Option<Authorized> {
        let generation = self.0.db.callers_generation();
        let now = self.now();
        let tokens = self.0.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(connection_id)
            .filter(|r| r.generation == generation && now < r.until)
            .map(|r| r.token.clone())
    }

    fn remember_token(&self, generation: u64, row: &connections::TokenRow, token: &Authorized) {
        let (Some(issued), Some(expires)) = (row.token_issued_at, row.token_expires_at) else {
            return;
        };
        let until = (issued + NO_REFRESH_BEFORE_SECONDS).min(expires - REFRESH_MARGIN_SECONDS);
        let mut tokens = self.0.tokens.lock().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= super::REMEMBERED_TOKENS {
            tokens.clear();
        }
        tokens.insert(
            row.id.clone(),
            super::RememberedToken {
                generation,
                until,
                token: token.clone(),
            },
        );
    }

    fn forget_token(&self, connection_id: &str) {
        let mut tokens = self.0.tokens.lock().unwrap_or_else(|e| e.into_inner());
        tokens.remove(connection_id);
    }

    fn flight(&self, connection_id: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self.0.flights.lock().unwrap_or_else(|e| e.into_inner());
        flights
            .entry(connection_id.to_string())
            .or_default()
            .clone()
    }

    fn forget_idle_flights(&self) {
        let mut flights = self.0.flights.lock().unwrap_or_else(|e| e.into_inner());
        flights.retain(|_, m| Arc::strong_count(m) > 1);
    }

    /// How long a refresh may hold its lease: twice the longest a refresh can take (every
    /// attempt timing out, plus the backoffs between them), so a live holder never loses it,
    /// and short enough that a dead holder's lease is taken over within a minute.
    pub(super) fn lease_duration(&self) -> Duration {
        let config = self.config();
        let attempts = config.retry.attempts.max(1);
        let worst =
            config.token_timeout * attempts + config.retry.base_delay * (1_u32 << attempts.min(6));
        Duration::from_secs((worst * 2).as_secs_f64().ceil() as u64).max(Duration::from_secs(30))
    }

    /// Steps 2–4, with this process's mutex for the connection held.
    async fn refresh_leased(&self, connection_id: &str, mode: &Mode) -> Result<Flight, ExactError> {
        let lease = self.lease_duration();
        let give_up = tokio::time::Instant::now() + lease;
        loop {
            let row = connections::token_row(self.0.db.pool(), connection_id)
                .await?
                .ok_or(ExactError::NotConnected)?;
            if let Next::Done(flight) = self.next_step(&row, mode)? {
                return Ok(flight);
            }
            let Some(stored_refresh) = row.refresh_token.clone() else {
                return self.refused(row, "", "no refresh token stored").await;
            };
            let refresh = self
                .vault()
                .decrypt(&stored_refresh, &vault::place(&row.id, "refresh_token"))
                .map_err(|e| ExactError::Internal(format!("refresh token unreadable: {e}")))?;
            let holder = uuid::Uuid::new_v4().simple().to_string();
            let now = self.now();
            let claimed = connections::claim_refresh_lease(
                &self.0.db,
                connection_id,
                &stored_refresh,
                &holder,
                now,
                now + lease.as_secs() as i64,
            )
            .await?;
            if claimed {
                return self
                    .refresh_holding_lease(row, &stored_refresh, &refresh, &holder)
                    .await;
            }
            // Another process holds the lease (or stored new tokens since we read them).
            if tokio::time::Instant::now() >= give_up {
                tracing::warn!(
                    connection_id,
                    "gave up waiting for another process's token refresh"
                );
                return Err(ExactError::Unavailable(
                    "another refresh of this connection is still under way".into(),
                ));
            }
            tokio::time::sleep(LEASE_POLL).await;
        }
    }

    /// Whether the row as read still needs a refresh for `mode`.
    fn next_step(&self, row: &connections::TokenRow, mode: &Mode) -> Result<Next, ExactError> {
        if row.status != ConnectionStatus::Active {
            return Err(ExactError::NeedsReauth {
                connection_id: row.id.clone(),
            });
        }
        let too_young = row
            .token_issued_at
            .is_some_and(|issued| self.now() < issued + NO_REFRESH_BEFORE_SECONDS);
        let done = match mode {
            // Someone refreshed while we waited; else never send what Exact would refuse.
            Mode::WhenDue => match self.usable(row)? {
                Some(ready) => Some(Flight::Ready(ready)),
                None => too_young.then(|| Flight::TooEarly(Box::new(row.clone()))),
            },
            Mode::Proactive => too_young.then(|| Flight::TooEarly(Box::new(row.clone()))),
            Mode::Rejected(rejected) => {
                let stored = row.access_token.as_deref();
                let newer = match stored {
                    Some(stored) => {
                        self.authorized(row, stored)?.access_token.expose_secret()
                            != rejected.expose_secret()
                    }
                    None => false,
                };
                // A newer token than the one Exact refused: someone refreshed meanwhile.
                if newer {
                    self.usable(row)?.map(Flight::Ready)
                } else if self.refused_as_too_early(&row.id) {
                    Some(Flight::TooEarly(Box::new(row.clone())))
                } else {
                    None
                }
            }
        };
        Ok(done.map_or(Next::Refresh, Next::Done))
    }

    /// Step 3 and 4: trade the refresh token at Exact (no transaction open) and store the
    /// outcome; every way out releases the lease.
    async fn refresh_holding_lease(
        &self,
        row: connections::TokenRow,
        stored_refresh: &str,
        refresh: &SecretString,
        holder: &str,
    ) -> Result<Flight, ExactError> {
        match self.trade_with_retries(&row.id, row.region, refresh).await {
            Ok(grant) => self.store_grant(row, stored_refresh, holder, grant).await,
            Err(TokenError::TooEarly) => {
                tracing::info!(connection_id = %row.id, "Exact says too early to refresh");
                self.note_too_early(&row.id);
                self.release_lease(&row.id, holder).await;
                Ok(Flight::TooEarly(Box::new(row)))
            }
            Err(TokenError::Rejected(reason)) => {
                let result = self.refused(row.clone(), stored_refresh, &reason).await;
                self.release_lease(&row.id, holder).await;
                result
            }
            Err(TokenError::Transient(reason)) => {
                tracing::warn!(connection_id = %row.id, %reason, "token refresh failed; tokens left as they were");
                self.release_lease(&row.id, holder).await;
                self.record_refresh_failure(&row, "connection.refresh_failed")
                    .await;
                Err(ExactError::Unavailable(reason))
            }
        }
    }

    /// Up to `retry.attempts` token requests, with backoff between transient failures.
    async fn trade_with_retries(
        &self,
        connection_id: &str,
        region: Region,
        refresh: &SecretString,
    ) -> Result<TokenGrant, TokenError> {
        let attempts = self.config().retry.attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.refresh_grant(region, refresh).await {
                Err(TokenError::Transient(reason)) if attempt < attempts => {
                    tracing::info!(connection_id, attempt, %reason, "token refresh failed; retrying");
                    let wait = super::client::backoff(self.config().retry.base_delay, attempt);
                    self.0.clock.sleep(wait).await;
                }
                outcome => return outcome,
            }
        }
    }

    /// Stores the new pair if the row still holds the refresh token we traded.
    async fn store_grant(
        &self,
        row: connections::TokenRow,
        traded: &str,
        holder: &str,
        grant: TokenGrant,
    ) -> Result<Flight, ExactError> {
        let now = self.now();
        let access = self
            .vault()
            .encrypt(&grant.access_token, &vault::place(&row.id, "access_token"));
        let refresh = self.vault().encrypt(
            &grant.refresh_token,
            &vault::place(&row.id, "refresh_token"),
        );
        let stored = connections::store_refreshed(
            &self.0.db,
            connections::Refreshed {
                id: &row.id,
                traded,
                access_token: &access,
                refresh_token: &refresh,
                issued_at: now,
                expires_at: now + grant.expires_in,
                refresh_expires_at: now + REFRESH_TOKEN_SECONDS,
            },
        )
        .await;
        match stored {
            Ok(true) => {
                tracing::info!(
                    connection_id = %row.id,
                    expires_in = grant.expires_in,
                    "Exact tokens refreshed"
                );
                Ok(Flight::Refreshed(Authorized {
                    connection_id: row.id,
                    region: row.region,
                    access_token: grant.access_token,
                }))
            }
            Ok(false) => {
                // A new consent (or a disconnect) wrote the row while we asked Exact: its tokens
                // win, and the pair we got is dropped.
                tracing::warn!(connection_id = %row.id, "the connection's tokens changed during the refresh; using the stored ones");
                self.release_lease(&row.id, holder).await;
                let current = connections::token_row(self.0.db.pool(), &row.id)
                    .await?
                    .ok_or(ExactError::NotConnected)?;
                self.usable(&current)?.map(Flight::Ready).ok_or_else(|| {
                    ExactError::Unavailable("the connection's tokens changed meanwhile".into())
                })
            }
            Err(e) => {
                // Exact has already rotated: the pair we could not store is the only working one.
                tracing::error!(connection_id = %row.id, error = %e, "refreshed tokens could not be stored; the connection will need a new consent");
                self.release_lease(&row.id, holder).await;
                Err(e.into())
            }
        }
    }

    fn note_too_early(&self, connection_id: &str) {
        let now = self.now();
        let mut too_early = self.0.too_early.lock().unwrap_or_else(|e| e.into_inner());
        too_early.retain(|_, until| *until > now);
        too_early.insert(connection_id.to_string(), now + TOO_EARLY_PAUSE_SECONDS);
    }

    fn refused_as_too_early(&self, connection_id: &str) -> bool {
        let too_early = self.0.too_early.lock().unwrap_or_else(|e| e.into_inner());
        too_early
            .get(connection_id)
            .is_some_and(|until| *until > self.now())
    }

    async fn release_lease(&self, connection_id: &str, holder: &str) {
        if let Err(e) = connections::release_refresh_lease(&self.0.db, connection_id, holder).await
        {
            // It expires on its own; until then other callers wait for it.
            tracing::warn!(connection_id, error = %e, "could not release the refresh lease");
        }
    }

    /// The stored access token when it has not expired (even inside the margin).
    fn stored_if_valid(&self, row: &connections::TokenRow) -> Result<Authorized, ExactError> {
        match (&row.access_token, row.token_expires_at) {
            (Some(stored), Some(expires_at)) if expires_at > self.now() => {
                self.authorized(row, stored)
            }
            _ => Err(ExactError::Unavailable(
                "access token expired and too young to refresh".into(),
            )),
        }
    }

    /// Counts a failed refresh in the audit trail (the admin overview's "refresh failures");
    /// a failure to write it is logged, not the caller's problem.
    async fn record_refresh_failure(&self, row: &connections::TokenRow, action: &'static str) {
        let change = refresh_change(action, row);
        let recorded = audit::record(&self.0.db, self.now(), audit::Actor::Service, change).await;
        if let Err(e) = recorded {
            tracing::warn!(connection_id = %row.id, error = %e, "could not record the failed refresh");
        }
    }

    /// Exact refused the refresh token `refused` (stored form; empty when there was none): the
    /// connection needs a new consent and its owner is told, once. If the row no longer holds
    /// that token, someone stored a newer pair meanwhile, and that one is used.
    async fn refused(
        &self,
        row: connections::TokenRow,
        refused: &str,
        reason: &str,
    ) -> Result<Flight, ExactError> {
        let now = self.now();
        let mut tx = self.0.db.begin_write().await?;
        let changed = connections::mark_refused(&mut *tx, &row.id, refused, now).await?;
        if changed {
            let lang = crate::i18n::Lang::parse(&row.owner_locale).unwrap_or_default();
            let t = lang.texts();
            notifications::insert(
                &mut *tx,
                notifications::NewNotification {
                    user_id: &row.user_id,
                    kind: "connection_needs_reauth",
                    title: t.connections.reconnect_notification_title,
                    body: &t
                        .connections
                        .reconnect_notification_body(&row.exact_user_name),
                    link: Some(super::RECONNECT_PATH),
                },
                now,
            )
            .await?;
            let change = refresh_change("connection.refresh_refused", &row);
            audit::record_in(&mut tx, now, audit::Actor::Service, change).await?;
        }
        tx.commit().await?;
        if changed {
            self.0.db.callers_changed().await;
            tracing::warn!(connection_id = %row.id, %reason, "Exact refused the refresh token; the connection needs a new consent");
        } else if let Some(current) = connections::token_row(self.0.db.pool(), &row.id).await?
            && let Some(ready) = self.usable(&current)?
        {
            return Ok(Flight::Ready(ready));
        }
        Err(ExactError::NeedsReauth {
            connection_id: row.id,
        })
    }
}

/// The audit row of a failed refresh: the connection and its owner, never a token or Exact's
/// words.
fn refresh_change<'a>(action: &'a str, row: &'a connections::TokenRow) -> audit::Change<'a> {
    audit::Change {
        action,
        target_type: "connection",
        target_id: &row.id,
        detail: serde_json::json!({ "user_id": row.user_id, "region": row.region.code() }),
    }
}
