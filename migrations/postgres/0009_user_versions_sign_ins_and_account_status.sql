-- editing users and managing accounts (issue 14). keep in step with ../sqlite/.
--
-- users.version: optimistic concurrency for admins' edits. an edit names the version
-- it was made from and the update only applies while the row still has it, so two
-- admins editing the same user cannot silently overwrite each other: the second one
-- is told to reload. every admin change of the user (profile, status, roles) adds one;
-- sign-ins and password changes do not, so they never make an open form stale.
alter table users add column version integer not null default 1 check (version >= 1);

-- users.last_sign_in_at: when the user last signed in successfully (what an admin asks
-- first about an account that may be unused). null: never, or before this migration.
alter table users add column last_sign_in_at timestamptz;

-- accounts.status: a suspended account's users cannot sign in or use their tokens,
-- without losing anything (reactivating restores them). a closed set, like users.status.
alter table accounts add column status text not null default 'active'
    check (status in ('active', 'suspended'));
