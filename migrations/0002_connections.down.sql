DROP TABLE oauth_states;
DROP TABLE divisions;
DROP TABLE connections;
