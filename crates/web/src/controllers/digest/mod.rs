//! The weekly digest by e-mail: sign-up with double opt-in, confirmation, unsubscribe.

pub mod subscribe;
