//! `ebb-bench`: Ebb's load generator. Each scenario starts its own `ebb serve --demo` on
//! 127.0.0.1 (fresh database), drives it with real HTTP and WebSocket clients in loops
//! bounded in count and time, prints a short table and writes JSON (see BENCHMARKS.md).

mod api;
mod baseline;
mod chat;
mod crowd;
mod procstat;
mod report;
mod routing;
mod scenarios;
mod search;
mod server;
mod snooze;
mod summary;
mod widget;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Ebb's load generator and machine-limit baselines.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Options shared by the scenarios that start Ebb.
#[derive(Args, Clone)]
pub struct Target {
    /// The `ebb` binary to start (build it with `cargo build --release -p ebb`).
    #[arg(long, default_value = "target/release/ebb")]
    pub ebb: PathBuf,
    /// Run Ebb on a fresh database of this PostgreSQL server (admin URL) instead of SQLite.
    #[arg(long)]
    pub postgres: Option<String>,
    /// Directory of the JSON results.
    #[arg(long, default_value = "target/bench")]
    pub out: PathBuf,
}

#[derive(Subcommand)]
enum Command {
    /// Scenario 1: visitors and experts chatting at a fixed rate.
    Chat {
        #[command(flatten)]
        target: Target,
        /// Visitors (one conversation each).
        #[arg(long, default_value_t = 200)]
        visitors: usize,
        /// Messages per second, both directions together.
        #[arg(long, default_value_t = 2000)]
        rate: u64,
        /// Seconds of load.
        #[arg(long, default_value_t = 30)]
        secs: u64,
    },
    /// Scenario 2: the highest rate whose acknowledgement p99 stays under `--p99-ms`.
    Throughput {
        #[command(flatten)]
        target: Target,
        /// Visitors (one conversation each).
        #[arg(long, default_value_t = 200)]
        visitors: usize,
        /// Offered rates to try, in order (messages/s).
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "250,500,1000,2000,4000,8000,16000,24000"
        )]
        rates: Vec<u64>,
        /// Seconds per rate.
        #[arg(long, default_value_t = 30)]
        step_secs: u64,
        /// The p99 acknowledgement bound, in milliseconds.
        #[arg(long, default_value_t = 50.0)]
        p99_ms: f64,
    },
    /// Scenario 3: idle visitor WebSockets (and the same crowd on the bare echo server).
    Crowd {
        #[command(flatten)]
        target: Target,
        /// Connections to open.
        #[arg(long, default_value_t = 5000)]
        conns: usize,
    },
    /// Scenario 4: slot freed -> next assignment event, with conversations queued.
    Routing {
        #[command(flatten)]
        target: Target,
        /// Conversations waiting in the queue.
        #[arg(long, default_value_t = 2000)]
        queued: usize,
        /// Slots freed one after another.
        #[arg(long, default_value_t = 50)]
        rounds: usize,
    },
    /// Scenario 5: snoozed conversations all waking at one instant.
    Snooze {
        #[command(flatten)]
        target: Target,
        /// Conversations to snooze.
        #[arg(long, default_value_t = 2000)]
        conversations: usize,
    },
    /// Scenario 7: full-text search latency (admin and expert) over seeded messages.
    Search {
        #[command(flatten)]
        target: Target,
        /// Messages to seed (20 per conversation).
        #[arg(long, default_value_t = 100_000)]
        messages: usize,
        /// Searches per query kind and audience.
        #[arg(long, default_value_t = 200)]
        rounds: usize,
    },
    /// Scenario 6: gzipped size of what the widget loads.
    Widget {
        #[command(flatten)]
        target: Target,
    },
    /// Baselines: bare echo WebSocket server (latency, idle memory), bare sqlx inserts.
    Baseline {
        /// Directory of the JSON results.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
        /// Also measure PostgreSQL at this admin URL.
        #[arg(long)]
        postgres: Option<String>,
        /// Seconds per phase.
        #[arg(long, default_value_t = 10)]
        secs: u64,
        /// Echo connections for the latency run, and its total rate.
        #[arg(long, default_value_t = 200)]
        conns: usize,
        /// Echo messages per second.
        #[arg(long, default_value_t = 2000)]
        rate: u64,
        /// Idle echo connections for the memory run.
        #[arg(long, default_value_t = 5000)]
        idle: usize,
    },
    /// Seconds-long run of the instrument (CI): small chat, routing, widget, search.
    Smoke {
        #[command(flatten)]
        target: Target,
    },
    /// Prints the Markdown summary table of a run's JSON results.
    Summary {
        /// Directory of the JSON results.
        #[arg(long, default_value = "target/bench")]
        out: PathBuf,
    },
    /// Internal: the bare echo WebSocket server.
    EchoServer {
        /// Address to listen on.
        #[arg(long)]
        listen: String,
    },
    /// Internal: one client process of the crowd.
    CrowdClient {
        /// File with one WebSocket URL per line.
        #[arg(long)]
        urls: PathBuf,
        /// Longest hold, in seconds.
        #[arg(long, default_value_t = 300)]
        hold_secs: u64,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // HTTPS-capable reqwest (rustls without a bundled provider) needs one installed.
    let _ = rustls::crypto::ring::default_provider().install_default();
    match Cli::parse().command {
        Command::Chat {
            target,
            visitors,
            rate,
            secs,
        } => scenarios::chat(&target, visitors, rate, secs).await,
        Command::Throughput {
            target,
            visitors,
            rates,
            step_secs,
            p99_ms,
        } => scenarios::throughput(&target, visitors, &rates, step_secs, p99_ms).await,
        Command::Crowd { target, conns } => scenarios::crowd(&target, conns).await,
        Command::Routing {
            target,
            queued,
            rounds,
        } => scenarios::routing(&target, queued, rounds).await,
        Command::Snooze {
            target,
            conversations,
        } => scenarios::snooze(&target, conversations).await,
        Command::Widget { target } => scenarios::widget(&target).await,
        Command::Search {
            target,
            messages,
            rounds,
        } => scenarios::search(&target, messages, rounds).await,
        Command::Baseline {
            out,
            postgres,
            secs,
            conns,
            rate,
            idle,
        } => scenarios::baseline(&out, postgres.as_deref(), secs, (conns, rate), idle).await,
        Command::Smoke { target } => scenarios::smoke(&target).await,
        Command::Summary { out } => {
            summary::print(&out);
            Ok(())
        }
        Command::EchoServer { listen } => baseline::echo_server(&listen).await,
        Command::CrowdClient { urls, hold_secs } => crowd::client(&urls, hold_secs).await,
    }
}
