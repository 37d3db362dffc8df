"""Certificates: only learners at or above the pass mark; bilingual, printable, escaped; bad input named."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sarasehan import certificates, i18n
from sarasehan.errors import SarasehanError
from sarasehan.manifest import load_manifest

MANIFEST = load_manifest()
M01 = MANIFEST.module("01")
M02 = MANIFEST.module("02")

SARASEHAN_CSV = """student_id,assignment,q1_growth,q2_gap_2024,total,max,status,message
ani,01_roles_and_benefits,4,4,20,24,graded,
budi,01_roles_and_benefits,1,0,6,24,partial,
citra,01_roles_and_benefits,4,4,24,24,graded,
dewi,01_roles_and_benefits,0,0,0,24,missing,no submission
eko,01_roles_and_benefits,,,,24,error,notebook could not be read
"""

# nbgrader export: semicolons and a decimal comma, as a spreadsheet set to Indonesian saves it
NBGRADER_CSV = """assignment;duedate;timestamp;student_id;last_name;first_name;email;raw_score;late_submission_penalty;score;max_score
02_social_movements;;2025-06-30;ani;Wijaya;Ani;;18;0;18;24
02_social_movements;;2025-06-30;budi;;;;2;0;2;24
02_social_movements;;2025-06-30;citra;<script>alert(1)</script>;Citra & "Co";;9,6;0;9,6;24
02_social_movements;;;dewi;;;;0;0;0;24
02_social_movements;;2025-06-30;eko;;;;24;0;24;24
"""
# ani: (20 + 18) / 48 = 79.2 %   budi: 8 / 48 = 16.7 %   citra: 33.6 / 48 = 70.0 %   dewi: 0 %   eko: 24 / 48 = 50 %


def _files(tmp_path: Path) -> list[Path]:
    a, b = tmp_path / "grades.csv", tmp_path / "nbgrader_export.csv"
    a.write_text(SARASEHAN_CSV, encoding="utf-8")
    b.write_text(NBGRADER_CSV, encoding="utf-8")
    return [a, b]


def _run(argv: list[str]) -> int:
    """What ``sarasehan certificate ...`` does once cli.build_parser() calls certificates.register()."""
    parser = argparse.ArgumentParser(prog="sarasehan")
    sub = parser.add_subparsers(dest="command", required=True)
    certificates.register(sub)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SarasehanError as err:
        print(f"sarasehan: {err}")
        return 1


def test_only_learners_at_or_above_the_pass_mark_get_a_certificate(tmp_path, capsys):
    files = _files(tmp_path)
    out = tmp_path / "certs"
    argv = ["certificate", "--grades", str(files[0]), "--grades", str(files[1]), "--pass-mark", "70",
            "--out", str(out), "--date", "2025-07-01"]
    assert _run(argv) == 0
    assert sorted(p.name for p in out.iterdir()) == ["certificate-ani.html", "certificate-citra.html"]
    printed = capsys.readouterr().out
    assert "2 dari 5" in printed
    below = printed.split("tanpa sertifikat")[1]
    assert "budi: 16.7%" in below and "dewi: 0.0%" in below and "eko: 50.0%" in below
    assert "ani" not in below and "citra" not in below


def test_pass_mark_boundaries(tmp_path):
    files = _files(tmp_path)
    everyone = certificates.make_certificates(files, 0, tmp_path / "all", date="2025-07-01")
    assert all(o.passed for o in everyone)  # 0 % still reaches a pass mark of 0
    nobody = certificates.make_certificates(files, 100, tmp_path / "none", date="2025-07-01")
    assert not any(o.passed for o in nobody) and not (tmp_path / "none").exists()
    exact = {o.learner.student_id: o.passed for o in certificates.make_certificates(files, 70, tmp_path / "x")}
    assert exact["citra"] is True  # exactly 70.0 %


def test_certificate_is_bilingual_printable_and_self_contained(tmp_path):
    files = _files(tmp_path)
    outcomes = certificates.make_certificates(files, 70, tmp_path / "c", date="2025-07-01")
    ani = next(o for o in outcomes if o.learner.student_id == "ani")
    page = ani.path.read_text(encoding="utf-8")
    for lang in ("id", "en"):
        assert MANIFEST.course["title"][lang].replace("'", "&#x27;") in page
        assert MANIFEST.course["organisation"][lang] in page
        assert M01.title[lang] in page and M02.title[lang] in page
    assert "Sertifikat Penyelesaian" in page and "Certificate of Completion" in page
    assert "1 Juli 2025" in page and "1 July 2025" in page
    assert "Ani Wijaya" in page  # the name from the nbgrader export
    assert "79%" in page and "70%" in page
    assert "size: A4 landscape" in page and "@page" in page and "@media screen" in page
    assert not re.search(r"https?:|<link|<script|<img|src=|@import|url\(", page)  # no external assets


def test_modules_completed_are_graded_or_partial_with_a_score(tmp_path):
    files = _files(tmp_path)
    outcomes = {o.learner.student_id: o for o in certificates.make_certificates(files, 0, tmp_path / "c")}
    assert outcomes["ani"].learner.completed == ["01_roles_and_benefits", "02_social_movements"]
    assert outcomes["budi"].learner.completed == ["01_roles_and_benefits", "02_social_movements"]
    assert outcomes["dewi"].learner.completed == []  # status missing, score 0
    assert outcomes["eko"].learner.completed == ["02_social_movements"]  # 01 had status error
    page = outcomes["eko"].path.read_text(encoding="utf-8")
    assert M02.title["en"] in page and M01.title["en"] not in page


def test_names_and_ids_are_escaped(tmp_path):
    files = _files(tmp_path)
    outcomes = certificates.make_certificates(files, 70, tmp_path / "c", date="2025-07-01")
    citra = next(o for o in outcomes if o.learner.student_id == "citra")
    page = citra.path.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Citra &amp; &quot;Co&quot;" in page


def test_course_name_and_organisation_can_be_overridden(tmp_path):
    files = _files(tmp_path)
    out = tmp_path / "c"
    assert _run(["certificate", "--grades", str(files[0]), "--pass-mark", "80", "--out", str(out),
                 "--course-name", "Pelatihan Humas PMI Jatim", "--organisation", "PMI Provinsi Jawa Timur",
                 "--date", "2025-12-31"]) == 0
    page = (out / "certificate-citra.html").read_text(encoding="utf-8")
    assert "Pelatihan Humas PMI Jatim" in page and "PMI Provinsi Jawa Timur" in page
    assert MANIFEST.course["organisation"]["en"] not in page
    assert "31 Desember 2025" in page and "31 December 2025" in page


def test_a_later_file_replaces_a_row_and_an_absent_row_counts_zero(tmp_path):
    first = tmp_path / "a.csv"
    first.write_text("student_id,assignment,total,max,status\nani,01_roles_and_benefits,5,24,graded\n"
                     "budi,01_roles_and_benefits,24,24,graded\nbudi,02_social_movements,24,24,graded\n")
    regrade = tmp_path / "b.csv"
    regrade.write_text("student_id,assignment,total,max,status\nani,01_roles_and_benefits,24,24,graded\n")
    result = {o.learner.student_id: o.learner for o in certificates.make_certificates([first, regrade], 50,
                                                                                     tmp_path / "c")}
    assert result["ani"].score == 24 and result["ani"].max_score == 48  # 02 missing: 0 of 24
    assert result["ani"].percent == 50


@pytest.mark.parametrize("lang", ["id", "en"])
def test_missing_columns_are_named(tmp_path, lang):
    i18n.set_language(lang)
    bad = tmp_path / "grades.csv"
    bad.write_text("student_id,assignment,total,status\nani,01_roles_and_benefits,20,graded\n")
    with pytest.raises(SarasehanError) as err:
        certificates.make_certificates([bad], 70, tmp_path / "c")
    assert "max" in str(err.value) and str(bad) in str(err.value)
    nbg = tmp_path / "export.csv"
    nbg.write_text("assignment,student_id,score\n01_roles_and_benefits,ani,20\n")
    with pytest.raises(SarasehanError, match="max_score"):
        certificates.make_certificates([nbg], 70, tmp_path / "c")
    assert not (tmp_path / "c").exists()


@pytest.mark.parametrize("mark", ["101", "-1", "abc", "nan"])
def test_pass_mark_outside_0_to_100_is_refused(tmp_path, capsys, mark):
    files = _files(tmp_path)
    out = tmp_path / "c"
    assert _run(["certificate", "--grades", str(files[0]), f"--pass-mark={mark}", "--out", str(out)]) == 1
    assert "0" in capsys.readouterr().out and not out.exists()


@pytest.mark.parametrize("content,expected", [
    (None, "tidak ada"),                                  # no such file
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "CSV"),            # not text at all
    ("student_id,assignment,total,max,status\nbé,01,1,2,graded\n".encode("latin-1"), "UTF-8"),
])
def test_unreadable_csv_is_named(tmp_path, content, expected):
    path = tmp_path / "grades.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SarasehanError) as err:
        certificates.make_certificates([path], 70, tmp_path / "c")
    assert str(path) in str(err.value) and expected in str(err.value)


def test_bad_numbers_and_dates_are_named(tmp_path):
    bad = tmp_path / "grades.csv"
    bad.write_text("student_id,assignment,total,max,status\nani,01_roles_and_benefits,dua puluh,24,graded\n")
    with pytest.raises(SarasehanError, match=r"3|2") as err:
        certificates.make_certificates([bad], 70, tmp_path / "c")
    assert "dua puluh" in str(err.value) and "total" in str(err.value)
    files = _files(tmp_path)
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="YYYY-MM-DD"):
        certificates.make_certificates(files, 70, tmp_path / "c", date="01/07/2025")
    empty = tmp_path / "empty.csv"
    empty.write_text("student_id,assignment,total,max,status\n")
    with pytest.raises(SarasehanError, match="no grade rows"):
        certificates.make_certificates([empty], 70, tmp_path / "c")


def test_several_files_after_one_grades_option(tmp_path):
    files = _files(tmp_path)
    out = tmp_path / "c"
    assert _run(["certificate", "--grades", str(files[0]), str(files[1]), "--pass-mark", "70", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["certificate-ani.html", "certificate-citra.html"]


def test_roster_puts_names_on_certificates_from_sarasehan_grade(tmp_path):
    """`sarasehan grade` writes only student ids; the roster used with `sarasehan collect` names them."""
    grades = tmp_path / "grades.csv"
    grades.write_text(SARASEHAN_CSV, encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id;name\nANI;Ani Wijaya\ncitra;Citra Lestari\n", encoding="utf-8")
    without = {o.learner.student_id: o.learner.name for o in certificates.make_certificates([grades], 50, tmp_path / "a")}
    assert without["citra"] == "citra"
    outcomes = certificates.make_certificates([grades], 50, tmp_path / "b", roster=roster)
    names = {o.learner.student_id: o.learner.name for o in outcomes}
    assert names["ani"] == "Ani Wijaya" and names["citra"] == "Citra Lestari"
    assert names["budi"] == "budi"  # not in the roster: the id stays
    assert "Citra Lestari" in (tmp_path / "b" / "certificate-citra.html").read_text(encoding="utf-8")


def test_roster_does_not_replace_a_name_from_the_gradebook(tmp_path):
    files = _files(tmp_path)
    roster = tmp_path / "roster.csv"
    roster.write_text("student_id,name\nani,Someone Else\n", encoding="utf-8")
    names = {o.learner.student_id: o.learner.name
             for o in certificates.make_certificates(files, 0, tmp_path / "c", roster=roster)}
    assert names["ani"] == "Ani Wijaya"


def test_unreadable_roster_is_named(tmp_path):
    grades = tmp_path / "grades.csv"
    grades.write_text(SARASEHAN_CSV, encoding="utf-8")
    assert _run(["certificate", "--grades", str(grades), "--pass-mark", "50", "--out", str(tmp_path / "o"),
                 "--roster", str(tmp_path / "missing.csv")]) == 1
