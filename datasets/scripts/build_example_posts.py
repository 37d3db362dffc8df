"""Build datasets/example_posts.csv: SYNTHETIC example posts for Module 04.

The posts were written for the course in ``datasets/sources/example_posts.yml``
(fictional branch "PMI Kabupaten Contoh", invented names and places; no real
person, account or post). This script copies them to a CSV without the
explanations (``sarasehan.review`` reads those from the YAML), joining each
post's issue codes with ";" in the fixed order of
``sarasehan/content/guideline_issues.yml`` ("" when the post is fine).

Nothing is random: with the default seed the rows keep the YAML's order, so
the file is byte-identical on every run. ``SEED`` and ``generate(seed)`` exist
for the shared contract of the dataset tests; another seed shuffles the rows.

Run from the repository root:

    python datasets/scripts/build_example_posts.py
"""

from __future__ import annotations

import random
from pathlib import Path

import yaml

from sarasehan.storage import save_csv

SEED = 404  # Module 04; unused with the default order
HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent / "sources" / "example_posts.yml"
ISSUES = HERE.parent.parent / "sarasehan" / "content" / "guideline_issues.yml"
OUT = HERE.parent / "example_posts.csv"
COLUMNS = ["post_id", "account_type", "platform", "context", "text", "image_description", "issues"]
ACCOUNT_TYPES = ("official_branch", "volunteer_personal", "staff_personal")


def issue_codes() -> list[str]:
    """The issue codes in their fixed order."""
    return list(yaml.safe_load(ISSUES.read_text(encoding="utf-8"))["issues"])


def generate(seed: int = SEED) -> list[dict]:
    codes = issue_codes()
    posts = yaml.safe_load(SOURCE.read_text(encoding="utf-8"))["posts"]
    rows, seen = [], set()
    for post in posts:
        pid = post["post_id"]
        if pid in seen:
            raise ValueError(f"duplicate post_id {pid}")
        seen.add(pid)
        if post["account_type"] not in ACCOUNT_TYPES:
            raise ValueError(f"{pid}: unknown account_type {post['account_type']!r}")
        unknown = set(post["issues"]) - set(codes)
        if unknown:
            raise ValueError(f"{pid}: unknown issue codes {sorted(unknown)}; valid: {codes}")
        row = {c: " ".join(str(post.get(c) or "").split()) for c in COLUMNS[:-1]}
        row["issues"] = ";".join(c for c in codes if c in post["issues"])
        rows.append(row)
    if seed != SEED:
        random.Random(seed).shuffle(rows)
    return rows


def write(rows: list[dict], path: Path = OUT) -> None:
    save_csv(path, rows, COLUMNS)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
