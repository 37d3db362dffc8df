"""Bring learners' submissions into nbgrader's ``submitted/`` folder, losing nothing.

``collect(assignment, source, course_root, roster=None)`` accepts as SOURCE

1. a zip downloaded from a learning platform (Canvas, Moodle, Google
   Classroom…): names such as ``rahmasiti_12345_987654_01_roles_and_benefits-1.ipynb``
   or ``Siti Rahma_12345_assignsubmission_file_/Copy of 01_roles_and_benefits (1).ipynb``;
2. a folder of files that came by e-mail, chat or USB stick (nested folders,
   packs and unrelated files are fine);
3. the nbgrader exchange: the exchange root, the course folder in it or its
   ``inbound`` folder (``<student>+<assignment>+<timestamp>[+random]/``);
4. sarasehan packs (see :mod:`sarasehan.packs`), loose or inside 1–3. Each is
   verified; a damaged or altered pack is reported by name and never graded.

Every notebook found is given the assignment's notebook name (from
``solutions/ASSIGNMENT/*.ipynb``; ``Copy of``, `` (1)``, ``-1``, spaces and
capitals do not matter) and a student id: from the roster CSV (``student_id,
name`` and optionally ``email``, ``aliases``) when its id, e-mail or name
appears in the pack manifest, the exchange folder, the notebook's metadata,
the file name or the folders around it; failing that, the id in the pack
manifest, the exchange folder or the notebook metadata, or the name in a
learning-platform file name. A file that cannot be matched is copied, under
its own name, to ``unmatched/ASSIGNMENT/`` and listed.

Every version is kept in ``submissions_archive/<student>/<assignment>/<time>/``
(identical copies once); ``submitted/<student>/<assignment>/`` gets the newest
version of each notebook, by pack time, exchange timestamp, zip entry date or
file modification time, with nbgrader's ``timestamp.txt``. Whatever was in
``submitted/`` before is archived first, so nothing is ever silently
overwritten. Nothing is extracted from a zip under a member's own path.

>>> match_notebook("Copy of 01_Roles and Benefits (1).ipynb", ["01_roles_and_benefits.ipynb"])
('01_roles_and_benefits.ipynb', [])
>>> match_notebook("rahmasiti_LATE_1234_5678_ps1-1.ipynb", ["ps1.ipynb"])
('ps1.ipynb', ['rahmasiti_late_1234_5678'])
>>> match_notebook("notes.ipynb", ["ps1.ipynb"]) is None
True
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .errors import SarasehanError
from .i18n import t
from .packs import PackError, check_assignment_name, load_pack, looks_like_pack, normalise_student_id, notebook_problem

# nbgrader's own format (ExchangeSubmit.timestamp_format, read back by nbgrader.utils.parse_utc)
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"
MAX_NOTEBOOK_BYTES = 100 * 1024 * 1024
MAX_ZIP_DEPTH = 3
SKIP_DIRS = {".ipynb_checkpoints", "__MACOSX", "__pycache__", ".git", ".svn"}
_EXCHANGE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d")
EXCHANGE_QUIET = {"timestamp.txt", "submission_secret.txt"}
CANVAS_PREFIX = re.compile(r"^(?P<name>[a-z][a-z0-9]*?)(?:_late)?_\d+_\d+(?:_.*)?$")
MOODLE_FOLDER = re.compile(r"^(?P<name>[a-z].*?)_\d+_assignsubmission_[a-z]+$")
_COPY_BEFORE = re.compile(r"(?:^|_)(?:copy_of|salinan_dari|salinan|copy|kopie_von)$")
_COPY_AFTER = re.compile(r"^(?:copy\d*|salinan\d*|v\d+|\d{1,3})(?:_|$)")
ROSTER_COLUMNS = {
    "student_id": "student_id", "id": "student_id", "nim": "student_id", "nomor": "student_id",
    "username": "student_id", "login": "student_id", "id_peserta": "student_id",
    "name": "name", "nama": "name", "full_name": "name", "nama_lengkap": "name",
    "email": "email", "e_mail": "email", "surel": "email",
    "aliases": "aliases", "alias": "aliases", "nama_lain": "aliases",
}


class CollectError(SarasehanError, ValueError):
    pass


# --- names ------------------------------------------------------------------------------------
def _ascii(text: object) -> str:
    return unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii").lower()


def _norm(text: object) -> str:
    """``Copy of 01 Roles-and (1)`` -> ``copy_of_01_roles_and_1``."""
    return re.sub(r"[^a-z0-9]+", "_", _ascii(text)).strip("_")


def _compact(text: object) -> str:
    return re.sub(r"[^a-z0-9]+", "", _ascii(text))


def _strip_copy_words(text: str, pattern: re.Pattern) -> str:
    """Drop "Copy of" before a name, and "-1", " (2)", "-Copy1", "_v2" after it."""
    prev = None
    while prev != text:
        prev, text = text, pattern.sub("", text).strip("_")
    return text


def match_notebook(file_name: str, notebooks: list[str]) -> tuple[str, list[str]] | None:
    """The assignment notebook that ``file_name`` is a copy of, and the rest of the name
    (what came before and after, e.g. a platform's ``name_id_id``) as hints; else ``None``."""
    if not file_name.lower().endswith(".ipynb"):
        return None
    cand = _norm(file_name[: -len(".ipynb")])
    for exp in sorted(((_norm(Path(n).stem), n) for n in notebooks), key=lambda e: -len(e[0])):
        m = re.fullmatch(rf"(?:(?P<pre>.*?)_)?{re.escape(exp[0])}(?:_(?P<post>.*))?", cand)
        if m:
            rest = [_strip_copy_words(m["pre"] or "", _COPY_BEFORE), _strip_copy_words(m["post"] or "", _COPY_AFTER)]
            return exp[1], [r for r in rest if r]
    return None


def _parse_time(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        from nbgrader.utils import parse_utc

        parsed = parse_utc(text)
        return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)
    except ImportError:  # pragma: no cover - nbgrader is a dependency of the course
        pass
    except (ValueError, OverflowError, TypeError, AttributeError):
        pass
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def nbgrader_timestamp(when: datetime) -> str:
    """``2025-07-07 10:20:30.000000 UTC``, as nbgrader writes and reads ``timestamp.txt``."""
    return when.astimezone(timezone.utc).strftime(TIMESTAMP_FORMAT)


def _show_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- roster -----------------------------------------------------------------------------------
@dataclass
class RosterEntry:
    student_id: str
    name: str = ""
    email: str = ""
    aliases: list[str] = field(default_factory=list)


def read_roster(path: str | Path) -> tuple[list[RosterEntry], list[str]]:
    """Read the roster CSV (commas, semicolons or tabs); return the entries and the problems."""
    path = Path(path).expanduser()
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise CollectError("collect.roster_unreadable", path=str(path), error=str(err)) from None
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = max(",;\t", key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows = list(reader)
    if not rows:
        raise CollectError("collect.roster_no_id", path=str(path), columns="-")
    header = [ROSTER_COLUMNS.get(_norm(h), _norm(h)) for h in rows[0]]
    if "student_id" not in header:
        raise CollectError("collect.roster_no_id", path=str(path), columns=", ".join(rows[0]) or "-")
    entries: list[RosterEntry] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        rec = {header[i]: cell.strip() for i, cell in enumerate(row) if i < len(header)}
        sid = normalise_student_id(rec.get("student_id", ""))
        if not sid:
            problems.append(t("collect.roster_row_no_id", path=path.name, line=n))
            continue
        if sid in seen:
            problems.append(t("collect.roster_row_duplicate", path=path.name, line=n, student=sid))
            continue
        seen.add(sid)
        aliases = [a.strip() for a in re.split(r"[;|,]", rec.get("aliases", "")) if a.strip()]
        entries.append(RosterEntry(sid, rec.get("name", ""), rec.get("email", ""), aliases))
    return entries, problems


class _RosterIndex:
    def __init__(self, entries: list[RosterEntry]):
        self.ids: set[str] = {e.student_id for e in entries}
        self.id_keys: list[tuple[str, str]] = []
        self.name_keys: list[tuple[str, str]] = []
        for e in entries:
            keys = {_compact(e.student_id)}
            if e.email:
                keys |= {_compact(e.email), _compact(e.email.split("@")[0])}
            keys |= {_compact(a) for a in e.aliases}
            self.id_keys += [(k, e.student_id) for k in keys if k]
            names = {_compact(e.name), _compact(" ".join(reversed(e.name.split())))} if e.name.strip() else set()
            names |= {_compact(a) for a in e.aliases if re.search(r"[A-Za-z]", a)}
            self.name_keys += [(k, e.student_id) for k in names if k]

    def lookup(self, hint: str) -> set[str]:
        c = _compact(hint)
        if not c:
            return set()
        toks = [tok for tok in re.split(r"[^a-z0-9]+", _ascii(hint)) if tok]
        joins = {"".join(toks[i:j]) for i in range(len(toks)) for j in range(i + 1, min(len(toks), i + 5) + 1)}
        found = {sid for key, sid in self.id_keys if key == c or (len(key) >= 3 and key in joins)}
        found |= {sid for key, sid in self.name_keys if key == c or (len(key) >= 4 and key in joins)}
        if not found:
            found = {sid for key, sid in self.name_keys if len(key) >= 8 and key in c}
        return found


# --- the report -------------------------------------------------------------------------------
@dataclass
class Collected:
    """One student's submission now in ``submitted/``."""

    student_id: str
    notebooks: list[str]
    timestamp: str
    origin: str
    matched_by: str
    versions: int
    changed: bool
    in_roster: bool | None = None


@dataclass
class Replaced:
    """A student with several versions of a notebook: which one went to ``submitted/``."""

    student_id: str
    notebook: str
    chosen: str
    chosen_timestamp: str
    older: list[dict]
    archive: str


@dataclass
class UnmatchedFile:
    origin: str
    reason: str
    kept_as: str


@dataclass
class DamagedPack:
    pack: str
    reason: str


@dataclass
class InvalidNotebook:
    student_id: str
    notebook: str
    origin: str
    error: str


@dataclass
class Ignored:
    origin: str
    reason: str


@dataclass
class Duplicate:
    origin: str
    student_id: str
    notebook: str


@dataclass
class CollectReport:
    assignment: str
    course_root: str
    collected: list[Collected] = field(default_factory=list)
    replaced_older: list[Replaced] = field(default_factory=list)
    unmatched: list[UnmatchedFile] = field(default_factory=list)
    damaged_packs: list[DamagedPack] = field(default_factory=list)
    invalid_notebooks: list[InvalidNotebook] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    needs_regrade: list[str] = field(default_factory=list)
    roster_problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file found went to a student and every pack was intact."""
        return not (self.unmatched or self.damaged_packs or self.invalid_notebooks)

    def as_dict(self) -> dict:
        return asdict(self)

    def lines(self) -> list[str]:
        out = [t("collect.summary", assignment=self.assignment, students=len(self.collected),
                 unmatched=len(self.unmatched), damaged=len(self.damaged_packs),
                 invalid=len(self.invalid_notebooks))]
        for c in self.collected:
            key = "collect.line_collected" if c.changed else "collect.line_unchanged"
            out.append(t(key, student=c.student_id, notebooks=", ".join(c.notebooks), origin=c.origin,
                         timestamp=c.timestamp, how=c.matched_by))
            if c.in_roster is False:
                out.append(t("collect.line_not_in_roster", student=c.student_id))
        for r in self.replaced_older:
            older = "; ".join(f"{o['origin']} ({o['timestamp']})" for o in r.older)
            out.append(t("collect.line_replaced", student=r.student_id, notebook=r.notebook, chosen=r.chosen,
                         timestamp=r.chosen_timestamp, older=older, archive=r.archive))
        out += [t("collect.line_invalid", student=i.student_id, notebook=i.notebook, origin=i.origin, error=i.error)
                for i in self.invalid_notebooks]
        out += [t("collect.line_damaged", pack=d.pack, reason=d.reason) for d in self.damaged_packs]
        out += [t("collect.line_unmatched", origin=u.origin, reason=u.reason, kept_as=u.kept_as)
                for u in self.unmatched]
        out += [t("collect.line_duplicate", origin=d.origin, student=d.student_id, notebook=d.notebook)
                for d in self.duplicates]
        out += [t("collect.line_ignored", origin=i.origin, reason=i.reason) for i in self.ignored]
        out += self.roster_problems
        if self.needs_regrade:
            out.append(t("collect.line_regrade", assignment=self.assignment, students=", ".join(self.needs_regrade)))
        if not self.collected and not self.unmatched:
            out.append(t("collect.nothing"))
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        import html

        first, *rest = self.lines()
        items = "".join(f"<li>{html.escape(line)}</li>" for line in rest)
        return f"<div class='sarasehan-collect'><b>{html.escape(first)}</b><ul>{items}</ul></div>"


# --- gathering --------------------------------------------------------------------------------
@dataclass
class _Item:
    origin: str
    name: str
    data: bytes
    when: datetime
    group: str
    folders: tuple[str, ...] = ()
    container_id: str | None = None
    container_kind: str | None = None


def exchange_folder(name: str, assignment: str) -> tuple[str, str, str] | None:
    """``(student, assignment, timestamp)`` for an nbgrader inbound folder name
    ``student+assignment+timestamp[+random]`` (a student id may itself hold ``+``).

    >>> exchange_folder("siti+ps1+2025-07-07 09:00:00.000000 UTC+Xy_-abc", "ps1")
    ('siti', 'ps1', '2025-07-07 09:00:00.000000 UTC')
    >>> exchange_folder("a+b+ps2+2025-07-07 09:00:00.000000 UTC", "ps1")
    ('a+b', 'ps2', '2025-07-07 09:00:00.000000 UTC')
    """
    parts = name.split("+")
    spots = [i for i in range(1, len(parts) - 1) if parts[i] and _EXCHANGE_TIME.match(parts[i + 1])]
    for i in spots:
        if parts[i] == assignment:
            return "+".join(parts[:i]), parts[i], parts[i + 1]
    if spots:
        i = spots[0]
        return "+".join(parts[:i]), parts[i], parts[i + 1]
    return None


def _zip_time(info: zipfile.ZipInfo) -> datetime:
    try:
        return datetime(*info.date_time).astimezone(timezone.utc)  # the zip's clock: local time
    except (ValueError, OverflowError, OSError):
        return datetime(1980, 1, 1, tzinfo=timezone.utc)


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)


class _Gatherer:
    def __init__(self, assignment: str, report: CollectReport, course_id: str | None):
        self.assignment = assignment
        self.report = report
        self.course_id = course_id
        self.items: list[_Item] = []

    def ignore(self, origin: str, key: str, **values) -> None:
        self.report.ignored.append(Ignored(origin, t(key, **values)))

    # sources
    def source(self, path: Path) -> None:
        if path.is_dir():
            self.folder(path)
        elif path.suffix.lower() == ".ipynb":
            self.loose(path, path.name, ())
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            try:
                data = path.read_bytes()
            except OSError as err:
                raise CollectError("collect.source_unreadable", source=str(path), error=str(err)) from None
            if not self.zip(data, path.name, (), 0, _mtime(path)):
                if not looks_like_pack(path.name):
                    raise CollectError("collect.source_bad_zip", source=str(path))
                self.report.damaged_packs.append(DamagedPack(path.name, t("pack.bad_zip", pack=path.name)))
        else:
            raise CollectError("collect.source_unknown", source=str(path))

    def folder(self, root: Path) -> None:
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            rel = here.relative_to(root) if here != root else Path()
            m = exchange_folder(here.name, self.assignment)
            if m:
                rel = rel if here != root else Path(here.name)
                dirnames[:] = []
                self.exchange(here, rel, m)
                continue
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
            if "inbound" in dirnames:  # an nbgrader course folder in the exchange: only what was submitted
                dirnames[:] = ["inbound"]
            else:
                courses = [d for d in dirnames if (here / d / "inbound").is_dir()]
                if courses and self.course_id in courses:  # the exchange root: only this course
                    dirnames[:] = [self.course_id]
            folders = tuple(reversed(rel.parts))
            for name in sorted(filenames):
                path = here / name
                origin = (rel / name).as_posix()
                if name.startswith(".") or not path.is_file():
                    continue
                if name.lower().endswith(".zip"):
                    try:
                        data = path.read_bytes()
                    except OSError as err:
                        self.ignore(origin, "collect.ignored.unreadable", error=str(err))
                        continue
                    if not self.zip(data, origin, folders, 1, _mtime(path)):
                        if looks_like_pack(name):
                            self.report.damaged_packs.append(DamagedPack(origin, t("pack.bad_zip", pack=origin)))
                        else:
                            self.ignore(origin, "collect.ignored.bad_zip")
                else:
                    self.loose(path, origin, folders)

    def loose(self, path: Path, origin: str, folders: tuple[str, ...]) -> None:
        if not path.name.lower().endswith(".ipynb"):
            self.ignore(origin, "collect.ignored.not_notebook")
            return
        try:
            if path.stat().st_size > MAX_NOTEBOOK_BYTES:
                self.ignore(origin, "collect.ignored.too_large")
                return
            data = path.read_bytes()
        except OSError as err:
            self.ignore(origin, "collect.ignored.unreadable", error=str(err))
            return
        self.items.append(_Item(origin, path.name, data, _mtime(path), origin, folders))

    def exchange(self, folder: Path, rel: Path, m: tuple[str, str, str]) -> None:
        origin = rel.as_posix()
        student, assignment, stamp = m
        if assignment != self.assignment:
            self.ignore(origin, "collect.ignored.other_assignment", other=assignment)
            return
        when = None
        stamp_file = folder / "timestamp.txt"
        if stamp_file.is_file():
            try:
                when = _parse_time(stamp_file.read_text(encoding="utf-8", errors="replace"))
            except OSError:
                when = None
        when = when or _parse_time(stamp) or _mtime(folder)
        for path in sorted(folder.rglob("*")):
            inner = path.relative_to(folder)
            if not path.is_file() or any(p in SKIP_DIRS or p.startswith(".") for p in inner.parts):
                continue
            item_origin = f"{origin}/{inner.as_posix()}"
            if path.name in EXCHANGE_QUIET and len(inner.parts) == 1:
                continue
            if not path.name.lower().endswith(".ipynb"):
                self.ignore(item_origin, "collect.ignored.not_notebook")
                continue
            try:
                data = path.read_bytes()
            except OSError as err:
                self.ignore(item_origin, "collect.ignored.unreadable", error=str(err))
                continue
            self.items.append(_Item(item_origin, path.name, data, when, origin, (), student, "exchange"))

    def zip(self, data: bytes, origin: str, folders: tuple[str, ...], depth: int, when: datetime) -> bool:
        """Read a zip held in memory; False if it is not a readable zip."""
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return False
        with zf:
            infos = zf.infolist()
            if looks_like_pack(origin, [i.filename for i in infos]):
                self.pack(data, origin)
                return True
            for info in infos:
                if info.is_dir():
                    continue
                name = info.filename.replace("\\", "/")
                parts = name.split("/")
                base = parts[-1]
                member_origin = f"{origin}:{info.filename}"
                if any(p in SKIP_DIRS for p in parts[:-1]) or base.startswith("._") or not base:
                    continue
                if name.startswith("/") or ".." in parts or re.match(r"^[A-Za-z]:", name):
                    self.ignore(member_origin, "collect.ignored.unsafe_path")
                    continue
                low = base.lower()
                if not (low.endswith(".ipynb") or (low.endswith(".zip") and depth < MAX_ZIP_DEPTH)):
                    self.ignore(member_origin, "collect.ignored.not_notebook")
                    continue
                if info.file_size > MAX_NOTEBOOK_BYTES:
                    self.ignore(member_origin, "collect.ignored.too_large")
                    continue
                try:
                    with zf.open(info) as fh:
                        raw = fh.read(MAX_NOTEBOOK_BYTES + 1)
                except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
                    self.ignore(member_origin, "collect.ignored.bad_member")
                    continue
                inner_folders = tuple(reversed([p for p in parts[:-1] if p])) + folders
                if low.endswith(".zip"):
                    if not self.zip(raw, member_origin, inner_folders, depth + 1, _zip_time(info)):
                        if looks_like_pack(base):
                            self.report.damaged_packs.append(
                                DamagedPack(member_origin, t("pack.bad_zip", pack=member_origin)))
                        else:
                            self.ignore(member_origin, "collect.ignored.bad_zip")
                    continue
                self.items.append(_Item(member_origin, base, raw, _zip_time(info), member_origin, inner_folders))
        return True

    def pack(self, data: bytes, origin: str) -> None:
        try:
            info = load_pack(data, name=origin)
        except PackError as err:
            self.report.damaged_packs.append(DamagedPack(origin, str(err)))
            return
        if info.assignment != self.assignment:
            self.ignore(origin, "collect.ignored.other_assignment", other=info.assignment)
            return
        for member, raw in info.contents.items():
            self.items.append(_Item(f"{origin}:{member}", PurePosixPath(member).name, raw, info.created, origin, (),
                                    info.student_id, "pack"))


# --- matching ---------------------------------------------------------------------------------
@dataclass
class _Match:
    item: _Item
    notebook: str
    student_id: str
    how: str
    problem: str | None
    in_roster: bool | None


def _metadata_hints(data: bytes) -> tuple[str | None, str | None]:
    try:
        meta = json.loads(data.decode("utf-8-sig")).get("metadata", {})
    except (ValueError, UnicodeDecodeError, AttributeError):
        return None, None
    if not isinstance(meta, dict):
        return None, None
    ours = meta.get("sarasehan") if isinstance(meta.get("sarasehan"), dict) else {}
    sid = ours.get("student_id") or meta.get("student_id")
    name = ours.get("student_name") or meta.get("student_name")
    return (str(sid) if sid else None), (str(name) if name else None)


def _platform_name(hints: list[str], folders: tuple[str, ...]) -> str | None:
    for hint in hints:
        m = CANVAS_PREFIX.match(_norm(hint))
        if m:
            return m["name"]
    for folder in folders:
        m = MOODLE_FOLDER.match(_norm(folder))
        if m:
            return m["name"]
    return None


def _match_student(item: _Item, name_hints: list[str], roster: _RosterIndex | None):
    """(student_id, how, in_roster) or (None, reason_key, values)."""
    meta_id, meta_name = _metadata_hints(item.data)
    sources: list[tuple[str, list[str]]] = []
    if item.container_id:
        sources.append((item.container_kind or "pack", [item.container_id]))
    if meta_id or meta_name:
        sources.append(("metadata", [h for h in (meta_id, meta_name) if h]))
    sources.append(("file_name", [*name_hints, *item.folders]))
    ambiguous: set[str] = set()
    if roster is not None:
        for _kind, hints in sources:
            for hint in hints:
                found = roster.lookup(hint)
                if len(found) == 1:
                    return next(iter(found)), t("collect.how.roster", hint=hint), True
                if found:
                    ambiguous |= found
                    break
    for kind, value in (("pack", item.container_id if item.container_kind == "pack" else None),
                        ("exchange", item.container_id if item.container_kind == "exchange" else None),
                        ("metadata", meta_id),
                        # a name guessed from a platform's file name, unless the roster found it ambiguous
                        ("platform", None if ambiguous else _platform_name(name_hints, item.folders))):
        sid = normalise_student_id(value) if value else ""
        if sid:
            how = {"pack": t("collect.how.pack"), "exchange": t("collect.how.exchange"),
                   "metadata": t("collect.how.metadata"), "platform": t("collect.how.platform")}[kind]
            in_roster = None if roster is None else sid in roster.ids
            return sid, how, in_roster
    if ambiguous:
        return None, "collect.reason.ambiguous", {"students": ", ".join(sorted(ambiguous))}
    key = "collect.reason.no_student_roster" if roster is not None else "collect.reason.no_student"
    return None, key, {}


# --- writing ----------------------------------------------------------------------------------
@dataclass
class _Version:
    path: Path
    when: datetime
    notebooks: dict[str, str]
    origins: dict[str, str]


def _stamp_name(when: datetime) -> str:
    when = when.astimezone(timezone.utc)
    name = when.strftime("%Y-%m-%dT%H%M%S")
    if when.microsecond:
        name += f".{when.microsecond:06d}"
    return name + "Z"


def _load_versions(adir: Path) -> list[_Version]:
    versions = []
    if not adir.is_dir():
        return versions
    for d in sorted(p for p in adir.iterdir() if p.is_dir() and not p.name.startswith(".")):
        notebooks = {p.name: _sha(p.read_bytes()) for p in sorted(d.glob("*.ipynb"))}
        if not notebooks:
            continue
        when = None
        if (d / "timestamp.txt").is_file():
            when = _parse_time((d / "timestamp.txt").read_text(encoding="utf-8", errors="replace"))
        origins = {}
        try:
            origins = json.loads((d / "origin.json").read_text(encoding="utf-8")).get("notebooks", {})
        except (OSError, ValueError, AttributeError):
            pass
        versions.append(_Version(d, when or _mtime(d), notebooks, {n: origins.get(n, d.name) for n in notebooks}))
    return versions


def _write_version(adir: Path, when: datetime, files: dict[str, bytes], origins: dict[str, str],
                   extra: Path | None = None) -> _Version:
    adir.mkdir(parents=True, exist_ok=True)
    base = _stamp_name(when)
    target, n = adir / base, 2
    while target.exists():
        target, n = adir / f"{base}-{n}", n + 1
    tmp = Path(tempfile.mkdtemp(prefix=f".{base}.", dir=adir))
    try:
        if extra is not None:  # keep everything that was in an earlier submitted/ folder
            shutil.copytree(extra, tmp, dirs_exist_ok=True)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / "timestamp.txt").write_text(nbgrader_timestamp(when), encoding="utf-8")
        (tmp / "origin.json").write_text(json.dumps({"notebooks": origins}, indent=2, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return _Version(target, when, {n: _sha(d) for n, d in files.items()}, dict(origins))


def _replace_folder(dest: Path, files: dict[str, Path], stamp: str) -> None:
    """Make ``dest`` hold exactly ``files`` and ``timestamp.txt`` (built aside, then swapped in)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-", dir=dest.parent))
    try:
        for name, src in files.items():
            shutil.copyfile(src, tmp / name)
        (tmp / "timestamp.txt").write_text(stamp, encoding="utf-8")
        if dest.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.old-", dir=dest.parent))
            os.replace(dest, old / dest.name)
            os.replace(tmp, dest)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _safe_file_name(name: str) -> str:
    name = re.sub(r'[\x00-\x1f/\\:*?"<>|]', "_", name).strip().strip(".")
    return name[:200] or "notebook.ipynb"


def _keep_unmatched(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    name = _safe_file_name(name)
    target, n = folder / name, 2
    while target.exists():
        if target.is_file() and target.read_bytes() == data:
            return target
        target, n = folder / str(n) / name, n + 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def _course_id(course_root: Path) -> str | None:
    try:
        text = (course_root / "nbgrader_config.py").read_text(encoding="utf-8")
    except OSError:
        return None
    m = re.search(r"""CourseDirectory\.course_id\s*=\s*["']([^"']+)["']""", text)
    return m.group(1) if m else None


def assignment_notebooks(assignment: str, course_root: Path) -> list[str]:
    for folder in (course_root / "solutions" / assignment, course_root / "exercises" / assignment):
        names = sorted(p.name for p in folder.glob("*.ipynb"))
        if names:
            return names
    known = sorted(p.name for p in (course_root / "solutions").glob("*") if p.is_dir())
    raise CollectError("collect.no_assignment", assignment=assignment, folder=str(course_root / "solutions"),
                       available=", ".join(known) or "-")


def collect(assignment: str, source: str | Path, course_root: str | Path, roster: str | Path | None = None) -> CollectReport:
    """Collect the submissions of ``assignment`` found in ``source`` into ``course_root``;
    return the :class:`CollectReport` (``str(report)`` reads it out in the active language)."""
    assignment = check_assignment_name(assignment)
    course = Path(course_root).expanduser().resolve()
    source = Path(source).expanduser()
    if not source.exists():
        raise CollectError("collect.source_missing", source=str(source))
    notebooks = assignment_notebooks(assignment, course)
    others = {p.name: p.parent.name for p in (course / "solutions").glob("*/*.ipynb") if p.parent.name != assignment}
    report = CollectReport(assignment, str(course))
    index = None
    if roster is not None:
        entries, report.roster_problems = read_roster(roster)
        index = _RosterIndex(entries)

    gatherer = _Gatherer(assignment, report, _course_id(course))
    gatherer.source(source)

    matches: list[_Match] = []
    unmatched_dir = course / "unmatched" / assignment
    for item in gatherer.items:
        found = match_notebook(item.name, notebooks)
        if found is None:
            other = match_notebook(item.name, list(others))
            if other is not None:
                gatherer.ignore(item.origin, "collect.ignored.other_assignment", other=others[other[0]])
                continue
            kept = _keep_unmatched(unmatched_dir, item.name, item.data)
            report.unmatched.append(UnmatchedFile(item.origin, t("collect.reason.unknown_notebook",
                                                                 expected=", ".join(notebooks)),
                                                  kept.relative_to(course).as_posix()))
            continue
        notebook, hints = found
        sid, how, extra = _match_student(item, hints, index)
        if sid is None:
            kept = _keep_unmatched(unmatched_dir, item.name, item.data)
            report.unmatched.append(UnmatchedFile(item.origin, t(how, **extra), kept.relative_to(course).as_posix()))
            continue
        matches.append(_Match(item, notebook, sid, how, notebook_problem(item.data), extra))

    by_student: dict[str, list[_Match]] = {}
    for m in matches:
        by_student.setdefault(m.student_id, []).append(m)
    for sid in sorted(by_student):
        _store_student(course, assignment, sid, by_student[sid], report)
    return report


def _store_student(course: Path, assignment: str, sid: str, matches: list[_Match], report: CollectReport) -> None:
    adir = course / "submissions_archive" / sid / assignment
    sub = course / "submitted" / sid / assignment
    versions = _load_versions(adir)
    known = {(nb, sha) for v in versions for nb, sha in v.notebooks.items()}

    # 1. whatever is in submitted/ now is kept in the archive first
    if sub.is_dir():
        current = {p.name: p.read_bytes() for p in sorted(sub.glob("*.ipynb"))}
        extras = [p for p in sub.iterdir() if p.suffix.lower() != ".ipynb" and p.name != "timestamp.txt"]
        if extras or any((nb, _sha(d)) not in known for nb, d in current.items()):
            when = None
            if (sub / "timestamp.txt").is_file():
                when = _parse_time((sub / "timestamp.txt").read_text(encoding="utf-8", errors="replace"))
            when = when or _mtime(sub)
            label = (Path("submitted") / sid / assignment).as_posix()
            v = _write_version(adir, when, current, {nb: label for nb in current}, extra=sub)
            versions.append(v)
            known |= set(v.notebooks.items())

    # 2. the new versions: one per pack or exchange submission, one per loose file
    groups: dict[tuple[str, datetime], dict[str, _Match]] = {}
    for m in sorted(matches, key=lambda m: (m.item.when, m.item.origin)):
        key = (m.item.group, m.item.when)
        n = 2
        while m.notebook in groups.get(key, {}):
            key, n = (f"{m.item.group}#{n}", m.item.when), n + 1
        groups.setdefault(key, {})[m.notebook] = m
    for (_group, when), members in groups.items():
        fresh = {}
        for nb, m in members.items():
            sha = _sha(m.item.data)
            if (nb, sha) in known:
                report.duplicates.append(Duplicate(m.item.origin, sid, nb))
            else:
                fresh[nb] = m
                known.add((nb, sha))
        if fresh:
            versions.append(_write_version(adir, when, {nb: m.item.data for nb, m in fresh.items()},
                                           {nb: m.item.origin for nb, m in fresh.items()}))
        for nb, m in fresh.items():
            if m.problem:
                report.invalid_notebooks.append(InvalidNotebook(sid, nb, m.item.origin, m.problem))

    # 3. the newest version of each notebook goes to submitted/
    chosen: dict[str, _Version] = {}
    for v in versions:
        for nb in v.notebooks:
            if nb not in chosen or (v.when, v.path.name) > (chosen[nb].when, chosen[nb].path.name):
                chosen[nb] = v
    newest = max(v.when for v in chosen.values())
    stamp = nbgrader_timestamp(newest)
    wanted = {nb: v.notebooks[nb] for nb, v in chosen.items()}
    current = {p.name: _sha(p.read_bytes()) for p in sub.glob("*.ipynb")} if sub.is_dir() else {}
    current_stamp = (sub / "timestamp.txt").read_text(encoding="utf-8").strip() if (sub / "timestamp.txt").is_file() else ""
    extras = [p for p in sub.iterdir() if p.suffix.lower() != ".ipynb" and p.name != "timestamp.txt"] if sub.is_dir() else []
    changed = current != wanted or current_stamp != stamp or bool(extras)
    if changed:
        _replace_folder(sub, {nb: v.path / nb for nb, v in chosen.items()}, stamp)
        if (course / "autograded" / sid / assignment).exists():
            report.needs_regrade.append(sid)

    origins = sorted({chosen[nb].origins.get(nb, chosen[nb].path.name) for nb in chosen})
    # how the student was recognised: from the file now in submitted/ if it came in this run
    best = next((m for m in sorted(matches, key=lambda m: m.item.when, reverse=True) if m.item.origin in origins),
                max(matches, key=lambda m: m.item.when))
    in_roster = None if best.in_roster is None else any(m.in_roster for m in matches)
    report.collected.append(Collected(sid, sorted(chosen), _show_time(newest), "; ".join(origins), best.how,
                                      len(versions), changed, in_roster))
    for nb, v in sorted(chosen.items()):
        older = sorted((w for w in versions if nb in w.notebooks and w is not v), key=lambda w: w.when)
        if older:
            report.replaced_older.append(Replaced(
                sid, nb, v.origins.get(nb, v.path.name), _show_time(v.when),
                [{"origin": w.origins.get(nb, w.path.name), "timestamp": _show_time(w.when),
                  "archived_as": w.path.relative_to(course).as_posix()} for w in older],
                adir.relative_to(course).as_posix()))


# --- command line -----------------------------------------------------------------------------
def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder, from ``start`` (the working folder) upwards, with ``nbgrader_config.py``;
    else the course folder of this package."""
    start = (start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "nbgrader_config.py").is_file():
            return folder
    from .paths import course_root

    root = course_root()
    if (root / "nbgrader_config.py").is_file():
        return root
    raise CollectError("collect.no_course", start=str(start))


def cmd_collect(args) -> int:
    course = Path(args.course).expanduser() if args.course else find_course_root()
    report = collect(args.assignment, args.source, course, roster=args.roster)
    print(report)
    return 0


def register(subparsers) -> None:
    """Add ``sarasehan collect`` to the CLI's subparsers."""
    p = subparsers.add_parser(
        "collect", help="collect submissions (platform zip, folder, nbgrader exchange, packs) into submitted/",
        description="Collect the submissions of ASSIGNMENT from SOURCE (a learning-platform zip, a folder of "
                    "files, the nbgrader exchange or sarasehan packs) into submitted/<student>/ASSIGNMENT/, "
                    "keeping every version in submissions_archive/.")
    p.add_argument("assignment")
    p.add_argument("source")
    p.add_argument("--roster", help="CSV with student_id, name (optional: email, aliases)")
    p.add_argument("--course", help="the nbgrader course folder (default: the folder with nbgrader_config.py)")
    p.set_defaults(func=cmd_collect)
