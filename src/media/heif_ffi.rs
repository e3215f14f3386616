//! Owned wrappers around the libheif C objects the HEIC decoder uses (through
//! libheif-sys: libheif-rs has no call for decoding one grid tile).

use std::ffi::CStr;
use std::sync::OnceLock;

use libheif_sys as lh;

use super::error::MediaError;

/// A libheif error as the upload's error: a feature we cannot decode, too much
/// memory, or (anything else) a damaged file.
fn refused(e: lh::heif_error) -> MediaError {
    let message = if e.message.is_null() {
        "unknown libheif error".to_string()
    } else {
        // SAFETY: libheif's messages are static NUL-terminated strings.
        unsafe { CStr::from_ptr(e.message) }
            .to_string_lossy()
            .into_owned()
    };
    match e.code {
        lh::heif_error_code_heif_error_Unsupported_feature
        | lh::heif_error_code_heif_error_Decoder_plugin_error
        | lh::heif_error_code_heif_error_Plugin_loading_error => MediaError::Unsupported(format!(
            "This HEIC/HEIF image uses a feature this server cannot decode ({message}). Please export it as JPEG."
        )),
        lh::heif_error_code_heif_error_Memory_allocation_error => {
            MediaError::TooManyPixels("The image is too large to process.".into())
        }
        _ => MediaError::Corrupt(format!("{message} (the file may be incomplete)")),
    }
}

fn check(e: lh::heif_error) -> Result<(), MediaError> {
    if e.code == lh::heif_error_code_heif_error_Ok {
        Ok(())
    } else {
        Err(refused(e))
    }
}

/// A parsed HEIF file borrowing its bytes (`'a`), and its primary image.
pub struct Primary<'a> {
    ctx: *mut lh::heif_context,
    handle: *mut lh::heif_image_handle,
    _data: std::marker::PhantomData<&'a [u8]>,
}

// SAFETY: a context and its handle are only used by the thread owning this value; each
// decoding thread opens its own context on the shared (read-only) bytes.
unsafe impl Send for Primary<'_> {}

impl<'a> Primary<'a> {
    /// Parses `data` (not copied: it must outlive the value) and opens its primary image.
    pub fn open(data: &'a [u8]) -> Result<Self, MediaError> {
        // SAFETY: no arguments; null is handled.
        let ctx = unsafe { lh::heif_context_alloc() };
        if ctx.is_null() {
            return Err(MediaError::TooManyPixels(
                "The image is too large to process.".into(),
            ));
        }
        let mut me = Primary {
            ctx,
            handle: std::ptr::null_mut(),
            _data: std::marker::PhantomData,
        };
        // SAFETY: `data` outlives `me` (lifetime 'a); the context only reads it.
        check(unsafe {
            lh::heif_context_read_from_memory_without_copy(
                ctx,
                data.as_ptr().cast(),
                data.len(),
                std::ptr::null(),
            )
        })?;
        // SAFETY: a live context and a pointer to our handle slot.
        check(unsafe { lh::heif_context_get_primary_image_handle(ctx, &mut me.handle) })?;
        Ok(me)
    }

    /// Width and height after the file's rotation and mirroring.
    pub fn size(&self) -> (u32, u32) {
        // SAFETY: a live handle.
        let (w, h) = unsafe {
            (
                lh::heif_image_handle_get_width(self.handle),
                lh::heif_image_handle_get_height(self.handle),
            )
        };
        (u32::try_from(w).unwrap_or(0), u32::try_from(h).unwrap_or(0))
    }

    /// Bits per luma sample (8, or 10 for HDR captures).
    pub fn luma_bits(&self) -> u8 {
        // SAFETY: a live handle.
        let bits = unsafe { lh::heif_image_handle_get_luma_bits_per_pixel(self.handle) };
        u8::try_from(bits).unwrap_or(8)
    }

    /// The ICC profile, when the file carries one (not an nclx colour description).
    pub fn icc(&self) -> Option<Vec<u8>> {
        // SAFETY: a live handle.
        let size = unsafe { lh::heif_image_handle_get_raw_color_profile_size(self.handle) };
        if size == 0 {
            return None;
        }
        let mut out = vec![0u8; size];
        // SAFETY: `out` holds the `size` bytes libheif said it would write.
        let e = unsafe {
            lh::heif_image_handle_get_raw_color_profile(self.handle, out.as_mut_ptr().cast())
        };
        check(e).ok().map(|()| out)
    }

    /// The primary image's rotation, counter-clockwise in degrees (0, 90, 180, 270),
    /// when that is its only transformation; `None` when it is mirrored or cropped
    /// (`imir`, `clap`) or rotated more than once. libheif 1.19.7 places the tiles of a
    /// rotated grid wrongly when the image is not a whole number of tiles (a 1400 × 1000
    /// grid of 512 px tiles is given a left offset of 376 px instead of 136), so the
    /// tiles are decoded as stored and the rotation is applied here.
    pub fn rotation_only(&self) -> Option<u32> {
        // SAFETY: a live handle.
        let id = unsafe { lh::heif_image_handle_get_item_id(self.handle) };
        let mut list = [0 as lh::heif_property_id; 2];
        // SAFETY: a live context and room for the 2 ids we say.
        let n = unsafe {
            lh::heif_item_get_transformation_properties(self.ctx, id, list.as_mut_ptr(), 2)
        };
        match n {
            0 => Some(0),
            1 => {
                // SAFETY: a live context and a property id libheif gave.
                let kind = unsafe { lh::heif_item_get_property_type(self.ctx, id, list[0]) };
                if kind != lh::heif_item_property_type_heif_item_property_type_transform_rotation {
                    return None;
                }
                // SAFETY: as above; a rotation property.
                let ccw = unsafe {
                    lh::heif_item_get_property_transform_rotation_ccw(self.ctx, id, list[0])
                };
                u32::try_from(ccw)
                    .ok()
                    .filter(|d| [0, 90, 180, 270].contains(d))
            }
            _ => None,
        }
    }

    /// The tile grid as stored, before any rotation; one tile for a plain image.
    pub fn file_tiling(&self) -> Result<lh::heif_image_tiling, MediaError> {
        // SAFETY: all-zero is a valid value of this plain C struct.
        let mut t: lh::heif_image_tiling = unsafe { std::mem::zeroed() };
        // SAFETY: a live handle and a pointer to our struct.
        check(unsafe { lh::heif_image_handle_get_image_tiling(self.handle, 0, &mut t) })?;
        Ok(t)
    }

    /// Whether every tile the grid names is an image libheif can open. libheif 1.19.7
    /// dereferences a missing tile item (a `dimg` reference to no item) inside
    /// `heif_image_handle_decode_image_tile` and crashes the process, while its
    /// whole-image decode refuses the same file cleanly: a grid that fails this check
    /// must not be decoded by tile.
    pub fn tiles_resolve(&self) -> bool {
        // SAFETY: all-zero is a valid value of this plain C struct.
        let mut t: lh::heif_image_tiling = unsafe { std::mem::zeroed() };
        // SAFETY: a live handle and a pointer to our struct. 0: the file's own tile
        // order, which is what the tile ids below are asked in.
        if check(unsafe { lh::heif_image_handle_get_image_tiling(self.handle, 0, &mut t) }).is_err()
        {
            return false;
        }
        (0..t.num_rows).all(|y| {
            (0..t.num_columns).all(|x| {
                let mut id: lh::heif_item_id = 0;
                // SAFETY: a live handle and a pointer to our id.
                let e = unsafe {
                    lh::heif_image_handle_get_grid_image_tile_id(self.handle, 0, x, y, &mut id)
                };
                if check(e).is_err() {
                    return false;
                }
                // A tile of its own rotated or mirrored is turned by the whole-image
                // decode but not by the tile decode: such grids are decoded whole.
                // SAFETY: a live context; a null list only counts the properties.
                let turned = unsafe {
                    lh::heif_item_get_transformation_properties(
                        self.ctx,
                        id,
                        std::ptr::null_mut(),
                        0,
                    )
                };
                if turned != 0 {
                    return false;
                }
                let mut tile = std::ptr::null_mut();
                // SAFETY: a live context and a pointer to our handle slot.
                let e = unsafe { lh::heif_context_get_image_handle(self.ctx, id, &mut tile) };
                // SAFETY: released once; null (on failure) is accepted.
                unsafe { lh::heif_image_handle_release(tile) };
                check(e).is_ok()
            })
        })
    }

    /// Decodes the whole image (`tile` = `None`, rotated and mirrored as displayed) or
    /// one tile (column, row of the grid as stored, and not rotated) to 8-bit
    /// interleaved RGB.
    pub fn decode(&self, tile: Option<(u32, u32)>) -> Result<Rgb, MediaError> {
        // SAFETY: no arguments; freed below.
        let options = unsafe { lh::heif_decoding_options_alloc() };
        if !options.is_null() {
            // SAFETY: a live options struct; 10-bit photos come out as 8-bit RGB. The
            // decoder name is a static string.
            unsafe {
                (*options).convert_hdr_to_8bit = 1;
                (*options).ignore_transformations = u8::from(tile.is_some());
                if let Some(id) = hevc_decoder() {
                    (*options).decoder_id = id.as_ptr();
                }
            }
        }
        let mut img = std::ptr::null_mut();
        let (rgb, interleaved) = (
            lh::heif_colorspace_heif_colorspace_RGB,
            lh::heif_chroma_heif_chroma_interleaved_RGB,
        );
        // SAFETY: a live handle, our image slot, and options from libheif (or null).
        let e = unsafe {
            match tile {
                None => lh::heif_decode_image(self.handle, &mut img, rgb, interleaved, options),
                Some((x, y)) => lh::heif_image_handle_decode_image_tile(
                    self.handle,
                    &mut img,
                    rgb,
                    interleaved,
                    options,
                    x,
                    y,
                ),
            }
        };
        // SAFETY: allocated above, freed once (null is accepted).
        unsafe { lh::heif_decoding_options_free(options) };
        check(e)?;
        Ok(Rgb(img))
    }
}

impl Drop for Primary<'_> {
    fn drop(&mut self) {
        // SAFETY: each was allocated by libheif and is released once (null is accepted).
        unsafe {
            lh::heif_image_handle_release(self.handle);
            lh::heif_context_free(self.ctx);
        }
    }
}

/// libheif's FFmpeg plugin (`libheif-plugin-ffmpegdec`) when installed: FFmpeg's HEVC
/// decoder takes about 30 % less time than libde265, which libheif prefers otherwise
/// (measured on 512 px grid tiles: 390 against 535 ms for 12 MP on one core).
fn hevc_decoder() -> Option<&'static CStr> {
    static FFMPEG: OnceLock<bool> = OnceLock::new();
    let have = *FFMPEG.get_or_init(|| {
        let mut list = [std::ptr::null::<lh::heif_decoder_descriptor>(); 16];
        // SAFETY: room for 16 descriptors, which libheif owns and keeps.
        let n = unsafe {
            lh::heif_get_decoder_descriptors(
                lh::heif_compression_format_heif_compression_HEVC,
                list.as_mut_ptr(),
                16,
            )
        };
        list[..usize::try_from(n).unwrap_or(0).min(16)]
            .iter()
            .any(|&d| {
                // SAFETY: a descriptor from libheif; its id is a static string or null.
                let id = unsafe { lh::heif_decoder_descriptor_get_id_name(d) };
                // SAFETY: non-null ids are NUL-terminated.
                !id.is_null() && unsafe { CStr::from_ptr(id) } == c"ffmpeg"
            })
    });
    have.then_some(c"ffmpeg")
}

/// A decoded 8-bit interleaved RGB image owned by libheif.
pub struct Rgb(*mut lh::heif_image);

impl Rgb {
    /// Width, height, row stride and the bytes; `None` unless 24-bit interleaved RGB.
    pub fn plane(&self) -> Option<(usize, usize, usize, &[u8])> {
        let ch = lh::heif_channel_heif_channel_interleaved;
        let mut stride = 0;
        // SAFETY: a live image; the plane pointer stays valid while `self` lives.
        let (w, h, bits, data) = unsafe {
            (
                lh::heif_image_get_width(self.0, ch),
                lh::heif_image_get_height(self.0, ch),
                lh::heif_image_get_bits_per_pixel(self.0, ch),
                lh::heif_image_get_plane_readonly(self.0, ch, &mut stride),
            )
        };
        let (w, h, stride) = (
            usize::try_from(w).ok()?,
            usize::try_from(h).ok()?,
            usize::try_from(stride).ok()?,
        );
        if data.is_null() || bits != 24 || stride < w * 3 || h == 0 {
            return None;
        }
        // SAFETY: libheif's plane holds `h` rows of `stride` bytes (the last row at least w × 3).
        let bytes = unsafe { std::slice::from_raw_parts(data, stride * (h - 1) + w * 3) };
        Some((w, h, stride, bytes))
    }
}

impl Drop for Rgb {
    fn drop(&mut self) {
        // SAFETY: allocated by libheif, released once.
        unsafe { lh::heif_image_release(self.0) };
    }
}
