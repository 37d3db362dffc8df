"""Workshop mode: roster, group split, questions, timer, answer files, merge, board, widgets."""

import csv
import doctest
import importlib
import io
import json
import os
import random
import re
import string
import subprocess
import sys
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

import sarasehan
from sarasehan import i18n
from sarasehan.errors import SarasehanError
from sarasehan.workshop import answers as answers_mod
from sarasehan.workshop import board, merge
from sarasehan.workshop.answers import save_answer
from sarasehan.workshop.groups import Group, group_cards, group_count, split_groups
from sarasehan.workshop.merge import merge_answers, pack_answers, unsafe_member
from sarasehan.workshop.questions import assign_questions, question_cards, question_for, questions_for
from sarasehan.workshop.roster import Participant, example_roster_path, participant, read_roster
from sarasehan.workshop.session import WorkshopSession, device_id, open_session
from sarasehan.workshop.timer import Countdown, Ticker, format_mmss

ROOT = Path(__file__).resolve().parent.parent
HEADER = "name,contingent,role,uses_social_media\n"
LOGIC_MODULES = ["_util", "roster", "groups", "questions", "timer", "session", "answers", "merge", "board"]


def people(spec):
    """``[(contingent, role, uses), …]`` -> participants named P01, P02, …"""
    return [Participant(f"P{i:02d}", c, r, u) for i, (c, r, u) in enumerate(spec, start=1)]


def clock_at(start=1000.0):
    now = [start]
    return now, (lambda: now[0])


def fixed_time(text):
    return lambda: datetime.fromisoformat(text)


# --- package hygiene ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", LOGIC_MODULES)
def test_doctests(name):
    i18n.set_language("en")
    result = doctest.testmod(importlib.import_module(f"sarasehan.workshop.{name}"), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_logic_imports_no_widgets_and_has_no_side_effects(tmp_path):
    code = ("import os, sys; before = set(os.listdir('.')); import sarasehan.workshop as w; "
            "assert set(os.listdir('.')) == before; assert 'ipywidgets' not in sys.modules, 'ipywidgets'")
    env = {"SARASEHAN_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "home").exists()


def test_factories_are_exposed_lazily():
    for name in ("workshop_roster", "workshop_groups", "group_answer_form", "workshop_timer", "results_board"):
        assert name in sarasehan.__all__ and callable(getattr(sarasehan, name))
    assert sarasehan.workshop.split_groups is split_groups


def test_every_workshop_message_exists_in_both_languages_with_the_same_placeholders():
    catalog = i18n.catalog()
    used = set()
    for path in [*(ROOT / "sarasehan" / "workshop").glob("*.py"), ROOT / "sarasehan" / "widgets" / "workshop.py"]:
        used |= set(re.findall(r"""["'](workshop\.[A-Za-z0-9_.]+)["']""", path.read_text(encoding="utf-8")))
    used |= {"workshop.category.A", "workshop.category.B"}
    assert sorted(k for k in used if k not in catalog) == []
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key in (k for k in catalog if k.startswith("workshop.")):
        assert set(catalog[key]) == {"id", "en"}, key
        assert fields(catalog[key]["id"]) == fields(catalog[key]["en"]), key
        assert "lang" not in fields(catalog[key]["id"]), key


# --- roster ------------------------------------------------------------------------------------
def test_roster_reads_english_and_indonesian_values_with_case_and_space_variants():
    text = ("name,contingent,role,uses_social_media\n"
            "Peserta 01,Jawa Timur,staff,yes\n"
            "Peserta 02,Bali, Relawan ,TIDAK\n"
            "Peserta 03,Papua,STAF,Ya\n"
            "Peserta 04,Aceh,volunteer,n\n"
            "Peserta 05,Riau,Re lawan,true\n"
            "Peserta 06,Maluku,staf,0\n"
            "Peserta 07,Gorontalo,KSR,1\n"
            "Peserta 08,Banten,relawan,false\n"
            "Peserta 09,Jambi,Staff,y\n")
    got, problems = read_roster(text)
    assert problems == []
    assert [(p.role, p.uses_social_media) for p in got] == [
        ("staff", True), ("volunteer", False), ("staff", True), ("volunteer", False), ("volunteer", True),
        ("staff", False), ("volunteer", True), ("volunteer", False), ("staff", True)]
    assert got[1].contingent == "Bali" and got[0].line == 2 and got[-1].line == 10


def test_roster_accepts_semicolons_bom_indonesian_headers_province_and_extra_columns():
    text = "\ufeffNama;Provinsi;Peran;Pakai media sosial;Catatan\nPeserta 01;NTT;relawan;ya;KSR unit kampus\n"
    got, problems = read_roster(text)
    assert problems == [] and got == [Participant("Peserta 01", "NTT", "volunteer", True)]
    got, _ = read_roster("name\tprovince\trole\tuses_social_media\nP\tAceh\tstaff\tno\n")
    assert got[0].contingent == "Aceh" and got[0].category == "A"


def test_roster_reports_duplicates_with_line_numbers_and_keeps_the_first():
    text = HEADER + "Peserta 01,Jawa Timur,staf,ya\nPeserta 02,Bali,relawan,ya\n peserta   01 ,JAWA timur,relawan,tidak\n"
    got, problems = read_roster(text)
    assert [p.name for p in got] == ["Peserta 01", "Peserta 02"] and got[0].role == "staff"
    assert [(p.line, p.key) for p in problems] == [(4, "workshop.roster.duplicate")]
    i18n.set_language("id")
    assert "Baris 4" in str(problems[0]) and "baris 2" in str(problems[0])
    i18n.set_language("en")
    assert "Line 4" in str(problems[0]) and "line 2" in str(problems[0])
    # the same name in another contingent is another person
    got, problems = read_roster(HEADER + "Peserta 01,Aceh,staf,ya\nPeserta 01,Bali,staf,ya\n")
    assert len(got) == 2 and not problems


def test_roster_reports_missing_fields_and_unknown_values_but_keeps_good_rows():
    text = (HEADER +
            "Peserta 01,Aceh,staf,ya\n"
            ",Bali,relawan,ya\n"            # line 3: no name
            "Peserta 03,,,tidak\n"          # line 4: no contingent, no role
            "\n"                            # line 5: blank, ignored
            "Peserta 05,Riau,ketua,ya\n"    # line 6: unknown role
            "Peserta 06,Jambi,staf,mungkin\n"  # line 7: unknown yes/no
            "Peserta 07,Papua,relawan\n"    # line 8: short row
            "Peserta 08,Maluku,relawan,belum\n")
    got, problems = read_roster(text)
    assert [p.name for p in got] == ["Peserta 01", "Peserta 08"]
    assert [(p.line, p.key) for p in problems] == [
        (3, "workshop.roster.missing"), (4, "workshop.roster.missing"), (6, "workshop.roster.bad_role"),
        (7, "workshop.roster.bad_yes_no"), (8, "workshop.roster.missing")]
    i18n.set_language("id")
    messages = [str(p) for p in problems]
    assert "Baris 3" in messages[0] and "name" in messages[0]
    assert "contingent, role" in messages[1]
    assert "'ketua'" in messages[2] and "relawan" in messages[2]
    assert "'mungkin'" in messages[3] and "tidak" in messages[3]
    i18n.set_language("en")
    assert "Line 6: unknown role 'ketua'" in str(problems[2])


def test_roster_line_numbers_count_quoted_multiline_fields():
    text = HEADER + '"Peserta 01","Jawa\nTimur",staf,ya\nPeserta 02,Bali,kepala,ya\n'
    got, problems = read_roster(text)
    assert got[0].contingent == "Jawa Timur"  # spaces tidied
    assert problems[0].line == 4


@pytest.mark.parametrize("lang", ["id", "en"])
def test_missing_column_names_the_expected_columns(lang):
    i18n.set_language(lang)
    with pytest.raises(SarasehanError) as info:
        read_roster("name,contingent,role\nPeserta 01,Aceh,staf\n")
    assert "uses_social_media" in str(info.value) and "name, contingent, role, uses_social_media" in str(info.value)


def test_not_csv_and_empty_input_name_the_expected_columns(tmp_path):
    i18n.set_language("en")
    xlsx = tmp_path / "peserta.xlsx"
    xlsx.write_bytes(b"PK\x03\x04\x14\x00\x00\x00binary\x00stuff")
    for source in (xlsx, "Dear facilitator,\nhere is the list\n", "   \n\n", tmp_path / "nowhere.csv",
                   str(tmp_path / "nowhere.csv")):
        with pytest.raises(SarasehanError) as info:
            read_roster(source)
        assert "name, contingent, role, uses_social_media" in str(info.value), source
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SarasehanError, match="not CSV|cannot be read"):
        read_roster(binary)


def test_roster_reads_files_by_path_including_windows_encodings(tmp_path):
    path = tmp_path / "peserta.csv"
    path.write_bytes((HEADER + "Peserta Ä,Bali,staf,ya\n").encode("cp1252"))
    got, _ = read_roster(path)
    assert got[0].name == "Peserta Ä"
    got, _ = read_roster(str(path))
    assert len(got) == 1


def test_example_roster_is_synthetic_shaped_and_clean():
    path = example_roster_path()
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert list(rows[0]) == ["name", "contingent", "role", "uses_social_media"]
    assert all(re.fullmatch(r"Peserta \d\d", r["name"]) for r in rows)
    got, problems = read_roster(path)
    assert problems == [] and len(got) == 24
    assert Counter(p.role for p in got) == {"staff": 12, "volunteer": 12}
    assert Counter(p.category for p in got) == {"A": 10, "B": 14}
    # one staff member and one volunteer per contingent, as in 2013
    assert all(sorted(p.role for p in got if p.contingent == c) == ["staff", "volunteer"]
               for c in {p.contingent for p in got})


def test_example_roster_is_regenerated_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("gen", ROOT / "datasets" / "scripts" / "generate_workshop_roster_example.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path / "roster.csv"
    gen.write(gen.generate(), out)
    assert out.read_bytes() == example_roster_path().read_bytes()
    gen.write(gen.generate(seed=gen.SEED + 1), tmp_path / "other.csv")
    assert (tmp_path / "other.csv").read_bytes() != out.read_bytes()


def test_typed_in_participant_is_checked():
    assert participant(" Peserta 07 ", "Aceh", "Relawan", "ya") == Participant("Peserta 07", "Aceh", "volunteer", True)
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="unknown role|Unknown role"):
        participant("P", "Aceh", "boss", "ya")
    with pytest.raises(SarasehanError, match="yes/no"):
        participant("P", "Aceh", "staf", "maybe")
    with pytest.raises(SarasehanError):
        participant("", "Aceh", "staf", "ya")


# --- groups ------------------------------------------------------------------------------------
def _native(groups, category):
    return [[p for p in g.members if p.category == category] for g in groups if g.category == category]


def _spread_ok(members_by_group):
    sizes = [len(m) for m in members_by_group]
    staff = [sum(p.role == "staff" for p in m) for m in members_by_group]
    vols = [sum(p.role == "volunteer" for p in m) for m in members_by_group]
    return max(sizes) - min(sizes) <= 1 and max(staff) - min(staff) <= 1 and max(vols) - min(vols) <= 1


def test_split_balances_roles_and_spreads_contingents():
    # 4 contingents x (2 staff + 2 volunteers) in category B: 4 groups of 4 can each hold one of every contingent
    spec = [(c, r, True) for c in ("Aceh", "Bali", "Papua", "Riau") for r in ("staff", "staff", "volunteer", "volunteer")]
    for seed in range(10):
        groups = split_groups(people(spec), size=4, seed=seed)
        assert [g.id for g in groups] == ["B1", "B2", "B3", "B4"]
        for g in groups:
            assert g.count("staff") == 2 and g.count("volunteer") == 2
            assert sorted(g.contingents().values()) == [1, 1, 1, 1], (seed, g)
    groups = split_groups(read_roster(example_roster_path())[0], size=4, seed=0)
    for g in groups:
        assert max(g.contingents().values()) == 1  # nobody shares a group with their own contingent here


def test_split_keeps_everyone_and_balance_on_many_random_rosters():
    provinces = ["Aceh", "Bali", "Papua", "Jawa Timur", "NTT", "Riau", "Maluku"]
    for trial in range(300):
        rng = random.Random(trial)
        roster = people([(rng.choice(provinces), rng.choice(["staff", "volunteer"]), rng.random() < 0.5)
                         for _ in range(rng.randint(2, 40))])
        size = rng.randint(2, 8)
        groups = split_groups(roster, size=size, seed=trial)
        assert sorted(p.name for g in groups for p in g.members) == sorted(p.name for p in roster)
        for category in "AB":
            native = _native(groups, category)
            if len(native) > 1:
                assert _spread_ok(native), (trial, category)
                assert min(len(m) for m in native) >= 2


def test_split_is_reproducible_with_a_seed_and_differs_with_another():
    roster, _ = read_roster(example_roster_path())
    first = split_groups(roster, size=4, seed=7)
    assert split_groups(roster, size=4, seed=7) == first
    assert split_groups(list(reversed(roster)), size=4, seed=7) == first  # row order does not matter
    assert split_groups(roster, size=4, seed=8) != first
    as_names = lambda gs: [[p.name for p in g.members] for g in gs]  # noqa: E731
    assert len({json.dumps(as_names(split_groups(roster, size=4, seed=s))) for s in range(5)}) > 1


@pytest.mark.parametrize("n,size,expected", [(11, 5, [4, 4, 3]), (10, 5, [5, 5]), (7, 3, [3, 2, 2]),
                                             (5, 2, [3, 2]), (3, 2, [3]), (2, 5, [2]), (13, 4, [4, 3, 3, 3])])
def test_odd_sizes_differ_by_at_most_one(n, size, expected):
    groups = split_groups(people([("Aceh", "staff" if i % 3 else "volunteer", False) for i in range(n)]), size, 1)
    assert sorted((g.size for g in groups), reverse=True) == expected
    assert [g.id for g in groups] == [f"A{i}" for i in range(1, len(expected) + 1)]


def test_group_count():
    assert [group_count(n, 5) for n in (0, 1, 2, 5, 6, 10, 11)] == [0, 1, 1, 1, 2, 2, 3]


def test_a_one_person_category_joins_the_smallest_group_of_the_other():
    spec = [("Aceh", "staff", False)] + [(c, r, True) for c, r in
                                         [("Bali", "staff"), ("Riau", "volunteer"), ("Papua", "staff"),
                                          ("NTT", "volunteer"), ("Jambi", "staff")]]
    groups = split_groups(people(spec), size=3, seed=0)
    assert [g.id for g in groups] == ["B1", "B2"]
    assert sorted(g.size for g in groups) == [3, 3]  # B had 3+2: the newcomer joined the group of two
    host = next(g for g in groups if any(p.name == "P01" for p in g.members))
    assert [p.name for p in host.guests()] == ["P01"]
    i18n.set_language("en")
    assert "not yet using social media" in group_cards(groups)  # the guest is marked on the card


def test_one_person_in_each_category_form_one_group_and_a_single_person_forms_a_group():
    groups = split_groups(people([("Aceh", "staff", False), ("Bali", "volunteer", True)]), size=4, seed=0)
    assert [(g.id, g.size) for g in groups] == [("A1", 2)]
    groups = split_groups(people([("Aceh", "staff", True)]), size=4, seed=0)
    assert [(g.id, g.size) for g in groups] == [("B1", 1)]


def test_an_empty_category_has_no_groups():
    groups = split_groups(people([("Aceh", "staff", True)] * 3 + [("Bali", "volunteer", True)] * 3), size=3, seed=0)
    assert [g.id for g in groups] == ["B1", "B2"]


def test_bad_size_and_empty_roster_are_refused_kindly():
    i18n.set_language("id")
    with pytest.raises(SarasehanError, match="Ukuran kelompok"):
        split_groups(people([("Aceh", "staff", True)] * 3), size=1)
    with pytest.raises(SarasehanError, match="Muat daftar peserta"):
        split_groups([], size=4)


@pytest.mark.parametrize("lang,heading,category", [("id", "Kelompok A1", "belum memakai"),
                                                   ("en", "Group A1", "not yet using")])
def test_group_cards_are_bilingual_and_escaped(lang, heading, category):
    i18n.set_language(lang)
    html = group_cards([Group("A1", "A", [Participant("<script>x</script>", "Aceh & Bali", "staff", False)])])
    assert heading in html and category in html
    assert "<script>" not in html and "&lt;script&gt;" in html and "Aceh &amp; Bali" in html
    assert html._repr_html_() == str(html)


# --- questions ---------------------------------------------------------------------------------
def test_question_bank_covers_every_module_for_both_categories():
    bank = yaml.safe_load((ROOT / "sarasehan" / "content" / "workshop_questions.yml").read_text(encoding="utf-8"))
    assert sorted(bank) == ["00", "01", "02", "03", "04", "05", "06"]
    keys = []
    for module in bank:
        for category in "AB":
            qs = questions_for(module, category)
            assert 3 <= len(qs) <= 4, (module, category)
            for q in qs:
                texts = dict(q.texts)
                assert texts["id"].strip() and texts["en"].strip() and texts["id"] != texts["en"]
                keys.append(q.key)
    assert len(keys) == len(set(keys))
    text = (ROOT / "sarasehan" / "content" / "workshop_questions.yml").read_text(encoding="utf-8")
    for word in ("relawan", "markas", "KSR", "TSR", "Humas", "donor darah", "bencana"):
        assert word in text


def test_questions_are_dealt_round_robin_and_seeded():
    ids = ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "B5"]
    a = assign_questions(ids, "01", seed=3)
    assert assign_questions(list(reversed(ids)), "01", seed=3) == a
    a_keys = [a[g].key for g in ("A1", "A2", "A3")]
    assert len(set(a_keys)) == 3 and a["A4"] == a["A1"]  # all three A questions before any repeats
    b_keys = [a[g].key for g in ("B1", "B2", "B3", "B4")]
    assert len(set(b_keys)) == 4 and a["B5"] == a["B1"]
    assert all(a[g].category == g[0] and a[g].key.startswith(("m01-a", "m01-b")) for g in ids)
    orders = {tuple(q.key for q in assign_questions(ids, "01", seed=s).values()) for s in range(6)}
    assert len(orders) > 1
    # a laptop that knows only its own group gets the same question
    assert question_for("B3", "01", seed=3) == a["B3"]


def test_question_cards_render_the_assignment(tmp_path):
    i18n.set_language("en")
    groups = split_groups(read_roster(example_roster_path())[0], size=5, seed=1)
    cards = question_cards(groups, 4, seed=1)
    assert sorted(cards.assignment) == sorted(g.id for g in groups)
    assert all(f"Group {g.id}, Module 04" in cards for g in groups)
    assert cards.assignment["A1"].text.replace("'", "&#x27;").replace('"', "&quot;") in cards
    i18n.set_language("id")
    assert "Kelompok A1, Modul 04" in question_cards(groups, "04", seed=1)
    with pytest.raises(SarasehanError, match="07"):
        question_cards(groups, "07")
    with pytest.raises(SarasehanError, match="C1"):
        question_for("C1", "01")


# --- countdown ---------------------------------------------------------------------------------
def test_countdown_with_an_injected_clock():
    now, clock = clock_at(50.0)
    c = Countdown(600, clock=clock)
    assert c.remaining() == 600 and not c.finished()
    now[0] += 599.5
    assert c.remaining() == pytest.approx(0.5) and format_mmss(c.remaining()) == "00:01"
    now[0] += 0.5
    assert c.finished() and c.remaining() == 0
    now[0] += 100
    assert c.remaining() == 0  # never negative
    assert Countdown(60, started_at=0).remaining(now=15) == 45
    assert Countdown(60, started_at=0).finished(now=60)


def test_countdown_stop_freezes_and_bad_values_are_refused():
    now, clock = clock_at(0.0)
    c = Countdown(120, clock=clock)
    now[0] = 20
    c.stop()
    now[0] = 1000
    assert c.remaining() == 100 and not c.finished() and c.stopped
    i18n.set_language("en")
    for bad in (0, -5, "ten", float("nan")):
        with pytest.raises(SarasehanError, match="minutes"):
            Countdown(bad)


def test_ticker_runs_in_the_background_and_stops():
    calls = []
    tk = Ticker(lambda: calls.append(1), interval=0.005)
    tk.start()
    assert tk.running  # returned at once: the kernel is not blocked
    deadline = datetime.now() + timedelta(seconds=5)
    while len(calls) < 3 and datetime.now() < deadline:
        pass
    tk.stop()
    tk.join(2)
    assert len(calls) >= 3 and not tk.running


# --- answers and sessions ----------------------------------------------------------------------
def test_answer_file_holds_every_field(learner_home, monkeypatch):
    monkeypatch.setenv("SARASEHAN_DEVICE", "laptop-hall")
    session = WorkshopSession("Jatim 2025")
    assert session.folder == learner_home / "learners" / "tester" / "workshop" / "Jatim_2025"
    path, record = save_answer(session, "b2", 3, "  Uji A/B: foto relawan vs infografis  ",
                               now=fixed_time("2025-06-26T10:15:00+07:00"))
    assert path == session.folder / "answers" / "B2.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == record
    assert {k: data[k] for k in ("group", "module", "answer", "saved_at", "device")} == {
        "group": "B2", "module": "03", "answer": "Uji A/B: foto relawan vs infografis",
        "saved_at": "2025-06-26T10:15:00+07:00", "device": "laptop-hall"}
    assert data["question_id"] == question_for("B2", "03", seed=0).key
    assert re.fullmatch(r"[0-9a-f-]{36}", data["uuid"])


def test_session_folder_can_be_any_folder_and_device_can_be_overridden(tmp_path, monkeypatch):
    shared = tmp_path / "jupyterhub-shared" / "sarasehan"
    session = open_session(shared)
    assert session.folder == shared.resolve() and session.name == "sarasehan"
    assert open_session(str(shared)).folder == shared.resolve()
    path, record = save_answer(session, "A1", "00", "Belum ada akun markas", device="laptop-7")
    assert path.parent == shared.resolve() / "answers" and record["device"] == "laptop-7"
    monkeypatch.delenv("SARASEHAN_DEVICE", raising=False)
    assert device_id()  # host name based
    monkeypatch.setenv("SARASEHAN_DEVICE", "Laptop Kelompok 3")
    assert device_id() == "Laptop_Kelompok_3"


def test_saving_again_edits_and_other_devices_never_overwrite(tmp_path):
    session = WorkshopSession(folder=tmp_path / "s")
    p1, r1 = save_answer(session, "A1", "01", "draf", device="laptop-1")
    p2, r2 = save_answer(session, "A1", "01", "jawaban akhir", device="laptop-1")
    assert p2 == p1 and r2["uuid"] == r1["uuid"] and r2["answer"] == "jawaban akhir"
    p3, r3 = save_answer(session, "A1", "01", "dari laptop lain", device="laptop-2")
    p4, _ = save_answer(session, "A1", "02", "modul berikutnya", device="laptop-1")
    assert (p3.name, p4.name) == ("A1.2.json", "A1.3.json") and r3["uuid"] != r1["uuid"]
    assert json.loads(p1.read_text())["answer"] == "jawaban akhir"


def test_a_failing_replace_leaves_the_old_answer_file(tmp_path, monkeypatch):
    session = WorkshopSession(folder=tmp_path / "s")
    path, _ = save_answer(session, "A1", "01", "versi lama", device="laptop-1")
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_answer(session, "A1", "01", "versi baru", device="laptop-1")
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["A1.json"]  # no temp file left behind


def test_two_laptops_taking_the_same_new_name_at_once_never_overwrite(tmp_path, monkeypatch):
    session = WorkshopSession(folder=tmp_path / "shared")
    first, _ = save_answer(session, "A1", "01", "laptop satu", device="laptop-1")
    real = answers_mod.next_free_path
    calls = []

    def stale_view(folder, group):  # the other laptop saw A1.json as free a moment ago
        calls.append(group)
        return first if len(calls) == 1 else real(folder, group)

    monkeypatch.setattr(answers_mod, "next_free_path", stale_view)
    second, _ = save_answer(session, "A1", "01", "laptop dua", device="laptop-2")
    assert second.name == "A1.2.json" and len(calls) == 2
    assert json.loads(first.read_text())["answer"] == "laptop satu"
    assert not [p for p in session.answers_dir.iterdir() if p.name.startswith(".")]


def test_new_answer_files_work_without_hard_links(tmp_path, monkeypatch):
    def no_links(src, dst):
        raise PermissionError(1, "Operation not permitted")  # e.g. a FAT32 USB stick

    monkeypatch.setattr(os, "link", no_links)
    path, _ = save_answer(WorkshopSession(folder=tmp_path / "usb"), "B1", "06", "lewat USB", device="l1")
    assert path.name == "B1.json" and json.loads(path.read_text())["answer"] == "lewat USB"
    assert sorted(p.name for p in path.parent.iterdir()) == ["B1.json"]


def test_empty_or_bad_answers_are_refused(tmp_path):
    session = WorkshopSession(folder=tmp_path)
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="empty"):
        save_answer(session, "A1", "01", "   ")
    with pytest.raises(SarasehanError, match="group name"):
        save_answer(session, "../x", "01", "hai")
    with pytest.raises(SarasehanError, match="too long"):
        save_answer(session, "A1", "01", "x" * 20_001)


# --- merge -------------------------------------------------------------------------------------
def laptop(tmp_path, name, group="A1", module="01", text="Jawaban", when="2025-06-26T10:00:00+07:00"):
    session = WorkshopSession(folder=tmp_path / name)
    save_answer(session, group, module, text, device=name, now=fixed_time(when))
    return session


def zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return out


def test_merging_the_same_answer_twice_keeps_it_once(tmp_path):
    lap1 = laptop(tmp_path, "laptop-1", "A1")
    lap2 = laptop(tmp_path, "laptop-2", "B1")
    hall = WorkshopSession(folder=tmp_path / "hall")
    usb = zip_folder(lap1.folder, tmp_path / "laptop-1.zip")
    report = merge_answers(hall, [lap1.folder, usb, lap2.answers_dir, usb])
    assert [m.file for m in report.added] == ["A1.json", "B1.json"]
    assert len(report.duplicates) == 2 and not report.conflicts and report.ok
    assert sorted(p.name for p in hall.answers_dir.iterdir()) == ["A1.json", "B1.json"]
    again = merge_answers(hall, [pack_answers(lap1, device="laptop-1")])
    assert (len(again.added), len(again.duplicates)) == (0, 1)


def test_conflicting_edits_keep_both_and_report_the_later_as_a_version(tmp_path):
    lap = laptop(tmp_path, "laptop-1", "A2", text="draf pertama", when="2025-06-26T10:00:00+07:00")
    hall = WorkshopSession(folder=tmp_path / "hall")
    old_zip = zip_folder(lap.folder, tmp_path / "first.zip")
    merge_answers(hall, old_zip)
    save_answer(lap, "A2", "01", "jawaban yang sudah diperbaiki", device="laptop-1",
                now=fixed_time("2025-06-26T10:20:00+07:00"))
    report = merge_answers(hall, lap.folder)
    assert not report.added and not report.duplicates and len(report.conflicts) == 1
    conflict = report.conflicts[0]
    assert (conflict.group, conflict.existing, conflict.kept_as) == ("A2", "A2.json", "A2.2.json")
    main = json.loads((hall.answers_dir / "A2.json").read_text())
    later = json.loads((hall.answers_dir / "A2.2.json").read_text())
    assert main["answer"] == "draf pertama" and later["answer"] == "jawaban yang sudah diperbaiki"
    assert main["uuid"] == later["uuid"]
    i18n.set_language("en")
    assert "both kept" in str(report) and "A2.2.json" in str(report)
    # merging both again changes nothing
    again = merge_answers(hall, [old_zip, lap.folder])
    assert (len(again.added), len(again.duplicates), len(again.conflicts)) == (0, 2, 0)
    entries, _ = board.collect(hall)
    assert [(e.file, e.version, e.versions) for e in entries] == [("A2.json", 1, 2), ("A2.2.json", 2, 2)]


def test_an_earlier_version_arriving_late_still_leaves_the_later_in_a_version_file(tmp_path):
    lap = laptop(tmp_path, "laptop-1", "B1", text="versi awal", when="2025-06-26T10:00:00+07:00")
    early = zip_folder(lap.folder, tmp_path / "early.zip")
    save_answer(lap, "B1", "01", "versi akhir", device="laptop-1", now=fixed_time("2025-06-26T11:00:00+07:00"))
    hall = WorkshopSession(folder=tmp_path / "hall")
    merge_answers(hall, lap.folder)             # the later one arrives first
    report = merge_answers(hall, early)          # then the earlier one
    assert len(report.conflicts) == 1 and report.conflicts[0].kept_as == "B1.2.json"
    assert json.loads((hall.answers_dir / "B1.json").read_text())["answer"] == "versi awal"
    assert json.loads((hall.answers_dir / "B1.2.json").read_text())["answer"] == "versi akhir"


def test_different_answers_for_one_group_are_all_added(tmp_path):
    hall = WorkshopSession(folder=tmp_path / "hall")
    report = merge_answers(hall, [laptop(tmp_path, "l1", "A1", text="x").folder,
                                  laptop(tmp_path, "l2", "A1", text="y").folder])
    assert [m.file for m in report.added] == ["A1.json", "A1.2.json"]


def test_corrupt_files_are_skipped_by_name_and_the_rest_merged(tmp_path):
    lap = laptop(tmp_path, "laptop-1", "A1")
    (lap.answers_dir / "A3.json").write_text('{"group": "A3", "answer": "terpot', encoding="utf-8")
    (lap.answers_dir / "B1.json").write_text('{"hello": "world"}', encoding="utf-8")
    (lap.answers_dir / "B2.json").write_bytes(b"\xff\xfe\x00garbage")
    hall = WorkshopSession(folder=tmp_path / "hall")
    i18n.set_language("id")
    report = merge_answers(hall, [lap.folder, tmp_path / "tidak-ada.zip", tmp_path / "catatan.txt"])
    assert [m.file for m in report.added] == ["A1.json"]
    reasons = {s.source.split("/")[-1]: s.reason for s in report.skipped}
    assert reasons == {"A3.json": "workshop.merge.bad_json", "B1.json": "workshop.merge.not_answer",
                       "B2.json": "workshop.merge.bad_json", "tidak-ada.zip": "workshop.merge.not_found",
                       "catatan.txt": "workshop.merge.not_found"}
    text = str(report)
    assert "A3.json" in text and "rusak" in text and not report.ok


def test_a_malformed_zip_is_skipped_and_other_sources_still_merged(tmp_path):
    bad = tmp_path / "kiriman-chat.zip"
    bad.write_bytes(b"PK\x03\x04 this is not really a zip")
    good = zip_folder(laptop(tmp_path, "laptop-2", "B3").folder, tmp_path / "good.zip")
    truncated = tmp_path / "terpotong.zip"
    truncated.write_bytes(good.read_bytes()[:60])
    hall = WorkshopSession(folder=tmp_path / "hall")
    i18n.set_language("en")
    report = merge_answers(hall, [bad, good, truncated])
    assert [m.file for m in report.added] == ["B3.json"]
    assert [(s.source, s.reason) for s in report.skipped] == [
        ("kiriman-chat.zip", "workshop.merge.bad_zip"), ("terpotong.zip", "workshop.merge.bad_zip")]
    assert "kiriman-chat.zip is not an intact zip file" in str(report)


def test_a_damaged_member_inside_a_zip_is_skipped(tmp_path):
    lap = laptop(tmp_path, "laptop-1", "A1")
    laptop(tmp_path, "laptop-1", "A2")
    z = tmp_path / "stored.zip"
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_STORED) as zf:
        for p in sorted(lap.answers_dir.iterdir()):
            zf.write(p, f"answers/{p.name}")
    raw = bytearray(z.read_bytes())
    i = raw.find(b'"answer"')
    raw[i + 1] = ord("X")  # flip a byte inside the first member: its CRC no longer matches
    z.write_bytes(bytes(raw))
    report = merge_answers(WorkshopSession(folder=tmp_path / "hall"), z)
    assert [m.file for m in report.added] == ["A2.json"]
    assert [s.reason for s in report.skipped] == ["workshop.merge.bad_zip_member"]


def test_zip_path_traversal_is_refused_and_nothing_leaves_the_session(tmp_path):
    record = json.loads(next(laptop(tmp_path, "l1", "A1").answers_dir.glob("*.json")).read_text())
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../escaped.json", json.dumps(record))
        zf.writestr("/tmp/absolute.json", json.dumps(record))
        zf.writestr("answers\\..\\..\\win.json", json.dumps(record))
        zf.writestr("answers/B9.json", json.dumps({**record, "uuid": "u-2", "group": "../../../etc/B9"}))
        zf.writestr("answers/A1.json", json.dumps(record))
    hall = WorkshopSession(folder=tmp_path / "deep" / "hall")
    report = merge_answers(hall, evil)
    assert [m.file for m in report.added] == ["A1.json"]
    assert sorted(s.reason for s in report.skipped) == sorted(
        ["workshop.merge.unsafe_path"] * 3 + ["workshop.merge.bad_group"])
    assert sorted(p.name for p in hall.answers_dir.iterdir()) == ["A1.json"]
    assert not list(tmp_path.rglob("escaped.json")) and not list(tmp_path.rglob("win.json"))
    assert [unsafe_member(n) for n in ("a/b.json", "../b.json", "C:\\b.json", "\\b.json")] == [False, True, True, True]


def test_oversized_members_are_skipped(tmp_path, monkeypatch):
    monkeypatch.setattr(merge, "MAX_FILE_BYTES", 100)
    lap = laptop(tmp_path, "l1", "A1", text="x" * 500)
    report = merge_answers(WorkshopSession(folder=tmp_path / "hall"), [lap.folder, zip_folder(lap.folder, tmp_path / "z.zip")])
    assert [s.reason for s in report.skipped] == ["workshop.merge.too_large"] * 2


@pytest.mark.parametrize("lang,word", [("id", "Penggabungan"), ("en", "Merge")])
def test_merge_report_prints_in_the_learner_language(tmp_path, lang, word):
    i18n.set_language(lang)
    report = merge_answers(WorkshopSession(folder=tmp_path / "hall"), [laptop(tmp_path, "l1").folder])
    assert str(report).startswith(word) and word in report._repr_html_()


# --- board and exports -------------------------------------------------------------------------
def _session_with_answers(tmp_path):
    session = WorkshopSession("hasil", folder=tmp_path / "hasil")
    save_answer(session, "A1", "01", "Grup WhatsApp RT & pengumuman masjid\n- kedua", device="l1",
                now=fixed_time("2025-06-26T10:00:00+07:00"))
    save_answer(session, "B2", "01", "<script>alert(1)</script> =SUM(A1:A9)", device="l2",
                now=fixed_time("2025-06-26T10:05:00+07:00"))
    save_answer(session, "A1", "02", "Donor darah sukarela", device="l1",
                now=fixed_time("2025-06-26T11:00:00+07:00"))
    return session


def test_board_shows_groups_side_by_side_escaped(tmp_path):
    session = _session_with_answers(tmp_path)
    (session.answers_dir / "B3.json").write_text("{broken", encoding="utf-8")
    i18n.set_language("en")
    html = board.board_html(session)
    assert html.count("<table>") == 2 and "Module 01" in html and "Module 02" in html
    first_table = html.split("<table>")[1]
    assert first_table.index(">A1<") < first_table.index(">B2<")  # columns side by side, in order
    assert "<script>" not in html.replace("<style>", "") and "&lt;script&gt;" in html
    assert "B3.json is damaged" in html
    assert (session.answers_dir / "B3.json").read_text() == "{broken"  # left as it was
    assert "No answers" in board.board_html(WorkshopSession(folder=tmp_path / "empty"))


def test_exports_write_markdown_html_and_csv(tmp_path):
    session = _session_with_answers(tmp_path)
    i18n.set_language("id")
    paths = board.export_session(session)
    assert {k: p.name for k, p in paths.items()} == {"markdown": "results.md", "html": "results.html", "csv": "results.csv"}
    assert all(p.parent == session.folder for p in paths.values())
    md = paths["markdown"].read_text(encoding="utf-8")
    assert md.startswith("# Hasil diskusi kelompok: hasil")
    assert "## Modul 01" in md and "### A1 — A: belum memakai media sosial" in md
    assert "> Grup WhatsApp RT &amp; pengumuman masjid\n> - kedua" in md
    assert "&lt;script&gt;" in md and "**Pertanyaan:**" in md
    html = paths["html"].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<meta charset='utf-8'>" in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    raw = paths["csv"].read_bytes()
    assert raw.startswith("\ufeff".encode("utf-8"))
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert list(rows[0]) == list(board.CSV_COLUMNS) and len(rows) == 3
    assert [(r["module"], r["group"], r["category"]) for r in rows] == [("01", "A1", "A"), ("01", "B2", "B"), ("02", "A1", "A")]
    assert rows[0]["answer"] == "Grup WhatsApp RT & pengumuman masjid\n- kedua"
    assert rows[1]["answer"].startswith("<script>")  # CSV is data, not HTML
    assert rows[0]["question"] == question_for("A1", "01").text and rows[0]["session"] == "hasil"
    # formula-looking answers are defused for spreadsheets
    save_answer(session, "B1", "03", "=HYPERLINK(\"http://x\")", device="l3")
    rows = list(csv.DictReader(io.StringIO(board.export_session(session)["csv"].read_text(encoding="utf-8-sig"))))
    assert next(r for r in rows if r["group"] == "B1")["answer"].startswith("'=")


def test_a_failing_replace_leaves_the_previous_export(tmp_path, monkeypatch):
    session = _session_with_answers(tmp_path)
    paths = board.export_session(session)
    before = paths["markdown"].read_bytes()
    save_answer(session, "B4", "01", "jawaban baru", device="l4")
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "disk full")))
    with pytest.raises(OSError):
        board.export_session(session)
    monkeypatch.undo()
    assert paths["markdown"].read_bytes() == before
    assert not [p for p in session.folder.iterdir() if p.name.endswith(".tmp")]


# --- widgets -----------------------------------------------------------------------------------
def test_roster_widget_loads_pasted_text_and_shows_problems():
    from sarasehan.widgets.workshop import workshop_roster

    i18n.set_language("id")
    widget = workshop_roster()
    assert widget.model.participants == []
    widget.text.value = HEADER + "Peserta 01,Aceh,staf,ya\nPeserta 02,Bali,relawan,tidak\nPeserta 03,Riau,bos,ya\n"
    widget.button.click()
    assert len(widget.model.participants) == 2
    assert "2 peserta dimuat" in widget.status.value and "Baris 4" in widget.problems.value
    assert "Peserta 02" in widget.table.value
    widget.text.value = "name,role\nx,staf\n"
    widget.button.click()
    assert "uses_social_media" in widget.status.value and "sarasehan-bad" in widget.status.value
    widget.text.value = ""
    widget.button.click()
    assert "sarasehan-warn" in widget.status.value


def test_roster_widget_loads_a_path():
    from sarasehan.widgets.workshop import workshop_roster

    widget = workshop_roster()
    widget.path.value = str(example_roster_path())
    widget.button.click()
    assert len(widget.model.participants) == 24 and widget.problems.value == ""
    assert len(workshop_roster(example_roster_path()).model.participants) == 24


def test_groups_widget_splits_from_the_roster_widget_and_shows_question_cards(tmp_path):
    from sarasehan.widgets.workshop import workshop_groups, workshop_roster

    i18n.set_language("en")
    roster = workshop_roster()
    session = WorkshopSession(folder=tmp_path / "s")
    widget = workshop_groups(roster, session=session)
    widget.questions_button.click()
    assert "Split into groups first" in widget.status.value
    widget.button.click()
    assert "Load the participant list" in widget.status.value  # nothing loaded yet: a message, no traceback
    roster.load(example_roster_path())  # loaded later: the split reads it at click time
    widget.size.value = 4
    widget.seed.value = 2013
    widget.button.click()
    assert "7 groups formed" in widget.status.value
    assert widget.cards.value.count("sarasehan-workshop-card'") == 7
    assert session.group_ids() == ["A1", "A2", "A3", "B1", "B2", "B3", "B4"] and session.seed == 2013
    widget.module.value = "05"
    widget.questions_button.click()
    assert "Group B4, Module 05" in widget.question_cards.value
    assert workshop_groups(read_roster(example_roster_path())[0]).split()  # a plain list works too


def test_answer_form_saves_restores_and_keeps_unsaved_text(tmp_path):
    from sarasehan.widgets.workshop import group_answer_form

    i18n.set_language("en")
    session = WorkshopSession(folder=tmp_path / "s")
    session.save_groups(split_groups(read_roster(example_roster_path())[0], 5, 9), seed=9)
    form = group_answer_form(session, "02", device="laptop-5")
    assert list(form.group.options) == session.group_ids()
    form.group.value = "B2"
    assert question_for("B2", "02", seed=9).text.replace('"', "&quot;") in form.question.value
    form.answer.value = "Tagar #DonorDarah menyebar karena tokoh lokal ikut"
    form.button.click()
    saved = json.loads((session.answers_dir / "B2.json").read_text())
    assert saved["answer"] == "Tagar #DonorDarah menyebar karena tokoh lokal ikut" and saved["device"] == "laptop-5"
    assert saved["question_id"] == question_for("B2", "02", seed=9).key
    assert "Saved to" in form.status.value
    form.group.value = "A1"
    assert form.answer.value == ""
    form.answer.value = "belum disimpan"
    form.group.value = "B2"
    assert form.answer.value.startswith("Tagar")  # restored from the file
    form.group.value = "A1"
    assert form.answer.value == "belum disimpan"  # unsaved text was kept in memory
    form.answer.value = "  "
    form.button.click()
    assert "empty" in form.status.value
    form.pack_button.click()
    packed = next(session.folder.glob("*-laptop-5-answers.zip"))
    assert zipfile.ZipFile(packed).namelist() == ["answers/B2.json"] and packed.name in form.status.value
    # a new form on the same laptop reopens the saved answer
    again = group_answer_form(session, "02", device="laptop-5")
    again.group.value = "B2"
    assert again.answer.value.startswith("Tagar") and "reopened" in again.status.value


def test_answer_form_without_saved_groups_offers_default_groups(tmp_path):
    from sarasehan.widgets.workshop import group_answer_form

    form = group_answer_form(tmp_path / "s", 1)
    assert list(form.group.options) == ["A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4"]
    assert form.model.module == "01"
    assert list(group_answer_form(tmp_path / "s", "01", groups=["B2", "A1"]).group.options) == ["A1", "B2"]


def test_timer_widget_driven_by_an_injected_clock():
    from sarasehan.widgets.workshop import workshop_timer

    i18n.set_language("en")
    now, clock = clock_at(0.0)
    timer = workshop_timer(minutes=2, clock=clock, autotick=False)
    assert "02:00" in timer.display.value and "Press Start" in timer.display.value
    timer.minutes.value = 1
    timer.start_button.click()
    assert "01:00" in timer.display.value and "running" in timer.display.value
    now[0] = 45.2
    assert timer.tick() is True and "00:15" in timer.display.value
    timer.stop_button.click()
    now[0] = 500
    assert timer.tick() is False and "00:15" in timer.display.value and "Stopped" in timer.display.value
    timer.start_button.click()
    now[0] = 561
    assert timer.tick() is False and "00:00" in timer.display.value and "Time is up" in timer.display.value
    timer.minutes.value = 5  # not running: the display shows the new full time
    assert "05:00" in timer.display.value and "Press Start" in timer.display.value
    timer.start_button.click()
    timer.minutes.value = 7  # running: the countdown is not reset
    assert "05:00" in timer.display.value and timer.model.seconds == 300


def test_timer_widget_ticks_by_itself_without_blocking_and_stops():
    from sarasehan.widgets.workshop import TimerWidget

    now, clock = clock_at(0.0)
    timer = TimerWidget(minutes=1, clock=clock, interval=0.005)
    timer.start_button.click()
    assert timer.ticker.running  # start returned at once
    now[0] = 61
    timer.ticker.join(5)
    assert not timer.ticker.running and "00:00" in timer.display.value
    timer.start_button.click()
    assert timer.ticker.running
    timer.close()  # closing the widget stops the thread
    timer.ticker.join(5)
    assert not timer.ticker.running


def test_results_board_widget_refreshes_merges_and_exports(tmp_path):
    from sarasehan.widgets.workshop import results_board

    i18n.set_language("en")
    hall = WorkshopSession(folder=tmp_path / "hall")
    widget = results_board(hall)
    assert widget.model is hall and "No answers" in widget.board.value
    usb = pack_answers(laptop(tmp_path, "laptop-3", "B1", text="Balas komentar dalam 2 jam"), device="laptop-3")
    broken = tmp_path / "rusak.zip"
    broken.write_bytes(b"not a zip")
    widget.merge_button.click()
    assert "type the path" in widget.status.value
    widget.merge_path.value = f"{usb}; {broken}"
    widget.merge_button.click()
    assert "1 new" in widget.status.value and "sarasehan-warn" in widget.status.value
    assert "rusak.zip" in widget.report.value and "Balas komentar dalam 2 jam" in widget.board.value
    save_answer(hall, "A1", "01", "jawaban di laptop aula", device="hall")
    widget.refresh_button.click()
    assert "jawaban di laptop aula" in widget.board.value
    widget.export_button.click()
    assert "results.md" in widget.status.value
    assert sorted(p.name for p in hall.folder.glob("results.*")) == ["results.csv", "results.html", "results.md"]
    assert results_board("latihan").model.name == "latihan"


# --- facilitator notebook source ---------------------------------------------------------------
def test_facilitator_lesson_builds_and_its_code_cells_run(tmp_path, monkeypatch):
    from sarasehan import authoring

    path = ROOT / "authoring" / "lessons" / "99_workshop_facilitator.yml"
    books = authoring.build_lesson(path)
    a, b = books["id"].cells, books["en"].cells
    assert [c.id for c in a] == [c.id for c in b]
    assert all(x.source == y.source for x, y in zip(a, b) if x.cell_type == "code")
    code = "\n".join(c.source for c in a if c.cell_type == "code")
    for name in ("workshop_roster", "workshop_groups", "group_answer_form", "workshop_timer", "results_board",
                 "question_cards", "merge_answers", "export_session", "example_roster_path"):
        assert name in code
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SARASEHAN_DEVICE", "laptop-test")
    namespace: dict = {}
    for cell in (c for c in a if c.cell_type == "code"):
        exec(compile(cell.source, cell.id, "exec"), namespace)  # noqa: S102 - our own lesson code
    session = namespace["session"]
    assert session.group_ids() and (session.folder / "results.md").exists()
    assert json.loads((session.answers_dir / "A1.json").read_text())["device"] == "laptop-test"
