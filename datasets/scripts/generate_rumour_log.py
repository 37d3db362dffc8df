"""Generate datasets/rumour_log.csv: a SYNTHETIC rumour log for Module 04.

Six weeks (9 December 2024 - 19 January 2025) of rumours logged during a
fictional flood response of "PMI Kabupaten Contoh". No real rumour, person
or account is in it. One row per rumour, with its status at the end of the
log. Shapes are plausible, not measured:

* most rumours come in the first weeks and fewer each week after;
* rumours about aid distribution and missing persons dominate early; health
  and water and sanitation rumours rise in weeks 2-4 (diarrhoea, clean water);
* WhatsApp carries most rumours; TikTok and radio call-ins reach the most
  people per rumour, face-to-face rumours the fewest;
* the team answers a larger share of rumours as the response settles: many
  week-1 rumours were never followed up and are still open, while later ones
  are mostly responded to; rumours answered long ago are more often closed
  (no longer circulating), and the last two days' rumours are often still open.

Run from the repository root (fixed seed, so the file is byte-identical):

    python datasets/scripts/generate_rumour_log.py
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sarasehan.storage import save_csv

SEED = 1863  # the year the International Committee of the Red Cross was founded
OUT = Path(__file__).resolve().parent.parent / "rumour_log.csv"
START = date(2024, 12, 9)  # a Monday
WEEKS = 6
END = START + timedelta(days=WEEKS * 7 - 1)
RUMOURS_PER_WEEK = [22, 19, 14, 11, 8, 6]  # 80 in all

THEMES = ["aid_distribution", "health", "water_sanitation", "shelter", "pmi_services", "missing_persons"]
THEME_WEIGHTS = [  # one row per week, in the order of THEMES
    [0.40, 0.08, 0.10, 0.14, 0.08, 0.20],
    [0.32, 0.18, 0.18, 0.14, 0.10, 0.08],
    [0.24, 0.26, 0.22, 0.12, 0.12, 0.04],
    [0.20, 0.28, 0.20, 0.14, 0.16, 0.02],
    [0.18, 0.24, 0.16, 0.18, 0.22, 0.02],
    [0.16, 0.20, 0.12, 0.22, 0.28, 0.02],
]
CHANNELS = {
    # name: (share of rumours, median people reached per rumour)
    "WhatsApp": (0.40, 400),
    "Facebook": (0.20, 900),
    "TikTok": (0.12, 2500),
    "face_to_face": (0.18, 40),
    "radio_call_in": (0.10, 1500),
}


def generate(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    channels = list(CHANNELS)
    channel_p = np.array([CHANNELS[c][0] for c in channels])
    rows = []
    for week, n in enumerate(RUMOURS_PER_WEEK):
        weights = np.array(THEME_WEIGHTS[week])
        for _ in range(n):
            day = START + timedelta(days=int(week * 7 + rng.integers(0, 7)))
            theme = str(rng.choice(THEMES, p=weights / weights.sum()))
            channel = str(rng.choice(channels, p=channel_p / channel_p.sum()))
            attention = 1.4 - 0.1 * week  # people share more early in the emergency
            reach = rng.lognormal(np.log(CHANNELS[channel][1] * attention), 0.6)
            reach = max(10, int(round(reach, -1)))  # a rough estimate, to the nearest ten
            days_left = (END - day).days
            handled = min(0.95, 0.45 + 0.1 * week)
            if days_left < 2:
                handled *= 0.5
            if rng.random() < handled:
                closed = float(np.clip(days_left / 30, 0.1, 0.8))
                status = "closed" if rng.random() < closed else "responded"
            else:
                status = "open"
            rows.append({"first_seen": day.isoformat(), "theme": theme, "channel": channel,
                         "status": status, "reach_estimate": reach})
    rows.sort(key=lambda r: (r["first_seen"], r["channel"], r["theme"]))
    for i, row in enumerate(rows, start=1):
        row["rumour_id"] = f"R{i:03d}"
    return rows


def write(rows: list[dict], path: Path = OUT) -> None:
    cols = ["rumour_id", "first_seen", "theme", "channel", "status", "reach_estimate"]
    save_csv(path, rows, cols)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
