"""Collecting submissions (platform zip, folder, nbgrader exchange, packs) into nbgrader's submitted/."""

import argparse
import json
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sarasehan import collect as collect_mod
from sarasehan import i18n
from sarasehan.collect import collect, match_notebook, nbgrader_timestamp
from sarasehan.packs import make_pack
from sarasehan.release import tool_env

ROOT = Path(__file__).resolve().parent.parent
A = "01_roles_and_benefits"
NB = f"{A}.ipynb"
ROSTER = """student_id,name,email,aliases
s001,Siti Rahma,siti.rahma@pmi.example,
s002,Budi Santoso,,budi_s
s003,Dewi Lestari,dewi@pmi.example,
s004,Eko Prasetyo,,
"""


@pytest.fixture
def course(tmp_path):
    root = tmp_path / "course"
    root.mkdir()
    shutil.copy(ROOT / "nbgrader_config.py", root)
    shutil.copytree(ROOT / "solutions", root / "solutions")
    return root


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def notebook(tag: str) -> bytes:
    """A learner's copy of the released notebook, made distinct by ``tag``."""
    nb = json.loads((ROOT / "exercises" / A / NB).read_text(encoding="utf-8"))
    nb["cells"][0]["source"] = f"tag: {tag}\n"
    return (json.dumps(nb, indent=1) + "\n").encode()


def write(path: Path, data: bytes, when: datetime | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if when is not None:
        os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def submitted(course, student):
    return course / "submitted" / student / A


def parse_ts(path):
    from nbgrader.utils import parse_utc

    return parse_utc(path.read_text()).replace(tzinfo=timezone.utc)


# --- names ------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", [NB, "Copy of 01_roles_and_benefits (1).ipynb", "01_roles_and_benefits-1.ipynb",
                                  "01 Roles And Benefits.ipynb", "01_ROLES_AND_BENEFITS (2).IPYNB",
                                  "01_roles_and_benefits-Copy1.ipynb", "Salinan dari 01_roles_and_benefits.ipynb",
                                  "rahmasiti_12345_987654_01_roles_and_benefits.ipynb"])
def test_messy_names_map_to_the_notebook(name):
    assert match_notebook(name, [NB])[0] == NB


@pytest.mark.parametrize("name", ["Untitled.ipynb", "01_roles.ipynb", "02_social_movements.ipynb", "notes.txt",
                                  "01_roles_and_benefits.ipynb.txt"])
def test_other_names_do_not(name):
    assert match_notebook(name, [NB]) is None


def test_timestamp_is_nbgrader_format():
    from nbgrader.utils import parse_utc

    when = datetime(2025, 7, 7, 10, 20, 30, 123456, tzinfo=timezone.utc)
    text = nbgrader_timestamp(when)
    assert text == "2025-07-07 10:20:30.123456 UTC"
    assert parse_utc(text) == when.replace(tzinfo=None)


# --- packs ------------------------------------------------------------------------------------
def test_pack_round_trip_lands_in_submitted(course, tmp_path):
    work = tmp_path / "laptop" / A
    write(work / NB, notebook("siti"))
    pack = make_pack(A, work, "Siti Rahma", tmp_path / "packs")
    report = collect(A, pack, course)
    dest = submitted(course, "siti_rahma")
    assert (dest / NB).read_bytes() == (work / NB).read_bytes()
    manifest = json.loads(zipfile.ZipFile(pack).read("manifest.json"))
    assert parse_ts(dest / "timestamp.txt") == datetime.fromisoformat(manifest["created"])
    assert [c.student_id for c in report.collected] == ["siti_rahma"]
    assert report.ok and not report.unmatched


def test_damaged_packs_are_reported_by_name_and_never_graded(course, tmp_path):
    i18n.set_language("en")
    inbox = tmp_path / "inbox"
    for who in ("Siti Rahma", "Budi Santoso", "Dewi Lestari"):
        work = tmp_path / who / A
        write(work / NB, notebook(who))
        make_pack(A, work, who, inbox)
    budi = next(inbox.glob("*budi*.zip"))
    with zipfile.ZipFile(budi) as zf:
        content = {i.filename: zf.read(i) for i in zf.infolist()}
    content[f"{A}/{NB}"] = content[f"{A}/{NB}"].replace(b"tag: Budi", b"tag: BUDI")  # edited after packing
    budi.unlink()
    with zipfile.ZipFile(budi, "w") as zf:
        for name, data in content.items():
            zf.writestr(name, data)
    dewi = next(inbox.glob("*dewi*.zip"))
    dewi.write_bytes(dewi.read_bytes()[:200])  # cut short on the way
    report = collect(A, inbox, course)
    assert sorted(d.pack for d in report.damaged_packs) == sorted([budi.name, dewi.name])
    assert budi.name in str(report) and dewi.name in str(report)
    assert submitted(course, "siti_rahma").is_dir()
    assert not submitted(course, "budi_santoso").exists() and not submitted(course, "dewi_lestari").exists()
    assert not (course / "submissions_archive" / "budi_santoso").exists()


# --- a learning platform's zip ----------------------------------------------------------------
def test_platform_zip_with_messy_names_and_a_roster(course, roster, tmp_path):
    i18n.set_language("en")
    zpath = tmp_path / "submissions.zip"
    entries = {
        "rahmasiti_12345_987654_01_roles_and_benefits.ipynb": (notebook("siti"), (2025, 7, 7, 9, 0, 0)),
        "santosobudi_LATE_12346_987655_01_roles_and_benefits-1.ipynb": (notebook("budi"), (2025, 7, 8, 9, 0, 0)),
        "Dewi Lestari_12347_assignsubmission_file_/Copy of 01_Roles_And_Benefits (1).ipynb":
            (notebook("dewi"), (2025, 7, 7, 11, 30, 0)),
        "Eko Prasetyo - 01 roles and benefits (2).ipynb": (notebook("eko"), (2025, 7, 7, 12, 0, 0)),
        "rahmasiti_12345_987658_notes.txt": (b"my notes", (2025, 7, 7, 9, 0, 0)),
    }
    with zipfile.ZipFile(zpath, "w") as zf:
        for name, (data, stamp) in entries.items():
            zf.writestr(zipfile.ZipInfo(name, stamp), data)
    report = collect(A, zpath, course, roster=roster)
    assert sorted(c.student_id for c in report.collected) == ["s001", "s002", "s003", "s004"]
    for sid, tag in (("s001", "siti"), ("s002", "budi"), ("s003", "dewi"), ("s004", "eko")):
        dest = submitted(course, sid)
        assert sorted(p.name for p in dest.iterdir()) == [NB, "timestamp.txt"]
        assert (dest / NB).read_bytes() == notebook(tag)
    budi_time = parse_ts(submitted(course, "s002") / "timestamp.txt")
    assert budi_time == datetime(2025, 7, 8, 9, 0, 0).astimezone(timezone.utc)  # the zip entry's date
    assert [i.origin for i in report.ignored] == ["submissions.zip:rahmasiti_12345_987658_notes.txt"]
    assert not report.unmatched and not report.damaged_packs
    text = str(report)
    assert "s003" in text and "roster" in text


def test_platform_zip_without_roster_uses_the_platform_name(course, tmp_path):
    zpath = tmp_path / "submissions.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("rahmasiti_12345_987654_01_roles_and_benefits-1.ipynb", notebook("siti"))
        zf.writestr("Copy of 01_roles_and_benefits (1).ipynb", notebook("who"))
    report = collect(A, zpath, course)
    assert [c.student_id for c in report.collected] == ["rahmasiti"]
    assert [u.origin for u in report.unmatched] == ["submissions.zip:Copy of 01_roles_and_benefits (1).ipynb"]
    assert (course / "unmatched" / A / "Copy of 01_roles_and_benefits (1).ipynb").read_bytes() == notebook("who")


# --- a folder from e-mail, chat and USB sticks ------------------------------------------------
def test_folder_with_nested_files_and_two_versions(course, roster, tmp_path):
    i18n.set_language("en")
    inbox = tmp_path / "inbox"
    early = datetime(2025, 7, 7, 8, 0, tzinfo=timezone.utc)
    late = datetime(2025, 7, 7, 16, 0, tzinfo=timezone.utc)
    write(inbox / "usb" / "Siti Rahma" / NB, notebook("siti-v1"), early)
    write(inbox / "email" / "2025-07-07" / "siti.rahma@pmi.example" / "Copy of 01_roles_and_benefits (1).ipynb",
          notebook("siti-v2"), late)
    write(inbox / "chat" / "budi_s" / "01_roles_and_benefits-1.ipynb", notebook("budi"), early)
    write(inbox / "chat" / "budi_s" / "readme.txt", b"hi", early)
    work = tmp_path / "laptop" / A
    write(work / NB, notebook("dewi"))
    make_pack(A, work, "Dewi Lestari", inbox / "chat" / "dewi")

    report = collect(A, inbox, course, roster=roster)
    assert sorted(c.student_id for c in report.collected) == ["s001", "s002", "s003"]
    assert (submitted(course, "s001") / NB).read_bytes() == notebook("siti-v2")  # the newest
    assert parse_ts(submitted(course, "s001") / "timestamp.txt") == late
    archive = course / "submissions_archive" / "s001" / A
    kept = sorted((d / NB).read_bytes() for d in archive.iterdir())
    assert kept == sorted([notebook("siti-v1"), notebook("siti-v2")])  # both versions kept
    [replaced] = report.replaced_older
    assert replaced.student_id == "s001" and "Copy of" in replaced.chosen
    assert [o["origin"] for o in replaced.older] == [f"usb/Siti Rahma/{NB}"]
    assert (submitted(course, "s003") / NB).read_bytes() == notebook("dewi")
    assert [i.origin for i in report.ignored] == ["chat/budi_s/readme.txt"]

    # a later run with an older copy does not replace the newer one, and finds nothing new twice
    older = tmp_path / "older"
    write(older / "Siti Rahma" / NB, notebook("siti-v0"), datetime(2025, 7, 6, tzinfo=timezone.utc))
    write(older / "Siti Rahma" / "again" / NB, notebook("siti-v1"), early)
    again = collect(A, older, course, roster=roster)
    assert (submitted(course, "s001") / NB).read_bytes() == notebook("siti-v2")
    assert len(list(archive.iterdir())) == 3
    assert [d.origin for d in again.duplicates] == [f"Siti Rahma/again/{NB}"]


def test_existing_submission_is_archived_not_overwritten(course, roster, tmp_path):
    dest = submitted(course, "s002")
    write(dest / NB, notebook("budi-from-exchange"))
    (dest / "timestamp.txt").write_text("2025-07-09 10:00:00.000000 UTC")
    write(tmp_path / "in" / "Budi Santoso.ipynb", b"", None)  # an unrelated name: unmatched
    write(tmp_path / "in" / "budi_s" / NB, notebook("budi-by-email"), datetime(2025, 7, 8, tzinfo=timezone.utc))
    report = collect(A, tmp_path / "in", course, roster=roster)
    assert (dest / NB).read_bytes() == notebook("budi-from-exchange")  # newer, so it stays
    archived = sorted((d / NB).read_bytes() for d in (course / "submissions_archive" / "s002" / A).iterdir())
    assert archived == sorted([notebook("budi-from-exchange"), notebook("budi-by-email")])
    assert report.replaced_older[0].chosen == f"submitted/s002/{A}"


def test_invalid_notebook_is_collected_and_flagged(course, roster, tmp_path):
    i18n.set_language("id")
    write(tmp_path / "in" / "Eko Prasetyo" / NB, b'{"cells": [')
    report = collect(A, tmp_path / "in", course, roster=roster)
    assert (submitted(course, "s004") / NB).read_bytes() == b'{"cells": ['
    [bad] = report.invalid_notebooks
    assert bad.student_id == "s004" and bad.notebook == NB
    assert "bukan notebook yang bisa dibaca" in str(report)


def test_unmatched_files_are_listed_and_kept(course, roster, tmp_path):
    i18n.set_language("en")
    inbox = tmp_path / "inbox"
    write(inbox / "a" / NB, notebook("nobody-a"))
    write(inbox / "b" / NB, notebook("nobody-b"))
    write(inbox / "Siti Rahma" / "Untitled.ipynb", notebook("untitled"))
    write(inbox / "Siti Rahma" / "02_social_movements.ipynb", notebook("other"))
    report = collect(A, inbox, course, roster=roster)
    assert not report.collected
    assert sorted(u.origin for u in report.unmatched) == ["Siti Rahma/Untitled.ipynb", f"a/{NB}", f"b/{NB}"]
    kept = {u.origin: course / u.kept_as for u in report.unmatched}
    assert kept["Siti Rahma/Untitled.ipynb"] == course / "unmatched" / A / "Untitled.ipynb"
    assert kept[f"a/{NB}"].read_bytes() == notebook("nobody-a")
    assert kept[f"b/{NB}"].read_bytes() == notebook("nobody-b") and kept[f"b/{NB}"].name == NB
    assert "Siti Rahma/02_social_movements.ipynb" in [i.origin for i in report.ignored]
    assert "matches no one in the roster" in str(report)
    data = report.as_dict()
    assert set(data) >= {"collected", "replaced_older", "unmatched", "damaged_packs", "invalid_notebooks"}
    json.dumps(data)  # plain data


def test_ambiguous_roster_match_is_unmatched(course, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("student_id;name\nx1;Siti Rahma\nx2;Siti Rahma\n", encoding="utf-8")
    write(tmp_path / "in" / "Siti Rahma" / NB, notebook("s"))
    report = collect(A, tmp_path / "in", course, roster=roster)
    assert not report.collected and "x1, x2" in report.unmatched[0].reason


# --- the nbgrader exchange --------------------------------------------------------------------
def test_exchange_inbound(course, tmp_path):
    exchange = tmp_path / "exchange"
    inbound = exchange / "sarasehan" / "inbound"
    for student, stamp, tag in (("siti", "2025-07-07 09:00:00.000000 UTC", "v1"),
                                ("siti", "2025-07-07 15:30:00.250000 UTC", "v2"),
                                ("budi", "2025-07-07 10:00:00.000000 UTC", "b")):
        folder = inbound / f"{student}+{A}+{stamp}+Xy_-abc12"
        write(folder / NB, notebook(f"{student}-{tag}"))
        (folder / "timestamp.txt").write_text(stamp)
        (folder / "submission_secret.txt").write_text("secret")
    write(inbound / f"siti+02_social_movements+2025-07-07 09:00:00.000000 UTC" / "02_social_movements.ipynb",
          notebook("other"))
    write(exchange / "sarasehan" / "outbound" / A / NB, notebook("release"))  # not a submission
    report = collect(A, exchange, course)
    assert sorted(c.student_id for c in report.collected) == ["budi", "siti"]
    assert (submitted(course, "siti") / NB).read_bytes() == notebook("siti-v2")
    assert (submitted(course, "siti") / "timestamp.txt").read_text() == "2025-07-07 15:30:00.250000 UTC"
    assert len(list((course / "submissions_archive" / "siti" / A).iterdir())) == 2
    assert not report.unmatched and len(report.ignored) == 1  # the other assignment
    # the inbound folder itself works as the source too
    assert collect(A, inbound, course).collected[0].changed is False


def test_cli_collect(course, roster, tmp_path, capsys, monkeypatch):
    i18n.set_language("en")
    write(tmp_path / "in" / "Budi Santoso" / NB, notebook("budi"))
    parser = argparse.ArgumentParser(prog="sarasehan")
    collect_mod.register(parser.add_subparsers(dest="command", required=True))
    monkeypatch.chdir(course / "solutions")  # default course: the folder with nbgrader_config.py
    args = parser.parse_args(["collect", A, str(tmp_path / "in"), "--roster", str(roster)])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "1 student(s) in submitted/" in out and "s002" in out
    assert (submitted(course, "s002") / NB).is_file()


def test_missing_source_and_unknown_assignment(course, tmp_path):
    i18n.set_language("en")
    with pytest.raises(collect_mod.CollectError, match="does not exist"):
        collect(A, tmp_path / "nothing", course)
    (tmp_path / "x").mkdir()
    with pytest.raises(collect_mod.CollectError, match="99_none"):
        collect("99_none", tmp_path / "x", course)


# --- end to end: packs and a platform zip, collected, then graded by nbgrader ----------------------
def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "nbgrader", *args, f"--CourseDirectory.root={course}"]
    proc = subprocess.run(cmd, cwd=course, capture_output=True, text=True, env=tool_env(), timeout=900)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc


@pytest.mark.slow
def test_collected_submissions_autograde(course, tmp_path):
    from nbgrader.api import Gradebook

    nbgrader(course, "generate_assignment", A, "--force")
    work = tmp_path / "laptop" / A
    work.mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / A / NB, work / NB)
    inbox = tmp_path / "inbox"
    make_pack(A, work, "solution_student", inbox)
    with zipfile.ZipFile(inbox / "platform.zip", "w") as zf:
        zf.write(ROOT / "exercises" / A / NB, f"blankstudent_LATE_111_222_Copy of {A} (1).ipynb")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nsolution_student,Solution Student\nblank_student,Student Blank\n")
    report = collect(A, inbox, course, roster=roster)
    assert sorted(c.student_id for c in report.collected) == ["blank_student", "solution_student"]

    nbgrader(course, "autograde", A, "--force")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        good = gb.find_submission(A, "solution_student")
        blank = gb.find_submission(A, "blank_student")
        assert good.max_code_score >= 16 and good.code_score == good.max_code_score
        assert blank.code_score == 0
        assert good.timestamp is not None


def test_packs_renamed_by_a_platform_inside_its_zip(course, tmp_path):
    work = tmp_path / "laptop" / A
    write(work / NB, notebook("eko"))
    pack = make_pack(A, work, "eko", tmp_path / "packs")
    zpath = tmp_path / "download.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.write(pack, f"prasetyoeko_12348_987657_{pack.name}")  # the platform adds its prefix
        zf.writestr("broken_1_2_01_roles_and_benefits__budi__20250707T100000.zip", b"PK\x03\x04 cut short")
    report = collect(A, zpath, course)
    assert [c.student_id for c in report.collected] == ["eko"]
    assert (submitted(course, "eko") / NB).read_bytes() == notebook("eko")
    assert [d.pack for d in report.damaged_packs] == [
        "download.zip:broken_1_2_01_roles_and_benefits__budi__20250707T100000.zip"]


def test_ambiguous_platform_name_is_not_guessed(course, tmp_path):
    roster = tmp_path / "r.csv"
    roster.write_text("student_id,name\nx1,Siti Rahma\nx2,Siti Rahma\n", encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "s.zip", "w") as zf:
        zf.writestr("rahmasiti_1_2_01_roles_and_benefits.ipynb", notebook("s"))
    report = collect(A, tmp_path / "s.zip", course, roster=roster)
    assert not report.collected and len(report.unmatched) == 1
