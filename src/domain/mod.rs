//! Plain domain types with `parse()` constructors: no axum, no sqlx.

pub mod context;
pub mod markdown;
pub mod media;
pub mod note;
pub mod profile;
pub mod properties;
pub mod slug;
pub mod tag;
pub mod time;

pub use note::{ContentKind, MAX_PHOTOS, Note, NoteInput, NoteUpdate, Photo, Status};
pub use properties::{Deletion, Patch, Properties};
pub use slug::Slug;
pub use tag::Tag;
