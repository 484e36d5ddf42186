use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::login_key::login_key;
use crate::store::users::{self, UserFilter, UserKeysRow, UserRow, UserStore};
use crate::store::{Sql, Tx};

impl UserStore for Tx<Db> {
    async fn insert_user(&mut self, row: &UserRow) -> Sql<()> {
        sqlx::query(users::INSERT_USER)
            .bind(row.id)
            .bind(row.account_id)
            .bind(&row.username)
            .bind(login_key(&row.username))
            .bind(&row.email)
            .bind(row.email.as_deref().map(login_key))
            .bind(&row.first_name)
            .bind(&row.last_name)
            .bind(&row.business_role)
            .bind(&row.status)
            .bind(row.email_confirmed_at)
            .bind(&row.preferences)
            .bind(&row.password_hash)
            .bind(row.must_change_password)
            .bind(row.role_admin)
            .bind(row.role_editor)
            .bind(row.role_viewer)
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

    async fn taken(&mut self, username_key: &str, email_key: Option<&str>) -> Sql<(bool, bool)> {
        let (username, email): (i64, i64) = sqlx::query_as(users::TAKEN)
            .bind(username_key)
            .bind(email_key)
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
        sqlx::query_as(users::USERS)
            .bind(&filter.pattern)
            .bind(filter.role)
            .bind(filter.status)
            .bind(&filter.after)
            .bind(filter.limit)
            .fetch_all(&mut *self.0)
            .await
    }

    async fn count_users(&mut self, filter: &UserFilter) -> Sql<i64> {
        sqlx::query_scalar(users::COUNT_USERS)
            .bind(&filter.pattern)
            .bind(filter.role)
            .bind(filter.status)
            .fetch_one(&mut *self.0)
            .await
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

    async fn update_status(&mut self, id: Uuid, status: &str, now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::UPDATE_STATUS)
            .bind(id)
            .bind(status)
            .bind(now)
            .execute(&mut *self.0)
            .await?;
        Ok(())
    }

    async fn update_roles(&mut self, id: Uuid, roles: [bool; 3], now: DateTime<Utc>) -> Sql<()> {
        sqlx::query(users::UPDATE_ROLES)
            .bind(id)
            .bind(roles[0])
            .bind(roles[1])
            .bind(roles[2])
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
}
