//! Mail goes out encrypted: `smtp://` means STARTTLS, required, so a mail server that does not
//! offer it (here a plain test server) gets nothing and the mail stays queued; only an explicit
//! `?tls=none` (development) talks to it in the clear.
use exact_mcp::server::{clock::Clock, db::outbox, mail};
use test_kit::{TestApp, smtp::PlainSmtp};

async fn queue_one(app: &TestApp) {
    outbox::queue_mail(
        &app.state.db,
        "anna@bakkerij.example",
        "Reset your password",
        "https://mcp.example.com/reset-password?token=secret",
        app.clock.now(),
    )
    .await
    .unwrap();
}

async fn sent_at(app: &TestApp) -> Option<i64> {
    sqlx::query_scalar("SELECT sent_at FROM email_outbox")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn smtp_urls_require_starttls_and_a_plain_server_gets_nothing() {
    let smtp = PlainSmtp::accepting();
    let (addr, messages) = (smtp.addr.clone(), smtp.messages.clone());
    let app = TestApp::spawn().await;
    queue_one(&app).await;

    let sender = mail::Sender::new(
        &format!("smtp://{addr}").into(),
        "no-reply@exact-mcp.example",
    )
    .unwrap();
    let pass = mail::deliver_due(&app.state.db, &app.clock, &sender, 10)
        .await
        .unwrap();
    assert_eq!(pass, mail::Delivery { sent: 0, failed: 1 });
    assert!(messages.lock().unwrap().is_empty(), "nothing in the clear");
    assert_eq!(sent_at(&app).await, None, "the mail stays queued");

    // The same server with the explicit development opt-out: the mail goes (so the refusal
    // above was the missing STARTTLS, not a broken server).
    app.clock.advance(61);
    let plain = mail::Sender::new(
        &format!("smtp://{addr}?tls=none").into(),
        "no-reply@exact-mcp.example",
    )
    .unwrap();
    let pass = mail::deliver_due(&app.state.db, &app.clock, &plain, 10)
        .await
        .unwrap();
    assert_eq!(pass, mail::Delivery { sent: 1, failed: 0 });
    assert_eq!(messages.lock().unwrap().len(), 1);
    assert!(sent_at(&app).await.is_some());
}
