"""Printable bilingual certificates for learners at or above a pass mark.

    sarasehan certificate --grades grades.csv [--grades more.csv ...] --pass-mark 70
                          [--out certificates] [--course-name ...] [--organisation ...] [--date 2025-07-01]
                          [--roster roster.csv]

Input: CSV files written by ``sarasehan grade`` (columns ``student_id,
assignment, <one per question>, total, max, status, message``) or by
``nbgrader export`` (``assignment, student_id, score, max_score, ...,
first_name, last_name``). Commas, semicolons and tabs are accepted; a row
for the same learner and assignment in a later file replaces an earlier one.

A learner's mark is their total score ÷ the total maximum of every
assignment in the files (an assignment they have no row for counts 0 of
its maximum) × 100. At or above the pass mark: one HTML file, A4
landscape, print-ready, with no external assets, naming the learner, the
course, the issuing organisation, the modules completed (assignments with
status ``graded`` or ``partial`` and a score above 0; every scored row of
an nbgrader export) and the date, in Bahasa Indonesia and English. Below
the pass mark: no certificate, listed in the summary.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SarasehanError
from .i18n import LANGUAGES, t
from .manifest import load_manifest

SARASEHAN_COLUMNS = ("student_id", "assignment", "total", "max", "status")
NBGRADER_COLUMNS = ("assignment", "student_id", "score", "max_score")
COMPLETED_STATUSES = ("graded", "partial")


class CertificateError(SarasehanError, ValueError):
    pass


@dataclass
class GradeRow:
    student_id: str
    assignment: str
    score: float
    max_score: float | None
    status: str
    first_name: str = ""
    last_name: str = ""
    source: str = ""


@dataclass
class Learner:
    student_id: str
    name: str
    score: float
    max_score: float
    completed: list[str] = field(default_factory=list)   # assignment ids, in course order

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


# --------------------------------------------------------------------------- reading grades

def _number(text: str, path: Path, line: int, column: str) -> float | None:
    text = (text or "").strip()
    if text.count(",") == 1 and "." not in text:  # a decimal comma (spreadsheets set to Indonesian)
        text = text.replace(",", ".")
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        raise CertificateError("certificate.bad_number", path=str(path), line=line, column=column,
                               value=text[:40]) from None


def read_grades(path: str | Path) -> list[GradeRow]:
    """Rows of one grades CSV (either format); problems are named with the file and line."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise CertificateError("certificate.unreadable", path=str(path), error=t("certificate.no_such_file")) from None
    except UnicodeDecodeError:
        raise CertificateError("certificate.unreadable", path=str(path), error=t("certificate.not_utf8")) from None
    except OSError as err:
        raise CertificateError("certificate.unreadable", path=str(path), error=err.strerror or str(err)) from None
    if "\x00" in text:
        raise CertificateError("certificate.unreadable", path=str(path), error=t("certificate.not_csv"))
    first = text.splitlines()[0] if text.strip() else ""
    delimiter = max((",", ";", "\t"), key=first.count) if first else ","
    try:
        reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
        header = [(h or "").strip().lower() for h in (reader.fieldnames or [])]
        records = list(reader)
    except csv.Error as err:
        raise CertificateError("certificate.unreadable", path=str(path), error=str(err)) from None
    if {"total", "max"} & set(header) or not {"score", "max_score"} & set(header):
        kind, required = "sarasehan", SARASEHAN_COLUMNS
    else:
        kind, required = "nbgrader", NBGRADER_COLUMNS
    missing = [c for c in required if c not in header]
    if missing:
        raise CertificateError("certificate.missing_columns", path=str(path), columns=", ".join(missing),
                               expected=", ".join(SARASEHAN_COLUMNS), alternative=", ".join(NBGRADER_COLUMNS))
    rows = []
    for line, raw in enumerate(records, start=2):
        rec = {(k or "").strip().lower(): (v or "").strip() if isinstance(v, str) else "" for k, v in raw.items()}
        sid, assignment = rec.get("student_id", ""), rec.get("assignment", "")
        if not sid and not assignment:
            continue  # a blank line
        if not sid or not assignment:
            raise CertificateError("certificate.empty_field", path=str(path), line=line,
                                   column="student_id" if not sid else "assignment")
        if kind == "sarasehan":
            score = _number(rec.get("total", ""), path, line, "total")
            max_score = _number(rec.get("max", ""), path, line, "max")
            status = rec.get("status", "").lower()
        else:
            score = _number(rec.get("score", ""), path, line, "score")
            max_score = _number(rec.get("max_score", ""), path, line, "max_score")
            status = "graded" if (score or 0) > 0 else "missing"
        rows.append(GradeRow(sid, assignment, score or 0.0, max_score, status,
                             rec.get("first_name", ""), rec.get("last_name", ""), str(path)))
    return rows


def learners_from(rows: list[GradeRow], order: list[str] | None = None) -> list[Learner]:
    """Combine rows into learners (later rows replace earlier ones for the same learner and assignment)."""
    latest: dict[tuple[str, str], GradeRow] = {}
    for row in rows:
        latest[(row.student_id, row.assignment)] = row
    maxima: dict[str, float] = {}
    for row in latest.values():
        if row.max_score is not None:
            maxima[row.assignment] = max(maxima.get(row.assignment, 0.0), row.max_score)
    course_max = sum(maxima.values())
    position = {a: i for i, a in enumerate(order or [])}
    learners: dict[str, Learner] = {}
    for (sid, assignment), row in latest.items():
        learner = learners.setdefault(sid, Learner(sid, sid, 0.0, course_max))
        learner.score += row.score
        full = " ".join(p for p in (row.first_name, row.last_name) if p)
        if full:
            learner.name = full
        if row.status in COMPLETED_STATUSES and row.score > 0:
            learner.completed.append(assignment)
    for learner in learners.values():
        learner.completed.sort(key=lambda a: (position.get(a, len(position)), a))
    return sorted(learners.values(), key=lambda x: x.student_id)


# --------------------------------------------------------------------------- the certificate

def _date_text(day: dt.date, lang: str) -> str:
    months = [m.strip() for m in t("certificate.months", lang).split(",")]
    return f"{day.day} {months[day.month - 1]} {day.year}"


def _both(key: str, **values) -> dict[str, str]:
    return {lang: t(key, lang, **values) for lang in LANGUAGES}


CSS = """
@page { size: A4 landscape; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; background: #ffffff; color: #222222;
  font-family: Georgia, "Times New Roman", serif; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.page { width: 297mm; height: 210mm; padding: 12mm; page-break-after: always; break-after: page; }
.frame { width: 100%; height: 100%; border: 3mm double #b71c1c; padding: 10mm 16mm; display: flex;
  flex-direction: column; justify-content: space-between; text-align: center; }
.org { font-size: 13pt; letter-spacing: 0.05em; text-transform: uppercase; color: #555555; }
.org .en { font-size: 10pt; }
h1 { font-size: 30pt; margin: 4mm 0 0 0; color: #b71c1c; font-weight: normal; }
.h1en { font-size: 15pt; color: #b71c1c; margin: 0; font-style: italic; }
.to { font-size: 12pt; margin-top: 4mm; }
.to.en { margin-top: 0; }
.score { margin-top: 2mm; }
.score.en { margin-top: 0; }
.name { font-size: 26pt; font-weight: bold; margin: 2mm 0; border-bottom: 0.4mm solid #999999;
  display: inline-block; padding: 0 10mm 1mm 10mm; }
.course { font-size: 14pt; margin: 1mm 0; }
.en { color: #555555; font-style: italic; }
.modules { font-size: 10.5pt; margin: 2mm auto 0 auto; text-align: left; display: inline-block; }
.modules ul { margin: 1mm 0 0 0; padding-left: 6mm; }
.modules li { margin: 0.5mm 0; }
.foot { display: flex; justify-content: space-between; align-items: flex-end; font-size: 10.5pt; }
.sign { width: 70mm; border-top: 0.3mm solid #555555; padding-top: 1mm; text-align: center; }
.score { font-size: 10.5pt; color: #333333; }
.page:last-child { page-break-after: auto; break-after: auto; }
@media screen { body { background: #cccccc; } .page { margin: 8mm auto; background: #ffffff;
  box-shadow: 0 0 4mm rgba(0,0,0,0.3); } }
"""


def certificate_html(learner: Learner, *, course: dict, organisation: dict, module_titles: dict,
                     day: dt.date, pass_mark: float) -> str:
    """One learner's certificate: a complete, self-contained HTML page (all text escaped)."""
    e = html.escape

    def pair(values: dict, cls: str = "") -> str:
        return (f'<div class="{cls}">{e(values["id"])}</div>'
                f'<div class="{cls} en" lang="en">{e(values["en"])}</div>')

    modules = "".join(
        f"<li>{e(module_titles.get(a, {}).get('id', a))} <span class='en' lang='en'>/ "
        f"{e(module_titles.get(a, {}).get('en', a))}</span></li>" for a in learner.completed)
    percent = f"{learner.percent:.0f}"
    mark = f"{pass_mark:g}"
    heading = _both("certificate.heading")
    dates = {lang: _date_text(day, lang) for lang in LANGUAGES}
    return f"""<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<title>{e(heading["id"])} — {e(learner.name)}</title>
<style>{CSS}</style>
</head>
<body>
<div class="page"><div class="frame">
<div class="org">{e(organisation["id"])}<br><span class="en" lang="en">{e(organisation["en"])}</span></div>
<div>
<h1>{e(heading["id"])}</h1>
<p class="h1en" lang="en">{e(heading["en"])}</p>
{pair(_both("certificate.awarded_to"), "to")}
<div class="name">{e(learner.name)}</div>
{pair(_both("certificate.completed_course"), "to")}
<div class="course"><b>{e(course["id"])}</b></div>
<div class="course en" lang="en">{e(course["en"])}</div>
<div class="modules"><b>{e(t("certificate.modules", "id"))}</b> <span class="en" lang="en">/ {e(t("certificate.modules", "en"))}</span>
<ul>{modules}</ul></div>
{pair(_both("certificate.score", percent=percent, mark=mark), "score")}
</div>
<div class="foot">
<div>{e(t("certificate.date", "id", date=dates["id"]))}<br><span class="en" lang="en">{e(t("certificate.date", "en", date=dates["en"]))}</span></div>
<div class="sign">{e(t("certificate.signature", "id"))}<br><span class="en" lang="en">{e(t("certificate.signature", "en"))}</span></div>
</div>
</div></div>
</body>
</html>
"""


def _safe_name(text: str) -> str:
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", text.strip())[:64].strip("._")
    return cleaned or "learner"


@dataclass
class Outcome:
    learner: Learner
    passed: bool
    path: Path | None = None


def make_certificates(grade_files: list[str | Path], pass_mark: float, out: str | Path = "certificates", *,
                      course_name: str | None = None, organisation: str | None = None,
                      date: str | dt.date | None = None, roster: str | Path | None = None) -> list[Outcome]:
    """Write a certificate for every learner at or above ``pass_mark`` (0–100); return every outcome.

    ``roster``: the roster CSV used with ``sarasehan collect`` (``student_id,name``); its names
    go on the certificates (``sarasehan grade`` writes only student ids). A name in the grades
    file itself (``nbgrader export`` with names in the gradebook) is kept."""
    try:
        pass_mark = float(pass_mark)
    except (TypeError, ValueError):
        raise CertificateError("certificate.bad_pass_mark", value=str(pass_mark)) from None
    if not 0 <= pass_mark <= 100:
        raise CertificateError("certificate.bad_pass_mark", value=f"{pass_mark:g}")
    if isinstance(date, dt.date):
        day = date
    elif date:
        try:
            day = dt.date.fromisoformat(str(date).strip())
        except ValueError:
            raise CertificateError("certificate.bad_date", value=str(date)) from None
    else:
        day = dt.date.today()
    if not grade_files:
        raise CertificateError("certificate.no_grades")
    manifest = load_manifest()
    course = {lang: course_name for lang in LANGUAGES} if course_name else dict(manifest.course["title"])
    org = {lang: organisation for lang in LANGUAGES} if organisation else dict(manifest.course["organisation"])
    titles = {m.assignment: {lang: f"{m.number} {m.title[lang]}" for lang in LANGUAGES}
              for m in manifest.modules if m.assignment}
    order = [m.assignment for m in manifest.modules if m.assignment]
    rows: list[GradeRow] = []
    for path in grade_files:
        rows += read_grades(path)
    learners = learners_from(rows, order)
    if roster is not None:
        from .collect import read_roster
        from .packs import normalise_student_id

        names = {e.student_id: e.name for e in read_roster(roster)[0] if e.name}
        for learner in learners:
            if learner.name == learner.student_id:  # no name in the grades file
                learner.name = names.get(normalise_student_id(learner.student_id), learner.name)
    if not learners:
        raise CertificateError("certificate.no_rows", files=", ".join(str(p) for p in grade_files))
    out = Path(out)
    outcomes, used = [], set()
    for learner in learners:
        passed = learner.max_score > 0 and round(learner.percent, 6) >= pass_mark
        outcome = Outcome(learner, passed)
        if passed:
            out.mkdir(parents=True, exist_ok=True)
            stem = base = f"certificate-{_safe_name(learner.student_id)}"
            n = 2
            while stem in used:
                stem, n = f"{base}-{n}", n + 1
            used.add(stem)
            outcome.path = out / f"{stem}.html"
            outcome.path.write_text(certificate_html(learner, course=course, organisation=org, module_titles=titles,
                                                     day=day, pass_mark=pass_mark), encoding="utf-8")
        outcomes.append(outcome)
    return outcomes


# --------------------------------------------------------------------------- command line

def cmd_certificate(args) -> int:
    outcomes = make_certificates(args.grades, args.pass_mark, args.out, course_name=args.course_name,
                                 organisation=args.organisation, date=args.date, roster=args.roster)
    passed = [o for o in outcomes if o.passed]
    below = [o for o in outcomes if not o.passed]
    print(t("certificate.summary", made=len(passed), total=len(outcomes), mark=f"{float(args.pass_mark):g}",
            folder=str(args.out)))
    for o in passed:
        print("  " + t("certificate.summary_passed", student=o.learner.student_id,
                       percent=f"{o.learner.percent:.1f}", file=o.path.name))
    if below:
        print(t("certificate.summary_below_heading"))
        for o in below:
            print("  " + t("certificate.summary_below", student=o.learner.student_id,
                           percent=f"{o.learner.percent:.1f}"))
    return 0


def register(subparsers) -> None:
    """Add ``sarasehan certificate`` to the CLI's subparsers."""
    p = subparsers.add_parser("certificate", help="bilingual HTML certificates for learners at or above a pass mark")
    p.add_argument("--grades", action="extend", nargs="+", required=True, metavar="CSV",
                   help="grades CSV from `sarasehan grade` or `nbgrader export` (repeatable)")
    p.add_argument("--pass-mark", required=True, metavar="P", help="pass mark in percent (0-100)")
    p.add_argument("--out", default="certificates", metavar="DIR", help="output folder (default: certificates)")
    p.add_argument("--course-name", help="course title on the certificate (default: from course/course.yml)")
    p.add_argument("--organisation", help="issuing organisation (default: from course/course.yml)")
    p.add_argument("--date", help="date on the certificate, YYYY-MM-DD (default: today)")
    p.add_argument("--roster", metavar="CSV",
                   help="roster CSV (student_id,name), as for `sarasehan collect`: learners' names on the certificates")
    p.set_defaults(func=cmd_certificate)
