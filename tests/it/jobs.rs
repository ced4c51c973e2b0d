//! Scheduled jobs (issue 7): the four jobs on the injected clock with the simulator as Exact,
//! the exactly-once claim (in process and across two real `exact-mcp serve` processes on one
//! database), catch-up of a missed month, lease take-over, manual runs, the admin server
//! functions and the `jobs` CLI.
use exact_mcp::server::{
    clock::{Clock, SystemClock},
    db::job_runs,
    exact::ExactError,
    jobs::{
        self, JobName, SlotResult, monthly_reset, scheduler, token_expiry_check, token_keepalive,
    },
    vault,
};
use reqwest::StatusCode;
use secrecy::ExposeSecret;
use std::time::Duration;
use test_kit::{
    T0, TestApp, TestDatabase,
    exact::{PASSWORD, connected, count, sim_counters},
};

const DAY: i64 = 24 * 60 * 60;

async fn me(app: &TestApp, id: &str) -> Result<serde_json::Value, ExactError> {
    app.state.exact.get_json(id, "current/Me", &[]).await
}

async fn tokens(app: &TestApp, id: &str) -> (String, String, i64, i64, String, i64) {
    sqlx::query_as(
        "SELECT access_token, refresh_token, token_issued_at, refresh_token_expires_at, status, \
         expiry_alert_sent FROM connections WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.state.db.pool())
    .await
    .unwrap()
}

async fn exec(app: &TestApp, sql: &'static str, values: &[i64]) {
    let mut q = sqlx::query(sql);
    for v in values {
        q = q.bind(*v);
    }
    q.execute(app.state.db.pool()).await.unwrap();
}

use test_kit::mcp::sim_requests;

fn token_requests(log: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    log.iter()
        .filter(|r| {
            r["path"]
                .as_str()
                .unwrap_or_default()
                .ends_with("/oauth2/token")
        })
        .collect()
}

async fn runs_of(app: &TestApp, job: &str) -> Vec<job_runs::JobRun> {
    job_runs::recent(&app.state.db, job, 100).await.unwrap()
}

// 6.1 ---------------------------------------------------------------------------------------

#[tokio::test]
async fn expiry_check_alerts_once_and_the_flag_resets_after_a_refresh_and_a_reconnect() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Refresh token (30 days from T0) with under 5 days left: the keep-alive could not renew it.
    app.clock.set(T0 + 25 * DAY + 60);
    let before = tokens(&app, &id).await;
    assert_eq!(before.5, 0);

    let first = token_expiry_check::run(&app.state).await.unwrap();
    assert_eq!((first.processed, first.failed), (1, 0), "{first:?}");
    let ticket: (String, Option<String>, String, String, String) = sqlx::query_as(
        "SELECT t.user_id, t.connection_id, t.kind, t.subject, t.status FROM tickets t",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    let anna: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind("anna@bakkerij.example")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(ticket.0, anna, "the owner's ticket");
    assert_eq!(ticket.1.as_deref(), Some(id.as_str()));
    assert_eq!(ticket.2, "token_expiry");
    assert_eq!(ticket.4, "open");
    let note: (String, String, Option<String>) =
        sqlx::query_as("SELECT user_id, kind, link FROM notifications")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(note.0, anna);
    assert_eq!(note.1, "connection_expiring");
    assert_eq!(note.2.as_deref(), Some("/dashboard/connections"));
    let mail: (String, String, String) =
        sqlx::query_as("SELECT to_address, subject, body_text FROM email_outbox")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(mail.0, "anna@bakkerij.example");
    assert!(mail.1.contains("expires soon"), "{}", mail.1);
    assert!(
        mail.2.contains(&app.at("/dashboard/connections")),
        "{}",
        mail.2
    );
    assert!(mail.2.contains("2026-12-21"), "the expiry date: {}", mail.2);
    // No secret in anything people see.
    let v = app.state.exact.vault();
    let refresh = v
        .decrypt(&before.1, &vault::place(&id, "refresh_token"))
        .unwrap();
    assert!(!mail.2.contains(refresh.expose_secret()));
    assert_eq!(tokens(&app, &id).await.5, 1, "expiry_alert_sent = 1");

    // Once per connection: the next runs create nothing.
    let second = token_expiry_check::run(&app.state).await.unwrap();
    assert_eq!((second.processed, second.failed), (0, 0));
    app.clock.advance(3600);
    token_expiry_check::run(&app.state).await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM notifications").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM email_outbox").await, 1);

    // A refresh renews the refresh token and clears the flag.
    me(&app, &id).await.unwrap();
    let refreshed = tokens(&app, &id).await;
    assert_ne!(refreshed.1, before.1);
    assert_eq!(refreshed.5, 0, "the refresh reset the flag");
    token_expiry_check::run(&app.state).await.unwrap();
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets").await, 1);

    // Expiring again (as if the keep-alive had failed for 25 days): alerted again, once.
    exec(
        &app,
        "UPDATE connections SET refresh_token_expires_at = $1",
        &[app.clock_now() + 4 * DAY],
    )
    .await;
    assert_eq!(
        token_expiry_check::run(&app.state).await.unwrap().processed,
        1
    );
    assert_eq!(tokens(&app, &id).await.5, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets").await, 2);

    // A reconnect (new consent) clears it too (signed in again: the session idled out).
    test_kit::exact::sign_in(&app, &app.client, "anna@bakkerij.example").await;
    let flow = test_kit::exact::consent(&app, &app.client, "nl", true, &[101]).await;
    assert_eq!(flow.response.status(), StatusCode::SEE_OTHER);
    assert_eq!(tokens(&app, &id).await.5, 0, "the reconnect reset the flag");
}

#[tokio::test]
async fn expiry_check_leaves_connections_with_more_than_five_days_alone() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.set(T0 + 25 * DAY - 60);
    let outcome = token_expiry_check::run(&app.state).await.unwrap();
    assert_eq!(outcome.processed, 0);
    assert_eq!(tokens(&app, &id).await.5, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM tickets").await, 0);
}

// 6.2 ---------------------------------------------------------------------------------------

#[tokio::test]
async fn keepalive_refreshes_a_token_expiring_in_four_minutes_as_soon_as_exact_allows() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let before = tokens(&app, &id).await;
    // The access token expires in 4 minutes; it is 360 s old, so Exact refuses a refresh for
    // another 210 s.
    app.clock.advance(360);
    let outcome = token_keepalive::run(&app.state).await.unwrap();
    assert_eq!((outcome.processed, outcome.failed), (1, 0), "{outcome:?}");

    let counters = sim_counters(&app).await;
    assert_eq!(counters["refreshes"], 1, "{counters}");
    assert_eq!(
        counters["refused_too_early"], 0,
        "never sent too early: {counters}"
    );
    let log = sim_requests(&app).await;
    let sent = token_requests(&log);
    assert_eq!(sent.len(), 2, "the code exchange and one refresh: {log:?}");
    assert!(
        sent[1]["at"].as_i64().unwrap() >= T0 + 570,
        "the refresh waited for Exact's window: {:?}",
        sent[1]
    );

    let after = tokens(&app, &id).await;
    assert_ne!(after.0, before.0, "new access token");
    assert_ne!(after.1, before.1, "new refresh token");
    for (stored, column) in [(&after.0, "access_token"), (&after.1, "refresh_token")] {
        assert!(stored.starts_with("v1."), "stored encrypted: {column}");
        app.state
            .exact
            .vault()
            .decrypt(stored, &vault::place(&id, column))
            .unwrap();
    }
    assert!(after.2 >= T0 + 570);
    assert_eq!(after.4, "active");
    // No user action needed: the next call uses the new token without another refresh.
    me(&app, &id).await.unwrap();
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

#[tokio::test]
async fn keepalive_never_sends_a_token_younger_than_570_seconds_and_does_not_burn_it() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let before = tokens(&app, &id).await;
    // 100 s old: Exact's window opens in 470 s, past the job's longest wait.
    app.clock.advance(100);
    let outcome = token_keepalive::run(&app.state).await.unwrap();
    assert_eq!((outcome.processed, outcome.failed), (0, 0), "{outcome:?}");
    assert!(
        outcome.message.contains("not yet refreshable"),
        "{outcome:?}"
    );
    assert_eq!(app.clock_now(), T0 + 100, "no wait either");

    let counters = sim_counters(&app).await;
    assert_eq!(
        counters["token_requests"], 1,
        "only the code exchange: {counters}"
    );
    assert_eq!(counters["refused_too_early"], 0);
    assert_eq!(token_requests(&sim_requests(&app).await).len(), 1);
    assert_eq!(tokens(&app, &id).await, before, "nothing stored changed");
    // Not burnt: the token still works, and a later refresh still succeeds.
    me(&app, &id).await.unwrap();
    app.clock.advance(600);
    me(&app, &id).await.unwrap();
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
    assert_eq!(tokens(&app, &id).await.4, "active");
}

#[tokio::test]
async fn a_manual_keepalive_never_waits_and_never_sends_a_young_token() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    let before = tokens(&app, &id).await;
    app.clock.advance(360);
    let run = jobs::run_now(&app.state, JobName::TokenKeepalive)
        .await
        .unwrap();
    assert_eq!((run.processed, run.failed), (0, 0), "{run:?}");
    assert_eq!(
        app.clock_now(),
        T0 + 360,
        "an admin's click does not wait 210 s"
    );
    assert_eq!(sim_counters(&app).await["token_requests"], 1);
    assert_eq!(tokens(&app, &id).await, before);
    // Once Exact allows it, a manual run refreshes.
    app.clock.advance(210);
    let run = jobs::run_now(&app.state, JobName::TokenKeepalive)
        .await
        .unwrap();
    assert_eq!((run.processed, run.failed), (1, 0), "{run:?}");
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
}

#[tokio::test]
async fn keepalive_refreshes_an_idle_connection_once_its_refresh_token_is_a_week_old() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Six days idle: the access token expired long ago, the refresh token is not old enough.
    app.clock.set(T0 + 6 * DAY);
    assert_eq!(token_keepalive::run(&app.state).await.unwrap().processed, 0);
    assert_eq!(sim_counters(&app).await["token_requests"], 1);
    // Seven days: refreshed, with 30 fresh days.
    app.clock.set(T0 + 7 * DAY + 1);
    let outcome = token_keepalive::run(&app.state).await.unwrap();
    assert_eq!((outcome.processed, outcome.failed), (1, 0), "{outcome:?}");
    assert_eq!(sim_counters(&app).await["refreshes"], 1);
    let after = tokens(&app, &id).await;
    assert_eq!(after.3, T0 + 7 * DAY + 1 + 30 * DAY);
}

#[tokio::test]
async fn the_keepalive_and_an_on_demand_call_share_one_refresh() {
    let app = TestApp::spawn().await;
    let id = connected(&app, "anna@bakkerij.example", &[101]).await;
    app.clock.advance(580);
    let (job, call) = tokio::join!(token_keepalive::run(&app.state), me(&app, &id));
    call.unwrap();
    let job = job.unwrap();
    assert_eq!(job.failed, 0, "{job:?}");
    let counters = sim_counters(&app).await;
    assert_eq!(counters["refreshes"], 1, "{counters}");
    assert_eq!(counters["refused_old_token"], 0, "{counters}");
    assert_eq!(tokens(&app, &id).await.4, "active");
}

/// A connection of another account, written straight into the table (the simulator has one
/// Exact user, and a second consent would end the first grant).
async fn extra_connection(
    app: &TestApp,
    email: &str,
    id: &str,
    refresh: Option<&str>,
    issued: i64,
) {
    app.create_user(email, PASSWORD, false).await;
    let user: String = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let v = app.state.exact.vault();
    let access = v.encrypt(
        &"an-access-token-exact-never-issued".to_string().into(),
        &vault::place(id, "access_token"),
    );
    let refresh = match refresh {
        Some(plain) => v.encrypt(
            &plain.to_string().into(),
            &vault::place(id, "refresh_token"),
        ),
        // Encrypted under a key this app does not have.
        None => "v1.0badc0de.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_string(),
    };
    sqlx::query(
        "INSERT INTO connections (id, user_id, region, exact_user_id, exact_user_name, access_token, \
         refresh_token, token_issued_at, token_expires_at, refresh_token_expires_at, status, \
         created_at, updated_at) VALUES ($1, $2, 'nl', $3, 'Extra', $4, $5, $6, $7, $8, 'active', $6, $6)",
    )
    .bind(id)
    .bind(&user)
    .bind(format!("exact-{id}"))
    .bind(&access)
    .bind(&refresh)
    .bind(issued)
    .bind(issued + 600)
    .bind(issued + 30 * DAY)
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

#[tokio::test]
async fn one_failing_connection_does_not_stop_the_keepalive_for_the_others() {
    let app = TestApp::spawn().await;
    let good = connected(&app, "anna@bakkerij.example", &[101]).await;
    // Older than the good one, so the job reaches them first.
    extra_connection(&app, "bob@bouw.example", "c-unreadable", None, T0 - 2 * DAY).await;
    extra_connection(
        &app,
        "carl@advocaat.example",
        "c-refused",
        Some("a-refresh-token-exact-does-not-know"),
        T0 - DAY,
    )
    .await;
    app.clock.set(T0 + 8 * DAY);

    let SlotResult::Ran(run) = jobs::run_due(&app.state, JobName::TokenKeepalive)
        .await
        .unwrap()
    else {
        panic!("the slot was free");
    };
    assert_eq!(run.status, "partial", "{run:?}");
    assert_eq!((run.processed, run.failed), (1, 2), "{run:?}");
    assert!(run.message.contains("1 refreshed"), "{run:?}");
    assert!(
        !run.message.contains("a-refresh-token"),
        "no token in the summary"
    );
    assert_eq!(
        sim_counters(&app).await["refreshes"],
        1,
        "the good one refreshed"
    );
    assert_eq!(tokens(&app, &good).await.2, T0 + 8 * DAY);
    assert_eq!(
        tokens(&app, "c-refused").await.4,
        "needs_reauth",
        "as on demand"
    );
    assert_eq!(
        tokens(&app, "c-unreadable").await.4,
        "active",
        "left as it was"
    );
    let recorded = &runs_of(&app, "token_keepalive").await[0];
    assert_eq!((recorded.processed, recorded.failed), (1, 2));
    assert!(recorded.finished_at.is_some());
}

// 6.3 ---------------------------------------------------------------------------------------

#[tokio::test]
async fn monthly_reset_clears_every_counter_and_warning_in_one_run() {
    let app = TestApp::spawn().await;
    for (email, used, warned) in [
        ("a@example.com", 200, 100),
        ("b@example.com", 161, 80),
        ("c@example.com", 3, 0),
        ("d@example.com", 0, 0),
    ] {
        app.create_user(email, PASSWORD, false).await;
        sqlx::query(
            "UPDATE users SET api_calls_used = $1, rate_limit_warning_sent = $2 WHERE email = $3",
        )
        .bind(used as i64)
        .bind(warned as i64)
        .bind(email)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    }
    let outcome = monthly_reset::run(&app.state).await.unwrap();
    assert_eq!((outcome.processed, outcome.failed), (4, 0));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE api_calls_used <> 0 OR rate_limit_warning_sent <> 0"
        )
        .await,
        0
    );
}

// Exactly once, catch-up, leases, manual runs ------------------------------------------------

/// 2026-12-03T10:00:00Z
const DEC_3: i64 = 1_796_292_000;

#[tokio::test]
async fn a_replica_starting_after_the_first_resets_that_month_once() {
    let app = TestApp::spawn().await;
    app.create_user("a@example.com", PASSWORD, false).await;
    // November's reset happened; the replica was down at 00:00 on 1 December.
    sqlx::query(
        "INSERT INTO job_runs (id, job, slot, status, lease_expires_at, started_at, finished_at) \
         VALUES ('r-nov', 'monthly_reset', '2026-11', 'ok', 0, $1, $1)",
    )
    .bind(T0 - 20 * DAY)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let set_counters = || async {
        exec(
            &app,
            "UPDATE users SET api_calls_used = $1, rate_limit_warning_sent = $2",
            &[150, 80],
        )
        .await
    };
    set_counters().await;
    app.clock.set(DEC_3);

    // What the scheduler does when it starts (and at every tick).
    scheduler::sweep(&app.state).await;
    let runs = runs_of(&app, "monthly_reset").await;
    assert_eq!(
        runs.iter().map(|r| r.slot.as_str()).collect::<Vec<_>>(),
        ["2026-12", "2026-11"]
    );
    assert_eq!(runs[0].status, "ok");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE api_calls_used = 0 AND rate_limit_warning_sent = 0"
        )
        .await,
        1
    );
    // Every job's current slot ran once.
    for job in JobName::ALL {
        let slot = job.slot(DEC_3);
        let runs = runs_of(&app, job.as_str()).await;
        assert_eq!(runs.iter().filter(|r| r.slot == slot).count(), 1, "{job}");
    }

    // Calls counted since; later ticks and restarts in December leave them alone.
    set_counters().await;
    app.clock.advance(2 * DAY);
    scheduler::sweep(&app.state).await;
    assert_eq!(
        jobs::run_due(&app.state, JobName::MonthlyReset)
            .await
            .unwrap(),
        SlotResult::Taken
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE api_calls_used = 150"
        )
        .await,
        1
    );
    assert_eq!(runs_of(&app, "monthly_reset").await.len(), 2);
    // January is a new slot.
    app.clock.set(DEC_3 + 30 * DAY);
    scheduler::sweep(&app.state).await;
    assert_eq!(runs_of(&app, "monthly_reset").await[0].slot, "2027-01");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM users WHERE api_calls_used = 0").await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claims_of_one_slot_run_it_once() {
    let app = TestApp::spawn().await;
    app.clock.set(DEC_3);
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let state = app.state.clone();
            tokio::spawn(async move {
                jobs::run_slot(
                    &state,
                    JobName::MonthlyReset,
                    "2026-12",
                    jobs::Trigger::Scheduled,
                )
                .await
                .unwrap()
            })
        })
        .collect();
    let mut ran = 0;
    for a in attempts {
        if matches!(a.await.unwrap(), SlotResult::Ran(_)) {
            ran += 1;
        }
    }
    assert_eq!(ran, 1);
    assert_eq!(runs_of(&app, "monthly_reset").await.len(), 1);
}

#[tokio::test]
async fn a_crashed_run_is_taken_over_after_its_lease_and_not_before() {
    let app = TestApp::spawn().await;
    let slot = JobName::Cleanup.slot(T0);
    sqlx::query(
        "INSERT INTO job_runs (id, job, slot, status, runner, lease_expires_at, started_at) \
         VALUES ('r-crashed', 'cleanup', $1, 'running', 'a-replica-that-died', $2, $3)",
    )
    .bind(&slot)
    .bind(T0 + 600)
    .bind(T0 - 60)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(
        jobs::run_due(&app.state, JobName::Cleanup).await.unwrap(),
        SlotResult::Taken,
        "the lease still holds"
    );
    app.clock.advance(601);
    let SlotResult::Ran(run) = jobs::run_due(&app.state, JobName::Cleanup).await.unwrap() else {
        panic!("an expired lease is taken over");
    };
    assert_eq!(run.id, "r-crashed");
    assert_eq!(run.status, "ok");
    assert_eq!(run.runner, jobs::runner_id());
    assert_eq!(runs_of(&app, "cleanup").await.len(), 1);
    // Finished runs are never taken over again.
    app.clock.advance(jobs::LEASE_SECONDS * 2);
    assert_eq!(
        jobs::run_due(&app.state, JobName::Cleanup).await.unwrap(),
        SlotResult::Taken
    );
}

#[tokio::test]
async fn manual_runs_use_their_own_slot_and_leave_the_scheduled_one() {
    let app = TestApp::spawn().await;
    let manual = jobs::run_now(&app.state, JobName::MonthlyReset)
        .await
        .unwrap();
    assert!(
        manual.slot.starts_with(&format!("manual@{T0}-")),
        "{}",
        manual.slot
    );
    assert_eq!(manual.status, "ok");
    let again = jobs::run_now(&app.state, JobName::MonthlyReset)
        .await
        .unwrap();
    assert_ne!(again.slot, manual.slot);
    let SlotResult::Ran(scheduled) = jobs::run_due(&app.state, JobName::MonthlyReset)
        .await
        .unwrap()
    else {
        panic!("the scheduled slot is still free");
    };
    assert_eq!(scheduled.slot, "2026-11");
    // The scheduled run is in the audit trail, by the service (no actor).
    let rows: Vec<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT actor_user_id, target_id, detail FROM audit_log WHERE action = 'job.run'",
    )
    .fetch_all(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (rows[0].0.as_deref(), rows[0].1.as_str()),
        (None, "monthly_reset")
    );
    assert!(rows[0].2.contains("\"slot\":\"2026-11\"") && rows[0].2.contains("scheduled"));
}

#[tokio::test]
async fn cleanup_deletes_what_expired_and_keeps_the_rest() {
    let app = TestApp::spawn().await;
    app.create_user("a@example.com", PASSWORD, false).await;
    let user: String = sqlx::query_scalar("SELECT id FROM users")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let pool = app.state.db.pool();
    let now = T0;
    for (id, idle, absolute) in [
        ("s-old", now - 1, now + DAY),
        ("s-live", now + DAY, now + DAY),
    ] {
        sqlx::query("INSERT INTO sessions (id, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at) VALUES ($1, $2, $3, $3, $4, $5)")
            .bind(id).bind(&user).bind(now - DAY).bind(idle).bind(absolute)
            .execute(pool).await.unwrap();
    }
    for (hash, expires) in [("st-old", now - 1), ("st-live", now + 600)] {
        sqlx::query("INSERT INTO oauth_states (state_hash, session_id, user_id, purpose, region, created_at, expires_at) VALUES ($1, 's', $2, 'connect', 'nl', $3, $4)")
            .bind(hash).bind(&user).bind(now - 600).bind(expires)
            .execute(pool).await.unwrap();
    }
    for (hash, expires) in [("pr-old", now - 1), ("pr-live", now + 600)] {
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash).bind(&user).bind(now - 600).bind(expires)
            .execute(pool).await.unwrap();
    }
    for (hash, expires) in [("ec-old", now - 1), ("ec-live", now + 600)] {
        sqlx::query("INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at) VALUES ($1, $2, 'n@example.com', $3, $4)")
            .bind(hash).bind(&user).bind(now - 600).bind(expires)
            .execute(pool).await.unwrap();
    }
    for (id, expires) in [("dk-old", now - 1), ("dk-live", now + 600)] {
        sqlx::query("INSERT INTO demo_keys (id, prefix, key_hash, created_at, expires_at) VALUES ($1, 'emcp_x', $1, $2, $3)")
            .bind(id).bind(now - DAY).bind(expires)
            .execute(pool).await.unwrap();
    }
    for (id, at) in [("ue-old", now - 91 * DAY), ("ue-live", now - 89 * DAY)] {
        sqlx::query("INSERT INTO usage_events (id, user_id, method, status, created_at) VALUES ($1, $2, 'tools/call', 'ok', $3)")
            .bind(id).bind(&user).bind(at)
            .execute(pool).await.unwrap();
    }
    sqlx::query("INSERT INTO usage_daily (user_id, day, calls) VALUES ($1, '2026-08-20', 7)")
        .bind(&user)
        .execute(pool)
        .await
        .unwrap();
    for (id, at) in [("jr-old", now - 91 * DAY), ("jr-live", now - 89 * DAY)] {
        sqlx::query("INSERT INTO job_runs (id, job, slot, status, lease_expires_at, started_at, finished_at) VALUES ($1, 'cleanup', $1, 'ok', 0, $2, $2)")
            .bind(id).bind(at)
            .execute(pool).await.unwrap();
    }

    let outcome = jobs::cleanup::run(&app.state).await.unwrap();
    assert_eq!((outcome.processed, outcome.failed), (7, 0), "{outcome:?}");
    for (sql, left) in [
        ("SELECT id FROM sessions", "s-live"),
        ("SELECT state_hash FROM oauth_states", "st-live"),
        ("SELECT token_hash FROM password_resets", "pr-live"),
        ("SELECT token_hash FROM email_changes", "ec-live"),
        ("SELECT id FROM demo_keys", "dk-live"),
        ("SELECT id FROM usage_events", "ue-live"),
        ("SELECT id FROM job_runs", "jr-live"),
    ] {
        let ids: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.unwrap();
        let gone = left.replace("-live", "-old");
        assert!(ids.contains(&left.to_string()), "{sql}: {ids:?}");
        assert!(!ids.contains(&gone), "{sql}: {ids:?}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM usage_daily").await,
        1,
        "rollups stay"
    );
}

// Admin server functions ----------------------------------------------------------------------

#[tokio::test]
async fn admins_list_and_run_jobs_others_get_403() {
    let app = TestApp::spawn().await;
    app.create_user("anna@bakkerij.example", PASSWORD, false)
        .await;
    app.create_user("root@exact-mcp.example", PASSWORD, true)
        .await;
    let form = [("name", "monthly_reset")];

    let anon = test_kit::client();
    const PATHS: [&str; 3] = [
        "/api/admin/jobs",
        "/api/admin/jobs/run",
        "/api/admin/tickets",
    ];
    for path in PATHS {
        assert_eq!(
            test_kit::post_form(&app, &anon, path, &form).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let anna = test_kit::client();
    test_kit::exact::sign_in(&app, &anna, "anna@bakkerij.example").await;
    for path in PATHS {
        assert_eq!(
            test_kit::post_form(&app, &anna, path, &form).await.status(),
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM job_runs").await,
        0,
        "nothing ran"
    );

    let root = test_kit::client();
    test_kit::exact::sign_in(&app, &root, "root@exact-mcp.example").await;
    let res = test_kit::post_form(&app, &root, "/api/admin/jobs/run", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let run: serde_json::Value = res.json().await.unwrap();
    assert!(
        run["slot"].as_str().unwrap().starts_with("manual@"),
        "{run}"
    );
    assert_eq!(run["status"], "ok");
    let audit: (String, String, String) =
        sqlx::query_as("SELECT action, target_id, detail FROM audit_log WHERE action = 'job.run'")
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(audit.1, "monthly_reset");
    assert!(audit.2.contains("manual@"), "{}", audit.2);

    let res =
        test_kit::post_form(&app, &root, "/api/admin/jobs/run", &[("name", "format_c")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = test_kit::post_form(&app, &root, "/api/admin/jobs", &[]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let list: serde_json::Value = res.json().await.unwrap();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "token_keepalive",
            "token_expiry_check",
            "monthly_reset",
            "cleanup"
        ]
    );
    let reset = &list[2];
    assert_eq!(reset["schedule"], "0 0 0 1 * *");
    assert_eq!(reset["runs"][0]["slot"], run["slot"]);
    assert_eq!(reset["runs"][0]["processed"], 2);

    // Tickets the jobs raise are listed for admins.
    sqlx::query(
        "INSERT INTO tickets (id, user_id, kind, subject, created_at, updated_at) \
         SELECT 't-1', id, 'token_expiry', 'Exact Online connection expires soon', $1, $1 \
         FROM users WHERE email = 'anna@bakkerij.example'",
    )
    .bind(T0)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    let list: serde_json::Value =
        test_kit::post_form(&app, &root, "/api/admin/tickets", &[("page", "0")])
            .await
            .json()
            .await
            .unwrap();
    let tickets = &list["tickets"];
    assert_eq!(
        tickets[0]["user_email"], "anna@bakkerij.example",
        "{tickets}"
    );
    assert_eq!(tickets[0]["kind"], "token_expiry");

    // The admin panel's jobs section shows them.
    let page = root.get(app.at("/admin/jobs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(
        html.contains("Scheduled jobs"),
        "the section is on /admin/jobs"
    );
}

// CLI -------------------------------------------------------------------------------------------

fn exe(db: &str) -> std::process::Command {
    let mut cmd = std::process::Command::new(test_kit::binary());
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .current_dir(tempfile::tempdir().unwrap().keep())
        .env("DATABASE_URL", db)
        .env(
            "TOKEN_ENCRYPTION_KEY",
            exact_mcp::server::config::TokenKey::from_bytes([3; 32]).to_base64(),
        );
    cmd
}

fn output(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test]
async fn jobs_list_and_run_from_the_command_line() {
    let database = TestDatabase::create().await;
    let url = database.url().to_string();
    let list = exe(&url).args(["jobs", "list"]).output().unwrap();
    let (stdout, stderr) = output(&list);
    assert!(list.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "{stdout}");
    assert!(lines[2].starts_with("monthly_reset"), "{stdout}");
    assert!(lines.iter().all(|l| l.contains("never run")), "{stdout}");

    let run = exe(&url)
        .args(["jobs", "run", "monthly_reset"])
        .output()
        .unwrap();
    let (stdout, stderr) = output(&run);
    assert!(run.status.success(), "{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("job monthly_reset ran in slot manual@") && stdout.contains(": ok"),
        "{stdout}"
    );

    let list = exe(&url).args(["jobs", "list"]).output().unwrap();
    let stdout = output(&list).0;
    let reset = stdout.lines().nth(2).unwrap();
    assert!(
        reset.contains("manual@") && reset.contains(" ok "),
        "{reset}"
    );

    let unknown = exe(&url).args(["jobs", "run", "nope"]).output().unwrap();
    let (stdout, stderr) = output(&unknown);
    assert!(!unknown.status.success());
    assert!(stdout.is_empty());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("unknown job \"nope\""), "{stderr}");
    assert!(stderr.contains("monthly_reset"), "names the jobs: {stderr}");

    // The manual run did not take the scheduled slot.
    let db = database.connect().await;
    let slots: Vec<String> = sqlx::query_scalar("SELECT slot FROM job_runs")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(slots.len(), 1);
    assert!(slots[0].starts_with("manual@"));
}

// Two replicas ------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_with_schedulers_on_run_each_slot_exactly_once() {
    use test_kit::replicas::{free_port, start_replica};

    let database = TestDatabase::create().await;
    let dir = tempfile::tempdir().unwrap();
    // The schema and an account whose counters are due for this month's reset.
    let db = database.connect().await;
    exact_mcp::server::db::migrate::up(&db).await.unwrap();
    for email in ["a@example.com", "b@example.com"] {
        exact_mcp::server::accounts::create(
            &db,
            &SystemClock,
            &[],
            exact_mcp::server::accounts::CreateAccount {
                email: &exact_mcp::domain::Email::parse(email).expect("an address"),
                password: PASSWORD.into(),
                display_name: "",
                admin: false,
                plan: exact_mcp::domain::Plan::Free,
            },
        )
        .await
        .unwrap();
    }
    sqlx::query("UPDATE users SET api_calls_used = 42, rate_limit_warning_sent = 80")
        .execute(db.pool())
        .await
        .unwrap();

    let (_sim, sim_url) = test_kit::exact::serve_simulator().await;

    let (port_a, port_b) = (free_port(), free_port());
    let public = format!("http://127.0.0.1:{port_a}");
    let env = [("JOBS_ENABLED", "true"), ("JOBS_TICK_SECONDS", "1")];
    let (a, b) = tokio::join!(
        start_replica(
            dir.path(),
            "a",
            port_a,
            database.url(),
            &public,
            &sim_url,
            &env
        ),
        start_replica(
            dir.path(),
            "b",
            port_b,
            database.url(),
            &public,
            &sim_url,
            &env
        ),
    );

    // Both sweep at start and every second; wait until every job's current slot is done.
    test_kit::eventually(
        "every job's current slot done",
        Duration::from_secs(60),
        || async {
            let now = SystemClock.now();
            let mut done = 0;
            for job in JobName::ALL {
                let status: Option<String> =
                    sqlx::query_scalar("SELECT status FROM job_runs WHERE job = $1 AND slot = $2")
                        .bind(job.as_str())
                        .bind(job.slot(now))
                        .fetch_optional(db.pool())
                        .await
                        .unwrap();
                done += usize::from(status.as_deref() == Some("ok"));
            }
            (done == JobName::ALL.len()).then_some(())
        },
    )
    .await;
    let reset: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE api_calls_used = 0 AND rate_limit_warning_sent = 0",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert_eq!(reset, 2, "this month's reset ran at start");
    // Calls counted after the reset survive the next ticks of both replicas.
    sqlx::query("UPDATE users SET api_calls_used = 7")
        .execute(db.pool())
        .await
        .unwrap();
    // Two more sweeps in each replica (logged at debug level) after the update: a second reset
    // would have happened in one of them.
    let sweeps = |name: &str| {
        std::fs::read_to_string(dir.path().join(format!("{name}.log")))
            .unwrap_or_default()
            .matches("catch-up sweep finished")
            .count()
    };
    let before = (sweeps("a"), sweeps("b"));
    test_kit::eventually(
        "two more sweeps in each replica",
        Duration::from_secs(60),
        || async { (sweeps("a") >= before.0 + 2 && sweeps("b") >= before.1 + 2).then_some(()) },
    )
    .await;
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE api_calls_used = 7")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 2, "no second reset in the same month");
    drop((a, b));

    // Each (job, slot) started once across both processes: the logs say who ran what.
    let mut finished: Vec<(String, String)> = Vec::new();
    let mut claimed_by = std::collections::HashSet::new();
    for name in ["a", "b"] {
        let log = std::fs::read_to_string(dir.path().join(format!("{name}.log"))).unwrap();
        for line in log.lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            if v["message"] == "job run finished" {
                finished.push((
                    v["job"].as_str().unwrap().to_string(),
                    v["slot"].as_str().unwrap().to_string(),
                ));
                claimed_by.insert(name);
            }
        }
    }
    let mut unique = finished.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        finished.len(),
        unique.len(),
        "a slot ran twice: {finished:?}"
    );
    assert!(finished.len() >= JobName::ALL.len(), "{finished:?}");
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("SELECT job, slot, status FROM job_runs")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(rows.len(), finished.len(), "{rows:?} vs {finished:?}");
    assert!(rows.iter().all(|r| r.2 == "ok"), "{rows:?}");
}

#[tokio::test]
async fn a_panicking_job_fails_its_own_run_and_the_caller_goes_on() {
    use exact_mcp::server::jobs::{JobError, Outcome, guarded};
    fn job_with_a_bug() -> Result<Outcome, JobError> {
        panic!("a job bug")
    }
    let panicked = guarded(async { job_with_a_bug() }).await;
    assert!(matches!(panicked, Err(JobError::Panicked)), "{panicked:?}");
    let fine = guarded(async {
        Ok(Outcome {
            processed: 1,
            failed: 0,
            message: "done".into(),
        })
    })
    .await;
    assert_eq!(fine.unwrap().processed, 1, "the next job still runs");
}
