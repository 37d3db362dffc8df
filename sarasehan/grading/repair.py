"""Bring a submitted notebook into a shape nbgrader can grade, and say what was fixed.

Runs in the grading worker (trusted code, no student code executed) before
nbgrader's own sanitising preprocessors. Each problem here makes stock
nbgrader fail the whole submission or silently drop marks:

* a notebook that is not valid JSON, or valid JSON with a broken structure
  (cells are salvaged one by one; a file that cannot be parsed counts as
  missing);
* a notebook saved under another name (``03_campaigns (1).ipynb``,
  ``Untitled.ipynb``): it is taken when it clearly belongs to the assignment
  (its cells carry this notebook's grade ids);
* duplicated cells (copy/paste or split keeps the nbgrader metadata): as in
  nbgrader's ``DeduplicateIds`` the last copy keeps its role, the others
  become plain cells (instead of nbgrader's "old metadata format" failure);
* deleted cells: every missing nbgrader cell (answer, test, setup) is put
  back after the cell that precedes it in the source notebook, from the
  release version (nbgrader's ``OverwriteCells`` then restores the hidden
  tests of locked cells from the gradebook);
* a changed cell type or edited nbgrader metadata (``solution``, ``grade``,
  ``locked``, ``points``): restored from the source notebook, which nbgrader
  would otherwise reject with "Inconsistent checksums".

Only regular files are read: a symlink in a submission is never followed.
"""

from __future__ import annotations

import copy
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.corpus.words import generate_corpus_id as random_cell_id
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

MAX_NOTEBOOK_BYTES = 50 * 1024 * 1024
MAX_EXTRA_BYTES = 100 * 1024 * 1024


@dataclass
class Note:
    key: str                 # message key without the "grade." prefix
    values: dict = field(default_factory=dict)
    severity: str = "info"   # info (still graded) / partial / fatal (notebook not graded)


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _grade_ids(nb) -> list[str]:
    ids = []
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid:
            ids.append(gid)
    return ids


def _source_text(value) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return value if isinstance(value, str) else ""


def salvage(raw) -> nbformat.NotebookNode:
    """A valid nbformat-4 notebook from whatever JSON structure was submitted."""
    if not isinstance(raw, dict) or not isinstance(raw.get("cells"), list):
        raise ValueError("no list of cells")
    nb = new_notebook()
    meta = raw.get("metadata")
    if isinstance(meta, dict):
        for key in ("kernelspec", "language_info"):
            if isinstance(meta.get(key), dict):
                nb.metadata[key] = meta[key]
    for rc in raw["cells"]:
        if not isinstance(rc, dict):
            continue
        kind = rc.get("cell_type")
        source = _source_text(rc.get("source", ""))
        metadata = rc.get("metadata") if isinstance(rc.get("metadata"), dict) else {}
        metadata = json.loads(json.dumps(metadata, default=str))
        metadata.pop("execution", None)
        if kind == "markdown":
            cell = new_markdown_cell(source, metadata=metadata)
        elif kind == "raw":
            cell = new_raw_cell(source, metadata=metadata)
        else:
            cell = new_code_cell(source, metadata=metadata)
        nb.cells.append(cell)
    return nb


def read_submitted(path: Path) -> tuple[nbformat.NotebookNode | None, Note | None]:
    if not _regular_file(path):
        return None, Note("nb_not_file", {"notebook": path.name}, "fatal")
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return None, Note("nb_too_large", {"notebook": path.name, "mb": size // (1024 * 1024)}, "fatal")
    data = path.read_bytes()
    try:
        raw = json.loads(data.decode("utf-8", errors="replace"))
    except json.JSONDecodeError as err:
        return None, Note("nb_bad_json", {"notebook": path.name, "line": err.lineno, "col": err.colno}, "fatal")
    try:
        return salvage(raw), None
    except ValueError:
        return None, Note("nb_bad_structure", {"notebook": path.name}, "fatal")


def _points(meta: dict):
    try:
        return float(meta.get("points"))
    except (TypeError, ValueError):
        return None


def _convert(cell, cell_type: str):
    meta = cell.get("metadata", {})
    source = _source_text(cell.get("source", ""))
    if cell_type == "code":
        return new_code_cell(source, metadata=meta)
    if cell_type == "markdown":
        return new_markdown_cell(source, metadata=meta)
    return new_raw_cell(source, metadata=meta)


def repair(nb: nbformat.NotebookNode, source: nbformat.NotebookNode, release: nbformat.NotebookNode,
           name: str) -> tuple[nbformat.NotebookNode, list[Note]]:
    """Fix cell roles, duplicates and deletions against the source notebook."""
    notes: list[Note] = []
    src_cells = {c.metadata["nbgrader"]["grade_id"]: c for c in source.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    rel_cells = {c.metadata["nbgrader"]["grade_id"]: c for c in release.cells
                 if c.get("metadata", {}).get("nbgrader", {}).get("grade_id")}
    order = [gid for gid in _grade_ids(source)]

    # 1. duplicates: the last copy keeps the role (nbgrader's DeduplicateIds rule)
    last: dict[str, int] = {}
    for i, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid:
            last[gid] = i
    dups = set()
    for i, cell in enumerate(nb.cells):
        meta = cell.metadata.get("nbgrader")
        if meta is None:
            continue
        gid = meta.get("grade_id") if isinstance(meta, dict) else None
        if not gid or gid not in src_cells:
            del cell.metadata["nbgrader"]  # unknown or invented grade id: a plain cell
            if gid:
                notes.append(Note("cell_unknown", {"cell": gid}))
            continue
        if last[gid] != i:
            del cell.metadata["nbgrader"]
            dups.add(gid)
    for gid in sorted(dups):
        notes.append(Note("cell_duplicate", {"cell": gid}))

    # 2. roles and types back from the source notebook
    retyped, changed = [], []
    for i, cell in enumerate(nb.cells):
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if not gid:
            continue
        src = src_cells[gid]
        if cell.cell_type != src.cell_type:
            cell = _convert(cell, src.cell_type)
            nb.cells[i] = cell
            retyped.append(gid)
        want = copy.deepcopy(src.metadata["nbgrader"])
        have = cell.metadata.get("nbgrader", {})
        flags = ("grade", "solution", "locked", "task")
        if (any(bool(have.get(k)) != bool(want.get(k)) for k in flags)
                or (want.get("grade") and _points(have) != _points(want))):
            changed.append(gid)
        want.pop("checksum", None)
        if "checksum" in have:
            want["checksum"] = have["checksum"]
        cell.metadata["nbgrader"] = want
    for gid in retyped:
        notes.append(Note("cell_retyped", {"cell": gid}))
    for gid in changed:
        notes.append(Note("cell_meta_restored", {"cell": gid}))

    # 3. deleted nbgrader cells go back after their predecessor in the source
    present = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    restored = []
    for pos, gid in enumerate(order):
        if gid in present:
            continue
        template = copy.deepcopy(rel_cells.get(gid) or src_cells[gid])
        if src_cells[gid].metadata["nbgrader"].get("solution") and gid not in rel_cells:
            template.source = ""
        template.metadata["nbgrader"] = copy.deepcopy(src_cells[gid].metadata["nbgrader"])
        template.metadata["nbgrader"].pop("checksum", None)
        if template.cell_type == "code":
            template.outputs = []
            template.execution_count = None
        template = _convert(template, template.cell_type)
        insert_at = 0
        for prev in reversed(order[:pos]):
            idx = next((i for i, c in enumerate(nb.cells)
                        if c.metadata.get("nbgrader", {}).get("grade_id") == prev), None)
            if idx is not None:
                insert_at = idx + 1
                break
        nb.cells.insert(insert_at, template)
        present.add(gid)
        restored.append(gid)
    if restored:
        notes.append(Note("cells_restored", {"cells": ", ".join(restored)}))

    seen_ids: set[str] = set()
    for cell in nb.cells:  # a pasted copy keeps its cell id; ids must be unique
        if not cell.get("id") or cell["id"] in seen_ids:
            cell["id"] = random_cell_id()
        seen_ids.add(cell["id"])
    nb.metadata["kernelspec"] = copy.deepcopy(source.metadata.get("kernelspec", nb.metadata.get("kernelspec", {})))
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    return nb, notes


def find_notebook(sub_dir: Path, name: str, expected: set[str], source_ids: set[str],
                  claimed: set[str]) -> tuple[Path | None, Note | None]:
    """The submitted file for notebook ``name`` (exact name, or a clearly renamed copy)."""
    exact = sub_dir / f"{name}.ipynb"
    if exact.exists() or exact.is_symlink():
        return exact, None
    candidates = []
    for path in sorted(sub_dir.glob("*.ipynb")):
        if path.stem in expected or path.name in claimed or not _regular_file(path):
            continue
        if path.stat().st_size > MAX_NOTEBOOK_BYTES:
            continue
        try:
            nb = salvage(json.loads(path.read_text(encoding="utf-8", errors="replace")))
        except Exception:
            continue
        overlap = len(set(_grade_ids(nb)) & source_ids)
        if overlap:
            candidates.append((overlap, path))
    if not candidates:
        return None, Note("nb_missing", {"notebook": f"{name}.ipynb"}, "fatal")
    candidates.sort(key=lambda c: (-c[0], c[1].name))
    best = candidates[0][1]
    return best, Note("nb_renamed", {"found": best.name, "notebook": f"{name}.ipynb"})


def extra_files(sub_dir: Path) -> list[Path]:
    """Non-notebook regular files of a submission (no symlinks, bounded total size)."""
    files, total = [], 0
    for dirpath, dirnames, filenames in os.walk(sub_dir, followlinks=False):
        dirnames[:] = [d for d in dirnames if not d.startswith(".ipynb_checkpoints")
                       and not os.path.islink(os.path.join(dirpath, d))]
        for fn in sorted(filenames):
            path = Path(dirpath) / fn
            if fn.endswith(".ipynb") or not _regular_file(path):
                continue
            total += path.stat().st_size
            if total > MAX_EXTRA_BYTES:
                return files
            files.append(path)
    return files
