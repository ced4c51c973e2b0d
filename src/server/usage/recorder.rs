//! Writes what the request path does not need to wait for: the outcome of admitted calls and the
//! events of uncounted or refused requests.
//!
//! Design: a bounded in-memory queue, drained by one task that writes whatever is queued in one
//! transaction at least every second, and on shutdown. Why this is safe: everything billing
//! depends on (the counters, and the event of every counted call) was already committed by
//! [`admit`](crate::server::db::usage::admit) before the call ran, so a crash loses at most a
//! second of outcomes (those events stay `pending`) and of protocol-message events, never a count.
//! Why not write outcomes inline: that would add a round trip (and on SQLite a write lock) to
//! every response. When the queue is full, senders wait: back-pressure, not loss.

use crate::server::db::{
    Db,
    usage::{Record, write_batch},
};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Records held before senders have to wait.
pub const QUEUE_CAPACITY: usize = 10_000;
/// Records written per transaction at most.
const BATCH: usize = 500;
/// How often queued records are written even when few.
const FLUSH_EVERY: Duration = Duration::from_secs(1);

enum Msg {
    Record(Box<Record>),
    /// Write everything queued before this message, then answer.
    Flush(oneshot::Sender<()>),
}

/// The sending side; cheap to clone.
#[derive(Clone)]
pub struct Recorder {
    tx: mpsc::Sender<Msg>,
}

impl Recorder {
    /// Starts the writer task.
    pub fn spawn(db: Db) -> Recorder {
        let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
        tokio::spawn(run(db, rx));
        Recorder { tx }
    }

    /// Queues a record (waits only while the queue is full).
    pub async fn record(&self, record: Record) {
        if self.tx.send(Msg::Record(Box::new(record))).await.is_err() {
            tracing::error!("usage recorder stopped; a usage record was dropped");
        }
    }

    /// Returns once everything queued so far is written: for shutdown and for tests.
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.tx.send(Msg::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<Msg>) {
    let mut batch: Vec<Record> = Vec::with_capacity(BATCH);
    let mut waiting: Vec<oneshot::Sender<()>> = Vec::new();
    let mut tick = tokio::time::interval(FLUSH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        let (closed, ticked) = tokio::select! {
            msg = rx.recv() => match msg {
                Some(Msg::Record(r)) => { batch.push(*r); (false, false) }
                Some(Msg::Flush(done)) => { waiting.push(done); (false, false) }
                None => (true, false),
            },
            _ = tick.tick() => (false, true),
        };
        // Take whatever else is already queued without waiting.
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(Msg::Record(r)) => batch.push(*r),
                Ok(Msg::Flush(done)) => waiting.push(done),
                Err(_) => break,
            }
        }
        let due = ticked || closed || batch.len() >= BATCH || !waiting.is_empty();
        if due && !batch.is_empty() {
            write(&db, &mut batch).await;
        }
        if batch.is_empty() {
            for done in waiting.drain(..) {
                let _ = done.send(());
            }
        }
        if closed {
            return;
        }
    }
}

/// Writes the batch, retrying a few times: a database hiccup must not lose records.
async fn write(db: &Db, batch: &mut Vec<Record>) {
    for attempt in 1..=5u32 {
        match write_batch(db, batch).await {
            Ok(()) => {
                batch.clear();
                return;
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, records = batch.len(), "writing usage records failed");
                tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await;
            }
        }
    }
    tracing::error!(
        records = batch.len(),
        "usage records dropped after 5 failed writes"
    );
    batch.clear();
}
