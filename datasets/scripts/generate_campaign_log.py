"""Generate datasets/campaign_log.csv: a SYNTHETIC blood-donation campaign log (Module 02).

Eight weeks (2 Sep - 27 Oct 2024) of "Bulan Donor Darah", a campaign of the
fictional branch PMI Kabupaten Contoh and its blood donor unit (UDD). No
real account, post or person is in it. Shapes are plausible, not measured:
weekday posts reach more than weekend posts, platforms differ in reach and
in how many readers click through and sign up, and in week 5 a (fictional)
local news report about low blood stock lifts reach and sign-ups for about
ten days.

    python datasets/scripts/generate_campaign_log.py
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sarasehan.storage import save_csv

SEED = 2609  # 26 June: the day of the 2013 sarasehan
OUT = Path(__file__).resolve().parent.parent / "campaign_log.csv"
START = date(2024, 9, 2)
NEWS_DAY = date(2024, 9, 30)  # Monday of week 5
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]

# name: (posts per week, base reach, click rate of reach, sign-up rate of clicks)
PLATFORMS = {
    "Facebook": (4, 2600, 0.020, 0.11),
    "Instagram": (4, 2100, 0.016, 0.09),
    "WhatsApp": (3, 900, 0.090, 0.16),
    "TikTok": (3, 4200, 0.008, 0.06),
    "X": (2, 700, 0.012, 0.07),
}
FORMATS = {  # name: (weight, reach multiplier, engagement rate of reach)
    "photo": (0.35, 1.00, 0.045),
    "video": (0.25, 1.35, 0.060),
    "text": (0.25, 0.70, 0.025),
    "story": (0.15, 0.85, 0.030),
}


def news_boost(day: date) -> float:
    """1.0 before the news; a jump on the day that fades over about ten days."""
    delta = (day - NEWS_DAY).days
    return 1.0 if delta < 0 else 1.0 + 1.6 * np.exp(-delta / 4.0)


def generate(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    names = list(FORMATS)
    weights = np.array([FORMATS[f][0] for f in names])
    rows = []
    for week in range(8):
        for platform, (per_week, base, click_rate, signup_rate) in PLATFORMS.items():
            for d in sorted(rng.choice(7, size=per_week, replace=False)):
                day = START + timedelta(days=int(week * 7 + d))
                fmt = str(rng.choice(names, p=weights / weights.sum()))
                if platform == "WhatsApp" and fmt == "video":
                    fmt = "photo"
                _, reach_mult, eng_rate = FORMATS[fmt]
                weekday_mult = 0.8 if day.weekday() >= 5 else 1.0
                growth = 1 + 0.04 * week
                mean_reach = base * reach_mult * weekday_mult * growth * news_boost(day)
                reach = max(40, int(rng.lognormal(np.log(mean_reach), 0.30)))
                impressions = int(reach * rng.uniform(1.1, 1.8))
                engagements = int(rng.poisson(reach * eng_rate))
                comments = int(rng.binomial(engagements, 0.12 if platform != "WhatsApp" else 0.0))
                shares = int(rng.binomial(engagements - comments, 0.22 if platform != "WhatsApp" else 0.45))
                reactions = engagements - comments - shares
                clicks = int(rng.binomial(reach, min(click_rate * (1.25 if fmt == "story" else 1.0), 0.5)))
                signups = int(rng.binomial(clicks, min(signup_rate * (1.3 if news_boost(day) > 1.2 else 1.0), 0.9)))
                rows.append({"date": day.isoformat(), "week": week + 1, "weekday": WEEKDAYS[day.weekday()],
                             "platform": platform, "format": fmt, "reach": reach, "impressions": impressions,
                             "reactions": reactions, "comments": comments, "shares": shares,
                             "link_clicks": clicks, "signups": signups})
    rows.sort(key=lambda r: (r["date"], r["platform"]))
    for i, row in enumerate(rows, start=1):
        row["post_id"] = f"C{i:03d}"
    return rows


COLUMNS = ["post_id", "date", "week", "weekday", "platform", "format", "reach", "impressions", "reactions",
           "comments", "shares", "link_clicks", "signups"]


def write(rows: list[dict], path: Path = OUT) -> None:
    save_csv(path, rows, COLUMNS)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
