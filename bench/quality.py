#!/usr/bin/env python3
"""Output quality of the photo pipeline: PSNR of each output against a reference.

  quality.py SRC DIR [DIR ...]

SRC is the uploaded photo; each DIR holds one pipeline's outputs for it (stored.jpg,
large.jpg, medium.jpg, small.jpg, thumb.jpg: `image_bench --save SRC DIR` writes
them). The reference for an output of W x H is the full decode of SRC, turned upright
by its EXIF orientation, resized to W x H by Pillow's Lanczos in floating point (one
32-bit float plane per channel); the thumbnail's reference is the centre square of it.
Prints a table: one row per output, one PSNR column (dB, all channels) per DIR, so two
pipelines' outputs (say, before and after a change) are compared on the same input.

Needs Pillow (+ pillow-heif for HEIC); scripts/setup.sh --bench.
"""
import math
import os
import sys

from PIL import Image, ImageChops, ImageOps

try:
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:
    pass

OUTPUTS = ("stored", "large", "medium", "small", "thumb")


def full_decode(path):
    with Image.open(path) as src:
        return ImageOps.exif_transpose(src).convert("RGB")


def float_lanczos(img, size, box=None):
    """img resized to size in float precision, rounded to 8 bits at the end only."""
    planes = [p.convert("F").resize(size, Image.LANCZOS, box=box) for p in img.split()]
    return Image.merge("RGB", [p.convert("L") for p in planes])


def centre_square(img):
    side = min(img.width, img.height)
    left = (img.width - side) / 2
    top = (img.height - side) / 2
    return (left, top, left + side, top + side)


def psnr(a, b):
    total, count = 0, 0
    for pa, pb in zip(a.split(), b.split()):
        hist = ImageChops.difference(pa, pb).histogram()
        total += sum(n * v * v for v, n in enumerate(hist))
        count += pa.width * pa.height
    mse = total / count
    return math.inf if mse == 0 else 10 * math.log10(255 * 255 / mse)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    full = full_decode(argv[1])
    dirs = argv[2:]
    print(f"# {os.path.basename(argv[1])} ({full.width}x{full.height} upright)")
    print("output   size        " + "  ".join(f"{os.path.basename(d.rstrip('/')):>12}" for d in dirs))
    for name in OUTPUTS:
        cells, size = [], None
        for d in dirs:
            path = next(
                (os.path.join(d, name + ext) for ext in (".jpg", "") if os.path.exists(os.path.join(d, name + ext))),
                None,
            )
            if path is None:
                cells.append("-")
                continue
            with Image.open(path) as out:
                out = out.convert("RGB")
            box = centre_square(full) if name == "thumb" else None
            ref = float_lanczos(full, out.size, box)
            size = size or f"{out.width}x{out.height}"
            cells.append(f"{psnr(ref, out):.2f} dB")
        print(f"{name:<8} {size or '-':<11} " + "  ".join(f"{c:>12}" for c in cells))


if __name__ == "__main__":
    main(sys.argv)
