-- tamper evidence for the audit trail (docs/decisions/0010-audit-chain.md). each event
-- gets its place in one chain (`seq`, 1, 2, 3, … with no gaps), the hash of the event
-- before it and its own: the sha-256 of its canonical form, which includes the previous
-- hash, so editing, deleting or inserting an event with plain sql breaks the chain
-- there. the hashes are computed by the application (sqlite has no sha-256); events
-- written before this migration are chained once, oldest first, by the data step
-- `audit_chain_v1` that runs right after it (crates/gatehouse-domain/src/audit.rs).
alter table audit_events add column seq bigint;
alter table audit_events add column prev_hash text;
alter table audit_events add column hash text;
-- the actor's username and the target's name when the event was written (a username,
-- an account or token name): what the trail shows, and what its free-text search
-- matches. part of the hashed form like the rest.
alter table audit_events add column actor_name text;
alter table audit_events add column target_name text;

-- unique: two appends can never take the same place, whatever else goes wrong. it is
-- also the keyset the trail is paged by, newest first.
create unique index audit_events_seq on audit_events (seq);
-- the trail's filters, each ending in seq so that a filtered page is an index range
-- read backwards from the cursor and stops after `limit` rows.
create index audit_events_actor_seq on audit_events (actor_id, seq);
create index audit_events_action_seq on audit_events (action, seq);
create index audit_events_target_seq on audit_events (target_id, seq);

-- the chain's head: the last place taken and its hash. every append updates this one
-- row first, which locks it until the event's transaction commits (postgresql), so
-- concurrent writers on every desktop and server queue and form one chain; sqlite's
-- write transactions are serial already. it also lets the verification notice that
-- the newest events were deleted. a fresh chain starts from 64 zeros.
create table audit_chain_head (
    id integer primary key not null check (id = 1),
    seq bigint not null,
    hash text not null
);

insert into audit_chain_head (id, seq, hash)
values (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
