//! The audit trail: every mutation writes one event, inside the mutation's own
//! transaction, so the change and its record commit or roll back together.

use chrono::{DateTime, SubsecRound, Utc};
use serde::{Deserialize, Serialize};
use sqlx::types::Json;
use uuid::Uuid;

use crate::auth::Credential;
use crate::error::Result;
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::sign_in_throttle::{Counted, SourceKey};
use crate::store::{transaction, AuditFilter, AuditRow, AuditStore, Mode, Store};

/// What happened, to what, by whom, and where it sits in the chain.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: Uuid,
    /// The event's place in the chain (1, 2, 3, …); null only for an event the chain
    /// never took in (one written by hand).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<i64>,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    /// The actor's username when the event was written.
    pub actor_name: Option<String>,
    /// e.g. `user.created`, `account.created`, `api_token.revoked` (an
    /// [`AuditAction`]; kept as text, so an event of a newer version still reads).
    pub action: String,
    pub target_type: String,
    pub target_id: Option<String>,
    /// The target's name when the event was written (username, account or token name).
    pub target_name: Option<String>,
    /// Non-secret details (names, changed fields); never a password or token.
    pub detail: serde_json::Value,
    /// The previous event's hash (64 zeros before the first), and this one's: the
    /// SHA-256 of its canonical form (docs/decisions/0010-audit-chain.md), lower-case hex.
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// The trail's filters and cursor; every filter is optional and they combine.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only events by this user (id).
    #[serde(default)]
    pub actor: Option<Uuid>,
    #[serde(default)]
    pub action: Option<AuditAction>,
    /// Only events about this user, account or token (id).
    #[serde(default)]
    pub target: Option<Uuid>,
    /// Only events at or after this time (RFC 3339).
    #[serde(default)]
    pub from: Option<DateTime<Utc>>,
    /// Only events before this time (RFC 3339).
    #[serde(default)]
    pub to: Option<DateTime<Utc>>,
    /// Matches the target's name (case-insensitive substring).
    #[serde(default)]
    pub q: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Page size, 1–500; default 50.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A page of the trail, newest first.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEvent>,
    /// Pass as `cursor` for the next (older) page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What a walk of the chain found.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditVerification {
    /// How many events verified, from the first, before the break if there is one.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub verified: u64,
    /// The first broken link; null when the whole trail verifies.
    pub broken_at: Option<BrokenLink>,
    /// The chain's head when the walk began: its last place and hash.
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub head_seq: i64,
    pub head_hash: String,
}

/// Where the chain breaks, and how.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BrokenLink {
    /// The place in the chain that does not verify (null for an event without one).
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub seq: Option<i64>,
    pub reason: BreakReason,
    /// The event there (for `missing`, the first one after the gap; null when the
    /// newest events are gone).
    pub event: Option<AuditEvent>,
}

/// Why a link does not verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreakReason {
    /// The event's content no longer matches its hash: it was edited (or forged).
    Altered,
    /// The event at this place is gone: deleted.
    Missing,
    /// The event does not name the previous event's hash: inserted or moved.
    Unlinked,
    /// The event lies beyond the chain's head: Gatehouse never appended it.
    Inserted,
    /// The event has no place in the chain: written by hand.
    Unchained,
    /// The head's hash is not the last event's: the head or the last event changed.
    HeadMismatch,
}

impl From<AuditRow> for AuditEvent {
    fn from(row: AuditRow) -> Self {
        AuditEvent {
            id: row.id,
            seq: row.seq,
            at: row.at,
            actor_id: row.actor_id,
            actor_name: row.actor_name,
            action: row.action,
            target_type: row.target_type,
            target_id: row.target_id,
            target_name: row.target_name,
            detail: row.detail.0,
            prev_hash: row.prev_hash,
            hash: row.hash,
        }
    }
}

/// What an audit event records. The text is what is stored and shown
/// ([`AuditEvent::action`]): `concept.what_happened`, never to change once written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditAction {
    #[serde(rename = "instance.set_up")]
    InstanceSetUp,
    /// Detail: the settings `before` and `after` (they hold no secret).
    #[serde(rename = "settings.updated")]
    SettingsUpdated,
    #[serde(rename = "signing_key.registered")]
    SigningKeyRegistered,
    #[serde(rename = "account.created")]
    AccountCreated,
    #[serde(rename = "account.updated")]
    AccountUpdated,
    #[serde(rename = "account.status_changed")]
    AccountStatusChanged,
    #[serde(rename = "account.deleted")]
    AccountDeleted,
    #[serde(rename = "user.created")]
    UserCreated,
    #[serde(rename = "user.updated")]
    UserUpdated,
    #[serde(rename = "user.deleted")]
    UserDeleted,
    #[serde(rename = "user.status_changed")]
    UserStatusChanged,
    #[serde(rename = "user.roles_changed")]
    UserRolesChanged,
    #[serde(rename = "user.password_reset")]
    UserPasswordReset,
    #[serde(rename = "user.password_changed")]
    UserPasswordChanged,
    /// The username reached the ceiling of failures in a row and is locked.
    #[serde(rename = "user.locked")]
    UserLocked,
    #[serde(rename = "user.unlocked")]
    UserUnlocked,
    /// Detail: the `source` (`desktop`, or `ip:` and the client's address).
    #[serde(rename = "sign_in.succeeded")]
    SignInSucceeded,
    #[serde(rename = "sign_in.failed")]
    SignInFailed,
    /// A source failed often enough that it must wait before trying again.
    #[serde(rename = "sign_in.source_throttled")]
    SignInSourceThrottled,
    #[serde(rename = "password_change.failed")]
    PasswordChangeFailed,
    #[serde(rename = "api_token.created")]
    ApiTokenCreated,
    /// An admin made a token for another user.
    #[serde(rename = "api_token.created_for_other")]
    ApiTokenCreatedForOther,
    #[serde(rename = "api_token.revoked")]
    ApiTokenRevoked,
    /// The password asked for before making a token was wrong.
    #[serde(rename = "api_token.password_confirmation_failed")]
    ApiTokenPasswordConfirmationFailed,
    /// A right password of a user with a second factor: a challenge was issued.
    #[serde(rename = "sign_in.second_factor_required")]
    SignInSecondFactorRequired,
    #[serde(rename = "second_factor.enrollment_started")]
    SecondFactorEnrollmentStarted,
    #[serde(rename = "second_factor.enrolled")]
    SecondFactorEnrolled,
    /// The user turned their own second factor off.
    #[serde(rename = "second_factor.removed")]
    SecondFactorRemoved,
    /// An admin removed another user's second factor (their sessions ended).
    #[serde(rename = "second_factor.reset")]
    SecondFactorReset,
    /// A wrong password or code when turning one's own second factor off.
    #[serde(rename = "second_factor.check_failed")]
    SecondFactorCheckFailed,
    /// An admin verified the trail; detail: what the walk found.
    #[serde(rename = "audit.verified")]
    AuditVerified,
}

impl AuditAction {
    /// Every action, in the order the Audit screen's filter lists them.
    pub const ALL: &'static [AuditAction] = &[
        AuditAction::InstanceSetUp,
        AuditAction::SettingsUpdated,
        AuditAction::SigningKeyRegistered,
        AuditAction::AccountCreated,
        AuditAction::AccountUpdated,
        AuditAction::AccountStatusChanged,
        AuditAction::AccountDeleted,
        AuditAction::UserCreated,
        AuditAction::UserUpdated,
        AuditAction::UserDeleted,
        AuditAction::UserStatusChanged,
        AuditAction::UserRolesChanged,
        AuditAction::UserPasswordReset,
        AuditAction::UserPasswordChanged,
        AuditAction::UserLocked,
        AuditAction::UserUnlocked,
        AuditAction::SignInSucceeded,
        AuditAction::SignInFailed,
        AuditAction::SignInSourceThrottled,
        AuditAction::PasswordChangeFailed,
        AuditAction::ApiTokenCreated,
        AuditAction::ApiTokenCreatedForOther,
        AuditAction::ApiTokenRevoked,
        AuditAction::ApiTokenPasswordConfirmationFailed,
        AuditAction::SignInSecondFactorRequired,
        AuditAction::SecondFactorEnrollmentStarted,
        AuditAction::SecondFactorEnrolled,
        AuditAction::SecondFactorRemoved,
        AuditAction::SecondFactorReset,
        AuditAction::SecondFactorCheckFailed,
        AuditAction::AuditVerified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::InstanceSetUp => "instance.set_up",
            AuditAction::SettingsUpdated => "settings.updated",
            AuditAction::SigningKeyRegistered => "signing_key.registered",
            AuditAction::AccountCreated => "account.created",
            AuditAction::AccountUpdated => "account.updated",
            AuditAction::AccountStatusChanged => "account.status_changed",
            AuditAction::AccountDeleted => "account.deleted",
            AuditAction::UserCreated => "user.created",
            AuditAction::UserUpdated => "user.updated",
            AuditAction::UserDeleted => "user.deleted",
            AuditAction::UserStatusChanged => "user.status_changed",
            AuditAction::UserRolesChanged => "user.roles_changed",
            AuditAction::UserPasswordReset => "user.password_reset",
            AuditAction::UserPasswordChanged => "user.password_changed",
            AuditAction::UserLocked => "user.locked",
            AuditAction::UserUnlocked => "user.unlocked",
            AuditAction::SignInSucceeded => "sign_in.succeeded",
            AuditAction::SignInFailed => "sign_in.failed",
            AuditAction::SignInSourceThrottled => "sign_in.source_throttled",
            AuditAction::PasswordChangeFailed => "password_change.failed",
            AuditAction::ApiTokenCreated => "api_token.created",
            AuditAction::ApiTokenCreatedForOther => "api_token.created_for_other",
            AuditAction::ApiTokenRevoked => "api_token.revoked",
            AuditAction::ApiTokenPasswordConfirmationFailed => {
                "api_token.password_confirmation_failed"
            }
            AuditAction::SignInSecondFactorRequired => "sign_in.second_factor_required",
            AuditAction::SecondFactorEnrollmentStarted => "second_factor.enrollment_started",
            AuditAction::SecondFactorEnrolled => "second_factor.enrolled",
            AuditAction::SecondFactorRemoved => "second_factor.removed",
            AuditAction::SecondFactorReset => "second_factor.reset",
            AuditAction::SecondFactorCheckFailed => "second_factor.check_failed",
            AuditAction::AuditVerified => "audit.verified",
        }
    }
}

/// The hash before the first event's, and the head's hash of an empty chain.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The version tag that opens every canonical form.
const CANONICAL_VERSION: &str = "gatehouse.audit.v1";

/// How many events a verification reads at a time.
const VERIFY_BATCH: i64 = 10_000;

/// The canonical form of an event (docs/decisions/0010-audit-chain.md): a JSON array
/// without whitespace of the version tag, the place, the id, the time (UTC, RFC 3339,
/// exactly six fractional digits, `Z`), the actor's id and name, action, target type, target id,
/// target name, detail and the previous hash; absent values are `null`, object keys
/// sorted by their UTF-8 bytes, strings escaped as serde_json does.
pub(crate) fn canonical_form(row: &AuditRow) -> String {
    let mut out = String::with_capacity(256);
    out.push('[');
    push_str(&mut out, CANONICAL_VERSION);
    out.push(',');
    match row.seq {
        Some(seq) => out.push_str(&seq.to_string()),
        None => out.push_str("null"),
    }
    out.push(',');
    push_str(&mut out, &row.id.hyphenated().to_string());
    out.push(',');
    push_str(
        &mut out,
        &row.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
    );
    out.push(',');
    push_opt(
        &mut out,
        row.actor_id.map(|a| a.hyphenated().to_string()).as_deref(),
    );
    out.push(',');
    push_opt(&mut out, row.actor_name.as_deref());
    out.push(',');
    push_str(&mut out, &row.action);
    out.push(',');
    push_str(&mut out, &row.target_type);
    out.push(',');
    push_opt(&mut out, row.target_id.as_deref());
    out.push(',');
    push_opt(&mut out, row.target_name.as_deref());
    out.push(',');
    push_json(&mut out, &row.detail.0);
    out.push(',');
    push_opt(&mut out, row.prev_hash.as_deref());
    out.push(']');
    out
}

/// The SHA-256 of the event's canonical form, lower-case hex.
pub(crate) fn event_hash(row: &AuditRow) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(canonical_form(row).as_bytes());
    let mut hex = String::with_capacity(64);
    for byte in digest {
        use std::fmt::Write as _;
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

fn push_str(out: &mut String, text: &str) {
    // Serialising a string cannot fail.
    out.push_str(&serde_json::Value::from(text).to_string());
}

fn push_opt(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => push_str(out, text),
        None => out.push_str("null"),
    }
}

/// Compact JSON with every object's keys sorted, whatever order the map keeps them
/// in (PostgreSQL's `jsonb` reorders them).
fn push_json(out: &mut String, value: &serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort_unstable();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_str(out, key);
                out.push(':');
                push_json(out, &map[key]);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_json(out, item);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// The name of an event's target as it is now: what the trail's search matches.
async fn target_name(
    store: &mut impl Store,
    target_type: &str,
    target_id: Option<&str>,
) -> Result<Option<String>> {
    let Some(id) = target_id else {
        return Ok(None);
    };
    let uuid = Uuid::parse_str(id).ok();
    Ok(match (target_type, uuid) {
        ("user", Some(id)) => store.user(id).await?.map(|u| u.username),
        ("account", Some(id)) => store.account(id).await?.map(|a| a.name),
        ("api_token", Some(id)) => store.api_token(id).await?.map(|t| t.token.name),
        ("instance", _) => store.instance().await?.map(|i| i.organization),
        ("signing_key", _) => Some(id.to_owned()),
        _ => None,
    })
}

/// The actor's username as it is now.
async fn actor_name(store: &mut impl Store, actor: Option<Uuid>) -> Result<Option<String>> {
    Ok(match actor {
        Some(id) => store.user(id).await?.map(|u| u.username),
        None => None,
    })
}

/// Writes one audit event inside the caller's transaction, as the chain's next link.
/// Taking the place locks the chain's head until the transaction ends.
pub(crate) async fn record(
    store: &mut impl Store,
    at: DateTime<Utc>,
    actor: Option<Uuid>,
    action: AuditAction,
    target: (&str, Option<String>),
    detail: serde_json::Value,
) -> Result<()> {
    let target_name = target_name(store, target.0, target.1.as_deref()).await?;
    let actor_name = actor_name(store, actor).await?;
    let head = store.advance_chain_head().await?;
    let mut row = AuditRow {
        id: Uuid::now_v7(),
        seq: Some(head.seq),
        // What PostgreSQL keeps, on both: the hash covers the time as it is read back.
        at: at.trunc_subsecs(6),
        actor_id: actor,
        actor_name,
        action: action.as_str().to_owned(),
        target_type: target.0.to_owned(),
        target_id: target.1,
        target_name,
        detail: Json(detail),
        prev_hash: Some(head.hash),
        hash: None,
    };
    let hash = event_hash(&row);
    row.hash = Some(hash.clone());
    store.insert_audit(&row).await?;
    store.set_chain_head_hash(&hash).await?;
    Ok(())
}

/// Records what a counted failure set off: the source's first wait (its failures just
/// reached the threshold) and the username's lock (its failures just reached the
/// ceiling). Later failures extend them and are in their `sign_in.failed` events.
pub(crate) async fn record_lockouts(
    store: &mut impl Store,
    at: DateTime<Utc>,
    user_id: Uuid,
    source: &SourceKey,
    settings: &crate::Settings,
    counted: Counted,
) -> Result<()> {
    let target = || ("user", Some(user_id.to_string()));
    if counted.source_failures == settings.lockout_threshold {
        let detail = serde_json::json!({
            "source": source.as_str(),
            "failures": counted.source_failures,
            "waits_until": counted.source_waits_until,
        });
        record(
            store,
            at,
            None,
            AuditAction::SignInSourceThrottled,
            target(),
            detail,
        )
        .await?;
    }
    if counted.user_failures == crate::sign_in_throttle::CEILING {
        let detail = serde_json::json!({
            "failures": counted.user_failures,
            "locked_until": counted.user_locked_until,
        });
        record(store, at, None, AuditAction::UserLocked, target(), detail).await?;
    }
    Ok(())
}

/// Chains the events written before migration 0008, oldest first (the data step
/// `audit_chain_v1`, in the caller's transaction). Returns how many.
pub(crate) async fn chain_earlier_events(store: &mut impl Store) -> Result<usize> {
    let rows = store.unchained_events().await?;
    let count = rows.len();
    for mut row in rows {
        row.target_name = target_name(store, &row.target_type, row.target_id.as_deref()).await?;
        row.actor_name = actor_name(store, row.actor_id).await?;
        let head = store.advance_chain_head().await?;
        row.seq = Some(head.seq);
        row.prev_hash = Some(head.hash);
        let hash = event_hash(&row);
        row.hash = Some(hash.clone());
        store.chain_event(&row).await?;
        store.set_chain_head_hash(&hash).await?;
    }
    Ok(count)
}

/// Walks the whole chain, oldest first (see [`Gatehouse::verify_audit_trail`]).
async fn walk(store: &mut impl Store) -> Result<AuditVerification> {
    let head = store.chain_head().await?;
    let mut verification = AuditVerification {
        verified: 0,
        broken_at: None,
        head_seq: head.seq,
        head_hash: head.hash.clone(),
    };
    let broken = |mut v: AuditVerification, seq, reason, row: Option<AuditRow>| {
        v.broken_at = Some(BrokenLink {
            seq,
            reason,
            event: row.map(AuditEvent::from),
        });
        Ok(v)
    };
    let mut expected = 1_i64;
    let mut previous = GENESIS_HASH.to_owned();
    loop {
        let rows = store
            .chained_events(expected - 1, head.seq, VERIFY_BATCH)
            .await?;
        if rows.is_empty() {
            break;
        }
        for row in rows {
            let seq = row.seq.unwrap_or_default();
            if seq != expected {
                return broken(
                    verification,
                    Some(expected),
                    BreakReason::Missing,
                    Some(row),
                );
            }
            if row.prev_hash.as_deref() != Some(previous.as_str()) {
                return broken(verification, Some(seq), BreakReason::Unlinked, Some(row));
            }
            let hash = event_hash(&row);
            if row.hash.as_deref() != Some(hash.as_str()) {
                return broken(verification, Some(seq), BreakReason::Altered, Some(row));
            }
            previous = hash;
            expected += 1;
            verification.verified += 1;
        }
    }
    if expected <= head.seq {
        return broken(verification, Some(expected), BreakReason::Missing, None);
    }
    if previous != head.hash {
        return broken(
            verification,
            Some(head.seq),
            BreakReason::HeadMismatch,
            None,
        );
    }
    if let Some(row) = store.event_beyond_head().await? {
        let seq = row.seq;
        return broken(verification, seq, BreakReason::Inserted, Some(row));
    }
    if let Some(row) = store.unchained_event().await? {
        return broken(verification, None, BreakReason::Unchained, Some(row));
    }
    Ok(verification)
}

impl Gatehouse {
    /// A page of the audit trail, newest first, filtered (admins only).
    pub async fn list_audit_events(
        &self,
        credential: &Credential,
        query: AuditQuery,
    ) -> Result<AuditPage> {
        let filter = audit_filter(query)?;
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            // One more than asked tells whether there is a next page.
            let mut rows = tx
                .audit_events(&AuditFilter {
                    limit: filter.limit + 1,
                    ..filter.clone()
                })
                .await?;
            let more = rows.len() as i64 > filter.limit;
            rows.truncate(filter.limit as usize);
            let next_cursor = more
                .then(|| rows.last().and_then(|r| r.seq).map(|s| s.to_string()))
                .flatten();
            Ok::<_, crate::Error>(AuditPage {
                items: rows.into_iter().map(AuditEvent::from).collect(),
                next_cursor,
            })
        })
    }

    /// Walks the audit trail's chain and reports the first broken link, or that all
    /// events verify (admins only). The verification is itself audited.
    #[tracing::instrument(skip(self, credential), err(level = "info"))]
    pub async fn verify_audit_trail(&self, credential: &Credential) -> Result<AuditVerification> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await.map(drop)
        })?;
        let verification = self.audit_trail_verification().await?;
        let now = self.now();
        transaction!(self.pool(), Mode::Write, |tx| async {
            let caller = self.authorize_admin(tx, credential).await?;
            let broken = verification.broken_at.as_ref();
            let detail = serde_json::json!({
                "verified": verification.verified,
                "head_seq": verification.head_seq,
                "head_hash": verification.head_hash,
                "broken_at_seq": broken.and_then(|b| b.seq),
                "broken_event_id": broken.and_then(|b| b.event.as_ref()).map(|e| e.id),
                "reason": broken.map(|b| b.reason),
            });
            record(
                tx,
                now,
                Some(caller.id),
                AuditAction::AuditVerified,
                ("instance", None),
                detail,
            )
            .await
        })?;
        Ok(verification)
    }

    /// The chain walk without a credential or a record of it: for whoever holds the
    /// database itself (`gatehouse audit verify --database-url`).
    pub async fn audit_trail_verification(&self) -> Result<AuditVerification> {
        transaction!(self.pool(), Mode::Read, |tx| async { walk(tx).await })
    }
}

/// The query as the statement's filter, every bad field reported at once.
fn audit_filter(query: AuditQuery) -> Result<AuditFilter> {
    let mut errors = FieldErrors::default();
    let pattern = match query.q.as_deref().map(str::trim) {
        Some(q) if q.chars().any(char::is_control) => {
            errors.push(FieldError::new(
                "q",
                "invalid_characters",
                "Search text cannot contain control characters.",
            ));
            None
        }
        Some(q) if q.chars().count() > 200 => {
            errors.push(FieldError::new(
                "q",
                "too_long",
                "Search text can be at most 200 characters.",
            ));
            None
        }
        Some(q) if !q.is_empty() => Some(crate::user::like_pattern(q)),
        _ => None,
    };
    let before_seq = match query.cursor.as_deref() {
        None => None,
        Some(cursor) => match cursor.parse::<i64>() {
            Ok(seq) if seq > 0 => Some(seq),
            _ => {
                errors.push(FieldError::new(
                    "cursor",
                    "invalid",
                    "This is not a cursor of the audit trail.",
                ));
                None
            }
        },
    };
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            errors.push(FieldError::new(
                "to",
                "before_from",
                "The end of the time range must not be before its start.",
            ));
        }
    }
    if query.limit.is_some_and(|l| !(1..=500).contains(&l)) {
        errors.push(FieldError::new(
            "limit",
            "out_of_range",
            "The page size must be between 1 and 500.",
        ));
    }
    errors.finish()?;
    Ok(AuditFilter {
        actor_id: query.actor,
        action: query.action.map(|a| a.as_str().to_owned()),
        target_id: query.target.map(|t| t.hyphenated().to_string()),
        from: query.from,
        to: query.to,
        pattern,
        before_seq,
        limit: i64::from(query.limit.unwrap_or(50)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_serialises_as_its_stored_text_and_is_listed() {
        for action in AuditAction::ALL {
            assert_eq!(
                serde_json::to_value(action).unwrap(),
                serde_json::Value::from(action.as_str())
            );
        }
        let mut texts: Vec<_> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        texts.sort_unstable();
        texts.dedup();
        assert_eq!(texts.len(), AuditAction::ALL.len());
    }

    fn row(detail: serde_json::Value) -> AuditRow {
        AuditRow {
            id: Uuid::parse_str("0190c0de-0000-7000-8000-000000000001").unwrap(),
            seq: Some(7),
            at: DateTime::parse_from_rfc3339("2026-12-04T19:04:29.123456789Z")
                .unwrap()
                .to_utc(),
            actor_id: None,
            actor_name: None,
            action: "user.created".into(),
            target_type: "user".into(),
            target_id: Some("u-1".into()),
            target_name: Some("gr\"ace".into()),
            detail: Json(detail),
            prev_hash: Some(GENESIS_HASH.into()),
            hash: None,
        }
    }

    #[test]
    fn the_canonical_form_is_compact_sorted_and_microsecond_exact() {
        let form = canonical_form(&row(
            serde_json::json!({ "b": [1, { "z": true, "a": null }], "a": "x" }),
        ));
        assert_eq!(
            form,
            format!(
                r#"["gatehouse.audit.v1",7,"0190c0de-0000-7000-8000-000000000001","2026-12-04T19:04:29.123456Z",null,null,"user.created","user","u-1","gr\"ace",{{"a":"x","b":[1,{{"a":null,"z":true}}]}},"{GENESIS_HASH}"]"#
            )
        );
    }

    #[test]
    fn the_hash_is_sha256_hex_of_the_canonical_form_and_sees_every_field() {
        let base = row(serde_json::json!({}));
        let hash = event_hash(&base);
        assert_eq!(hash.len(), 64);
        assert!(hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        let mut other = base.clone();
        other.target_name = None;
        assert_ne!(event_hash(&other), hash);
        let mut other = base.clone();
        other.prev_hash = Some("1".repeat(64));
        assert_ne!(event_hash(&other), hash);
    }

    #[test]
    fn the_stored_text_of_an_action_is_concept_dot_event() {
        assert_eq!(AuditAction::UserCreated.as_str(), "user.created");
        assert_eq!(
            AuditAction::ApiTokenCreatedForOther.as_str(),
            "api_token.created_for_other"
        );
        assert_eq!(AuditAction::InstanceSetUp.as_str(), "instance.set_up");
    }
}
