//! One-time data steps that follow the migrations because SQL cannot do them.
//!
//! `login_keys_v2`: the unique keys of usernames and emails were the lower-cased text;
//! they are now [`login_key`](crate::login_key::login_key)'s NFKC + case-fold + UTS #46 form. ASCII usernames and
//! addresses keep their key; others (a fullwidth or accented address, `ß`) get the new
//! one, so sign-in and the uniqueness check find them by it. Two existing users whose
//! new keys collide (a lookalike registered before the fix) cannot both hold it: the
//! older keeps it, the newer keeps its old key (and stays reachable by its username);
//! the step says how many in the log, without names, for an admin to resolve.
//!
//! `audit_chain_v1`: the audit events written before migration 0008 take their places
//! in the audit chain, oldest first (see `crate::audit::chain_earlier_events`).
//!
//! Each step runs in one transaction at connect, claimed in `data_steps` first, so
//! several desktops connecting at once run it exactly once.

use std::collections::HashSet;

use crate::error::{Error, Result};
use crate::gatehouse::Gatehouse;
use crate::login_key::UserKeys;
use crate::store::{transaction, DataStepStore, Mode, UserKeysRow, UserStore};

const LOGIN_KEYS_V2: &str = "login_keys_v2";
const AUDIT_CHAIN_V1: &str = "audit_chain_v1";

impl Gatehouse {
    /// Runs the data steps not yet run on this database.
    #[tracing::instrument(skip_all, err(level = "warn"))]
    pub(crate) async fn run_data_steps(&self) -> Result<()> {
        let now = self.now();
        let collisions = transaction!(self.pool(), Mode::Write, |tx| async {
            if !tx.claim_data_step(LOGIN_KEYS_V2, now).await? {
                return Ok::<_, Error>(0);
            }
            let rows = tx.user_keys().await?;
            let (changes, collisions) = new_keys(&rows);
            // Every changed key first moves to a placeholder no real key can equal
            // (it has no '@' and a uuid), so swapping keys between rows cannot
            // collide half-way.
            for (id, _, _) in &changes {
                let placeholder = format!("#rekey-{id}");
                let email_placeholder = format!("#rekey-email-{id}");
                tx.set_user_keys(*id, &placeholder, Some(&email_placeholder))
                    .await?;
            }
            for (id, username_key, email_key) in &changes {
                tx.set_user_keys(*id, username_key, email_key.as_deref())
                    .await?;
            }
            Ok(collisions)
        })?;
        let chained = transaction!(self.pool(), Mode::Write, |tx| async {
            if !tx.claim_data_step(AUDIT_CHAIN_V1, now).await? {
                return Ok::<_, Error>(0);
            }
            crate::audit::chain_earlier_events(tx).await
        })?;
        if chained > 0 {
            tracing::info!(
                chained,
                "chained the audit events written before migration 0008"
            );
        }
        if collisions > 0 {
            tracing::warn!(
                collisions,
                "users whose username or email now reads the same as an older user's keep their old key; rename them"
            );
        }
        Ok(())
    }
}

type KeyChange = (uuid::Uuid, String, Option<String>);

/// The rows whose keys change, with their new keys, and how many rows keep another
/// key because an older row holds their new one. `rows` are oldest first; each takes
/// its new key if free, else its old key if free, else a placeholder (reachable by
/// its other login only; it cannot happen unless the old keys themselves clash).
fn new_keys(rows: &[UserKeysRow]) -> (Vec<KeyChange>, usize) {
    let mut collisions = 0;
    let mut taken_usernames = HashSet::new();
    let mut taken_emails = HashSet::new();
    let mut changes = Vec::new();
    for row in rows {
        let mut pick = |new: String, old: &str, kind: &str, taken: &mut HashSet<String>| {
            if taken.insert(new.clone()) {
                return new;
            }
            collisions += 1;
            let fallback = if taken.contains(old) {
                format!("#rekey-{kind}-{}", row.id)
            } else {
                old.to_owned()
            };
            taken.insert(fallback.clone());
            fallback
        };
        let new = UserKeys::of(&row.username, row.email.as_deref());
        let username_key = pick(
            new.username().to_owned(),
            &row.username_key,
            "username",
            &mut taken_usernames,
        );
        let email_key = new.email().map(|email_key| {
            pick(
                email_key.to_owned(),
                row.email_key.as_deref().unwrap_or_default(),
                "email",
                &mut taken_emails,
            )
        });
        if username_key != row.username_key || email_key != row.email_key {
            changes.push((row.id, username_key, email_key));
        }
    }
    (changes, collisions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn row(username: &str, email: Option<&str>) -> UserKeysRow {
        UserKeysRow {
            id: Uuid::now_v7(),
            username: username.to_owned(),
            username_key: username.to_lowercase(),
            email: email.map(str::to_owned),
            email_key: email.map(str::to_lowercase),
        }
    }

    #[test]
    fn ascii_users_keep_their_keys() {
        let rows = [row("Ada", Some("Ada@Example.com")), row("bob", None)];
        assert_eq!(new_keys(&rows), (vec![], 0));
    }

    #[test]
    fn a_fullwidth_address_gets_the_plain_key_unless_an_older_user_holds_it() {
        let rows = [
            row("plain", Some("plainmail@example.com")),
            row("wide", Some("ｐlainmail@example.com")),
            row("lone", Some("ｌone@example.com")),
        ];
        let (changes, collisions) = new_keys(&rows);
        assert_eq!(collisions, 1);
        assert_eq!(
            changes,
            vec![(
                rows[2].id,
                "lone".to_owned(),
                Some("lone@example.com".to_owned())
            )]
        );
    }
}
