#!/usr/bin/env python3
"""Inputs for bench/image.sh that image_bench --make-photo does not write itself.

  make_inputs.py camera SRC.jpg OUT.jpg
      A JPEG with a camera's structure from SRC's pixels: EXIF orientation 6 (the
      sensor's rows stored sideways, as a phone held upright writes them) with a GPS
      block, an ICC profile (sRGB, from Pillow's ImageCms), 4:2:0 chroma, quality 92.
  make_inputs.py tiles SRC.jpg DIR
      SRC cut into 512x512 PNG tiles named tile-ROW-COL.png (the last row and column
      padded), for `heif-enc -T` to make a grid HEIC like an iPhone's.

Needs Pillow (scripts/setup.sh --bench).
"""
import os
import sys

from PIL import Image, ImageCms

TILE = 512


def camera(src, out):
    img = Image.open(src).convert("RGB")
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x010F] = "StarPunk bench"  # Make
    gps = {1: "N", 2: (52.0, 31.0, 0.0), 3: "E", 4: (13.0, 24.0, 0.0)}
    exif[0x8825] = gps  # GPSInfo IFD
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    img.save(out, "JPEG", quality=92, subsampling="4:2:0", exif=exif.tobytes(), icc_profile=icc)


def tiles(src, outdir):
    img = Image.open(src).convert("RGB")
    os.makedirs(outdir, exist_ok=True)
    cols = -(-img.width // TILE)
    rows = -(-img.height // TILE)
    for y in range(rows):
        for x in range(cols):
            box = (x * TILE, y * TILE, min((x + 1) * TILE, img.width), min((y + 1) * TILE, img.height))
            tile = Image.new("RGB", (TILE, TILE))
            tile.paste(img.crop(box), (0, 0))
            tile.save(os.path.join(outdir, f"tile-{y:02d}-{x:02d}.png"), compress_level=1)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("camera", "tiles"):
        sys.exit(__doc__)
    {"camera": camera, "tiles": tiles}[argv[1]](argv[2], argv[3])


if __name__ == "__main__":
    main(sys.argv)
