//! Support tickets as people and admins see them: the three states a ticket moves through, the
//! checked text of a new ticket or a reply, and the views the Support page and the admin panel
//! render. Parsed here so the services only see checked values.

use serde::{Deserialize, Serialize};

/// Longest ticket subject, in characters.
pub const MAX_TICKET_SUBJECT_CHARS: usize = 200;
/// Longest ticket text, reply or internal note, in characters.
pub const MAX_TICKET_TEXT_CHARS: usize = 5_000;
/// Tickets per page of the admin list.
pub const TICKETS_PER_PAGE: u32 = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    Open,
    InProgress,
    Resolved,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 3] = [
        TicketStatus::Open,
        TicketStatus::InProgress,
        TicketStatus::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TicketStatus::Open => "open",
            TicketStatus::InProgress => "in_progress",
            TicketStatus::Resolved => "resolved",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        Self::ALL.into_iter().find(|v| v.as_str() == s.trim())
    }
}

/// What was wrong with a ticket's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TicketProblem {
    #[error("the subject is empty")]
    EmptySubject,
    #[error("the subject is longer than {MAX_TICKET_SUBJECT_CHARS} characters")]
    SubjectTooLong,
    #[error("the text is empty")]
    EmptyText,
    #[error("the text is longer than {MAX_TICKET_TEXT_CHARS} characters")]
    TextTooLong,
    #[error("unknown ticket status")]
    UnknownStatus,
}

/// A ticket's or a reply's text: trimmed, not empty, not too long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketText(String);

impl TicketText {
    pub fn parse(s: &str) -> Result<TicketText, TicketProblem> {
        let s = s.trim();
        if s.is_empty() {
            return Err(TicketProblem::EmptyText);
        }
        if s.chars().count() > MAX_TICKET_TEXT_CHARS {
            return Err(TicketProblem::TextTooLong);
        }
        Ok(TicketText(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An internal note: like a text, but may be empty (clearing it).
pub fn parse_note(s: &str) -> Result<String, TicketProblem> {
    let s = s.trim();
    if s.chars().count() > MAX_TICKET_TEXT_CHARS {
        return Err(TicketProblem::TextTooLong);
    }
    Ok(s.to_string())
}

/// A ticket a person opens: a one-line subject and a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketDraft {
    pub subject: String,
    pub text: TicketText,
}

impl TicketDraft {
    pub fn parse(subject: &str, text: &str) -> Result<TicketDraft, TicketProblem> {
        // One line: a subject goes into mail headers and lists.
        let subject = subject.split_whitespace().collect::<Vec<_>>().join(" ");
        if subject.is_empty() {
            return Err(TicketProblem::EmptySubject);
        }
        if subject.chars().count() > MAX_TICKET_SUBJECT_CHARS {
            return Err(TicketProblem::SubjectTooLong);
        }
        Ok(TicketDraft {
            subject,
            text: TicketText::parse(text)?,
        })
    }
}

/// A reply to a ticket, as its owner and the admins see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketReply {
    /// The admin's display name or address; empty once their account is gone.
    pub author: String,
    pub body: String,
    pub created_at: i64,
}

/// A ticket with its replies. `internal_note` and `assigned_to` are filled only for admins.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketView {
    pub id: String,
    /// `support` for a ticket a person opened, or what raised it (`token_expiry`, …).
    pub kind: String,
    pub subject: String,
    pub body: String,
    pub status: TicketStatus,
    /// The owner's address (empty when the account is gone).
    pub user_email: String,
    pub user_id: String,
    pub assigned_to: Option<String>,
    pub internal_note: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub replies: Vec<TicketReply>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_trimmed_to_one_line_and_bounded() {
        let d = TicketDraft::parse("  My  key\nfails ", " It says 401. ").unwrap();
        assert_eq!(d.subject, "My key fails");
        assert_eq!(d.text.as_str(), "It says 401.");
        assert_eq!(
            TicketDraft::parse(" \n", "x"),
            Err(TicketProblem::EmptySubject)
        );
        assert_eq!(TicketDraft::parse("s", "  "), Err(TicketProblem::EmptyText));
        let long = "é".repeat(MAX_TICKET_SUBJECT_CHARS + 1);
        assert_eq!(
            TicketDraft::parse(&long, "x"),
            Err(TicketProblem::SubjectTooLong)
        );
        let exact = "é".repeat(MAX_TICKET_SUBJECT_CHARS);
        assert!(TicketDraft::parse(&exact, "x").is_ok());
        let text = "a".repeat(MAX_TICKET_TEXT_CHARS + 1);
        assert_eq!(TicketText::parse(&text), Err(TicketProblem::TextTooLong));
        assert_eq!(parse_note("  "), Ok(String::new()));
    }

    #[test]
    fn statuses_round_trip() {
        for s in TicketStatus::ALL {
            assert_eq!(TicketStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(TicketStatus::parse("closed"), None);
    }
}
