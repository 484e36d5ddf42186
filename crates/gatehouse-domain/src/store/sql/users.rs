use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::Db;
use crate::login_key::UserKeys;
use crate::store::users::{
    self, Access, Bind, Dialect, ProfileUpdate, UserFilter, UserKeysRow, UserRow, UserStore,
};
use crate::store::{Sql, Tx};
use crate::user::{Role, Roles, UserStatus};

impl UserStore for Tx<Db> {
    async fn insert_user(&mut self, row: &UserRow, keys: &UserKeys) -> Sql<()> {
        sqlx::query(users::INSERT_USER)
            .bind(row.id)
            .bind(row.account_id)
            .bind(&row.username)
            .bind(keys.username())
            .bind(&row.email)
            .bind(keys.email())
            .bind(&row.first_name)
            .bind(&row.last_name)
            .bind(&row.business_role)
            .bind(row.status.as_str())
            .bind(row.email_confirmed_at)
            .bind(&row.preferences)
            .bind(&row.password_hash)
            .bind(row.must_change_password)
            .bind(row.roles.contains(Role::Admin))
            .bind(row.roles.contains(Role::Editor))
            .bind(row.roles.contains(Role::Viewer))
            .bind(row.created_at)
            .bind(row.created_by)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn user(&mut self, id: Uuid) -> Sql<Option<UserRow>> {
        sqlx::query_as(users::USER)
            .bind(id)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn user_by_login(&mut self, key: &str) -> Sql<Option<UserRow>> {
        sqlx::query_as(users::USER_BY_LOGIN)
            .bind(key)
            .fetch_optional(&mut *self.0)
            .await
    }

    async fn taken(&mut self, keys: &UserKeys) -> Sql<(bool, bool)> {
        let (username, email): (i64, i64) = sqlx::query_as(users::TAKEN)
            .bind(keys.username())
            .bind(keys.email())
            .fetch_one(&mut *self.0)
            .await?;
        Ok((username > 0, email > 0))
    }

    async fn username_keys_with_prefix(&mut self, prefix: &str) -> Sql<Vec<String>> {
        let length = i32::try_from(prefix.chars().count()).unwrap_or(i32::MAX);
        sqlx::query_scalar(users::USERNAME_KEYS_WITH_PREFIX)
            .bind(prefix)
            .bind(length)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn user_keys(&mut self) -> Sql<Vec<UserKeysRow>> {
        sqlx::query_as(users::USER_KEYS)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn set_user_keys(
        &mut self,
        id: Uuid,
        username_key: &str,
        email_key: Option<&str>,
    ) -> Sql<()> {
        sqlx::query(users::SET_USER_KEYS)
            .bind(id)
            .bind(username_key)
            .bind(email_key)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn users(&mut self, filter: &UserFilter) -> Sql<Vec<UserRow>> {
        let access = access(self, filter).await?;
        let statement = users::users_statement(filter, dialect(), access);
        let mut query = sqlx::query_as(&statement.sql).persistent(false);
        for bind in statement.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(int) => query.bind(int),
            };
        }
        query.fetch_all(&mut *self.0).await
    }

    async fn users_of_account(&mut self, account_id: Uuid, limit: i64) -> Sql<Vec<UserRow>> {
        sqlx::query_as(users::USERS_OF_ACCOUNT)
            .bind(account_id)
            .bind(limit)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn count_users(&mut self, filter: &UserFilter) -> Sql<i64> {
        let statement = users::count_users_statement(filter, dialect());
        let mut query = sqlx::query_scalar(&statement.sql).persistent(false);
        for bind in statement.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(int) => query.bind(int),
            };
        }
        query.fetch_one(&mut *self.0).await
    }

    async fn explain_users(&mut self, filter: &UserFilter) -> Sql<Vec<String>> {
        let access = access(self, filter).await?;
        let mut lines = vec![format!("page ({access:?}):")];
        for statement in [
            users::users_statement(filter, dialect(), access),
            users::count_users_statement(filter, dialect()),
        ] {
            let sql = match dialect() {
                Dialect::Sqlite => format!("explain query plan {}", statement.sql),
                Dialect::Postgres => format!("explain (analyze, costs off) {}", statement.sql),
            };
            let mut query = sqlx::query(&sql).persistent(false);
            for bind in statement.binds {
                query = match bind {
                    Bind::Text(text) => query.bind(text),
                    Bind::Int(int) => query.bind(int),
                };
            }
            for row in query.fetch_all(&mut *self.0).await? {
                // SQLite: (id, parent, notused, detail); PostgreSQL: one text column.
                let column = if dialect() == Dialect::Sqlite { 3 } else { 0 };
                lines.push(format!("  {}", row.try_get::<String, _>(column)?));
            }
            lines.push("count:".to_owned());
        }
        lines.pop();
        Ok(lines)
    }

    async fn count_active_admins(&mut self) -> Sql<i64> {
        sqlx::query_scalar(users::COUNT_ACTIVE_ADMINS)
            .fetch_one(&mut *self.0)
            .await
    }

    async fn lock_admin_changes(&mut self) -> Sql<()> {
        sqlx::query(users::LOCK_ADMIN_CHANGES)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn update_status(&mut self, id: Uuid, status: UserStatus, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::UPDATE_STATUS)
            .bind(id)
            .bind(status.as_str())
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn update_roles(&mut self, id: Uuid, roles: Roles, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::UPDATE_ROLES)
            .bind(id)
            .bind(roles.contains(Role::Admin))
            .bind(roles.contains(Role::Editor))
            .bind(roles.contains(Role::Viewer))
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn update_password(
        &mut self,
        id: Uuid,
        hash: &str,
        temporary: bool,
        now: DateTime<Utc>,
    ) -> Sql<()> {
        sqlx::query(users::UPDATE_PASSWORD)
            .bind(id)
            .bind(hash)
            .bind(temporary)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn update_profile(
        &mut self,
        id: Uuid,
        profile: &ProfileUpdate,
        keys: &UserKeys,
        expected: i32,
        now: DateTime<Utc>,
    ) -> Sql<bool> {
        let done = sqlx::query(users::UPDATE_PROFILE)
            .bind(id)
            .bind(&profile.username)
            .bind(keys.username())
            .bind(&profile.email)
            .bind(keys.email())
            .bind(profile.email_confirmed_at)
            .bind(&profile.first_name)
            .bind(&profile.last_name)
            .bind(&profile.business_role)
            .bind(&profile.preferences)
            .bind(expected)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn taken_by_others(&mut self, keys: &UserKeys, id: Uuid) -> Sql<(bool, bool)> {
        let (username, email): (i64, i64) = sqlx::query_as(users::TAKEN_BY_OTHERS)
            .bind(keys.username())
            .bind(keys.email())
            .bind(id)
            .fetch_one(&mut *self.0)
            .await?;
        Ok((username > 0, email > 0))
    }

    async fn record_sign_in(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::RECORD_SIGN_IN)
            .bind(id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn end_sessions(&mut self, id: Uuid, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::END_SESSIONS)
            .bind(id)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn delete_user(&mut self, id: Uuid) -> Sql<u64> {
        for statement in [
            users::FORGET_USER_AS_CREATOR,
            users::FORGET_USER_AS_TOKEN_CREATOR,
        ] {
            sqlx::query(statement)
                .bind(id)
                .execute(&mut *self.0)
                .await?;
        }
        let tokens = sqlx::query(users::DELETE_USER_API_TOKENS)
            .bind(id)
            .execute(&mut *self.0)
            .await?
            .rows_affected();
        for statement in [
            users::DELETE_USER_THROTTLES,
            users::DELETE_USER_IDEMPOTENCY_KEYS,
            users::DELETE_USER,
        ] {
            sqlx::query(statement)
                .bind(id)
                .execute(&mut *self.0)
                .await?;
        }
        Ok(tokens)
    }
}

/// Which database `Db` is: the list's search differs between them.
fn dialect() -> Dialect {
    if <Db as sqlx::Database>::NAME == <sqlx::Sqlite as sqlx::Database>::NAME {
        Dialect::Sqlite
    } else {
        Dialect::Postgres
    }
}

/// How a page of `filter` reaches its rows: a search term with a trigram first asks
/// how many candidates it has (cheap: it stops past the limit), and sorts them only if
/// there are few. SQLite asks its FTS5 table; PostgreSQL counts the matches, which its
/// planner finds through the trigram bitmaps when there is no order to keep.
async fn access(tx: &mut Tx<Db>, filter: &UserFilter) -> Sql<Access> {
    let Some(phrase) = filter.search.as_ref().and_then(|s| s.phrase.as_ref()) else {
        return Ok(Access::Walk);
    };
    let candidates: i64 = match dialect() {
        Dialect::Sqlite => {
            sqlx::query_scalar(users::SEARCH_CANDIDATES)
                .bind(phrase)
                .bind(users::MOST_CANDIDATES_TO_SORT + 1)
                .fetch_one(&mut *tx.0)
                .await?
        }
        Dialect::Postgres => {
            let statement = users::capped_count_statement(
                filter,
                Dialect::Postgres,
                users::MOST_CANDIDATES_TO_SORT + 1,
            );
            let mut query = sqlx::query_scalar(&statement.sql).persistent(false);
            for bind in statement.binds {
                query = match bind {
                    Bind::Text(text) => query.bind(text),
                    Bind::Int(int) => query.bind(int),
                };
            }
            query.fetch_one(&mut *tx.0).await?
        }
    };
    Ok(if candidates > users::MOST_CANDIDATES_TO_SORT {
        Access::Walk
    } else {
        Access::Candidates
    })
}
