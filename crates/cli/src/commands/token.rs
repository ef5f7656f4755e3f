//! `tidings token add|list|revoke`: API tokens for programs that call `/api/v1/admin`, with the
//! store functions the account page uses. A new token is printed once, alone on stdout, so a
//! script can capture it; nothing else ever prints it.

use crate::cli::TokenCommand;
use crate::config::Config;
use anyhow::Result;
use std::process::ExitCode;
use tidings_store::{ApiToken, Store, StoreError, User};

pub fn run(config: &Config, cmd: TokenCommand) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    match cmd {
        TokenCommand::Add { email, name } => {
            let user = owner(&store, &email)?;
            let (made, token) = store.create_api_token(user.id, &name)?;
            println!("{token}");
            eprintln!(
                "token {} ({:?}) for {}, acting as {}; it is shown only now",
                made.id, made.name, user.email, user.role
            );
        }
        TokenCommand::List { email, json } => {
            let user_id = email.map(|e| owner(&store, &e)).transpose()?.map(|u| u.id);
            for t in store.api_tokens(user_id)? {
                if json {
                    super::print_json(&t)?;
                } else {
                    println!("{}", line(&t));
                }
            }
        }
        TokenCommand::Revoke { id } => {
            let t = store.revoke_api_token(id, None)?;
            eprintln!("token {} ({:?}) of {} revoked", t.id, t.name, t.owner_email);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn owner(store: &Store, email: &str) -> Result<User> {
    Ok(store
        .user_by_email(email)?
        .ok_or_else(|| StoreError::NotFound(format!("user {email:?}")))?)
}

fn when(t: Option<i64>) -> String {
    t.and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map_or_else(|| "-".into(), |d| d.format("%Y-%m-%d %H:%M").to_string())
}

fn line(t: &ApiToken) -> String {
    let state = match t.revoked_at {
        Some(at) => format!("revoked {}", when(Some(at))),
        None => "active".into(),
    };
    format!(
        "{:>5}  {:<30} {:<32} created {}  last used {}  {state}",
        t.id,
        t.owner_email,
        t.name,
        when(Some(t.created_at)),
        when(t.last_used_at)
    )
}
