"""What goes into the learner and instructor archives, written as reproducible zips, and the
checks on a finished archive (no solution or hidden-test text; where the space goes).

A learner archive holds only what the course shows learners: ``course/`` (lessons and
tools), ``exercises/`` (nbgrader's *release*: no solutions, no hidden tests), the datasets
in the registry, the JupyterLab settings overlay, the wheelhouse and the install script.
Never ``solutions/``, ``authoring/`` (the assignment sources hold the hidden tests) or a
gradebook; :func:`find_leaks` proves it on the archive itself.
"""

from __future__ import annotations

import io
import json
import re
import stat
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..storage import atomic_write

#: Folder names and file names that never go into a learner archive.
LEARNER_FORBIDDEN_PARTS = {"solutions", "authoring", "submitted", "autograded", "feedback",
                           "release", "source", ".nbgrader", "packs", "submissions_archive",
                           "unmatched", ".ipynb_checkpoints", "__pycache__", ".git"}
LEARNER_FORBIDDEN_NAMES = {"gradebook.db", "nbgrader_config.py", ".nbgrader.log"}
#: Left out of the instructor archive: local state, builds, caches, learners' personal data.
INSTRUCTOR_SKIP_PARTS = {".git", ".venv", "dist", "build", "__pycache__", ".pytest_cache",
                         ".ipynb_checkpoints", "submitted", "autograded", "feedback", "packs",
                         "submissions_archive", "unmatched", "tests/_artifacts"}
#: Timestamp for every member (1980-01-01, the zip epoch), so the same inputs give the same bytes.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
_STORED_SUFFIXES = (".whl", ".zip", ".png", ".gz")


@dataclass(frozen=True)
class Member:
    arcname: str          # path inside the archive, below its top folder
    data: bytes
    executable: bool = False


def file_member(root: Path, rel: str, executable: bool = False) -> Member:
    return Member(rel, (root / rel).read_bytes(), executable)


def _files_under(root: Path, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    base = root / folder
    out = []
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and path.suffix in suffixes and not (set(rel.parts) & LEARNER_FORBIDDEN_PARTS):
            out.append(rel.as_posix())
    return out


def learner_course_files(root: Path) -> list[str]:
    """Repository-relative paths of the course content a learner gets."""
    files = _files_under(root, "course", (".ipynb", ".yml"))
    files += _files_under(root, "exercises", (".ipynb", ".csv", ".yml", ".json", ".png"))
    registry = yaml.safe_load((root / "datasets" / "registry.yml").read_text(encoding="utf-8"))
    files += ["datasets/registry.yml", "datasets/README.md"]
    files += sorted(f"datasets/{entry['file']}" for entry in registry["datasets"].values())
    # sources read at run time (the post reviewer's explanations come from example_posts.yml)
    files += [p.relative_to(root).as_posix() for p in sorted((root / "datasets" / "sources").glob("*.yml"))]
    overlay = "jupyter/lab/settings/overrides.json"
    if (root / overlay).is_file():
        files.append(overlay)
    return files


def instructor_files(root: Path) -> list[str]:
    """Every file of the course repository an instructor needs: the files git tracks (or,
    outside a git checkout, every file but local state, builds and learners' data)."""
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others", "--exclude-standard"], capture_output=True, check=True).stdout
        names = [n for n in out.decode("utf-8").split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()]
    keep = []
    for name in sorted(set(names)):
        parts = name.split("/")
        if set(parts) & INSTRUCTOR_SKIP_PARTS or name.startswith("tests/_artifacts/"):
            continue
        if (root / name).is_file():
            keep.append(name)
    return keep


def write_zip(path: Path, top: str, members: list[Member]) -> Path:
    """Write ``members`` under the folder ``top`` into ``path`` (atomically: a half-written
    archive never replaces a good one). Member order and timestamps are fixed, so the same
    members give a byte-identical archive. Wheels and images are stored, the rest deflated."""
    seen: set[str] = set()

    def write(fh):
        with zipfile.ZipFile(fh, "w") as zf:
            for m in sorted(members, key=lambda m: m.arcname):
                if m.arcname in seen:
                    raise ValueError(f"duplicate archive member {m.arcname}")
                seen.add(m.arcname)
                info = zipfile.ZipInfo(f"{top}/{m.arcname}", date_time=ZIP_EPOCH)
                info.create_system = 3  # unix, so the mode below is honoured by unzip and macOS
                mode = 0o755 if m.executable else 0o644
                info.external_attr = (stat.S_IFREG | mode) << 16
                stored = m.arcname.endswith(_STORED_SUFFIXES)
                info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
                zf.writestr(info, m.data, compresslevel=None if stored else 9)

    return atomic_write(path, write, binary=True, shared=True)


# --- checks on a finished archive -------------------------------------------------------------
def _notebook_sources(path: Path) -> list[tuple[dict, str]]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for cell in nb.get("cells", []):
        src = cell.get("source", "")
        out.append((cell.get("metadata", {}).get("nbgrader", {}) or {}, "".join(src) if isinstance(src, list) else src))
    return out


def _between(text: str, begin: str, end: str) -> list[str]:
    lines, inside = [], False
    for line in text.splitlines():
        if begin in line:
            inside = True
            continue
        if end in line:
            inside = False
            continue
        if inside:
            lines.append(line.strip())
    return lines


def secret_lines(root: Path, min_length: int = 16) -> set[str]:
    """Lines of ``solutions/`` that a learner must not see: the code between nbgrader's
    solution markers and the hidden tests, minus every line that is public anyway (in the
    released exercises or in a lesson), minus short lines (``x = 1`` proves nothing)."""
    secret: set[str] = set()
    for nb in sorted((root / "solutions").glob("*/*.ipynb")):
        for meta, src in _notebook_sources(nb):
            if meta.get("solution"):
                secret.update(_between(src, "BEGIN SOLUTION", "END SOLUTION"))
            if meta.get("grade") and not meta.get("solution"):
                secret.update(_between(src, "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"))
    public: set[str] = set()
    for folder in ("exercises", "course"):
        for nb in (root / folder).rglob("*.ipynb"):
            for _meta, src in _notebook_sources(nb):
                public.update(line.strip() for line in src.splitlines())
    return {line for line in secret - public if _distinctive(line, min_length)}


def _distinctive(line: str, min_length: int) -> bool:
    """A line that gives something away: long enough, not a comment, and with a value in it
    (a string, a number, an assignment or a call), unlike ``except Exception:``."""
    return (len(line) >= min_length and not line.startswith("#")
            and any(ch in line for ch in "\"'0123456789=("))


def _iter_texts(zf: zipfile.ZipFile, prefix: str = ""):
    """(name, text) of every member worth reading, looking inside the course's own wheel."""
    for info in zf.infolist():
        name = prefix + info.filename
        if info.is_dir():
            continue
        base = info.filename.rsplit("/", 1)[-1]
        if base.endswith(".whl"):
            if base.startswith("sarasehan-"):  # our own package; third-party wheels come from PyPI
                with zipfile.ZipFile(io.BytesIO(zf.read(info))) as inner:
                    yield from _iter_texts(inner, name + "!/")
            continue
        data = zf.read(info)
        try:
            yield name, data.decode("utf-8")
        except UnicodeDecodeError:
            continue


def find_leaks(archive: Path, root: Path) -> list[str]:
    """Why ``archive`` is not fit for learners (empty when it is): forbidden folders or
    files, nbgrader solution or hidden-test markers in a notebook, or any line of
    :func:`secret_lines` anywhere in its text (including inside the course's own wheel)."""
    problems: list[str] = []
    secrets = sorted(secret_lines(root), key=len, reverse=True)
    markers = ("BEGIN HIDDEN TESTS", "BEGIN SOLUTION", "END SOLUTION")
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            parts = info.filename.split("/")[1:]  # below the top folder
            if set(parts) & LEARNER_FORBIDDEN_PARTS or (parts and parts[-1] in LEARNER_FORBIDDEN_NAMES):
                problems.append(f"forbidden member: {info.filename}")
        for name, text in _iter_texts(zf):
            if name.endswith(".ipynb"):
                problems += [f"{name}: nbgrader marker '{m}'" for m in markers if m in text]
            lines = {line.strip() for line in text.splitlines()}
            for secret in secrets:
                if secret in lines:
                    problems.append(f"{name}: solution or hidden-test line {secret[:80]!r}")
    return problems


def size_report(archive: Path) -> dict:
    """Where the space of ``archive`` goes: compressed bytes per part, and the largest wheels.
    Wheels are split into those shared by every Python and those for one Python only."""
    from .wheelhouse import parse_wheel_name

    parts: dict[str, int] = {}
    wheels: list[tuple[int, str]] = []
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            rel = info.filename.split("/", 1)[1] if "/" in info.filename else info.filename
            size = info.compress_size
            if rel.startswith("wheels/"):
                w = parse_wheel_name(rel.split("/")[-1])
                py = w["py"] if w else ""
                m = re.fullmatch(r"cp(\d)(\d+)", py)
                key = f"wheels for Python {m.group(1)}.{m.group(2)} only" if m and (w["abi"] != "abi3") else "wheels shared by every Python"
                wheels.append((size, rel.split("/")[-1]))
            else:
                key = rel.split("/")[0] if "/" in rel else "scripts and notes"
            parts[key] = parts.get(key, 0) + size
    return {"total": archive.stat().st_size, "parts": dict(sorted(parts.items(), key=lambda kv: -kv[1])),
            "largest_wheels": [name for _size, name in sorted(wheels, reverse=True)[:12]],
            "largest_wheel_sizes": [size for size, _name in sorted(wheels, reverse=True)[:12]]}
