ALTER TABLE connections DROP COLUMN refresh_lease_until;
ALTER TABLE connections DROP COLUMN refresh_lease_holder;
