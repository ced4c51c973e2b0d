//! A real SMTP server on a local port for the mail tests: plain (it offers no STARTTLS), keeping
//! every message it accepts, or refusing every recipient.

use std::sync::{Arc, Mutex};

/// A running test mail server.
pub struct PlainSmtp {
    /// `127.0.0.1:port`
    pub addr: String,
    /// The raw messages accepted so far, oldest first.
    pub messages: Arc<Mutex<Vec<String>>>,
}

impl PlainSmtp {
    /// Accepts every mail.
    pub fn accepting() -> PlainSmtp {
        PlainSmtp::start(false)
    }

    /// Refuses every recipient (a permanent 550), as a full mailbox would.
    pub fn refusing() -> PlainSmtp {
        PlainSmtp::start(true)
    }

    /// The `SMTP_URL` for it: plain, which only development may opt into.
    pub fn url(&self) -> String {
        format!("smtp://{}?tls=none", self.addr)
    }

    /// A copy of what it received.
    pub fn received(&self) -> Vec<String> {
        self.messages.lock().unwrap().clone()
    }

    fn start(refuse: bool) -> PlainSmtp {
        let inbox = Inbox {
            refuse,
            ..Inbox::default()
        };
        let messages = inbox.messages.clone();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let mut server = mailin_embedded::Server::new(inbox);
        server
            .with_name("smtp.test")
            .with_ssl(mailin_embedded::SslConfig::None)
            .unwrap()
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        PlainSmtp { addr, messages }
    }
}

#[derive(Clone, Default)]
struct Inbox {
    messages: Arc<Mutex<Vec<String>>>,
    current: Vec<u8>,
    refuse: bool,
}

impl mailin_embedded::Handler for Inbox {
    fn rcpt(&mut self, _to: &str) -> mailin_embedded::Response {
        if self.refuse {
            mailin_embedded::response::NO_MAILBOX
        } else {
            mailin_embedded::response::OK
        }
    }

    fn data_start(
        &mut self,
        _domain: &str,
        _from: &str,
        _is8bit: bool,
        _to: &[String],
    ) -> mailin_embedded::Response {
        self.current.clear();
        mailin_embedded::response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> mailin_embedded::Response {
        let text = String::from_utf8_lossy(&self.current).into_owned();
        self.current.clear();
        self.messages.lock().unwrap().push(text);
        mailin_embedded::response::OK
    }
}
