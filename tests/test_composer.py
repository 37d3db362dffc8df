"""Module 02's campaign message composer: counting, hashtags, checklist, drafts, widget."""

import doctest
import importlib
import json
import re
import string
from pathlib import Path

import pytest

import sarasehan
from sarasehan import i18n
from sarasehan.answers import AnswerStore
from sarasehan.composer import (CHECKS, MessageComposer, analyse_post, load_drafts, resolve_platform,
                                save_draft)
from sarasehan.content import load_content
from sarasehan.errors import SarasehanError
from sarasehan.post_text import find_hashtags, find_urls, x_length
from sarasehan.widgets import MessageComposerWidget, message_composer

ROOT = Path(__file__).resolve().parent.parent
SPEC = load_content("platforms")
LONG_URL = "https://pmi.or.id/berita/donor-darah/jadwal-mobil-unit-bulan-ini?utm_source=instagram"
GOOD_ID = ("Ayo donorkan darah Anda! UDD PMI Kabupaten Contoh membuka donor di Balai Desa Sukamakmur, "
           "Sabtu 14 Juni pukul 08.00-12.00 WIB. #DonorDarah")
GOOD_EN = ("Join us to give blood! PMI Kabupaten Contoh's blood unit (UDD) is at Sukamakmur village hall "
           "on Saturday 14 June, 08:00-12:00. #DonorDarah")
ALT = "Relawan KSR membantu seorang pendonor di ruang donor"


def check(text, item, platform="Facebook", alt_text=ALT):
    a = analyse_post(text, platform, alt_text)
    return a.checklist[item], a.explanations[item]


# -- content ------------------------------------------------------------------

def test_every_platform_has_a_limit_a_source_and_a_bilingual_note():
    assert re.fullmatch(r"20\d\d-\d\d", SPEC["checked"])
    assert {"X", "Instagram", "Facebook", "TikTok", "WhatsApp"} <= set(SPEC["platforms"])
    for name, data in SPEC["platforms"].items():
        assert isinstance(data["limit"], int) and data["limit"] > 0, name
        assert data["source"].startswith("https://"), name
        assert data["note"]["id"].strip() and data["note"]["en"].strip(), name
        assert data.get("max_hashtags") is None or isinstance(data["max_hashtags"], int), name
        assert isinstance(data.get("alt_text"), bool), name


def test_audiences_are_bilingual_with_tips():
    audiences = SPEC["audiences"]
    assert 4 <= len(audiences) <= 5 and "students" in audiences
    for key, a in audiences.items():
        assert a["id"].strip() and a["en"].strip() and a["id"] != a["en"], key
        assert a["tip"]["id"].strip() and a["tip"]["en"].strip(), key
    assert "KSR" in audiences["students"]["id"]


# -- length and limits -----------------------------------------------------------

@pytest.mark.parametrize("platform", list(SPEC["platforms"]))
def test_limit_per_platform_and_over_limit(platform):
    limit = SPEC["platforms"][platform]["limit"]
    at = analyse_post("a" * limit, platform)
    assert (at.length, at.limit, at.remaining, at.over_limit) == (limit, limit, 0, False)
    assert not any(p.code == "over_limit" for p in at.problems)
    over = analyse_post("a" * (limit + 1), platform)
    assert over.over_limit and over.remaining == -1
    assert [p.code for p in over.problems] == ["over_limit"]


def test_expected_limits():
    limits = {name: d["limit"] for name, d in SPEC["platforms"].items()}
    assert limits["X"] == 280 and limits["Instagram"] == 2200 and limits["TikTok"] == 2200
    assert limits["Facebook"] == 63206 and limits["WhatsApp"] == 65536
    assert SPEC["platforms"]["X"]["link_length"] == 23 and SPEC["platforms"]["Instagram"]["max_hashtags"] == 30


def test_x_counts_every_link_as_23():
    assert len(LONG_URL) > 23
    assert analyse_post(f"Jadwal: {LONG_URL}", "X").length == len("Jadwal: ") + 23
    assert analyse_post("Info: https://t.co/a", "X").length == len("Info: ") + 23  # short links too
    assert analyse_post("Cek pmi.or.id dan www.pmi.or.id/ksr.", "X").length == len("Cek  dan .") + 2 * 23
    assert analyse_post(f"Jadwal: {LONG_URL}", "Instagram").length == len(f"Jadwal: {LONG_URL}")


def test_link_detection_skips_emails_times_and_trailing_punctuation():
    text = "Tulis ke udd@pmi.or.id, pukul 08.00 di Jl.Merdeka (lihat https://pmi.or.id/donor)."
    assert [text[s:e] for s, e in find_urls(text)] == ["https://pmi.or.id/donor"]


@pytest.mark.parametrize("text, weight", [
    ("🩸", 2), ("❤️", 2), ("👍🏽", 2), ("🇮🇩", 2), ("👨‍👩‍👧", 2), ("1️⃣", 2),
    ("é", 1), ("e\u0301", 1), ("–", 1), ("“", 1), ("…", 2), ("•", 2),
])
def test_x_emoji_and_symbol_weights(text, weight):
    assert x_length(text) == weight
    assert analyse_post(f"Donor {text}", "X").length == len("Donor ") + weight


def test_emoji_count_as_python_length_elsewhere_and_can_push_x_over():
    assert analyse_post("🩸", "Instagram").length == 1
    assert analyse_post("❤️", "Facebook").length == 2  # heart + variation selector
    assert not analyse_post("🩸" * 140, "X").over_limit
    full = analyse_post("🩸" * 141, "X")
    assert full.over_limit and full.length == 282 and full.remaining == -2


def test_preview_cut():
    text = "x" * 125 + "TERSEMBUNYI"
    a = analyse_post(text, "Instagram")
    assert a.preview_limit == 125 and a.preview_cut == "TERSEMBUNYI"
    assert analyse_post("x" * 125, "Instagram").preview_cut == ""
    assert analyse_post(text, "Facebook").preview_cut == "TERSEMBUNYI"
    assert analyse_post(text, "X").preview_cut == "" and analyse_post(text, "X").preview_limit is None


# -- hashtags -----------------------------------------------------------------------

def test_hashtags_indonesian_unicode_and_not_in_links():
    text = "Ayo #DonorDarah bersama #PMI2024 dan #KSR_UnitKampus #Café! Lihat https://x.com/a#b, C# &#39;"
    assert find_hashtags(text) == ["#DonorDarah", "#PMI2024", "#KSR_UnitKampus", "#Café"]
    assert analyse_post(text, "X").hashtags == ["#DonorDarah", "#PMI2024", "#KSR_UnitKampus", "#Café"]
    assert analyse_post("Tanpa tagar", "X").hashtags == []


def test_hashtag_problems():
    a = analyse_post("#DonorDarah #donordarah #DONORDARAH #2024 #PMI2024 #" + "a" * 31 + " #" + "b" * 30, "X")
    codes = [p.code for p in a.problems]
    assert codes.count("duplicate_hashtag") == 1 and "#donordarah" in a.problems[0].message
    assert codes.count("digits_only_hashtag") == 1
    assert any(p.code == "digits_only_hashtag" and "#2024" in p.message for p in a.problems)
    assert codes.count("long_hashtag") == 1  # 31 is too long, 30 is fine
    assert str(a.problems[0]) == a.problems[0].message


def test_too_many_hashtags_only_where_there_is_a_maximum():
    tags = " ".join(f"#Tagar{i}" for i in range(31))
    assert [p.code for p in analyse_post(tags, "Instagram").problems] == ["too_many_hashtags"]
    assert analyse_post(" ".join(f"#Tagar{i}" for i in range(30)), "Instagram").problems == []
    assert analyse_post(tags, "X").problems == []


# -- checklist ------------------------------------------------------------------------

@pytest.mark.parametrize("lang, text", [
    ("id", "Ayo donorkan darah Anda."), ("id", "Datanglah ke UDD."), ("id", "Bagikan ke grup keluarga."),
    ("id", "Hubungi 0812-0000-0000."), ("id", "Yuk ikut donor!"),
    ("en", "Sign up today."), ("en", "Share this with your friends."), ("en", "Come and give blood."),
    ("en", "Visit the UDD."), ("en", "Join the KSR unit."),
])
def test_call_to_action_found(lang, text):
    i18n.set_language(lang)
    ok, why = check(text, "call_to_action")
    assert ok
    assert ("Ada ajakan" if lang == "id" else "clear call to action") in why


@pytest.mark.parametrize("lang, text", [
    ("id", "Stok darah di UDD menipis minggu ini."),
    ("en", "Blood stocks are low this week. Welcome to our new volunteers, as we recall last year."),
])
def test_call_to_action_missing(lang, text):
    i18n.set_language(lang)
    ok, why = check(text, "call_to_action")
    assert not ok
    assert ("Belum ada ajakan" if lang == "id" else "No call to action") in why


@pytest.mark.parametrize("lang, text", [
    ("id", "Donor darah bersama PMI di Balai Desa Sukamakmur, Sabtu pukul 08.00 WIB."),
    ("id", "KSR Unit Kampus membuka pendaftaran, lokasi sekretariat, 12 Mei 2026."),
    ("en", "PMI blood drive at the village hall on Saturday, 08:00."),
    ("en", "Red Cross first aid class, venue: Unit office, 3 pm tomorrow."),
])
def test_who_where_when_present(lang, text):
    i18n.set_language(lang)
    ok, why = check(text, "who_what_where_when")
    assert ok, why


@pytest.mark.parametrize("lang, text, missing, present", [
    ("id", "Donor darah bersama PMI hari Sabtu.", "di mana", "siapa"),
    ("id", "Donor darah di Balai Desa Sukamakmur, Sabtu 08.00.", "siapa", "kapan"),
    ("id", "Donor darah bersama PMI di Balai Desa.", "kapan", "di mana"),
    ("en", "PMI blood drive on Saturday.", "where", "who"),
    ("en", "You may donate at the PMI office.", "when", "where"),  # "may" is not a month here
    ("en", "Blood drive at the hall on Monday.", "who", "when"),
])
def test_who_where_when_names_what_is_missing(lang, text, missing, present):
    i18n.set_language(lang)
    ok, why = check(text, "who_what_where_when")
    assert not ok
    assert missing in why and f"{present} (" not in why


def test_organisation_inside_a_hashtag_counts():
    assert check("Donor darah di balai desa, Sabtu. #PMI2024", "who_what_where_when")[0]


@pytest.mark.parametrize("lang, text", [
    ("id", "Terima kasih, para pendonor! Stok darah UDD PMI kembali aman."),
    ("id", "INFO BANJIR: posko PMI buka 24 jam di balai desa Tanjungsari."),
    ("en", "Thank you, donors!! Blood stocks are safe again."),
])
def test_respectful_tone_ok(lang, text):
    i18n.set_language(lang)
    ok, why = check(text, "respectful_tone")
    assert ok
    assert ("santun" if lang == "id" else "respectful") in why


@pytest.mark.parametrize("lang, text, expect", [
    ("id", "SEGERA DONOR DARAH SEKARANG, stok habis", "HURUF BESAR"),
    ("id", "Stok darah habis!!! Donor sekarang", "tanda seru"),
    ("id", "Jangan egois, donor darah itu mudah.", "egois"),
    ("id", "Masa tidak punya hati? Donor dong.", "tidak punya hati"),
    ("en", "URGENT BLOOD NEEDED TODAY please", "CAPITALS"),
    ("en", "We need you!!!!", "exclamation"),
    ("en", "Don't be selfish: give blood.", "selfish"),
    ("en", "Shame on you if you don't share.", "shame on you"),
])
def test_respectful_tone_fails_with_reason(lang, text, expect):
    i18n.set_language(lang)
    ok, why = check(text, "respectful_tone")
    assert not ok and expect in why


def test_capitals_threshold_is_more_than_30_percent_of_words():
    # 3 of 10 words shout: exactly 30%, still fine; acronyms of 4 letters or fewer never count
    assert check("DONOR DARAH HARI ini di UDD PMI KSR kota kita", "respectful_tone")[0]
    assert check("PERLU DONOR DARAH ini di balai desa", "respectful_tone")[0] is False


@pytest.mark.parametrize("lang", ["id", "en"])
def test_accessibility_alt_text(lang):
    i18n.set_language(lang)
    ok, why = check(GOOD_ID, "accessibility", "Instagram", "")
    assert not ok and ("Belum ada teks alternatif" if lang == "id" else "No alt text") in why
    ok, why = check(GOOD_ID, "accessibility", "Instagram", "Relawan di ruang donor")
    assert not ok and "4" in why and "5" in why
    ok, why = check(GOOD_ID, "accessibility", "X", ALT)
    assert ok and "8" in why
    ok, why = check(GOOD_ID, "accessibility", "WhatsApp", "")
    assert ok and "WhatsApp" in why  # no alt-text field: not applicable
    assert check(GOOD_ID, "accessibility", "TikTok", "")[0]


def test_camelcase_hint_is_a_hint_only():
    flat = analyse_post(GOOD_ID.replace("#DonorDarah", "#donordarah"), "Instagram", ALT)
    camel = analyse_post(GOOD_ID, "Instagram", ALT)
    assert len(flat.hints) == 1 and "#donordarah" in flat.hints[0] and camel.hints == []
    assert flat.score == camel.score == 1.0
    assert analyse_post("#kemanusiaan #PMI #relawan", "X").hints == []


@pytest.mark.parametrize("text", [GOOD_ID, GOOD_EN])
def test_good_post_passes_everything(text):
    a = analyse_post(text, "Instagram", ALT, audience="first_time_donors")
    assert a.checklist == dict.fromkeys(CHECKS, True), a.explanations
    assert a.score == 1.0 and a.passed == 4 and a.problems == []


def test_score_is_share_of_checklist_items():
    a = analyse_post("Stok darah menipis.", "Instagram")
    assert list(a.checklist) == list(CHECKS) and set(a.explanations) == set(CHECKS)
    assert a.score == 0.25 and a.passed == 1  # only the tone is fine


def test_audience_tip_in_the_learners_language():
    i18n.set_language("en")
    assert analyse_post("x", "X", audience="parents").audience_tip == SPEC["audiences"]["parents"]["tip"]["en"]
    i18n.set_language("id")
    assert analyse_post("x", "X", audience="parents").audience_tip == SPEC["audiences"]["parents"]["tip"]["id"]
    assert analyse_post("x", "X").audience_tip == ""


# -- errors ----------------------------------------------------------------------------

def test_platform_names_forgive_case_and_aliases():
    assert resolve_platform("twitter")[0] == "X" and resolve_platform(" instagram ")[0] == "Instagram"
    assert analyse_post("x", "whatsapp").platform == "WhatsApp"


@pytest.mark.parametrize("lang, words", [("id", "tidak dikenal"), ("en", "Unknown platform")])
def test_unknown_platform_lists_valid_ones(lang, words):
    i18n.set_language(lang)
    with pytest.raises(SarasehanError) as err:
        analyse_post("Halo", "MySpace")
    message = str(err.value)
    assert words in message and "MySpace" in message
    assert all(name in message for name in SPEC["platforms"])
    with pytest.raises(SarasehanError):
        analyse_post("Halo", None)


@pytest.mark.parametrize("lang, words", [("id", "harus berupa teks"), ("en", "must be text")])
def test_text_that_is_not_a_string(lang, words):
    i18n.set_language(lang)
    with pytest.raises(SarasehanError, match=words) as err:
        analyse_post(123, "X")
    assert "int" in str(err.value)
    with pytest.raises(SarasehanError, match=words):
        analyse_post(None, "X")
    with pytest.raises(SarasehanError, match="list"):
        analyse_post("Halo", "X", alt_text=["foto"])


@pytest.mark.parametrize("lang, words", [("id", "Audiens 'lansia' tidak dikenal"), ("en", "Unknown audience 'lansia'")])
def test_unknown_audience(lang, words):
    i18n.set_language(lang)
    with pytest.raises(SarasehanError, match=words) as err:
        analyse_post("Halo", "X", audience="lansia")
    assert "students" in str(err.value)


def test_explanations_follow_the_language():
    i18n.set_language("id")
    id_text = analyse_post("halo", "X").explanations["who_what_where_when"]
    i18n.set_language("en")
    en_text = analyse_post("halo", "X").explanations["who_what_where_when"]
    assert "Belum jelas" in id_text and "Not yet clear" in en_text


# -- drafts -------------------------------------------------------------------------------

def test_drafts_survive_a_restart_keyed_by_platform(learner_home):
    save_draft("X", "students", "Draf X pertama", "")
    save_draft("instagram", "parents", "Draf IG", ALT)
    save_draft("X", "students", "Draf X kedua", "alt")
    path = learner_home / "learners" / "tester" / "answers" / "m02_composer.json"
    assert path.exists() and not list(path.parent.glob("*.tmp"))
    drafts = load_drafts()  # a fresh AnswerStore reads from disk
    assert set(drafts) == {"X", "Instagram"}
    assert (drafts["X"].text, drafts["X"].audience, drafts["X"].alt_text) == ("Draf X kedua", "students", "alt")
    assert drafts["Instagram"].alt_text == ALT and drafts["Instagram"].saved_at


def test_save_draft_refuses_bad_input(learner_home):
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="empty"):
        save_draft("X", None, "   ")
    with pytest.raises(SarasehanError, match="Unknown platform"):
        save_draft("Friendster", None, "Halo")
    with pytest.raises(SarasehanError, match="must be text"):
        save_draft("X", None, 42)
    assert load_drafts() == {}


def test_malformed_draft_entries_are_skipped(learner_home):
    store = AnswerStore("m02_composer")
    store.set("X", "not a dict")
    store.set("Instagram", {"text": "ok", "audience": 5, "alt_text": None})
    drafts = load_drafts()
    assert list(drafts) == ["Instagram"]
    assert drafts["Instagram"].audience is None and drafts["Instagram"].alt_text == ""


# -- widget ---------------------------------------------------------------------------------

def test_widget_builds_with_classes_and_live_count():
    i18n.set_language("en")
    widget = message_composer()
    assert isinstance(widget, MessageComposerWidget) and isinstance(widget.model, MessageComposer)
    assert "sarasehan-composer" in widget._dom_classes
    assert "sarasehan-composer-text" in widget.text._dom_classes
    assert "sarasehan-composer-count" in widget.count._dom_classes
    assert "sarasehan-composer-save" in widget.save_button._dom_classes
    assert widget.text.continuous_update
    assert widget.platform.value == "X" and "0 / 280" in widget.count.value
    widget.text.value = "Ayo donor darah!"
    assert f"{len('Ayo donor darah!')} / 280" in widget.count.value and "264 left" in widget.count.value
    widget.text.value = "a" * 290
    assert "290 / 280" in widget.count.value and "10 too many" in widget.count.value
    assert "290 / 280" in widget.count.value and "characters too long" in widget.panel.value
    widget.platform.value = "Instagram"
    assert "/ 2200" in widget.count.value and "This part is hidden" in widget.panel.value


def test_widget_panel_shows_checklist_in_the_learners_language():
    i18n.set_language("id")
    widget = MessageComposerWidget(MessageComposer(store=None))
    widget.text.value = GOOD_ID
    panel = widget.panel.value
    assert "✓" in panel and "Ajakan bertindak" in panel and "Tagar (1)" in panel
    assert "✗" in panel and "Belum ada teks alternatif" in panel  # X wants alt text
    assert "3 dari 4" in panel
    widget.alt_text.value = ALT
    assert "4 dari 4" in widget.panel.value and "✗" not in widget.panel.value
    assert SPEC["checked"] in widget.children[0].value  # the help says when the limits were checked


def test_widget_escapes_the_learners_text():
    widget = MessageComposerWidget(MessageComposer(store=None))
    widget.platform.value = "Facebook"
    widget.text.value = "x" * 125 + "<script>alert(1)</script>"
    assert "<script>" not in widget.panel.value and "&lt;script&gt;" in widget.panel.value


def test_widget_saves_and_restores_after_restart():
    i18n.set_language("en")
    widget = message_composer()
    widget.platform.value = "Instagram"
    widget.audience.value = "students"
    widget.text.value = GOOD_EN
    widget.alt_text.value = ALT
    widget.save_button.click()
    assert "sarasehan-ok" in widget.status.value and "Instagram" in widget.status.value
    restarted = message_composer()  # as after a kernel restart
    assert restarted.platform.value == "Instagram"
    assert (restarted.text.value, restarted.alt_text.value, restarted.audience.value) == (GOOD_EN, ALT, "students")
    assert "restored" in restarted.status.value
    assert f"{len(GOOD_EN)} / 2200" in restarted.count.value


def test_switching_platform_restores_that_platforms_draft_and_keeps_unsaved_text():
    i18n.set_language("en")
    save_draft("Facebook", "parents", "Facebook draft", "")
    widget = message_composer()
    assert widget.platform.value == "Facebook" and widget.text.value == "Facebook draft"
    widget.platform.value = "X"  # no X draft yet: the text stays, to adapt it
    assert widget.text.value == "Facebook draft"
    widget.text.value = "Shorter for X"
    widget.platform.value = "Facebook"  # the unsaved X text is kept as the X draft
    assert widget.text.value == "Facebook draft" and "automatically" in widget.status.value
    assert load_drafts()["X"].text == "Shorter for X"
    widget.platform.value = "X"
    assert widget.text.value == "Shorter for X"


def test_widget_empty_save_is_refused():
    i18n.set_language("id")
    widget = message_composer()
    widget.save_button.click()
    assert "sarasehan-bad" in widget.status.value and "kosong" in widget.status.value
    assert load_drafts() == {}


def test_public_factory_is_lazy():
    assert sarasehan.message_composer is message_composer
    assert "message_composer" in sarasehan.__all__


# -- messages and doctests ---------------------------------------------------------------------

def test_every_composer_message_exists_in_both_languages():
    sources = ["composer.py", "post_checklist.py", "post_text.py", "widgets/composer.py"]
    used = set()
    for name in sources:
        used |= set(re.findall(r"[\"'](composer\.[a-z_.]+[a-z_])[\"']", (ROOT / "sarasehan" / name).read_text()))
    catalog = i18n.catalog()
    assert len(used) > 40
    assert not sorted(k for k in used if k not in catalog)
    for key in (k for k in catalog if k.startswith("composer.")):
        fields = [{f for _, f, _, _ in string.Formatter().parse(catalog[key][lang]) if f} for lang in ("id", "en")]
        assert fields[0] == fields[1], key
        assert not fields[0] & {"lang", "key"}, key


@pytest.mark.parametrize("name", ["sarasehan.composer", "sarasehan.post_text", "sarasehan.post_checklist"])
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_saved_file_is_plain_json(learner_home):
    save_draft("TikTok", "students", "Video KSR", "")
    data = json.loads((learner_home / "learners" / "tester" / "answers" / "m02_composer.json").read_text())
    assert data["answers"]["TikTok"]["text"] == "Video KSR"
