//! Export every live note as `notes/YYYY/MM/{slug}.md` with front matter.

use std::path::Path;

use crate::domain::Status;
use crate::domain::markdown::split_title;

use super::frontmatter::{FrontMatter, PhotoEntry, Tags, content_type_of, format_time, join};
use crate::media::MediaStore;
use crate::notes::{Listing, Notes};

const BATCH: u32 = 500;

/// Writes every note that is not deleted, each photo's stored original beside its
/// Markdown file as `{slug}-{n}.{ext}`; returns how many notes.
pub async fn export_dir(notes: &Notes, media: &MediaStore, dir: &Path) -> anyhow::Result<usize> {
    let mut written = 0;
    let mut offset = 0;
    loop {
        let batch = notes.all(Listing::Live, BATCH, offset).await?;
        if batch.is_empty() {
            break;
        }
        for n in &batch {
            let date = n.date();
            let folder = dir
                .join("notes")
                .join(date.format("%Y").to_string())
                .join(date.format("%m").to_string());
            std::fs::create_dir_all(&folder)?;
            // A title that is only the leading heading stays in the body, not the front matter.
            let derived = split_title(&n.content).title;
            let title = n.title.clone().filter(|t| derived.as_ref() != Some(t));
            let mut photos = Vec::new();
            for (i, p) in n.photos.iter().enumerate() {
                let ext = p.media.path.rsplit('.').next().unwrap_or("jpg");
                let file = format!("{}-{}.{ext}", n.slug, i + 1);
                std::fs::copy(
                    media.settings().media_dir.join(&p.media.path),
                    folder.join(&file),
                )?;
                photos.push(PhotoEntry {
                    file,
                    caption: p.caption.clone(),
                });
            }
            let fm = FrontMatter {
                title,
                slug: Some(n.slug.to_string()),
                tags: if n.tags.is_empty() {
                    Tags::None
                } else {
                    Tags::List(n.tags.iter().map(|t| t.display.clone()).collect())
                },
                published: n.published_at.map(format_time),
                // Import takes a missing `updated` as "never edited".
                updated: (Some(n.updated_at) != n.published_at).then(|| format_time(n.updated_at)),
                status: Some(
                    if n.status == Status::Draft {
                        "draft"
                    } else {
                        "published"
                    }
                    .into(),
                ),
                content_type: content_type_of(n.content_kind),
                properties: n
                    .properties
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                photos,
            };
            std::fs::write(folder.join(format!("{}.md", n.slug)), join(&fm, &n.content))?;
            written += 1;
        }
        offset += BATCH;
    }
    Ok(written)
}
