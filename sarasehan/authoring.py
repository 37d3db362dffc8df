"""Build the lesson and assignment notebooks from their YAML sources.

``authoring/lessons/NN_slug.yml`` gives ``course/id/NN_slug.ipynb`` and
``course/en/NN_slug.ipynb`` (same cells, same ids, identical code), and
``authoring/assignments/NN_slug.yml`` gives the nbgrader source notebook
``solutions/NN_slug/NN_slug.ipynb``. Output is deterministic: cell ids come
from the YAML, there are no outputs, and the JSON is written with sorted
keys, so building twice gives the same bytes.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from .errors import NotebookBuildError
from .i18n import LANGUAGES
from .paths import course_root

CELL_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def _new_notebook(meta: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.nbformat, nb.nbformat_minor = 4, 5
    nb.metadata = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}, "sarasehan": meta}
    return nb


def _read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as err:
        raise NotebookBuildError("build.bad_yaml", path=str(path), error=str(err)) from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookBuildError("build.no_cells", path=str(path))
    return data


def _check_cell(path: Path, n: int, cell: dict, seen: set) -> str:
    cid = cell.get("id") if isinstance(cell, dict) else None
    if not isinstance(cid, str) or not CELL_ID.match(cid):
        raise NotebookBuildError("build.bad_id", path=str(path), cell=n, id=str(cid))
    if cid in seen:
        raise NotebookBuildError("build.duplicate_id", path=str(path), id=cid)
    seen.add(cid)
    kinds = [k for k in ("md", "md_same", "code") if k in cell]
    if len(kinds) != 1:
        raise NotebookBuildError("build.cell_kind", path=str(path), id=cid)
    if "md" in cell:
        md = cell["md"]
        if not isinstance(md, dict) or any(not str(md.get(lang) or "").strip() for lang in LANGUAGES):
            raise NotebookBuildError("build.missing_language", path=str(path), id=cid)
    return kinds[0]


def _source(text: str) -> str:
    return str(text).rstrip("\n")


def build_lesson(path: Path) -> dict[str, nbformat.NotebookNode]:
    """Both language versions of a lesson, ``{"id": nb, "en": nb}``."""
    data = _read_yaml(path)
    slug = path.stem
    books = {lang: _new_notebook({"lesson": slug, "lang": lang, "source": f"authoring/lessons/{path.name}"})
             for lang in LANGUAGES}
    seen: set = set()
    for n, cell in enumerate(data["cells"], start=1):
        kind = _check_cell(path, n, cell, seen)
        for lang, nb in books.items():
            if kind == "code":
                new = nbformat.v4.new_code_cell(_source(cell["code"]), id=cell["id"])
                if cell.get("tags"):
                    new.metadata["tags"] = list(cell["tags"])
            elif kind == "md":
                new = nbformat.v4.new_markdown_cell(_source(cell["md"][lang]), id=cell["id"])
            else:
                new = nbformat.v4.new_markdown_cell(_source(cell["md_same"]), id=cell["id"])
            nb.cells.append(new)
    return books


def _bilingual(md: dict) -> str:
    return f"{_source(md['id'])}\n\n---\n\n*English*\n\n{_source(md['en'])}"


def build_assignment(path: Path) -> nbformat.NotebookNode:
    """The nbgrader source notebook for an assignment (both languages in each cell)."""
    data = _read_yaml(path)
    slug = path.stem
    nb = _new_notebook({"assignment": slug, "lang": "id+en", "source": f"authoring/assignments/{path.name}"})
    seen: set = set()
    for n, cell in enumerate(data["cells"], start=1):
        kind = _check_cell(path, n, cell, seen)
        if kind == "code":
            new = nbformat.v4.new_code_cell(_source(cell["code"]), id=cell["id"])
        else:
            text = _bilingual(cell["md"]) if kind == "md" else _source(cell["md_same"])
            new = nbformat.v4.new_markdown_cell(text, id=cell["id"])
        grading = cell.get("nbgrader", {})
        if grading is not False:
            grade = bool(grading.get("grade", False))
            solution = bool(grading.get("solution", False))
            meta = {"grade": grade, "grade_id": cell["id"], "locked": not solution,
                    "schema_version": 3, "solution": solution, "task": False}
            if grade:
                if "points" not in grading:
                    raise NotebookBuildError("build.no_points", path=str(path), id=cell["id"])
                meta["points"] = grading["points"]
            new.metadata["nbgrader"] = meta
        nb.cells.append(new)
    return nb


def dumps(nb: nbformat.NotebookNode) -> str:
    return nbformat.writes(nb) + "\n"


def published_slugs(root: Path) -> set[str]:
    """Slugs of the modules (and facilitator tools) the manifest marks ready.

    Sources of modules still marked ``planned`` stay in ``authoring/`` as
    work in progress and are not built into ``course/`` or ``solutions/``.
    """
    from .manifest import load_manifest

    manifest = load_manifest(root / "course" / "course.yml")
    return {m.slug for m in manifest.modules if m.ready} | {m.slug for m in manifest.tools if m.ready}


def planned_outputs(root: Path | None = None) -> dict[Path, str]:
    """Every generated notebook and its exact text, keyed by path."""
    root = root or course_root()
    ready = published_slugs(root)
    out: dict[Path, str] = {}
    for src in sorted((root / "authoring" / "lessons").glob("*.yml")):
        if src.stem not in ready:
            continue
        for lang, nb in build_lesson(src).items():
            out[root / "course" / lang / f"{src.stem}.ipynb"] = dumps(nb)
    for src in sorted((root / "authoring" / "assignments").glob("*.yml")):
        if src.stem not in ready:
            continue
        out[root / "solutions" / src.stem / f"{src.stem}.ipynb"] = dumps(build_assignment(src))
    return out


def build(root: Path | None = None, check: bool = False) -> list[Path]:
    """Write the generated notebooks; return those that changed (or would, with ``check``)."""
    changed = []
    for path, text in planned_outputs(root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            changed.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return changed
