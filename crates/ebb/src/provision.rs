//! `ebb brand` and `ebb admin`: provisioning a real brand from the command line, over
//! [`ebb_server::provision`]. Each opens (and migrates) the configured database first.

use std::io::Read;

use anyhow::Context;
use clap::{Args, Subcommand};
use ebb_server::passwords::Passwords;
use ebb_server::provision::{self, AdminPassword, NewPassword};
use ebb_server::{Clock, Config, SystemClock};

/// `ebb brand ...`
#[derive(Subcommand)]
pub enum BrandCommand {
    /// Create a brand; prints its id.
    Create {
        /// URL-safe short name (the widget's `data-brand`), e.g. `acme`.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "Acme Outdoor".
        #[arg(long)]
        name: String,
        #[command(flatten)]
        config: Config,
    },
}

/// `ebb admin ...`
#[derive(Subcommand)]
pub enum AdminCommand {
    /// Create an admin of a brand; prints their id (and a generated password, once).
    Create {
        #[command(flatten)]
        who: Who,
        /// Display name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        password: PasswordSource,
        #[command(flatten)]
        config: Config,
    },
    /// Give an admin a new password and end their sessions (prints a generated one, once).
    ResetPassword {
        #[command(flatten)]
        who: Who,
        #[command(flatten)]
        password: PasswordSource,
        #[command(flatten)]
        config: Config,
    },
}

/// Which admin.
#[derive(Args)]
pub struct Who {
    /// The brand's slug.
    #[arg(long)]
    brand: String,
    /// The admin's login e-mail.
    #[arg(long)]
    email: String,
}

/// Where the password comes from.
#[derive(Args)]
pub struct PasswordSource {
    /// Read the password from standard input (one trailing newline is dropped) instead
    /// of generating one.
    #[arg(long)]
    password_stdin: bool,
}

impl PasswordSource {
    fn read(&self) -> anyhow::Result<NewPassword> {
        if !self.password_stdin {
            return Ok(NewPassword::Generate);
        }
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the password from standard input (is it UTF-8?)")?;
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Ok(NewPassword::Given(
            text.strip_suffix('\r').unwrap_or(text).to_owned(),
        ))
    }
}

/// Runs `ebb brand ...`.
pub async fn brand(command: BrandCommand) -> anyhow::Result<()> {
    let BrandCommand::Create { slug, name, config } = command;
    let store = ebb_server::open_store(&config).await?;
    let created = provision::create_brand(&store, &slug, &name, SystemClock.now()).await;
    store.close().await;
    let brand = created.map_err(|e| anyhow::anyhow!(provision::explain(&e)))?;
    println!("{}", brand.id);
    Ok(())
}

/// Runs `ebb admin ...`.
pub async fn admin(command: AdminCommand) -> anyhow::Result<()> {
    let (done, reset) = match command {
        AdminCommand::Create {
            who,
            name,
            password,
            config,
        } => {
            let password = password.read()?;
            let store = ebb_server::open_store(&config).await?;
            let now = SystemClock.now();
            let done = provision::create_admin(
                (&store, &Passwords::new(1, 0)),
                &who.brand,
                &who.email,
                &name,
                password,
                now,
            )
            .await;
            store.close().await;
            (done, false)
        }
        AdminCommand::ResetPassword {
            who,
            password,
            config,
        } => {
            let password = password.read()?;
            let store = ebb_server::open_store(&config).await?;
            let done = provision::reset_admin_password(
                (&store, &Passwords::new(1, 0)),
                &who.brand,
                &who.email,
                password,
            )
            .await;
            store.close().await;
            (done, true)
        }
    };
    report(
        done.map_err(|e| anyhow::anyhow!(provision::explain(&e)))?,
        reset,
    );
    Ok(())
}

/// Prints the admin's id (creation) or the sessions ended (reset), and a generated password.
fn report(done: AdminPassword, reset: bool) {
    if reset {
        eprintln!(
            "Password of {} changed; {} session(s) ended.",
            done.admin.email, done.sessions_ended
        );
    } else {
        println!("{}", done.admin.id);
    }
    if let Some(password) = done.generated {
        eprintln!("Generated password (shown only this once):");
        println!("password: {password}");
    }
}
