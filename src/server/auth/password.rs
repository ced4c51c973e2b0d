//! Password hashing with argon2id at OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
//! Hashing is CPU-heavy by design, so it runs on tokio's blocking pool, never on the executor.

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher, PasswordVerifier, Version,
    password_hash::{SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret, SecretString};
use std::sync::LazyLock;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP argon2id parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct HashError;

/// The PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`.
pub async fn hash(password: SecretString) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose_secret()))
        .await
        .map_err(|_| HashError)?
}

fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| HashError)
}

/// A real hash of a random password, verified against when the account does not exist (or has no
/// password), so a failed login costs the same time either way and reveals nothing.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    let random: [u8; 16] = rand::random();
    hash_blocking(&format!("{random:?}")).expect("hashing a random password works")
});

/// True only when `stored` exists and matches. Takes the same time whether or not it exists.
pub async fn verify(stored: Option<String>, password: SecretString) -> bool {
    tokio::task::spawn_blocking(move || {
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
    .unwrap_or(false)
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
        assert!(verify(Some(h.clone()), secret("kaas-brood-fiets-42")).await);
        assert!(!verify(Some(h.clone()), secret("kaas-brood-fiets-43")).await);
        // Salted: the same password hashes differently each time.
        assert_ne!(h, hash(secret("kaas-brood-fiets-42")).await.unwrap());
    }

    #[tokio::test]
    async fn missing_or_garbled_hashes_never_verify() {
        assert!(!verify(None, secret("anything-at-all")).await);
        assert!(!verify(Some("not a hash".into()), secret("anything-at-all")).await);
    }
}
