DROP INDEX demo_keys_expires_at_idx;
DROP INDEX demo_keys_key_hash_key;
DROP TABLE demo_keys;
