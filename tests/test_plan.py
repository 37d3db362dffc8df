"""Module 05: the SMART checklist, the plan model, its checks, export/reopen, and the plan builder."""

import json
import os

import pandas as pd
import pytest

from sarasehan import i18n
from sarasehan.errors import SarasehanError
from sarasehan.plan import (APPROVAL_FIELDS, FIELDS, KINDS, STEPS, Plan, PlanFileError, budget_total,
                            calendar_frame, example_plan, example_plan_calendar, export_plan, format_idr,
                            list_plans, load_plan, parse_date, plan_folder, rows_to_text, slugify, text_to_rows,
                            validate_plan, validate_step)
from sarasehan.smart import LETTERS, parse_number, smart_check, smart_score
from sarasehan.widgets.plan_builder import PlanBuilderWidget, plan_builder

WEAK_ID = "Meningkatkan engagement"
WEAK_EN = "Improve awareness"
STRONG_ID = ("Sampai 30 September 2025, Humas PMI Kabupaten Contoh menambah anggota grup WhatsApp Siaga Banjir "
             "di 5 desa dari 150 menjadi 400 warga.")
STRONG_EN = ("By 31 March 2026, the PMI communications team will grow the WhatsApp flood-alert group in "
             "4 riverside villages from 120 to 360 residents.")


def ok(table):
    return dict(zip(table["letter"], table["ok"]))


def small_plan(**changes) -> Plan:
    """A plan whose every step is valid; tests break one thing at a time."""
    base = dict(
        title="Rencana Uji", branch="PMI Kota Uji", programme="Donor darah",
        objectives=[{"text": STRONG_ID, "kpi": "Anggota grup", "target": 400, "baseline": 150, "owner": "Humas"}],
        audiences=[{"name": "Warga", "description": "Warga 5 desa", "channels": ["WhatsApp"]}],
        messages=[{"text": "Simpan nomor darurat PMI", "audience": "Warga"}],
        channels=[{"name": "WhatsApp", "kind": "low_bandwidth", "reason": "ringan"},
                  {"name": "Instagram", "kind": "online", "reason": "anak muda"}],
        calendar=[{"date": "2025-07-01", "platform": "WhatsApp", "objective": 1, "theme": "a", "format": "foto",
                   "owner": "Humas"},
                  {"date": "2025-07-08", "platform": "Instagram", "objective": 1, "theme": "b", "format": "video",
                   "owner": "Humas"}],
        kpis=[{"name": "Anggota grup", "definition": "nomor unik", "baseline": 150, "target": 400,
               "deadline": "2025-09-30"}],
        budget=[{"item": "Poster", "unit_cost_idr": 15000, "quantity": 10}],
        risks=[{"risk": "Hoaks", "likelihood": 2, "impact": 3, "response": "Klarifikasi", "owner": "Humas"}],
        approval={"drafts_by": "Staf Humas", "approves": "Kepala Markas", "replies_by": "Admin",
                  "spokesperson": "Ketua"},
    )
    base.update(changes)
    return Plan(**base)


def messages(plan, step, **kw):
    return [p.message for p in validate_step(plan, step, **kw)]


# -- SMART ----------------------------------------------------------------------------

@pytest.mark.parametrize("objective", [WEAK_ID, WEAK_EN])
def test_weak_objectives_fail_s_m_a_t_and_warn_on_r(objective):
    table = smart_check(objective)
    assert list(table.columns) == ["letter", "criterion", "ok", "hint"]
    assert list(table["letter"]) == list(LETTERS)
    assert ok(table) == {"S": False, "M": False, "A": False, "R": True, "T": False}
    assert table.attrs["warnings"] == ["R"]  # no baseline: a warning, not a failure
    assert smart_score(objective) == 1
    assert objective.split()[0].lower() in table.loc[0, "hint"]  # the vague verb is named


@pytest.mark.parametrize("objective", [STRONG_ID, STRONG_EN])
def test_strong_objectives_pass_every_letter(objective):
    table = smart_check(objective)
    assert all(table["ok"]) and table.attrs["warnings"] == []
    assert smart_score(objective) == 5


def test_criteria_and_hints_follow_the_learner_language():
    i18n.set_language("en")
    table = smart_check(WEAK_ID)
    assert list(table["criterion"]) == ["Specific", "Measurable", "Assignable", "Realistic", "Time-related"]
    assert "baseline" in table.loc[3, "hint"]
    i18n.set_language("id")
    table = smart_check(WEAK_EN)
    assert table.loc[0, "criterion"] == "Spesifik" and "Peringatan" in table.loc[3, "hint"]
    assert smart_check(WEAK_EN, lang="en").loc[4, "criterion"] == "Time-related"


def test_dates_years_and_periods_are_not_measures():
    table = smart_check("Humas menyapa warga Desa Sukamaju sampai 30 September 2025 dan dalam 12 minggu")
    assert ok(table)["M"] is False and ok(table)["T"] is True
    assert ok(smart_check("Relawan KSR melatih warga di Q3 2025"))["M"] is False


@pytest.mark.parametrize("objective, letter, expected", [
    ("Volunteers may post more often for residents", "T", False),          # "may" is not the month
    ("Relawan membalas warga paling lambat 31 Mei", "T", True),
    ("KSR volunteers reply to residents within 3 days", "T", True),
    ("Tim Humas menyapa pendonor di Kota Contoh", "S", True),
    ("Humas posts 3 times a week in Bandung", "S", True),                    # a named place
    ("Meningkatkan engagement Instagram", "S", False),
    ("Menambah 300 pendonor baru", "A", False),
    ("Menambah 300 pendonor baru", "M", True),
])
def test_single_letters(objective, letter, expected):
    assert ok(smart_check(objective))[letter] is expected


def test_realistic_compares_the_target_with_the_baseline():
    assert ok(smart_check("Humas menambah pengikut dari 1.000 menjadi 50.000 dalam 3 bulan"))["R"] is False
    assert ok(smart_check("Humas menambah pengikut dari 1.000 menjadi 3.000 dalam 3 bulan"))["R"] is True
    assert ok(smart_check("Team raises replies to residents from 60% to 90% by June 2025"))["R"] is True
    over = smart_check("Relawan mengajak 150% warga Desa Sukamaju ikut simulasi sebelum Juni 2025")
    assert ok(over)["R"] is False and "150%" in over.loc[3, "hint"]
    assert ok(smart_check("Tim Humas menaikkan interaksi pelajar sebesar 600% sampai Juni 2025"))["R"] is False
    # a baseline given in the plan's table is used when the sentence has none
    sentence = "Tim UDD mengajak 900 pendonor baru di Kota Contoh sampai akhir tahun"
    assert smart_check(sentence).attrs["warnings"] == ["R"]
    assert ok(smart_check(sentence, baseline="100"))["R"] is False
    assert ok(smart_check(sentence, baseline=300))["R"] is True


def test_smart_check_refuses_non_text_and_handles_empty_text():
    with pytest.raises(SarasehanError):
        smart_check(None)
    assert smart_score("   ") == 0


def test_parse_number_reads_indonesian_and_english_numbers():
    assert parse_number("Rp 150.000") == 150000
    assert parse_number("1,500") == 1500 and parse_number("2,5") == 2.5 and parse_number("2.5") == 2.5
    assert parse_number("10 rb") == 10000 and parse_number("2 juta") == 2_000_000
    assert parse_number(7) == 7 and parse_number("seratus") is None and parse_number(True) is None


# -- validation, one rule at a time -------------------------------------------------------

def test_the_small_plan_is_valid():
    assert all(not p for p in validate_plan(small_plan()).values())


@pytest.mark.parametrize("step", STEPS)
def test_an_empty_step_is_reported(step):
    problems = validate_step(small_plan(**{step: []}), step)
    assert len(problems) == 1 and problems[0].level == "error"
    assert i18n.t(f"plan.step.{step}") in problems[0].message


def test_unknown_step_is_refused():
    with pytest.raises(SarasehanError, match="pesan"):
        validate_step(small_plan(), "pesan")


def test_objective_failing_smart_letters_names_row_and_letters():
    plan = small_plan(objectives=[small_plan().objectives[0],
                                  {"text": WEAK_ID, "kpi": "", "target": "", "baseline": "", "owner": ""}])
    problems = validate_step(plan, "objectives")
    errors = [p for p in problems if p.level == "error"]
    assert len(errors) == 1 and errors[0].row == 2
    assert errors[0].message.startswith("Baris 2:")
    for letter in "SMAT":
        assert f"{letter} (" in errors[0].message
    warnings = [p for p in problems if p.level == "warning"]
    assert len(warnings) == 1 and warnings[0].row == 2  # R: no baseline


def test_objective_owner_column_counts_as_assignable():
    text = "Menambah 300 pendonor baru di Kota Contoh dari 200 menjadi 300 sampai 30 September 2025"
    row = {"text": text, "kpi": "", "target": 300, "baseline": 200, "owner": ""}
    assert any("A (" in m for m in messages(small_plan(objectives=[row]), "objectives"))
    assert messages(small_plan(objectives=[{**row, "owner": "UDD"}]), "objectives") == []


def test_channel_kind_must_be_known_and_indonesian_words_are_accepted():
    channels = [{"name": "Radio", "kind": "luring", "reason": ""},
                {"name": "Koran", "kind": "cetak", "reason": ""},
                {"name": "SMS", "kind": "Hemat data", "reason": ""}]
    problems = validate_step(small_plan(channels=channels), "channels")
    assert [(p.row, p.level) for p in problems] == [(2, "error")]
    assert "cetak" in problems[0].message


def test_an_offline_or_low_bandwidth_channel_is_recommended():
    online_only = [{"name": "Instagram", "kind": "online", "reason": ""}]
    problems = validate_step(small_plan(channels=online_only), "channels")
    assert [p.level for p in problems] == ["warning"] and "radio" in problems[0].message.lower()


def test_calendar_dates_in_the_wrong_format_are_reported_with_row_numbers():
    rows = [{"date": d, "platform": "WhatsApp", "objective": 1} for d in
            ["2025-07-01", "03/07/2025", "2025/07/05", "7 Juli 2025", "2025-02-30"]]
    problems = [p for p in validate_step(small_plan(calendar=rows), "calendar") if p.level == "error"]
    assert [p.row for p in problems] == [3, 4, 5]
    assert "2025/07/05" in problems[0].message and "Baris 3" in problems[0].message
    assert parse_date("03/07/2025").isoformat() == "2025-07-03"


def test_calendar_platform_must_be_a_channel_or_a_known_platform():
    plan = small_plan(channels=small_plan().channels + [{"name": "Radio Suara Contoh FM", "kind": "offline"}])
    rows = [{"date": "2025-07-01", "platform": p, "objective": 1} for p in
            ["Myspace", "radio suara contoh fm", "Grup WhatsApp Desa", "TikTok", ""]]
    problems = validate_step(Plan(**{**plan.to_dict(), "calendar": rows}), "calendar")
    assert [p.row for p in problems] == [1, 5]
    assert "Myspace" in problems[0].message


def test_calendar_post_must_be_tied_to_an_existing_objective():
    rows = [{"date": "2025-07-01", "platform": "WhatsApp", "objective": o} for o in [1, "1", 0, 2, "", "abc"]]
    problems = validate_step(small_plan(calendar=rows), "calendar")
    assert [p.row for p in problems] == [3, 4, 5, 6]
    assert "1" in problems[0].message  # "from 1 to 1"


def test_calendar_gaps_longer_than_seven_days_are_reported():
    def plan(*dates):
        return small_plan(calendar=[{"date": d, "platform": "WhatsApp", "objective": 1} for d in dates])
    assert validate_step(plan("2025-07-01", "2025-07-08", "2025-07-15"), "calendar") == []
    problems = validate_step(plan("2025-07-01", "20/07/2025", "2025-07-08"), "calendar")
    assert len(problems) == 1 and problems[0].level == "warning"
    assert "2025-07-08" in problems[0].message and "2025-07-20" in problems[0].message and "12" in problems[0].message
    assert validate_step(plan("2025-07-01", "2025-07-08"), "calendar", max_gap_days=5)[0].level == "warning"


def test_kpi_without_target_or_with_a_bad_deadline():
    kpis = [{"name": "Pendonor baru", "definition": "x", "baseline": 180, "target": "", "deadline": "2025-09-30"},
            {"name": "Talkshow", "definition": "x", "baseline": 2, "target": 8, "deadline": "akhir Agustus"}]
    problems = validate_step(small_plan(kpis=kpis), "kpis")
    assert [p.row for p in problems] == [1, 2]
    assert "Pendonor baru" in problems[0].message and "akhir Agustus" in problems[1].message


def test_budget_values_must_be_numbers():
    budget = [{"item": "Poster", "unit_cost_idr": "Rp 15.000", "quantity": "10"},
              {"item": "Pulsa", "unit_cost_idr": "seratus ribu", "quantity": 5},
              {"item": "Kaos", "unit_cost_idr": 50000, "quantity": "-3"}]
    problems = validate_step(small_plan(budget=budget), "budget")
    assert [p.row for p in problems] == [2, 3]
    assert "seratus ribu" in problems[0].message
    assert budget_total(small_plan(budget=budget)) == 150000  # only the rows that are numbers


def test_risk_scores_must_be_1_to_3():
    risks = [{"risk": r, "likelihood": lik, "impact": imp, "response": "x", "owner": "Humas"}
             for r, lik, imp in [("a", 1, 3), ("b", 0, 2), ("c", "2", "4"), ("d", "tinggi", 2), ("e", "3", "1")]]
    problems = validate_step(small_plan(risks=risks), "risks")
    assert [p.row for p in problems] == [2, 3, 4]
    assert "tinggi" in problems[2].message


def test_approval_chain_and_responses_are_suggested():
    plan = small_plan(approval={"drafts_by": "Humas"},
                      risks=[{"risk": "Hoaks", "likelihood": 2, "impact": 2, "response": "", "owner": ""}])
    problems = validate_step(plan, "risks")
    assert [p.level for p in problems] == ["warning", "warning"]
    assert i18n.t("plan.field.spokesperson") in problems[1].message


def test_messages_need_a_known_audience():
    rows = [{"text": "a", "audience": "warga"}, {"text": "b", "audience": "Pejabat"}, {"text": "", "audience": ""}]
    problems = validate_step(small_plan(messages=rows), "messages")
    assert [p.row for p in problems] == [2, 3, 3]


def test_problem_messages_follow_the_learner_language():
    i18n.set_language("en")
    rows = [{"date": "2025-07-01", "platform": "WhatsApp", "objective": 1},
            {"date": "July 7", "platform": "WhatsApp", "objective": 1}]
    assert messages(small_plan(calendar=rows), "calendar")[0].startswith("Line 2:")


# -- tables -----------------------------------------------------------------------------

def test_calendar_frame_is_sorted_with_datetime_dates():
    rows = [{"date": "2025-07-10", "platform": "Radio", "objective": "2"},
            {"date": "bad", "platform": "SMS", "objective": "x"},
            {"date": "01/07/2025", "platform": "WhatsApp", "objective": 1}]
    frame = calendar_frame(small_plan(calendar=rows))
    assert list(frame.columns) == ["date", "platform", "objective", "theme", "format", "owner"]
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert list(frame["platform"]) == ["WhatsApp", "Radio", "SMS"]
    assert frame["date"].iloc[0] == pd.Timestamp("2025-07-01") and pd.isna(frame["date"].iloc[2])
    assert str(frame["objective"].dtype) == "Int64" and frame["objective"].iloc[1] == 2
    empty = calendar_frame(Plan())
    assert empty.empty and pd.api.types.is_datetime64_any_dtype(empty["date"])


def test_budget_total_and_rupiah_format():
    assert budget_total(example_plan()) == 4_550_000
    assert budget_total(Plan()) == 0
    assert format_idr(4_550_000, lang="id") == "Rp 4.550.000"
    assert format_idr(4_550_000, lang="en") == "IDR 4,550,000"


def test_lines_round_trip_and_nothing_is_dropped():
    plan = example_plan()
    for step in STEPS:
        assert text_to_rows(step, rows_to_text(step, getattr(plan, step))) == [
            {k: (v if isinstance(v, list) else str(v)) for k, v in row.items()} for row in getattr(plan, step)]
    rows = text_to_rows("messages", "Teks a | b | Warga\n\n  \nTeks c")
    assert rows == [{"text": "Teks a", "audience": "b | Warga"}, {"text": "Teks c", "audience": ""}]


# -- export and reopen ----------------------------------------------------------------------

def test_export_writes_four_files_with_the_expected_content(learner_home):
    plan = example_plan()
    plan.title = "Banjir <script>alert(1)</script> & Donor"
    paths = export_plan(plan)
    assert set(paths) == {"md", "csv", "html", "json"}
    folder = learner_home / "learners" / "tester" / "plans" / "banjir-script-alert-1-script-donor"
    assert paths["json"] == folder / "plan.json" and folder == plan_folder(plan.title)
    assert sorted(p.name for p in folder.iterdir()) == ["calendar.csv", "plan.html", "plan.json", "plan.md"]

    md = paths["md"].read_text(encoding="utf-8")
    assert md.startswith("# Banjir")
    for step in STEPS:
        assert i18n.t(f"plan.step.{step}") in md
    assert "Rp 4.550.000" in md and "Radio Suara Contoh FM" in md and "Kepala Markas" in md

    csv = pd.read_csv(paths["csv"])
    assert list(csv.columns) == ["date", "platform", "objective", "theme", "format", "owner"]
    assert len(csv) == len(plan.calendar) and list(csv["date"]) == sorted(csv["date"])
    assert csv["date"].iloc[0] == "2025-07-03"

    page = paths["html"].read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "&amp; Donor" in page
    assert "<html lang='id'>" in page and "Tujuan" in page and "Objectives" in page  # both languages
    assert "@media print" in page

    data = json.loads(paths["json"].read_text(encoding="utf-8"))
    assert data["format"] == "sarasehan-plan" and data["plan"]["title"] == plan.title
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_export_then_load_round_trips(tmp_path):
    plan = example_plan()
    paths = export_plan(plan)
    assert load_plan(paths["json"].parent) == plan
    assert load_plan(paths["json"]) == plan
    typed = Plan(title="Ketik", calendar=text_to_rows("calendar", "07/07/2025 | WhatsApp | 1 | banjir | foto"),
                 audiences=text_to_rows("audiences", "Warga | 5 desa | WhatsApp, Radio"))
    assert load_plan(export_plan(typed, tmp_path / "elsewhere")["json"]) == typed
    assert list_plans() == [plan.title]


def test_an_interrupted_save_leaves_the_previous_plan(monkeypatch):
    plan = example_plan()
    paths = export_plan(plan)
    before = {k: p.read_bytes() for k, p in paths.items()}
    changed = example_plan()
    changed.calendar[0]["theme"] = "VERSI BARU"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        export_plan(changed)
    monkeypatch.undo()
    assert {k: p.read_bytes() for k, p in paths.items()} == before
    assert load_plan(paths["json"].parent) == plan
    assert not [p for p in paths["json"].parent.iterdir() if p.name.endswith(".tmp")]


def test_plan_json_is_replaced_last(monkeypatch):
    plan = example_plan()
    paths = export_plan(plan)
    changed = example_plan()
    changed.branch = "PMI Kabupaten Baru"
    real_replace = os.replace

    def fail_on_json(src, dst):
        if str(dst).endswith("plan.json"):
            raise OSError("crash")
        real_replace(src, dst)
    monkeypatch.setattr(os, "replace", fail_on_json)
    with pytest.raises(OSError):
        export_plan(changed)
    monkeypatch.undo()
    assert load_plan(paths["json"].parent).branch == plan.branch  # the previous source is intact
    assert not [p for p in paths["json"].parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("content", ["{broken", "[1, 2]", '{"plan": {"objectives": "not a list"}}',
                                     '{"format": "something-else", "plan": {}}'])
def test_a_corrupt_plan_json_is_backed_up_and_reported(content):
    paths = export_plan(example_plan())
    md_before = paths["md"].read_bytes()
    paths["json"].write_text(content, encoding="utf-8")
    with pytest.raises(PlanFileError) as info:
        load_plan(paths["json"].parent)
    backup = info.value.backup
    assert backup is not None and backup.exists() and backup.read_text(encoding="utf-8") == content
    assert backup.name in str(info.value) and "plan.md" in str(info.value)
    assert not paths["json"].exists() and paths["md"].read_bytes() == md_before


def test_a_missing_plan_is_reported(tmp_path):
    with pytest.raises(PlanFileError, match="tidak ditemukan"):
        load_plan(tmp_path / "nothing-here")
    with pytest.raises(SarasehanError):
        plan_folder("   ")
    assert slugify("Siaga Banjir – 2025!") == "siaga-banjir-2025"


# -- the running example ------------------------------------------------------------------

def test_the_example_plan_validates_cleanly_on_every_step():
    plan = example_plan()
    for step in STEPS:
        assert validate_step(plan, step) == [], step


def test_the_example_plan_matches_the_brief():
    plan = example_plan()
    assert "Kabupaten Contoh" in plan.branch and "PRB" in plan.programme
    assert len(plan.objectives) == 3
    for row in plan.objectives:  # SMART with the owner and baseline of the table row
        table = smart_check(row["text"], baseline=row["baseline"], target=row["target"], owner=row["owner"])
        assert all(table["ok"]) and table.attrs["warnings"] == [], row["text"]
    assert {"Radio", "SMS", "WhatsApp"} <= {c["name"] for c in plan.channels}
    assert {c["kind"] for c in plan.channels} == set(KINDS)
    frame = calendar_frame(plan)
    assert frame["date"].min() >= pd.Timestamp("2025-07-01") and frame["date"].max() <= pd.Timestamp("2025-09-30")
    weeks = (frame["date"] - frame["date"].min()).dt.days // 7
    assert weeks.nunique() == 13
    assert frame["date"].diff().dt.days.max() <= 7
    assert set(frame["objective"]) == {1, 2, 3}
    assert set(APPROVAL_FIELDS) <= set(plan.approval) and all(plan.approval.values())


def test_the_example_plan_matches_the_lesson():
    """The running example has the figures of the Module 05 lesson (sections 5–10)."""
    plan = example_plan()
    kpis = [(k["baseline"], k["target"], k["deadline"]) for k in plan.kpis]
    assert kpis == [(150, 400, "2025-09-30"), (180, 300, "2025-09-30"), (2, 8, "2025-08-31"),
                    ("60%", "90%", "2025-09-30")]
    assert [(o["baseline"], o["target"]) for o in plan.objectives] == [(150, 400), (180, 300), (2, 8)]
    assert [o["kpi"] for o in plan.objectives] == [k["name"] for k in plan.kpis[:3]]
    assert "WhatsApp Siaga Banjir" in plan.objectives[0]["text"] and "lima desa" in plan.objectives[0]["text"]
    text = json.dumps(plan.to_dict(), ensure_ascii=False)
    assert " enam " not in text and " 6 desa" not in text  # five villages, never six
    assert [r["unit_cost_idr"] * r["quantity"] for r in plan.budget] == [
        0, 0, 750_000, 450_000, 900_000, 1_200_000, 1_250_000, 0]
    assert {c["name"] for c in plan.channels} == {"Instagram", "Facebook", "WhatsApp", "SMS", "Radio",
                                                  "Pertemuan warga"}
    frame = calendar_frame(plan)
    by_objective = frame.groupby("objective")["platform"].agg(set)
    assert by_objective[3] == {"Radio"} and "Radio" not in by_objective[1] | by_objective[2]
    radio = frame[frame["platform"] == "Radio"]
    assert len(radio) == 8 and radio["date"].max() <= pd.Timestamp("2025-08-31")  # 8 talk shows by 31 August
    assert (frame["platform"] == "Pertemuan warga").sum() == 5  # one meeting in each of the five villages
    assert set(frame.loc[frame["platform"] == "SMS", "objective"]) == {1}
    monday, thursday = frame["date"].dt.day_of_week == 0, frame["date"].dt.day_of_week == 3
    senin = frame[monday & (frame["platform"] == "WhatsApp")]
    kamis = frame[thursday & frame["platform"].isin(["Instagram", "Facebook"])]
    assert len(senin) == len(kamis) == 13 and set(senin["objective"]) == {1} and set(kamis["objective"]) == {2}
    per_week = frame.groupby(frame["date"].dt.isocalendar().week)["date"].count()
    assert list(per_week.index) == list(range(27, 41)) and per_week.min() >= 2  # two posts every week
    assert per_week.idxmax() == 38  # HUT PMI on 17 September and the last blood drive on the 20th
    assert (frame["date"] == pd.Timestamp("2025-09-17")).sum() == 3  # HUT PMI on three channels


def test_example_plan_calendar_has_a_status_column():
    frame = example_plan_calendar()
    assert list(frame.columns) == ["date", "platform", "objective", "theme", "format", "owner", "status"]
    assert set(frame["status"]) == {"published", "scheduled"}
    assert (frame.loc[frame["status"] == "published", "date"] < pd.Timestamp("2025-08-15")).all()
    assert frame["date"].is_monotonic_increasing


def test_every_dynamic_message_key_exists():
    catalog = i18n.catalog()
    keys = [f"plan.{kind}.{step}" for step in STEPS for kind in ("step", "help", "placeholder")]
    keys += [f"plan.field.{f}" for fields in FIELDS.values() for f in fields]
    keys += [f"plan.field.{f}" for f in APPROVAL_FIELDS] + [f"plan.kind.{k}" for k in KINDS]
    keys += [f"smart.criterion.{letter}" for letter in LETTERS]
    assert [k for k in keys if k not in catalog] == []


# -- the widget -------------------------------------------------------------------------------

def test_plan_builder_fill_validate_save_and_reopen():
    builder = plan_builder()
    assert isinstance(builder, PlanBuilderWidget) and isinstance(builder.model, Plan)
    assert "sarasehan-plan-builder" in builder._dom_classes
    assert "sarasehan-plan-save" in builder.save_button._dom_classes
    assert "sarasehan-plan-validate" in builder.validate_button._dom_classes
    assert "sarasehan-plan-status" in builder.status._dom_classes
    assert len(builder.tabs.children) == len(STEPS)

    builder.title.value = "Rencana Relawan Uji"
    weak = "Meningkatkan engagement | Interaksi | | | "
    builder.boxes["objectives"].value = weak
    builder.validate_button.click()
    assert "sarasehan-bad" in builder.status.value and "Baris 1" in builder.status.value
    assert builder.boxes["objectives"].value == weak  # nothing typed is lost

    builder.boxes["objectives"].value = f"{STRONG_ID} | Anggota grup | 400 | 150 | Humas"
    builder.validate_button.click()
    assert "sarasehan-ok" in builder.status.value
    builder.next_button.click()
    assert builder.current_step == "audiences"
    builder.prev_button.click()
    assert builder.current_step == "objectives"

    builder.boxes["calendar"].value = ("2025-07-14 | Instagram | 1 | donor | foto | Humas\n"
                                       "07/07/2025 | WhatsApp | 1 | banjir | foto | Humas")
    assert builder.preview.value.index("2025-07-07") < builder.preview.value.index("2025-07-14")  # live, sorted
    builder.boxes["channels"].value = "WhatsApp | low_bandwidth | ringan\nInstagram | online"
    builder.approval["spokesperson"].value = "Ketua PMI"
    builder.save_button.click()
    folder = plan_folder("Rencana Relawan Uji")
    assert all((folder / name).exists() for name in ("plan.md", "calendar.csv", "plan.html", "plan.json"))
    assert "plan.json" in builder.status.value and "sarasehan-ok" in builder.status.value

    again = plan_builder()
    assert "Rencana Relawan Uji" in again.open_box.options
    again.open_box.value = "Rencana Relawan Uji"
    again.open_button.click()
    assert "sarasehan-ok" in again.status.value
    for step in STEPS:
        assert again.boxes[step].value == builder.boxes[step].value, step
    assert again.title.value == builder.title.value
    assert again.approval["spokesperson"].value == "Ketua PMI"
    assert again.model == builder.model
    assert plan_builder("Rencana Relawan Uji").model == builder.model  # reopened by title


def test_plan_builder_keeps_the_text_when_saving_fails(monkeypatch):
    builder = plan_builder(example=True)
    builder.title.value = ""
    builder.save_button.click()
    assert "sarasehan-bad" in builder.status.value and builder.boxes["calendar"].value
    builder.title.value = "Rencana Gagal Simpan"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(os, "replace", broken_replace)
    text = builder.boxes["risks"].value
    assert builder.save() is None
    assert "No space left" in builder.status.value and builder.boxes["risks"].value == text


def test_plan_builder_reports_a_corrupt_or_missing_plan():
    paths = export_plan(small_plan())
    paths["json"].write_text("{broken", encoding="utf-8")
    builder = plan_builder()
    builder.boxes["objectives"].value = "kept"
    builder.open_box.value = "Rencana Uji"
    builder.open_button.click()
    assert "corrupt-" in builder.status.value and builder.boxes["objectives"].value == "kept"
    builder.open_plan("Tidak Ada")
    assert "sarasehan-bad" in builder.status.value
    fresh = plan_builder("Tidak Ada")
    assert fresh.title.value == "Tidak Ada" and fresh.boxes["calendar"].value == ""


def test_a_file_that_is_not_plan_json_is_never_moved(tmp_path):
    other = tmp_path / "answers.json"
    other.write_text('{"q1": "B"}', encoding="utf-8")
    with pytest.raises(PlanFileError, match="answers.json"):
        load_plan(other)
    assert other.read_text(encoding="utf-8") == '{"q1": "B"}'
    copy = tmp_path / "copy.json"
    copy.write_text(export_plan(example_plan())["json"].read_text(encoding="utf-8"), encoding="utf-8")
    assert load_plan(copy) == example_plan()


def test_plan_cells_accept_dates_numpy_numbers_and_lists():
    import datetime as dt

    import numpy as np
    plan = Plan(calendar=[{"date": dt.date(2025, 7, 1), "platform": "SMS", "objective": np.int64(1)},
                          {"date": pd.Timestamp("2025-07-03"), "platform": "SMS", "objective": 1}],
                risks=[{"risk": "x", "likelihood": np.int64(2), "impact": 3.0, "owner": ["Humas", "KSR"]}])
    assert plan.calendar[0]["date"] == "2025-07-01" and plan.calendar[1]["date"] == "2025-07-03"
    assert plan.calendar[0]["objective"] == 1 and type(plan.calendar[0]["objective"]) is int
    assert plan.risks[0]["owner"] == "Humas, KSR"
    assert Plan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


def test_percent_baselines_from_the_table_are_compared():
    text = "Humas membalas 90% pertanyaan warga Kota Contoh dalam 24 jam sampai 30 September 2025"
    row = {"text": text, "kpi": "Balasan", "target": "90%", "baseline": "60%", "owner": "Humas"}
    assert validate_step(small_plan(objectives=[row]), "objectives") == []
    assert validate_step(small_plan(objectives=[{**row, "baseline": "10%"}]), "objectives")[0].level == "error"


def test_the_preview_shows_unreadable_lines_instead_of_failing():
    builder = plan_builder()
    builder.boxes["calendar"].value = "kemarin | Radio | satu | tema\n2025-07-01 | SMS | 1 | <b>tebal</b>"
    assert builder.preview.value.count("?") >= 2 and "&lt;b&gt;tebal" in builder.preview.value
    builder.boxes["calendar"].value = ""
    assert i18n.t("plan.widget.preview_empty") in builder.preview.value


@pytest.mark.parametrize("name", ["sarasehan.smart", "sarasehan.plan"])
def test_doctests(name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_export_and_widget_in_english():
    i18n.set_language("en")
    paths = export_plan(example_plan())
    page = paths["html"].read_text(encoding="utf-8")
    assert "<html lang='en'>" in page and "Objectives <span class='other-lang' lang='id'>/ Tujuan" in page
    md = paths["md"].read_text(encoding="utf-8")
    assert "## 5. Content calendar" in md and "IDR 4,550,000" in md
    builder = plan_builder(example=True)
    assert builder.tabs.titles[0] == "1. Objectives"
    builder.tabs.selected_index = 4
    builder.boxes["calendar"].value += "\n2025-13-40 | WhatsApp | 1"
    builder.validate()
    assert f"Line {len(example_plan().calendar) + 1}:" in builder.status.value


@pytest.mark.parametrize("objective, expected", [
    # the Module 05 lesson's examples: the strong sentence names no owner, as the lesson says
    ("Meningkatkan jumlah pendonor darah", {"M": False, "A": False, "T": False}),
    ("Menambah 150 pendonor darah sukarela baru di Kabupaten Contoh antara 1 Juli dan 30 September 2025, "
     "diukur dari data pendaftaran UDD", {"S": True, "M": True, "A": False, "R": True, "T": True}),
    ("Recruit 150 new voluntary blood donors in Kabupaten Contoh between 1 July and 30 September 2025, "
     "counted from the UDD's registration data.", {"S": True, "M": True, "A": False, "T": True}),
    ("Sampai 30 September 2025, 60% rumah tangga di lima desa bantaran tahu jalur evakuasi desanya "
     "(garis dasar 35%), diukur dengan survei singkat SIBAT.", {"S": True, "M": True, "A": False, "R": True}),
    ("90% pertanyaan warga dijawab dalam 24 jam, Juli–September 2025; penanggung jawab: admin piket.",
     {"M": True, "A": True, "T": True}),
])
def test_the_lesson_examples(objective, expected):
    result = ok(smart_check(objective))
    assert {k: result[k] for k in expected} == expected
