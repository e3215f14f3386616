//! Command line: `starpunk` (serve), `check-config`, `import DIR`, `export DIR`,
//! `set-password`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

use crate::app::{self, AppState};
use crate::config::Config;
use crate::media::Scan;

mod password;

/// A minimal single-user IndieWeb blog server.
#[derive(Parser, Debug)]
#[command(name = "starpunk", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the site (the default when no subcommand is given).
    Serve {
        /// Compare the whole media folder with the database at start-up (otherwise only
        /// done when an interrupted upload was found).
        #[arg(long)]
        scan_media: bool,
    },
    /// Validate the configuration and exit non-zero when it is wrong.
    CheckConfig,
    /// Import Markdown files (with optional YAML front matter) found recursively in DIR.
    Import { dir: PathBuf },
    /// Export every note as Markdown with front matter into DIR (notes/YYYY/MM/slug.md).
    Export { dir: PathBuf },
    /// Set the owner's password (for the blog as its own IndieAuth server), read from
    /// standard input: asked twice without echo on a terminal, else the first line.
    SetPassword,
}

/// Runs the chosen command.
pub async fn run(cli: Cli) -> ExitCode {
    let config = match Config::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("starpunk: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config.log_level);
    for w in &config.warnings {
        tracing::warn!("{w}");
    }
    let result = match cli.command.unwrap_or(Command::Serve { scan_media: false }) {
        Command::Serve { scan_media } => serve(config, scan_media).await,
        Command::CheckConfig => {
            println!(
                "configuration ok: {} serving {} from {}",
                config.site_name,
                config.site_url,
                config.data_path.display()
            );
            println!("{}", config.identity_mode());
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { dir } => crate::backup::import_command(config, &dir).await,
        Command::Export { dir } => crate::backup::export_command(config, &dir).await,
        Command::SetPassword => password::set_password_command(config).await,
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("starpunk: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(level: &str) {
    let filter =
        tracing_subscriber::EnvFilter::try_new(format!("{level},sqlx=warn,tower_http=info"))
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

async fn serve(config: Config, scan_media: bool) -> anyhow::Result<ExitCode> {
    tracing::info!("{}", config.identity_mode());
    if config.dev_mode {
        tracing::warn!(
            "DEV_MODE is on: /auth/dev-login signs anyone in. Never use this in production"
        );
    }
    let addr = format!("{}:{}", config.host, config.port);
    let state = AppState::new(config).await?;
    // Interrupted uploads are cleaned before the first request can see the media folder.
    let scan = if scan_media {
        Scan::Full
    } else {
        Scan::IfNeeded
    };
    let report = state.media.startup(scan).await?;
    tracing::info!(
        staging_removed = report.staging_removed.len(),
        scanned = report.scanned,
        missing = report.missing.len(),
        orphans = report.orphans.len(),
        "media checked"
    );
    let listener = TcpListener::bind(&addr).await?;
    tracing::info!(address = %addr, site = %state.config.site_url, "serving");
    app::serve(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received; finishing in-flight requests");
}
