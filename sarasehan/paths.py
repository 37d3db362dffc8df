"""Where things live, independent of the working directory.

* the course root (the folder with ``course/course.yml`` and ``datasets/``):
  ``SARASEHAN_ROOT`` if set, else the folder above this package;
* the learner's own folder for saved answers: ``SARASEHAN_HOME`` (default
  ``~/.sarasehan``) / ``learners`` / learner id, where the learner id is
  ``SARASEHAN_LEARNER`` or the login name.
"""

from __future__ import annotations

import getpass
import os
import re
from pathlib import Path


def course_root() -> Path:
    env = os.environ.get("SARASEHAN_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parent.parent


def datasets_dir() -> Path:
    return course_root() / "datasets"


def manifest_path() -> Path:
    return course_root() / "course" / "course.yml"


def glossary_path() -> Path:
    return course_root() / "course" / "glossary.yml"


def _safe_id(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", text.strip())[:64].strip("._")
    return cleaned or "learner"


def learner_id() -> str:
    env = os.environ.get("SARASEHAN_LEARNER")
    if env:
        return _safe_id(env)
    try:
        return _safe_id(getpass.getuser())
    except Exception:  # no login name (some containers)
        return "learner"


def state_dir() -> Path:
    """The learner's folder for saved answers (not created here)."""
    home = Path(os.environ.get("SARASEHAN_HOME", Path.home() / ".sarasehan")).expanduser()
    return home / "learners" / learner_id()
