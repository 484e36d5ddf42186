-- failed sign-ins per (user, source), so that guessing at a username from one source
-- (an address, the desktop app, a session changing its password) makes only that
-- source wait, and the holder of the right password still gets in from another (see
-- docs/decisions/0002-sign-in-throttle.md). keep in step with ../postgres/.
-- users.failed_sign_ins / locked_until stay: they are the username-wide count of
-- failures in a row across every source and the lock when it reaches the ceiling.
create table sign_in_throttles (
    -- the rows go with the user: they mean nothing without them.
    user_id uuid not null references users (id) on delete cascade,
    -- 'desktop', 'ip:<v4 address>', 'ip:<v6 /64 prefix>' or 'session:<digest>';
    -- parsed and built only by the core (SourceKey).
    source_key text not null,
    -- failures from this source since its count last started afresh.
    failures integer not null check (failures >= 0),
    -- the source's attempts are refused unchecked until then (null: no wait).
    blocked_until timestamptz,
    -- the count starts afresh with the next failure at or after this time (the end
    -- of the last failure or wait plus the window). one column, rather than a window
    -- start, so the rule "forgotten after a quiet window" is a single comparison and
    -- lapsed rows are easy to delete.
    forget_at timestamptz not null,
    -- one row per pair: an upsert on this key counts racing failures without losing one.
    primary key (user_id, source_key)
);
