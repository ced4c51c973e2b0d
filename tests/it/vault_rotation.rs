//! Rotating the token key during a rolling deploy (issue 15, finding 15), in two phases:
//! 1. every replica gets the new key as a *previous* key (it decrypts with it, still encrypts
//!    with the old one); 2. the new key becomes current everywhere (the old one previous), then
//!    `exact-mcp vault rotate` re-encrypts what is stored. Between the phases replicas with either
//!    key current share one database, and each reads what the other wrote. Each serving replica
//!    announces the ids of the keys it holds (never the keys), and `vault rotate` refuses while a
//!    live replica lacks the key it would rotate to.
use exact_mcp::server::{
    app,
    clock::{Clock, SystemClock},
    config::TokenKey,
    db::migrate,
    exact::ExactError,
    state::AppState,
    vault::{self, Vault, VaultError, place},
};
use std::{process::Command, sync::Arc, time::Duration};
use test_kit::{TestApp, TestDatabase, eventually, exact::connected, test_settings};

fn old_key() -> TokenKey {
    TokenKey::from_bytes([7; 32])
}

fn new_key() -> TokenKey {
    TokenKey::from_bytes([8; 32])
}

/// A second replica on `of`'s database, clock and simulator, with its own keys.
async fn replica(of: &TestApp, current: &TokenKey, previous: &[&TokenKey]) -> AppState {
    let previous: Vec<String> = previous.iter().map(|k| k.to_base64()).collect();
    let settings = test_settings(
        of.database().url(),
        &[
            ("TOKEN_ENCRYPTION_KEY", &current.to_base64()),
            ("TOKEN_ENCRYPTION_KEYS_PREVIOUS", &previous.join(",")),
            ("PUBLIC_URL", &of.url),
        ],
    );
    let options = app::leptos_options(&settings);
    app::build_state(settings, options, Arc::new(of.clock.clone()))
        .await
        .unwrap()
}

async fn me(state: &AppState, id: &str) -> Result<serde_json::Value, ExactError> {
    state.exact.get_json(id, "current/Me", &[]).await
}

async fn stored_access_token(app: &TestApp, id: &str) -> String {
    sqlx::query_scalar("SELECT access_token FROM connections WHERE id = $1")
        .bind(id)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn between_the_two_phases_each_replica_reads_what_the_other_wrote() {
    let (old, new) = (old_key(), new_key());
    // Replica B after phase 1: the old key current, the new one previous.
    let b = TestApp::builder()
        .env("TOKEN_ENCRYPTION_KEY", &old.to_base64())
        .env("TOKEN_ENCRYPTION_KEYS_PREVIOUS", &new.to_base64())
        .spawn()
        .await;
    let id = connected(&b, "anna@bakkerij.example", &[101]).await;
    // Replica A already in phase 2: the new key current, the old one previous.
    let a = replica(&b, &new, &[&old]).await;
    let kid = |k: &TokenKey| Vault::new(k, &[]).current_kid().to_string();

    // A reads B's token, and refreshes it once it has expired: stored with the new key.
    me(&a, &id).await.unwrap();
    b.clock.advance(601);
    me(&a, &id).await.unwrap();
    let refreshed = stored_access_token(&b, &id).await;
    assert!(
        refreshed.starts_with(&format!("v1.{}.", kid(&new))),
        "{refreshed}"
    );
    // B, not upgraded yet, reads it.
    me(&b.state, &id).await.unwrap();
    b.state
        .exact
        .vault()
        .decrypt(&refreshed, &place(&id, "access_token"))
        .unwrap();
    // Without phase 1 it could not have: what the rolling deploy would break.
    assert_eq!(
        Vault::new(&old, &[])
            .decrypt(&refreshed, &place(&id, "access_token"))
            .err(),
        Some(VaultError::UnknownKey(kid(&new)))
    );

    // And A reads what B writes with the old key after its own refresh.
    b.clock.advance(601);
    me(&b.state, &id).await.unwrap();
    let by_b = stored_access_token(&b, &id).await;
    assert!(by_b.starts_with(&format!("v1.{}.", kid(&old))), "{by_b}");
    me(&a, &id).await.unwrap();
}

#[tokio::test]
async fn a_serving_replica_announces_the_ids_of_its_keys_and_never_a_key() {
    let app = TestApp::builder()
        .env("TOKEN_ENCRYPTION_KEYS_PREVIOUS", &new_key().to_base64())
        .spawn()
        .await;
    let held = eventually(
        "the replica's announcement",
        Duration::from_secs(10),
        || {
            let pool = app.state.db.pool().clone();
            async move {
                sqlx::query_as::<_, (String, String)>(
                    "SELECT key_ids, current_kid FROM vault_replicas",
                )
                .fetch_optional(&pool)
                .await
                .unwrap()
            }
        },
    )
    .await;
    let (old, new) = (
        Vault::new(&old_key(), &[]).current_kid().to_string(),
        Vault::new(&new_key(), &[]).current_kid().to_string(),
    );
    assert_eq!(held.1, old);
    assert_eq!(held.0, format!("{old},{new}"));
    for key in [old_key(), new_key()] {
        assert!(!format!("{held:?}").contains(&key.to_base64()));
    }
}

fn rotate(url: &str, current: &TokenKey, previous: &TokenKey) -> (bool, String, String) {
    let out = Command::new(test_kit::binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(tempfile::tempdir().unwrap().keep())
        .env("DATABASE_URL", url)
        .env("TOKEN_ENCRYPTION_KEY", current.to_base64())
        .env("TOKEN_ENCRYPTION_KEYS_PREVIOUS", previous.to_base64())
        .args(["vault", "rotate"])
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn vault_rotate_refuses_while_a_live_replica_lacks_the_new_key() {
    let (old, new) = (old_key(), new_key());
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    migrate::up(&db).await.unwrap();
    sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ('u-1', 'anna@bakkerij.example', 1, 1)")
        .execute(db.pool())
        .await
        .unwrap();
    let before = Vault::new(&old, &[]);
    let secret = |s: &str| secrecy::SecretString::from(s.to_string());
    sqlx::query(
        "INSERT INTO connections (id, user_id, region, exact_user_id, access_token, refresh_token, created_at, updated_at) \
         VALUES ('c-1', 'u-1', 'nl', 'c-1', $1, $2, 1, 1)",
    )
    .bind(before.encrypt(&secret("access"), &place("c-1", "access_token")))
    .bind(before.encrypt(&secret("refresh"), &place("c-1", "refresh_token")))
    .execute(db.pool())
    .await
    .unwrap();
    let stored = || async {
        sqlx::query_scalar::<_, String>("SELECT access_token FROM connections")
            .fetch_one(db.pool())
            .await
            .unwrap()
    };
    let untouched = stored().await;
    let now = SystemClock.now();
    let new_kid = Vault::new(&new, &[]).current_kid().to_string();

    // Replica r-1 has only the old key; r-2 is in phase 1; r-3 stopped long ago.
    vault::announce(&db, "r-1", &Vault::new(&old, &[]), now)
        .await
        .unwrap();
    vault::announce(
        &db,
        "r-2",
        &Vault::new(&old, std::slice::from_ref(&new)),
        now,
    )
    .await
    .unwrap();
    vault::announce(&db, "r-3", &Vault::new(&old, &[]), now - 3600)
        .await
        .unwrap();
    let (ok, stdout, stderr) = rotate(database.url(), &new, &old);
    assert!(!ok, "{stdout}{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(&new_kid), "{stderr}");
    assert!(stderr.contains("1 running replica"), "{stderr}");
    assert!(!stderr.contains(&new.to_base64()) && !stderr.contains(&old.to_base64()));
    assert_eq!(stored().await, untouched, "nothing re-encrypted");

    // Phase 1 done on r-1 too: the rotation runs.
    vault::announce(
        &db,
        "r-1",
        &Vault::new(&old, std::slice::from_ref(&new)),
        now,
    )
    .await
    .unwrap();
    let (ok, stdout, stderr) = rotate(database.url(), &new, &old);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.starts_with("vault rotate: 1 connection(s) re-encrypted"),
        "{stdout}"
    );
    assert!(stored().await.starts_with(&format!("v1.{new_kid}.")));
    db.close().await;
}
