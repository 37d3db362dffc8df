"""Group-discussion cards in the workshop's format.

A card shows a question for the group; the group's rapporteur types the
answer and saves it. Answers are appended (never overwritten) to
``<learner folder>/discussions/<card>.json`` and can be collected by the
facilitator.

>>> import os, tempfile
>>> os.environ["SARASEHAN_HOME"] = tempfile.mkdtemp()
>>> card = DiscussionCard("m01_functions_for_branch")
>>> entry = card.save("Kelompok 1", "Informasi banjir dan donor darah")
>>> len(card.entries())
1
"""

from __future__ import annotations

import time

from .content import load_content
from .errors import SarasehanError
from .i18n import pick
from .paths import state_dir
from .storage import load_json, save_json


class DiscussionCard:
    def __init__(self, key: str, spec: dict | None = None):
        cards = spec or load_content("discussions")
        if key not in cards:
            raise SarasehanError("discussion.unknown", key=key, valid=", ".join(sorted(cards)))
        self.key = key
        self.card = cards[key]
        self.path = state_dir() / "discussions" / f"{key}.json"
        self.message: str | None = None

    @property
    def question(self) -> str:
        return pick(self.card["question"])

    @property
    def prompts(self) -> list[str]:
        return [pick(p) for p in self.card.get("prompts", [])]

    @property
    def minutes(self) -> int:
        return int(self.card.get("minutes", 10))

    def _load(self) -> dict:
        loaded = load_json(self.path, {"card": self.key, "entries": []})
        if loaded.message:
            self.message = loaded.message
        data = loaded.data
        if not isinstance(data.get("entries"), list):
            data["entries"] = []
        return data

    def entries(self) -> list[dict]:
        return list(self._load()["entries"])

    def save(self, group: str, answer: str) -> dict:
        group, answer = (group or "").strip(), (answer or "").strip()
        if not answer:
            raise SarasehanError("discussion.empty")
        data = self._load()
        entry = {"group": group or "-", "answer": answer, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S")}
        data["entries"].append(entry)
        save_json(self.path, data)
        return entry
