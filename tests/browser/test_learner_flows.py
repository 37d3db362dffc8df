"""Two things a learner relies on, in the browser: nbgrader's Validate button, and answers
saved through a widget surviving a kernel restart."""

from __future__ import annotations

import pytest

from . import exercises
from .harness import PANEL

pytestmark = pytest.mark.browser

FIRST_EXECUTION_COUNT = """() => window.jupyterapp.shell.currentWidget.content.widgets
    .find(c => c.model.type === 'code').model.executionCount"""


def validate(lab) -> str:
    """Click Validate in the notebook toolbar; return the results dialog's class list and text."""
    lab.page.locator(f"{PANEL} .jp-Toolbar .validate-button").click()
    dialog = lab.page.locator(".jp-Dialog")
    dialog.get_by_text("Validation Results").wait_for(timeout=120_000)
    body = dialog.locator(".validation-success, .validation-failed")
    body.wait_for(timeout=120_000)
    result = body.get_attribute("class") + "\n" + body.inner_text()
    dialog.locator(".jp-mod-accept, .jp-Dialog-button").first.click()
    dialog.wait_for(state="detached")
    return result


def test_validate_button_passes_a_solution_and_fails_an_unanswered_release(lab):
    lab.open("solutions/01_roles_and_benefits/01_roles_and_benefits.ipynb")
    result = validate(lab)
    assert "validation-success" in result and "Success! Your notebook passes all the tests." in result, result

    lab.open("exercises/01_roles_and_benefits/01_roles_and_benefits.ipynb")
    result = validate(lab)
    assert "validation-failed" in result, result


def test_answers_saved_in_widgets_survive_a_kernel_restart(lab):
    lab.open("course/id/01_roles_and_benefits.ipynb")
    lab.run_all()
    lab.wait_for_widgets(2)
    exercises.function_quiz(lab, "id")
    choice = lab.widget("sarasehan-quiz-choice").first.locator("select").evaluate("el => el.value")
    feedback = lab.text("sarasehan-quiz-feedback")
    answer = exercises.discussion_card(lab, "id")

    lab.restart_kernel()
    lab.run_all()
    assert lab.page.evaluate(FIRST_EXECUTION_COUNT) == 1, "the kernel did not restart"
    lab.wait_for_widgets(2)
    card = lab.widget("sarasehan-discussion")
    card.get_by_text(answer).wait_for()
    assert lab.widget("sarasehan-quiz-choice").first.locator("select").evaluate("el => el.value") == choice
    assert lab.text("sarasehan-quiz-feedback") == feedback
