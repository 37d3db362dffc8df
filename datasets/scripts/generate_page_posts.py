"""Generate datasets/page_posts_2024.csv: a SYNTHETIC year of page posts (Module 03).

Posts from 1 Jan to 31 Dec 2024 of "PMI Provinsi Contoh", a fictional
provincial page, on Facebook, Instagram and TikTok. No real account, post or
person is in it. Plausible shapes, not measurements: followers grow through
the year; formats and topics differ in reach and engagement; evening and
lunchtime posts do a little better; some posts are promoted (spend_idr > 0)
and reach more people but engage them less; in October a first-aid campaign
ran an A/B test of two messages (variant A: facts; variant B: a volunteer's
story), where B is a little better.

    python datasets/scripts/generate_page_posts.py
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from sarasehan.storage import save_csv

SEED = 1945  # the year PMI was founded
OUT = Path(__file__).resolve().parent.parent / "page_posts_2024.csv"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

PLATFORMS = {  # name: (posts per week, followers on 1 Jan, yearly growth, reach share of followers)
    "Facebook": (4, 48000, 0.10, 0.16),
    "Instagram": (4, 31000, 0.30, 0.22),
    "TikTok": (2, 12000, 0.90, 0.60),
}
FORMATS = {  # name: (weight, reach multiplier, engagement rate of reach, saves share)
    "photo": (0.32, 1.00, 0.050, 0.04),
    "video": (0.22, 1.40, 0.065, 0.05),
    "carousel": (0.16, 1.10, 0.070, 0.12),
    "text": (0.15, 0.60, 0.030, 0.00),
    "link": (0.15, 0.70, 0.020, 0.01),
}
TOPICS = {  # name: (weight, engagement multiplier)
    "disaster_info": (0.22, 1.25),
    "blood": (0.20, 1.10),
    "volunteer": (0.18, 1.00),
    "health": (0.16, 0.85),
    "first_aid": (0.14, 1.05),
    "fundraising": (0.10, 0.70),
}
HOURS = [7, 9, 12, 15, 17, 19, 20, 21]
HOUR_MULT = {7: 0.85, 9: 0.9, 12: 1.05, 15: 0.9, 17: 1.0, 19: 1.15, 20: 1.2, 21: 1.05}
WEEKDAY_MULT = [1.0, 1.02, 1.0, 0.98, 0.95, 0.9, 1.05]


def generate(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    fnames, tnames = list(FORMATS), list(TOPICS)
    fw = np.array([FORMATS[f][0] for f in fnames])
    tw = np.array([TOPICS[t][0] for t in tnames])
    start = datetime(2024, 1, 1)
    rows = []
    ab_count = 0
    for week in range(53):
        for platform, (per_week, f0, growth, reach_share) in PLATFORMS.items():
            for d in sorted(rng.choice(7, size=per_week, replace=False)):
                day = start + timedelta(days=int(week * 7 + d))
                if day.year != 2024:
                    continue
                hour = int(rng.choice(HOURS))
                published = day.replace(hour=hour, minute=int(rng.choice([0, 15, 30, 45])))
                fmt = str(rng.choice(fnames, p=fw / fw.sum()))
                if platform == "TikTok":
                    fmt = "video"
                topic = str(rng.choice(tnames, p=tw / tw.sum()))
                variant = ""
                if datetime(2024, 10, 1) <= day < datetime(2024, 11, 1) and platform == "Instagram":
                    topic, fmt = "first_aid", "photo"
                    variant = "AB"[ab_count % 2]  # alternate the two messages
                    ab_count += 1
                year_frac = (day - start).days / 366
                followers = int(f0 * (1 + growth) ** year_frac)
                _, reach_mult, eng_rate, saves_share = FORMATS[fmt]
                promoted = not variant and rng.random() < 0.12 and topic in ("blood", "fundraising", "volunteer")
                spend = int(rng.choice([250_000, 500_000, 1_000_000])) if promoted else 0
                mean_reach = followers * reach_share * reach_mult * HOUR_MULT[hour] * WEEKDAY_MULT[day.weekday()]
                if spend:
                    mean_reach *= 1.8 + spend / 1_000_000
                if topic == "disaster_info" and rng.random() < 0.08:  # an emergency post that travels
                    mean_reach *= 3.5
                reach = max(100, int(rng.lognormal(np.log(mean_reach), 0.35)))
                impressions = int(reach * rng.uniform(1.15, 2.1))
                rate = eng_rate * TOPICS[topic][1] * (0.65 if spend else 1.0)
                if variant == "B":
                    rate *= 1.25
                engagements = int(rng.poisson(reach * rate))
                saves = int(rng.binomial(engagements, saves_share))
                comments = int(rng.binomial(engagements - saves, 0.10))
                shares = int(rng.binomial(engagements - saves - comments, 0.18))
                reactions = engagements - saves - comments - shares
                rows.append({"published": published.strftime("%Y-%m-%d %H:%M"), "weekday": WEEKDAYS[day.weekday()],
                             "hour": hour, "platform": platform, "format": fmt, "topic": topic,
                             "followers": followers, "reach": reach, "impressions": impressions,
                             "reactions": reactions, "comments": comments, "shares": shares, "saves": saves,
                             "spend_idr": spend, "variant": variant})
    rows.sort(key=lambda r: (r["published"], r["platform"]))
    for i, row in enumerate(rows, start=1):
        row["post_id"] = f"Y{i:04d}"
    return rows


COLUMNS = ["post_id", "published", "weekday", "hour", "platform", "format", "topic", "followers", "reach",
           "impressions", "reactions", "comments", "shares", "saves", "spend_idr", "variant"]


def write(rows: list[dict], path: Path = OUT) -> None:
    save_csv(path, rows, COLUMNS)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
