//! The `ebb` binary: a few clap subcommands over `ebb-server`.

mod backup;
mod mail_inbound;
mod provision;

use clap::{Parser, Subcommand};
use ebb_server::{Config, config::PrintConfig};
use tokio::net::TcpListener;

/// Ebb: asynchronous customer messaging.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (migrates the database first).
    Serve(Config),
    /// Run the server with the demo brand (same as `serve --demo`).
    Demo(Config),
    /// Apply database migrations and exit.
    Migrate(Config),
    /// Print the effective configuration (secrets redacted).
    Config(Config),
    /// Create brands (for a real brand, instead of the demo).
    #[command(subcommand)]
    Brand(provision::BrandCommand),
    /// Create brand admins and reset their passwords.
    #[command(subcommand)]
    Admin(provision::AdminCommand),
    /// Copy the SQLite database while the server runs (PostgreSQL: runs pg_dump).
    Backup(backup::BackupCommand),
    /// Put a backup in place of the SQLite database (refused while a server runs on it).
    Restore(backup::RestoreCommand),
    /// Post a reply mail read on standard input to the server's inbound hook (for a mail
    /// server's pipe); exits 0, 65, 67 or 75 as sysexits.h says.
    MailInbound(mail_inbound::MailInboundCommand),
}

/// Runs the command; a failure is one line on standard error and exit code 1.
#[tokio::main]
async fn main() -> std::process::ExitCode {
    let command = match Cli::parse().command {
        Command::MailInbound(command) => return mail_inbound::run(command).await,
        other => other,
    };
    match run(command).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(config) => serve(config).await,
        Command::Demo(config) => {
            serve(Config {
                demo: true,
                ..config
            })
            .await
        }
        Command::Migrate(config) => {
            ebb_server::telemetry::init(config.log_json);
            ebb_server::open_store(&config).await?.close().await;
            println!("migrations applied");
            Ok(())
        }
        Command::Config(config) => {
            println!("{}", PrintConfig(&config));
            Ok(())
        }
        Command::Brand(command) => provision::brand(command).await,
        Command::Admin(command) => provision::admin(command).await,
        Command::Backup(command) => backup::backup(command).await,
        Command::Restore(command) => backup::restore(command).await,
        Command::MailInbound(_) => anyhow::bail!("mail-inbound runs on its own"),
    }
}

async fn serve(config: Config) -> anyhow::Result<()> {
    ebb_server::telemetry::init(config.log_json);
    let listener = TcpListener::bind(config.listen).await?;
    ebb_server::run(config, listener, shutdown_signal()).await?;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut sig) => {
                sig.recv().await;
            }
            Err(err) => {
                tracing::error!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
