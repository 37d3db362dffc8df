"""Regenerate ``exercises/`` from ``solutions/`` with nbgrader.

Each solution notebook is checked first, so that a broken one is reported
by file and cell in the learner's language instead of as an nbgrader
traceback. nbgrader's ``generate_assignment`` then runs in a temporary
course folder (so no gradebook or log is left in the repository), and its
release copy replaces ``exercises/<assignment>/``. With no change to
``solutions/`` the result is byte-identical.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from .errors import NotebookBuildError
from .manifest import load_manifest
from .paths import course_root

MARKERS = [("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")]


def _cell_name(n: int, cell) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    return f"#{n} ({grade_id or cell.get('id', '?')})"


def validate_source(path: Path) -> nbformat.NotebookNode:
    """Check a solutions notebook; raise :class:`NotebookBuildError` naming the file and cell."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise NotebookBuildError("release.bad_json", path=str(path), line=err.lineno, col=err.colno,
                                 error=err.msg) from None
    except (OSError, UnicodeDecodeError) as err:
        raise NotebookBuildError("release.unreadable", path=str(path), error=str(err)) from None
    try:
        nb = nbformat.from_dict(raw)
        nbformat.validate(nb)
    except Exception as err:  # nbformat.ValidationError and malformed structures
        raise NotebookBuildError("release.bad_notebook", path=str(path),
                                 error=str(err).splitlines()[0][:300]) from None
    seen: dict[str, int] = {}
    for n, cell in enumerate(nb.cells, start=1):
        meta = cell.get("metadata", {}).get("nbgrader")
        source = cell.get("source", "")
        if isinstance(source, list):
            source = "".join(source)
        for begin, end in MARKERS:
            if source.count(begin) != source.count(end):
                raise NotebookBuildError("release.unbalanced", path=str(path), cell=_cell_name(n, cell),
                                         begin=begin, end=end)
        if not meta:
            if "### BEGIN SOLUTION" in source:
                raise NotebookBuildError("release.marker_outside", path=str(path), cell=_cell_name(n, cell))
            continue
        grade_id = meta.get("grade_id")
        if not grade_id:
            raise NotebookBuildError("release.no_grade_id", path=str(path), cell=f"#{n}")
        if grade_id in seen:
            raise NotebookBuildError("release.duplicate_grade_id", path=str(path), cell=f"#{n}",
                                     grade_id=grade_id, first=seen[grade_id])
        seen[grade_id] = n
        if meta.get("grade") and not isinstance(meta.get("points"), (int, float)):
            raise NotebookBuildError("release.no_points", path=str(path), cell=_cell_name(n, cell))
    return nb


def tool_env() -> dict:
    """The environment for nbgrader subprocesses: this Python's scripts first on PATH
    (nbgrader runs ``alembic`` by name), even when the venv is not activated."""
    import os

    env = dict(os.environ)
    scripts = str(Path(sys.executable).parent)
    env["PATH"] = os.pathsep.join([scripts, env.get("PATH", "")])
    return env


def _normalise(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def release(assignments: list[str] | None = None, root: Path | None = None, out_dir: Path | None = None,
            log=print) -> list[Path]:
    """Generate the learner version of each assignment; return the notebooks written."""
    root = root or course_root()
    out_dir = out_dir or root / "exercises"
    assignments = assignments or load_manifest(root / "course" / "course.yml").assignments
    written: list[Path] = []
    for assignment in assignments:
        src_dir = root / "solutions" / assignment
        notebooks = sorted(src_dir.glob("*.ipynb"))
        if not notebooks:
            raise NotebookBuildError("release.no_source", path=str(src_dir))
        for nb_path in notebooks:
            validate_source(nb_path)
        with tempfile.TemporaryDirectory(prefix="sarasehan-release-") as tmp:
            tmp = Path(tmp)
            shutil.copytree(src_dir, tmp / "solutions" / assignment,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
            shutil.copy(root / "nbgrader_config.py", tmp / "nbgrader_config.py")
            cmd = [sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                   f"--CourseDirectory.root={tmp}", f"--db=sqlite:///{tmp / 'gradebook.db'}"]
            proc = subprocess.run(cmd, cwd=tmp, capture_output=True, text=True, env=tool_env())
            if proc.returncode != 0:
                tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
                raise NotebookBuildError("release.nbgrader_failed", assignment=assignment, log=tail)
            released = tmp / "exercises" / assignment
            target = out_dir / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(released, target)
            for nb_path in sorted(target.glob("*.ipynb")):
                _normalise(nb_path)
                written.append(nb_path)
        log(f"{assignment}: {', '.join(p.name for p in sorted(target.glob('*.ipynb')))}")
    return written
