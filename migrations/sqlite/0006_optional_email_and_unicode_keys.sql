-- seed 004 creates ordinary users from a username and a password alone: the email
-- becomes optional, and so does its key. the unique constraint stays and still holds
-- for every address given (sqlite's unique treats nulls as distinct). admins and the
-- setup's first admin still need one: the core requires it, not the schema.
--
-- sqlite cannot drop a not null constraint, so the table is rebuilt, keeping every
-- column, constraint name, index and foreign key of ../postgres (keep in step). this
-- runs inside the migration's transaction with foreign keys on. they cannot be turned
-- off in a transaction, so they are deferred instead: dropping users counts the
-- api_tokens (and users.created_by) rows left pointing at nothing, and inserting the
-- same ids into the new users table resolves each again, so the count is zero at
-- commit and the commit succeeds (it fails, undoing all of this, if any were lost).
-- the rows are copied through a holding table so no other table's reference to
-- "users" is ever renamed. ANY COLUMN ADDED TO users BEFORE THIS MIGRATION MUST BE
-- LISTED HERE TOO (the test users_table_columns_match_on_both_databases checks it).
pragma defer_foreign_keys = on;

create table users_before_0006 as select * from users;

drop table users;

create table users (
    id blob primary key not null,
    account_id blob not null references accounts (id),
    username text not null,
    -- the keys are computed by the application (see crates/gatehouse-domain/src/
    -- login_key.rs: nfkc, case folding, idna) and the database enforces uniqueness, so
    -- concurrent creations cannot both win.
    username_key text not null constraint users_username_key unique,
    email text,
    email_key text constraint users_email_key unique,
    first_name text,
    last_name text,
    business_role text,
    status text not null check (status in ('active', 'pending', 'suspended', 'deactivated')),
    email_confirmed_at text,
    preferences text not null default '{}',
    -- argon2id phc string; the password itself is never stored.
    password_hash text not null,
    must_change_password integer not null default 0 check (must_change_password in (0, 1)),
    -- brute-force protection lives here, not in memory, so it holds across desktops.
    failed_sign_ins integer not null default 0,
    locked_until text,
    -- the three roles are a closed set: one boolean each keeps filtering and reading a
    -- user one row, the same on both databases.
    role_admin integer not null default 0 check (role_admin in (0, 1)),
    role_editor integer not null default 0 check (role_editor in (0, 1)),
    role_viewer integer not null default 0 check (role_viewer in (0, 1)),
    created_at text not null,
    created_by blob references users (id),
    updated_at text not null,
    -- from 0002: when the user's sessions last ended (no longer read since 0005).
    sessions_valid_after text,
    -- from 0005: the session generation every access token carries (`sgen`).
    session_generation integer not null default 0
);

insert into users (
    id, account_id, username, username_key, email, email_key, first_name, last_name,
    business_role, status, email_confirmed_at, preferences, password_hash,
    must_change_password, failed_sign_ins, locked_until, role_admin, role_editor,
    role_viewer, created_at, created_by, updated_at, sessions_valid_after,
    session_generation
)
select
    id, account_id, username, username_key, email, email_key, first_name, last_name,
    business_role, status, email_confirmed_at, preferences, password_hash,
    must_change_password, failed_sign_ins, locked_until, role_admin, role_editor,
    role_viewer, created_at, created_by, updated_at, sessions_valid_after,
    session_generation
from users_before_0006
order by rowid;

drop table users_before_0006;

create index users_account on users (account_id);

-- one-time steps the application runs after the migrations because sql cannot do
-- them (the unicode keys of usernames and emails: nfkc, case folding and idna exist
-- only in the application). a step's row is claimed in the transaction that does it,
-- so several desktops connecting at once run it exactly once.
create table data_steps (
    step text primary key not null,
    done_at text not null
);
