"""The participant list (roster) of a workshop, read from CSV text or a file.

Columns (the header row names them, in any order; extra columns are ignored):

* ``name`` (or ``nama``);
* ``contingent`` (or ``province``, ``kontingen``, ``provinsi``);
* ``role``: ``staff`` or ``volunteer`` (also ``staf``, ``relawan``,
  ``sukarelawan``, ``KSR``, ``TSR``; capitals and spaces do not matter);
* ``uses_social_media``: yes or no (``ya``/``tidak``, ``y``/``n``,
  ``true``/``false``, ``1``/``0``, ``sudah``/``belum``).

Commas, semicolons (Excel with Indonesian settings) and tabs all work as
separators. Bad rows are reported with their line number and left out;
good rows are kept.

>>> people, problems = read_roster('''name,contingent,role,uses_social_media
... Peserta 01,Jawa Timur,staf,ya
... Peserta 02,Bali,Relawan,tidak
... peserta  01,JAWA TIMUR,volunteer,no''')
>>> [(p.name, p.role, p.category) for p in people]
[('Peserta 01', 'staff', 'B'), ('Peserta 02', 'volunteer', 'A')]
>>> [(p.line, p.key) for p in problems]
[(4, 'workshop.roster.duplicate')]
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SarasehanError
from ..i18n import t
from ..paths import datasets_dir
from ._util import normalise, tidy

COLUMNS = ("name", "contingent", "role", "uses_social_media")
EXPECTED = ", ".join(COLUMNS)

_ALIASES = {
    "name": "name", "nama": "name", "nama_peserta": "name", "participant": "name",
    "contingent": "contingent", "province": "contingent", "kontingen": "contingent",
    "provinsi": "contingent", "asal": "contingent",
    "role": "role", "peran": "role",
    "uses_social_media": "uses_social_media", "social_media": "uses_social_media",
    "memakai_media_sosial": "uses_social_media", "pakai_media_sosial": "uses_social_media",
    "menggunakan_media_sosial": "uses_social_media", "media_sosial": "uses_social_media",
}
_ROLES = {
    "staff": "staff", "staf": "staff", "pegawai": "staff", "karyawan": "staff",
    "volunteer": "volunteer", "relawan": "volunteer", "sukarelawan": "volunteer",
    "ksr": "volunteer", "tsr": "volunteer",
}
_YES = {"yes", "y", "ya", "iya", "true", "1", "sudah"}
_NO = {"no", "n", "tidak", "tdk", "false", "0", "belum"}
ROLE_VALUES = "staff/staf, volunteer/relawan"
YES_NO_VALUES = "yes/ya/y/true/1, no/tidak/n/false/0"


def _token(value: object) -> str:
    """Lower-case letters and digits only: ``' Re-lawan '`` -> ``'relawan'``."""
    return re.sub(r"[^0-9a-z]+", "", normalise(value))


def parse_role(value: object) -> str | None:
    """``"staff"``, ``"volunteer"`` or ``None`` if not recognised.

    >>> parse_role(" STAF "), parse_role("Re lawan"), parse_role("ketua")
    ('staff', 'volunteer', None)
    """
    return _ROLES.get(_token(value))


def parse_yes_no(value: object) -> bool | None:
    """``True``, ``False`` or ``None`` if not recognised.

    >>> parse_yes_no("Ya"), parse_yes_no(" tidak"), parse_yes_no("0"), parse_yes_no("mungkin")
    (True, False, False, None)
    """
    token = _token(value)
    if token in _YES:
        return True
    if token in _NO:
        return False
    return None


@dataclass(frozen=True)
class Participant:
    """One participant. ``category`` is ``"A"`` (not yet using social media) or ``"B"`` (already using)."""

    name: str
    contingent: str
    role: str
    uses_social_media: bool
    line: int | None = field(default=None, compare=False)

    @property
    def category(self) -> str:
        return "B" if self.uses_social_media else "A"

    @property
    def key(self) -> tuple[str, str]:
        """What makes two rows the same person: normalised name and contingent."""
        return normalise(self.name), normalise(self.contingent)

    def as_row(self) -> dict:
        return {"name": self.name, "contingent": self.contingent, "role": self.role,
                "uses_social_media": "yes" if self.uses_social_media else "no"}


@dataclass(frozen=True)
class RosterProblem:
    """A row that was left out, and why; ``str()`` gives the message in the learner's language."""

    line: int
    key: str
    values: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return t(self.key, line=self.line, **self.values)

    def __str__(self) -> str:
        return self.message


def participant(name: str, contingent: str, role: str, uses_social_media: object) -> Participant:
    """Make a participant typed in by hand, checking the role and yes/no value.

    >>> participant("Peserta 07", "Aceh", "Relawan", "ya").category
    'B'
    """
    parsed_role, uses = parse_role(role), parse_yes_no(uses_social_media)
    if not tidy(name) or not tidy(contingent):
        raise SarasehanError("workshop.roster.missing_typed")
    if parsed_role is None:
        raise SarasehanError("workshop.roster.bad_role_typed", value=str(role), valid=ROLE_VALUES)
    if uses is None:
        raise SarasehanError("workshop.roster.bad_yes_no_typed", value=str(uses_social_media), valid=YES_NO_VALUES)
    return Participant(tidy(name), tidy(contingent), parsed_role, uses)


def _read_source(source: str | Path) -> tuple[str, str]:
    """Return ``(text, label)`` for a path or CSV text."""
    if isinstance(source, Path) or (isinstance(source, str) and "\n" not in source
                                    and (source.lower().endswith((".csv", ".txt", ".tsv")) or _is_file(source))):
        path = Path(source).expanduser()
        if not path.is_file():
            raise SarasehanError("workshop.roster.no_file", path=str(path), expected=EXPECTED)
        raw = path.read_bytes()
        if b"\x00" in raw[:4096] or raw[:4] == b"PK\x03\x04":
            raise SarasehanError("workshop.roster.not_csv", source=path.name, expected=EXPECTED)
        try:
            return raw.decode("utf-8-sig"), path.name
        except UnicodeDecodeError:
            return raw.decode("cp1252", errors="replace"), path.name
    if not isinstance(source, str):
        raise SarasehanError("workshop.roster.not_csv", source=type(source).__name__, expected=EXPECTED)
    return source.lstrip("\ufeff"), "CSV"


def _is_file(text: str) -> bool:
    try:
        return Path(text).expanduser().is_file()
    except (OSError, ValueError):  # name too long, NUL byte
        return False


def _delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_roster(source: str | Path) -> tuple[list[Participant], list[RosterProblem]]:
    """Read participants from a CSV file path or CSV text; return ``(participants, problems)``.

    Raises :class:`~sarasehan.errors.SarasehanError` (naming the expected
    columns) when the input is empty, is not CSV or lacks a column.

    >>> read_roster("nama;provinsi;peran;pakai_media_sosial\\nPeserta 05;Papua;TSR;belum")[0][0].contingent
    'Papua'
    """
    text, label = _read_source(source)
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise SarasehanError("workshop.roster.empty", expected=EXPECTED)
    reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=_delimiter(lines[first]))
    try:
        header = next(reader)
    except csv.Error:
        raise SarasehanError("workshop.roster.not_csv", source=label, expected=EXPECTED) from None
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        column = _ALIASES.get(re.sub(r"[\s-]+", "_", normalise(name)))
        if column and column not in positions:
            positions[column] = i
    missing = [c for c in COLUMNS if c not in positions]
    if len(missing) == len(COLUMNS):
        raise SarasehanError("workshop.roster.not_csv", source=label, expected=EXPECTED)
    if missing:
        raise SarasehanError("workshop.roster.missing_columns", missing=", ".join(missing), expected=EXPECTED)

    people: list[Participant] = []
    problems: list[RosterProblem] = []
    seen: dict[tuple[str, str], int] = {}
    offset = first  # csv line numbers start after the lines we skipped
    previous_end = reader.line_num
    try:
        for row in reader:
            line = previous_end + 1 + offset
            previous_end = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            values = {c: tidy(row[positions[c]]) if positions[c] < len(row) else "" for c in COLUMNS}
            empty = [c for c in COLUMNS if not values[c]]
            row_problems = []
            if empty:
                row_problems.append(RosterProblem(line, "workshop.roster.missing", {"fields": ", ".join(empty)}))
            role = parse_role(values["role"]) if values["role"] else None
            if values["role"] and role is None:
                row_problems.append(RosterProblem(line, "workshop.roster.bad_role",
                                                  {"value": values["role"], "valid": ROLE_VALUES}))
            uses = parse_yes_no(values["uses_social_media"]) if values["uses_social_media"] else None
            if values["uses_social_media"] and uses is None:
                row_problems.append(RosterProblem(line, "workshop.roster.bad_yes_no",
                                                  {"value": values["uses_social_media"], "valid": YES_NO_VALUES}))
            if row_problems:
                problems.extend(row_problems)
                continue
            person = Participant(values["name"], values["contingent"], role, uses, line)
            if person.key in seen:
                problems.append(RosterProblem(line, "workshop.roster.duplicate",
                                              {"name": person.name, "contingent": person.contingent,
                                               "first": seen[person.key]}))
                continue
            seen[person.key] = line
            people.append(person)
    except csv.Error as err:
        raise SarasehanError("workshop.roster.bad_csv", source=label, line=reader.line_num + offset,
                             error=str(err), expected=EXPECTED) from None
    return people, problems


def example_roster_path() -> Path:
    """The synthetic example roster shipped with the course (fictional names)."""
    return datasets_dir() / "workshop_roster_example.csv"


class Roster:
    """The roster a facilitator is working with (the model behind the roster widget).

    >>> r = Roster()
    >>> r.load("name,contingent,role,uses_social_media\\nPeserta 01,Aceh,staf,ya")
    1
    >>> r.counts()
    {'A': 0, 'B': 1, 'staff': 1, 'volunteer': 0}
    """

    def __init__(self, participants: list[Participant] | None = None):
        self.participants: list[Participant] = list(participants or [])
        self.problems: list[RosterProblem] = []
        self.source: str | None = None

    def load(self, source: str | Path) -> int:
        """Replace the roster with the one in ``source``; return how many participants were read."""
        people, problems = read_roster(source)
        self.participants, self.problems = people, problems
        self.source = str(source) if isinstance(source, Path) or "\n" not in str(source) else "CSV"
        return len(people)

    def counts(self) -> dict[str, int]:
        out = {"A": 0, "B": 0, "staff": 0, "volunteer": 0}
        for p in self.participants:
            out[p.category] += 1
            out[p.role] += 1
        return out

    def to_csv(self) -> str:
        """The roster as CSV text with the standard columns."""
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for p in self.participants:
            writer.writerow(p.as_row())
        return buf.getvalue()
