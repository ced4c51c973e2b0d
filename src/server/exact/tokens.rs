//! Getting a usable access token: the one function every Exact call goes through.
//!
//! Exact's refresh tokens rotate and work once, so two refreshes of the same connection at the
//! same time destroy it ("Old refresh token used."). A refresh is therefore single-flight per
//! connection across threads and processes:
//! 1. a per-connection mutex inside the process (a burst of calls waits here, not on the pool);
//! 2. a database lock on the connection: `SELECT … FOR UPDATE` on Postgres, `BEGIN IMMEDIATE`
//!    on SQLite (one writer for the whole file, which is what a single-node install has);
//! 3. re-read the row: another task or replica may have refreshed meanwhile;
//! 4. call Exact, store the new pair and its expiries in the same transaction, commit.
//!
//! Exact also refuses a refresh in the first 570 s of an access token's life; we never send one
//! that early (the stored token is still good then), and a `TooEarlyToRefreshTokens` answer
//! (clock skew) falls back to the stored token. A refused grant marks the connection
//! `needs_reauth` and tells its owner; transient failures leave everything as it was.

use super::{
    Exact, ExactError, NO_REFRESH_BEFORE_SECONDS, REFRESH_MARGIN_SECONDS, REFRESH_TOKEN_SECONDS,
    TokenError,
};
use crate::domain::{ConnectionStatus, Region};
use crate::server::{
    db::{Backend, Tx, connections, notifications},
    vault,
};
use secrecy::SecretString;
use std::sync::Arc;

/// A token ready for one call, with where to send it.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// On demand: refresh only when the access token is expired or in its last 30 s.
    WhenDue,
    /// Keep-alive: refresh whenever Exact allows it.
    Proactive,
}

enum Flight {
    /// The stored token is good (someone refreshed while we waited).
    Ready(Authorized),
    Refreshed(Authorized),
    /// Too young to refresh: nothing was sent.
    TooEarly(Box<connections::TokenRow>),
}

impl Exact {
    /// A usable access token for the connection, refreshing it first when it is expired or in
    /// its last 30 s.
    pub async fn access_token(&self, connection_id: &str) -> Result<Authorized, ExactError> {
        let row = connections::token_row(self.0.db.pool(), connection_id, false)
            .await?
            .ok_or(ExactError::NotConnected)?;
        if let Some(ready) = self.usable(&row)? {
            return Ok(ready);
        }
        match self.single_flight(connection_id, Mode::WhenDue).await? {
            Flight::Ready(token) | Flight::Refreshed(token) => Ok(token),
            Flight::TooEarly(row) => self.stored_if_valid(&row),
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

    async fn single_flight(&self, connection_id: &str, mode: Mode) -> Result<Flight, ExactError> {
        let flight = self.flight(connection_id);
        let result = {
            let _one_at_a_time = flight.lock().await;
            self.refresh_locked(connection_id, mode).await
        };
        drop(flight);
        self.forget_idle_flights();
        result
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

    /// Steps 2–4 above, with this process's mutex for the connection held.
    async fn refresh_locked(&self, connection_id: &str, mode: Mode) -> Result<Flight, ExactError> {
        let db = &self.0.db;
        // SQLite: the write lock from here on, so a second process waits instead of both
        // reading the old refresh token; Postgres: the row lock below.
        let mut tx = db.begin_write().await?;
        let lock_row = db.backend() == Backend::Postgres;
        let row = connections::token_row(&mut *tx, connection_id, lock_row)
            .await?
            .ok_or(ExactError::NotConnected)?;
        match mode {
            Mode::WhenDue => {
                if let Some(ready) = self.usable(&row)? {
                    // Someone refreshed while we waited for the lock.
                    tx.commit().await?;
                    return Ok(Flight::Ready(ready));
                }
            }
            Mode::Proactive => {
                if row.status != ConnectionStatus::Active {
                    tx.commit().await?;
                    return Err(ExactError::NeedsReauth {
                        connection_id: row.id.clone(),
                    });
                }
            }
        }
        let now = self.now();
        if let Some(issued) = row.token_issued_at
            && now < issued + NO_REFRESH_BEFORE_SECONDS
        {
            // Never send a refresh Exact would refuse; the stored token is what there is.
            tx.commit().await?;
            return Ok(Flight::TooEarly(Box::new(row)));
        }
        let Some(stored_refresh) = row.refresh_token.as_deref() else {
            return self
                .mark_needs_reauth(tx, &row, "no refresh token stored")
                .await;
        };
        let refresh = self
            .vault()
            .decrypt(stored_refresh, &vault::place(&row.id, "refresh_token"))
            .map_err(|e| ExactError::Internal(format!("refresh token unreadable: {e}")))?;

        let mut attempt = 0;
        let grant = loop {
            attempt += 1;
            match self.refresh_grant(row.region, &refresh).await {
                Ok(grant) => break grant,
                Err(TokenError::TooEarly) => {
                    tracing::info!(
                        connection_id,
                        "Exact says too early to refresh; using the stored token"
                    );
                    tx.commit().await?;
                    return Ok(Flight::TooEarly(Box::new(row)));
                }
                Err(TokenError::Rejected(reason)) => {
                    return self.mark_needs_reauth(tx, &row, &reason).await;
                }
                Err(TokenError::Transient(reason)) => {
                    if attempt >= self.config().retry.attempts {
                        tracing::warn!(connection_id, attempt, %reason, "token refresh failed; tokens left as they were");
                        tx.rollback().await?;
                        return Err(ExactError::Unavailable(reason));
                    }
                    tracing::info!(connection_id, attempt, %reason, "token refresh failed; retrying");
                    self.0
                        .clock
                        .sleep(super::client::backoff(
                            self.config().retry.base_delay,
                            attempt,
                        ))
                        .await;
                }
            }
        };

        let now = self.now();
        let access = self
            .vault()
            .encrypt(&grant.access_token, &vault::place(&row.id, "access_token"));
        let refresh = self.vault().encrypt(
            &grant.refresh_token,
            &vault::place(&row.id, "refresh_token"),
        );
        let stored = connections::store_refreshed(
            &mut *tx,
            connections::Refreshed {
                id: &row.id,
                access_token: &access,
                refresh_token: &refresh,
                issued_at: now,
                expires_at: now + grant.expires_in,
                refresh_expires_at: now + REFRESH_TOKEN_SECONDS,
            },
        )
        .await;
        if let Err(e) = stored {
            // Exact has already rotated: the pair we could not store is the only working one.
            tracing::error!(connection_id, error = %e, "refreshed tokens could not be stored; the connection will need a new consent");
            return Err(e.into());
        }
        if let Err(e) = tx.commit().await {
            tracing::error!(connection_id, error = %e, "refreshed tokens could not be committed; the connection will need a new consent");
            return Err(e.into());
        }
        tracing::info!(
            connection_id,
            expires_in = grant.expires_in,
            "Exact tokens refreshed"
        );
        Ok(Flight::Refreshed(Authorized {
            connection_id: row.id.clone(),
            region: row.region,
            access_token: grant.access_token,
        }))
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

    async fn mark_needs_reauth(
        &self,
        mut tx: Tx,
        row: &connections::TokenRow,
        reason: &str,
    ) -> Result<Flight, ExactError> {
        let now = self.now();
        let changed =
            connections::set_status(&mut *tx, &row.id, ConnectionStatus::NeedsReauth, now).await?;
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
        }
        tx.commit().await?;
        tracing::warn!(connection_id = %row.id, %reason, "Exact refused the refresh token; the connection needs a new consent");
        Err(ExactError::NeedsReauth {
            connection_id: row.id.clone(),
        })
    }
}
