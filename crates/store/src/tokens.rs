//! API tokens: made here from 32 random bytes of the OS, shown once to whoever asked for them,
//! stored only as their SHA-256 with an owner, a name and created / last-used / revoked times.
//! A token acts with its owner's current role, so demoting a user demotes their tokens.

use crate::accounts::{USER_COLUMNS, token_hash, user_from};
use crate::{Store, StoreError, User, now, params};
use serde::Serialize;

/// What every token starts with: tells people (and secret scanners) what leaked.
pub const TOKEN_PREFIX: &str = "tdg_";

/// How stale `last_used_at` may get before a request writes it again: a busy client should not
/// turn every read into a write.
const LAST_USED_PRECISION_SECS: i64 = 60;

/// A token as listed: never the token itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub owner_email: String,
    pub name: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

/// Whether `token` has the shape of one this module makes (checked before any query).
pub fn well_formed_token(token: &str) -> bool {
    token.strip_prefix(TOKEN_PREFIX).is_some_and(|hex| {
        hex.len() == 64
            && hex
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    })
}

fn new_token() -> Result<String, StoreError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| StoreError::Invalid(format!("the OS random source failed: {e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", hex::encode(bytes)))
}

const TOKEN_COLUMNS: &str =
    "t.id, t.user_id, u.email, t.name, t.created_at, t.last_used_at, t.revoked_at";

fn token_from(r: &crate::sql::Row) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: r.i64(0)?,
        user_id: r.i64(1)?,
        owner_email: r.text(2)?,
        name: r.text(3)?,
        created_at: r.i64(4)?,
        last_used_at: r.opt_i64(5)?,
        revoked_at: r.opt_i64(6)?,
    })
}

impl Store {
    /// Makes a token for `user_id` named `name`; returns it listed and the token itself, which
    /// is not stored and cannot be shown again.
    pub fn create_api_token(
        &self,
        user_id: i64,
        name: &str,
    ) -> Result<(ApiToken, String), StoreError> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
            return Err(StoreError::Invalid(
                "a token name has 1 to 100 characters, no control characters".into(),
            ));
        }
        let token = new_token()?;
        let listed = self.write(|tx| {
            let id = tx
                .query_one(
                    "INSERT INTO api_tokens (token_hash, user_id, name, created_at)
                     VALUES (?, ?, ?, ?) RETURNING id",
                    params![token_hash(&token), user_id, name, now()],
                )?
                .i64(0)?;
            load(tx, id)
        })?;
        Ok((listed, token))
    }

    /// Tokens, newest first: of one user, or everyone's.
    pub fn api_tokens(&self, user_id: Option<i64>) -> Result<Vec<ApiToken>, StoreError> {
        self.read(|c| {
            c.query(
                &format!(
                    "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
                     WHERE CAST(? AS BIGINT) IS NULL OR t.user_id = ? ORDER BY t.id DESC"
                ),
                params![user_id, user_id],
            )?
            .iter()
            .map(token_from)
            .collect()
        })
    }

    /// Revokes token `id` (only if `owner` owns it, when given). Revoking twice keeps the
    /// first time. `NotFound` for a token that does not exist or is someone else's.
    pub fn revoke_api_token(&self, id: i64, owner: Option<i64>) -> Result<ApiToken, StoreError> {
        self.write(|tx| {
            let changed = tx.execute(
                "UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?)
                 WHERE id = ? AND (CAST(? AS BIGINT) IS NULL OR user_id = ?)",
                params![now(), id, owner, owner],
            )?;
            if changed == 0 {
                return Err(StoreError::NotFound(format!("API token {id}")));
            }
            load(tx, id)
        })
    }

    /// The owner of a live (known, unrevoked) token, as they are now; notes the use.
    pub fn api_token_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        if !well_formed_token(token) {
            return Ok(None);
        }
        let hash = token_hash(token);
        let t = now();
        let found = self.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT t.id, t.last_used_at, {} FROM api_tokens t
                     JOIN users u ON u.id = t.user_id
                     WHERE t.token_hash = ? AND t.revoked_at IS NULL",
                    prefixed_user_columns()
                ),
                params![&hash],
            )
        })?;
        let Some(row) = found else {
            return Ok(None);
        };
        let (id, last_used) = (row.i64(0)?, row.opt_i64(1)?);
        let user = user_from(&crate::sql::Row(row.0[2..].to_vec()))?;
        if last_used.is_none_or(|at| t - at >= LAST_USED_PRECISION_SECS) {
            self.write(|tx| {
                tx.execute(
                    "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                    params![t, id],
                )
                .map(|_| ())
            })?;
        }
        Ok(Some(user))
    }
}

fn prefixed_user_columns() -> String {
    USER_COLUMNS
        .split(", ")
        .map(|col| format!("u.{col}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn load(tx: &mut dyn crate::sql::Exec, id: i64) -> Result<ApiToken, StoreError> {
    let r = tx
        .query_opt(
            &format!(
                "SELECT {TOKEN_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.id = ?"
            ),
            params![id],
        )?
        .ok_or_else(|| StoreError::NotFound(format!("API token {id}")))?;
    token_from(&r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tokens_of_our_shape_are_looked_up() {
        let t = new_token().unwrap();
        assert!(well_formed_token(&t), "{t}");
        assert_ne!(t, new_token().unwrap());
        assert!(!well_formed_token(&t.to_uppercase()));
        assert!(!well_formed_token(&t[4..]));
        assert!(!well_formed_token("tdg_"));
        assert!(!well_formed_token(&format!("{t}0")));
    }
}
