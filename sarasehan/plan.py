"""A social media plan that a PMI branch can use (Module 05): model, checks, export.

A :class:`Plan` holds the usual parts of a nonprofit plan: SMART objectives,
audiences, key messages, channels (online, offline and low-bandwidth), a
content calendar, KPIs, a budget in rupiah and a risk and crisis plan with
the approval chain and the spokesperson. Every part is a list of plain
dicts, so a plan is easy to build in a notebook and to save as JSON.

* :func:`validate_step` checks one of :data:`STEPS` and returns
  :class:`Problem` objects whose messages are in the learner's language.
* :func:`export_plan` writes ``plan.md``, ``calendar.csv``, ``plan.html``
  (printable) and ``plan.json`` (the source for reopening) into
  ``<learner folder>/plans/<slug of the title>``. Each file is written to a
  temporary file first and renamed over the old one, and ``plan.json`` is
  renamed last, so an interrupted save leaves the previous plan in place.
* :func:`load_plan` reopens a saved plan; a damaged ``plan.json`` is kept
  as ``plan.json.corrupt-STAMP`` and reported, never silently dropped.

>>> plan = example_plan()
>>> [len(validate_step(plan, step)) for step in STEPS]
[0, 0, 0, 0, 0, 0, 0, 0]
>>> budget_total(plan)
4550000
>>> calendar_frame(plan)["date"].dt.month.unique().tolist()
[7, 8, 9]
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import numbers
import os
import re
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field, fields
from pathlib import Path

import pandas as pd

from .errors import SarasehanError
from .i18n import LANGUAGES, get_language, t
from .paths import state_dir
from .smart import parse_number, smart_check
from .storage import load_json

STEPS = ["objectives", "audiences", "messages", "channels", "calendar", "kpis", "budget", "risks"]
FIELDS: dict[str, tuple[str, ...]] = {
    "objectives": ("text", "kpi", "target", "baseline", "owner"),
    "audiences": ("name", "description", "channels"),
    "messages": ("text", "audience"),
    "channels": ("name", "kind", "reason"),
    "calendar": ("date", "platform", "objective", "theme", "format", "owner"),
    "kpis": ("name", "definition", "baseline", "target", "deadline"),
    "budget": ("item", "unit_cost_idr", "quantity"),
    "risks": ("risk", "likelihood", "impact", "response", "owner"),
}
"""The fields of one row of each step, in the order of the ``a | b | c`` lines of the plan builder."""
APPROVAL_FIELDS = ("drafts_by", "approves", "replies_by", "spokesperson")
KINDS = ("online", "offline", "low_bandwidth")
MAX_GAP_DAYS = 7
FILES = {"md": "plan.md", "csv": "calendar.csv", "html": "plan.html", "json": "plan.json"}
FORMAT = "sarasehan-plan"

_KIND_ALIASES = {
    "online": "online", "daring": "online",
    "offline": "offline", "luring": "offline", "tatap muka": "offline",
    "low_bandwidth": "low_bandwidth", "low bandwidth": "low_bandwidth", "low-bandwidth": "low_bandwidth",
    "lowbandwidth": "low_bandwidth", "hemat data": "low_bandwidth", "hemat kuota": "low_bandwidth",
    "hemat-data": "low_bandwidth", "sinyal lemah": "low_bandwidth",
}
# Platforms a calendar may name besides the plan's own channels (compared without case;
# a platform is also known when one of these is a word in it, e.g. "Grup WhatsApp Desa").
KNOWN_PLATFORMS = (
    "Facebook", "Instagram", "X", "Twitter", "TikTok", "YouTube", "WhatsApp", "Telegram", "LINE", "Threads",
    "Website", "Email", "Podcast", "SMS", "Radio", "TV", "Televisi", "Koran", "Poster", "Spanduk", "Baliho",
    "Leaflet", "Selebaran", "Pertemuan warga", "Pengumuman masjid", "Kentongan", "HT",
)


# -- the model ----------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """Something to fix (``level="error"``) or to consider (``level="warning"``) in one step."""

    step: str
    message: str
    row: int | None = None  # 1-based line of the step, None for the whole step
    level: str = "error"

    def __str__(self) -> str:
        return self.message


def _clean(value: object) -> object:
    """A cell as text or a number; dates become ``YYYY-MM-DD``, lists become ``a, b``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, dt.datetime):  # also pandas.Timestamp
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, numbers.Integral):  # numpy integers
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(str(_clean(v)) for v in value)
    raise TypeError(f"unexpected value {value!r}")


def _normalise_row(step: str, row: object) -> dict:
    if not isinstance(row, dict):
        raise TypeError(f"{step}: a row must be a dict, not {type(row).__name__}")
    out = {name: _clean(row.get(name)) for name in FIELDS[step] if name != "channels"}
    if step == "audiences":
        channels = row.get("channels") or []
        if isinstance(channels, str):
            channels = [c for c in (p.strip() for p in channels.split(",")) if c]
        if not isinstance(channels, list):
            raise TypeError("audiences: channels must be a list")
        out = {"name": out["name"], "description": out["description"],
               "channels": [str(_clean(c)) for c in channels]}
    for extra, value in row.items():  # keep what we do not know rather than lose it
        if extra not in out:
            out[extra] = value
    return out


@dataclass
class Plan:
    """A social media plan; every step is a list of dicts with the fields in :data:`FIELDS`."""

    title: str = ""
    branch: str = ""
    programme: str = ""
    objectives: list[dict] = field(default_factory=list)
    audiences: list[dict] = field(default_factory=list)
    messages: list[dict] = field(default_factory=list)
    channels: list[dict] = field(default_factory=list)
    calendar: list[dict] = field(default_factory=list)
    kpis: list[dict] = field(default_factory=list)
    budget: list[dict] = field(default_factory=list)
    risks: list[dict] = field(default_factory=list)
    approval: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("title", "branch", "programme"):
            setattr(self, name, str(_clean(getattr(self, name))))
        for step in STEPS:
            rows = getattr(self, step)
            if not isinstance(rows, list):
                raise TypeError(f"{step} must be a list")
            setattr(self, step, [_normalise_row(step, row) for row in rows])
        if not isinstance(self.approval, dict):
            raise TypeError("approval must be a dict")
        approval = {name: str(_clean(self.approval.get(name))) for name in APPROVAL_FIELDS}
        approval.update({k: v for k, v in self.approval.items() if k not in approval})
        self.approval = approval

    def to_dict(self) -> dict:
        return {f.name: _copy(getattr(self, f.name)) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: dict) -> "Plan":
        """Build a plan from :meth:`to_dict` output; unknown top-level keys are ignored."""
        if not isinstance(data, dict):
            raise TypeError("a plan must be a JSON object")
        known = {f.name for f in fields(cls)}
        return cls(**{k: _copy(v) for k, v in data.items() if k in known})


def _copy(value):
    return json.loads(json.dumps(value, ensure_ascii=False))


# -- small parsers ------------------------------------------------------------------

def parse_date(value: object) -> dt.date | None:
    """A date written ``YYYY-MM-DD`` or ``DD/MM/YYYY``; ``None`` for anything else.

    >>> parse_date("2025-07-07"), parse_date("07/07/2025"), parse_date("7 Juli")
    (datetime.date(2025, 7, 7), datetime.date(2025, 7, 7), None)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    s = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", s):
            return dt.datetime.strptime(s, "%Y-%m-%d").date()
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", s):
            return dt.datetime.strptime(s, "%d/%m/%Y").date()
    except ValueError:  # 2025-02-30
        return None
    return None


def normalise_kind(kind: object) -> str | None:
    """``online``, ``offline`` or ``low_bandwidth`` (Indonesian words accepted); ``None`` if unknown."""
    if not isinstance(kind, str):
        return None
    return _KIND_ALIASES.get(" ".join(kind.strip().casefold().split()))


def _int(value: object) -> int | None:
    number = parse_number(value) if not isinstance(value, bool) else None
    if number is None or number != int(number):
        return None
    return int(number)


def _step_label(step: str) -> str:
    return t(f"plan.step.{step}")


# -- validation ---------------------------------------------------------------------

def validate_step(plan: Plan, step: str, *, max_gap_days: int = MAX_GAP_DAYS) -> list[Problem]:
    """The problems of one step (an empty list when the step looks fine).

    Messages are in the learner's language and name the line ("Baris 3",
    "Line 3") counted from 1 among the step's rows.
    """
    if step not in STEPS:
        raise SarasehanError("plan.unknown_step", step=step, valid=", ".join(STEPS))
    rows = getattr(plan, step)
    if not rows:
        return [Problem(step, t("plan.problem.empty_step", step=_step_label(step)))]
    return _CHECKS[step](plan, rows, max_gap_days)


def validate_plan(plan: Plan, *, max_gap_days: int = MAX_GAP_DAYS) -> dict[str, list[Problem]]:
    """:func:`validate_step` for every step: ``{step: problems}``."""
    return {step: validate_step(plan, step, max_gap_days=max_gap_days) for step in STEPS}


def _check_objectives(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    found = []
    for n, row in enumerate(rows, 1):
        if not str(row["text"]).strip():
            found.append(Problem("objectives", t("plan.problem.objective_empty", row=n), n))
            continue
        table = smart_check(str(row["text"]), baseline=row["baseline"], target=row["target"], owner=row["owner"])
        failed = table[~table["ok"]]
        if len(failed):
            letters = ", ".join(f"{r.letter} ({r.criterion})" for r in failed.itertuples())
            hints = " ".join(failed["hint"])
            found.append(Problem("objectives", t("plan.problem.objective_smart", row=n, letters=letters,
                                                 hints=hints), n))
        if "R" in table.attrs.get("warnings", []):
            hint = table.loc[table["letter"] == "R", "hint"].iloc[0]
            found.append(Problem("objectives", t("plan.problem.objective_realistic", row=n, hint=hint), n,
                                 "warning"))
    return found


def _check_audiences(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    return [Problem("audiences", t("plan.problem.audience_no_name", row=n), n)
            for n, row in enumerate(rows, 1) if not str(row["name"]).strip()]


def _check_messages(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    names = {str(a["name"]).casefold(): a["name"] for a in plan.audiences if str(a["name"]).strip()}
    valid = ", ".join(names.values()) or "-"
    found = []
    for n, row in enumerate(rows, 1):
        if not str(row["text"]).strip():
            found.append(Problem("messages", t("plan.problem.message_empty", row=n), n))
        audience = str(row["audience"]).strip()
        if not audience:
            found.append(Problem("messages", t("plan.problem.message_no_audience", row=n, valid=valid), n))
        elif audience.casefold() not in names:
            found.append(Problem("messages", t("plan.problem.message_unknown_audience", row=n, audience=audience,
                                               valid=valid), n))
    return found


def _check_channels(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    found = []
    for n, row in enumerate(rows, 1):
        if not str(row["name"]).strip():
            found.append(Problem("channels", t("plan.problem.channel_no_name", row=n), n))
        if normalise_kind(row["kind"]) is None:
            found.append(Problem("channels", t("plan.problem.channel_kind", row=n, kind=row["kind"] or "-"), n))
    if not any(normalise_kind(r["kind"]) in ("offline", "low_bandwidth") for r in rows):
        found.append(Problem("channels", t("plan.problem.no_offline_channel"), None, "warning"))
    return found


def known_platform(plan: Plan, platform: object) -> bool:
    """True when ``platform`` is one of the plan's channels or a platform in :data:`KNOWN_PLATFORMS`."""
    wanted = " ".join(str(platform).casefold().split())
    if not wanted:
        return False
    names = {" ".join(str(c["name"]).casefold().split()) for c in plan.channels} | {
        p.casefold() for p in KNOWN_PLATFORMS}
    if wanted in names:
        return True
    return any(re.search(rf"(?<![\w-]){re.escape(p.casefold())}(?![\w-])", wanted) for p in KNOWN_PLATFORMS)


def _check_calendar(plan: Plan, rows: list[dict], max_gap: int) -> list[Problem]:
    found = []
    count = len(plan.objectives)
    valid_platforms = ", ".join(dict.fromkeys([str(c["name"]) for c in plan.channels if c["name"]]
                                              + ["Facebook", "Instagram", "WhatsApp", "Radio", "SMS"]))
    dates = []
    for n, row in enumerate(rows, 1):
        day = parse_date(row["date"])
        if day is None:
            found.append(Problem("calendar", t("plan.problem.calendar_date", row=n, date=row["date"] or "-"), n))
        else:
            dates.append(day)
        if not known_platform(plan, row["platform"]):
            found.append(Problem("calendar", t("plan.problem.calendar_platform", row=n,
                                               platform=row["platform"] or "-", valid=valid_platforms), n))
        index = _int(row["objective"])
        if index is None or not 1 <= index <= count:
            found.append(Problem("calendar", t("plan.problem.calendar_objective", row=n,
                                               objective=row["objective"] or "-", count=count), n))
    dates.sort()
    for before, after in zip(dates, dates[1:]):
        days = (after - before).days
        if days > max_gap:
            found.append(Problem("calendar", t("plan.problem.calendar_gap", start=before.isoformat(),
                                               end=after.isoformat(), days=days, maximum=max_gap),
                                 None, "warning"))
    return found


def _check_kpis(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    found = []
    for n, row in enumerate(rows, 1):
        name = str(row["name"]).strip()
        if not name:
            found.append(Problem("kpis", t("plan.problem.kpi_no_name", row=n), n))
        if str(row["target"]).strip() == "":
            found.append(Problem("kpis", t("plan.problem.kpi_no_target", row=n, name=name or "-"), n))
        if str(row["deadline"]).strip() and parse_date(row["deadline"]) is None:
            found.append(Problem("kpis", t("plan.problem.kpi_deadline", row=n, date=row["deadline"]), n))
    return found


def _check_budget(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    found = []
    for n, row in enumerate(rows, 1):
        if not str(row["item"]).strip():
            found.append(Problem("budget", t("plan.problem.budget_no_item", row=n), n))
        for name in ("unit_cost_idr", "quantity"):
            value = parse_number(row[name])
            if value is None:
                found.append(Problem("budget", t("plan.problem.budget_not_number", row=n,
                                                 field=t(f"plan.field.{name}"), value=row[name] or "-"), n))
            elif value < 0:
                found.append(Problem("budget", t("plan.problem.budget_negative", row=n,
                                                 field=t(f"plan.field.{name}"), value=row[name]), n))
    return found


def _check_risks(plan: Plan, rows: list[dict], _gap: int) -> list[Problem]:
    found = []
    for n, row in enumerate(rows, 1):
        if not str(row["risk"]).strip():
            found.append(Problem("risks", t("plan.problem.risk_no_text", row=n), n))
        for name in ("likelihood", "impact"):
            score = _int(row[name])
            if score is None or not 1 <= score <= 3:
                found.append(Problem("risks", t("plan.problem.risk_score", row=n, field=t(f"plan.field.{name}"),
                                                value=row[name] if row[name] != "" else "-"), n))
        if not str(row["response"]).strip():
            found.append(Problem("risks", t("plan.problem.risk_no_response", row=n), n, "warning"))
    missing = [t(f"plan.field.{name}") for name in APPROVAL_FIELDS if not str(plan.approval.get(name, "")).strip()]
    if missing:
        found.append(Problem("risks", t("plan.problem.approval_missing", roles=", ".join(missing)), None, "warning"))
    return found


_CHECKS = {"objectives": _check_objectives, "audiences": _check_audiences, "messages": _check_messages,
           "channels": _check_channels, "calendar": _check_calendar, "kpis": _check_kpis,
           "budget": _check_budget, "risks": _check_risks}


# -- tables -------------------------------------------------------------------------

CALENDAR_COLUMNS = ["date", "platform", "objective", "theme", "format", "owner"]


def calendar_frame(plan: Plan) -> pd.DataFrame:
    """The calendar as a table sorted by date (``date`` is datetime64; unreadable dates are NaT, last)."""
    rows = plan.calendar
    frame = pd.DataFrame({
        "date": pd.to_datetime(pd.Series([parse_date(r["date"]) for r in rows], dtype=object)),
        "platform": pd.Series([str(r["platform"]) for r in rows], dtype=object),
        "objective": pd.array([_int(r["objective"]) for r in rows], dtype="Int64"),
        "theme": pd.Series([str(r["theme"]) for r in rows], dtype=object),
        "format": pd.Series([str(r["format"]) for r in rows], dtype=object),
        "owner": pd.Series([str(r["owner"]) for r in rows], dtype=object),
    }, columns=CALENDAR_COLUMNS)
    if not rows:
        frame["date"] = pd.Series(dtype="datetime64[ns]")
    frame = frame.sort_values("date", kind="stable", na_position="last").reset_index(drop=True)
    return frame


def budget_rows(plan: Plan) -> list[dict]:
    """Budget rows with ``subtotal`` (``None`` where a cost or quantity is not a number)."""
    out = []
    for row in plan.budget:
        cost, qty = parse_number(row["unit_cost_idr"]), parse_number(row["quantity"])
        ok = cost is not None and qty is not None and cost >= 0 and qty >= 0
        out.append({**row, "subtotal": round(cost * qty) if ok else None})
    return out


def budget_total(plan: Plan) -> int:
    """The budget in rupiah: the sum of unit cost × quantity over the rows that are numbers.

    Rows that are not numbers are left out (``validate_step(plan, "budget")`` names them).
    """
    return int(sum(r["subtotal"] for r in budget_rows(plan) if r["subtotal"] is not None))


def format_idr(amount: float | int, lang: str | None = None) -> str:
    """``Rp 1.250.000`` in Bahasa Indonesia, ``IDR 1,250,000`` in English."""
    text = f"{round(amount):,}"
    if (lang or get_language()) == "id":
        return "Rp " + text.replace(",", ".")
    return "IDR " + text


# -- text lines for the plan builder --------------------------------------------------

def rows_to_text(step: str, rows: list[dict]) -> str:
    """One line per row, fields separated by ``|`` (trailing empty fields left out)."""
    lines = []
    for row in rows:
        parts = []
        for name in FIELDS[step]:
            value = row.get(name, "")
            parts.append(", ".join(map(str, value)) if isinstance(value, list) else str(value))
        while parts and not parts[-1].strip():
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def text_to_rows(step: str, text: str) -> list[dict]:
    """Parse the lines of :func:`rows_to_text`; blank lines are skipped and nothing else is dropped.

    A line with more ``|`` than fields keeps the extra text in its last field.

    >>> text_to_rows("budget", "Poster A3 | 15.000 | 60")
    [{'item': 'Poster A3', 'unit_cost_idr': '15.000', 'quantity': '60'}]
    """
    if step not in STEPS:
        raise SarasehanError("plan.unknown_step", step=step, valid=", ".join(STEPS))
    names = FIELDS[step]
    rows = []
    for line in str(text or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > len(names):
            parts = parts[:len(names) - 1] + [" | ".join(parts[len(names) - 1:])]
        parts += [""] * (len(names) - len(parts))
        rows.append(_normalise_row(step, dict(zip(names, parts))))
    return rows


# -- files --------------------------------------------------------------------------

def slugify(title: str) -> str:
    """A folder name for a title: ``"Siaga Banjir 2025!"`` → ``"siaga-banjir-2025"``."""
    spaced = re.sub(r"[\W_]+", " ", str(title))  # dashes and punctuation separate words
    ascii_text = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return slug or "rencana"


def plans_dir() -> Path:
    return state_dir() / "plans"


def plan_folder(title: str) -> Path:
    """``<learner folder>/plans/<slug of title>``; a title is required."""
    if not str(title or "").strip():
        raise SarasehanError("plan.no_title")
    return plans_dir() / slugify(title)


def list_plans() -> list[str]:
    """The titles of the plans saved in the learner's folder (damaged files are skipped, not moved)."""
    titles = []
    for path in sorted(plans_dir().glob("*/plan.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            title = (data.get("plan") or data).get("title")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(title, str) and title.strip():
            titles.append(title)
    return sorted(set(titles), key=str.casefold)


def _stage(path: Path, text: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        _unlink(tmp)
        raise
    return tmp


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _write_all(files: list[tuple[Path, str]]) -> None:
    """Write every file to a temporary file, then rename each over the old one, in order."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in files:
            path.parent.mkdir(parents=True, exist_ok=True)
            staged.append((_stage(path, text), path))
        while staged:
            tmp, path = staged[0]
            os.replace(tmp, path)
            staged.pop(0)
    finally:
        for tmp, _ in staged:
            _unlink(tmp)


def plan_json(plan: Plan) -> str:
    data = {"format": FORMAT, "version": 1, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "plan": plan.to_dict()}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def calendar_csv(plan: Plan) -> str:
    """``calendar.csv``: the calendar sorted by date, dates as ``YYYY-MM-DD`` where readable."""
    keyed = sorted(enumerate(plan.calendar),
                   key=lambda pair: (parse_date(pair[1]["date"]) is None,
                                     parse_date(pair[1]["date"]) or dt.date.min, pair[0]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CALENDAR_COLUMNS)
    for _, row in keyed:
        day = parse_date(row["date"])
        writer.writerow([day.isoformat() if day else row["date"], *(row[c] for c in CALENDAR_COLUMNS[1:])])
    return buffer.getvalue()


def _display_date(value: object) -> str:
    day = parse_date(value)
    return day.isoformat() if day else str(value)


def _sections(plan: Plan) -> list[tuple[str, list[str], list[list[str]]]]:
    """``(step, header, rows)`` for every table of the plan, values as text."""
    kinds = {k: t(f"plan.kind.{k}") for k in KINDS}
    budget = budget_rows(plan)
    return [
        ("objectives", [t("plan.field.number"), t("plan.field.text"), t("plan.field.kpi"), t("plan.field.baseline"),
                        t("plan.field.target"), t("plan.field.owner")],
         [[str(n), r["text"], r["kpi"], r["baseline"], r["target"], r["owner"]]
          for n, r in enumerate(plan.objectives, 1)]),
        ("audiences", [t("plan.field.name"), t("plan.field.description"), t("plan.field.channels")],
         [[r["name"], r["description"], ", ".join(r["channels"])] for r in plan.audiences]),
        ("messages", [t("plan.field.text"), t("plan.field.audience")],
         [[r["text"], r["audience"]] for r in plan.messages]),
        ("channels", [t("plan.field.name"), t("plan.field.kind"), t("plan.field.reason")],
         [[r["name"], kinds.get(normalise_kind(r["kind"]) or "", r["kind"]), r["reason"]] for r in plan.channels]),
        ("calendar", [t(f"plan.field.{c}") for c in CALENDAR_COLUMNS],
         [[_display_date(r["date"]), *(r[c] for c in CALENDAR_COLUMNS[1:])]
          for r in sorted(plan.calendar, key=lambda r: (parse_date(r["date"]) is None,
                                                        parse_date(r["date"]) or dt.date.min))]),
        ("kpis", [t(f"plan.field.{c}") for c in FIELDS["kpis"]],
         [[r["name"], r["definition"], r["baseline"], r["target"], _display_date(r["deadline"])] for r in plan.kpis]),
        ("budget", [t("plan.field.item"), t("plan.field.unit_cost_idr"), t("plan.field.quantity"),
                    t("plan.field.subtotal")],
         [[r["item"], _money(r["unit_cost_idr"]), r["quantity"],
           format_idr(r["subtotal"]) if r["subtotal"] is not None else "?"] for r in budget]),
        ("risks", [t("plan.field.risk"), t("plan.field.likelihood"), t("plan.field.impact"), t("plan.field.score"),
                   t("plan.field.response"), t("plan.field.owner")],
         [[r["risk"], r["likelihood"], r["impact"], _score(r), r["response"], r["owner"]] for r in plan.risks]),
    ]


def _money(value: object) -> str:
    number = parse_number(value)
    return format_idr(number) if number is not None else str(value)


def _score(row: dict) -> str:
    a, b = _int(row["likelihood"]), _int(row["impact"])
    return str(a * b) if a is not None and b is not None else "?"


def _md_cell(value: object) -> str:
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|") or " "


def plan_markdown(plan: Plan) -> str:
    """``plan.md``: the whole plan as readable Markdown in the learner's language."""
    out = [f"# {plan.title or t('plan.untitled')}", ""]
    for name in ("branch", "programme"):
        out.append(f"- **{t(f'plan.field.{name}')}:** {getattr(plan, name) or '-'}")
    out += [f"- **{t('plan.field.budget_total')}:** {format_idr(budget_total(plan))}", ""]
    for number, (step, header, rows) in enumerate(_sections(plan), 1):
        out += [f"## {number}. {_step_label(step)}", ""]
        if not rows:
            out += [f"_{t('plan.empty_section')}_", ""]
        else:
            out.append("| " + " | ".join(_md_cell(h) for h in header) + " |")
            out.append("|" + "---|" * len(header))
            out += ["| " + " | ".join(_md_cell(v) for v in row) + " |" for row in rows]
            out.append("")
        if step == "budget" and rows:
            out += [f"**{t('plan.field.budget_total')}: {format_idr(budget_total(plan))}**", ""]
    out += [f"## {t('plan.approval_heading')}", ""]
    for name in APPROVAL_FIELDS:
        out.append(f"- **{t(f'plan.field.{name}')}:** {' '.join(str(plan.approval.get(name) or '-').split())}")
    out += ["", f"_{t('plan.footer', date=time.strftime('%Y-%m-%d'))}_", ""]
    return "\n".join(out)


def _bilingual(key: str) -> str:
    """A heading in the learner's language with the other language beside it (HTML, escaped)."""
    lang = get_language()
    other = [code for code in LANGUAGES if code != lang][0]
    return (f"{html.escape(t(key))} <span class='other-lang' lang='{other}'>/ "
            f"{html.escape(t(key, lang=other))}</span>")


_HTML_STYLE = """
body { font-family: "Noto Sans", Arial, sans-serif; margin: 2em; color: #222; line-height: 1.35; }
h1 { color: #c62828; border-bottom: 3px solid #c62828; padding-bottom: .2em; }
h2 { color: #b71c1c; margin-top: 1.6em; page-break-after: avoid; }
.other-lang { color: #777; font-weight: normal; font-size: .75em; }
table { border-collapse: collapse; width: 100%; margin: .5em 0 1em; font-size: .92em; }
th, td { border: 1px solid #bbb; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #f5f5f5; }
tr { page-break-inside: avoid; }
.meta td:first-child { font-weight: bold; width: 30%; }
.total { font-weight: bold; }
.empty { color: #777; font-style: italic; }
@media print { body { margin: 1cm; } a { color: inherit; } }
"""


def plan_html(plan: Plan) -> str:
    """``plan.html``: a printable page; every value is escaped; headings in both languages."""
    esc = html.escape
    title = esc(plan.title or t("plan.untitled"))
    meta = [(t("plan.field.branch"), plan.branch), (t("plan.field.programme"), plan.programme),
            (t("plan.field.budget_total"), format_idr(budget_total(plan)))]
    out = [f"<!DOCTYPE html>\n<html lang='{get_language()}'>\n<head>\n<meta charset='utf-8'>",
           f"<title>{title}</title>\n<style>{_HTML_STYLE}</style>\n</head>\n<body>",
           f"<h1>{title}</h1>", "<table class='meta'>"]
    out += [f"<tr><td>{esc(k)}</td><td>{esc(str(v) or '-')}</td></tr>" for k, v in meta]
    out.append("</table>")
    for number, (step, header, rows) in enumerate(_sections(plan), 1):
        out.append(f"<h2>{number}. {_bilingual(f'plan.step.{step}')}</h2>")
        if not rows:
            out.append(f"<p class='empty'>{esc(t('plan.empty_section'))}</p>")
            continue
        out.append("<table><thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in header) + "</tr></thead><tbody>")
        out += ["<tr>" + "".join(f"<td>{esc(str(v))}</td>" for v in row) + "</tr>" for row in rows]
        out.append("</tbody></table>")
        if step == "budget":
            out.append(f"<p class='total'>{esc(t('plan.field.budget_total'))}: "
                       f"{esc(format_idr(budget_total(plan)))}</p>")
    out.append(f"<h2>{_bilingual('plan.approval_heading')}</h2><table class='meta'>")
    out += [f"<tr><td>{esc(t(f'plan.field.{name}'))}</td><td>{esc(str(plan.approval.get(name) or '-'))}</td></tr>"
            for name in APPROVAL_FIELDS]
    out.append(f"</table>\n<p class='empty'>{esc(t('plan.footer', date=time.strftime('%Y-%m-%d')))}</p>")
    out.append("</body>\n</html>\n")
    return "\n".join(out)


def export_plan(plan: Plan, folder: str | Path | None = None) -> dict[str, Path]:
    """Write ``plan.md``, ``calendar.csv``, ``plan.html`` and ``plan.json``; return their paths.

    ``folder`` defaults to :func:`plan_folder` of the title. All four files
    are written to temporary files first; they are then renamed over the old
    ones with ``plan.json`` last, so if anything fails (disk full, a crash)
    the previous ``plan.json`` is still there and can be reopened.
    """
    folder = Path(folder) if folder is not None else plan_folder(plan.title)
    texts = {"md": plan_markdown(plan), "csv": calendar_csv(plan), "html": plan_html(plan), "json": plan_json(plan)}
    paths = {kind: folder / FILES[kind] for kind in FILES}
    _write_all([(paths[kind], texts[kind]) for kind in ("md", "csv", "html", "json")])
    return paths


def _backup(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    backup = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while backup.exists():
        backup = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    os.replace(path, backup)
    return backup


class PlanFileError(SarasehanError, ValueError):
    """A saved plan that is missing or cannot be read; ``backup`` is where a damaged file was kept."""

    def __init__(self, message_key: str, /, backup: Path | None = None, **values: object):
        self.backup = backup
        super().__init__(message_key, **values)


def _plan_from_data(data: object) -> Plan:
    """The plan in what :func:`plan_json` wrote (or in a bare :meth:`Plan.to_dict`)."""
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    if data.get("format") == FORMAT and isinstance(data.get("plan"), dict):
        return Plan.from_dict(data["plan"])
    if "title" in data and set(data) <= {f.name for f in fields(Plan)}:
        return Plan.from_dict(data)
    raise ValueError("not a plan")


def load_plan(folder_or_json: str | Path) -> Plan:
    """Reopen a plan saved by :func:`export_plan` (a folder or its ``plan.json``).

    A ``plan.json`` that cannot be read is renamed to
    ``plan.json.corrupt-STAMP`` and a :class:`PlanFileError` says so (the
    readable ``plan.md`` next to it is left alone).
    """
    path = Path(folder_or_json)
    if path.is_dir():
        path = path / FILES["json"]
    if not path.exists():
        raise PlanFileError("plan.not_found", path=str(path))
    if path.name != FILES["json"]:  # not a file export_plan wrote: read it, but never move it
        try:
            return _plan_from_data(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, TypeError, ValueError, AttributeError):
            raise PlanFileError("plan.not_a_plan", path=str(path)) from None
    loaded = load_json(path)  # a file that is not JSON is moved aside by storage
    backup = loaded.backup
    if backup is None:
        try:
            return _plan_from_data(loaded.data)
        except (TypeError, ValueError, AttributeError):
            backup = _backup(path)
    raise PlanFileError("plan.corrupt", backup=backup, path=path.name, backup_name=backup.name)


# -- the running example --------------------------------------------------------------

EXAMPLE_TODAY = dt.date(2025, 8, 15)
"""The day on which :func:`example_plan_calendar` pretends the plan is reviewed."""

# Objective numbers in the example, as in the KPI table of the Module 05 lesson (section 8):
# 1 members of the Siaga Banjir WhatsApp groups, 2 new donors at the blood drives, 3 radio talk shows.
# The five riverside villages on the Cibening river (all fictional).
_VILLAGES = ("Sukamaju", "Cibening Hilir", "Mekarsari", "Sukamulya", "Tanjungsari")
_SENIN_SIAGA = [  # Mondays, "Senin Siaga": flood preparedness in the village WhatsApp groups (objective 1)
    ("Perkenalan grup Siaga Banjir dan aturan grup", "teks"),
    ("Nomor darurat PMI, BPBD dan puskesmas", "infografis"),
    ("Isi tas siaga bencana keluarga", "foto"),
    ("Peta jalur evakuasi dan titik kumpul desa", "infografis"),
    ("Cara membaca peringatan dini tinggi muka air Sungai Cibening", "pesan suara"),
    ("Cek dulu sebelum meneruskan: pesan berantai palsu soal banjir", "teks"),
    ("Menyimpan dokumen penting dalam plastik kedap air", "foto"),
    ("Sabtu ini simulasi evakuasi di Desa Sukamaju", "poster"),
    ("Air bersih dan kesehatan setelah banjir", "infografis"),
    ("Pertolongan pertama untuk luka ringan", "video pendek"),
    ("Kelompok rentan: lansia, ibu hamil, penyandang disabilitas", "teks"),
    ("Kuis jalur evakuasi keluarga", "teks"),
    ("Rangkuman tiga bulan: ajak tetangga bergabung ke grup Siaga Banjir desa", "foto"),
]
_KAMIS_DONOR = [  # Thursdays, "Kamis Donor": blood donation, volunteers behind the scenes, thanks (objective 2)
    ("Syarat donor darah", "infografis"),
    ("Takut jarum? Kisah pendonor pertama, mahasiswi Universitas Contoh", "video pendek"),
    ("Sabtu ini donor darah keliling di Balai Desa Sukamaju", "poster"),
    ("Terima kasih pendonor 19 Juli", "foto"),
    ("Relawan di balik layar: sehari bersama petugas UDD", "video pendek"),
    ("Mitos dan fakta donor darah", "infografis"),
    ("Sabtu ini donor darah keliling di Alun-alun Kota Contoh", "poster"),
    ("Terima kasih pendonor 16 Agustus", "foto"),
    ("Perjalanan sekantong darah dari pendonor ke pasien", "video pendek"),
    ("Sebelum donor: makan, minum dan tidur cukup", "infografis"),
    ("Relawan di balik layar: unit KSR kampus", "foto"),
    ("Sabtu ini donor darah keliling di Kampus Universitas Contoh", "poster"),
    ("Terima kasih dan hasil kampanye donor Juli–September", "infografis"),
]
_TALKSHOWS = [  # Wednesdays 9 July – 27 August: the 8 talk shows of objective 3 (target date 31 August)
    "Tanda bahaya banjir dan peringatan dini Sungai Cibening, bersama BPBD",
    "Isi tas siaga bencana keluarga",
    "Jalur evakuasi dan titik kumpul di lima desa bantaran",
    "Cek dulu sebelum meneruskan: hoaks saat banjir",
    "Kelompok rentan saat mengungsi: lansia, ibu hamil, penyandang disabilitas",
    "Air bersih dan kesehatan setelah banjir, bersama puskesmas",
    "Pertolongan pertama di rumah saat air naik",
    "Kisah warga dan relawan SIBAT yang siap siaga",
]
_EXTRA_ROWS = [  # (date, platform, objective, theme, format, owner)
    ("2025-07-05", "SMS", 1, "Ajakan bergabung ke grup WhatsApp Siaga Banjir desa, mulai Senin 7 Juli", "SMS",
     "Fasilitator SIBAT"),
    ("2025-08-05", "SMS", 1, "Pengingat: simpan nomor grup WhatsApp Siaga Banjir desa Anda", "SMS",
     "Fasilitator SIBAT"),
    ("2025-09-02", "SMS", 1, "Pengingat: ajak tetangga bergabung ke grup WhatsApp Siaga Banjir", "SMS",
     "Fasilitator SIBAT"),
    ("2025-09-30", "SMS", 1, "Musim hujan tiba: tetap di grup WhatsApp Siaga Banjir desa", "SMS",
     "Fasilitator SIBAT"),
    *[(day, "Pertemuan warga", 1, f"Jalur evakuasi, nomor darurat dan grup WhatsApp Siaga Banjir di Desa {village}",
       "tatap muka", "Fasilitator SIBAT")
      for day, village in zip(("2025-07-12", "2025-07-26", "2025-08-09", "2025-08-23", "2025-09-06"), _VILLAGES)],
    ("2025-07-19", "Instagram", 2, "Liputan langsung donor keliling di Balai Desa Sukamaju", "story", "Relawan TSR"),
    ("2025-08-16", "Instagram", 2, "Liputan langsung donor keliling di Alun-alun Kota Contoh", "story", "Relawan TSR"),
    ("2025-09-20", "Instagram", 2, "Liputan langsung donor keliling di Kampus Universitas Contoh", "story",
     "Relawan TSR"),
    ("2025-08-30", "Facebook", 1, "Foto simulasi evakuasi di Desa Sukamaju dan ajakan bergabung ke grup Siaga Banjir",
     "foto", "Relawan TSR"),
    ("2025-09-17", "Instagram", 2, "HUT ke-80 PMI: terima kasih pendonor sukarela", "video pendek", "Staf Humas"),
    ("2025-09-17", "Facebook", 1, "HUT ke-80 PMI: kisah relawan SIBAT Desa Mekarsari dan ajakan bergabung ke grup "
     "Siaga Banjir", "foto", "Staf Humas"),
    ("2025-09-17", "WhatsApp", 1, "Ucapan HUT ke-80 PMI: ajak tetangga bergabung ke grup Siaga Banjir", "teks",
     "Staf Humas"),
]


def _example_calendar() -> list[dict]:
    """13 weeks: Senin Siaga (WhatsApp), Kamis Donor (Instagram/Facebook), 8 radio talk shows and the dated events.

    Every ISO week from 27 (the first days of July) to 40 (29–30 September) has
    at least two rows, no gap between rows is longer than four days, and the
    busiest week is 15–21 September (HUT PMI on the 17th and the last blood drive).
    """
    rows = []
    for week in range(13):
        monday = dt.date(2025, 7, 7) + dt.timedelta(weeks=week)
        thursday = dt.date(2025, 7, 3) + dt.timedelta(weeks=week)
        theme, fmt = _SENIN_SIAGA[week]
        rows.append({"date": monday.isoformat(), "platform": "WhatsApp", "objective": 1, "theme": theme,
                     "format": fmt, "owner": "Staf Humas"})
        theme, fmt = _KAMIS_DONOR[week]
        rows.append({"date": thursday.isoformat(), "platform": "Instagram" if week % 2 == 0 else "Facebook",
                     "objective": 2, "theme": theme, "format": fmt, "owner": "Staf Humas"})
    for n, theme in enumerate(_TALKSHOWS):
        wednesday = dt.date(2025, 7, 9) + dt.timedelta(weeks=n)
        rows.append({"date": wednesday.isoformat(), "platform": "Radio", "objective": 3,
                     "theme": f"Talkshow: {theme}", "format": "talkshow", "owner": "Relawan KSR"})
    rows += [dict(zip(CALENDAR_COLUMNS, row)) for row in _EXTRA_ROWS]
    return sorted(rows, key=lambda r: (r["date"], r["platform"]))


def example_plan() -> Plan:
    """The course's running example: fictional PMI Kabupaten Contoh, July–September 2025.

    Flood preparedness (PRB) with the SIBAT teams of five riverside villages
    on the Cibening river and a blood-donation campaign by the UDD with three
    mobile drives; the same figures as the Module 05 lesson (all invented):
    objectives and KPIs as in its section 8, channels as in section 5, the
    calendar of section 6, roles as in section 7, the budget of section 9
    (Rp4.550.000 in cash) and the main risks of section 10. Content is in
    Bahasa Indonesia, as the branch would write it. Every step passes
    :func:`validate_step`.
    """
    return Plan(
        title="Siaga Banjir dan Donor Darah, Juli–September 2025",
        branch="PMI Kabupaten Contoh (fiktif)",
        programme="Pengurangan Risiko Bencana (PRB) banjir bersama SIBAT di lima desa bantaran Sungai Cibening, "
                  "Kecamatan Sukamaju, dan kampanye donor darah UDD dengan tiga kegiatan donor keliling",
        objectives=[
            {"text": "Sampai 30 September 2025, Humas PMI Kabupaten Contoh bersama fasilitator SIBAT menambah "
                     "anggota grup WhatsApp Siaga Banjir di lima desa bantaran Sungai Cibening dari 150 menjadi "
                     "400 warga, dihitung dari daftar anggota grup.",
             "kpi": "Anggota grup WhatsApp Siaga Banjir di lima desa", "target": 400, "baseline": 150,
             "owner": "Staf Humas dan fasilitator SIBAT"},
            {"text": "Antara 1 Juli dan 30 September 2025, UDD PMI Kabupaten Contoh mencatat 300 pendonor baru pada "
                     "tiga kegiatan donor keliling, naik dari 180 pendonor baru pada April–Juni 2025, diukur dari "
                     "data pendaftaran UDD.",
             "kpi": "Pendonor baru yang tercatat di UDD pada donor keliling", "target": 300, "baseline": 180,
             "owner": "Koordinator UDD"},
            {"text": "Sampai 31 Agustus 2025, relawan KSR bersama Radio Suara Contoh FM menyiarkan 8 talkshow "
                     "kesiapsiagaan banjir untuk warga bantaran Sungai Cibening, naik dari 2 talkshow pada "
                     "Juli–Agustus 2024.",
             "kpi": "Talkshow kesiapsiagaan banjir yang benar-benar mengudara", "target": 8, "baseline": 2,
             "owner": "Relawan KSR"},
        ],
        audiences=[
            {"name": "Calon pendonor muda",
             "description": "Persona Rina, 20: mahasiswi yang belum pernah donor; butuh jadwal dan syarat donor; "
                            "hambatannya takut jarum; dijangkau lewat Instagram, Facebook dan unit KSR kampus.",
             "channels": ["Instagram", "Facebook"]},
            {"name": "Ketua RT di bantaran sungai",
             "description": "Persona Pak Darto, 56: ketua RT di bantaran Sungai Cibening; butuh peringatan dini yang "
                            "mudah diteruskan ke warga; kuota terbatas dan sinyal lemah saat hujan.",
             "channels": ["WhatsApp", "SMS"]},
            {"name": "Ibu di desa rawan banjir",
             "description": "Persona Bu Sari, 34: ibu dua anak; butuh isi tas siaga dan jalur evakuasi; ponsel "
                            "murah, jarang membaca unggahan panjang; mendengar radio pagi, pengumuman masjid, "
                            "posyandu dan pesan dari tetangga.",
             "channels": ["Radio", "Pertemuan warga", "WhatsApp"]},
            {"name": "Pendonor tetap dan relawan",
             "description": "Audiens di dalam: relawan, pendonor tetap (DDS) dan pengurus ikut meneruskan pesan bila "
                            "diberi bahan yang mudah diteruskan.",
             "channels": ["WhatsApp", "Instagram"]},
        ],
        messages=[
            {"text": "Banjir bisa datang cepat. Kenali jalur evakuasi desa Anda dan siapkan tas siaga sekarang.",
             "audience": "Ibu di desa rawan banjir"},
            {"text": "Teruskan peringatan dini dari BMKG, BPBD dan PMI ke grup warga, selalu dengan sumbernya.",
             "audience": "Ketua RT di bantaran sungai"},
            {"text": "Stok darah UDD bergantung pada pendonor sukarela. Lihat jadwal mobil unit minggu ini dan "
                     "ajak satu teman.", "audience": "Calon pendonor muda"},
            {"text": "Terima kasih sudah rutin donor. Bagikan jadwal mobil unit ke grup Anda dan ajak satu teman.",
             "audience": "Pendonor tetap dan relawan"},
        ],
        channels=[
            {"name": "Instagram", "kind": "online",
             "reason": "Untuk Rina: ajakan donor, cerita pendonor, tanya-jawab; perlu internet."},
            {"name": "Facebook", "kind": "online",
             "reason": "Untuk orang tua dan perangkat desa: ajakan donor, cerita pendonor, tanya-jawab; perlu "
                       "internet."},
            {"name": "WhatsApp", "kind": "low_bandwidth",
             "reason": "Grup WhatsApp Siaga Banjir per desa, untuk Pak Darto, Bu Sari dan pendonor tetap: pesan "
                       "siap-teruskan, pengingat, pertanyaan warga; perlu internet, tetapi hemat data."},
            {"name": "SMS", "kind": "low_bandwidth",
             "reason": "Untuk warga dengan ponsel tanpa paket data: ajakan bergabung, pengingat; tanpa internet."},
            {"name": "Radio", "kind": "offline",
             "reason": "Radio komunitas Radio Suara Contoh FM, untuk warga bantaran sungai: talkshow kesiapsiagaan "
                       "banjir; tanpa internet, tetap didengar saat sinyal putus."},
            {"name": "Pertemuan warga", "kind": "offline",
             "reason": "Pertemuan warga, papan posko dan pengumuman masjid, untuk semua warga termasuk lansia yang "
                       "tidak daring: jalur evakuasi, nomor darurat, pertanyaan warga; tanpa internet."},
        ],
        calendar=_example_calendar(),
        kpis=[
            {"name": "Anggota grup WhatsApp Siaga Banjir di lima desa",
             "definition": "Tanggapan audiens (tujuan 1); sumber: daftar anggota grup, nomor unik",
             "baseline": 150, "target": 400, "deadline": "2025-09-30"},
            {"name": "Pendonor baru yang tercatat di UDD pada donor keliling",
             "definition": "Hasil (tujuan 2); sumber: data pendaftaran UDD", "baseline": 180, "target": 300,
             "deadline": "2025-09-30"},
            {"name": "Talkshow kesiapsiagaan banjir yang benar-benar mengudara",
             "definition": "Keluaran (tujuan 3); sumber: jadwal siar Radio Suara Contoh FM", "baseline": 2,
             "target": 8, "deadline": "2025-08-31"},
            {"name": "Pertanyaan warga yang dibalas dalam 24 jam",
             "definition": "Layanan (tanpa nomor tujuan); sumber: log pesan admin", "baseline": "60%",
             "target": "90%", "deadline": "2025-09-30"},
        ],
        budget=[
            {"item": "Waktu staf Humas: 6 jam × 13 minggu = 78 jam (dari gaji yang sudah ada; dicatat)",
             "unit_cost_idr": 0, "quantity": 78},
            {"item": "Waktu relawan: 4 relawan × 3 jam × 13 minggu = 156 jam (tidak dibayar; dicatat)",
             "unit_cost_idr": 0, "quantity": 156},
            {"item": "Pulsa SMS dan kuota relawan desa: 5 desa × 3 bulan", "unit_cost_idr": 50000, "quantity": 15},
            {"item": "Iklan berbayar jadwal donor: 3 kegiatan donor keliling", "unit_cost_idr": 150000,
             "quantity": 3},
            {"item": "Cetak poster A3 jadwal donor", "unit_cost_idr": 15000, "quantity": 60},
            {"item": "Talkshow radio: konsumsi narasumber Rp100.000 + transport relawan Rp50.000, per siaran",
             "unit_cost_idr": 150000, "quantity": 8},
            {"item": "Pertemuan warga: konsumsi, per desa (5 desa)", "unit_cost_idr": 250000, "quantity": 5},
            {"item": "Peralatan: ponsel piket dan laptop markas yang sudah ada (Rp0; dicatat)", "unit_cost_idr": 0,
             "quantity": 1},
        ],
        risks=[
            {"risk": "Hoaks “tanggul jebol” beredar di grup WhatsApp", "likelihood": 3, "impact": 3,
             "response": "Admin membalas dalam satu jam dengan informasi resmi BPBD dan PMI, lalu melapor ke Kepala "
                         "Markas. Pencegahan: warga mengenal saluran resmi markas.",
             "owner": "Admin piket, lalu Humas"},
            {"risk": "Banjir datang; listrik dan sinyal putus", "likelihood": 2, "impact": 3,
             "response": "Tunda unggahan terjadwal; hanya informasi layanan. Pencegahan: radio, HT relawan dan "
                         "pengumuman masjid disiapkan.", "owner": "Kepala Markas"},
            {"risk": "Admin relawan tidak aktif saat libur panjang", "likelihood": 2, "impact": 2,
             "response": "Admin cadangan mengambil alih. Pencegahan: jadwal piket mingguan dan dua admin cadangan.",
             "owner": "Humas"},
            {"risk": "Akun diretas atau ponsel admin hilang", "likelihood": 2, "impact": 3,
             "response": "Ambil alih lewat admin kedua dan kabarkan di saluran lain. Pencegahan: paling sedikit dua "
                         "admin, kata sandi kuat, verifikasi dua langkah.", "owner": "Humas"},
            {"risk": "Keluhan antrean panjang di mobil unit donor menjadi ramai", "likelihood": 2, "impact": 2,
             "response": "Pernyataan sementara di platform yang sama (akui, perbaiki, lanjutkan); periksa penyebabnya "
                         "bersama UDD; umumkan perbaikannya paling lambat Rabu berikutnya.",
             "owner": "Humas dan koordinator UDD"},
        ],
        approval={
            "drafts_by": "Staf Humas, dibantu relawan KSR dan TSR (foto, video); fakta program diperiksa koordinator "
                         "UDD (donor darah) serta koordinator PRB dan fasilitator SIBAT (banjir)",
            "approves": "Kepala Markas; unggahan rutin dari kalender disetujui sekaligus setiap minggu; templat "
                        "peringatan dini disetujui sebelum musim hujan, lalu admin piket langsung mengunggahnya bila "
                        "sumbernya BMKG atau BPBD",
            "replies_by": "Admin relawan KSR terlatih sesuai jadwal piket, dengan daftar jawaban yang disepakati",
            "spokesperson": "Ketua PMI Kabupaten Contoh; bila berhalangan, Kepala Markas",
        },
    )


def example_plan_calendar() -> pd.DataFrame:
    """The example plan's calendar with a ``status`` column as on :data:`EXAMPLE_TODAY`.

    Columns: ``date`` (datetime64), ``platform``, ``objective`` (1-based number
    of the objective), ``theme``, ``format``, ``owner`` and ``status``
    (``published`` before the review day, ``scheduled`` from it on).
    """
    frame = calendar_frame(example_plan())
    frame["status"] = ["published" if d.date() < EXAMPLE_TODAY else "scheduled" for d in frame["date"]]
    return frame
