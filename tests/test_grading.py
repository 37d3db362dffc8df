"""``sarasehan grade``: sandboxed, robust, resumable autograding on top of nbgrader.

The slow tests run the real command (``python -m sarasehan.grading``, the same
code as ``sarasehan grade``) on temporary courses:

* a small synthetic assignment ``t01`` with one correct and one blank
  submission and every hostile case (broken files, deleted / duplicated /
  re-typed cells, endless loops, a loop that ignores SIGINT, ``os._exit``, a
  segfault, a memory bomb, a flood of output, edited tests, tampering with
  the checking helpers, edited metadata, cells that outlast the submission's
  time limit, and an attack on the gradebook, another submission and the
  solutions), graded in one batch;
* the course's real assignments (solution = full marks, release = zero);
* an interrupted run that is resumed.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from sarasehan.checks import digest
from sarasehan.manifest import load_manifest
from sarasehan.release import tool_env

ROOT = Path(__file__).resolve().parent.parent
A = "t01"
ATTACK_LOG = "ATTACK"


# --- a small assignment and its submissions ------------------------------------------------

def _meta(gid, grade=False, solution=False, locked=False, points=None):
    m = {"grade": grade, "grade_id": gid, "locked": locked, "schema_version": 3, "solution": solution,
         "task": False}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m}


def source_notebook():
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    c = nb.cells
    c.append(new_markdown_cell("# Test assignment", metadata=_meta("intro", locked=True)))
    c.append(new_code_cell('import pandas as pd\nimport sarasehan as sh\n\nnums = pd.Series([3, 1, 4, 1, 5, 9, 2, 6], name="nums")',
                           metadata=_meta("setup", locked=True)))
    c.append(new_code_cell("### BEGIN SOLUTION\ntotal = int(nums.sum())\n### END SOLUTION", metadata=_meta("q1", solution=True)))
    c.append(new_code_cell(f'sh.expect(total, name="total", kind="number", decimals=0, expected_digest="{digest(31, 0)}")',
                           metadata=_meta("q1_visible", grade=True, locked=True, points=1)))
    c.append(new_code_cell('# hidden\n### BEGIN HIDDEN TESTS\nassert abs(total - nums.sum()) < 0.5, "SECRET_Q1_MARKER"\n### END HIDDEN TESTS',
                           metadata=_meta("q1_hidden", grade=True, locked=True, points=2)))
    c.append(new_code_cell("### BEGIN SOLUTION\ntop = [int(x) for x in sorted(nums.unique())[-3:][::-1]]\n### END SOLUTION",
                           metadata=_meta("q2", solution=True)))
    c.append(new_code_cell('assert isinstance(top, list), "top must be a list"',
                           metadata=_meta("q2_visible", grade=True, locked=True, points=1)))
    c.append(new_code_cell('# hidden\n### BEGIN HIDDEN TESTS\nassert [int(x) for x in top] == sorted(set(nums))[-3:][::-1], "SECRET_Q2_MARKER"\n### END HIDDEN TESTS',
                           metadata=_meta("q2_hidden", grade=True, locked=True, points=2)))
    c.append(new_code_cell("### BEGIN SOLUTION\ndef double(x):\n    return 2 * x\n### END SOLUTION",
                           metadata=_meta("q3", solution=True)))
    c.append(new_code_cell("assert double(2) == 4", metadata=_meta("q3_visible", grade=True, locked=True, points=1)))
    c.append(new_code_cell('# hidden\n### BEGIN HIDDEN TESTS\nassert double(10) == 20 and abs(double(-1.5) + 3) < 1e-9, "SECRET_Q3_MARKER"\n### END HIDDEN TESTS',
                           metadata=_meta("q3_hidden", grade=True, locked=True, points=2)))
    return nb


CELLS = ["q1_visible", "q1_hidden", "q2_visible", "q2_hidden", "q3_visible", "q3_hidden"]
GOOD = {"q1": "total = int(nums.sum())", "q2": "top = [9, 6, 5]", "q3": "def double(x):\n    return 2 * x"}


def _gid(cell):
    return cell.metadata.get("nbgrader", {}).get("grade_id")


def answered(release, **sources):
    nb = nbformat.from_dict(json.loads(json.dumps(release)))
    for cell in nb.cells:
        if _gid(cell) in sources:
            cell.source = sources[_gid(cell)]
    return nb


def new_course(root: Path) -> Path:
    course = root / "course"
    (course / "solutions" / A).mkdir(parents=True)
    nbformat.write(source_notebook(), course / "solutions" / A / f"{A}.ipynb")
    (course / "solutions" / A / "numbers.txt").write_text("3 1 4 1 5 9 2 6\n")  # a data file of the assignment
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text(encoding="utf-8"))
    return course


@pytest.fixture(scope="module")
def release_nb(tmp_path_factory):
    """The learner version of t01, made by nbgrader's GenerateAssignment."""
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    from sarasehan.grading import gradebook as G

    where = tmp_path_factory.mktemp("release")
    course = new_course(where)
    _, folder = G.build_template(A, course / "solutions" / A, course / "nbgrader_config.py", "sarasehan", where)
    return nbformat.read(folder / f"{A}.ipynb", as_version=4)


def put(course: Path, student: str, nb=None, name=f"{A}.ipynb", text=None) -> Path:
    d = course / "submitted" / student / A
    d.mkdir(parents=True, exist_ok=True)
    if text is not None:
        (d / name).write_text(text)
    elif nb is not None:
        nbformat.write(nb, d / name)
    return d


def grade(course: Path, out: Path, *extra: str, timeout: float = 600) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "sarasehan.grading", A, "--course", str(course), "--out", str(out), *extra]
    return subprocess.run(cmd, capture_output=True, text=True, env=tool_env(), timeout=timeout)


def rows(out: Path) -> dict[str, dict]:
    with open(out / "grades.csv", newline="", encoding="utf-8") as fh:
        return {r["student_id"]: r for r in csv.DictReader(fh)}


def tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(str(p.relative_to(folder)).encode() + p.read_bytes())
    return h.hexdigest()


# --- the batch of hostile submissions -------------------------------------------------------

HOSTILE_EXPECTED = {
    # student: (status, points per cell in CELLS order)
    "good": ("graded", [1, 2, 1, 2, 1, 2]),
    "blank": ("graded", [0, 0, 0, 0, 0, 0]),
    "bad_json": ("failed", [0, 0, 0, 0, 0, 0]),
    "missing": ("failed", [0, 0, 0, 0, 0, 0]),
    "renamed": ("graded", [1, 2, 1, 2, 1, 2]),
    "cells_edited": ("graded", [1, 2, 1, 2, 1, 2]),
    "infinite_loop": ("partial", [0, 0, 1, 2, 1, 2]),
    "ignores_sigint": ("partial", [0, 0, 1, 2, 1, 2]),
    "os_exit": ("partial", [1, 2, 0, 0, 1, 2]),
    "segfault": ("partial", [1, 2, 0, 0, 1, 2]),
    "memory_bomb": ("partial", [0, 0, 1, 2, 1, 2]),
    "huge_output": ("partial", [1, 2, 1, 2, 1, 2]),
    "tests_edited": ("graded", [0, 0, 1, 0, 0, 0]),
    "tampering": ("graded", [0, 0, 0, 0, 0, 0]),
    "metadata_edited": ("graded", [1, 2, 1, 2, 1, 2]),
    "slow_cells": ("partial", [1, 2, 1, 2, 0, 0]),
    "attacker": ("graded", [1, 2, 1, 2, 1, 2]),
    "data_and_files": ("graded", [1, 2, 1, 2, 1, 2]),
    "disk_filler": ("graded", [1, 2, 1, 2, 1, 2]),
}

TAMPER = (
    "import builtins, sarasehan\n"
    "total = 0\n"
    "sh.expect = lambda *a, **k: None\n"
    "sarasehan.expect = sh.expect\n"
    "builtins.abs = lambda x: 0\n"
    "nums = nums.iloc[:0]\n"
    "class Yes:\n    def __eq__(self, other): return True\n    def __iter__(self): return iter([])\n"
    "top = Yes()\n"
    "def double(x):\n    return 0\n"
    "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n"
)


def build_hostile(course: Path, release, attack: dict) -> None:
    put(course, "good", answered(release, **GOOD))
    put(course, "blank", release)
    put(course, "bad_json", text='{"cells": [ {"cell_type": "code", "source": "oops"')
    put(course, "missing", text="forgot the notebook", name="notes.txt")
    put(course, "renamed", answered(release, **GOOD), name="Untitled (1).ipynb")
    nb = answered(release, **GOOD)  # duplicated answer, deleted hidden test, answer turned into markdown
    q1 = next(c for c in nb.cells if _gid(c) == "q1")
    copy = nbformat.from_dict(json.loads(json.dumps(q1)))
    copy["id"] = "copy-of-q1"
    nb.cells.insert(nb.cells.index(q1), copy)
    nb.cells = [c for c in nb.cells if _gid(c) != "q2_hidden"]
    q3 = next(c for c in nb.cells if _gid(c) == "q3")
    nb.cells[nb.cells.index(q3)] = nbformat.v4.new_markdown_cell(q3.source, metadata=q3.metadata)
    put(course, "cells_edited", nb)
    put(course, "infinite_loop", answered(release, **{**GOOD, "q1": "while True:\n    pass"}))
    put(course, "ignores_sigint", answered(release, **{
        **GOOD, "q1": "import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    time.sleep(0.01)"}))
    put(course, "os_exit", answered(release, **{**GOOD, "q2": "import os\nos._exit(3)"}))
    put(course, "segfault", answered(release, **{**GOOD, "q2": "import ctypes\nctypes.string_at(0)"}))
    put(course, "memory_bomb", answered(release, **{
        **GOOD, "q1": "hog = []\nwhile True:\n    hog.append(bytearray(50 * 1024 * 1024))"}))
    put(course, "huge_output", answered(release, **{
        **GOOD, "q2": "top = [9, 6, 5]\nfor _ in range(10**9):\n    print('x' * 1000)"}))
    nb = answered(release, q1="total = 0", q2="top = []", q3="def double(x):\n    return 0")
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "pass"
    nb.cells = [c for c in nb.cells if _gid(c) != "q1_hidden"]
    put(course, "tests_edited", nb)
    put(course, "tampering", answered(release, q1=TAMPER, q2="", q3=""))
    nb = answered(release, **GOOD)
    for cell in nb.cells:
        if _gid(cell) == "q1_visible":
            cell.metadata["nbgrader"].update(solution=True, locked=False, points=100)
    put(course, "metadata_edited", nb)
    # q1 and q2 fine; then slow cells (each within the per-cell limit) outlast the submission's limit (--wall)
    nb = answered(release, **GOOD)
    q3 = next(c for c in nb.cells if _gid(c) == "q3")
    at = nb.cells.index(q3)
    for _ in range(9):
        nb.cells.insert(at, new_code_cell("import time\ntime.sleep(2.5)"))
    put(course, "slow_cells", nb)
    attack_code = (
        "results = {}\n"
        f"for name, action in [('gradebook', lambda: open({str(attack['gradebook'])!r}, 'w').close()),\n"
        f"                     ('other_submission', lambda: __import__('shutil').rmtree({str(attack['other'])!r})),\n"
        f"                     ('solutions', lambda: open({str(attack['solutions'])!r}).read()),\n"
        f"                     ('repo_solutions', lambda: open({str(attack['repo_solutions'])!r}).read()),\n"
        "                     ('network', lambda: __import__('socket').create_connection(('1.1.1.1', 53), timeout=3))]:\n"
        "    try:\n        action()\n        results[name] = 'ALLOWED'\n"
        "    except BaseException as exc:\n        results[name] = type(exc).__name__\n"
        f"print({ATTACK_LOG!r}, sorted(results.items()))\n"
        "total = int(nums.sum())"
    )
    put(course, "attacker", answered(release, **{**GOOD, "q1": attack_code}))
    # the assignment's data file and the student's own module reach the kernel's folder
    d = put(course, "data_and_files", answered(release, **{
        **GOOD, "q1": "total = sum(int(x) for x in open('numbers.txt').read().split())",
        "q3": "from mylib import double"}))
    (d / "mylib.py").write_text("def double(x):\n    return x * 2\n")
    # writing without end hits the kernel's private, size-limited folder, not the grader's disk
    put(course, "disk_filler", answered(release, **{**GOOD, "q1": (
        "import os\nchunk = b'0' * (8 * 1024 * 1024)\ntry:\n    with open('big.bin', 'wb') as fh:\n"
        "        while True:\n            fh.write(chunk)\nexcept OSError as exc:\n    print('DISK FULL', exc.errno)\n"
        "os.remove('big.bin')\ntotal = int(nums.sum())")}))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, release_nb):
    root = tmp_path_factory.mktemp("hostile")
    course = new_course(root)
    repo_solution = next((ROOT / "solutions").rglob("*.ipynb"))
    attack = {"gradebook": course / "gradebook.db", "other": course / "submitted" / "good" / A,
              "solutions": course / "solutions" / A / f"{A}.ipynb", "repo_solutions": repo_solution}
    build_hostile(course, release_nb, attack)
    before = {"good": tree_hash(course / "submitted" / "good"), "solutions": tree_hash(course / "solutions")}
    out = root / "out"
    start = time.monotonic()
    proc = grade(course, out, "--timeout", "3", "--wall", "20", "--memory", "1200", "--workers", "2")
    return {"course": course, "out": out, "proc": proc, "before": before, "repo_solution": repo_solution,
            "seconds": time.monotonic() - start}


@pytest.mark.slow
def test_hostile_batch_completes(hostile):
    proc = hostile["proc"]
    assert proc.returncode == 0, proc.stderr[-4000:]
    assert set(rows(hostile["out"])) == set(HOSTILE_EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("student", sorted(HOSTILE_EXPECTED))
def test_each_submission_gets_the_right_status_and_marks(hostile, student):
    row = rows(hostile["out"])[student]
    status, points = HOSTILE_EXPECTED[student]
    assert row["status"] == status, row
    assert [float(row[c] or 0) for c in CELLS] == [float(p) for p in points], row
    if status != "graded" or student in ("renamed", "cells_edited", "metadata_edited"):
        assert row["message"].strip(), "every failure or repair is explained"


@pytest.mark.slow
def test_grades_csv_columns(hostile):
    with open(hostile["out"] / "grades.csv", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    assert header == ["student_id", "assignment", *CELLS, "total", "max", "status", "message"]
    good = rows(hostile["out"])["good"]
    assert good["assignment"] == A and good["total"] == "9" and good["max"] == "9"


@pytest.mark.slow
def test_sandbox_protects_gradebook_submissions_and_solutions(hostile):
    course = hostile["course"]
    nb = nbformat.read(course / "autograded" / "attacker" / A / f"{A}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    line = next(x for t in texts for x in t.splitlines() if x.startswith(ATTACK_LOG))
    assert "ALLOWED" not in line, line
    for name in ("gradebook", "other_submission", "solutions", "repo_solutions", "network"):
        assert name in line
    # nothing was changed, and grading went on for everyone (attacker included)
    assert tree_hash(course / "submitted" / "good") == hostile["before"]["good"]
    assert tree_hash(course / "solutions") == hostile["before"]["solutions"]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "sarasehan") as gb:
        students = {s.student.id: s.score for s in gb.find_assignment(A).submissions}
    assert students["attacker"] == 9 and students["good"] == 9
    assert set(students) == set(HOSTILE_EXPECTED)


@pytest.mark.slow
def test_disk_writes_stay_in_the_kernels_small_private_folder(hostile):
    nb = nbformat.read(hostile["course"] / "autograded" / "disk_filler" / A / f"{A}.ipynb", as_version=4)
    texts = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "DISK FULL" in texts


@pytest.mark.slow
def test_fallback_without_namespaces_still_grades(tmp_path, release_nb):
    course = new_course(tmp_path)
    put(course, "good", answered(release_nb, **GOOD))
    put(course, "blank", release_nb)
    env = dict(tool_env(), SARASEHAN_GRADE_NO_NAMESPACES="1")
    proc = subprocess.run([sys.executable, "-m", "sarasehan.grading", A, "--course", str(course), "--out",
                           str(tmp_path / "out"), "--timeout", "10"], capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "SARASEHAN_GRADE_NO_NAMESPACES" in proc.stderr  # the warning names what is missing
    table = rows(tmp_path / "out")
    assert table["good"]["total"] == "9" and table["blank"]["total"] == "0"


@pytest.mark.slow
def test_feedback_never_shows_hidden_tests(hostile):
    pages = list((hostile["out"] / "feedback").rglob("*.html"))
    graded = [s for s, (st, _) in HOSTILE_EXPECTED.items() if st != "failed"]
    assert {p.parent.name for p in pages} == set(graded)
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html and "SECRET_Q" not in html, page
        assert "nums.sum()) &lt; 0.5" not in html and "sorted(set(nums))" not in html, page
    # the instructor's autograded copy does contain them (they really ran)
    assert "SECRET_Q1_MARKER" in (hostile["course"] / "autograded" / "blank" / A / f"{A}.ipynb").read_text()


@pytest.mark.slow
def test_summary_png_and_timings(hostile):
    png = hostile["out"] / "summary.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "ETA" in hostile["proc"].stderr  # the progress bar


@pytest.mark.slow
def test_tampering_would_work_without_the_verifier(tmp_path, release_nb):
    """The same tampering scores full marks when tests run in the student's kernel (as in
    stock nbgrader), so the zero above is the verifier's doing."""
    course = new_course(tmp_path)
    put(course, "tampering", answered(release_nb, q1=TAMPER, q2="", q3=""))
    proc = grade(course, tmp_path / "out", "--tests-in-student-kernel", "--timeout", "5", "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert float(rows(tmp_path / "out")["tampering"]["total"]) == 9


@pytest.mark.slow
def test_resume_after_the_grader_is_killed(tmp_path, release_nb):
    course = new_course(tmp_path)
    students = [f"s{i:02d}" for i in range(8)]
    for i, s in enumerate(students):
        put(course, s, answered(release_nb, **GOOD) if i % 2 == 0 else release_nb)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "sarasehan.grading", A, "--course", str(course), "--out", str(out),
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, env=tool_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    state = out / ".state"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(list(state.glob("s*.json"))) < 3:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)  # no chance to clean up
    proc.wait(30)
    killed = proc.pid
    done = {p.stem: p.stat().st_mtime_ns for p in state.glob("s*.json")}
    assert 3 <= len(done) < len(students), "the run was interrupted part-way"
    time.sleep(1.0)  # orphaned workers and kernels die with their parent (PR_SET_PDEATHSIG)
    leftovers = subprocess.run(["pgrep", "-f", f"sarasehan.grading {A} --course {course}"], capture_output=True)
    assert leftovers.returncode == 1, leftovers.stdout
    again = grade(course, out, "--workers", "2")
    assert again.returncode == 0, again.stderr[-3000:]
    assert str(len(done)) in again.stderr  # "N submissions were already graded ... skipped"
    final = rows(out)
    assert set(final) == set(students)
    # the killed run's scratch folders were removed by the next run
    assert not [p for p in Path("/dev/shm").glob(f"sarasehan-*-{killed}-*")]
    assert not [p for p in Path(tempfile.gettempdir()).glob(f"sarasehan-*-{killed}-*")]
    for i, s in enumerate(students):
        assert final[s]["total"] == ("9" if i % 2 == 0 else "0"), final[s]
    for s, mtime in done.items():  # nothing graded was redone (or lost)
        assert (state / f"{s}.json").stat().st_mtime_ns == mtime
    # a third run grades only the submission that changed
    after = {p.stem: p.stat().st_mtime_ns for p in state.glob("s*.json")}
    put(course, students[1], answered(release_nb, **GOOD))
    third = grade(course, out, "--workers", "1")
    assert third.returncode == 0, third.stderr[-3000:]
    assert rows(out)[students[1]]["total"] == "9"
    for s in students:
        changed = (state / f"{s}.json").stat().st_mtime_ns != after[s]
        assert changed == (s == students[1]), s


# --- the course's real assignments -----------------------------------------------------------

@pytest.fixture(scope="module")
def real_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("real")
    course = root / "course"
    course.mkdir()
    (course / "nbgrader_config.py").write_text((ROOT / "nbgrader_config.py").read_text(encoding="utf-8"))
    results = {}
    for a in load_manifest().assignments:
        (course / "solutions").mkdir(exist_ok=True)
        import shutil

        shutil.copytree(ROOT / "solutions" / a, course / "solutions" / a)
        for student, src in (("solution_student", ROOT / "solutions" / a), ("blank_student", ROOT / "exercises" / a)):
            shutil.copytree(src, course / "submitted" / student / a)
        # what nbgrader's exchange adds to a submission; release_feedback needs the secret later
        (course / "submitted" / "solution_student" / a / "submission_secret.txt").write_text("s3cret-" + a)
        out = root / f"out-{a}"
        proc = subprocess.run([sys.executable, "-m", "sarasehan.grading", a, "--course", str(course), "--out", str(out),
                               "--quiet"], capture_output=True, text=True, env=tool_env(), timeout=600)
        results[a] = (proc, out)
    return course, results


@pytest.mark.slow
@pytest.mark.parametrize("assignment", load_manifest().assignments)
def test_real_assignment_solution_full_marks_release_zero(real_course, assignment):
    course, results = real_course
    proc, out = results[assignment]
    assert proc.returncode == 0, proc.stderr[-3000:]
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "sarasehan") as gb:
        good = gb.find_submission(assignment, "solution_student")
        blank = gb.find_submission(assignment, "blank_student")
        assert good.max_code_score >= 16
        assert good.code_score == good.max_code_score
        assert blank.code_score == 0 and blank.written_score == 0
    table = rows(out)
    assert table["solution_student"]["status"] == table["blank_student"]["status"] == "graded"
    secret = course / "autograded" / "solution_student" / assignment / "submission_secret.txt"
    assert secret.read_text() == "s3cret-" + assignment  # kept beside the autograded notebook, as nbgrader does
    for page in (out / "feedback").rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in html and "_expected" not in html and "_rr =" not in html


# --- fast unit tests ---------------------------------------------------------------------------

def test_register_adds_the_grade_command():
    import argparse

    from sarasehan.grading import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["grade", "03_campaigns", "--out", "o", "--workers", "2", "--timeout", "9",
                              "--memory", "1500", "--course", "c"])
    assert (args.assignment, args.out, args.workers, args.timeout, args.memory, args.course) == (
        "03_campaigns", "o", 2, 9, 1500, "c")
    assert callable(args.func)
    with pytest.raises(SystemExit):
        parser.parse_args(["grade", "x", "--out", "o", "--workers", "0"])


def test_repair_restores_roles_duplicates_and_deleted_cells():
    from sarasehan.grading.repair import repair

    src = source_notebook()
    release = nbformat.from_dict(json.loads(json.dumps(src)))
    nb = nbformat.from_dict(json.loads(json.dumps(src)))
    nb.cells = [c for c in nb.cells if _gid(c) not in ("q2_visible", "setup")]
    q1 = next(c for c in nb.cells if _gid(c) == "q1")
    nb.cells.append(nbformat.from_dict(json.loads(json.dumps(q1))))  # duplicate, the copy keeps the role
    test = next(c for c in nb.cells if _gid(c) == "q1_visible")
    test.metadata["nbgrader"]["solution"] = True
    fixed, notes = repair(nb, src, release, A)
    ids = [_gid(c) for c in fixed.cells if _gid(c)]
    assert ids.count("q1") == 1 and "q2_visible" in ids and "setup" in ids
    assert ids.index("setup") < ids.index("q1_visible") < ids.index("q2") < ids.index("q2_visible")
    assert next(c for c in fixed.cells if _gid(c) == "q1_visible").metadata["nbgrader"]["solution"] is False
    keys = {n.key for n in notes}
    assert {"cell_duplicate", "cells_restored", "cell_meta_restored"} <= keys


def test_unreadable_notebooks_are_named(tmp_path):
    from sarasehan.grading.repair import read_submitted

    bad = tmp_path / "x.ipynb"
    bad.write_text('{"cells": [')
    nb, note = read_submitted(bad)
    assert nb is None and note.key == "nb_bad_json" and note.severity == "fatal"
    bad.write_text('{"cells": 3}')
    assert read_submitted(bad)[1].key == "nb_bad_structure"
    link = tmp_path / "link.ipynb"
    link.symlink_to("/etc/passwd")
    assert read_submitted(link)[1].key == "nb_not_file"
    bad.write_text('{"cells": [{"cell_type": "weird", "source": ["a", "b"]}, 7], "metadata": []}')
    nb, note = read_submitted(bad)
    assert note is None and nb.cells[0].source == "ab"


def test_restricted_unpickler_accepts_data_and_refuses_code():
    import pickle

    import pandas as pd

    from sarasehan.grading.verifier_runtime import loads

    df = pd.DataFrame({"a": [1, 2], "s": ["x", "y"], "t": pd.to_datetime(["2024-01-01", "2024-02-01"])})
    assert loads(pickle.dumps(df, 4)).equals(df)
    assert loads(pickle.dumps({"k": [1.5, None, (2, 3)], "z": {4}}, 4)) == {"k": [1.5, None, (2, 3)], "z": {4}}

    class Evil:
        def __reduce__(self):
            return (os.system, ("echo hacked",))

    with pytest.raises(pickle.UnpicklingError):
        loads(pickle.dumps(Evil(), 4))
    with pytest.raises(pickle.UnpicklingError):
        loads(pickle.dumps(Path("/etc"), 4))


def test_names_read_and_written_by_cells():
    from sarasehan.grading.verifier import loaded_names, stored_names

    assert loaded_names("x = a + len(b)\n%time c") >= {"a", "b"}
    assert "len" not in loaded_names("len(a)")
    assert stored_names("import pandas as pd\nq[1] = 2\nd.drop(1, inplace=True)", mutations=True) == {"pd", "q", "d"}
    assert stored_names("q[1] = 2") == set()


def test_progress_bar_shows_eta():
    import io

    from sarasehan.grading.progress import Progress

    stream = io.StringIO()
    bar = Progress(4, label="a ", stream=stream, every=0)
    bar.update(1, "s1: graded")
    bar.update(1)
    line = stream.getvalue().strip().splitlines()[-1]
    assert "2/4" in line and "ETA" in line and "50%" in line


def test_status_rules():
    from sarasehan.grading.runner import classify

    nbs = ["n"]
    ok = {"notebooks": {"n": "ok"}, "autograded": {"n": "{}"}, "events": [], "notes": []}
    assert classify(ok, nbs)[0] == "graded"
    died = dict(ok, events=[{"kind": "kernel_died", "cell": "q1"}])
    status, message = classify(died, nbs)
    assert status == "partial" and "q1" in message
    assert classify({"notebooks": {"n": "missing"}, "notes": [{"key": "nb_missing", "values": {"notebook": "n"}}]},
                    nbs)[0] == "failed"
    assert classify({"error": "boom"}, nbs)[0] == "failed"


def test_grade_messages_exist_in_both_languages():
    import re
    import string

    from sarasehan import i18n

    cat = i18n.catalog()
    used = set()
    for path in (ROOT / "sarasehan" / "grading").glob("*.py"):
        used |= set(re.findall(r'"(grade\.[a-z_.]+)"', path.read_text(encoding="utf-8")))
    used |= {f"grade.note.{k}" for k in ("nb_not_file", "nb_too_large", "nb_bad_json", "nb_bad_structure",
                                          "nb_missing", "nb_renamed", "cell_unknown", "cell_duplicate",
                                          "cell_retyped", "cell_meta_restored", "cells_restored",
                                          "nb_unrepairable")}
    from sarasehan.grading.runner import PARTIAL_EVENTS

    used |= {f"grade.event.{k}" for k in PARTIAL_EVENTS | {"restarted", "verifier_restart"}}
    used |= {f"grade.png.{k}" for k in ("full", "partial", "zero", "manual", "students", "per_cell", "per_question",
                                        "total")}
    missing = sorted(k for k in used if k not in cat)
    assert not missing, missing
    for key in (k for k in cat if k.startswith("grade.")):
        fields = [{f for _, f, _, _ in string.Formatter().parse(cat[key][lang]) if f} for lang in ("id", "en")]
        assert fields[0] == fields[1], key
        assert not fields[0] & {"lang", "key"}, key
