-- Valid at schema 0008: a failed sign-in and a rate window, the rows the new indexes cover.
INSERT INTO login_attempts (id, email, ip, succeeded, created_at)
VALUES ('la-0013', 'raden@bakkerij.example', '192.0.2.13', 0, 1790000300);
INSERT INTO rate_windows (subject, window_start, hits)
VALUES ('flood:k-0013', 1790000280, 7)
