"""A workshop session: one folder holding the groups and every group's answers.

The folder defaults to ``<learner folder>/workshop/<session name>`` and can
be any folder instead, e.g. a shared JupyterHub folder that every laptop
writes to::

    <session folder>/
        session.json          groups and seed (written by the split widget)
        answers/A1.json       one file per group's answer
        answers/A1.2.json     a second version or a second answer for A1
        results.md|.html|.csv exports

>>> import os, tempfile
>>> os.environ["SARASEHAN_HOME"] = tempfile.mkdtemp()
>>> s = WorkshopSession("Jatim 2025")
>>> s.name, s.folder.parts[-2:]
('Jatim_2025', ('workshop', 'Jatim_2025'))
>>> s.seed, s.group_ids()
(0, [])
"""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

from ..paths import state_dir
from ..storage import load_json, save_json
from ._util import safe_name

DEFAULT_SESSION = "sarasehan"


def device_id() -> str:
    """This computer's name for answer files: ``SARASEHAN_DEVICE`` if set, else the host name.

    >>> os.environ["SARASEHAN_DEVICE"] = "laptop 3"; device_id()
    'laptop_3'
    >>> del os.environ["SARASEHAN_DEVICE"]
    """
    name = os.environ.get("SARASEHAN_DEVICE", "").strip()
    if not name:
        try:
            name = socket.gethostname()
        except OSError:
            name = ""
    return safe_name(name, fallback="device")


class WorkshopSession:
    """The folder of one workshop session (see the module docstring)."""

    def __init__(self, name: str = DEFAULT_SESSION, folder: str | Path | None = None):
        if folder is not None:
            self.folder = Path(folder).expanduser().resolve()
            self.name = safe_name(name if name != DEFAULT_SESSION else self.folder.name)
        else:
            self.name = safe_name(name)
            self.folder = state_dir() / "workshop" / self.name
        self.message: str | None = None

    def __repr__(self) -> str:
        return f"WorkshopSession({self.name!r}, folder={str(self.folder)!r})"

    @property
    def answers_dir(self) -> Path:
        return self.folder / "answers"

    @property
    def info_path(self) -> Path:
        return self.folder / "session.json"

    def info(self) -> dict:
        """``session.json`` (groups and seed); a damaged file is backed up and reset with a message."""
        loaded = load_json(self.info_path, {"name": self.name, "seed": 0, "groups": []})
        if loaded.message:
            self.message = loaded.message
        return loaded.data

    @property
    def seed(self) -> int:
        try:
            return int(self.info().get("seed", 0) or 0)
        except (TypeError, ValueError):
            return 0

    def save_groups(self, groups, seed: int | None) -> Path:
        """Remember the groups (``Group`` objects) and the seed for the answer forms."""
        data = self.info()
        data.update({"name": self.name, "seed": int(seed or 0), "groups": [g.as_dict() for g in groups]})
        save_json(self.info_path, data)
        return self.info_path

    def groups(self) -> list[dict]:
        groups = self.info().get("groups")
        return [g for g in groups if isinstance(g, dict) and isinstance(g.get("id"), str)] if isinstance(groups, list) else []

    def group_ids(self) -> list[str]:
        ids = [g["id"] for g in self.groups() if re.match(r"^[AB][1-9][0-9]{0,2}$", g["id"])]
        return sorted(ids, key=lambda g: (g[0], int(g[1:])))


def open_session(session: "WorkshopSession | str | Path | None" = None) -> WorkshopSession:
    """A session from a session object, a folder (``Path`` or a text with ``/``) or a name.

    >>> open_session("latihan").name
    'latihan'
    """
    if isinstance(session, WorkshopSession):
        return session
    if session is None:
        return WorkshopSession()
    if isinstance(session, Path) or any(sep in str(session) for sep in ("/", "\\", "~")):
        return WorkshopSession(folder=session)
    return WorkshopSession(str(session))
