//! Backup and migration: `starpunk import DIR` and `starpunk export DIR`.
//!
//! Notes are Markdown files with YAML front matter, kept as `notes/YYYY/MM/{slug}.md`
//! (StarPunk's own layout), so export → import into an empty data dir gives the same site.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::config::Config;
use crate::db::Db;
use crate::generation::Generation;
use crate::media::MediaStore;
use crate::notes::Notes;

pub mod export;
pub mod frontmatter;
pub mod import;

/// The services a command works with, and the store to close when it is done.
async fn open_notes(config: &Config) -> anyhow::Result<(Notes, MediaStore, Db)> {
    let db = Db::open(&config.data_path).await?;
    let media = MediaStore::new(db.clone(), config);
    let notes = Notes::new(
        db.clone(),
        Arc::new(Generation::default()),
        &config.site_url,
    );
    Ok((notes, media, db))
}

/// `starpunk import DIR`: reports each refused file by path and reason, imports the rest.
pub async fn import_command(config: Config, dir: &Path) -> anyhow::Result<ExitCode> {
    let (notes, media, db) = open_notes(&config).await?;
    let report = import::import_dir(&notes, &media, dir).await?;
    for (path, reason) in &report.failed {
        eprintln!("{}: {reason}", path.display());
    }
    println!(
        "imported {} notes, {} files refused",
        report.imported,
        report.failed.len()
    );
    db.close().await;
    Ok(if report.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `starpunk export DIR`.
pub async fn export_command(config: Config, dir: &Path) -> anyhow::Result<ExitCode> {
    let (notes, media, db) = open_notes(&config).await?;
    let n = export::export_dir(&notes, &media, dir).await?;
    println!("exported {n} notes to {}", dir.display());
    db.close().await;
    Ok(ExitCode::SUCCESS)
}
