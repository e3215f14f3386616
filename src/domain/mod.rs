//! Plain domain types with `parse()` constructors: no axum, no sqlx.

pub mod markdown;
pub mod note;
pub mod slug;
pub mod tag;
pub mod time;

pub use note::{MAX_PHOTOS, Note, NoteInput, Photo, Status};
pub use slug::Slug;
pub use tag::Tag;
