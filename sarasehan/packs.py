"""Submission packs: one zip a learner hands in, by upload, e-mail, chat or USB stick.

A pack is ``ASSIGNMENT__STUDENTID__YYYYMMDDTHHMMSS.zip`` (time in UTC) and
holds exactly

* ``ASSIGNMENT/<notebook>.ipynb`` for each notebook of the assignment, byte for
  byte as the learner saved it (outputs are kept);
* ``manifest.json``: ``{"format": "sarasehan-pack/1", "assignment",
  "student_id", "created" (ISO 8601, UTC), "files": {"ASSIGNMENT/x.ipynb":
  "<sha256>"}, "sarasehan_version"}``.

:func:`make_pack` refuses to pack a missing or damaged notebook and says how
to recover it; :func:`verify_pack` rejects a pack that was damaged on the way
or altered afterwards (a changed byte, a removed or added file, a broken
manifest, an unsafe member path). The checksums detect damage and casual
edits; they are not a signature (anyone can recompute them).

The student id is asked once and remembered in ``state_dir()/profile.json``.

>>> normalise_student_id("  Siti Rahmawati (KSR) ")
'siti_rahmawati_ksr'
>>> normalise_student_id("Ayu.Lestari@PMI")
'ayu.lestari_pmi'
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import unicodedata
import warnings
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from .errors import SarasehanError
from .i18n import t
from .paths import course_root, state_dir
from .storage import atomic_write, load_json, save_json

PACK_FORMAT = "sarasehan-pack/1"
MANIFEST = "manifest.json"
PROFILE = "profile.json"
WARN_BYTES = 5 * 1024 * 1024
MAX_MEMBER_BYTES = 100 * 1024 * 1024  # a bigger member is refused (zip bombs)
MAX_MEMBERS = 200
ASSIGNMENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
PACK_NAME_RE = re.compile(r"^(?P<assignment>.+?)__(?P<student>[a-z0-9._-]+?)__(?P<stamp>\d{8}T\d{6})", re.I)
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PackError(SarasehanError, ValueError):
    """A pack cannot be made, or a pack is damaged or altered; the message names it."""


class PackWarning(UserWarning):
    """Something the learner should know, although the pack was made (e.g. it is large)."""


@dataclass
class PackInfo:
    """What :func:`verify_pack` found in an intact pack."""

    name: str
    assignment: str
    student_id: str
    created: datetime
    files: dict[str, str]
    sarasehan_version: str
    path: Path | None = None
    contents: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    @property
    def notebooks(self) -> list[str]:
        """The notebook file names (without the assignment folder)."""
        return sorted(PurePosixPath(f).name for f in self.files)

    def __str__(self) -> str:
        return t("pack.ok", pack=self.name, assignment=self.assignment, student_id=self.student_id,
                 created=self.created.strftime("%Y-%m-%d %H:%M:%S UTC"), n=len(self.files))


# --- the student id ---------------------------------------------------------------------------
def normalise_student_id(text: object) -> str:
    """Lower-case ASCII ``[a-z0-9._-]``; other characters become ``_`` (never two in a row)."""
    s = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode("ascii")
    s = re.sub(r"[^a-z0-9._-]+", "_", s.strip().lower())
    s = re.sub(r"_{2,}", "_", s)  # "__" separates the parts of a pack's file name
    return s.strip("._-")[:64].strip("._-")


def checked_student_id(text: object) -> str:
    sid = normalise_student_id(text)
    if not sid:
        raise PackError("pack.bad_student_id", given=str(text or "").strip()[:80])
    return sid


def profile_path() -> Path:
    return state_dir() / PROFILE


def saved_student_id() -> str | None:
    """The remembered student id, or ``None``."""
    loaded = load_json(profile_path())
    if loaded.message:
        warnings.warn(loaded.message, PackWarning, stacklevel=2)
    sid = normalise_student_id(loaded.data.get("student_id", ""))
    return sid or None


def remember_student_id(student_id: str) -> str:
    """Normalise and save the student id in ``profile.json`` (atomically); return it."""
    sid = checked_student_id(student_id)
    path = profile_path()
    data = load_json(path).data
    data["student_id"] = sid
    save_json(path, data)
    return sid


def resolve_student_id(student_id: str | None = None, ask=None) -> str:
    """An explicit id wins (and is remembered if none was); else the remembered one;
    else ``ask()`` (e.g. a prompt) is called once and its answer remembered."""
    saved = saved_student_id()
    if student_id is not None and str(student_id).strip():
        sid = checked_student_id(student_id)
        if saved is None:
            remember_student_id(sid)
        return sid
    if saved:
        return saved
    if ask is None:
        raise PackError("pack.no_student_id")
    return remember_student_id(ask())


# --- making a pack ----------------------------------------------------------------------------
def check_assignment_name(assignment: str) -> str:
    assignment = str(assignment or "").strip().strip("/\\")
    if not ASSIGNMENT_RE.match(assignment) or ".." in assignment:
        raise PackError("pack.bad_assignment", assignment=assignment[:100])
    return assignment


def expected_notebooks(assignment: str, folder: Path | None = None, root: Path | None = None) -> list[str]:
    """The notebook names of an assignment: those in ``solutions/ASSIGNMENT`` (nbgrader's source);
    else ``ASSIGNMENT.ipynb`` for an assignment of the course manifest; else the notebooks in
    ``folder``."""
    root = root or course_root()
    names = sorted(p.name for p in (root / "solutions" / assignment).glob("*.ipynb"))
    if names:
        return names
    try:
        from .manifest import load_manifest

        if assignment in load_manifest(root / "course" / "course.yml").assignments:
            return [f"{assignment}.ipynb"]
    except (OSError, ValueError, TypeError, KeyError):
        pass
    if folder is not None and folder.is_dir():
        names = sorted(p.name for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        known = sorted(p.name for p in (root / "exercises").glob("*") if p.is_dir())
        raise PackError("pack.unknown_assignment", assignment=assignment, available=", ".join(known) or "-")
    return names


def notebook_problem(data: bytes) -> str | None:
    """Why ``data`` is not a readable notebook (short, technical), or ``None``."""
    try:
        nb = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        return f"not UTF-8 text (byte {err.start})"
    except json.JSONDecodeError as err:
        return f"JSON: {err.msg}, line {err.lineno} column {err.colno}"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return "JSON without notebook cells"
    return None


def _checkpoint(folder: Path, name: str) -> Path:
    return folder / ".ipynb_checkpoints" / f"{Path(name).stem}-checkpoint.ipynb"


def _missing_hint(folder: Path, name: str) -> str:
    others = sorted(p.name for p in folder.glob("*.ipynb") if p.name != name and not p.name.startswith("."))
    if others:
        return t("pack.hint_renamed", found=", ".join(others), notebook=name)
    checkpoint = _checkpoint(folder, name)
    if checkpoint.is_file():
        return t("pack.hint_checkpoint", checkpoint=str(checkpoint), notebook=name)
    return t("pack.hint_fresh_copy", notebook=name)


def _read_notebook(folder: Path, name: str) -> bytes:
    path = folder / name
    if not path.is_file():
        raise PackError("pack.missing_notebook", notebook=name, folder=str(folder), hint=_missing_hint(folder, name))
    try:
        data = path.read_bytes()
    except OSError as err:
        raise PackError("pack.unreadable_notebook", notebook=name, error=str(err)) from None
    problem = notebook_problem(data)
    if problem:
        raise PackError("pack.bad_notebook", notebook=name, error=problem, checkpoint=str(_checkpoint(folder, name)))
    return data


def pack_file_name(assignment: str, student_id: str, created: datetime) -> str:
    return f"{assignment}__{student_id}__{created.astimezone(timezone.utc).strftime('%Y%m%dT%H%M%S')}.zip"


def make_pack(assignment: str, notebook_dir: str | Path | None = None, student_id: str | None = None,
              out_dir: str | Path | None = None, *, ask=None, now: datetime | None = None) -> Path:
    """Pack the learner's notebooks of ``assignment`` into a zip; return its path.

    ``notebook_dir`` defaults to ``exercises/ASSIGNMENT`` and ``out_dir`` to ``packs/`` in
    the course folder. A pack over 5 MB is still made, with a :class:`PackWarning`.
    """
    assignment = check_assignment_name(assignment)
    root = course_root()
    folder = Path(notebook_dir).expanduser() if notebook_dir else root / "exercises" / assignment
    if not folder.is_dir():
        raise PackError("pack.no_folder", folder=str(folder), assignment=assignment)
    names = expected_notebooks(assignment, folder, root)
    contents = {f"{assignment}/{name}": _read_notebook(folder, name) for name in names}
    sid = resolve_student_id(student_id, ask)
    created = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    from . import __version__

    manifest = {
        "format": PACK_FORMAT,
        "assignment": assignment,
        "student_id": sid,
        "created": created.isoformat(timespec="seconds"),
        "files": {member: hashlib.sha256(data).hexdigest() for member, data in contents.items()},
        "sarasehan_version": __version__,
    }
    out = Path(out_dir).expanduser() if out_dir else root / "packs"
    out.mkdir(parents=True, exist_ok=True)
    target = out / pack_file_name(assignment, sid, created)
    n = 2
    while target.exists():
        target = out / f"{pack_file_name(assignment, sid, created)[:-4]}-{n}.zip"
        n += 1
    stamp = created.timetuple()[:6]

    def write(fh):
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
            for member, data in contents.items():
                zf.writestr(zipfile.ZipInfo(member, stamp), data, compress_type=zipfile.ZIP_DEFLATED)
            text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            zf.writestr(zipfile.ZipInfo(MANIFEST, stamp), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED)

    atomic_write(target, write, binary=True)
    size = target.stat().st_size
    if size > WARN_BYTES:
        biggest = max(contents, key=lambda m: len(contents[m]))
        warnings.warn(t("pack.large", pack=target.name, size=f"{size / 1024 / 1024:.1f}",
                        limit=WARN_BYTES // (1024 * 1024), notebook=PurePosixPath(biggest).name),
                      PackWarning, stacklevel=2)
    return target


# --- checking a pack --------------------------------------------------------------------------
def unsafe_member(name: str) -> bool:
    """True for a member path that is absolute, climbs out (``..``) or is otherwise odd.

    >>> [unsafe_member(n) for n in ("a/b.ipynb", "../b.ipynb", "/b.ipynb", "C:/b.ipynb", "a\\\\b.ipynb", "a/./b")]
    [False, True, True, True, True, True]
    """
    if not name or "\x00" in name or "\\" in name or name.startswith("/"):
        return True
    if re.match(r"^[A-Za-z]:", name):
        return True
    parts = name.rstrip("/").split("/")
    return any(p in ("", ".", "..") for p in parts)


def _manifest_problem(manifest: object) -> str | None:
    """The first field of the manifest that is not right, or ``None``."""
    if not isinstance(manifest, dict):
        return "manifest.json"
    if manifest.get("format") != PACK_FORMAT:
        return "format"
    a = manifest.get("assignment")
    if not isinstance(a, str) or not ASSIGNMENT_RE.match(a) or ".." in a:
        return "assignment"
    sid = manifest.get("student_id")
    if not isinstance(sid, str) or not sid or normalise_student_id(sid) != sid:
        return "student_id"
    created = manifest.get("created")
    try:
        parsed = datetime.fromisoformat(created) if isinstance(created, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return "created"
    files = manifest.get("files")
    if not isinstance(files, dict) or not files:
        return "files"
    for member, digest in files.items():
        parts = member.split("/") if isinstance(member, str) else []
        if (len(parts) != 2 or parts[0] != a or not parts[1].lower().endswith(".ipynb") or parts[1].startswith(".")
                or not isinstance(digest, str) or not _SHA256.match(digest)):
            return "files"
    if not isinstance(manifest.get("sarasehan_version"), str):
        return "sarasehan_version"
    return None


def load_pack(source: str | Path | bytes, name: str | None = None, assignment: str | None = None) -> PackInfo:
    """Check a pack (a path or its bytes) and return its :class:`PackInfo` with the notebooks
    read into ``.contents``. Raise :class:`PackError`, naming the pack, if anything is wrong."""
    path = None if isinstance(source, (bytes, bytearray)) else Path(source)
    label = name or (path.name if path is not None else "pack.zip")
    if path is not None and not path.is_file():
        raise PackError("pack.not_found", pack=str(path))
    try:
        zf = zipfile.ZipFile(io.BytesIO(source) if path is None else path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise PackError("pack.bad_zip", pack=label) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_MEMBERS:
            raise PackError("pack.extra_member", pack=label, member=infos[MAX_MEMBERS].filename)
        seen: set[str] = set()
        for info in infos:
            if unsafe_member(info.filename):
                raise PackError("pack.unsafe_member", pack=label, member=info.filename)
            if info.filename in seen:
                raise PackError("pack.duplicate_member", pack=label, member=info.filename)
            seen.add(info.filename)
            if info.file_size > MAX_MEMBER_BYTES:
                raise PackError("pack.too_large_member", pack=label, member=info.filename)
        members = {i.filename: i for i in infos if not i.is_dir()}
        if MANIFEST not in members:
            raise PackError("pack.no_manifest", pack=label)

        def read(member: str) -> bytes:
            try:
                with zf.open(members[member]) as fh:
                    data = fh.read(MAX_MEMBER_BYTES + 1)
            except (zipfile.BadZipFile, zlib.error, OSError, RuntimeError, NotImplementedError, EOFError):
                raise PackError("pack.bad_member", pack=label, member=member) from None
            if len(data) > MAX_MEMBER_BYTES:
                raise PackError("pack.too_large_member", pack=label, member=member)
            return data

        try:
            manifest = json.loads(read(MANIFEST).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise PackError("pack.bad_manifest", pack=label, field="manifest.json") from None
        problem = _manifest_problem(manifest)
        if problem:
            raise PackError("pack.bad_manifest", pack=label, field=problem)
        if assignment is not None and manifest["assignment"] != assignment:
            raise PackError("pack.wrong_assignment", pack=label, found=manifest["assignment"], expected=assignment)
        for member in members:
            if member != MANIFEST and member not in manifest["files"]:
                raise PackError("pack.extra_member", pack=label, member=member)
        contents: dict[str, bytes] = {}
        for member, digest in sorted(manifest["files"].items()):
            if member not in members:
                raise PackError("pack.missing_file", pack=label, file=member)
            data = read(member)
            if hashlib.sha256(data).hexdigest() != digest:
                raise PackError("pack.checksum", pack=label, file=member)
            contents[member] = data
    created = datetime.fromisoformat(manifest["created"]).astimezone(timezone.utc)
    return PackInfo(name=label, assignment=manifest["assignment"], student_id=manifest["student_id"],
                    created=created, files=dict(manifest["files"]), sarasehan_version=manifest["sarasehan_version"],
                    path=path, contents=contents)


def verify_pack(path: str | Path, assignment: str | None = None) -> PackInfo:
    """Check that ``path`` is an intact, unaltered pack (of ``assignment``, if given)."""
    return load_pack(path, assignment=assignment)


def looks_like_pack(name: str, members: list[str] | None = None) -> bool:
    """A zip that is meant to be a pack: named like one, or with a manifest at its top."""
    if members is not None and MANIFEST in members:
        return True
    return bool(PACK_NAME_RE.match(PurePosixPath(name).name))


# --- command line -----------------------------------------------------------------------------
def _ask_on_terminal() -> str:
    import sys

    if not sys.stdin or not sys.stdin.isatty():
        raise PackError("pack.no_student_id")
    return input(t("pack.ask_student_id"))


def cmd_pack(args) -> int:
    import sys

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PackWarning)
        path = make_pack(args.assignment, notebook_dir=args.dir, student_id=args.student_id, out_dir=args.out,
                         ask=_ask_on_terminal)
    for warning in caught:
        if issubclass(warning.category, PackWarning):
            print(str(warning.message), file=sys.stderr)
    info = verify_pack(path)
    print(t("pack.created", path=str(path), size=max(1, round(path.stat().st_size / 1024)), n=len(info.files),
            student_id=info.student_id))
    return 0


def register(subparsers) -> None:
    """Add ``sarasehan pack`` to the CLI's subparsers."""
    p = subparsers.add_parser("pack", help="pack your notebooks of an assignment into one zip to hand in",
                              description="Pack the learner's notebooks of ASSIGNMENT into "
                                          "ASSIGNMENT__STUDENTID__TIME.zip (with a checksummed manifest).")
    p.add_argument("assignment")
    p.add_argument("--student-id", dest="student_id", help="your student id (remembered the first time)")
    p.add_argument("--dir", help="the folder with your notebooks (default: exercises/ASSIGNMENT)")
    p.add_argument("--out", help="where to write the zip (default: packs/ in the course folder)")
    p.set_defaults(func=cmd_pack)
