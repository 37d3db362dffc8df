"""Module 04: guideline issues, example posts, the review logic and its widget (no browser)."""

import doctest
import importlib.util
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from sarasehan import data, i18n, review
from sarasehan.content import load_content
from sarasehan.errors import SarasehanError
from sarasehan.review import ISSUE_CODES, NO_ISSUE, PostReview, guideline_issues
from sarasehan.widgets.post_reviewer import PostReviewerWidget, post_reviewer

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SOURCE = DATASETS / "sources" / "example_posts.yml"
FACTS = Path("/work/shared/research/content-facts.md")


def _posts() -> list[dict]:
    return yaml.safe_load(SOURCE.read_text(encoding="utf-8"))["posts"]


def _first(predicate) -> dict:
    return next(p for p in _posts() if predicate(p))


# -- content ----------------------------------------------------------------------------------


def test_issue_codes_are_complete_bilingual_and_sourced():
    spec = load_content("guideline_issues")["issues"]
    assert tuple(spec) == ISSUE_CODES
    for code, entry in spec.items():
        for field in ("label", "guideline"):
            assert entry[field]["id"].strip() and entry[field]["en"].strip(), (code, field)
        for lang in ("id", "en"):
            sentences = [s for s in re.split(r"(?<=[.!?])\s+", entry["guideline"][lang].strip()) if s]
            assert 2 <= len(sentences) <= 4, (code, lang, len(sentences))
        assert entry["source"]["title"].strip(), code
        assert re.match(r"https?://\S+$", entry["source"]["url"]), code


@pytest.mark.skipif(not FACTS.exists(), reason="research notes not available")
def test_source_urls_are_copied_from_the_research_notes():
    facts = FACTS.read_text(encoding="utf-8")
    for code, entry in load_content("guideline_issues")["issues"].items():
        assert entry["source"]["url"] in facts, code


def test_example_posts_are_complete():
    posts = _posts()
    ids = [p["post_id"] for p in posts]
    assert len(posts) >= 44
    assert len(ids) == len(set(ids)), "duplicate post ids"
    assert all(re.match(r"^E\d\d$", i) for i in ids)
    for p in posts:
        assert p["account_type"] in review.ACCOUNT_TYPES, p["post_id"]
        assert p["platform"] and p["context"].strip() and p["text"].strip(), p["post_id"]
        assert isinstance(p["image_description"], str), p["post_id"]
        assert set(p["issues"]) <= set(ISSUE_CODES), p["post_id"]
        assert len(p["issues"]) == len(set(p["issues"])) <= 2, p["post_id"]
        assert p["explanation"]["id"].strip() and p["explanation"]["en"].strip(), p["post_id"]
    uses = Counter(code for p in posts for code in p["issues"])
    for code in ISSUE_CODES:
        assert uses[code] >= 3, (code, uses[code])
    assert sum(1 for p in posts if not p["issues"]) >= 10
    assert sum(1 for p in posts if len(p["issues"]) == 2) >= 3
    assert {p["account_type"] for p in posts} == set(review.ACCOUNT_TYPES)


def test_explanations_name_each_issue_they_explain():
    """A post's explanation starts its reasoning with the label of each of its issues."""
    spec = load_content("guideline_issues")["issues"]
    short = {"unauthorised_statement": {"id": "Pernyataan tanpa wewenang", "en": "Unauthorised statement"},
             "unverified": {"id": "Belum terverifikasi", "en": "Unverified"},
             "location": {"id": "Lokasi", "en": "Location"}, "consent": {"id": "Izin", "en": "Consent"},
             "emblem": {"id": "Lambang", "en": "Emblem"}, "security": {"id": "Keamanan tim", "en": "Team security"}}
    for p in _posts():
        for lang in ("id", "en"):
            text = p["explanation"][lang]
            if not p["issues"]:
                assert text.startswith(("Tidak ada masalah", "No issue")), (p["post_id"], lang)
            for code in p["issues"]:
                label = short.get(code, spec[code]["label"])[lang]
                assert f"{label}:" in text, (p["post_id"], lang, label)


# -- the dataset ------------------------------------------------------------------------------


def _generator(name):
    entry = data.registry()[name]
    spec = importlib.util.spec_from_file_location(f"gen_{name}", DATASETS / entry["generator"])
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen, entry


def test_example_posts_csv_is_rebuilt_from_the_yaml(tmp_path):
    gen, entry = _generator("example_posts")
    out = tmp_path / "example_posts.csv"
    gen.write(gen.generate(), out)
    assert out.read_bytes() == (DATASETS / entry["file"]).read_bytes()
    df = data.load_dataset("example_posts")
    assert list(df["post_id"]) == [p["post_id"] for p in _posts()]
    assert "explanation" not in df.columns
    for row, post in zip(df.to_dict("records"), _posts()):
        assert row["issues"] == ";".join(c for c in ISSUE_CODES if c in post["issues"])
        assert row["image_description"] == " ".join(post["image_description"].split())
    assert (df["issues"] == "").sum() >= 10  # empty cells load as "", not NaN


def test_example_posts_builder_refuses_unknown_codes(tmp_path, monkeypatch):
    gen, _ = _generator("example_posts")
    bad = tmp_path / "bad.yml"
    posts = _posts()[:2]
    posts[1]["issues"] = ["politics"]
    bad.write_text(yaml.safe_dump({"posts": posts}, allow_unicode=True), encoding="utf-8")
    monkeypatch.setattr(gen, "SOURCE", bad)
    with pytest.raises(ValueError, match="politics"):
        gen.generate()


def test_rumour_log_has_plausible_shapes():
    df = data.load_dataset("rumour_log")
    assert 70 <= len(df) <= 90
    assert list(df["rumour_id"]) == [f"R{i:03d}" for i in range(1, len(df) + 1)]
    assert set(df["theme"]) == {"aid_distribution", "health", "water_sanitation", "shelter", "pmi_services",
                                "missing_persons"}
    assert set(df["channel"]) == {"WhatsApp", "Facebook", "TikTok", "face_to_face", "radio_call_in"}
    assert set(df["status"]) == {"open", "responded", "closed"}
    assert (df["reach_estimate"] > 0).all()
    assert (df["first_seen"].max() - df["first_seen"].min()).days <= 41
    week = (df["first_seen"] - df["first_seen"].min()).dt.days // 7
    early, late = df[week < 2], df[week >= 3]
    assert (early["theme"] == "aid_distribution").mean() > (late["theme"] == "aid_distribution").mean()
    assert (early["status"] != "open").mean() < (late["status"] != "open").mean()
    assert len(early) > len(late)


# -- logic ------------------------------------------------------------------------------------


def test_guideline_issues_table_in_both_languages():
    i18n.set_language("id")
    df = guideline_issues()
    assert list(df.columns) == ["code", "label", "guideline"]
    assert list(df["code"]) == list(ISSUE_CODES)
    assert df.set_index("code").loc["neutrality", "label"] == "Kenetralan"
    i18n.set_language("en")
    df = guideline_issues(with_sources=True)
    assert df.set_index("code").loc["neutrality", "label"] == "Neutrality"
    assert df["source_url"].str.match(r"https?://").all()


def test_items_join_the_csv_with_the_explanations():
    model = PostReview(store=None)
    assert [i["post_id"] for i in model.items] == [p["post_id"] for p in _posts()]
    for item, post in zip(model.items, _posts()):
        assert set(item["issues"]) == set(post["issues"])
        assert item["explanation"] == post["explanation"]


@pytest.mark.parametrize("lang,right_word,missed_word,false_word", [
    ("id", "Tepat ditandai", "Terlewat", "Alarm palsu"),
    ("en", "Rightly flagged", "Missed", "False alarm"),
])
def test_check_reports_correct_missed_and_false_alarm(lang, right_word, missed_word, false_word):
    i18n.set_language(lang)
    model = PostReview(store=None)
    post = _first(lambda p: len(p["issues"]) == 2)
    kept, dropped = post["issues"]
    wrong = next(c for c in ISSUE_CODES if c not in post["issues"])
    fb = model.check(post["post_id"], {kept, wrong})
    assert not fb.correct
    outcomes = {r.code: r.outcome for r in fb.results}
    assert outcomes == {kept: "correct", dropped: "missed", wrong: "false_alarm"}
    assert fb.by_outcome("missed") == [dropped]
    spec = load_content("guideline_issues")["issues"]
    for r in fb.results:
        assert r.label == spec[r.code]["label"][lang]
        assert r.guideline == spec[r.code]["guideline"][lang]
    assert fb.explanation == post["explanation"][lang]
    text = fb.text
    assert right_word in text and missed_word in text and false_word in text
    assert post["explanation"][lang] in text and (fb.right, fb.total) == (1, 3)

    exact = model.check(post["post_id"], set(post["issues"]))
    assert exact.correct and all(r.outcome == "correct" for r in exact.results)


def test_clean_posts_and_no_issue():
    i18n.set_language("en")
    model = PostReview(store=None)
    clean = _first(lambda p: not p["issues"])["post_id"]
    assert model.check(clean, set()).correct
    assert model.check(clean, {NO_ISSUE}).correct
    assert "follows the guidelines" in model.check(clean, []).headline
    fb = model.check(clean, {"emblem"})
    assert not fb.correct and fb.by_outcome("false_alarm") == ["emblem"]
    assert "actually follows" in fb.headline
    flagged = _first(lambda p: p["issues"])
    fb = model.check(flagged["post_id"], set())
    assert not fb.correct and fb.by_outcome("missed") == [c for c in ISSUE_CODES if c in flagged["issues"]]


@pytest.mark.parametrize("lang,word", [("id", "Pilihan"), ("en", "Valid ones")])
def test_unknown_post_and_code_list_the_valid_ones(lang, word):
    i18n.set_language(lang)
    model = PostReview(store=None)
    with pytest.raises(SarasehanError, match="E01") as info:
        model.check("E99", set())
    assert word in str(info.value) and "E99" in str(info.value)
    with pytest.raises(SarasehanError) as info:
        model.check("E01", {"neutral"})
    msg = str(info.value)
    assert word in msg and "neutral'" in msg and all(code in msg for code in ISSUE_CODES)
    with pytest.raises(SarasehanError, match="no_issue"):
        model.check("E01", {NO_ISSUE, "dignity"})


def test_answers_survive_a_restart(learner_home):
    model = PostReview()
    post = _first(lambda p: len(p["issues"]) == 1)
    clean = _first(lambda p: not p["issues"])
    model.check(post["post_id"], set(post["issues"]))
    model.check(clean["post_id"], {"security"})
    assert model.score() == (1, len(_posts()))
    saved = learner_home / "learners" / "tester" / "answers" / "m04_post_review.json"
    answers = json.loads(saved.read_text(encoding="utf-8"))["answers"]
    assert answers[post["post_id"]] == sorted(post["issues"]) and answers[clean["post_id"]] == ["security"]
    restarted = PostReview()  # as after a kernel restart
    assert restarted.saved(post["post_id"]) == frozenset(post["issues"])
    assert restarted.saved(clean["post_id"]) == frozenset({"security"})
    never = next(p["post_id"] for p in _posts() if p["post_id"] not in (post["post_id"], clean["post_id"]))
    assert restarted.saved(never) is None
    assert restarted.score() == (1, len(_posts()))


def test_hand_edited_answers_are_ignored(learner_home):
    folder = learner_home / "learners" / "tester" / "answers"
    folder.mkdir(parents=True)
    (folder / "m04_post_review.json").write_text(json.dumps({"answers": {"E01": ["nonsense"], "E02": "x"}}))
    model = PostReview()
    assert model.saved("E01") is None and model.saved("E02") is None
    assert model.score()[0] == 0


def test_doctests():
    result = doctest.testmod(review)
    assert result.failed == 0 and result.attempted > 0


# -- widget -----------------------------------------------------------------------------------


def test_widget_is_built_and_driven(learner_home):
    i18n.set_language("en")
    widget = post_reviewer()
    assert isinstance(widget, PostReviewerWidget)
    assert "sarasehan-post-reviewer" in widget._dom_classes
    assert len(widget.checkboxes) == len(_posts())
    post = _first(lambda p: len(p["issues"]) == 2)
    pid = post["post_id"]
    assert "sarasehan-review-check" in widget.buttons[pid]._dom_classes
    assert "sarasehan-review-feedback" in widget.feedback[pid]._dom_classes
    assert [b.description for b in widget.checkboxes[pid].values()] == [
        load_content("guideline_issues")["issues"][c]["label"]["en"] for c in ISSUE_CODES]

    widget.buttons[pid].click()  # nothing ticked: asks to choose, saves nothing
    assert "sarasehan-warn" in widget.feedback[pid].value and "Tick" in widget.feedback[pid].value

    widget.checkboxes[pid][post["issues"][0]].value = True  # one of two issues
    widget.buttons[pid].click()
    html = widget.feedback[pid].value
    assert "Rightly flagged" in html and "Missed" in html and "About this post" in html
    assert "0 of" in widget.score.value

    widget.checkboxes[pid][post["issues"][1]].value = True
    widget.buttons[pid].click()
    assert "Correct!" in widget.feedback[pid].value and "1 of" in widget.score.value

    widget.no_issue[pid].value = True  # "no issue" unticks the codes
    assert widget.flags(pid) == set()
    widget.checkboxes[pid]["emblem"].value = True  # and a code unticks "no issue"
    assert widget.no_issue[pid].value is False

    clean = _first(lambda p: not p["issues"])["post_id"]
    html = widget.check(clean, set())
    assert "Correct!" in html and widget.no_issue[clean].value is True
    assert "2 of" in widget.score.value

    restarted = post_reviewer()  # as after a kernel restart
    assert restarted.flags(pid) == set(post["issues"])
    assert "Correct!" in restarted.feedback[pid].value
    assert restarted.no_issue[clean].value is True and "Correct!" in restarted.feedback[clean].value
    assert "2 of" in restarted.score.value


def test_widget_speaks_indonesian_and_shows_errors_inline(learner_home):
    i18n.set_language("id")
    widget = PostReviewerWidget(PostReview(store=None))
    first = widget.model.items[0]
    assert "Tidak ada masalah" == widget.no_issue[first["post_id"]].description
    html = widget.check(first["post_id"], set(first["issues"]))
    assert "Tepat!" in html
    with pytest.raises(SarasehanError):
        widget.check("E99", set())
