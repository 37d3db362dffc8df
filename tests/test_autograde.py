"""A real nbgrader autograde in a temporary course: the solution gets full automatic
marks, the untouched release gets zero, and feedback does not show hidden tests."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sarasehan.manifest import load_manifest
from sarasehan.release import tool_env

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow
ASSIGNMENTS = load_manifest().assignments


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    proc = subprocess.run(cmd, cwd=course, capture_output=True, text=True, env=tool_env(), timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    for a in ASSIGNMENTS:
        nbgrader(course, "generate_assignment", a, "--force")
        for student, src in (("solution_student", course / "solutions" / a),
                             ("blank_student", ROOT / "exercises" / a)):
            dest = course / "submitted" / student / a
            shutil.copytree(src, dest)
        nbgrader(course, "autograde", a, "--force")
        nbgrader(course, "generate_feedback", a, "--force")
    return course


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_full_marks_and_blank_zero(graded_course, assignment):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course / 'gradebook.db'}") as gb:
        good = gb.find_submission(assignment, "solution_student")
        blank = gb.find_submission(assignment, "blank_student")
        assert good.max_code_score >= 16
        assert good.code_score == good.max_code_score
        assert blank.code_score == 0
        assert blank.written_score == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_hides_hidden_tests(graded_course, assignment):
    for student in ("solution_student", "blank_student"):
        pages = list((graded_course / "feedback" / student / assignment).glob("*.html"))
        assert pages
        for page in pages:
            html = page.read_text(encoding="utf-8")
            assert "BEGIN HIDDEN TESTS" not in html
            assert "_expected" not in html and "_rr =" not in html
