//! Pixel buffers for decoders to fill.

/// A zeroed buffer of `len` bytes. On Linux a large one is backed by 2 MB pages where
/// the kernel allows (transparent huge pages in `madvise` mode, Debian's default):
/// faulting a 12 MP image's 36 MB in 4 KB pages took 12 ms of a 66 ms decode here
/// (libjpeg-turbo into a fresh buffer: 66 ms with 4 KB pages, 54 ms with 2 MB ones).
pub fn pixels(len: usize) -> Vec<u8> {
    let buf = vec![0u8; len];
    #[cfg(target_os = "linux")]
    if len >= 4 << 20 {
        let start = (buf.as_ptr() as usize).next_multiple_of(4096);
        let end = buf.as_ptr() as usize + len;
        // SAFETY: advice only, on whole pages inside this allocation; nothing is read
        // or written, and a refusal (no THP) changes nothing but speed.
        unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE) };
    }
    buf
}
