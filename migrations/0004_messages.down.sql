DROP TABLE email_outbox;
DROP TABLE tickets;
DROP TABLE notifications;
