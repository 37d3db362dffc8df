"""Group answers: one JSON file per group in ``<session folder>/answers/``.

A record holds the group, module, question id, answer text, ``saved_at``
(ISO time with time zone), the device id and a ``uuid``. Saving again from
the same device for the same group, module and question edits that answer
(same uuid, same file). Anything else never overwrites an existing file: a
second answer for a group goes to ``A1.2.json``, ``A1.3.json`` …

Every write is atomic (temporary file, then ``os.replace``): a crash or a
full disk leaves the previous file as it was.

>>> import os, tempfile
>>> from sarasehan.workshop.session import WorkshopSession
>>> s = WorkshopSession(folder=tempfile.mkdtemp())
>>> path, rec = save_answer(s, "A1", "01", "Informasi donor darah", device="laptop-1")
>>> path.name, rec["group"], rec["question_id"].startswith("m01-a")
('A1.json', 'A1', True)
>>> path2, rec2 = save_answer(s, "A1", "01", "Informasi donor darah dan banjir", device="laptop-1")
>>> path2 == path and rec2["uuid"] == rec["uuid"]          # an edit, not a new answer
True
>>> save_answer(s, "A1", "01", "Jawaban laptop lain", device="laptop-2")[0].name
'A1.2.json'
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import uuid as uuidlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from ..errors import SarasehanError
from ..storage import save_json
from .questions import normalise_module, parse_group_id, question_for
from .session import WorkshopSession, device_id, open_session

FORMAT = "sarasehan-workshop-answer/1"
REQUIRED = ("uuid", "group", "module", "question_id", "answer", "saved_at")
FILE_NAME = re.compile(r"^(?P<group>[AB][1-9][0-9]{0,2})(?:\.(?P<n>[1-9][0-9]{0,3}))?\.json$")
MAX_ANSWER_CHARS = 20_000


def now_iso(now: Callable[[], datetime] | None = None) -> str:
    stamp = now() if now else datetime.now(timezone.utc).astimezone()
    if stamp.tzinfo is None:
        stamp = stamp.astimezone()
    return stamp.isoformat(timespec="seconds")


def parse_time(text: object) -> datetime:
    """An aware datetime for ``saved_at`` (naive means UTC; unreadable sorts first)."""
    try:
        stamp = datetime.fromisoformat(str(text))
    except ValueError:
        return datetime.min.replace(tzinfo=timezone.utc)
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


def fingerprint(record: dict) -> str:
    """What makes two records "the same answer": group, module, question and answer text.

    ``saved_at`` and the device are left out: saving the same text twice is no conflict.
    """
    parts = [str(record.get(k, "")).strip() for k in ("group", "module", "question_id", "answer")]
    return json.dumps(parts, ensure_ascii=False)


def record_problem(data: object) -> str | None:
    """``None`` for a well-formed answer record, else the names of the missing or bad fields."""
    if not isinstance(data, dict):
        return "-"
    bad = [k for k in REQUIRED if not isinstance(data.get(k), str) or (k != "answer" and not data[k].strip())]
    if not bad and not (0 < len(data["uuid"]) <= 64 and re.match(r"^[A-Za-z0-9_.:-]+$", data["uuid"])):
        bad.append("uuid")
    return ", ".join(bad) or None


def answer_files(folder: Path, group: str | None = None) -> list[Path]:
    """Answer files in ``folder`` (``A1.json``, ``A1.2.json`` …), main file first per group."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    out = []
    for p in folder.iterdir():
        m = FILE_NAME.match(p.name)
        if m and p.is_file() and (group is None or m.group("group") == group):
            out.append((parse_group_id(m.group("group")), int(m.group("n") or 1), p))
    return [p for *_, p in sorted(out)]


def next_free_path(folder: Path, group: str) -> Path:
    """``A1.json`` if free, else the first free ``A1.N.json`` (N ≥ 2)."""
    folder = Path(folder)
    path = folder / f"{group}.json"
    n = 2
    while path.exists():
        path = folder / f"{group}.{n}.json"
        n += 1
    return path


def write_new_record(folder: Path, group: str, record: dict) -> Path:
    """Write ``record`` to a new file ``A1.json`` / ``A1.N.json`` without ever overwriting one.

    The JSON goes to a temporary file first; it is then hard-linked under the
    first free name, which fails if another laptop took that name a moment
    earlier (e.g. in a shared JupyterHub folder), and the next name is tried.
    File systems without hard links (some USB sticks) fall back to ``os.replace``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{group}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(record, fh, ensure_ascii=False, indent=2, sort_keys=True)
            fh.write("\n")
            fh.flush()
            os.fsync(fh.fileno())
        for _ in range(10_000):
            path = next_free_path(folder, group)
            try:
                os.link(tmp, path)
                return path
            except FileExistsError:
                continue
            except OSError:  # no hard links on this file system
                os.replace(tmp, path)
                return path
        raise FileExistsError(str(folder / f"{group}.json"))
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def read_record(path: Path) -> dict | None:
    """The record in ``path``, or ``None`` if it is damaged or not an answer (never raises)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, ValueError):
        return None
    return data if record_problem(data) is None else None


def save_answer(session: WorkshopSession | str | Path | None, group: str, module: object, answer: str,
                question_id: str | None = None, device: str | None = None,
                now: Callable[[], datetime] | None = None) -> tuple[Path, dict]:
    """Save a group's answer atomically; return ``(path, record)`` (see the module docstring)."""
    session = open_session(session)
    category, number = parse_group_id(group)
    group = f"{category}{number}"
    module = normalise_module(module)
    text = (answer or "").strip()
    if not text:
        raise SarasehanError("workshop.answers.empty")
    if len(text) > MAX_ANSWER_CHARS:
        raise SarasehanError("workshop.answers.too_long", n=len(text), maximum=MAX_ANSWER_CHARS)
    question_id = question_id or question_for(group, module, session.seed).key
    device = device or device_id()
    target, uid = None, None
    for path in answer_files(session.answers_dir, group):
        old = read_record(path)
        if old and (old["module"], old["question_id"], old.get("device")) == (module, question_id, device):
            target, uid = path, old["uuid"]
            break
    record = {
        "format": FORMAT,
        "uuid": uid or str(uuidlib.uuid4()),
        "group": group,
        "module": module,
        "question_id": question_id,
        "answer": text,
        "saved_at": now_iso(now),
        "device": device,
    }
    if target is None:
        return write_new_record(session.answers_dir, group, record), record
    save_json(target, record)
    return target, record


def latest_own_answer(session: WorkshopSession, group: str, module: object, device: str | None = None) -> dict | None:
    """This device's saved answer for ``group`` and ``module`` (to refill the form), or ``None``."""
    module = normalise_module(module)
    device = device or device_id()
    found = [r for r in (read_record(p) for p in answer_files(session.answers_dir, group))
             if r and r["module"] == module and r.get("device") == device]
    return max(found, key=lambda r: parse_time(r["saved_at"])) if found else None


DEFAULT_GROUPS = ("A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4")


class AnswerForm:
    """The model behind a group's answer form on one laptop.

    Groups come from ``groups``, else from the session (saved by the split
    widget), else ``A1``–``A4`` and ``B1``–``B4``.

    >>> import tempfile
    >>> from sarasehan.workshop.session import WorkshopSession
    >>> form = AnswerForm(WorkshopSession(folder=tempfile.mkdtemp()), "02", device="laptop-1")
    >>> form.group_ids[:2], form.question("B1").category
    (['A1', 'A2'], 'B')
    """

    def __init__(self, session: WorkshopSession | str | Path | None = None, module: object = "01",
                 groups=None, device: str | None = None):
        self.session = open_session(session)
        self.module = normalise_module(module)
        self.device = device or device_id()
        if groups:
            ids = [g if isinstance(g, str) else g.id for g in groups]
        else:
            ids = self.session.group_ids() or list(DEFAULT_GROUPS)
        self.group_ids = [f"{c}{n}" for c, n in sorted(parse_group_id(g) for g in ids)]

    def question(self, group: str):
        return question_for(group, self.module, self.session.seed)

    def saved(self, group: str) -> dict | None:
        return latest_own_answer(self.session, group, self.module, self.device)

    def save(self, group: str, answer: str) -> tuple[Path, dict]:
        return save_answer(self.session, group, self.module, answer, self.question(group).key, self.device)
