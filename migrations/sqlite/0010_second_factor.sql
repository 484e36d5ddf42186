-- two-step sign-in (docs/decisions/0011-second-factor.md). keep in step with ../postgres/.

-- a user's TOTP (RFC 6238) secret: one per user, in a table of its own so that the user
-- row (read by every operation) does not carry it.
create table user_totp (
    -- goes with the user.
    user_id blob primary key not null references users (id) on delete cascade,
    -- base32 (RFC 4648, no padding) of 160 random bits. in the database only, not
    -- encrypted: every desktop and server that checks codes must read it, and they share
    -- no key (the decision says what each connection kind then protects).
    secret text not null,
    -- null while enrolment is started but not confirmed with a code: such a row signs
    -- nobody in a second step, and a new start replaces it.
    confirmed_at text,
    -- the last accepted time step (unix time / 30). a code is accepted only for a later
    -- step, by one conditional update (last_step < new), so no code works twice and of
    -- two racing sign-ins with one code exactly one wins (RFC 6238 section 5.2).
    last_step integer not null default 0,
    created_at text not null
);

-- single-use recovery codes, for a lost authenticator. only their SHA-256: 80 random
-- bits each, which no one can search, so a slow hash would only slow sign-in.
create table recovery_codes (
    user_id blob not null references users (id) on delete cascade,
    code_hash blob not null,
    -- set when used: kept rather than deleted so the user can be told how many are left
    -- and an admin can see one was used.
    used_at text,
    primary key (user_id, code_hash)
);

-- a password step that succeeded for a user with a second factor: the challenge the
-- second step presents. only its SHA-256 (it is a bearer secret for five minutes). in
-- the database, so any server on the same database can finish a sign-in another began.
create table sign_in_challenges (
    challenge_hash blob primary key not null,
    user_id blob not null references users (id) on delete cascade,
    -- refused from then on; expired rows are deleted whenever a new challenge is made.
    expires_at text not null
);
