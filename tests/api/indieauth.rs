//! The blog as its own IndieAuth server, over real HTTP: a fake application on
//! 127.0.0.1 (its client metadata, logo and redirect target) and the blog on another
//! port, in own-identity mode (`ADMIN_ME` empty).

mod clients;
mod endpoints;
mod journey;
mod limits;
mod refusals;
mod support;
