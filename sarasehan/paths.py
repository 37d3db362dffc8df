"""Where things live, independent of the working directory.

* the course root (the folder with ``course/course.yml`` and ``datasets/``):
  ``SARASEHAN_ROOT`` if set, else the folder above this package, else the nearest folder
  above the working directory that holds the course (see :func:`course_root`);
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
    """``SARASEHAN_ROOT``; else the folder above this package when it holds the course (a
    checkout, or an editable install); else the nearest folder at or above the working
    directory that holds ``course/course.yml`` (the package installed from a wheel, as in a
    learner archive, with JupyterLab started inside the course folder)."""
    env = os.environ.get("SARASEHAN_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    beside = Path(__file__).resolve().parent.parent
    if (beside / "course" / "course.yml").is_file():
        return beside
    try:
        here = Path.cwd().resolve()
    except OSError:  # the working directory was removed
        return beside
    for folder in (here, *here.parents):
        if (folder / "course" / "course.yml").is_file():
            return folder
    return beside


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
