-- Valid at schema 0010: a replica that announced its token keys. The new table starts with the
-- callers version at 0 and touches no existing row.
INSERT INTO vault_replicas (replica_id, current_kid, key_ids, started_at, seen_at)
VALUES ('r-0011', 'k1', 'k1', 1790000300, 1790000360)
