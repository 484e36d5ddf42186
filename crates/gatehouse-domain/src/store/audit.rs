//! The audit trail's events and its chain head (see `crate::audit`).

use std::future::Future;

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use uuid::Uuid;

use super::Sql;

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub id: Uuid,
    /// The event's place in the chain; `None` only for an event the chain never took
    /// in (written by hand, or by a version before migration 0008 after it ran).
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub actor_name: Option<String>,
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub detail: Json<serde_json::Value>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// The chain's head: the last place taken and its hash.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct ChainHeadRow {
    pub seq: i64,
    pub hash: String,
}

/// The trail's filters and keyset cursor, each ignored when `None`.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuditFilter {
    pub actor_id: Option<Uuid>,
    pub action: Option<String>,
    pub target_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub to: Option<DateTime<Utc>>,
    /// A lower-cased LIKE pattern (already escaped and wrapped in `%`).
    pub pattern: Option<String>,
    /// Only events before this place (the previous page's last).
    pub before_seq: Option<i64>,
    pub limit: i64,
}

pub(crate) trait AuditStore: Send {
    fn insert_audit(&mut self, row: &AuditRow) -> impl Future<Output = Sql<()>> + Send;
    /// Takes the chain's next place: returns it with the hash of the place before.
    /// Locks the head row until the transaction ends (PostgreSQL), so concurrent
    /// appends queue here.
    fn advance_chain_head(&mut self) -> impl Future<Output = Sql<ChainHeadRow>> + Send;
    /// Sets the head's hash to the hash of the event at its place.
    fn set_chain_head_hash(&mut self, hash: &str) -> impl Future<Output = Sql<()>> + Send;
    fn chain_head(&mut self) -> impl Future<Output = Sql<ChainHeadRow>> + Send;
    /// A page of events, newest (highest place) first.
    fn audit_events(
        &mut self,
        filter: &AuditFilter,
    ) -> impl Future<Output = Sql<Vec<AuditRow>>> + Send;
    /// Up to `limit` chained events after place `after`, up to place `through`, in
    /// chain order.
    fn chained_events(
        &mut self,
        after: i64,
        through: i64,
        limit: i64,
    ) -> impl Future<Output = Sql<Vec<AuditRow>>> + Send;
    /// The first event beyond the head's place (none was appended by Gatehouse).
    fn event_beyond_head(&mut self) -> impl Future<Output = Sql<Option<AuditRow>>> + Send;
    /// The oldest event without a place in the chain.
    fn unchained_event(&mut self) -> impl Future<Output = Sql<Option<AuditRow>>> + Send;
    /// Every event without a place, oldest first (for the data step that chains the
    /// events written before migration 0008).
    fn unchained_events(&mut self) -> impl Future<Output = Sql<Vec<AuditRow>>> + Send;
    /// Gives an event written before migration 0008 its place and hashes.
    fn chain_event(&mut self, row: &AuditRow) -> impl Future<Output = Sql<()>> + Send;
}

macro_rules! audit_columns {
    () => {
        "id, seq, at, actor_id, actor_name, action, target_type, target_id, target_name, \
         detail, prev_hash, hash"
    };
}

pub(super) const INSERT_AUDIT: &str = "
    insert into audit_events (
        id, seq, at, actor_id, actor_name, action, target_type, target_id, target_name,
        detail, prev_hash, hash
    )
    values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// `returning` gives the updated row: the new place, and the hash not yet changed
/// (the previous event's).
pub(super) const ADVANCE_CHAIN_HEAD: &str = "
    update audit_chain_head
    set seq = seq + 1
    where id = 1
    returning seq, hash";

pub(super) const SET_CHAIN_HEAD_HASH: &str = "
    update audit_chain_head
    set hash = $1
    where id = 1";

pub(super) const CHAIN_HEAD: &str = "
    select seq, hash
    from audit_chain_head
    where id = 1";

/// `$1` actor, `$2` action, `$3` target, `$4` from, `$5` to (exclusive), `$6` the
/// pattern, `$7` the cursor, each ignored when null; `$8` the page size.
pub(super) const AUDIT_EVENTS: &str = concat!(
    "select ",
    audit_columns!(),
    "
    from audit_events
    where seq is not null
        and ($1 is null or actor_id = $1)
        and ($2 is null or action = $2)
        and ($3 is null or target_id = $3)
        and ($4 is null or at >= $4)
        and ($5 is null or at < $5)
        and ($6 is null or lower(coalesce(target_name, '')) like $6 escape '\\')
        and ($7 is null or seq < $7)
    order by seq desc
    limit $8"
);

pub(super) const CHAINED_EVENTS: &str = concat!(
    "select ",
    audit_columns!(),
    "
    from audit_events
    where seq > $1 and seq <= $2
    order by seq
    limit $3"
);

/// One statement, so the head and the events are read at the same moment even on
/// PostgreSQL's read committed (an append committing meanwhile is no forgery).
pub(super) const EVENT_BEYOND_HEAD: &str = concat!(
    "select ",
    audit_columns!(),
    "
    from audit_events
    where seq > (select seq from audit_chain_head where id = 1)
    order by seq
    limit 1"
);

pub(super) const UNCHAINED_EVENT: &str = concat!(
    "select ",
    audit_columns!(),
    "
    from audit_events
    where seq is null
    order by at, id
    limit 1"
);

pub(super) const UNCHAINED_EVENTS: &str = concat!(
    "select ",
    audit_columns!(),
    "
    from audit_events
    where seq is null
    order by at, id"
);

pub(super) const CHAIN_EVENT: &str = "
    update audit_events
    set seq = $2, actor_name = $3, target_name = $4, prev_hash = $5, hash = $6
    where id = $1";
