//! Accounts: users and their roles, sessions, failed sign-ins and lock-out, password resets.
//! Only hashes are stored — of passwords (argon2, made by the caller) and of session and reset
//! tokens (SHA-256 here), so a copy of the database opens no account.

use crate::{Store, StoreError, now, params};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// What a user may do: readers comment and report, moderators also moderate, admins also
/// administer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Reader,
    Moderator,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Moderator => "moderator",
            Role::Admin => "admin",
        }
    }

    pub fn can_moderate(self) -> bool {
        self >= Role::Moderator
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, StoreError> {
        match s {
            "reader" => Ok(Role::Reader),
            "moderator" => Ok(Role::Moderator),
            "admin" => Ok(Role::Admin),
            other => Err(StoreError::Invalid(format!(
                "role {other:?}: use reader, moderator or admin"
            ))),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub created_at: i64,
}

/// What signing in needs to know about an address.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub locked_until: Option<i64>,
}

/// SHA-256 of a token, hex: what is stored in place of session and reset tokens.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub(crate) const USER_COLUMNS: &str = "id, email, display_name, role, created_at";

pub(crate) fn user_from(r: &crate::sql::Row) -> Result<User, StoreError> {
    Ok(User {
        id: r.i64(0)?,
        email: r.text(1)?,
        display_name: r.text(2)?,
        role: r.text(3)?.parse()?,
        created_at: r.i64(4)?,
    })
}

/// Addresses compare without case: "Ada@Example.org" and "ada@example.org" are one account.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

impl Store {
    /// Creates an account; `Conflict` when the address already has one.
    pub fn create_user(
        &self,
        email: &str,
        display_name: &str,
        password_hash: &str,
        role: Role,
    ) -> Result<User, StoreError> {
        let email = normalize_email(email);
        self.write(|tx| {
            if tx
                .query_opt("SELECT id FROM users WHERE email = ?", params![&email])?
                .is_some()
            {
                return Err(StoreError::Conflict(
                    "an account with this address exists".into(),
                ));
            }
            let r = tx.query_one(
                &format!(
                    "INSERT INTO users (email, display_name, password_hash, role, created_at)
                     VALUES (?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
                ),
                params![
                    &email,
                    display_name.trim(),
                    password_hash,
                    role.as_str(),
                    now()
                ],
            )?;
            user_from(&r)
        })
    }

    pub fn credentials(&self, email: &str) -> Result<Option<Credentials>, StoreError> {
        let email = normalize_email(email);
        self.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {USER_COLUMNS}, password_hash, locked_until FROM users WHERE email = ?"
                ),
                params![&email],
            )?
            .map(|r| {
                Ok(Credentials {
                    user: user_from(&r)?,
                    password_hash: r.text(5)?,
                    locked_until: r.opt_i64(6)?,
                })
            })
            .transpose()
        })
    }

    pub fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        Ok(self.credentials(email)?.map(|c| c.user))
    }

    /// Counts a failed sign-in; the `lock_after`th in a row locks the account for
    /// `lock_secs`. Returns whether the account is now locked.
    pub fn record_failed_login(
        &self,
        user_id: i64,
        lock_after: i64,
        lock_secs: i64,
    ) -> Result<bool, StoreError> {
        self.write(|tx| {
            let failed = tx
                .query_one(
                    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ?
                     RETURNING failed_logins",
                    params![user_id],
                )?
                .i64(0)?;
            if failed >= lock_after {
                tx.execute(
                    "UPDATE users SET locked_until = ?, failed_logins = 0 WHERE id = ?",
                    params![now() + lock_secs, user_id],
                )?;
                return Ok(true);
            }
            Ok(false)
        })
    }

    /// A successful sign-in: clears failures and opens a session under `token`'s hash.
    pub fn start_session(
        &self,
        user_id: i64,
        token: &str,
        ttl_secs: i64,
    ) -> Result<(), StoreError> {
        let t = now();
        self.write(|tx| {
            tx.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = ?",
                params![user_id],
            )?;
            tx.execute("DELETE FROM sessions WHERE expires_at < ?", params![t])?;
            tx.execute(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
                params![token_hash(token), user_id, t, t + ttl_secs],
            )?;
            Ok(())
        })
    }

    /// The user of a live session.
    pub fn session_user(&self, token: &str) -> Result<Option<User>, StoreError> {
        self.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {} FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = ? AND s.expires_at > ?",
                    USER_COLUMNS
                        .split(", ")
                        .map(|col| format!("u.{col}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                params![token_hash(token), now()],
            )?
            .map(|r| user_from(&r))
            .transpose()
        })
    }

    pub fn end_session(&self, token: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "DELETE FROM sessions WHERE token_hash = ?",
                params![token_hash(token)],
            )
            .map(|_| ())
        })
    }

    /// Sets a new password hash and ends every session of the user but `keep` (the one that
    /// changed it, if any): a stolen session does not survive a password change.
    pub fn set_password(
        &self,
        user_id: i64,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<(), StoreError> {
        let keep = keep.map(token_hash).unwrap_or_default();
        self.write(|tx| {
            tx.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                params![password_hash, user_id],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                params![user_id, keep],
            )?;
            Ok(())
        })
    }

    /// Records a password-reset token (its hash) valid for `ttl_secs`.
    pub fn create_password_reset(
        &self,
        user_id: i64,
        token: &str,
        ttl_secs: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)",
                params![token_hash(token), user_id, now() + ttl_secs],
            )
            .map(|_| ())
        })
    }

    /// Uses a reset token once: sets the password and ends every session. `NotFound` for an
    /// unknown, used or expired token.
    pub fn reset_password(&self, token: &str, password_hash: &str) -> Result<User, StoreError> {
        let hash = token_hash(token);
        let t = now();
        let user_id = self.write(|tx| {
            let user = tx
                .query_opt(
                    "UPDATE password_resets SET used_at = ?
                     WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
                     RETURNING user_id",
                    params![t, &hash, t],
                )?
                .ok_or_else(|| StoreError::NotFound("this reset link (used or expired)".into()))?
                .i64(0)?;
            tx.execute(
                "UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?",
                params![password_hash, user],
            )?;
            tx.execute("DELETE FROM sessions WHERE user_id = ?", params![user])?;
            Ok(user)
        })?;
        self.user(user_id)?
            .ok_or_else(|| StoreError::NotFound("user".into()))
    }

    pub fn user(&self, id: i64) -> Result<Option<User>, StoreError> {
        self.read(|c| {
            c.query_opt(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"),
                params![id],
            )?
            .map(|r| user_from(&r))
            .transpose()
        })
    }

    pub fn users(&self, limit: usize) -> Result<Vec<User>, StoreError> {
        self.read(|c| {
            c.query(
                &format!("SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT ?"),
                params![limit as i64],
            )?
            .iter()
            .map(user_from)
            .collect()
        })
    }

    /// Users after id `after` (a cursor), by id.
    pub fn users_after(&self, after: i64, limit: usize) -> Result<Vec<User>, StoreError> {
        self.read(|c| {
            c.query(
                &format!("SELECT {USER_COLUMNS} FROM users WHERE id > ? ORDER BY id LIMIT ?"),
                params![after, limit as i64],
            )?
            .iter()
            .map(user_from)
            .collect()
        })
    }

    /// Keeps a sign-up until its address is confirmed through the link mailed with `token`
    /// (only its hash is stored), for `ttl_secs`. Whether the address already has an account
    /// is for the caller to look at first; confirming checks again.
    pub fn create_pending_signup(
        &self,
        email: &str,
        display_name: &str,
        password_hash: &str,
        token: &str,
        ttl_secs: i64,
    ) -> Result<(), StoreError> {
        let t = now();
        self.write(|tx| {
            tx.execute("DELETE FROM pending_signups WHERE expires_at < ?", params![t])?;
            tx.execute(
                "INSERT INTO pending_signups (token_hash, email, display_name, password_hash, expires_at)
                 VALUES (?, ?, ?, ?, ?)",
                params![
                    token_hash(token),
                    normalize_email(email),
                    display_name.trim(),
                    password_hash,
                    t + ttl_secs
                ],
            )
            .map(|_| ())
        })
    }

    /// Confirms a sign-up with its mailed token, once: the account is created as a reader.
    /// `NotFound` for an unknown, used or expired link; `Conflict` when the address got an
    /// account meanwhile (another confirmed link).
    pub fn confirm_signup(&self, token: &str) -> Result<User, StoreError> {
        let t = now();
        self.write(|tx| {
            let r = tx
                .query_opt(
                    "DELETE FROM pending_signups WHERE token_hash = ? AND expires_at > ?
                     RETURNING email, display_name, password_hash",
                    params![token_hash(token), t],
                )?
                .ok_or_else(|| {
                    StoreError::NotFound("this sign-up link (used or expired)".into())
                })?;
            let email = r.text(0)?;
            if tx
                .query_opt("SELECT id FROM users WHERE email = ?", params![&email])?
                .is_some()
            {
                return Err(StoreError::Conflict(
                    "an account with this address exists".into(),
                ));
            }
            let user = tx.query_one(
                &format!(
                    "INSERT INTO users (email, display_name, password_hash, role, created_at)
                     VALUES (?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
                ),
                params![&email, r.text(1)?, r.text(2)?, Role::Reader.as_str(), t],
            )?;
            user_from(&user)
        })
    }

    pub fn set_role(&self, email: &str, role: Role) -> Result<User, StoreError> {
        let email = normalize_email(email);
        self.write(|tx| {
            let r = tx
                .query_opt(
                    &format!("UPDATE users SET role = ? WHERE email = ? RETURNING {USER_COLUMNS}"),
                    params![role.as_str(), &email],
                )?
                .ok_or_else(|| StoreError::NotFound(format!("user {email:?}")))?;
            user_from(&r)
        })
    }
}
