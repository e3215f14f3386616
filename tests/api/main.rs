//! One integration test binary. Each test gets its own temp `DATA_PATH`.

mod helpers;

mod admin;
mod auth;
mod bombs;
mod cli;
mod errors;
mod feeds;
mod pages;
mod photos;
mod queries;
mod search;
mod server;
mod store;
