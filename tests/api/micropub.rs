//! Micropub over real HTTP against a fake token endpoint on 127.0.0.1: every
//! micropub.rocks server test (named by its number), the dialects of real clients,
//! tokens, queries, the media endpoint and bad input.

mod browsers;
mod client;
mod clients;
mod create;
mod delete;
mod input;
mod media;
mod pages;
mod query;
mod review;
mod token_endpoint;
mod tokens;
mod update;
