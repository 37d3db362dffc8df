"""Placement quiz, function quiz and discussion cards: logic and widgets, no browser."""

import json

import pytest

from sarasehan import i18n
from sarasehan.content import load_content
from sarasehan.discussion import DiscussionCard
from sarasehan.errors import SarasehanError
from sarasehan.function_quiz import FunctionQuiz
from sarasehan.placement import PlacementQuiz, load_placement
from sarasehan.widgets import discussion_card, function_quiz, placement_quiz


def _answer_all(quiz, pick_index):
    for q in quiz.questions:
        options = sorted(q["options"], key=lambda o: o["points"])
        quiz.answer(q["id"], options[pick_index(len(options))]["id"])


def test_placement_content_is_complete_and_bilingual():
    spec = load_content("placement")
    assert 6 <= len(spec["questions"]) <= 10
    assert spec["gate_question"] in {q["id"] for q in spec["questions"]}
    for q in spec["questions"]:
        assert q["text"]["id"] and q["text"]["en"]
        for o in q["options"]:
            assert o["text"]["id"] and o["text"]["en"] and isinstance(o["points"], int)
    for track in ("A", "B"):
        assert spec["tracks"][track]["name"]["id"] and spec["tracks"][track]["description"]["en"]


def test_no_experience_gives_track_a_and_experience_gives_track_b():
    beginner = PlacementQuiz()
    _answer_all(beginner, lambda n: 0)
    assert beginner.track() == "A"
    active = PlacementQuiz()
    _answer_all(active, lambda n: n - 1)
    assert active.track() == "B"


def test_gate_question_forces_track_a():
    quiz = PlacementQuiz()
    _answer_all(quiz, lambda n: n - 1)
    gate = quiz.spec["gate_question"]
    zero = next(o for o in quiz._by_id[gate]["options"] if o["points"] == 0)
    quiz.answer(gate, zero["id"])
    assert quiz.track() == "A"


def test_incomplete_quiz_has_no_track_and_unknown_answers_are_refused():
    quiz = PlacementQuiz()
    assert quiz.track() is None
    with pytest.raises(SarasehanError):
        quiz.answer("q99", "x")
    with pytest.raises(SarasehanError):
        quiz.answer(quiz.questions[0]["id"], "not-an-option")


def test_placement_widget_saves_and_restores(learner_home):
    widget = placement_quiz()
    widget.button.click()  # nothing answered: a message, nothing saved
    assert "sarasehan-warn" in widget.result.value
    assert not load_placement().data
    for qid, radio in widget.radios.items():
        radio.value = radio.options[-1][1]
    widget.button.click()
    saved = load_placement().data
    assert saved["track"] in ("A", "B") and len(saved["answers"]) == len(widget.radios)
    again = placement_quiz()  # as after a kernel restart
    assert {q: r.value for q, r in again.radios.items()} == saved["answers"]
    assert "sarasehan-ok" in again.result.value


def test_corrupt_placement_file_is_backed_up_and_reset(learner_home):
    folder = learner_home / "learners" / "tester"
    folder.mkdir(parents=True)
    (folder / "placement.json").write_text("{not json")
    i18n.set_language("en")
    widget = placement_quiz()
    assert "damaged" in widget.result.value
    assert list(folder.glob("placement.json.corrupt-*"))
    (folder / "placement.json").write_text(json.dumps({"track": "Z"}))
    assert load_placement().message and not load_placement().data


def test_function_quiz_content_covers_every_function():
    spec = load_content("function_quiz")
    answers = {item["answer"] for item in spec["items"]}
    assert answers == set(spec["functions"])
    for item in spec["items"]:
        for field in ("post", "explanation"):
            assert item[field]["id"] and item[field]["en"]


def test_function_quiz_feedback_and_persistence(learner_home):
    i18n.set_language("en")
    widget = function_quiz()
    item = widget.model.items[0]
    wrong = next(f for f in widget.model.functions if f != item["answer"])
    html = widget.check(item["id"], wrong)
    assert "Not quite" in html and widget.model.label(item["answer"]) in html
    html = widget.check(item["id"], item["answer"])
    assert "Correct" in html
    assert "1 of" in widget.score.value
    restarted = function_quiz()
    assert restarted.dropdowns[item["id"]].value == item["answer"]
    assert "Correct" in restarted.feedback[item["id"]].value


def test_function_quiz_check_without_choice_asks_to_choose():
    i18n.set_language("id")
    widget = FunctionQuiz(store=None)
    from sarasehan.widgets.function_quiz import FunctionQuizWidget

    w = FunctionQuizWidget(widget)
    first = widget.items[0]["id"]
    w._on_check(first)(None)
    assert "Pilih" in w.feedback[first].value


def test_discussion_card_appends_and_never_overwrites(learner_home):
    card = DiscussionCard("m01_functions_for_branch")
    card.save("Kelompok 1", "Jawaban pertama")
    card.save("Kelompok 1", "Jawaban kedua")
    assert [e["answer"] for e in DiscussionCard("m01_functions_for_branch").entries()] == [
        "Jawaban pertama", "Jawaban kedua"]


def test_discussion_widget_empty_answer_and_save(learner_home):
    i18n.set_language("en")
    widget = discussion_card("m01_functions_for_branch")
    widget.button.click()
    assert "empty" in widget.status.value
    widget.group.value = "Group 3"
    widget.answer.value = "Blood donor reminders and flood alerts"
    widget.button.click()
    assert "Saved" in widget.status.value and "Group 3" in widget.history.value


def test_unknown_discussion_card_lists_valid_ones():
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="m01_functions_for_branch"):
        DiscussionCard("m01_nope")
