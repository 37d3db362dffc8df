"""Use each course widget in the page as a learner would, and check what the page shows.

Each function takes a :class:`harness.LabPage` showing a notebook whose cells have
run, and the notebook's language. They only click, tick, choose and type; they
never call Python in the kernel. The texts they wait for come from the message
catalog, so they follow the language of the notebook.

Saved answers persist across notebooks (one learner for the whole session), so
each step first reads what the widget shows and then changes it, and waits for
the page to show something *different* that also says the expected thing.
"""

from __future__ import annotations

import time

from sarasehan.i18n import catalog

from .harness import LabPage


def prefix(key: str, lang: str) -> str:
    """The message text before its first placeholder, e.g. 'Saved to ' for common.saved."""
    return catalog()[key][lang].split("{")[0]


def after(key: str, lang: str) -> str:
    """The message text after its last placeholder, e.g. ' groups formed.'."""
    return catalog()[key][lang].rsplit("}", 1)[-1]


def unique(label: str) -> str:
    return f"{label} {time.strftime('%H%M%S')}-{time.monotonic_ns() % 100000}"


def choose_other_option(select, skip_first: bool = True) -> str:
    """Choose an option of a <select> other than the current one; return its label."""
    current = select.evaluate("el => el.value")
    options = select.evaluate("el => [...el.options].map(o => o.value)")
    candidates = [o for o in options[1 if skip_first else 0:] if o != current]
    assert candidates, f"no other option to choose in {options}"
    select.select_option(value=candidates[0])
    return candidates[0]


# -- Module 00 -------------------------------------------------------------------------------
def placement_quiz(lab: LabPage, lang: str) -> None:
    quiz = lab.widget("sarasehan-placement")
    before = quiz.inner_text()
    questions = lab.widget("sarasehan-placement-q")
    assert questions.count() >= 3
    for i in range(questions.count()):
        questions.nth(i).locator("input[type=radio]").first.check()
    lab.widget("sarasehan-placement-save").click()
    lab.page.wait_for_function(
        "([sel, before, want]) => { const el = document.querySelector(sel); const s = el && el.innerText;"
        " return s && s !== before && s.includes(want); }",
        arg=[".jp-NotebookPanel:not(.lm-mod-hidden) .sarasehan-placement", before,
             prefix("placement.your_track", lang)])


# -- Module 01 -------------------------------------------------------------------------------
def function_quiz(lab: LabPage, lang: str) -> None:
    select = lab.widget("sarasehan-quiz-choice").first.locator("select")
    before = lab.text("sarasehan-quiz-feedback")
    choose_other_option(select)
    lab.widget("sarasehan-quiz-check").first.click()
    lab.wait_text_change("sarasehan-quiz-feedback", before)
    feedback = lab.widget("sarasehan-quiz-feedback").first
    assert feedback.locator(".sarasehan-ok, .sarasehan-bad").count() == 1, feedback.inner_html()


def discussion_card(lab: LabPage, lang: str) -> str:
    card = lab.widget("sarasehan-discussion").last
    answer = unique("Jawaban uji peramban" if lang == "id" else "Browser test answer")
    card.locator(".widget-text input").fill("Kelompok 1" if lang == "id" else "Group 1")
    lab.widget("sarasehan-discussion-answer").last.locator("textarea").fill(answer)
    lab.widget("sarasehan-discussion-save").last.click()
    saved = card.locator(".sarasehan-ok")
    saved.wait_for()
    assert saved.inner_text().startswith(prefix("common.saved", lang)), saved.inner_text()
    assert ("Tersimpan" if lang == "id" else "Saved") in saved.inner_text()
    card.get_by_text(answer).wait_for()
    return answer


# -- Module 02 -------------------------------------------------------------------------------
def message_composer(lab: LabPage, lang: str) -> None:
    before = lab.text("sarasehan-composer-count")
    text = ("Ayo donor darah di Markas PMI Sabtu ini! #DonorDarah" if lang == "id"
            else "Give blood at the PMI branch this Saturday! #DonorDarah") + " " + unique("x")
    lab.widget("sarasehan-composer-text").locator("textarea").fill(text)
    now = lab.wait_text_change("sarasehan-composer-count", before)
    assert now.strip().startswith(f"{len(text)} /"), (now, len(text))


# -- Module 03 -------------------------------------------------------------------------------
def kpi_explorer(lab: LabPage, lang: str) -> None:
    before = lab.text("sarasehan-kpi-summary")
    platform = lab.widget("sarasehan-kpi-explorer").locator("select").first
    choose_other_option(platform, skip_first=False)
    assert lab.text("sarasehan-kpi-summary") == before, "the summary changed before Apply was clicked"
    lab.widget("sarasehan-kpi-apply").click()
    now = lab.wait_text_change("sarasehan-kpi-summary", before)
    between = catalog()["kpi.summary"][lang].split("}")[1].split("{")[0]  # " posts; pooled ER "
    assert between in now, now
    assert lab.widget("sarasehan-kpi-explorer").locator("img").count() >= 1  # the chart


# -- Module 04 -------------------------------------------------------------------------------
def post_reviewer(lab: LabPage, lang: str) -> None:
    card = lab.widget("sarasehan-review-card").first
    before = lab.text("sarasehan-review-feedback")
    first_issue = card.locator(".sarasehan-review-issue input").first
    if first_issue.is_checked():
        card.locator(".sarasehan-review-no-issue input").check()
    else:
        first_issue.check()
    card.locator(".sarasehan-review-check").click()
    lab.wait_text_change("sarasehan-review-feedback", before)
    assert card.locator(".sarasehan-review-feedback .sarasehan-ok, .sarasehan-review-feedback .sarasehan-bad").count() >= 1


# -- Module 05 (plan builder) ----------------------------------------------------------------
def plan_builder(lab: LabPage, lang: str) -> None:
    builder = lab.widget("sarasehan-plan-builder")
    before = lab.text("sarasehan-plan-status")
    builder.locator(".widget-text input").first.fill(unique("Rencana uji" if lang == "id" else "Test plan"))
    lab.widget("sarasehan-plan-objectives").locator("textarea").fill(
        "Tambah 50 pendonor baru | pendonor baru | 50 | 20 | Humas" if lang == "id"
        else "Recruit 50 new donors | new donors | 50 | 20 | Humas")
    lab.widget("sarasehan-plan-validate").click()
    now = lab.wait_text_change("sarasehan-plan-status", before)
    assert catalog()["plan.step.objectives"][lang] in now, now


# -- Module 06 -------------------------------------------------------------------------------
def channel_planner(lab: LabPage, lang: str) -> None:
    before = lab.text("sarasehan-channel-result")
    boxes = lab.widget("sarasehan-channel-choice").locator("input[type=checkbox]")
    target = boxes.nth(0)
    target.set_checked(not target.is_checked())
    if not any(boxes.nth(i).is_checked() for i in range(boxes.count())):
        boxes.nth(1).check()
    now = lab.wait_text_change("sarasehan-channel-result", before)
    assert prefix("channels.summary", lang).strip() in now, now


# -- Workshop mode (99) ----------------------------------------------------------------------
def workshop(lab: LabPage, lang: str) -> str:
    # Roster: type the example file's path, Load.
    roster = lab.widget("sarasehan-workshop-roster")
    roster_path = lab.server.root / "datasets" / "workshop_roster_example.csv"
    before = roster.locator(".sarasehan-status").first.inner_text() if roster.locator(".sarasehan-status").count() else ""
    lab.widget("sarasehan-workshop-roster-path").locator("input").fill(str(roster_path))
    lab.widget("sarasehan-workshop-roster-load").click()
    lab.page.wait_for_function(
        "([sel, before, want]) => { const el = document.querySelector(sel); return el && el.innerText !== before"
        " && el.innerText.includes(want); }",
        arg=[".jp-NotebookPanel:not(.lm-mod-hidden) .sarasehan-workshop-roster .sarasehan-status", before,
             catalog()["workshop.roster.loaded"][lang].split("}")[1].split("{")[0]])

    # Split into groups.
    groups = lab.widget("sarasehan-workshop-groups")
    lab.widget("sarasehan-workshop-split").click()
    groups.locator(".sarasehan-ok").get_by_text(after("workshop.groups.done", lang).strip().rstrip(".")).wait_for()

    # Timer: Start shows it running, Stop stops it.
    timer = lab.widget("sarasehan-workshop-timer")
    lab.widget("sarasehan-workshop-start").click()
    timer.get_by_text(catalog()["workshop.timer.running"][lang]).wait_for()
    lab.widget("sarasehan-workshop-stop").click()
    timer.get_by_text(catalog()["workshop.timer.stopped"][lang]).wait_for()

    # A group's answer, saved through the form...
    form = lab.widget("sarasehan-workshop-form")
    select = lab.widget("sarasehan-workshop-group").locator("select")
    group = select.evaluate("el => el.options[el.options.length - 1].value")
    select.select_option(value=group)
    answer = unique("Jawaban kelompok dari peramban" if lang == "id" else "Group answer from the browser")
    lab.widget("sarasehan-workshop-answer").locator("textarea").fill(answer)
    lab.widget("sarasehan-workshop-save").click()
    form.locator(".sarasehan-ok").get_by_text(prefix("common.saved", lang).strip()).wait_for()

    # ... shows on the results board after Refresh.
    board = lab.widget("sarasehan-workshop-board-widget")
    assert answer not in board.inner_text()
    lab.widget("sarasehan-workshop-refresh").click()
    board.get_by_text(answer).wait_for()
    return answer


# Which helper uses which widget (by the CSS class the lesson shows).
EXERCISES = {
    "sarasehan-placement": placement_quiz,
    "sarasehan-function-quiz": function_quiz,
    "sarasehan-discussion": discussion_card,
    "sarasehan-composer": message_composer,
    "sarasehan-kpi-explorer": kpi_explorer,
    "sarasehan-post-reviewer": post_reviewer,
    "sarasehan-plan-builder": plan_builder,
    "sarasehan-channel-planner": channel_planner,
    "sarasehan-workshop-form": workshop,
}
