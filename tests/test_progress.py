"""The progress page: statuses judged from the learner's own files, which stay untouched."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from matplotlib.figure import Figure

import sarasehan
from sarasehan import i18n, progress
from sarasehan.authoring import build_lesson
from sarasehan.manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent
READY = [m for m in load_manifest().modules if m.ready]
ASSIGNMENTS = [m.assignment for m in READY if m.assignment]
MINUTES = sum(m.minutes for m in READY)
SOLUTION_MARK = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def _questions(assignment: str) -> list[str]:
    return progress.load_graded_notebook(ROOT / "exercises" / assignment / f"{assignment}.ipynb").question_ids


def _copy_exercise(work: Path, assignment: str, answered: list[str] | None = None) -> Path:
    """The learner's copy of an assignment, with ``answered`` questions filled in from the solution."""
    target = work / "exercises" / assignment / f"{assignment}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "exercises" / assignment / f"{assignment}.ipynb", target)
    if answered:
        solution = json.loads((ROOT / "solutions" / assignment / f"{assignment}.ipynb").read_text(encoding="utf-8"))
        by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in solution["cells"]}
        nb = json.loads(target.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
            if gid in answered:
                cell["source"] = SOLUTION_MARK.sub("", "".join(by_id[gid]["source"]))
        target.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return target


def _state(home: Path) -> Path:
    state = home / "learners" / "tester"
    state.mkdir(parents=True, exist_ok=True)
    return state


def _record(state: Path, assignment: str, results: dict[str, bool]) -> None:
    path = state / "checks.json"
    data = json.loads(path.read_text()) if path.exists() else {"version": 1, "assignments": {}}
    for qid, passed in results.items():
        data["assignments"].setdefault(assignment, {})[qid] = {
            "passed": passed, "checked_at": "2025-07-01T10:00:00", "notebook_sha256": "0" * 64,
            "notebook": f"{assignment}.ipynb"}
    path.write_text(json.dumps(data), encoding="utf-8")


def _fingerprint(*folders: Path) -> dict:
    out = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            rel = str(path.relative_to(folder.parent))
            if path.is_dir():
                out[rel] = "dir"
            else:
                st = path.stat()
                out[rel] = (hashlib.sha256(path.read_bytes()).hexdigest(), st.st_mtime_ns, st.st_size)
    return out


def _statuses(work: Path) -> dict[str, str]:
    return {p.number: p.status for p in progress.module_progress(work)}


@pytest.fixture
def empty(tmp_path, learner_home):
    work = tmp_path / "work-empty"
    for a in ASSIGNMENTS:
        _copy_exercise(work, a)
    return work


@pytest.fixture
def half(tmp_path, learner_home):
    """Placement saved; 01 fully passing; 02 partly answered and checked; 03 lesson only; the rest untouched."""
    work = tmp_path / "work-half"
    state = _state(learner_home)
    (state / "placement.json").write_text(json.dumps({"track": "B", "score": 9}), encoding="utf-8")
    q01, q02 = _questions("01_roles_and_benefits"), _questions("02_social_movements")
    _copy_exercise(work, "01_roles_and_benefits", q01)
    _copy_exercise(work, "02_social_movements", q02[:2])
    for a in ASSIGNMENTS[2:]:
        _copy_exercise(work, a)
    _record(state, "01_roles_and_benefits", {q: True for q in q01})
    _record(state, "02_social_movements", {q02[0]: True, q02[1]: False})
    (state / "discussions").mkdir()
    (state / "discussions" / "m03_kpi_targets.json").write_text(json.dumps(
        {"card": "m03_kpi_targets", "entries": [{"group": "1", "answer": "x", "saved_at": "2025-07-01"}]}))
    (state / "answers").mkdir()
    (state / "answers" / "m04_post_review.json").write_text(json.dumps({"answers": {}}))  # opened, nothing saved
    return work


@pytest.fixture
def complete(tmp_path, learner_home):
    work = tmp_path / "work-complete"
    state = _state(learner_home)
    (state / "placement.json").write_text(json.dumps({"track": "A"}), encoding="utf-8")
    for a in ASSIGNMENTS:
        qs = _questions(a)
        _copy_exercise(work, a, qs)
        _record(state, a, {q: True for q in qs})
    return work


def test_empty_learner_has_not_started_anything(empty, learner_home):
    records = progress.module_progress(empty)
    assert [p.number for p in records] == [m.number for m in READY]
    assert {p.status for p in records} == {"not_started"}
    assert all(p.answered == 0 and p.passing == 0 for p in records)
    assert all(p.questions == len(_questions(p.assignment)) >= 4 for p in records if p.assignment)
    assert sum(p.minutes_left for p in records) == MINUTES


def test_half_done_learner(half, learner_home):
    records = {p.number: p for p in progress.module_progress(half)}
    expected = {m.number: "not_started" for m in READY}
    expected.update({"00": "passing", "01": "passing", "02": "in_progress", "03": "in_progress"})
    assert {n: p.status for n, p in records.items()} == expected
    assert records["00"].lesson_status == "done" and records["00"].minutes_left == 0
    assert records["01"].minutes_left == 0
    p02 = records["02"]
    assert (p02.answered, p02.questions, p02.passing) == (2, len(_questions("02_social_movements")), 1)
    assert 0 < p02.minutes_left < 90
    assert records["03"].lesson_status == "in_progress" and records["03"].answered == 0
    assert records["04"].lesson_status == "not_started"  # an empty answers file is no activity
    assert records["04"].minutes_left == 90


def test_complete_learner_passes_everything(complete, learner_home):
    records = progress.module_progress(complete)
    assert {p.status for p in records} == {"passing"}
    assert sum(p.minutes_left for p in records) == 0
    assert all(p.answered == p.questions == p.passing == len(_questions(p.assignment))
               for p in records if p.assignment)


def test_nothing_on_disk_changes(half, learner_home):
    state = _state(learner_home)
    (state / "answers" / "m01_function_quiz.json").write_text('{"answers": {"p01": ')  # corrupt: must stay as is
    (state / "checks.json").write_text((state / "checks.json").read_text())
    before = _fingerprint(half, learner_home)
    table = progress.progress_table(half)
    progress.progress_plot(table)
    progress.module_progress(half)
    assert _fingerprint(half, learner_home) == before


def test_corrupt_checks_json_is_read_as_no_checks_and_left_alone(complete, learner_home):
    path = _state(learner_home) / "checks.json"
    path.write_text('{"assignments": {"01_ro')
    before = _fingerprint(learner_home)
    assert {p.status for p in progress.module_progress(complete) if p.assignment} == {"in_progress"}
    assert _fingerprint(learner_home) == before


def test_passing_checks_with_an_unsaved_notebook_are_not_passing(tmp_path, learner_home):
    work = tmp_path / "work"
    for a in ASSIGNMENTS:
        _copy_exercise(work, a)
    qs = _questions("01_roles_and_benefits")
    _record(_state(learner_home), "01_roles_and_benefits", {q: True for q in qs})
    i18n.set_language("en")
    p01 = progress.module_progress(work)[1]
    assert p01.status == "in_progress" and p01.passing == len(qs) and p01.answered == 0
    table = progress.progress_table(work)
    assert "not saved" in table.loc["01", "Graded task"]


def test_real_checks_feed_the_page(tmp_path, learner_home):
    """sh.check on the learner's own copy records verdicts that the page counts."""
    from sarasehan.selfcheck import check

    from test_selfcheck import _namespace

    work = tmp_path / "work"
    qs = _questions("01_roles_and_benefits")
    mine = _copy_exercise(work, "01_roles_and_benefits", qs)
    ns = _namespace(ROOT / "solutions" / "01_roles_and_benefits" / "01_roles_and_benefits.ipynb")
    for q in qs[:3]:
        assert check(q, mine, namespace=ns).passed
    p01 = progress.module_progress(work)[1]
    assert (p01.status, p01.answered, p01.passing) == ("in_progress", len(qs), 3)
    for q in qs[3:]:
        check(q, mine, namespace=ns)
    assert progress.module_progress(work)[1].status == "passing"


def test_missing_and_broken_notebooks_are_reported_not_fatal(tmp_path, learner_home):
    work = tmp_path / "work"
    broken = _copy_exercise(work, "02_social_movements")
    broken.write_text(broken.read_text()[:500])
    i18n.set_language("en")
    records = {p.number: p for p in progress.module_progress(work)}
    assert records["01"].notebook is None and "not in" in records["01"].problem
    assert records["01"].questions == len(_questions("01_roles_and_benefits"))  # from the course's release
    assert records["02"].problem and "damaged" in records["02"].problem
    assert records["02"].questions == len(_questions("02_social_movements"))
    table = progress.progress_table(work)
    assert "damaged" in table.loc["02", "Graded task"]


def test_work_folder_from_the_environment_and_flat_layout(tmp_path, learner_home, monkeypatch):
    work = tmp_path / "assignments"
    src = ROOT / "exercises" / "01_roles_and_benefits"
    shutil.copytree(src, work / "01_roles_and_benefits")  # nbgrader's fetched layout: <work>/<assignment>/
    nb = work / "01_roles_and_benefits" / "01_roles_and_benefits.ipynb"
    data = json.loads(nb.read_text())
    for cell in data["cells"]:
        if cell["metadata"].get("nbgrader", {}).get("grade_id") == "q1_growth":
            cell["source"] = "growth = 1"
    nb.write_text(json.dumps(data))
    monkeypatch.setenv("SARASEHAN_WORK", str(work))
    p01 = progress.module_progress()[1]
    assert p01.notebook == nb and p01.answered == 1 and p01.status == "in_progress"


@pytest.mark.parametrize("lang,columns,passing", [
    ("id", ["Judul", "Status", "Pelajaran", "Tugas yang dinilai", "% selesai", "Sisa menit"], "Lulus pemeriksaan"),
    ("en", ["Title", "Status", "Lesson", "Graded task", "% done", "Minutes left"], "Passing"),
])
def test_table_speaks_the_learners_language(half, lang, columns, passing):
    i18n.set_language(lang)
    table = progress.progress_table(half)
    assert list(table.columns) == columns
    assert table.index.name == ("Modul" if lang == "id" else "Module")
    assert list(table.index) == [m.number for m in READY]
    assert table.iloc[1]["Status"] == passing
    task = table.loc["02", columns[3]]
    n = len(_questions("02_social_movements"))
    assert task == (f"2 dari {n} soal dijawab, 1 pemeriksaan lulus" if lang == "id"
                    else f"2 of {n} questions answered, 1 checks passing")
    assert table.attrs["track"] == "B"
    assert table.attrs["statuses"][:3] == ["passing", "passing", "in_progress"]
    assert table.attrs["minutes_left"] == int(table[columns[-1]].sum())
    titles = {m.number: m.title[lang] for m in READY}
    assert table[columns[0]].to_dict() == titles


def test_plot_is_a_figure_with_one_bar_per_module(half):
    i18n.set_language("en")
    fig = progress.progress_plot(progress.progress_table(half))
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * len(READY)  # background + progress bars
    assert "track B" in ax.get_title()
    assert len(ax.get_yticklabels()) == len(READY)


def test_plot_without_a_table_builds_one(empty, monkeypatch):
    monkeypatch.setenv("SARASEHAN_WORK", str(empty))
    assert isinstance(progress.progress_plot(), Figure)


def test_progress_lesson_source_builds_with_identical_code(monkeypatch, tmp_path, learner_home):
    books = build_lesson(ROOT / "authoring" / "lessons" / "98_progress.yml")
    code = {lang: [c.source for c in nb.cells if c.cell_type == "code"] for lang, nb in books.items()}
    assert code["id"] == code["en"] == [
        "import sarasehan as sh\nsh.setup_notebook()", "sh.my_track()", "sh.progress_table()", "sh.progress_plot()"]
    # the cells run once the integrator registers the names (simulated here)
    monkeypatch.setattr(sarasehan, "progress_table", progress.progress_table, raising=False)
    monkeypatch.setattr(sarasehan, "progress_plot", progress.progress_plot, raising=False)
    ns: dict = {}
    for source in code["en"]:
        exec(source, ns)  # noqa: S102
    assert isinstance(ns["sh"].progress_plot(), Figure)


def test_a_saved_plan_marks_module_05_in_progress(empty, learner_home):
    plan = _state(learner_home) / "plans" / "siaga-banjir" / "plan.json"
    plan.parent.mkdir(parents=True)
    plan.write_text("{}")
    assert progress.lesson_activity(_state(learner_home)) == {"05": True}
