-- gatehouse schema, sqlite flavour. keep in step with ../postgres/0001_initial.sql:
-- the same tables, columns and constraint names, in each database's own types.
-- ids are uuids (v7, time-ordered) stored as 16-byte blobs, the sqlx sqlite encoding;
-- times are utc rfc 3339 text written by the application (never the database clock),
-- so they compare correctly as text.

-- the instance is a singleton. the fixed primary key (check singleton = 1) makes a
-- second setup fail in the database itself, whichever desktop tries it and however
-- many race, instead of relying on a check-then-insert.
create table instance (
    singleton integer primary key not null check (singleton = 1),
    -- public id, used as the access tokens' issuer and to name this instance's keys.
    id blob not null unique,
    organization text not null,
    -- json: password policy, token lifetimes, lockout, blocked email domains. one
    -- document because it is read and written as a whole by the settings screen.
    settings text not null,
    created_at text not null
);

-- accounts (tenants). plan is inherited from the creating admin's account.
create table accounts (
    id blob primary key not null,
    name text not null,
    plan text not null,
    metadata text not null default '{}',
    created_at text not null,
    -- no foreign key: users reference accounts, and the first admin creates their own.
    created_by blob
);

create index accounts_name on accounts (name);

create table users (
    id blob primary key not null,
    account_id blob not null references accounts (id),
    username text not null,
    -- uniqueness is case-insensitive: the application stores the lower-cased key
    -- (unicode-aware for emails, which sqlite's lower() is not) and the database
    -- enforces it, so concurrent creations cannot both win.
    username_key text not null constraint users_username_key unique,
    email text not null,
    email_key text not null constraint users_email_key unique,
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
    updated_at text not null
);

create index users_account on users (account_id);

-- api tokens: only a sha-256 of the secret is stored (the secret has 256 random bits,
-- so a fast hash is enough); the prefix is what the list shows to tell tokens apart.
create table api_tokens (
    id blob primary key not null,
    user_id blob not null references users (id),
    account_id blob not null references accounts (id),
    name text not null,
    prefix text not null,
    secret_hash blob not null constraint api_tokens_secret_hash_key unique,
    created_at text not null,
    created_by blob references users (id),
    expires_at text,
    last_used_at text,
    revoked_at text
);

create index api_tokens_user on api_tokens (user_id);

-- public halves of the access-token signing keys. each desktop or server keeps its
-- private key in its own keychain; sharing the public keys here lets every one of
-- them verify every other's tokens (see docs/decisions/0001-signing-keys.md).
create table signing_keys (
    kid text primary key not null,
    algorithm text not null,
    public_key blob not null,
    created_at text not null,
    retired_at text
);

-- every mutation writes one row, in the mutation's own transaction.
create table audit_events (
    id blob primary key not null,
    at text not null,
    actor_id blob,
    action text not null,
    target_type text not null,
    target_id text,
    detail text not null default '{}'
);

create index audit_events_at on audit_events (at);

-- idempotency keys for "create account": the ids are chosen before the insert, so a
-- retry finds what the first request made. a key belongs to the admin who sent it.
create table idempotency_keys (
    actor_id blob not null,
    key text not null,
    fingerprint text not null,
    account_id blob not null,
    user_id blob not null,
    token_id blob not null,
    created_at text not null,
    primary key (actor_id, key)
);
