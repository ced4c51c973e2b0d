//! Group commit for the `/mcp` gate's admissions: concurrent counted calls share one write
//! transaction.
//!
//! Every counted call must be counted before it runs (window, quota, event and rollup committed),
//! and on SQLite all writers take turns, so under load the calls queued for the write lock one
//! transaction each. Here one task per process takes every admission waiting at that moment (up
//! to [`BATCH`]), decides them in order in one transaction and answers each call when that
//! transaction has committed: the same guarantees (each call is decided as if alone and is
//! counted before it runs), one commit for many calls. A batch that fails as a whole (a lock
//! timeout, a Postgres deadlock with another replica's batch) is retried one admission at a time,
//! so one call's trouble is never another call's refusal. At one call at a time nothing waits:
//! the batch is that one call.

use crate::server::db::{
    Db, DbError,
    usage::{Admission, Admitted, admit, admit_batch},
};
use tokio::sync::{mpsc, oneshot};

/// Admissions decided in one transaction at most.
pub const BATCH: usize = 256;
/// Admissions waiting before callers queue in the channel itself.
const QUEUE: usize = 4096;

type Reply = oneshot::Sender<Result<Admitted, DbError>>;

/// The sending side; cheap to clone.
#[derive(Clone)]
pub struct Admitter {
    tx: mpsc::Sender<(Admission, Reply)>,
}

impl Admitter {
    /// Starts the writer task.
    pub fn spawn(db: Db) -> Admitter {
        let (tx, rx) = mpsc::channel(QUEUE);
        tokio::spawn(run(db, rx));
        Admitter { tx }
    }

    /// Decides `admission`; returns once the decision is committed.
    pub async fn admit(&self, admission: Admission) -> Result<Admitted, DbError> {
        let (reply, answer) = oneshot::channel();
        if self.tx.send((admission, reply)).await.is_err() {
            return Err(DbError::Sqlx(sqlx::Error::PoolClosed));
        }
        answer
            .await
            .unwrap_or(Err(DbError::Sqlx(sqlx::Error::PoolClosed)))
    }
}

async fn run(db: Db, mut rx: mpsc::Receiver<(Admission, Reply)>) {
    let mut batch = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut batch, BATCH).await > 0 {
        // One order for every batch (by subject, then arrival): concurrent batches of several
        // replicas then take their Postgres row locks in the same order.
        batch.sort_by(|a, b| a.0.subject.cmp(&b.0.subject));
        let (writes, replies): (Vec<Admission>, Vec<Reply>) = batch.drain(..).unzip();
        match admit_batch(&db, &writes).await {
            Ok(decided) => {
                for (reply, admitted) in replies.into_iter().zip(decided) {
                    let _ = reply.send(Ok(admitted));
                }
            }
            Err(e) if writes.len() == 1 => {
                // Alone, it was already decided on its own: its error is the answer.
                if let Some(reply) = replies.into_iter().next() {
                    let _ = reply.send(Err(e));
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, calls = writes.len(), "a group admission failed; deciding one by one");
                for (write, reply) in writes.iter().zip(replies) {
                    let _ = reply.send(admit(&db, write).await);
                }
            }
        }
    }
}
