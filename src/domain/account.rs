//! Account vocabulary: email addresses, roles, statuses and the password policy. Shared with the
//! browser so forms can validate inline with exactly the server's rules.

use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A normalised email address: trimmed, lower-cased, one `@`, a dotted domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("enter a valid email address, like name@company.nl")]
pub struct InvalidEmail;

impl Email {
    pub fn parse(raw: &str) -> Result<Email, InvalidEmail> {
        let email = raw.trim().to_lowercase();
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(InvalidEmail);
        }
        let (local, domain) = email.split_once('@').ok_or(InvalidEmail)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@');
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(InvalidEmail);
        }
        Ok(Email(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = InvalidEmail;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Email::parse(&value)
    }
}

impl From<Email> for String {
    fn from(e: Email) -> String {
        e.0
    }
}

impl FromStr for Email {
    type Err = InvalidEmail;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Admin => "admin",
        }
    }

    /// Unknown stored values count as the least privilege.
    pub fn from_stored(s: &str) -> Role {
        if s == "admin" {
            Role::Admin
        } else {
            Role::User
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    Active,
    Suspended,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "active",
            AccountStatus::Suspended => "suspended",
        }
    }

    /// Unknown stored values count as suspended: fail closed.
    pub fn from_stored(s: &str) -> AccountStatus {
        if s == "active" {
            AccountStatus::Active
        } else {
            AccountStatus::Suspended
        }
    }
}

/// What the signed-in person's pages show about them. Never a hash or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub plan: crate::domain::Plan,
}

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum PasswordProblem {
    #[error("use at least 12 characters")]
    TooShort,
    #[error("use at most 256 characters")]
    TooLong,
    #[error("this password is too common; choose one that is hard to guess")]
    TooCommon,
}

/// Length first (NIST 800-63B: length beats composition rules), then a built-in list of the
/// passwords attackers try first, compared case-insensitively.
pub fn check_password(password: &str) -> Result<(), PasswordProblem> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(PasswordProblem::TooShort);
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(PasswordProblem::TooLong);
    }
    let lower = password.to_lowercase();
    let one_repeated_char = lower.chars().all(|c| lower.starts_with(c));
    if one_repeated_char || COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(PasswordProblem::TooCommon);
    }
    Ok(())
}

/// Common passwords of 12+ characters (shorter ones already fail the length rule).
const COMMON_PASSWORDS: &[&str] = &[
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789000",
    "1q2w3e4r5t6y",
    "1qaz2wsx3edc",
    "qwertyuiopas",
    "qwertyuiop123",
    "qwerty123456",
    "qwertyuiop12",
    "asdfghjkl123",
    "zxcvbnm12345",
    "password1234",
    "password12345",
    "password123456",
    "passwordpassword",
    "password1234!",
    "password123!",
    "passw0rd1234",
    "p@ssw0rd1234",
    "p@ssword1234",
    "welcome12345",
    "welcome123456",
    "welkom123456",
    "wachtwoord12",
    "wachtwoord123",
    "wachtwoord1234",
    "welkomwelkom",
    "iloveyou1234",
    "letmein12345",
    "administrator",
    "administrator1",
    "admin1234567",
    "adminadmin123",
    "changeme1234",
    "changeme12345",
    "football1234",
    "baseball1234",
    "sunshine1234",
    "princess1234",
    "starwars1234",
    "monkey123456",
    "dragon123456",
    "master123456",
    "trustno1trustno1",
    "abcdefghijkl",
    "abcdef123456",
    "abc123456789",
    "aaaaaaaaaaaa1",
    "exactonline1",
    "exactonline123",
    "exactonline2026",
    "boekhouding123",
    "boekhouding2026",
    "zomer2026zomer",
    "summer2026!!",
    "winter2026!!",
    "correcthorsebatterystaple",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised() {
        assert_eq!(
            Email::parse("  Anna@Bakkerij.NL ").unwrap().as_str(),
            "anna@bakkerij.nl"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@bakkerij.nl",
            "anna@nl",
            "an na@x.nl",
            "a@b@c.nl",
            "a@x..nl",
            "a@.x.nl",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn password_rules() {
        assert_eq!(check_password("short"), Err(PasswordProblem::TooShort));
        assert_eq!(
            check_password("Password1234"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_password("zzzzzzzzzzzzzz"),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            check_password(&"x".repeat(257)),
            Err(PasswordProblem::TooLong)
        );
        assert_eq!(check_password("kaas-brood-fiets-42"), Ok(()));
        // Length counts characters, not bytes.
        assert_eq!(
            check_password("ééééééééééé"),
            Err(PasswordProblem::TooShort)
        );
    }

    #[test]
    fn stored_roles_and_statuses_fail_closed() {
        assert_eq!(Role::from_stored("admin"), Role::Admin);
        assert_eq!(Role::from_stored("root"), Role::User);
        assert_eq!(AccountStatus::from_stored("active"), AccountStatus::Active);
        assert_eq!(
            AccountStatus::from_stored("weird"),
            AccountStatus::Suspended
        );
    }
}

/// Something the person typed that cannot be accepted. The words for it come from the page's
/// language ([`crate::i18n::Texts::problem`]); `Display` is for logs only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum Problem {
    #[error("invalid email address")]
    InvalidEmail,
    #[error("password: {0}")]
    Password(PasswordProblem),
    #[error("name too long")]
    NameTooLong,
    #[error("wrong current password")]
    WrongCurrentPassword,
    #[error("reset link invalid, used or expired")]
    ResetLinkInvalid,
    #[error("confirmation email does not match")]
    ConfirmEmailMismatch,
    #[error("email confirmation link invalid, used or expired")]
    EmailLinkInvalid,
    #[error("the new email address is the current one")]
    SameEmail,
}

impl From<InvalidEmail> for Problem {
    fn from(_: InvalidEmail) -> Self {
        Problem::InvalidEmail
    }
}

impl From<PasswordProblem> for Problem {
    fn from(p: PasswordProblem) -> Self {
        Problem::Password(p)
    }
}
