//! `tidings user add|list|role`: accounts from the command line — how the first administrator
//! is made.

use crate::cli::UserCommand;
use crate::config::Config;
use anyhow::{Context, Result, anyhow};
use std::io::BufRead;
use std::process::ExitCode;
use tidings_store::{Role, StoreError};

pub fn run(config: &Config, cmd: UserCommand) -> Result<ExitCode> {
    let store = super::open_store(config)?;
    match cmd {
        UserCommand::Add {
            email,
            name,
            admin,
            moderator,
        } => {
            if !tidings_web::mail::valid_address(email.trim()) {
                return Err(anyhow!(StoreError::Invalid(format!(
                    "{email:?} is not an e-mail address"
                ))));
            }
            let password = read_password()?;
            if let Some(problem) = tidings_web::password::policy_problem(&password) {
                return Err(anyhow!(StoreError::Invalid(problem)));
            }
            let hash = tidings_web::password::hash(&password).map_err(|e| anyhow!(e))?;
            let role = match (admin, moderator) {
                (true, _) => Role::Admin,
                (_, true) => Role::Moderator,
                _ => Role::Reader,
            };
            let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or("").to_owned());
            let user = store.create_user(&email, &name, &hash, role)?;
            eprintln!(
                "added {} ({}) as {}",
                user.email, user.display_name, user.role
            );
        }
        UserCommand::List { json } => {
            for u in store.users(10_000)? {
                if json {
                    super::print_json(&u)?;
                } else {
                    println!("{:<40} {:<10} {}", u.email, u.role, u.display_name);
                }
            }
        }
        UserCommand::Role { email, role } => {
            let role: Role = role.parse()?;
            let u = store.set_role(&email, role)?;
            eprintln!("{} is now {}", u.email, u.role);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The new password: TIDINGS_USER_PASSWORD, else the first line of standard input.
fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("TIDINGS_USER_PASSWORD") {
        return Ok(p);
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
