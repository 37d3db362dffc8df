"""A learner's saved answers for one exercise, kept in their own folder.

>>> import os, tempfile
>>> os.environ["SARASEHAN_HOME"] = tempfile.mkdtemp()
>>> store = AnswerStore("demo")
>>> store.set("q1", "B")
>>> AnswerStore("demo").get("q1")
'B'
"""

from __future__ import annotations

import time
from pathlib import Path

from .paths import state_dir
from .storage import load_json, save_json


class AnswerStore:
    """A JSON file ``<learner folder>/answers/<name>.json`` saved on every change.

    ``message`` is set when a corrupt file had to be backed up and reset.
    """

    def __init__(self, name: str, folder: Path | None = None):
        self.name = name
        self.path = (folder or state_dir() / "answers") / f"{name}.json"
        loaded = load_json(self.path, {"answers": {}})
        self.data = loaded.data
        self.data.setdefault("answers", {})
        if not isinstance(self.data["answers"], dict):
            self.data["answers"] = {}
        self.message = loaded.message

    def get(self, key: str, default=None):
        return self.data["answers"].get(key, default)

    def set(self, key: str, value) -> None:
        self.data["answers"][key] = value
        self.data["updated"] = time.strftime("%Y-%m-%dT%H:%M:%S")
        save_json(self.path, self.data)

    def all(self) -> dict:
        return dict(self.data["answers"])
