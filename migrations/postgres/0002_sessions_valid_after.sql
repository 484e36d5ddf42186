-- access tokens issued before this moment are refused. an admin's password reset sets
-- it, so whoever held the user's session (or stole it) is signed out with the reset.
alter table users add column sessions_valid_after timestamptz;
