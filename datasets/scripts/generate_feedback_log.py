"""Generate datasets/feedback_log.csv: a SYNTHETIC community-feedback log (Module 06).

Ten weeks (4 Nov 2024 - 12 Jan 2025) of feedback gathered during a
fictional flood response of PMI Kabupaten Contoh in four districts
(kecamatan). No real person or message is in it; themes and types only.
Plausible shapes, not measurements: many questions and rumours in the first
weeks, thanks later; face-to-face and radio call-ins dominate in the
highland district with weak signal; hotline and WhatsApp are answered
fastest, face-to-face feedback waits for the next visit; some rumours and
complaints are still open at the end.

    python datasets/scripts/generate_feedback_log.py
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from sarasehan.storage import save_csv

SEED = 2012  # the year of Rumoh PMI's broadcasts after the Aceh earthquake
OUT = Path(__file__).resolve().parent.parent / "feedback_log.csv"
START = datetime(2024, 11, 4, 7, 0)
END = START + timedelta(weeks=10)

DISTRICTS = {  # name: (share of feedback, channel weights in CHANNELS order)
    "Hilir": (0.35, [0.35, 0.15, 0.15, 0.10, 0.15, 0.10]),
    "Tengah": (0.30, [0.30, 0.15, 0.15, 0.15, 0.15, 0.10]),
    "Pesisir": (0.20, [0.25, 0.25, 0.10, 0.15, 0.20, 0.05]),
    "Pegunungan": (0.15, [0.05, 0.15, 0.05, 0.35, 0.40, 0.00]),
}
CHANNELS = ["WhatsApp", "SMS", "hotline", "radio_call_in", "face_to_face", "social_media"]
# median hours to answer, by channel
ANSWER_HOURS = {"WhatsApp": 10, "SMS": 20, "hotline": 3, "radio_call_in": 26, "face_to_face": 60, "social_media": 14}
THEMES = ["aid_distribution", "health", "shelter", "missing_persons", "water_sanitation", "pmi_services"]
THEME_WEIGHTS = [0.30, 0.17, 0.15, 0.06, 0.18, 0.14]
TYPES = ["question", "rumour", "complaint", "thanks"]


def type_weights(week: int) -> list[float]:
    """Questions and rumours early, thanks later."""
    thanks = 0.05 + 0.03 * week
    rumour = max(0.28 - 0.025 * week, 0.06)
    complaint = 0.18
    return [1 - thanks - rumour - complaint, rumour, complaint, thanks]


def generate(seed: int = SEED) -> list[dict]:
    rng = np.random.default_rng(seed)
    names = list(DISTRICTS)
    shares = np.array([DISTRICTS[d][0] for d in names])
    rows = []
    for week in range(10):
        n = int(rng.poisson(60 if week < 3 else 36 if week < 6 else 22))
        for _ in range(n):
            district = str(rng.choice(names, p=shares / shares.sum()))
            weights = np.array(DISTRICTS[district][1], dtype=float)
            channel = str(rng.choice(CHANNELS, p=weights / weights.sum()))
            theme = str(rng.choice(THEMES, p=np.array(THEME_WEIGHTS) / sum(THEME_WEIGHTS)))
            tw = np.array(type_weights(week))
            kind = str(rng.choice(TYPES, p=tw / tw.sum()))
            received = START + timedelta(days=week * 7 + float(rng.uniform(0, 7)))
            received = received.replace(minute=int(rng.integers(0, 60)), second=0, microsecond=0)
            hours = float(rng.lognormal(np.log(ANSWER_HOURS[channel]), 0.7))
            if kind == "thanks":
                hours *= 0.6
            answered = received + timedelta(hours=hours)
            still_open = kind in ("rumour", "complaint") and rng.random() < (0.05 + 0.04 * week)
            if still_open or answered > END:
                answered_text, status = "", "open"
            else:
                answered_text, status = answered.strftime("%Y-%m-%d %H:%M"), "answered"
            rows.append({"received": received.strftime("%Y-%m-%d %H:%M"), "district": district, "channel": channel,
                         "theme": theme, "type": kind, "answered": answered_text, "status": status})
    rows.sort(key=lambda r: (r["received"], r["district"], r["channel"]))
    for i, row in enumerate(rows, start=1):
        row["feedback_id"] = f"F{i:04d}"
    return rows


COLUMNS = ["feedback_id", "received", "district", "channel", "theme", "type", "answered", "status"]


def write(rows: list[dict], path: Path = OUT) -> None:
    save_csv(path, rows, COLUMNS)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
