#!/usr/bin/env python3
"""Generate a reproducible set of Markdown notes for `starpunk import`.

Usage: seed_notes.py [N] [OUTDIR]        (defaults: 10000, ./bench-seed)

Writes OUTDIR/notes/YYYY/MM/{slug}.md, each with YAML front matter:

    ---
    title: "Optional title"        # about 1 note in 3
    slug: some-words-1234          # about 1 note in 10; the file name is the slug anyway
    tags: [rust, indieweb]         # 1-5 tags from a pool of ~60 words
    published: 2024-03-09T07:05:01Z
    status: published
    ---
    Markdown body ...

and OUTDIR/index.tsv (outside notes/, so the importer never sees it): one line per
note, `published<TAB>slug<TAB>relative path`, newest first. bench/run.sh reads the
first line to know the newest note's permalink without parsing HTML.

The random generator has a fixed seed, so the same N always gives byte-identical files:
benchmark runs on different machines or days import exactly the same data.
Standard library only (PyYAML may be missing): the YAML is written by hand, and every
free-text value is a JSON string, which is also a valid YAML double-quoted scalar.
"""
import datetime as dt
import json
import os
import random
import sys

SEED = 20240309  # fixed: reproducible data is the whole point

# Publication times are spread over ~3 years ending at a fixed instant (not "now",
# which would make the data depend on the day the benchmark runs).
END = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
SPAN_SECONDS = 3 * 365 * 24 * 3600

# Plain lowercase words only: none is a YAML keyword (yes/no/on/off/null/true…), so
# the flow list `[a, b]` needs no quoting, and each is a valid tag.
TAG_POOL = """
rust indieweb python web blogging micropub indieauth webmention sqlite axum tokio
linux debian nginx photography cycling running coffee tea cooking baking books
reading music jazz travel hiking gardening birds weather cats dogs family work
meetings design css html javascript feeds rss atom privacy security opensource
selfhosting backups hardware keyboards cameras film movies podcasts walking trains
maps history science astronomy art drawing
""".split()

WORDS = """
lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor
incididunt ut labore et dolore magna aliqua enim ad minim veniam quis nostrud
exercitation ullamco laboris nisi aliquip ex ea commodo consequat duis aute irure in
reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint
occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est
laborum morning evening garden server note feed photo walk river bridge window
""".split()

# Slugs the server refuses (docs/URLS.md); generated custom slugs always carry a numeric
# suffix so they cannot equal one, but keep the check explicit.
RESERVED = set("""
api admin auth feed static notes note login logout settings micropub callback
feed.xml rss atom index home about search media tag health
""".split())


def sentence(rng, lo=6, hi=16):
    words = [rng.choice(WORDS) for _ in range(rng.randint(lo, hi))]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def link(rng):
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    target = "-".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))
    return f"[{text}](https://example.org/{target})"


def decorate(rng, text):
    """Sometimes bold a word or wrap one in a `code` span, as real notes do."""
    words = text.split(" ")
    if len(words) > 3 and rng.random() < 0.3:
        i = rng.randrange(1, len(words) - 1)
        words[i] = f"**{words[i]}**"
    if len(words) > 3 and rng.random() < 0.2:
        i = rng.randrange(1, len(words) - 1)
        words[i] = f"`{words[i].strip('*')}`"
    return " ".join(words)


def body(rng):
    paragraphs = [
        decorate(rng, " ".join(sentence(rng) for _ in range(rng.randint(1, 4))))
        for _ in range(rng.randint(1, 4))
    ]
    # 1-3 links, each appended to a random paragraph.
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(paragraphs))
        paragraphs[i] += f" See {link(rng)}."
    if rng.random() < 0.15:
        items = [f"- {sentence(rng, 2, 6)}" for _ in range(rng.randint(2, 4))]
        paragraphs.insert(rng.randint(1, len(paragraphs)), "\n".join(items))
    # Never starts with "# ": that would turn the first line into the note's name.
    return "\n\n".join(paragraphs) + "\n"


def title(rng):
    t = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))).capitalize()
    # A colon, quotes or an apostrophe now and then prove the YAML quoting is safe.
    r = rng.random()
    if r < 0.1:
        t = f"{rng.choice(TAG_POOL).capitalize()}: {t.lower()}"
    elif r < 0.15:
        t = f'On "{rng.choice(WORDS)}" and {rng.choice(WORDS)}'
    elif r < 0.2:
        t += "'s notes"
    return t


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 10000
    outdir = argv[2] if len(argv) > 2 else "bench-seed"
    if n < 1 or n > SPAN_SECONDS:
        sys.exit(f"seed_notes: N must be between 1 and {SPAN_SECONDS}")
    rng = random.Random(SEED)

    # Distinct seconds => distinct timestamps => distinct YYYYMMDDHHMMSS slugs.
    offsets = sorted(rng.sample(range(SPAN_SECONDS), n))  # small offset = recent
    used_custom = set()
    index = []
    for off in offsets:  # newest first
        published = END - dt.timedelta(seconds=off + 1)
        slug = published.strftime("%Y%m%d%H%M%S")
        front = []
        if rng.random() < 1 / 3:
            front.append(f"title: {json.dumps(title(rng), ensure_ascii=False)}")
        if rng.random() < 0.1:
            # Custom slug: words plus a number; letters mean it can never equal a
            # timestamp slug, the set keeps custom ones unique among themselves.
            while True:
                words = [rng.choice(WORDS) for _ in range(rng.randint(1, 3))]
                slug = "-".join(words + [str(rng.randint(1, 9999))])
                if slug not in used_custom and slug not in RESERVED:
                    used_custom.add(slug)
                    break
            front.append(f"slug: {slug}")
        tags = rng.sample(TAG_POOL, rng.randint(1, 5))
        front.append(f"tags: [{', '.join(tags)}]")
        front.append(f"published: {published.strftime('%Y-%m-%dT%H:%M:%SZ')}")
        front.append("status: published")
        text = "---\n" + "\n".join(front) + "\n---\n" + body(rng)

        rel = os.path.join("notes", published.strftime("%Y"), published.strftime("%m"), slug + ".md")
        path = os.path.join(outdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        index.append(f"{published.strftime('%Y-%m-%dT%H:%M:%SZ')}\t{slug}\t{rel}")

    with open(os.path.join(outdir, "index.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(index) + "\n")
    print(f"seed_notes: wrote {n} notes under {os.path.join(outdir, 'notes')}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv)
