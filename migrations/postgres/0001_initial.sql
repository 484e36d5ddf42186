-- gatehouse schema, postgresql flavour. keep in step with ../sqlite/0001_initial.sql:
-- the same tables, columns and constraint names, in each database's own types.
-- times are written by the application (never now()), so tests can move the clock.

-- the instance is a singleton. the fixed primary key (check singleton = 1) makes a
-- second setup fail in the database itself, whichever desktop tries it and however
-- many race, instead of relying on a check-then-insert.
create table instance (
    singleton smallint primary key check (singleton = 1),
    -- public id, used as the access tokens' issuer and to name this instance's keys.
    id uuid not null unique,
    organization text not null,
    -- password policy, token lifetimes, lockout, blocked email domains: read and
    -- written as a whole by the settings screen.
    settings jsonb not null,
    created_at timestamptz not null
);

-- accounts (tenants). plan is inherited from the creating admin's account.
create table accounts (
    id uuid primary key,
    name text not null,
    plan text not null,
    metadata jsonb not null default '{}',
    created_at timestamptz not null,
    -- no foreign key: users reference accounts, and the first admin creates their own.
    created_by uuid
);

create index accounts_name on accounts (name);

create table users (
    id uuid primary key,
    account_id uuid not null references accounts (id),
    username text not null,
    -- uniqueness is case-insensitive: the application stores the lower-cased key and
    -- the database enforces it, so concurrent creations cannot both win.
    username_key text not null constraint users_username_key unique,
    email text not null,
    email_key text not null constraint users_email_key unique,
    first_name text,
    last_name text,
    business_role text,
    status text not null check (status in ('active', 'pending', 'suspended', 'deactivated')),
    email_confirmed_at timestamptz,
    preferences jsonb not null default '{}',
    -- argon2id phc string; the password itself is never stored.
    password_hash text not null,
    must_change_password boolean not null default false,
    -- brute-force protection lives here, not in memory, so it holds across desktops.
    failed_sign_ins integer not null default 0,
    locked_until timestamptz,
    -- the three roles are a closed set: one boolean each keeps filtering and reading a
    -- user one row, the same on both databases.
    role_admin boolean not null default false,
    role_editor boolean not null default false,
    role_viewer boolean not null default false,
    created_at timestamptz not null,
    created_by uuid references users (id),
    updated_at timestamptz not null
);

create index users_account on users (account_id);

-- api tokens: only a sha-256 of the secret is stored (the secret has 256 random bits,
-- so a fast hash is enough); the prefix is what the list shows to tell tokens apart.
create table api_tokens (
    id uuid primary key,
    user_id uuid not null references users (id),
    account_id uuid not null references accounts (id),
    name text not null,
    prefix text not null,
    secret_hash bytea not null constraint api_tokens_secret_hash_key unique,
    created_at timestamptz not null,
    created_by uuid references users (id),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz
);

create index api_tokens_user on api_tokens (user_id);

-- public halves of the access-token signing keys. each desktop or server keeps its
-- private key in its own keychain; sharing the public keys here lets every one of
-- them verify every other's tokens (see docs/decisions/0001-signing-keys.md).
create table signing_keys (
    kid text primary key,
    algorithm text not null,
    public_key bytea not null,
    created_at timestamptz not null,
    retired_at timestamptz
);

-- every mutation writes one row, in the mutation's own transaction.
create table audit_events (
    id uuid primary key,
    at timestamptz not null,
    actor_id uuid,
    action text not null,
    target_type text not null,
    target_id text,
    detail jsonb not null default '{}'
);

create index audit_events_at on audit_events (at);

-- idempotency keys for "create account": the ids are chosen before the insert, so a
-- retry finds what the first request made. a key belongs to the admin who sent it.
create table idempotency_keys (
    actor_id uuid not null,
    key text not null,
    fingerprint text not null,
    account_id uuid not null,
    user_id uuid not null,
    token_id uuid not null,
    created_at timestamptz not null,
    primary key (actor_id, key)
);
