//! Reading users: one user, and the list that admins search, filter and page.

use uuid::Uuid;

use super::{Page, UserQuery, UserView};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::store::{transaction, Mode, Search, UserFilter, UserStore, COUNT_CAP};

impl Gatehouse {
    /// One user (admins only).
    pub async fn get_user(&self, credential: &Credential, id: Uuid) -> Result<UserView> {
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            Ok::<_, Error>(UserView::from(
                tx.user(id).await?.ok_or(Error::NotFound("user"))?,
            ))
        })
    }

    /// Searches, filters and pages the users, ordered by username (admins only).
    pub async fn list_users(
        &self,
        credential: &Credential,
        query: UserQuery,
    ) -> Result<Page<UserView>> {
        let mut errors = FieldErrors::default();
        for (field, value) in [("search", &query.search), ("after", &query.after)] {
            if value.as_deref().is_some_and(|v| v.contains('\0')) {
                errors.push(FieldError::new(
                    field,
                    "invalid_characters",
                    "Search text cannot contain NUL characters.",
                ));
            }
        }
        errors.finish()?;
        let filter = user_filter(query);
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            // One more than asked tells whether there is a next page.
            let mut rows = tx
                .users(&UserFilter {
                    limit: filter.limit + 1,
                    ..filter.clone()
                })
                .await?;
            let more = rows.len() as i64 > filter.limit;
            rows.truncate(filter.limit as usize);
            // Counted up to a cap: a page of 100,000 users never counts them all.
            let counted = tx.count_users(&filter).await?;
            let next_cursor = more
                .then(|| rows.last().map(|r| r.username.to_ascii_lowercase()))
                .flatten();
            Ok::<_, Error>(Page {
                items: rows.into_iter().map(UserView::from).collect(),
                total: counted.min(COUNT_CAP) as u64,
                total_exact: counted <= COUNT_CAP,
                next_cursor,
            })
        })
    }
}

/// The store's filter for a query (checked already).
fn user_filter(query: UserQuery) -> UserFilter {
    UserFilter {
        search: query
            .search
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(search),
        role: query.role,
        status: query.status,
        after: query.after.map(|a| a.to_ascii_lowercase()),
        limit: i64::from(query.limit.unwrap_or(25).clamp(1, 100)),
    }
}

impl Gatehouse {
    /// The query plans of what [`Gatehouse::list_users`] runs for `query` (admins
    /// only), as the database prints them. For the scale bench; not an operation.
    #[doc(hidden)]
    pub async fn explain_list_users(
        &self,
        credential: &Credential,
        query: UserQuery,
    ) -> Result<Vec<String>> {
        let filter = user_filter(query);
        transaction!(self.pool(), Mode::Write, |tx| async {
            self.authorize_admin(tx, credential).await?;
            Ok::<_, Error>(tx.explain_users(&filter).await?)
        })
    }
}

/// A search term as the statements use it: the LIKE pattern every match satisfies,
/// and the phrase of trigrams SQLite's search index finds candidates with (a term
/// needs three characters to have a trigram). Any part of the term finds a superset
/// of its matches, which the pattern then rechecks: an email-looking term looks up
/// its local part alone, as the domain's trigrams are in nearly every address.
fn search(search: &str) -> Search {
    let term = search.trim().to_lowercase();
    let local_part = term.split_once('@').map(|(local, _)| local);
    let looked_up = local_part
        .filter(|local| local.chars().count() >= 3)
        .unwrap_or(&term);
    Search {
        pattern: like_pattern(search),
        phrase: (looked_up.chars().count() >= 3)
            .then(|| format!("\"{}\"", looked_up.replace('"', "\"\""))),
    }
}

/// A search as a LIKE pattern: lower-cased (the statement lowers what it compares),
/// its wildcards escaped, wrapped in `%`.
pub(crate) fn like_pattern(search: &str) -> String {
    let escaped: String = search
        .trim()
        .to_lowercase()
        .chars()
        .flat_map(|c| match c {
            '%' | '_' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect();
    format!("%{escaped}%")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern(" A_b% "), r"%a\_b\%%");
    }

    #[test]
    fn a_phrase_quotes_its_quotes_and_needs_three_characters() {
        assert_eq!(search(r#" O"Br "#).phrase.as_deref(), Some(r#""o""br""#));
        assert_eq!(search(" ab ").phrase, None);
        assert_eq!(search("äöü").phrase.as_deref(), Some("\"äöü\""));
    }

    #[test]
    fn an_email_looking_term_looks_up_its_local_part() {
        let email = search("Grace.Hopper@Example.com");
        assert_eq!(email.phrase.as_deref(), Some("\"grace.hopper\""));
        assert_eq!(email.pattern, "%grace.hopper@example.com%");
        assert_eq!(
            search("ab@example.com").phrase.as_deref(),
            Some("\"ab@example.com\"")
        );
    }
}
