//! Real `exact-mcp serve` processes for multi-replica tests: the built binary, a clean
//! environment, one shared database, JSON logs at debug level in a file per replica.

use exact_mcp::server::config::TokenKey;
use exact_sim::{DEV_CLIENT_ID, DEV_CLIENT_SECRET};
use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The encryption key every replica of a test shares.
pub const KEY: [u8; 32] = [5; 32];

pub struct Replica {
    pub child: Child,
    pub url: String,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The replicas' shared access-token signing key (a fixed test key, never used elsewhere).
pub const SIGNING_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIN6I+U+EgOo2GhYc86JbN5P8Mo9LxAn4kBnhPuHM/9hd\n-----END PRIVATE KEY-----\n";

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub async fn start_replica(
    dir: &std::path::Path,
    name: &str,
    port: u16,
    db: &str,
    public_url: &str,
    exact: &str,
    env: &[(&str, &str)],
) -> Replica {
    let log = dir.join(format!("{name}.log"));
    let file = std::fs::File::create(&log).unwrap();
    let child = Command::new(crate::binary())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(dir)
        .env("APP_ENV", "development")
        .env("DATABASE_URL", db)
        .env(
            "TOKEN_ENCRYPTION_KEY",
            TokenKey::from_bytes(KEY).to_base64(),
        )
        // Every replica signs and verifies connected apps' tokens with the same key.
        .env("OAUTH_SIGNING_KEY", SIGNING_KEY)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("PUBLIC_URL", public_url)
        .env("EXACT_CLIENT_ID", DEV_CLIENT_ID)
        .env("EXACT_CLIENT_SECRET", DEV_CLIENT_SECRET)
        .env("EXACT_BASE_URL", exact)
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        // Off unless the test asks (`env` below wins).
        .env("JOBS_ENABLED", "false")
        .envs(env.iter().copied())
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
        .spawn()
        .unwrap();
    let mut replica = Replica {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    loop {
        if let Ok(res) = reqwest::get(format!("{}/readyz", replica.url)).await
            && res.status().is_success()
        {
            return replica;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{name} did not become ready"
        );
        assert!(
            replica.child.try_wait().unwrap().is_none(),
            "{name} exited early"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
