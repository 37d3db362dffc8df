"""Generate datasets/branch_posts.csv: a SYNTHETIC post log for Module 01.

Twelve weeks (1 Jul - 22 Sep 2024) of posts from a fictional branch
account, "PMI Kabupaten Contoh". No real account, post or person is in it.
Shapes are plausible, not measured: reach grows with followers and varies
by platform and function, WhatsApp Channel posts are seen by a large share
of followers but get few public comments, mobilisation and listening posts
invite replies ("two_way"), weekend posts reach a little less.

Run from the repository root (fixed seed, so the file is byte-identical):

    python datasets/scripts/generate_branch_posts.py
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sarasehan.storage import save_csv

SEED = 2013  # the year of the sarasehan
OUT = Path(__file__).resolve().parent.parent / "branch_posts.csv"

PLATFORMS = {
    # name: (followers at start, weekly growth, reach share of followers, engagement propensity, comment share)
    "Facebook": (12000, 0.004, 0.22, 0.045, 0.20),
    "Instagram": (8500, 0.008, 0.30, 0.060, 0.12),
    "WhatsApp Channel": (3000, 0.015, 0.55, 0.020, 0.00),
    "TikTok": (4000, 0.020, 0.80, 0.070, 0.10),
    "X": (5000, 0.001, 0.10, 0.020, 0.25),
}
FUNCTIONS = {
    # name: (weight in the mix, reach multiplier, engagement multiplier, share of two-way posts)
    "information": (0.26, 1.25, 0.9, 0.25),
    "publication": (0.22, 0.85, 0.8, 0.05),
    "image_trust": (0.14, 0.95, 1.2, 0.10),
    "mobilisation": (0.18, 1.10, 1.4, 0.80),
    "listening": (0.10, 0.75, 1.6, 1.00),
    "fundraising": (0.10, 0.90, 0.7, 0.30),
}
POSTS_PER_WEEK = {"Facebook": 4, "Instagram": 3, "WhatsApp Channel": 3, "TikTok": 2, "X": 2}


def generate(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    start = date(2024, 7, 1)
    names = list(FUNCTIONS)
    weights = np.array([FUNCTIONS[f][0] for f in names])
    rows = []
    for week in range(12):
        for platform, per_week in POSTS_PER_WEEK.items():
            f0, growth, reach_share, eng_rate, comment_share = PLATFORMS[platform]
            days = sorted(rng.choice(7, size=per_week, replace=False))
            for d in days:
                day = start + timedelta(days=int(week * 7 + d))
                function = str(rng.choice(names, p=weights / weights.sum()))
                _, reach_mult, eng_mult, two_way_share = FUNCTIONS[function]
                followers = int(round(f0 * (1 + growth) ** (week * 7 + d) / 1.0))
                weekend = 0.85 if day.weekday() >= 5 else 1.0
                reach = int(rng.lognormal(np.log(followers * reach_share * reach_mult * weekend), 0.35))
                reach = max(reach, 30)
                impressions = int(reach * rng.uniform(1.15, 1.9))
                engagements = rng.poisson(reach * eng_rate * eng_mult)
                two_way = rng.random() < two_way_share
                c_share = comment_share * (1.8 if two_way else 1.0)
                comments = int(rng.binomial(engagements, min(c_share, 0.6)))
                shares = int(rng.binomial(engagements - comments, 0.18 if platform != "WhatsApp Channel" else 0.35))
                reactions = int(engagements - comments - shares)
                reply_rate = 0.55 if two_way else 0.25
                replies = int(rng.binomial(comments, reply_rate)) if comments else 0
                rows.append(
                    {
                        "date": day.isoformat(),
                        "platform": platform,
                        "function": function,
                        "direction": "two_way" if two_way else "one_way",
                        "followers": followers,
                        "reach": reach,
                        "impressions": impressions,
                        "reactions": reactions,
                        "comments": comments,
                        "shares": shares,
                        "replies_by_branch": replies,
                    }
                )
    rows.sort(key=lambda r: (r["date"], r["platform"]))
    for i, row in enumerate(rows, start=1):
        row["post_id"] = f"P{i:03d}"
    return rows


def write(rows: list[dict], path: Path = OUT) -> None:
    cols = ["post_id", "date", "platform", "function", "direction", "followers", "reach",
            "impressions", "reactions", "comments", "shares", "replies_by_branch"]
    save_csv(path, rows, cols)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
