"""exercises/ is exactly what nbgrader makes from solutions/, and bad sources are named."""

import json
import shutil
from pathlib import Path

import pytest

from sarasehan import i18n
from sarasehan.errors import NotebookBuildError
from sarasehan.release import release, validate_source

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _tree(folder: Path) -> dict:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_exercises_are_in_sync_with_solutions(tmp_path):
    out = tmp_path / "exercises"
    release(out_dir=out, log=lambda *_: None)
    assert _tree(out) == _tree(ROOT / "exercises"), "run `sarasehan release` and commit exercises/"
    # and a second run gives the same bytes: the release is deterministic
    out2 = tmp_path / "exercises2"
    release(out_dir=out2, log=lambda *_: None)
    assert _tree(out2) == _tree(out)


def _course_copy(tmp_path) -> Path:
    root = tmp_path / "course"
    for name in ("solutions", "course", "nbgrader_config.py"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    return root


def _solution(root: Path) -> Path:
    return next((root / "solutions").rglob("*.ipynb"))


@pytest.mark.parametrize("lang", ["id", "en"])
def test_broken_json_is_named_with_file_and_line(tmp_path, lang):
    i18n.set_language(lang)
    root = _course_copy(tmp_path)
    nb = _solution(root)
    nb.write_text(nb.read_text()[:-40])
    with pytest.raises(NotebookBuildError) as info:
        release(root=root, out_dir=tmp_path / "out", log=lambda *_: None)
    msg = str(info.value)
    assert nb.name in msg and ("baris" in msg if lang == "id" else "line" in msg)
    assert not (tmp_path / "out").exists()  # nothing half-written


def test_unbalanced_solution_marker_names_the_cell(tmp_path):
    i18n.set_language("en")
    root = _course_copy(tmp_path)
    nb_path = _solution(root)
    nb = json.loads(nb_path.read_text())
    cell = next(c for c in nb["cells"] if "### END SOLUTION" in "".join(c["source"]) and c["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]).replace("### END SOLUTION", "")
    nb_path.write_text(json.dumps(nb))
    with pytest.raises(NotebookBuildError) as info:
        validate_source(nb_path)
    assert cell["metadata"]["nbgrader"]["grade_id"] in str(info.value)


def test_duplicate_grade_id_names_both_cells(tmp_path):
    i18n.set_language("en")
    root = _course_copy(tmp_path)
    nb_path = _solution(root)
    nb = json.loads(nb_path.read_text())
    graded = [c for c in nb["cells"] if "nbgrader" in c["metadata"]]
    graded[3]["metadata"]["nbgrader"]["grade_id"] = graded[2]["metadata"]["nbgrader"]["grade_id"]
    nb_path.write_text(json.dumps(nb))
    with pytest.raises(NotebookBuildError, match="already used"):
        validate_source(nb_path)
