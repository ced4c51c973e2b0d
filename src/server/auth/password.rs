//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
//! Hashing is CPU-heavy by design, so it runs on tokio's blocking pool, never on the executor,
//! and at most [`slots`] hashes run at once (one per core): without that bound, anyone who can
//! reach a form could make tokio's 512 blocking threads each hold 19 MiB. A request that finds
//! every slot taken waits [`BUSY_WAIT`] at most, then is told the service is busy.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::{Arc, LazyLock};
use std::time::Duration;
use tokio::sync::Semaphore;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed")]
    Failed,
    /// Every hashing slot stayed taken for [`BUSY_WAIT`]: the caller answers "busy, try again".
    #[error("every password hashing slot is taken")]
    Busy,
}

/// How long a hash waits for a free slot before the request is refused as busy.
pub const BUSY_WAIT: Duration = Duration::from_secs(5);

/// How many hashes may run at once: one per core the process may use.
pub fn slots() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

static SLOTS: LazyLock<Arc<Semaphore>> = LazyLock::new(|| Arc::new(Semaphore::new(slots())));

/// Runs `work` on the blocking pool once one of `slots` is free (waiting `wait` at most). The
/// slot travels with the work, so a request that is abandoned mid-hash still holds it until the
/// hash ends.
async fn bounded<T: Send + 'static>(
    slots: &Arc<Semaphore>,
    wait: Duration,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let permit = tokio::time::timeout(wait, slots.clone().acquire_owned())
        .await
        .map_err(|_| HashError::Busy)?
        .map_err(|_| HashError::Failed)?;
    tokio::task::spawn_blocking(move || {
        let out = work();
        drop(permit);
        out
    })
    .await
    .map_err(|_| HashError::Failed)
}

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`.
pub async fn hash(password: SecretString) -> Result<String, HashError> {
    bounded(&SLOTS, BUSY_WAIT, move || {
        hash_blocking(password.expose_secret())
    })
    .await?
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| HashError::Failed)
}

/// A real hash of a random password, verified against when the account does not exist (or has no
/// password), so a failed login costs the same time either way and reveals nothing.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 16] = rand::random();
    hash_blocking(&format!("{random:?}")).expect("hashing a random password works")
});

/// True only when `stored` exists and matches. Takes the same time whether or not it exists.
/// [`HashError::Busy`] when no slot came free in time.
pub async fn verify(stored: Option<String>, password: SecretString) -> Result<bool, HashError> {
    bounded(&SLOTS, BUSY_WAIT, move || {
        let (phc, real) = match stored {
            Some(h) => (h, true),
            None => (DUMMY_HASH.clone(), false),
        };
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let matches = argon2()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        real && matches
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_string())
    }

    #[tokio::test]
    async fn hashes_verify_and_use_owasp_parameters() {
        let h = hash(secret("kaas-brood-fiets-42")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(
            verify(Some(h.clone()), secret("kaas-brood-fiets-42"))
                .await
                .unwrap()
        );
        assert!(
            !verify(Some(h.clone()), secret("kaas-brood-fiets-43"))
                .await
                .unwrap()
        );
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash(secret("kaas-brood-fiets-42")).await.unwrap());
    }

    #[tokio::test]
    async fn missing_or_garbled_hashes_never_verify() {
        assert!(!verify(None, secret("anything-at-all")).await.unwrap());
        assert!(
            !verify(Some("not a hash".into()), secret("anything-at-all"))
                .await
                .unwrap()
        );
    }

    #[tokio::test]
    async fn work_waits_for_a_slot_then_is_refused_as_busy() {
        let slots = Arc::new(Semaphore::new(1));
        let held = slots.clone().acquire_owned().await.unwrap();
        let started = std::time::Instant::now();
        let r = bounded(&slots, Duration::from_millis(200), || 1).await;
        assert!(matches!(r, Err(HashError::Busy)), "{r:?}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "refused quickly"
        );
        drop(held);
        assert_eq!(
            bounded(&slots, Duration::from_millis(200), || 2)
                .await
                .unwrap(),
            2
        );
    }

    #[tokio::test]
    async fn the_slot_is_held_until_the_work_ends_even_if_the_caller_gives_up() {
        let slots = Arc::new(Semaphore::new(1));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let caller = tokio::spawn({
            let slots = slots.clone();
            async move { bounded(&slots, Duration::from_secs(1), move || rx.recv()).await }
        });
        tokio::time::sleep(Duration::from_millis(100)).await;
        caller.abort();
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert_eq!(
            slots.available_permits(),
            0,
            "the abandoned hash still runs"
        );
        tx.send(()).unwrap();
        tokio::time::timeout(Duration::from_secs(2), slots.acquire())
            .await
            .expect("freed once the work ended")
            .unwrap()
            .forget();
    }
}
