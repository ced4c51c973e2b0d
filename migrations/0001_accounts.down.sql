DROP TABLE login_attempts;
DROP TABLE password_resets;
DROP TABLE sessions;
DROP TABLE users;
