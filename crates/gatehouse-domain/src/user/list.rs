//! Reading users: one user, and the list that admins search, filter and page.

use uuid::Uuid;

use super::{Page, UserQuery, UserView};
use crate::auth::Credential;
use crate::error::{Error, Result};
use crate::fields::{FieldError, FieldErrors};
use crate::gatehouse::Gatehouse;
use crate::store::{transaction, Mode, UserFilter, UserStore};

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
        let filter = UserFilter {
            pattern: query
                .search
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(like_pattern),
            role: query.role,
            status: query.status,
            after: query.after.map(|a| a.to_ascii_lowercase()),
            limit: i64::from(query.limit.unwrap_or(25).clamp(1, 100)),
        };
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
            let total = tx.count_users(&filter).await?;
            let next_cursor = more
                .then(|| rows.last().map(|r| r.username.to_ascii_lowercase()))
                .flatten();
            Ok::<_, Error>(Page {
                items: rows.into_iter().map(UserView::from).collect(),
                total: total as u64,
                next_cursor,
            })
        })
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
}
