//! Outgoing mail. Everything that sends mail queues it in `email_outbox` (in the same request,
//! so a slow or broken mail server never fails a sign-up or a reset). With `SMTP_URL` set, a
//! background sender delivers the queue with lettre; without it the mail stays in the outbox
//! (development shows it at `/dev/outbox`). The connection to the mail server is encrypted
//! (STARTTLS for `smtp://`, TLS for `smtps://`); only development may send in the clear.
//!
//! Several replicas may run the sender at once: a row is claimed by moving its `next_attempt_at`
//! forward in one conditional UPDATE, so only one replica sends each attempt, and a failed
//! attempt waits with exponential back-off before the next one.

use super::{
    clock::Clock,
    db::{Db, DbError, outbox},
};
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
};
use secrecy::{ExposeSecret, SecretString};
use std::{sync::Arc, time::Duration};

/// After this many failed attempts a mail is left alone (and counted in the log).
pub use super::db::outbox::OutboxMail;

/// The newest mails of the outbox, sent or not (the development outbox page).
pub async fn latest(db: &Db, limit: i64) -> Result<Vec<OutboxMail>, DbError> {
    outbox::latest(db, limit).await
}

pub const MAX_ATTEMPTS: i64 = 6;
/// How long one SMTP conversation may take; the claim lasts longer than this.
const SEND_TIMEOUT: Duration = Duration::from_secs(30);
const CLAIM_SECONDS: i64 = 120;

#[derive(Clone)]
pub struct Sender {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Sender {
    pub fn new(smtp_url: &SecretString, from: &str) -> anyhow::Result<Sender> {
        let (transport, _) = transport(smtp_url.expose_secret())
            .map_err(|_| anyhow::anyhow!("SMTP_URL is not usable"))?;
        let from = from
            .parse()
            .map_err(|e| anyhow::anyhow!("MAIL_FROM is not an address: {e}"))?;
        Ok(Sender { transport, from })
    }

    async fn send(&self, to: &str, subject: &str, body: &str) -> Result<(), String> {
        let to: Mailbox = to.parse().map_err(|e| format!("bad recipient: {e}"))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_string())
            .map_err(|e| format!("could not build the message: {e}"))?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}

/// How the connection to the mail server is protected; the mail carries reset links and the
/// URL may carry a password, so encryption is the rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://` (or `smtp://…?tls=required`): STARTTLS, required. A server that does not offer
    /// it gets no mail; the mail stays queued.
    StartTls,
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://…?tls=none`: no encryption at all, for a mail catcher on a development machine.
    /// The settings refuse it in production.
    Plain,
}

/// How to write an SMTP URL; errors never repeat the URL (it may hold a password).
const SMTP_URL_FORMS: &str = "expected smtp://user:password@host:port (STARTTLS, required), \
     smtps://user:password@host:port (TLS), or smtp://host:port?tls=none (no encryption, development only)";

/// The transport an `SMTP_URL` describes, and how it is protected. Connects to nothing; the
/// settings check the URL with this same function at start.
pub fn transport(
    url: &str,
) -> Result<(AsyncSmtpTransport<Tokio1Executor>, SmtpSecurity), &'static str> {
    let mut url = url::Url::parse(url).map_err(|_| SMTP_URL_FORMS)?;
    let tls = url
        .query_pairs()
        .find(|(k, _)| k == "tls")
        .map(|(_, v)| v.into_owned());
    let security = match (url.scheme(), tls.as_deref()) {
        ("smtp", None | Some("required")) => SmtpSecurity::StartTls,
        ("smtps", None) => SmtpSecurity::ImplicitTls,
        ("smtp", Some("none")) => SmtpSecurity::Plain,
        // `tls=opportunistic` among them: a man in the middle could strip the STARTTLS offer.
        _ => return Err(SMTP_URL_FORMS),
    };
    // lettre reads the same URL: plain `smtp://` is its unencrypted form, so STARTTLS is spelled
    // out for it, and our `tls=none` (which it does not know) is dropped.
    url.set_query(match security {
        SmtpSecurity::StartTls => Some("tls=required"),
        SmtpSecurity::ImplicitTls | SmtpSecurity::Plain => None,
    });
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.as_str())
        .map_err(|_| SMTP_URL_FORMS)?
        .timeout(Some(SEND_TIMEOUT))
        .build();
    Ok((transport, security))
}

/// What one pass over the queue did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Sends up to `limit` due mails. Safe to run on several replicas at once.
pub async fn deliver_due(
    db: &Db,
    clock: &dyn Clock,
    sender: &Sender,
    limit: i64,
) -> Result<Delivery, DbError> {
    let now = clock.now();
    let due = outbox::due(db, MAX_ATTEMPTS, now, limit).await?;
    let mut done = Delivery::default();
    for mail in due {
        // Claim this attempt; another replica that read the same row loses here.
        if !outbox::claim_attempt(db, &mail, now, now + CLAIM_SECONDS).await? {
            continue;
        }
        let id = &mail.id;
        match sender
            .send(&mail.to_address, &mail.subject, &mail.body_text)
            .await
        {
            Ok(()) => {
                outbox::mark_sent(db, id, clock.now()).await?;
                tracing::info!(mail_id = %id, "mail sent");
                done.sent += 1;
            }
            Err(error) => {
                // Back off 1, 2, 4, 8… minutes; the error text is the server's, never ours.
                let attempts = mail.attempts;
                let backoff = 60 * (1_i64 << attempts.clamp(0, 10));
                let error: String = error.chars().take(300).collect();
                outbox::mark_failed(db, id, &error, clock.now() + backoff).await?;
                tracing::warn!(mail_id = %id, attempt = attempts + 1, %error, "mail not sent");
                done.failed += 1;
            }
        }
    }
    Ok(done)
}

/// Runs [`deliver_due`] every few seconds until the process stops.
pub fn spawn_sender(db: Db, clock: Arc<dyn Clock>, sender: Sender, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            if let Err(e) = deliver_due(&db, clock.as_ref(), &sender, 20).await {
                tracing::error!(error = %e, "mail queue pass failed");
            }
        }
    });
}
