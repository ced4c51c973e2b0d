-- The token refresh is single-flight per connection through a lease on its row instead of a
-- database lock held while Exact answers: who holds it (a random id per refresh) and until when
-- (Unix seconds). An expired lease (its holder crashed) may be taken over.
ALTER TABLE connections ADD COLUMN refresh_lease_holder TEXT;
ALTER TABLE connections ADD COLUMN refresh_lease_until BIGINT;
