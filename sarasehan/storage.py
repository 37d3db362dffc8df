"""Saving learner answers so that a kernel restart or crash loses nothing.

Writes go to a temporary file in the same folder, are flushed to disk and
then renamed over the old file (``os.replace`` is atomic on POSIX and
Windows). A file that no longer parses is kept as ``NAME.corrupt-STAMP``
and the learner is told; nothing is silently thrown away.

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "answers.json"
>>> save_json(p, {"q1": "B"})
>>> load_json(p).data
{'q1': 'B'}
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .i18n import t


@dataclass
class Loaded:
    """What :func:`load_json` found: the data, and a message if it had to reset."""

    data: dict
    message: str | None = None
    backup: Path | None = None


def atomic_write(path: Path, write, *, binary: bool = False, newline: str | None = None,
                 shared: bool = False) -> Path:
    """Call ``write(fh)`` on a temporary file beside ``path`` (text, UTF-8; or bytes with
    ``binary``), fsync it and rename it over ``path``; on any failure the old file is
    untouched and the temporary file removed. Returns ``path``.
    The file stays private to its owner (``mkstemp``'s 0600) unless ``shared``: then it gets
    the mode a plain ``open()`` would give (0666 less the umask), as data files need."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        if shared:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)
        with (os.fdopen(fd, "wb") if binary else os.fdopen(fd, "w", encoding="utf-8", newline=newline)) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        return path
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def save_json(path: Path, data: dict) -> None:
    """Write ``data`` as JSON to ``path`` atomically (temp file, fsync, rename)."""
    def write(fh):
        json.dump(data, fh, ensure_ascii=False, indent=2, sort_keys=True)
        fh.write("\n")

    atomic_write(path, write)


def save_csv(path: Path, rows: list[dict], columns: list[str]) -> None:
    """Write ``rows`` (dicts) as CSV with exactly ``columns``, in that order, atomically; ``\\n``
    line ends on every system, so a generated dataset is byte-identical everywhere.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> save_csv(p, [{"b": 2, "a": 1, "extra": 0}], ["a", "b"])
    >>> p.read_bytes()
    b'a,b\\n1,2\\n'
    """
    import csv

    def write(fh):
        w = csv.DictWriter(fh, fieldnames=columns, lineterminator="\n")
        w.writeheader()
        for row in rows:
            w.writerow({c: row[c] for c in columns})

    atomic_write(path, write, newline="", shared=True)


def load_json(path: Path, default: dict | None = None) -> Loaded:
    """Read a JSON object; back up and reset a corrupt file with a message."""
    path = Path(path)
    fresh = dict(default or {})
    if not path.exists():
        return Loaded(fresh)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        return Loaded(data)
    except (ValueError, UnicodeDecodeError):
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while backup.exists():
            backup = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
            n += 1
        os.replace(path, backup)
        return Loaded(fresh, t("storage.corrupt_reset", path=path.name, backup=backup.name), backup)
