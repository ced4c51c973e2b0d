-- Pending changes of email address: a single-use, expiring link is mailed to the new address.
CREATE TABLE email_changes (
    token_hash          TEXT PRIMARY KEY,
    user_id             TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    new_email           TEXT NOT NULL,
    created_at          BIGINT NOT NULL,
    expires_at          BIGINT NOT NULL,
    used_at             BIGINT
);
CREATE INDEX email_changes_user_id_idx ON email_changes (user_id);

-- Mail delivery: when the next attempt is due (claims and back-off, see src/server/mail.rs).
ALTER TABLE email_outbox ADD COLUMN next_attempt_at BIGINT NOT NULL DEFAULT 0;
