//! A thin binding to the system's libjpeg-turbo through its TurboJPEG 2.x API
//! (`libturbojpeg0-dev` on Debian 12; see scripts/setup.sh).
//!
//! Why this and not a crate: the two things it is here for, decoding at a reduced DCT
//! scale (1/2, 1/4, 1/8: a 48 MP photo decoded at 1/4 is a sixteenth of the pixels)
//! and libjpeg-turbo's SIMD encoder, take nine C functions with plain integer and
//! pointer arguments, no struct layouts. The `turbojpeg` crate wants the 3.x API, which
//! Debian 12 lacks (it would build bundled sources with cmake and nasm); `mozjpeg`
//! builds a second libjpeg from source, slower to encode unless tuned.

use std::ffi::{CStr, c_char, c_int, c_uchar, c_ulong, c_void};

use super::error::MediaError;

type Handle = *mut c_void;

#[link(name = "turbojpeg")]
unsafe extern "C" {
    fn tjInitDecompress() -> Handle;
    fn tjInitCompress() -> Handle;
    fn tjDestroy(handle: Handle) -> c_int;
    fn tjDecompressHeader3(
        handle: Handle,
        jpeg: *const c_uchar,
        size: c_ulong,
        width: *mut c_int,
        height: *mut c_int,
        subsamp: *mut c_int,
        colorspace: *mut c_int,
    ) -> c_int;
    fn tjDecompress2(
        handle: Handle,
        jpeg: *const c_uchar,
        size: c_ulong,
        dst: *mut c_uchar,
        width: c_int,
        pitch: c_int,
        height: c_int,
        pixel_format: c_int,
        flags: c_int,
    ) -> c_int;
    fn tjCompress2(
        handle: Handle,
        src: *const c_uchar,
        width: c_int,
        pitch: c_int,
        height: c_int,
        pixel_format: c_int,
        jpeg: *mut *mut c_uchar,
        size: *mut c_ulong,
        subsamp: c_int,
        quality: c_int,
        flags: c_int,
    ) -> c_int;
    fn tjFree(buffer: *mut c_uchar);
    fn tjGetErrorStr2(handle: Handle) -> *mut c_char;
}

/// TurboJPEG pixel formats (`TJPF_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    Rgb = 0,
    Gray = 6,
    Rgba = 7,
}

impl PixelFormat {
    fn bytes(self) -> usize {
        match self {
            PixelFormat::Rgb => 3,
            PixelFormat::Gray => 1,
            PixelFormat::Rgba => 4,
        }
    }
}

const TJSAMP_420: c_int = 2;
const TJSAMP_GRAY: c_int = 3;
const TJCS_GRAY: c_int = 2;
const TJCS_CMYK: c_int = 3;
const TJCS_YCCK: c_int = 4;
/// Stops a hostile progressive JPEG of thousands of scans (a CPU bomb) at 500.
const TJFLAG_LIMITSCANS: c_int = 32768;
/// Makes a warning fail the decode. TurboJPEG 2.1 reports a fatal error that follows a
/// warning as a mere warning (`TJERR_WARNING`), with the image left unwritten (black),
/// so no failure can be trusted to be "only a warning".
const TJFLAG_STOPONWARNING: c_int = 8192;

/// What a JPEG's header says, read without decoding any pixel.
#[derive(Debug, Clone, Copy)]
pub struct Header {
    pub width: u32,
    pub height: u32,
    /// Grey JPEGs decode to one channel; colour ones to RGB.
    pub gray: bool,
}

/// A TurboJPEG instance, destroyed on drop.
struct Tj(Handle);

impl Tj {
    fn decompressor() -> Result<Self, MediaError> {
        // SAFETY: no arguments; a null result is handled.
        let h = unsafe { tjInitDecompress() };
        Self::checked(h)
    }

    fn compressor() -> Result<Self, MediaError> {
        // SAFETY: no arguments; a null result is handled.
        let h = unsafe { tjInitCompress() };
        Self::checked(h)
    }

    fn checked(h: Handle) -> Result<Self, MediaError> {
        if h.is_null() {
            Err(MediaError::Encode("libjpeg-turbo could not start".into()))
        } else {
            Ok(Tj(h))
        }
    }

    fn message(&self) -> String {
        // SAFETY: the handle is live; libjpeg-turbo returns a NUL-terminated string it owns.
        let s = unsafe { tjGetErrorStr2(self.0) };
        if s.is_null() {
            return "unknown libjpeg-turbo error".into();
        }
        // SAFETY: non-null, NUL-terminated, valid until the next call on this handle.
        unsafe { CStr::from_ptr(s) }.to_string_lossy().into_owned()
    }
}

impl Drop for Tj {
    fn drop(&mut self) {
        // SAFETY: the handle came from tjInit* and is destroyed once.
        unsafe { tjDestroy(self.0) };
    }
}

/// Reads the header of `jpeg`; `None` when libjpeg-turbo cannot take this JPEG
/// (CMYK, unusual chroma subsampling, a broken header): the caller then falls back to
/// the image crate, which gives the same clear error for a broken file.
pub fn header(jpeg: &[u8]) -> Option<Header> {
    let tj = Tj::decompressor().ok()?;
    let (mut w, mut h, mut samp, mut cs) = (0, 0, 0, 0);
    // SAFETY: the buffer and its length agree; the out-pointers are to live locals.
    let rc = unsafe {
        tjDecompressHeader3(
            tj.0,
            jpeg.as_ptr(),
            jpeg.len() as c_ulong,
            &mut w,
            &mut h,
            &mut samp,
            &mut cs,
        )
    };
    if rc != 0 || cs == TJCS_CMYK || cs == TJCS_YCCK || w <= 0 || h <= 0 {
        return None;
    }
    Some(Header {
        width: u32::try_from(w).ok()?,
        height: u32::try_from(h).ok()?,
        gray: cs == TJCS_GRAY,
    })
}

/// The size of a `width` × `height` image decoded at 1/`denom` (libjpeg rounds up).
pub fn scaled(width: u32, height: u32, denom: u32) -> (u32, u32) {
    (width.div_ceil(denom), height.div_ceil(denom))
}

/// Decodes `jpeg` (whose [`header`] is `head`) at 1/`denom` scale (1, 2, 4 or 8) into
/// `format` pixels. Returns the pixels and their size, or `None` when libjpeg-turbo
/// stops at anything, a warning included (a few bad bytes in the entropy-coded data, or
/// a fatal error it reports as one): the caller then uses the image crate, which decodes
/// what it can or refuses the file with its reason.
pub fn decode(
    jpeg: &[u8],
    head: Header,
    denom: u32,
    format: PixelFormat,
) -> Result<Option<(Vec<u8>, u32, u32)>, MediaError> {
    let tj = Tj::decompressor()?;
    let (w, h) = scaled(head.width, head.height, denom);
    let mut out = super::buffer::pixels(w as usize * h as usize * format.bytes());
    let (cw, ch) = (to_int(w)?, to_int(h)?);
    // SAFETY: `out` holds exactly w × h pixels of `format`, which is what libjpeg-turbo
    // writes for these (already scaled) dimensions and pitch 0 (= tightly packed).
    let rc = unsafe {
        tjDecompress2(
            tj.0,
            jpeg.as_ptr(),
            jpeg.len() as c_ulong,
            out.as_mut_ptr(),
            cw,
            0,
            ch,
            format as c_int,
            TJFLAG_LIMITSCANS | TJFLAG_STOPONWARNING,
        )
    };
    Ok((rc == 0).then_some((out, w, h)))
}

/// Encodes tightly packed `pixels` (`width` × `height` of `format`) as a baseline JPEG
/// at `quality`, 4:2:0 for colour (as Pillow and libvips do for photos).
pub fn encode(
    pixels: &[u8],
    width: u32,
    height: u32,
    format: PixelFormat,
    quality: u8,
) -> Result<Vec<u8>, MediaError> {
    if pixels.len() != width as usize * height as usize * format.bytes() {
        return Err(MediaError::Encode("pixel buffer of the wrong size".into()));
    }
    let tj = Tj::compressor()?;
    let samp = if format == PixelFormat::Gray {
        TJSAMP_GRAY
    } else {
        TJSAMP_420
    };
    let mut buf: *mut c_uchar = std::ptr::null_mut();
    let mut size: c_ulong = 0;
    // SAFETY: `pixels` holds width × height pixels of `format` (checked above); with a
    // null `buf` libjpeg-turbo allocates the output, freed below with tjFree.
    let rc = unsafe {
        tjCompress2(
            tj.0,
            pixels.as_ptr(),
            to_int(width)?,
            0,
            to_int(height)?,
            format as c_int,
            &mut buf,
            &mut size,
            samp,
            c_int::from(quality),
            0,
        )
    };
    let result = if rc != 0 || buf.is_null() {
        Err(MediaError::Encode(tj.message()))
    } else {
        // SAFETY: on success `buf` holds `size` bytes of JPEG.
        Ok(unsafe { std::slice::from_raw_parts(buf, size as usize) }.to_vec())
    };
    if !buf.is_null() {
        // SAFETY: allocated by libjpeg-turbo for this call, freed once.
        unsafe { tjFree(buf) };
    }
    result
}

fn to_int(n: u32) -> Result<c_int, MediaError> {
    c_int::try_from(n).map_err(|_| MediaError::Encode(format!("{n} px is too large")))
}
