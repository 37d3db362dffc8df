"""Benchmark ``sarasehan grade`` against stock ``nbgrader autograde`` on the same submissions.

    python bench/grading.py [--assignment 03_campaigns] [--per-kind 15] [--workers N] [--keep DIR]

For one of the course's real assignments it builds ``3 x --per-kind``
submissions (default 45): correct (the solution), partly correct (the
solution with some answer cells put back to the release stub, a different
subset per student) and blank (the release). Two identical course copies
are made; then, in the same run,

* stock: ``nbgrader autograde ASSIGNMENT`` - one batch process, the
  assignment generated beforehand (not timed), default settings of the
  course's nbgrader_config.py;
* ours: ``sarasehan grade ASSIGNMENT`` - the whole command, timed from
  process start to exit, including its template gradebook, feedback HTML for
  every student and summary.png, which the stock run does not produce.

It checks that every graded cell of every student got the same automatic
score in both gradebooks, and prints the times and the speed ratio (and, for
reference, the ratio against stock autograde + generate_feedback).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from sarasehan.release import tool_env  # noqa: E402


def _answer_cells(nb):
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]


def build_submissions(course: Path, assignment: str, per_kind: int) -> list[str]:
    src_dir = ROOT / "solutions" / assignment
    rel_dir = ROOT / "exercises" / assignment
    students = []
    for nb_path in sorted(src_dir.glob("*.ipynb")):
        solution = nbformat.read(nb_path, as_version=4)
        release = nbformat.read(rel_dir / nb_path.name, as_version=4)
        rel_by_id = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in release.cells}
        answers = _answer_cells(solution)
        for i in range(per_kind):
            for kind in ("correct", "partial", "blank"):
                student = f"{kind}{i:02d}"
                dest = course / "submitted" / student / assignment
                dest.mkdir(parents=True, exist_ok=True)
                if kind == "blank":
                    nb = release
                else:
                    nb = nbformat.from_dict(json.loads(json.dumps(solution)))
                    if kind == "partial":
                        for k, idx in enumerate(answers):
                            if (k + i) % 3 == 0 or (k * 7 + i) % 5 == 0:
                                gid = nb.cells[idx].metadata["nbgrader"]["grade_id"]
                                nb.cells[idx].source = rel_by_id[gid].source
                    for cell in nb.cells:  # a submission has no outputs of the instructor's run
                        if cell.cell_type == "code":
                            cell.outputs, cell.execution_count = [], None
                nbformat.write(nb, dest / nb_path.name)
                if student not in students:
                    students.append(student)
    return students


def scores(db: Path, assignment: str) -> dict:
    from nbgrader.api import Gradebook

    out = {}
    with Gradebook(f"sqlite:///{db}") as gb:
        for sub in gb.find_assignment(assignment).submissions:
            for nb in sub.notebooks:
                for grade in nb.grades:
                    out[(sub.student.id, nb.name, grade.name)] = grade.auto_score
    return out


CPU: dict[str, float] = {}


def timed(cmd: list[str], cwd: Path, env: dict, label: str = "") -> tuple[float, subprocess.CompletedProcess]:
    """Wall time of ``cmd``; its CPU time (with all its descendants) goes to CPU[label]."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[label] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, proc


def grade_command() -> list[str]:
    """``python -m sarasehan grade`` when the CLI is wired, else the module entry point."""
    probe = subprocess.run([sys.executable, "-m", "sarasehan", "grade", "--help"], capture_output=True,
                           text=True, env=tool_env())
    if probe.returncode == 0 and "--out" in probe.stdout:
        return [sys.executable, "-m", "sarasehan", "grade"]
    return [sys.executable, "-m", "sarasehan.grading"]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--assignment", default="03_campaigns")
    ap.add_argument("--per-kind", type=int, default=15, help="submissions of each kind (3 kinds)")
    ap.add_argument("--workers", type=int, default=0, help="sarasehan grade --workers (default: CPU count)")
    ap.add_argument("--keep", metavar="DIR", help="keep the courses and outputs in DIR")
    ap.add_argument("--skip-feedback-reference", action="store_true",
                    help="do not also time stock generate_feedback")
    args = ap.parse_args(argv)
    a = args.assignment
    env = tool_env()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-grading-"))
    if work.exists() and args.keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    try:
        stock, ours = work / "stock", work / "ours"
        for course in (stock, ours):
            course.mkdir()
            shutil.copy(ROOT / "nbgrader_config.py", course)
            shutil.copytree(ROOT / "solutions" / a, course / "solutions" / a)
            students = build_submissions(course, a, args.per_kind)
        n = len(students)
        print(f"assignment {a}: {n} submissions ({args.per_kind} correct, {args.per_kind} partly correct, "
              f"{args.per_kind} blank); {os.cpu_count()} CPUs", flush=True)
        nbg = [sys.executable, "-m", "nbgrader"]
        setup = subprocess.run(nbg + ["generate_assignment", a, "--force", f"--CourseDirectory.root={stock}"],
                               cwd=stock, env=env, capture_output=True, text=True)
        if setup.returncode != 0:
            print(setup.stdout[-3000:], setup.stderr[-3000:])
            return 2
        t_stock, p_stock = timed(nbg + ["autograde", a, "--force", f"--CourseDirectory.root={stock}"], stock, env,
                                 "stock")
        print(f"stock nbgrader autograde (1 process):  {t_stock:7.1f} s  rc={p_stock.returncode}  "
              f"CPU {CPU['stock']:.1f} s", flush=True)
        t_fb = None
        if not args.skip_feedback_reference:
            t_fb, p_fb = timed(nbg + ["generate_feedback", a, "--force", f"--CourseDirectory.root={stock}"],
                               stock, env)
            print(f"stock nbgrader generate_feedback:      {t_fb:7.1f} s  rc={p_fb.returncode}", flush=True)
        cmd = grade_command() + [a, "--course", str(ours), "--out", str(work / "out"), "--quiet"]
        if args.workers:
            cmd += ["--workers", str(args.workers)]
        t_ours, p_ours = timed(cmd, ours, env, "ours")
        print(f"sarasehan grade (incl. feedback, png): {t_ours:7.1f} s  rc={p_ours.returncode}  "
              f"CPU {CPU['ours']:.1f} s", flush=True)
        if p_ours.returncode != 0:
            print(p_ours.stdout[-3000:], p_ours.stderr[-3000:])
            return 2
        s_stock = scores(stock / "gradebook.db", a)
        s_ours = scores(ours / "gradebook.db", a)
        diff = {k: (s_stock.get(k), s_ours.get(k)) for k in set(s_stock) | set(s_ours)
                if s_stock.get(k) != s_ours.get(k)}
        print(f"graded cells compared: {len(s_stock)} stock, {len(s_ours)} ours; differences: {len(diff)}")
        for k, v in sorted(diff.items())[:20]:
            print(f"  {k}: stock={v[0]} ours={v[1]}")
        print(f"per submission: stock {t_stock / n:.2f} s, ours {t_ours / n:.2f} s")
        print(f"SPEED RATIO (stock autograde / sarasehan grade): {t_stock / t_ours:.2f}x")
        print(f"CPU ratio (stock CPU s / ours CPU s, independent of other load): {CPU['stock'] / CPU['ours']:.2f}x")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} (other processes slow both runs)")
        if t_fb is not None:
            print(f"reference ratio (stock autograde + generate_feedback / sarasehan grade): "
                  f"{(t_stock + t_fb) / t_ours:.2f}x")
        return 0 if not diff and len(s_stock) == len(s_ours) > 0 else 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
