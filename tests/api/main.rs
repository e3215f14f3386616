//! One integration test binary. Each test gets its own temp `DATA_PATH`.

mod helpers;

mod auth;
mod cli;
mod errors;
mod feeds;
mod pages;
mod queries;
mod search;
