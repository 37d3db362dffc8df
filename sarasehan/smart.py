"""A SMART checklist for one objective, in Bahasa Indonesia or English (Module 05).

George T. Doran (*Management Review*, November 1981) asked that objectives be
**S**pecific, **M**easurable, **A**ssignable, **R**ealistic and
**T**ime-related. (Achievable and Relevant are later variants.)

:func:`smart_check` is a **heuristic**: it looks for words and numbers and
does not understand the sentence. A green tick means "the ingredient seems
to be there", not "this is a good objective"; a red cross is a prompt to
look again, not a verdict. What it looks for:

* **S** names a *who* or *where*: a target group (warga, pendonor, pelajar,
  residents, donors ...) or a place (desa, kecamatan, "di Sukamaju",
  "in Bandung" ...). Vague verbs alone (meningkatkan, improve) are not enough.
* **M** has a number or a percentage written in digits (dates, years,
  quarters and durations such as "12 minggu" do not count).
* **A** names an owner: Humas, KSR, UDD, relawan, tim, markas, staf, team,
  volunteers, "penanggung jawab" ... A unit named only as the source of
  the numbers ("diukur dari data pendaftaran UDD", "counted from the UDD's
  data") does not count.
* **R** compares the target with a baseline when the sentence gives one
  ("dari 150 menjadi 400", "from 60% to 90%", "garis dasar 35%"). A target
  more than :data:`MAX_GROWTH` times its baseline fails. Without a baseline
  the letter is a *warning*, not a failure: ``ok`` stays ``True`` and the
  hint asks you to check the number with your team (the letter is listed in
  ``frame.attrs["warnings"]``).
* **T** has a date, a month, a quarter, a year, a period ("dalam 12 minggu",
  "within 3 months") or "akhir tahun"/"end of the year". Words such as
  "sampai", "antara" or "by" count only together with one of these.

>>> table = smart_check("Meningkatkan engagement", lang="en")
>>> list(table.columns)
['letter', 'criterion', 'ok', 'hint']
>>> smart_score("Meningkatkan engagement")
1
>>> smart_score("Sampai 30 September 2025, Humas PMI menambah anggota grup WhatsApp "
...             "Siaga Banjir di 5 desa dari 150 menjadi 400 warga.")
5
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from .errors import SarasehanError
from .i18n import t

LETTERS = ("S", "M", "A", "R", "T")
MAX_GROWTH = 5.0
"""A target more than this many times its baseline counts as unrealistic."""

_NUM = r"\d+(?:[.,]\d+)*"
_MULTIPLIERS = {"rb": 1_000, "ribu": 1_000, "k": 1_000, "jt": 1_000_000, "juta": 1_000_000,
                "thousand": 1_000, "million": 1_000_000}


def parse_number(text: object) -> float | None:
    """A number written the Indonesian or the English way; ``None`` if it is not one.

    >>> parse_number("Rp 150.000"), parse_number("1,500"), parse_number("2,5"), parse_number("10 rb")
    (150000.0, 1500.0, 2.5, 10000.0)
    >>> parse_number("seratus") is None
    True
    """
    if isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        return float(text)
    if not isinstance(text, str):
        return None
    s = text.strip().casefold().replace("\u00a0", " ")
    s = re.sub(r"^(rp\.?|idr)\s*", "", s)
    s = re.sub(r"\s*,-$", "", s)
    m = re.fullmatch(r"(-?\d+(?:[.,]\d+)*)\s*(rb|ribu|k|jt|juta|thousand|million)?", s)
    if not m:
        return None
    digits, suffix = m.group(1), m.group(2)
    if re.fullmatch(r"-?\d{1,3}(?:\.\d{3})+", digits):
        value = float(digits.replace(".", ""))
    elif re.fullmatch(r"-?\d{1,3}(?:,\d{3})+", digits):
        value = float(digits.replace(",", ""))
    elif digits.count(".") + digits.count(",") > 1:
        return None
    else:
        value = float(digits.replace(",", "."))
    return value * _MULTIPLIERS.get(suffix or "", 1)


# -- word lists (casefolded; matched as whole words) ------------------------------

_WHO = (
    # Bahasa Indonesia
    "warga", "masyarakat", "penduduk", "pendonor", "calon pendonor", "pemuda", "remaja", "pelajar", "siswa",
    "sekolah", "mahasiswa", "kampus", "ibu", "ibu-ibu", "orang tua", "keluarga", "lansia", "anak", "anak-anak",
    "nelayan", "petani", "pedagang", "karyawan", "pekerja", "guru", "kader", "tokoh", "perangkat desa",
    "pengikut", "anggota", "peserta", "komunitas", "penyintas", "pengungsi", "penyandang disabilitas",
    "rumah tangga",
    "relawan", "pmr",
    # English
    "residents", "people", "community", "communities", "donors", "donor", "youth", "young people", "students",
    "schools", "school", "university", "mothers", "parents", "families", "elderly", "children", "fishers",
    "fishermen", "farmers", "traders", "workers", "employees", "teachers", "leaders", "followers", "members",
    "participants", "survivors", "volunteers", "households",
)
_WHERE = (
    "desa", "kelurahan", "kecamatan", "kabupaten", "kota", "dusun", "kampung", "rt", "rw", "pasar", "masjid",
    "gereja", "puskesmas", "posko", "bantaran", "pesisir", "sungai", "provinsi", "pulau",
    "village", "villages", "district", "districts", "regency", "city", "town", "neighbourhood",
    "neighborhood", "market", "mosque", "church", "riverbank", "coastal", "province", "island",
)
_VAGUE = (
    "meningkatkan", "tingkatkan", "menaikkan", "memperkuat", "mengoptimalkan", "optimalkan", "memaksimalkan",
    "memperluas",
    "mengembangkan", "memperbaiki", "kesadaran", "engagement", "citra", "eksistensi", "branding",
    "improve", "increase", "boost", "raise", "grow", "strengthen", "enhance", "optimise", "optimize",
    "maximise", "maximize", "expand", "awareness", "presence", "visibility", "better",
)
_OWNERS = (
    "humas", "ksr", "tsr", "udd", "sibat", "relawan", "relawati", "tim", "markas", "staf", "staff", "pengurus",
    "ketua", "kepala", "koordinator", "divisi", "bidang", "seksi", "unit", "admin", "petugas", "pj",
    "penanggung jawab", "dipimpin", "pmr",
    "team", "volunteers", "volunteer", "officer", "coordinator", "manager", "department", "head",
    "led by", "owner", "responsible", "in charge", "comms", "communications", "secretary", "chair",
)

_MONTHS = ("januari", "februari", "maret", "april", "mei", "juni", "juli", "agustus", "september", "oktober",
           "november", "desember", "january", "february", "june", "july", "august", "october", "december")
# English words that are also ordinary words, and short forms: a month only next to a number.
_MONTHS_NEAR_DIGIT = ("may", "march", "jan", "feb", "mar", "apr", "jun", "jul", "agu", "ags", "aug", "sep",
                      "sept", "okt", "oct", "nov", "des", "dec")
_UNITS = r"(?:minggu|pekan|bulan|hari|tahun|weeks?|months?|days?|years?)"


def _words(words: tuple[str, ...]) -> re.Pattern:
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])")


_WHO_RE, _WHERE_RE, _VAGUE_RE, _OWNER_RE = _words(_WHO), _words(_WHERE), _words(_VAGUE), _words(_OWNERS)
_PROPER_PLACE = re.compile(r"\b(?:di|ke|in|at)\s+([A-Z][a-z][\w'-]*(?:\s+[A-Z][a-z][\w'-]*)*)")
_MONTH_FULL = _words(_MONTHS)
_NEAR = "|".join(_MONTHS_NEAR_DIGIT)

_TIME_PATTERNS = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),                                       # 2025-09-30
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),                             # 30/09/2025
    re.compile(rf"\b\d{{1,2}}\s+(?:{_NEAR})\b\.?|\b(?:{_NEAR})\.?\s+\d{{1,4}}\b"),  # 31 May, Jul 2025
    _MONTH_FULL,                                                                     # Juli, September
    re.compile(r"\bq[1-4]\b|(?<![\w-])(?:kuartal|triwulan|caturwulan|semester|quarter)(?![\w-])"),
    re.compile(rf"\b{_NUM}\s*{_UNITS}\b"),                                           # 12 minggu, 3 months
    re.compile(r"\b(?:19|20)\d{2}\b"),                                               # 2025
    re.compile(r"\bakhir\s+(?:tahun|bulan|pekan|minggu)\b|\bend\s+of\s+(?:the\s+)?(?:year|month|week)\b"
               r"|\b(?:tahun|bulan|minggu|pekan)\s+(?:ini|depan)\b|\b(?:this|next)\s+(?:year|month|week)\b"),
]
# Numbers that belong to a date or a period, removed before looking for a measure.
_NOT_A_MEASURE = [
    re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b"),
    re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"),
    re.compile(rf"\b\d{{1,2}}\s+(?:{'|'.join(_MONTHS)}|{_NEAR})\b"),
    re.compile(rf"\b(?:{'|'.join(_MONTHS)}|{_NEAR})\s+\d{{1,2}}\b(?!\s*%)"),
    re.compile(r"\bq[1-4]\b"),
    re.compile(r"\b(?:kuartal|triwulan|quarter|minggu|pekan|week|tanggal|pukul|jam)\s*(?:ke-?\s*)?\d+(?:[.:]\d+)?"),
    re.compile(rf"\b{_NUM}\s*{_UNITS}\b"),
    re.compile(r"\b(?:19|20)\d{2}\b(?!\s*%)"),
]
_MEASURE = re.compile(rf"(?<![\w.,]){_NUM}(?:\s*(?:rb|ribu|k|jt|juta|thousand|million)\b)?"
                      rf"(\s*%|\s*persen\b|\s*percent\b)?")
_GROWTH = r"naik|menaikkan|meningkat\w*|bertambah|menambah|tumbuh|increase[ds]?|grow\w*|rise|raise|boost"
_GROWTH_WORDS = re.compile(rf"\b(?:{_GROWTH}|more)\b")
_FROM_TO = re.compile(rf"\b(?:dari|from)\s+(?:sekitar\s+|about\s+|around\s+)?({_NUM})(\s*%)?"
                      rf"[^\d]{{0,40}}?\b(?:menjadi|jadi|ke|to|hingga|sampai)\s+(?:sekitar\s+|about\s+)?"
                      rf"({_NUM})(\s*%)?")
_BASELINE = re.compile(rf"\b(?:baseline|garis dasar|data dasar|data awal|angka awal|titik awal|saat ini|sekarang|"
                       rf"semula|currently|now)\s*[:=]?\s*"
                       rf"(?:sekitar\s+|about\s+|around\s+)?({_NUM})(\s*%)?"
                       rf"|\b(?:naik|meningkat|bertambah|up|increase[ds]?|rising|grow\w*)\s+(?:\w+\s+){{0,2}}?"
                       rf"(?:dari|from)\s+({_NUM})(\s*%)?")
_SOURCE_CLAUSE = re.compile(r"\b(?:diukur|dihitung|measured|counted|sumber|source|menurut|according to|berdasarkan|"
                            r"based on)\b[^,.;()]*")
_GROWTH_BY = re.compile(rf"\b(?:{_GROWTH})\s+"
                        rf"(?:\w+\s+){{0,4}}?(?:sebesar\s+|by\s+)?({_NUM})\s*(?:%|persen\b|percent\b)")


@dataclass
class _Number:
    value: float
    percent: bool
    start: int
    text: str


def _blank(text: str, patterns: list[re.Pattern]) -> str:
    for pattern in patterns:
        text = pattern.sub(lambda m: " " * len(m.group(0)), text)
    return text


def _measures(low: str) -> list[_Number]:
    found = []
    for m in _MEASURE.finditer(_blank(low, _NOT_A_MEASURE)):
        value = parse_number(re.sub(r"\s*(%|persen|percent)$", "", m.group(0).strip()))
        if value is not None:
            found.append(_Number(value, bool(m.group(1)), m.start(), m.group(0).strip()))
    return found


def _fmt(value: float) -> str:
    return f"{value:g}" if value < 1e6 else f"{value:,.0f}"


def _unique(matches: list[str]) -> str:
    seen: list[str] = []
    for m in matches:
        if m not in seen:
            seen.append(m)
    return ", ".join(seen[:4])


def _specific(text: str, low: str, lang: str | None) -> tuple[bool, str]:
    found = [m.group(0) for m in _WHO_RE.finditer(low)] + [m.group(0) for m in _WHERE_RE.finditer(low)]
    found += [m.group(1) for m in _PROPER_PLACE.finditer(text)]
    if found:
        return True, t("smart.s.ok", lang=lang, found=_unique(found))
    vague = [m.group(0) for m in _VAGUE_RE.finditer(low)]
    if vague:
        return False, t("smart.s.vague", lang=lang, words=_unique(vague))
    return False, t("smart.s.missing", lang=lang)


def _measurable(numbers: list[_Number], lang: str | None) -> tuple[bool, str]:
    if numbers:
        return True, t("smart.m.ok", lang=lang, numbers=_unique([n.text for n in numbers]))
    return False, t("smart.m.missing", lang=lang)


def _assignable(low: str, owner: object, lang: str | None) -> tuple[bool, str]:
    # "diukur dari data UDD" names where the numbers come from, not who does the work
    found = [m.group(0) for m in _OWNER_RE.finditer(_blank(low, [_SOURCE_CLAUSE]))]
    if found:
        return True, t("smart.a.ok", lang=lang, found=_unique(found))
    if isinstance(owner, str) and owner.strip():
        return True, t("smart.a.owner_field", lang=lang, owner=owner.strip())
    return False, t("smart.a.missing", lang=lang)


def _field_number(value: object) -> float | None:
    """A baseline or target from a table cell: ``150``, ``"1.000"``, ``"60%"``."""
    if isinstance(value, str):
        value = re.sub(r"\s*(%|persen|percent)$", "", value.strip(), flags=re.IGNORECASE)
    return parse_number(value)


def _realistic(low: str, numbers: list[_Number], baseline: object, target: object,
               lang: str | None) -> tuple[bool, bool, str]:
    """``(ok, warning, hint)``."""
    blanked = _blank(low, _NOT_A_MEASURE)
    growth_words = bool(_GROWTH_WORDS.search(low))
    over = [n for n in numbers if n.percent and n.value > 100]
    m = _GROWTH_BY.search(blanked)
    if m and not _FROM_TO.search(blanked):
        rate = parse_number(m.group(1))
        if rate is not None and 1 + rate / 100 > MAX_GROWTH:
            return False, False, t("smart.r.growth_too_big", lang=lang, rate=f"{_fmt(rate)}%",
                                   ratio=_fmt(round(1 + rate / 100, 1)), maximum=_fmt(MAX_GROWTH))
    if over and not growth_words:
        return False, False, t("smart.r.over_100", lang=lang, number=over[0].text)

    base = goal = None
    percent = False
    pair = _FROM_TO.search(blanked)
    if pair:
        base, goal = parse_number(pair.group(1)), parse_number(pair.group(3))
        percent = bool(pair.group(2) or pair.group(4))
    else:
        b = _BASELINE.search(blanked)
        if b:
            raw, pct = (b.group(1), b.group(2)) if b.group(1) else (b.group(3), b.group(4))
            base, percent = parse_number(raw), bool(pct)
            rest = [n for n in numbers if not (b.start() <= n.start < b.end())]
            same = [n for n in rest if n.percent == percent] or rest
            goal = max((n.value for n in same), default=None)
        elif _field_number(baseline) is not None:
            base, percent = _field_number(baseline), "%" in str(baseline)
            goal = _field_number(target)
            if goal is None and numbers:
                goal = max(n.value for n in numbers)
    if goal is None and base is not None:
        goal = _field_number(target)
    if base is None or goal is None:
        return True, True, t("smart.r.no_baseline", lang=lang)
    suffix = "%" if percent else ""
    if base <= 0:
        return True, True, t("smart.r.zero_baseline", lang=lang, target=f"{_fmt(goal)}{suffix}")
    ratio = goal / base
    values = {"target": f"{_fmt(goal)}{suffix}", "baseline": f"{_fmt(base)}{suffix}", "ratio": _fmt(round(ratio, 1))}
    if ratio > MAX_GROWTH:
        return False, False, t("smart.r.too_big", lang=lang, maximum=_fmt(MAX_GROWTH), **values)
    return True, False, t("smart.r.ok", lang=lang, **values)


def _time(low: str, lang: str | None) -> tuple[bool, str]:
    found = [m.group(0).strip() for p in _TIME_PATTERNS for m in p.finditer(low)]
    if found:
        return True, t("smart.t.ok", lang=lang, found=_unique(found))
    return False, t("smart.t.missing", lang=lang)


def smart_check(objective: str, lang: str | None = None, *, baseline: object = None, target: object = None,
                owner: object = None) -> pd.DataFrame:
    """A heuristic SMART checklist for ``objective`` (see the module docstring).

    Returns one row per letter with the columns ``letter``, ``criterion``,
    ``ok`` and ``hint`` (criterion and hint in the learner's language, or in
    ``lang``). ``baseline``, ``target`` and ``owner`` are optional values from
    a plan's table: the baseline and target are compared for **R** when the
    sentence itself gives no baseline, and a named owner satisfies **A**.
    The letters that are only warnings are listed in ``frame.attrs["warnings"]``.
    """
    if not isinstance(objective, str):
        raise SarasehanError("smart.not_text", type=type(objective).__name__)
    text = " ".join(objective.split())
    low = text.casefold()
    numbers = _measures(low)
    r_ok, r_warn, r_hint = _realistic(low, numbers, baseline, target, lang)
    results = {
        "S": _specific(text, low, lang),
        "M": _measurable(numbers, lang),
        "A": _assignable(low, owner, lang),
        "R": (r_ok, r_hint),
        "T": _time(low, lang),
    }
    if not text:
        results = {letter: (False, t("smart.empty", lang=lang)) for letter in LETTERS}
        r_warn = False
    frame = pd.DataFrame({
        "letter": list(LETTERS),
        "criterion": [t(f"smart.criterion.{letter}", lang=lang) for letter in LETTERS],
        "ok": [bool(results[letter][0]) for letter in LETTERS],
        "hint": [results[letter][1] for letter in LETTERS],
    })
    frame.attrs["warnings"] = ["R"] if r_warn else []
    return frame


def smart_score(objective: str, **context: object) -> int:
    """How many of the five letters :func:`smart_check` ticks (0 to 5)."""
    return int(smart_check(objective, **context)["ok"].sum())


def failing_letters(objective: str, **context: object) -> list[str]:
    """The letters :func:`smart_check` does not tick, e.g. ``["M", "T"]``."""
    table = smart_check(objective, **context)
    return list(table.loc[~table["ok"], "letter"])
