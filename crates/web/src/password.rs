//! Password hashing with Argon2id (the argon2 crate's defaults: 19 MiB, 2 passes — OWASP's
//! recommended minimum) and the password policy. Hashing is slow on purpose: callers run it on
//! a blocking thread.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};

pub const MIN_LEN: usize = 10;
pub const MAX_LEN: usize = 1024;

/// Why a new password is refused, in words for the form.
pub fn policy_problem(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LEN {
        Some(format!(
            "Use at least {MIN_LEN} characters for your password."
        ))
    } else if n > MAX_LEN {
        Some(format!(
            "Use at most {MAX_LEN} characters for your password."
        ))
    } else {
        None
    }
}

pub fn hash(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| format!("random source: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// Whether `password` matches `stored`. With no stored hash (an unknown address) a dummy hash
/// is checked all the same, so the answer takes as long either way.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash("not a password of anyone").unwrap_or_default());
    let (candidate, real) = match stored {
        Some(h) => (h, true),
        None => (DUMMY.as_str(), false),
    };
    let ok = PasswordHash::new(candidate)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false);
    ok && real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let a = hash("correct horse battery").unwrap();
        assert!(a.starts_with("$argon2id$"));
        assert_ne!(a, hash("correct horse battery").unwrap(), "salted");
        assert!(verify("correct horse battery", Some(&a)));
        assert!(!verify("wrong horse battery", Some(&a)));
        assert!(!verify("correct horse battery", None));
        assert!(!verify("x", Some("not a hash")));
        assert!(policy_problem("short").is_some());
        assert!(policy_problem("long enough now").is_none());
    }
}
