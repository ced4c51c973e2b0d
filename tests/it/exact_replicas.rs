//! Two real server processes on one database (Postgres under `TEST_DATABASE_BACKEND=postgres`,
//! else one SQLite file) and one Exact simulator: a burst of calls on an expired token through
//! both replicas causes exactly one refresh at Exact. The replicas' logs, at debug level, are
//! then searched for every secret the flow handled.
use exact_mcp::server::{
    clock::{Clock, SystemClock},
    config::TokenKey,
    vault::{self, Vault},
};
use exact_sim::DEV_CLIENT_SECRET;
use reqwest::{StatusCode, header};
use secrecy::{ExposeSecret, SecretString};
use test_kit::{TestDatabase, exact::PASSWORD};

use test_kit::replicas::{KEY, free_port, start_replica};

fn decrypt_all(v: &Vault, rows: &[(String, String, String)]) -> Vec<SecretString> {
    rows.iter()
        .flat_map(|(id, a, r)| {
            [
                v.decrypt(a, &vault::place(id, "access_token")).unwrap(),
                v.decrypt(r, &vault::place(id, "refresh_token")).unwrap(),
            ]
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_refresh_an_expired_token_exactly_once_and_log_no_secret() {
    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();

    // The simulator, on its own port with the real clock, as EXACT_BASE_URL for both replicas.
    let (sim, sim_url) = test_kit::exact::serve_simulator().await;

    let (port_a, port_b) = (free_port(), free_port());
    // One public address (the load balancer's, in production): OAuth redirects and the
    // same-origin check use it on both replicas.
    let public = format!("http://127.0.0.1:{port_a}");
    let a = start_replica(
        dir.path(),
        "a",
        port_a,
        database.url(),
        &public,
        &sim_url,
        &[],
    )
    .await;
    let b = start_replica(
        dir.path(),
        "b",
        port_b,
        database.url(),
        &public,
        &sim_url,
        &[],
    )
    .await;

    let db = database.connect().await;
    exact_mcp::server::accounts::create(
        &db,
        &SystemClock,
        &[],
        exact_mcp::server::accounts::CreateAccount {
            email: &exact_mcp::domain::Email::parse("anna@bakkerij.example").expect("an address"),
            password: PASSWORD.into(),
            display_name: "",
            admin: false,
            plan: exact_mcp::domain::Plan::Free,
        },
    )
    .await
    .unwrap();

    // A browser signs in on replica A and connects Exact.
    let browser = test_kit::client();
    test_kit::exact::sign_in_at(&browser, &a.url, &public, "anna@bakkerij.example").await;
    let callback =
        test_kit::exact::consent_at(&browser, &a.url, &sim_url, "nl", true, &[101]).await;
    let q: std::collections::HashMap<String, String> = url::Url::parse(&callback)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    let code = q["code"].clone();
    let done = browser.get(&callback).send().await.unwrap();
    assert_eq!(
        done.status(),
        StatusCode::SEE_OTHER,
        "{}",
        done.text().await.unwrap_or_default()
    );

    let key = TokenKey::from_bytes(KEY);
    let v = Vault::new(&key, &[]);
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, access_token, refresh_token FROM connections")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), 1);
    let connection_id = rows[0].0.clone();
    let mut secrets = decrypt_all(&v, &rows);

    // The access token is due: our row says so, and Exact's clock moves past its 600 s.
    let now = SystemClock.now();
    sqlx::query("UPDATE connections SET token_issued_at = $1, token_expires_at = $2")
        .bind(now - 600)
        .bind(now - 1)
        .execute(db.pool())
        .await
        .unwrap();
    sim.advance(600);

    // A burst through both replicas at once.
    let calls: Vec<_> = (0..100)
        .map(|i| {
            let base = if i % 2 == 0 {
                a.url.clone()
            } else {
                b.url.clone()
            };
            let browser = browser.clone();
            let public = public.clone();
            let id = connection_id.clone();
            tokio::spawn(async move {
                browser
                    .post(format!("{base}/api/connections/check"))
                    .header(header::ORIGIN, public)
                    .form(&[("connection_id", id.as_str())])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), StatusCode::OK);
    }
    let counters = sim.counters();
    assert_eq!(counters.refreshes, 1, "{counters:?}");
    assert_eq!(counters.refused_old_token, 0, "{counters:?}");
    assert_eq!(counters.refused_too_early, 0, "{counters:?}");

    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, access_token, refresh_token FROM connections")
            .fetch_all(db.pool())
            .await
            .unwrap();
    secrets.extend(decrypt_all(&v, &rows));
    let status: String = sqlx::query_scalar("SELECT status FROM connections")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(status, "active");

    // Both replicas served the burst; neither wrote a secret to its log.
    let session_cookie = browser_session_cookie(&db).await;
    drop((a, b));
    let logs_a = std::fs::read_to_string(dir.path().join("a.log")).unwrap();
    let logs_b = std::fs::read_to_string(dir.path().join("b.log")).unwrap();
    for logs in [&logs_a, &logs_b] {
        assert!(
            logs.contains("/api/connections/check"),
            "each replica served calls"
        );
    }
    let all = format!("{logs_a}\n{logs_b}");
    assert_eq!(all.matches("Exact tokens refreshed").count(), 1);
    let mut forbidden: Vec<String> = secrets
        .iter()
        .map(|s| s.expose_secret().to_string())
        .collect();
    forbidden.extend([
        code,
        q["state"].clone(),
        DEV_CLIENT_SECRET.to_string(),
        PASSWORD.to_string(),
        key.to_base64(),
    ]);
    forbidden.extend(session_cookie);
    for secret in &forbidden {
        assert!(secret.len() >= 8);
        assert!(
            !all.contains(secret.as_str()),
            "a secret reached the log: {}…",
            &secret[..4]
        );
    }
}

/// Session ids are stored hashed; the hash must not be logged either.
async fn browser_session_cookie(db: &exact_mcp::server::db::Db) -> Vec<String> {
    sqlx::query_scalar("SELECT id FROM sessions")
        .fetch_all(db.pool())
        .await
        .unwrap()
}
