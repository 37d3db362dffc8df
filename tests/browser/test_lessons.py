"""Every ready lesson and tool of the manifest, in both languages, in a real browser:
Run All Cells, no errors, every widget rendered, every exercise widget used as a learner would."""

from __future__ import annotations

import pytest

from sarasehan.manifest import load_manifest

from . import exercises
from .harness import ROOT, expected_widgets

pytestmark = pytest.mark.browser

MANIFEST = load_manifest(ROOT / "course" / "course.yml")
NOTEBOOKS = [f"course/{lang}/{m.lesson}" for m in (*MANIFEST.modules, *MANIFEST.tools) if m.ready
             for lang in MANIFEST.course["languages"]]


def test_every_ready_lesson_and_exercise_widget_is_covered():
    assert len(NOTEBOOKS) >= 14 and all((ROOT / nb).exists() for nb in NOTEBOOKS)
    shown = {css for nb in NOTEBOOKS for css in expected_widgets(ROOT / nb)}
    assert set(exercises.EXERCISES) <= shown, f"not in any ready lesson: {set(exercises.EXERCISES) - shown}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda nb: nb.removeprefix("course/").removesuffix(".ipynb"))
def test_lesson_runs_and_its_widgets_work(lab, notebook):
    lang = notebook.split("/")[1]
    expected = expected_widgets(ROOT / notebook)
    lab.open(notebook)
    lab.run_all()

    shown = lab.wait_for_widgets(len(expected))
    problems = lab.output_problems()
    assert not problems, "errors in the outputs:\n" + "\n".join(problems)
    assert len(shown) == len(expected), f"{len(expected)} widgets expected, {len(shown)} shown: {shown}"
    for want, classes in zip(expected, shown):
        assert want in classes.split(), f"expected a {want} widget, the page shows {classes}"

    used = [css for css in expected if css in exercises.EXERCISES]
    for css in dict.fromkeys(used):
        exercises.EXERCISES[css](lab, lang)
    assert not lab.output_problems(), lab.output_problems()
    assert not lab.page_errors, "JavaScript errors on the page:\n" + "\n".join(lab.page_errors)
