//! The binary as an operator meets it: commands, their output and exit codes, and a clean exit
//! on SIGTERM.
use exact_mcp::server::config::TokenKey;
use std::{
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};
use test_kit::TestDatabase;

fn exe() -> Command {
    let mut cmd = Command::new(test_kit::binary());
    // Only what the test gives: no developer .env, no inherited settings.
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(tempfile::tempdir().unwrap().keep());
    cmd
}

fn with_db(cmd: &mut Command, url: &str) {
    cmd.env("DATABASE_URL", url).env(
        "TOKEN_ENCRYPTION_KEY",
        TokenKey::from_bytes([3; 32]).to_base64(),
    );
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_is_available_for_every_command() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["migrate", "up", "--help"],
        vec!["migrate", "down", "--help"],
        vec!["migrate", "status", "--help"],
        vec!["keygen", "--help"],
        vec!["vault", "rotate", "--help"],
        vec!["key", "create", "--help"],
        vec!["sim", "--help"],
        vec!["jobs", "--help"],
        vec!["jobs", "list", "--help"],
        vec!["jobs", "run", "--help"],
    ] {
        let out = exe().args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(text(&out).0.contains("Usage"), "{args:?}");
    }
}

#[test]
fn keygen_prints_a_fresh_32_byte_key() {
    let a = text(&exe().arg("keygen").output().unwrap()).0;
    let b = text(&exe().arg("keygen").output().unwrap()).0;
    assert!(TokenKey::from_base64(a.trim()).is_ok(), "{a}");
    assert_ne!(a, b);
}

#[test]
fn oauth_keygen_prints_a_fresh_signing_key_the_settings_accept() {
    let a = text(&exe().arg("oauth-keygen").output().unwrap()).0;
    let b = text(&exe().arg("oauth-keygen").output().unwrap()).0;
    assert!(a.starts_with("-----BEGIN PRIVATE KEY-----"), "{a}");
    assert!(exact_mcp::server::config::SigningKey::from_text(&a).is_ok());
    assert_ne!(a, b);
}

#[test]
fn production_refuses_to_start_with_one_line_per_problem() {
    let out = exe()
        .arg("serve")
        .env("APP_ENV", "production")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let (_, err) = text(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 4, "{err}");
    assert!(err.contains("OAUTH_SIGNING_KEY is required"), "{err}");
    assert!(
        lines.iter().all(|l| l.starts_with("configuration error: ")),
        "{err}"
    );
}

#[tokio::test]
async fn migrate_commands_report_and_change_the_schema() {
    let database = TestDatabase::create().await;
    let run = |args: &[&str]| {
        let mut cmd = exe();
        with_db(&mut cmd, database.url());
        let out = cmd.args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {:?}", text(&out));
        text(&out).0
    };
    let status = run(&["migrate", "status"]);
    assert!(
        status.lines().count() >= 6 && status.lines().all(|l| l.contains("pending")),
        "{status}"
    );
    assert!(run(&["migrate", "up"]).starts_with("migrations: applied 0001"));
    assert_eq!(
        run(&["migrate", "up"]).trim(),
        "migrations: already up to date"
    );
    let reverted = run(&["migrate", "down", "--steps", "2"]);
    assert!(reverted.starts_with("migrations: reverted"), "{reverted}");
    let status = run(&["migrate", "status"]);
    assert_eq!(
        status.lines().filter(|l| l.contains("pending")).count(),
        2,
        "{status}"
    );
    assert!(status.lines().next().unwrap().contains("applied"));
}

#[tokio::test]
async fn migrate_against_an_unreachable_database_fails_with_one_line() {
    let mut cmd = exe();
    with_db(&mut cmd, "postgres://nobody@127.0.0.1:1/none");
    let out = cmd.args(["migrate", "up"]).output().unwrap();
    assert!(!out.status.success());
    let (_, err) = text(&out);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[tokio::test]
async fn serve_exits_cleanly_on_sigterm() {
    let database = TestDatabase::create().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = exe();
    with_db(&mut cmd, database.url());
    let mut child = cmd
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LOG_FORMAT", "json")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();

    let url = format!("http://127.0.0.1:{port}/readyz");
    let started = Instant::now();
    let mut poll = tokio::time::interval(Duration::from_millis(50));
    loop {
        poll.tick().await;
        if let Ok(res) = reqwest::get(&url).await
            && res.status().is_success()
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not become ready"
        );
        assert!(child.try_wait().unwrap().is_none(), "server exited early");
    }

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(out.status.success(), "exit status {:?}", out.status);

    // JSON logs, one object a line, each request line with its request id.
    let logs = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<serde_json::Value> = logs
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect();
    assert!(lines.iter().any(|l| l["message"] == "stopped"), "{logs}");
    let request_lines: Vec<_> = lines
        .iter()
        .filter(|l| l["span"]["name"] == "request")
        .collect();
    assert!(!request_lines.is_empty(), "{logs}");
    assert!(
        request_lines.iter().all(|l| l["span"]["request_id"]
            .as_str()
            .is_some_and(|id| id.len() == 36)),
        "{logs}"
    );
    let key = TokenKey::from_bytes([3; 32]).to_base64();
    assert!(!logs.contains(&key), "the key never reaches the log");
}

fn run_with_stdin(args: &[&str], url: &str, stdin: &str, extra_env: &[(&str, &str)]) -> Output {
    use std::io::Write;
    let mut cmd = exe();
    with_db(&mut cmd, url);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut child = cmd
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn key_create_prints_a_key_that_only_its_hash_is_stored_for() {
    let database = TestDatabase::create().await;
    let url = database.url().to_string();
    let out = run_with_stdin(
        &["user", "create", "--email", "anna@bakkerij.example"],
        &url,
        "kaas-brood-fiets-42\n",
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));

    let out = run_with_stdin(
        &[
            "key",
            "create",
            "--email",
            "Anna@Bakkerij.Example",
            "--name",
            "Claude Desktop",
        ],
        &url,
        "",
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let key = text(&out).0.trim().to_string();
    assert!(
        exact_mcp::server::api_keys::PresentedKey::parse(&key).is_ok(),
        "{key}"
    );

    let db = database.connect().await;
    let (name, prefix, hash): (String, String, String) =
        sqlx::query_as("SELECT name, prefix, key_hash FROM api_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!(name, "Claude Desktop");
    assert!(key.starts_with(&prefix));
    assert_eq!(hash, exact_mcp::server::api_keys::hash(&key));

    for (args, expected) in [
        (
            vec![
                "key",
                "create",
                "--email",
                "nobody@example.com",
                "--name",
                "x",
            ],
            "no account",
        ),
        (
            vec![
                "key",
                "create",
                "--email",
                "anna@bakkerij.example",
                "--name",
                " ",
            ],
            "name",
        ),
    ] {
        let out = run_with_stdin(&args, &url, "", &[]);
        assert!(!out.status.success());
        let (_, err) = text(&out);
        assert!(err.contains(expected), "{err}");
        assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    }
}

#[tokio::test]
async fn user_create_and_set_plan_from_the_command_line() {
    let database = TestDatabase::create().await;
    let url = database.url().to_string();
    let password = "kaas-brood-fiets-42";

    let out = run_with_stdin(
        &[
            "user",
            "create",
            "--email",
            " Anna@Bakkerij.Example ",
            "--plan",
            "starter",
        ],
        &url,
        &format!("{password}\n"),
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(
        text(&out).0.trim(),
        "user created: anna@bakkerij.example (role user, plan starter)"
    );

    let out = run_with_stdin(
        &[
            "user",
            "create",
            "--email",
            "root@exact-mcp.example",
            "--admin",
        ],
        &url,
        password,
        &[],
    );
    assert!(
        text(&out).0.contains("role admin, plan free"),
        "{:?}",
        text(&out)
    );

    let out = run_with_stdin(
        &["user", "create", "--email", "boss@exact-mcp.example"],
        &url,
        password,
        &[(
            "ADMIN_EMAILS",
            "ops@exact-mcp.example, BOSS@exact-mcp.example",
        )],
    );
    assert!(
        text(&out).0.contains("role admin"),
        "ADMIN_EMAILS makes admins: {:?}",
        text(&out)
    );

    // The same address in other letters is the same account.
    let out = run_with_stdin(
        &["user", "create", "--email", "ANNA@bakkerij.example"],
        &url,
        password,
        &[],
    );
    assert!(!out.status.success());
    assert_eq!(
        text(&out).1.trim(),
        "an account with this email address already exists"
    );

    // Weak, missing and oddly formed input: one clear line, nothing stored.
    for (email, stdin, expected) in [
        (
            "weak@bakkerij.example",
            "password1234\n",
            "This password is too common",
        ),
        (
            "short@bakkerij.example",
            "kort\n",
            "Use at least 12 characters",
        ),
        ("nopw@bakkerij.example", "", "no password on standard input"),
        (
            "not-an-email",
            "kaas-brood-fiets-42",
            "Enter a valid email address",
        ),
    ] {
        let out = run_with_stdin(&["user", "create", "--email", email], &url, stdin, &[]);
        assert!(!out.status.success(), "{email}");
        let err = text(&out).1;
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(expected), "{email}: {err}");
    }

    let out = run_with_stdin(
        &[
            "user",
            "set-plan",
            "--email",
            "anna@bakkerij.example",
            "--plan",
            "pro",
        ],
        &url,
        "",
        &[],
    );
    assert_eq!(
        text(&out).0.trim(),
        "plan set: anna@bakkerij.example is now on pro"
    );
    let out = run_with_stdin(
        &[
            "user",
            "set-plan",
            "--email",
            "ghost@bakkerij.example",
            "--plan",
            "pro",
        ],
        &url,
        "",
        &[],
    );
    assert!(!out.status.success());
    assert!(text(&out).1.contains("no account with this email address"));
    let out = run_with_stdin(
        &[
            "user",
            "set-plan",
            "--email",
            "anna@bakkerij.example",
            "--plan",
            "gold",
        ],
        &url,
        "",
        &[],
    );
    assert!(!out.status.success(), "unknown plans are refused");

    // What is stored: normalised email, the plan, an argon2id hash and never the password.
    let db = database.connect().await;
    let rows: Vec<(String, String, String, Option<String>)> =
        sqlx::query_as("SELECT email, role, plan, password_hash FROM users ORDER BY email")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let emails: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        emails,
        [
            "anna@bakkerij.example",
            "boss@exact-mcp.example",
            "root@exact-mcp.example"
        ]
    );
    let anna = &rows[0];
    assert_eq!((anna.1.as_str(), anna.2.as_str()), ("user", "pro"));
    let hash = anna.3.as_deref().unwrap();
    assert!(
        hash.starts_with("$argon2id$") && !hash.contains(password),
        "{hash}"
    );
    db.close().await;
}

/// The command line changes a plan through the same service as the admin page, so it leaves the
/// same audit row (`user.set_plan`, the account's address, the old and new plan; see
/// account_settings.rs for the admin page's), with no actor account and no address.
#[tokio::test]
async fn set_plan_from_the_command_line_is_audited_like_the_admin_page() {
    let database = TestDatabase::create().await;
    let url = database.url().to_string();
    let out = run_with_stdin(
        &["user", "create", "--email", "anna@bakkerij.example"],
        &url,
        "kaas-brood-fiets-42\n",
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    let out = run_with_stdin(
        &[
            "user",
            "set-plan",
            "--email",
            " Anna@Bakkerij.Example ",
            "--plan",
            "pro",
        ],
        &url,
        "",
        &[],
    );
    assert!(out.status.success(), "{:?}", text(&out));
    // A refused change is not audited.
    let out = run_with_stdin(
        &[
            "user",
            "set-plan",
            "--email",
            "ghost@bakkerij.example",
            "--plan",
            "pro",
        ],
        &url,
        "",
        &[],
    );
    assert!(!out.status.success());

    let db = database.connect().await;
    let rows: Vec<(String, String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, target_type, target_id, detail, actor_user_id, ip FROM audit_log \
         WHERE action = 'user.set_plan'",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    assert_eq!(
        rows,
        [(
            "user.set_plan".to_string(),
            "user".to_string(),
            "anna@bakkerij.example".to_string(),
            r#"{"plan":{"new":"pro","old":"free"}}"#.to_string(),
            None,
            String::new(),
        )]
    );
    db.close().await;
}

/// Suspending, resetting usage and deleting from the command line go through the admin page's
/// services: the same audit rows (old and new values), with no actor account and no address.
#[tokio::test]
async fn status_usage_and_deletion_from_the_command_line_are_audited_like_the_admin_page() {
    let database = TestDatabase::create().await;
    let url = database.url().to_string();
    let run = |args: &[&str]| run_with_stdin(args, &url, "kaas-brood-fiets-42\n", &[]);
    let out = run(&["user", "create", "--email", "anna@bakkerij.example"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let db = database.connect().await;
    sqlx::query("UPDATE users SET api_calls_used = 42, rate_limit_warning_sent = 80")
        .execute(db.pool())
        .await
        .unwrap();
    let email = ["--email", "anna@bakkerij.example"];
    for args in [
        &[
            "user",
            "set-status",
            email[0],
            email[1],
            "--status",
            "suspended",
        ][..],
        &["user", "reset-usage", email[0], email[1]][..],
    ] {
        let out = run(args);
        assert!(out.status.success(), "{args:?}: {:?}", text(&out));
    }
    let out = run(&["user", "reset-usage", "--email", "ghost@bakkerij.example"]);
    assert!(!out.status.success(), "an unknown account");
    let out = run(&["user", "set-status", email[0], email[1], "--status", "gone"]);
    assert!(!out.status.success(), "an unknown status");
    let (status, used): (String, i64) = sqlx::query_as("SELECT status, api_calls_used FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!((status.as_str(), used), ("suspended", 0));
    let id: String = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    // Deleting wants the address typed again.
    let out = run(&[
        "user",
        "delete",
        email[0],
        email[1],
        "--confirm-email",
        "x@y.example",
    ]);
    assert!(!out.status.success());
    let out = run(&[
        "user",
        "delete",
        email[0],
        email[1],
        "--confirm-email",
        "anna@bakkerij.example",
    ]);
    assert!(out.status.success(), "{:?}", text(&out));

    let rows: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT action, target_id, detail, actor_user_id, ip FROM audit_log \
         WHERE action LIKE 'user.%' ORDER BY created_at, action",
    )
    .fetch_all(db.pool())
    .await
    .unwrap();
    let detail = |action: &str| -> serde_json::Value {
        let row = rows.iter().find(|r| r.0 == action).unwrap();
        assert_eq!(
            (row.3.as_deref(), row.4.as_str()),
            (None, ""),
            "{action}: the command line"
        );
        serde_json::from_str(&row.2).unwrap()
    };
    assert_eq!(
        detail("user.reset_usage"),
        serde_json::json!({ "calls_used": { "old": 42, "new": 0 }, "warning_level": { "old": 80, "new": 0 } })
    );
    assert_eq!(detail("user.delete")["status"]["old"], "suspended");
    assert_eq!(rows.iter().find(|r| r.0 == "user.delete").unwrap().1, id);
    // The status change named her address; deleting her anonymised it.
    assert!(
        rows.iter()
            .any(|r| r.0 == "user.set_status" && r.1.starts_with("deleted:"))
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    db.close().await;
}

#[tokio::test]
async fn vault_rotate_re_encrypts_every_token_with_the_current_key() {
    use exact_mcp::server::vault::{Vault, place};
    use secrecy::{ExposeSecret, SecretString};
    let database = TestDatabase::create().await;
    let db = database.connect().await;
    exact_mcp::server::db::migrate::up(&db).await.unwrap();
    let (old_key, new_key) = (TokenKey::from_bytes([1; 32]), TokenKey::from_bytes([2; 32]));
    let old_vault = Vault::new(&old_key, &[]);
    sqlx::query("INSERT INTO users (id, email, created_at, updated_at) VALUES ('u-1', 'anna@bakkerij.example', 1, 1)")
        .execute(db.pool())
        .await
        .unwrap();
    let rows = [
        // Legacy plaintext from before the vault.
        (
            "c-legacy",
            "plain-access-1".to_string(),
            "plain-refresh-1".to_string(),
        ),
        // Encrypted with the key that is being retired.
        (
            "c-old",
            old_vault.encrypt(
                &SecretString::from("old-access-2"),
                &place("c-old", "access_token"),
            ),
            old_vault.encrypt(
                &SecretString::from("old-refresh-2"),
                &place("c-old", "refresh_token"),
            ),
        ),
    ];
    for (id, access, refresh) in &rows {
        sqlx::query(
            "INSERT INTO connections (id, user_id, region, exact_user_id, access_token, refresh_token, created_at, updated_at) \
             VALUES ($1, 'u-1', 'nl', $1, $2, $3, 1, 1)",
        )
        .bind(*id)
        .bind(access)
        .bind(refresh)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let keys = |current: &TokenKey, previous: Option<&TokenKey>| {
        let mut env = vec![("TOKEN_ENCRYPTION_KEY".to_string(), current.to_base64())];
        if let Some(p) = previous {
            env.push(("TOKEN_ENCRYPTION_KEYS_PREVIOUS".to_string(), p.to_base64()));
        }
        env
    };
    let rotate = |env: Vec<(String, String)>| {
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        run_with_stdin(&["vault", "rotate"], database.url(), "", &env)
    };

    let out = rotate(keys(&new_key, Some(&old_key)));
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(
        stdout.starts_with("vault rotate: 2 connection(s) re-encrypted"),
        "{stdout}"
    );
    for secret in ["plain-access-1", "old-refresh-2"] {
        assert!(!stdout.contains(secret) && !stderr.contains(secret));
    }
    let new_vault = Vault::new(&new_key, &[]);
    let stored: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, access_token, refresh_token FROM connections ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    let plain: Vec<(String, String)> = stored
        .iter()
        .map(|(id, a, r)| {
            assert!(
                a.starts_with(&format!("v1.{}.", new_vault.current_kid())),
                "{a}"
            );
            let a = new_vault.decrypt(a, &place(id, "access_token")).unwrap();
            let r = new_vault.decrypt(r, &place(id, "refresh_token")).unwrap();
            (a.expose_secret().to_string(), r.expose_secret().to_string())
        })
        .collect();
    assert_eq!(
        plain,
        [
            ("plain-access-1".to_string(), "plain-refresh-1".to_string()),
            ("old-access-2".to_string(), "old-refresh-2".to_string()),
        ]
    );

    let out = rotate(keys(&new_key, None));
    assert!(out.status.success());
    assert!(
        text(&out).0.contains("0 connection(s) re-encrypted"),
        "{:?}",
        text(&out)
    );
    assert!(text(&out).0.contains("2 already current"));

    // A key that cannot read the rows: one clear line, nothing changed.
    let out = rotate(keys(&TokenKey::from_bytes([9; 32]), None));
    assert!(!out.status.success());
    let err = text(&out).1;
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("TOKEN_ENCRYPTION_KEYS_PREVIOUS"), "{err}");
    let after: Vec<(String, String, String)> =
        sqlx::query_as("SELECT id, access_token, refresh_token FROM connections ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(after, stored);
    db.close().await;
}
