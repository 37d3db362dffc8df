"""Module 00's placement quiz: which of the workshop's two tracks fits a learner.

The 2013 sarasehan split participants into those not yet using social media
and those who already had accounts. The quiz asks about current use (not
knowledge); each option carries points; a total at or above the threshold
gives track B unless the gate question (having any account) scored 0.

>>> quiz = PlacementQuiz()
>>> first = quiz.questions[0]
>>> quiz.answer(first["id"], first["options"][0]["id"])
>>> quiz.complete
False
"""

from __future__ import annotations

import time

from .content import load_content
from .errors import SarasehanError
from .i18n import pick
from .paths import state_dir
from .storage import Loaded, load_json, save_json

PLACEMENT_FILE = "placement.json"


class PlacementQuiz:
    def __init__(self, spec: dict | None = None):
        self.spec = spec or load_content("placement")
        self.questions = self.spec["questions"]
        self._by_id = {q["id"]: q for q in self.questions}
        self.answers: dict[str, str] = {}

    def answer(self, question_id: str, option_id: str) -> None:
        question = self._by_id.get(question_id)
        if question is None:
            raise SarasehanError("placement.unknown_question", question=question_id,
                                 valid=", ".join(self._by_id))
        if option_id not in {o["id"] for o in question["options"]}:
            raise SarasehanError("placement.unknown_option", option=option_id, question=question_id)
        self.answers[question_id] = option_id

    def points(self, question_id: str) -> int:
        option_id = self.answers.get(question_id)
        for option in self._by_id[question_id]["options"]:
            if option["id"] == option_id:
                return int(option["points"])
        return 0

    @property
    def missing(self) -> list[str]:
        return [q["id"] for q in self.questions if q["id"] not in self.answers]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def score(self) -> int:
        return sum(self.points(q) for q in self.answers)

    @property
    def max_score(self) -> int:
        return sum(max(int(o["points"]) for o in q["options"]) for q in self.questions)

    def track(self) -> str | None:
        """``"A"`` or ``"B"`` once every question is answered, else ``None``."""
        if not self.complete:
            return None
        gate = self.spec.get("gate_question")
        if gate and self.points(gate) == 0:
            return "A"
        return "B" if self.score >= int(self.spec["threshold"]) else "A"

    def record(self) -> dict:
        return {"track": self.track(), "score": self.score, "max_score": self.max_score,
                "answers": dict(self.answers), "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S")}


def track_info(track: str, spec: dict | None = None) -> dict:
    """Name and description of a track in the learner's language."""
    spec = spec or load_content("placement")
    info = spec["tracks"][track]
    return {"track": track, "name": pick(info["name"]), "description": pick(info["description"])}


def save_placement(record: dict) -> None:
    save_json(state_dir() / PLACEMENT_FILE, record)


def load_placement() -> Loaded:
    """The saved placement (``data`` is empty when there is none yet).

    A file that is corrupt, or names an unknown track, is backed up and reset.
    """
    loaded = load_json(state_dir() / PLACEMENT_FILE)
    if loaded.data and loaded.data.get("track") not in ("A", "B"):
        import os
        path = state_dir() / PLACEMENT_FILE
        backup = path.with_name(f"{PLACEMENT_FILE}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        os.replace(path, backup)
        from .i18n import t
        return Loaded({}, t("storage.corrupt_reset", path=PLACEMENT_FILE, backup=backup.name), backup)
    return loaded
