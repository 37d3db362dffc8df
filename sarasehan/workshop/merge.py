"""Bring answers from other laptops into one session, losing and duplicating nothing.

Sources are folders (a session folder, its ``answers/`` folder, or any
folder of answer files), single ``.json`` answer files, or ``.zip`` files
carried on a USB stick or sent by chat. For each answer found:

* the same uuid **and** the same content (group, module, question, text) is
  already there → a duplicate, kept once;
* the same uuid with **different** content (the group edited its answer
  after an earlier merge) → a conflict: both are kept, the later one (by
  ``saved_at``) as a separate version file, and the report names it;
* a new uuid → added, as ``A1.json`` or, if that name is taken, ``A1.2.json`` …;
* a damaged JSON file, a file that is not an answer, a malformed zip, a zip
  member with an unsafe path (absolute, ``..``) or an oversized member →
  skipped and reported by name; everything else is still merged.

Nothing is ever extracted from a zip to disk under the member's own name:
answers are read into memory, checked, and written under a name made from
their (validated) group id.

>>> import tempfile, pathlib
>>> from sarasehan.workshop.answers import save_answer
>>> from sarasehan.workshop.session import WorkshopSession
>>> laptop = WorkshopSession(folder=tempfile.mkdtemp())
>>> _ = save_answer(laptop, "B2", "03", "Uji A/B: foto vs video", device="laptop-2")
>>> hall = WorkshopSession(folder=tempfile.mkdtemp())
>>> report = merge_answers(hall, [laptop.folder, laptop.folder])
>>> len(report.added), len(report.duplicates), len(report.conflicts), len(report.skipped)
(1, 1, 0, 0)
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ..i18n import t
from ..storage import atomic_write, save_json
from ._util import esc
from .answers import answer_files, fingerprint, parse_time, read_record, record_problem, write_new_record
from .questions import GROUP_ID
from .session import WorkshopSession, device_id, open_session

MAX_FILE_BYTES = 1_000_000


@dataclass
class Merged:
    """One answer that was added or found twice: where it came from and where it is now."""

    source: str
    group: str
    file: str


@dataclass
class Conflict:
    """Two versions of one answer (same uuid, different content); both are kept."""

    source: str
    group: str
    uuid: str
    existing: str
    kept_as: str

    @property
    def message(self) -> str:
        return t("workshop.merge.conflict_line", source=self.source, group=self.group,
                 existing=self.existing, kept_as=self.kept_as)


@dataclass
class Skipped:
    """Something that could not be merged; ``message`` says why in the learner's language."""

    source: str
    reason: str
    values: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return t(self.reason, name=self.source, **self.values)


@dataclass
class MergeReport:
    added: list[Merged] = field(default_factory=list)
    duplicates: list[Merged] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was skipped (conflicts are kept, so they do not count)."""
        return not self.skipped

    def summary(self) -> str:
        return t("workshop.merge.summary", added=len(self.added), duplicates=len(self.duplicates),
                 conflicts=len(self.conflicts), skipped=len(self.skipped))

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [t("workshop.merge.added_line", source=m.source, file=m.file) for m in self.added]
        out += [t("workshop.merge.duplicate_line", source=m.source, file=m.file) for m in self.duplicates]
        out += [c.message for c in self.conflicts]
        out += [s.message for s in self.skipped]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        first, *rest = self.lines()
        items = "".join(f"<li>{esc(line)}</li>" for line in rest)
        return f"<div class='sarasehan-workshop-merge'><b>{esc(first)}</b><ul>{items}</ul></div>"


def unsafe_member(name: str) -> bool:
    """True for zip member names that try to leave the folder.

    >>> [unsafe_member(n) for n in ("answers/A1.json", "../A1.json", "/etc/A1.json", "C:/A1.json", "a\\\\..\\\\b.json")]
    [False, True, True, True, True]
    """
    if not name or "\x00" in name:
        return True
    norm = name.replace("\\", "/")
    if norm.startswith("/") or (len(norm) > 1 and norm[1] == ":"):
        return True
    return ".." in PurePosixPath(norm).parts


class _Merger:
    def __init__(self, session: WorkshopSession):
        self.session = session
        self.report = MergeReport()
        self.by_uuid: dict[str, list[tuple[Path, dict]]] = {}
        for path in answer_files(session.answers_dir):
            record = read_record(path)
            if record:
                self.by_uuid.setdefault(record["uuid"], []).append((path, record))

    # --- sources -------------------------------------------------------------------------
    def source(self, src) -> None:
        path = Path(src).expanduser()
        label = path.name or str(path)
        if not path.exists():
            self.report.skipped.append(Skipped(str(src), "workshop.merge.not_found"))
        elif path.is_dir():
            self.folder(path, label)
        elif path.suffix.lower() == ".zip" or zipfile.is_zipfile(path):
            self.zip(path, label)
        elif path.suffix.lower() == ".json":
            self.file(path, label)
        else:
            self.report.skipped.append(Skipped(label, "workshop.merge.unknown_source"))

    def file(self, path: Path, label: str) -> None:
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                self.report.skipped.append(Skipped(label, "workshop.merge.too_large"))
                return
            raw = path.read_bytes()
        except OSError as err:
            self.report.skipped.append(Skipped(label, "workshop.merge.unreadable", {"error": str(err)}))
            return
        self.take(label, raw)

    def folder(self, path: Path, label: str) -> None:
        base = path / "answers" if (path / "answers").is_dir() else path
        for p in sorted(base.glob("*.json")):
            if p.name.startswith(".") or p.name == "session.json" or not p.is_file():
                continue
            self.file(p, f"{label}/{p.relative_to(path).as_posix()}")

    def zip(self, path: Path, label: str) -> None:
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as err:
            self.report.skipped.append(Skipped(label, "workshop.merge.bad_zip", {"error": str(err) or "-"}))
            return
        with zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
            for info in infos:
                if unsafe_member(info.filename):
                    self.report.skipped.append(Skipped(f"{label}:{info.filename}", "workshop.merge.unsafe_path"))
            infos = [i for i in infos if not unsafe_member(i.filename)]
            jsons = [i for i in infos if i.filename.lower().endswith(".json")
                     and not PurePosixPath(i.filename.replace("\\", "/")).name.startswith(".")
                     and PurePosixPath(i.filename.replace("\\", "/")).name != "session.json"]
            in_answers = [i for i in jsons if "answers" in PurePosixPath(i.filename.replace("\\", "/")).parts[:-1]]
            for info in sorted(in_answers or jsons, key=lambda i: i.filename):
                name = f"{label}:{info.filename}"
                if info.file_size > MAX_FILE_BYTES:
                    self.report.skipped.append(Skipped(name, "workshop.merge.too_large"))
                    continue
                try:
                    with zf.open(info) as fh:
                        raw = fh.read(MAX_FILE_BYTES + 1)
                except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError) as err:
                    self.report.skipped.append(Skipped(name, "workshop.merge.bad_zip_member", {"error": str(err) or "-"}))
                    continue
                if len(raw) > MAX_FILE_BYTES:
                    self.report.skipped.append(Skipped(name, "workshop.merge.too_large"))
                    continue
                self.take(name, raw)

    # --- one answer ----------------------------------------------------------------------
    def take(self, name: str, raw: bytes) -> None:
        try:
            record = json.loads(raw.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError):
            self.report.skipped.append(Skipped(name, "workshop.merge.bad_json"))
            return
        problem = record_problem(record)
        if problem:
            self.report.skipped.append(Skipped(name, "workshop.merge.not_answer", {"fields": problem}))
            return
        group = record["group"].strip().upper()
        if not GROUP_ID.match(group):
            self.report.skipped.append(Skipped(name, "workshop.merge.bad_group", {"group": record["group"][:40]}))
            return
        record["group"] = group
        same_uuid = self.by_uuid.get(record["uuid"], [])
        mark = fingerprint(record)
        for path, old in same_uuid:
            if fingerprint(old) == mark:
                self.report.duplicates.append(Merged(name, group, path.name))
                return
        try:
            if same_uuid:
                self.conflict(name, group, record, same_uuid)
            else:
                path = write_new_record(self.session.answers_dir, group, record)
                self.by_uuid.setdefault(record["uuid"], []).append((path, record))
                self.report.added.append(Merged(name, group, path.name))
        except OSError as err:
            self.report.skipped.append(Skipped(name, "workshop.merge.write_failed", {"error": str(err)}))

    def conflict(self, name: str, group: str, record: dict, same_uuid: list[tuple[Path, dict]]) -> None:
        """Keep both; the later one goes into a new version file."""
        latest_path, latest = max(same_uuid, key=lambda pr: parse_time(pr[1]["saved_at"]))
        versions = self.by_uuid[record["uuid"]]
        if parse_time(record["saved_at"]) >= parse_time(latest["saved_at"]):
            kept = write_new_record(self.session.answers_dir, group, record)
            versions.append((kept, record))
            existing = latest_path.name
        else:
            # the incoming answer is the earlier one: move the later one into a new version file first
            # (a crash in between leaves a copy, never a loss), then put the earlier one in its place
            kept = write_new_record(self.session.answers_dir, group, latest)
            save_json(latest_path, record)
            versions.remove((latest_path, latest))
            versions += [(kept, latest), (latest_path, record)]
            existing = latest_path.name
        self.report.conflicts.append(Conflict(name, group, record["uuid"], existing, kept.name))


def merge_answers(target_session: WorkshopSession | str | Path | None, sources) -> MergeReport:
    """Copy the answers found in ``sources`` into ``target_session``; return a :class:`MergeReport`."""
    session = open_session(target_session)
    if isinstance(sources, (str, Path)):
        sources = [sources]
    merger = _Merger(session)
    for src in sources:
        merger.source(src)
    return merger.report


def pack_answers(session: WorkshopSession | str | Path | None = None, path: str | Path | None = None,
                 device: str | None = None) -> Path:
    """Zip this laptop's answer files for a USB stick or a chat; return the zip's path.

    The zip holds ``answers/<file>.json`` and goes to
    ``<session folder>/<session>-<device>-answers.zip`` unless ``path`` is
    given. It is written to a temporary file first and then renamed, so a
    half-written zip never appears under the final name.

    >>> import tempfile
    >>> from sarasehan.workshop.answers import save_answer
    >>> s = WorkshopSession(folder=tempfile.mkdtemp())
    >>> _ = save_answer(s, "A2", "05", "Kalender bulan Juni", device="laptop-4")
    >>> z = pack_answers(s, device="laptop-4")
    >>> z.name.endswith("-laptop-4-answers.zip"), zipfile.ZipFile(z).namelist()
    (True, ['answers/A2.json'])
    """
    session = open_session(session)
    target = Path(path) if path else session.folder / f"{session.name}-{device or device_id()}-answers.zip"

    def write(fh):
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for file in answer_files(session.answers_dir):
                zf.write(file, f"answers/{file.name}")

    return atomic_write(target, write, binary=True)
