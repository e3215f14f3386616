//! One integration test binary. Each test gets its own temp `DATA_PATH`.

mod helpers;

mod admin;
mod admin_editor;
mod admin_media;
mod assets;
mod auth;
mod bombs;
mod cli;
mod crawlers;
mod errors;
mod feeds;
mod micropub;
mod notes;
mod pages;
mod photos;
mod posts;
mod previews;
mod queries;
mod search;
mod server;
mod store;
mod uploads;
