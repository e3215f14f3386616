//! One integration test binary. Each test gets its own temp `DATA_PATH`.

mod helpers;

mod admin;
mod admin_editor;
mod admin_media;
mod assets;
mod auth;
mod bombs;
mod cli;
mod client_info;
mod compression;
mod crawlers;
mod errors;
mod feeds;
mod import_batch;
mod indieauth;
mod micropub;
mod note_writes;
mod notes;
mod own_tokens;
mod owner_lists;
mod owner_signin;
mod pages;
mod photo_properties;
mod photos;
mod posts;
mod previews;
mod profile;
mod queries;
mod schedule;
mod search;
mod search_scale;
mod server;
mod set_password;
mod store;
mod uploads;
