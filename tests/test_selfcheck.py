"""sh.check: visible tests run in the learner's namespace; verdicts and hints, never the answer."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from sarasehan import i18n, selfcheck
from sarasehan.checks import _norm
from sarasehan.selfcheck import SelfCheckError, check, load_graded_notebook

ROOT = Path(__file__).resolve().parent.parent
A01 = "01_roles_and_benefits"
SOLUTION = ROOT / "solutions" / A01 / f"{A01}.ipynb"
EXERCISE = ROOT / "exercises" / A01 / f"{A01}.ipynb"
Q01 = ["q1_growth", "q2_gap_2024", "q3_posts_per_function", "q4_err_by_platform", "q5_reply_rate"]


def _namespace(path: Path) -> dict:
    """Run the setup and answer cells (not the tests), as a learner's kernel would have them."""
    ns: dict = {}
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        grading = cell["metadata"].get("nbgrader", {})
        if cell["cell_type"] != "code" or grading.get("grade"):
            continue
        try:
            exec("".join(cell["source"]), ns)  # noqa: S102
        except NotImplementedError:  # the exercise's blank answer cells
            pass
    return ns


@pytest.fixture(scope="module")
def solved():
    return _namespace(SOLUTION)


@pytest.fixture(scope="module")
def blank():
    return _namespace(EXERCISE)


def _forbidden(ns: dict) -> list[str]:
    """Texts that would give the answer away: expected values, the digest's preimage, the digest."""
    growth = ns["growth"]
    preimage = json.dumps(_norm(growth, 1), separators=(",", ":"))
    return ["13.0", "14.5", "25.0", preimage, "6a184b74909eb887", "Traceback"]


def _all_text(verdict) -> str:
    return str(verdict) + verdict._repr_html_()


def test_visible_tests_are_found_and_hidden_ones_never_run():
    nb = load_graded_notebook(SOLUTION)
    assert nb.question_ids == Q01
    assert nb.assignment == A01
    for q in nb.questions.values():
        assert [gid for gid, _ in q.tests] == [f"{q.id}_visible"]
        assert all("HIDDEN" not in src for _, src in q.tests)
    assert load_graded_notebook(EXERCISE).question_ids == Q01


@pytest.mark.parametrize("lang,word", [("id", "lolos"), ("en", "passes")])
def test_check_passes_on_the_solution(solved, lang, word):
    i18n.set_language(lang)
    for qid in Q01:
        verdict = check(qid, SOLUTION, namespace=dict(solved))
        assert verdict.passed and bool(verdict), str(verdict)
        assert word in verdict.message and qid in verdict.message
        assert not any(bad in _all_text(verdict) for bad in _forbidden(solved))


@pytest.mark.parametrize("lang,word", [("id", "belum dijawab"), ("en", "not answered")])
def test_check_fails_with_a_hint_on_the_blank_exercise(solved, blank, lang, word):
    i18n.set_language(lang)
    for qid in Q01:
        verdict = check(qid, EXERCISE, namespace=dict(blank))
        assert not verdict.passed
        assert word in verdict.message
        assert "NotImplementedError()" in verdict.hint  # what to do next
        assert not any(bad in _all_text(verdict) for bad in _forbidden(solved))


def test_wrong_answers_get_step_by_step_hints_without_the_expected_value(solved):
    i18n.set_language("en")
    growth = solved["growth"]
    cases = {
        "values": growth * 1.5,                # right shape, wrong values
        "length": growth.iloc[:-1],            # one row short
        "type": growth.to_list(),              # a list, not a Series
        "order": growth.sort_index(ascending=False),
    }
    expected_fragment = {"values": "values are not right", "length": "should have", "type": "should be a",
                         "order": "wrong order"}
    for case, value in cases.items():
        verdict = check("q1_growth", SOLUTION, namespace={**solved, "growth": value})
        assert not verdict.passed, case
        assert expected_fragment[case] in verdict.detail, (case, str(verdict))
        assert verdict.hint
        assert not any(bad in _all_text(verdict) for bad in _forbidden(solved)), (case, str(verdict))


def test_missing_setup_after_a_kernel_restart_is_explained():
    i18n.set_language("en")
    verdict = check("q1_growth", SOLUTION, namespace={})
    assert not verdict.passed and "sh" in verdict.detail and "Run All Above" in verdict.hint


def test_unanswered_function_question_is_not_answered(tmp_path):
    """Module 04 asks for a function; the blank one raises NotImplementedError when the test calls it."""
    nb = ROOT / "exercises" / "04_guidelines" / "04_guidelines.ipynb"
    ns = _namespace(nb)
    i18n.set_language("en")
    verdict = check("q2_review_post", nb, namespace=ns)
    assert not verdict.passed and "not answered" in verdict.message


def _tiny_notebook(folder: Path, test_source: str, name: str = "tiny.ipynb") -> Path:
    nb = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"sarasehan": {"assignment": "tiny"}}, "cells": [
        {"cell_type": "code", "source": "import pandas as pd", "metadata": {}, "outputs": []},
        {"cell_type": "code", "source": "answer = ...", "metadata": {"nbgrader": {"grade_id": "q1_answer",
                                                                               "solution": True}}},
        {"cell_type": "code", "source": test_source,
         "metadata": {"nbgrader": {"grade_id": "q1_answer_visible", "grade": True, "points": 1}}},
        {"cell_type": "code", "source": "assert answer == 99.5",
         "metadata": {"nbgrader": {"grade_id": "q1_answer_hidden", "grade": True, "points": 3}}},
    ]}
    path = folder / name
    path.write_text(json.dumps(nb), encoding="utf-8")
    return path


@pytest.mark.parametrize("test_source,answer,shown,hidden", [
    # pandas' own message would print the expected Series
    ("pd.testing.assert_series_equal(answer, pd.Series([25.0, 13.0]))", "pd.Series([1.0, 2.0])", None, "13.0"),
    # a KeyError naming a literal of the test
    ("assert answer['best_platform'] == 'Facebook'", "{}", "KeyError", "best_platform"),
    # a plain assert with no message
    ("assert round(answer, 1) == 13.0", "12.0", None, "13.0"),
    # the author's hint is shown ...
    ("assert isinstance(answer, set), 'return a set'", "[]", "return a set", None),
    # ... unless it holds a number of the test
    ("assert answer > 13.0, 'answer must be above 13.0'", "1.0", None, "13.0"),
    # an error of the learner's own code that echoes nothing of the test is shown with its type
    ("answer(1)", "lambda x: int('x')", "ValueError", None),
])
def test_messages_that_would_echo_a_test_literal_are_scrubbed(tmp_path, test_source, answer, shown, hidden):
    i18n.set_language("en")
    path = _tiny_notebook(tmp_path, test_source)
    import pandas as pd

    ns = {"pd": pd, "answer": eval(answer, {"pd": pd})}  # noqa: S307
    verdict = check("q1_answer", path, namespace=ns)
    text = _all_text(verdict)
    assert not verdict.passed and "Traceback" not in text and "99.5" not in text
    if shown:
        assert shown in text
    if hidden:
        assert hidden not in text, text


def test_printed_output_of_the_test_is_not_shown(tmp_path, capsys):
    path = _tiny_notebook(tmp_path, "print('expected is 13.0')\nassert answer == 1")
    verdict = check("q1_answer", path, namespace={"answer": 1})
    assert verdict.passed
    assert "13.0" not in capsys.readouterr().out + str(verdict)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_unknown_question_lists_the_valid_ones(lang):
    i18n.set_language(lang)
    with pytest.raises(SelfCheckError) as err:
        check("q9_nothing", EXERCISE, namespace={})
    message = str(err.value)
    assert "q9_nothing" in message and f"{A01}.ipynb" in message
    assert all(q in message for q in Q01)


def test_short_and_visible_ids_are_accepted(solved):
    assert check("q1", SOLUTION, namespace=dict(solved)).question == "q1_growth"
    assert check("q2_gap_2024_visible", SOLUTION, namespace=dict(solved)).question == "q2_gap_2024"
    with pytest.raises(SelfCheckError):
        check("q1_growth_hidden", SOLUTION, namespace=dict(solved))


@pytest.mark.parametrize("lang,word", [("id", "rusak"), ("en", "damaged")])
def test_broken_notebook_is_named_with_a_way_to_recover(tmp_path, monkeypatch, lang, word):
    i18n.set_language(lang)
    broken = tmp_path / f"{A01}.ipynb"
    text = EXERCISE.read_text(encoding="utf-8")
    broken.write_text(text[: len(text) // 2], encoding="utf-8")  # cut off mid-save
    before = broken.read_bytes()
    with pytest.raises(SelfCheckError) as err:
        check("q1_growth", broken, namespace={})
    message = str(err.value)
    assert word in message and broken.name in message
    assert "Revert Notebook to Checkpoint" in message and ".ipynb_checkpoints" in message
    assert broken.read_bytes() == before  # nothing touched
    # found through the working folder too
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SelfCheckError, match="Checkpoint"):
        check("q1_growth", namespace={})


def test_checks_are_recorded_in_checks_json(solved, learner_home):
    check("q1_growth", SOLUTION, namespace=dict(solved))
    check("q2_gap_2024", SOLUTION, namespace={**solved, "gap_2024": 2.0})
    path = learner_home / "learners" / "tester" / "checks.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    records = data["assignments"][A01]
    assert records["q1_growth"]["passed"] is True and records["q2_gap_2024"]["passed"] is False
    sha = hashlib.sha256(SOLUTION.read_bytes()).hexdigest()
    for rec in records.values():
        assert rec["notebook_sha256"] == sha and rec["checked_at"][:2] == "20" and rec["notebook"] == SOLUTION.name
    # the latest verdict replaces the previous one
    check("q2_gap_2024", SOLUTION, namespace=dict(solved))
    assert json.loads(path.read_text())["assignments"][A01]["q2_gap_2024"]["passed"] is True
    assert sorted(p.name for p in path.parent.iterdir()) == ["checks.json"]  # no temp files left


def test_checks_json_is_written_atomically(solved, learner_home, monkeypatch):
    check("q1_growth", SOLUTION, namespace=dict(solved))
    path = learner_home / "learners" / "tester" / "checks.json"
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    i18n.set_language("en")
    verdict = check("q2_gap_2024", SOLUTION, namespace=dict(solved))
    assert verdict.passed  # the check itself still stands
    assert any("could not be recorded" in n for n in verdict.notes)
    assert path.read_bytes() == before  # the old file is intact
    assert sorted(p.name for p in path.parent.iterdir()) == ["checks.json"]


def test_record_false_writes_nothing(solved, learner_home):
    check("q1_growth", SOLUTION, namespace=dict(solved), record=False)
    assert not (learner_home / "learners" / "tester" / "checks.json").exists()


def test_corrupt_checks_json_is_backed_up_and_the_check_still_recorded(solved, learner_home):
    folder = learner_home / "learners" / "tester"
    folder.mkdir(parents=True)
    (folder / "checks.json").write_text('{"assignments": {', encoding="utf-8")
    verdict = check("q1_growth", SOLUTION, namespace=dict(solved))
    assert verdict.passed and verdict.notes  # told about the reset
    assert json.loads((folder / "checks.json").read_text())["assignments"][A01]["q1_growth"]["passed"]
    assert any(p.name.startswith("checks.json.corrupt-") for p in folder.iterdir())


def test_notebook_is_found_from_the_session_variable_and_the_folder(solved, tmp_path, monkeypatch):
    work = tmp_path / "work"
    work.mkdir()
    mine = work / f"{A01}.ipynb"
    shutil.copy(SOLUTION, mine)
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(other)
    monkeypatch.setenv("JPY_SESSION_NAME", str(mine))  # absolute, as jupyter_server sets it
    assert check("q1_growth", namespace=dict(solved)).notebook == mine.name
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JPY_SESSION_NAME", f"work/{A01}.ipynb")  # relative to the server root
    assert check("q1_growth", namespace=dict(solved)).passed
    # a stale session name (renamed notebook) falls back to the folder
    monkeypatch.setenv("JPY_SESSION_NAME", str(work / "renamed-away.ipynb"))
    monkeypatch.chdir(work)
    assert check("q1_growth", namespace=dict(solved)).passed
    # several notebooks: the one that has the question
    monkeypatch.delenv("JPY_SESSION_NAME")
    (work / "notes.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {},
                                                  "cells": []}), encoding="utf-8")
    assert check("q1_growth", namespace=dict(solved)).notebook == mine.name
    shutil.copy(SOLUTION, work / "copy.ipynb")
    with pytest.raises(SelfCheckError, match="notebook="):
        check("q1_growth", namespace=dict(solved))
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    with pytest.raises(SelfCheckError):
        check("q1_growth", namespace=dict(solved))


def test_parsed_notebook_is_cached_by_mtime_and_a_check_is_fast(solved, tmp_path):
    path = tmp_path / f"{A01}.ipynb"
    shutil.copy(SOLUTION, path)
    first = load_graded_notebook(path)
    assert load_graded_notebook(path) is first
    start = time.perf_counter()
    for _ in range(5):
        check("q1_growth", path, namespace=dict(solved))
    assert (time.perf_counter() - start) / 5 < 0.5
    data = json.loads(path.read_text(encoding="utf-8"))
    data["cells"] = [c for c in data["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") != "q5_reply_rate"]
    path.write_text(json.dumps(data), encoding="utf-8")
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10_000_000))
    again = load_graded_notebook(path)
    assert again is not first and again.sha256 != first.sha256


def test_outside_ipython_the_callers_globals_are_used(solved):
    """A plain Python caller: the answer is looked up in the caller's module globals."""
    code = ("from sarasehan.selfcheck import check\n"
            f"verdict = check('q2_gap_2024', {str(SOLUTION)!r}, record=False)\n")
    scope = {"sh": solved["sh"], "gap_2024": solved["gap_2024"]}
    exec(code, scope)  # noqa: S102
    assert scope["verdict"].passed


def test_check_button_shows_the_verdict(solved):
    from sarasehan.widgets.check_button import CheckButtonWidget, check_button

    i18n.set_language("en")
    button = CheckButtonWidget("q1_growth", SOLUTION, namespace=dict(solved))
    assert "q1_growth" in button.button.description
    verdict = button.run()
    assert verdict.passed and "✓" in button.result.value
    wrong = CheckButtonWidget("q1_growth", SOLUTION, namespace={**solved, "growth": solved["growth"] * 2})
    assert not wrong.run().passed and "not passing" in wrong.result.value
    unknown = CheckButtonWidget("q42", SOLUTION, namespace={})
    assert unknown.run() is None and "q1_growth" in unknown.result.value
    assert check_button("q1_growth", SOLUTION).question_id == "q1_growth"


@pytest.mark.slow
def test_in_a_real_kernel_check_uses_the_notebook_variables(tmp_path):
    """End to end: a kernel runs the learner's cells, then sh.check finds the notebook and its variables."""
    import nbformat
    from nbclient import NotebookClient

    from conftest import env_for_notebooks

    results = {}
    for kind, source in (("solution", SOLUTION), ("exercise", EXERCISE)):
        folder = tmp_path / kind
        folder.mkdir()
        path = folder / f"{A01}.ipynb"
        shutil.copy(source, path)
        nb = nbformat.read(path, as_version=4)
        nb.cells = [c for c in nb.cells if not c.metadata.get("nbgrader", {}).get("grade")]
        nb.cells.append(nbformat.v4.new_code_cell(
            "from sarasehan.selfcheck import check\ncheck('q1_growth')"))
        env = env_for_notebooks(tmp_path / "home")
        env["JPY_SESSION_NAME"] = str(path)
        old = dict(os.environ)
        os.environ.update(env)
        try:
            NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                           resources={"metadata": {"path": str(folder)}}).execute()
        finally:
            os.environ.clear()
            os.environ.update(old)
        outputs = nb.cells[-1].outputs
        assert not [o for o in outputs if o.output_type == "error"], outputs
        results[kind] = "".join(o.get("data", {}).get("text/plain", "") + o.get("text", "") for o in outputs)
    assert "✓ q1_growth" in results["solution"]
    assert "belum dijawab" in results["exercise"] and "13.0" not in results["exercise"]
    checks = json.loads((tmp_path / "home" / "learners" / "tester" / "checks.json").read_text())
    assert checks["assignments"][A01]["q1_growth"]["passed"] is False  # the exercise ran last


def test_doctests():
    import doctest

    result = doctest.testmod(selfcheck, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
