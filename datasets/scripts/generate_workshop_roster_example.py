"""Generate datasets/workshop_roster_example.csv: a SYNTHETIC workshop roster.

24 fictional participants ("Peserta 01" … "Peserta 24") from 12
contingents (Indonesian provinces), one staff member and one volunteer
per contingent as at the 2013 sarasehan; 10 do not yet use social media
(category A) and 14 already do (category B). No real person is in it.
Used by the facilitator notebook (authoring/lessons/99_workshop_facilitator.yml)
and the workshop tests.

Run from the repository root (fixed seed, so the file is byte-identical):

    python datasets/scripts/generate_workshop_roster_example.py
"""

from __future__ import annotations

import random
from pathlib import Path

from sarasehan.storage import save_csv

SEED = 2013  # the year of the sarasehan
OUT = Path(__file__).resolve().parent.parent / "workshop_roster_example.csv"
COLUMNS = ["name", "contingent", "role", "uses_social_media"]
PROVINCES = [
    "Aceh", "Sumatera Utara", "Sumatera Barat", "Riau", "Jambi", "Sumatera Selatan", "Bengkulu", "Lampung",
    "Kepulauan Bangka Belitung", "Kepulauan Riau", "DKI Jakarta", "Jawa Barat", "Jawa Tengah",
    "DI Yogyakarta", "Jawa Timur", "Banten", "Bali", "Nusa Tenggara Barat", "Nusa Tenggara Timur",
    "Kalimantan Barat", "Kalimantan Tengah", "Kalimantan Selatan", "Kalimantan Timur", "Kalimantan Utara",
    "Sulawesi Utara", "Sulawesi Tengah", "Sulawesi Selatan", "Sulawesi Tenggara", "Gorontalo",
    "Sulawesi Barat", "Maluku", "Maluku Utara", "Papua", "Papua Barat",
]
CONTINGENTS = 12
NOT_YET_USING = 10


def generate(seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    people = [(prov, role) for prov in rng.sample(PROVINCES, CONTINGENTS) for role in ("staff", "volunteer")]
    rng.shuffle(people)
    not_yet = set(rng.sample(range(len(people)), NOT_YET_USING))
    return [{"name": f"Peserta {i + 1:02d}", "contingent": prov, "role": role,
             "uses_social_media": "no" if i in not_yet else "yes"}
            for i, (prov, role) in enumerate(people)]


def write(rows: list[dict], path: Path = OUT) -> None:
    save_csv(path, rows, COLUMNS)


if __name__ == "__main__":
    write(generate())
    print(f"wrote {OUT}")
