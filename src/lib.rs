//! StarPunk: a minimal single-user IndieWeb blog server.
//!
//! One binary serves HTML pages, RSS / Atom / JSON feeds and (later) Micropub from a
//! SQLite store. See `docs/ARCHITECTURE.md` for the map of the modules.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod feeds;
pub mod generation;
pub mod limits;
pub mod media;
pub mod micropub;
pub mod notes;
pub mod server;
pub mod site;
pub mod web;
