"""Every notebook runs top to bottom headless, with the network unavailable."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import env_for_notebooks, offline_command

ROOT = Path(__file__).resolve().parent.parent
NBRUN = Path(__file__).resolve().parent / "nbrun.py"
pytestmark = pytest.mark.slow

LESSONS = sorted((ROOT / "course").glob("*/*.ipynb"))
SOLUTIONS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
WIDGET_CALLS = ("sh.placement_quiz(", "sh.function_quiz(", "sh.discussion_card(", "sh.message_composer(",
                "sh.kpi_explorer(", "sh.track_note(", "sh.my_track(")
EXERCISES = sorted((ROOT / "exercises").glob("*/*.ipynb"))


def run(nb: Path, home: Path, *extra: str) -> dict:
    cmd = offline_command([sys.executable, str(NBRUN), str(nb), *extra])
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env_for_notebooks(home), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def test_offline_guard_really_blocks_the_network(tmp_path):
    probe = tmp_path / "probe.ipynb"
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import urllib.request\nurllib.request.urlopen('https://pypi.org', timeout=5)")]
    nbformat.write(nb, probe)
    result = run(probe, tmp_path)
    assert result["errors"] and result["errors"][0]["ename"] in ("URLError", "gaierror", "OSError")


@pytest.mark.parametrize("nb", LESSONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_lesson_runs_without_error(nb, tmp_path):
    result = run(nb, tmp_path)
    assert result["errors"] == [], result["errors"]
    source = nb.read_text(encoding="utf-8")
    expected_widgets = sum(source.count(call) for call in WIDGET_CALLS)
    assert result["widgets"] >= expected_widgets
    assert result["images"] >= source.count("sh.plots."), "every chart call shows a picture"


@pytest.mark.parametrize("nb", SOLUTIONS, ids=lambda p: p.name)
def test_solution_runs_and_passes_its_own_tests(nb, tmp_path):
    result = run(nb, tmp_path)
    assert result["errors"] == [], result["errors"]


@pytest.mark.parametrize("nb", EXERCISES, ids=lambda p: p.name)
def test_released_exercise_raises_only_not_implemented(nb, tmp_path):
    result = run(nb, tmp_path, "--drop-grade-tests")
    names = {e["ename"] for e in result["errors"]}
    assert names == {"NotImplementedError"}, result["errors"]
