//! Digest subscribers: double opt-in by e-mail, one-click unsubscribe, and the once-a-week
//! claim that makes exactly one node send a week's digest.

use crate::{Store, StoreError, now, params};
use tidings_model::IsoWeek;

/// What a subscription request came to; the reader is told the same in every case, so the
/// form does not reveal who is subscribed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subscription {
    /// Confirmation needed: send this token.
    Pending {
        token: String,
    },
    AlreadyConfirmed,
}

/// A confirmed subscriber, with the token of their unsubscribe link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscriber {
    pub email: String,
    pub token: String,
}

impl Store {
    /// Records a request to receive the digest at `email` with a fresh `token`; a pending or
    /// unsubscribed address gets the new token (and must confirm again).
    pub fn subscribe_digest(&self, email: &str, token: &str) -> Result<Subscription, StoreError> {
        let email = email.trim().to_lowercase();
        self.write(|tx| {
            let row = tx.query_opt(
                "SELECT confirmed_at, unsubscribed_at FROM digest_subscribers WHERE email = ?",
                params![&email],
            )?;
            match row {
                Some(r) if r.opt_i64(0)?.is_some() && r.opt_i64(1)?.is_none() => Ok(Subscription::AlreadyConfirmed),
                Some(_) => {
                    tx.execute(
                        "UPDATE digest_subscribers SET token = ?, confirmed_at = NULL, unsubscribed_at = NULL WHERE email = ?",
                        params![token, &email],
                    )?;
                    Ok(Subscription::Pending { token: token.to_owned() })
                }
                None => {
                    tx.execute(
                        "INSERT INTO digest_subscribers (email, token, created_at) VALUES (?, ?, ?)",
                        params![&email, token, now()],
                    )?;
                    Ok(Subscription::Pending { token: token.to_owned() })
                }
            }
        })
    }

    /// Confirms the subscription holding `token`; false when no pending one does.
    pub fn confirm_digest(&self, token: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE digest_subscribers SET confirmed_at = ? WHERE token = ? AND unsubscribed_at IS NULL",
                params![now(), token],
            )? > 0)
        })
    }

    /// Ends the subscription holding `token`; false when there is none.
    pub fn unsubscribe_digest(&self, token: &str) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE digest_subscribers SET unsubscribed_at = ? WHERE token = ? AND unsubscribed_at IS NULL",
                params![now(), token],
            )? > 0)
        })
    }

    pub fn digest_subscribers(&self) -> Result<Vec<Subscriber>, StoreError> {
        self.read(|c| {
            c.query(
                "SELECT email, token FROM digest_subscribers
                 WHERE confirmed_at IS NOT NULL AND unsubscribed_at IS NULL ORDER BY id",
                &[],
            )?
            .iter()
            .map(|r| {
                Ok(Subscriber {
                    email: r.text(0)?,
                    token: r.text(1)?,
                })
            })
            .collect()
        })
    }

    /// Claims the sending of `week`'s digest; true for exactly one caller, ever.
    pub fn claim_digest_send(&self, week: IsoWeek) -> Result<bool, StoreError> {
        self.write(|tx| {
            Ok(tx.execute(
                "INSERT INTO digest_sends (week_key, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                params![week.key(), now()],
            )? > 0)
        })
    }

    pub fn record_digest_recipients(
        &self,
        week: IsoWeek,
        recipients: i64,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE digest_sends SET recipients = ? WHERE week_key = ?",
                params![recipients, week.key()],
            )?;
            Ok(())
        })
    }
}
