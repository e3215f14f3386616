#!/usr/bin/env python3
"""The photo pipeline of StarPunk, done by a reference engine, for bench/image.sh.

Each run takes one photo through the steps the Rust pipeline (src/media/process.rs)
takes, and writes every output as JPEG to a temporary folder:

  1. decode, turn upright by its EXIF orientation, RGB;
  2. the stored image, its longest side limited by the file's size tier
     (up to 10 MiB: 2048 px at q95; up to 25 MiB: 1600 px at q90; larger: 1280 px at q85);
  3. from the stored image, the variants: thumb (150x150, centre crop) and small /
     medium / large (320 / 640 / 1280 px wide) at q85, a variant no narrower than its
     source being skipped.

Engines:
  pillow  Pillow (+ pillow-heif for HEIC), the library StarPunk v1.5 used; Lanczos.
  vips    libvips through pyvips, as its users write it: thumbnail() with
          shrink-on-load and auto-rotation, metadata stripped.

Usage: photo_reference.py {pillow|vips} FILE [RUNS]
Prints one line per timed run (after one untimed warm-up) and then "median S".
Needs: pip install pillow pillow-heif  |  pip install pyvips pyvips-binary
"""
import os
import statistics
import sys
import tempfile
import time

MIB = 1024 * 1024
WIDE_VARIANTS = (("small", 320), ("medium", 640), ("large", 1280))


def size_tier(n_bytes):
    """(longest side, JPEG quality) of the stored image for a file of n_bytes."""
    if n_bytes <= 10 * MIB:
        return 2048, 95
    if n_bytes <= 25 * MIB:
        return 1600, 90
    return 1280, 85


def pillow_engine():
    from PIL import Image, ImageOps

    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except ImportError:
        pass

    def once(path, out):
        side, quality = size_tier(os.path.getsize(path))
        with Image.open(path) as src:
            img = ImageOps.exif_transpose(src).convert("RGB")
        img.thumbnail((side, side), Image.LANCZOS)
        img.save(os.path.join(out, "stored.jpg"), "JPEG", quality=quality)
        thumb = ImageOps.fit(img, (150, 150), Image.LANCZOS)
        thumb.save(os.path.join(out, "thumb.jpg"), "JPEG", quality=85)
        for name, width in WIDE_VARIANTS:
            if width >= img.width:
                continue
            v = img.copy()
            v.thumbnail((width, 1 << 20), Image.LANCZOS)
            v.save(os.path.join(out, name + ".jpg"), "JPEG", quality=85)

    return once


def vips_engine():
    import pyvips

    def once(path, out):
        side, quality = size_tier(os.path.getsize(path))
        img = pyvips.Image.thumbnail(path, side, height=side, size="down").copy_memory()
        img.jpegsave(os.path.join(out, "stored.jpg"), Q=quality, keep="none")
        thumb = img.thumbnail_image(150, height=150, crop="centre")
        thumb.jpegsave(os.path.join(out, "thumb.jpg"), Q=85, keep="none")
        for name, width in WIDE_VARIANTS:
            if width >= img.width:
                continue
            v = img.thumbnail_image(width, height=1 << 20)
            v.jpegsave(os.path.join(out, name + ".jpg"), Q=85, keep="none")

    return once


ENGINES = {"pillow": pillow_engine, "vips": vips_engine}


def main(argv):
    if len(argv) < 3 or argv[1] not in ENGINES:
        sys.exit(__doc__)
    once = ENGINES[argv[1]]()
    path = argv[2]
    runs = int(argv[3]) if len(argv) > 3 else 5
    seconds = []
    with tempfile.TemporaryDirectory() as out:
        once(path, out)
        for i in range(runs):
            start = time.perf_counter()
            once(path, out)
            seconds.append(time.perf_counter() - start)
            print(f"run {i + 1}: {seconds[-1]:.3f} s")
    print(f"median {statistics.median(seconds):.3f} s")


if __name__ == "__main__":
    main(sys.argv)
