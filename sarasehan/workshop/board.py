"""The results board: every group's answers side by side, and exports of the session.

``export_session`` writes ``results.md``, ``results.html`` (printable) and
``results.csv`` (UTF-8 with BOM, so Excel shows Indonesian text correctly)
into the session folder, each atomically (temporary file, then
``os.replace``). All answer text is escaped in the HTML; in the CSV a cell
that starts with ``=``, ``+``, ``-`` or ``@`` gets a leading ``'`` so a
spreadsheet does not run it as a formula.

>>> import tempfile
>>> from sarasehan.workshop.answers import save_answer
>>> from sarasehan.workshop.session import WorkshopSession
>>> s = WorkshopSession(folder=tempfile.mkdtemp())
>>> _ = save_answer(s, "A1", "01", "<b>Donor darah</b>", device="laptop-1")
>>> "&lt;b&gt;Donor darah&lt;/b&gt;" in board_html(s)
True
>>> sorted(p.name for p in export_session(s).values())
['results.csv', 'results.html', 'results.md']
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ..i18n import get_language, t
from ._util import HtmlBlock, atomic_write_text, esc
from .answers import answer_files, parse_time, record_problem
from .groups import category_label
from .questions import find_question, parse_group_id
from .session import WorkshopSession, open_session

CSV_COLUMNS = ("session", "module", "group", "category", "question_id", "question", "answer",
               "saved_at", "device", "uuid", "file")


@dataclass
class Entry:
    """One saved answer as the board shows it."""

    record: dict
    file: str
    version: int = 1      # 1, 2, … when the same answer (uuid) exists in several versions
    versions: int = 1

    @property
    def group(self) -> str:
        return self.record["group"]

    @property
    def module(self) -> str:
        return self.record["module"]

    @property
    def question(self) -> str:
        q = find_question(self.record["question_id"])
        return q.text if q else self.record["question_id"]


def collect(session: WorkshopSession | str | Path | None) -> tuple[list[Entry], list[str]]:
    """All answers of a session, sorted by module, group and time; plus messages for unreadable files."""
    session = open_session(session)
    entries, problems = [], []
    for path in answer_files(session.answers_dir):
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError):
            problems.append(t("workshop.board.bad_file", name=path.name))
            continue
        if record_problem(data):
            problems.append(t("workshop.board.bad_file", name=path.name))
            continue
        entries.append(Entry(data, path.name))
    entries.sort(key=lambda e: (e.module, parse_group_id(e.group), parse_time(e.record["saved_at"]), e.file))
    counts = Counter(e.record["uuid"] for e in entries)
    seen: Counter = Counter()
    for e in entries:
        seen[e.record["uuid"]] += 1
        e.version, e.versions = seen[e.record["uuid"]], counts[e.record["uuid"]]
    return entries, problems


def _meta(e: Entry) -> str:
    text = t("workshop.board.meta", saved_at=e.record["saved_at"], device=e.record.get("device") or "-")
    if e.versions > 1:
        text += " · " + t("workshop.board.version", n=e.version, total=e.versions)
    return text


BOARD_CSS = (
    "<style>.sarasehan-workshop-board table{border-collapse:collapse;width:100%;table-layout:fixed}"
    ".sarasehan-workshop-board th,.sarasehan-workshop-board td{border:1px solid #999;padding:6px;"
    "vertical-align:top;text-align:left}"
    ".sarasehan-workshop-board th{background:#b71c1c;color:#fff}"
    ".sarasehan-workshop-answer{white-space:pre-wrap;margin:4px 0}"
    ".sarasehan-workshop-q{font-style:italic;color:#444}"
    ".sarasehan-workshop-meta{font-size:85%;color:#666}"
    "@media print{.sarasehan-workshop-board th{background:#fff;color:#000}}</style>"
)


def _tables(entries: list[Entry]) -> str:
    if not entries:
        return f"<p>{esc(t('workshop.board.empty'))}</p>"
    parts = []
    for module in sorted({e.module for e in entries}):
        in_module = [e for e in entries if e.module == module]
        groups = sorted({e.group for e in in_module}, key=parse_group_id)
        head = "".join(f"<th>{esc(g)}<br><small>{esc(category_label(g[0]))}</small></th>" for g in groups)
        cells = []
        for g in groups:
            blocks = []
            for e in (x for x in in_module if x.group == g):
                blocks.append(
                    f"<div class='sarasehan-workshop-entry' data-file='{esc(e.file)}'>"
                    f"<div class='sarasehan-workshop-q'>{esc(e.question)}</div>"
                    f"<div class='sarasehan-workshop-answer'>{esc(e.record['answer'])}</div>"
                    f"<div class='sarasehan-workshop-meta'>{esc(_meta(e))}</div></div>"
                )
            cells.append(f"<td>{'<hr>'.join(blocks)}</td>")
        parts.append(f"<h3>{esc(t('workshop.board.module', module=module))}</h3>"
                     f"<table><tr>{head}</tr><tr>{''.join(cells)}</tr></table>")
    return "".join(parts)


def board_html(session: WorkshopSession | str | Path | None) -> HtmlBlock:
    """All groups' answers side by side, one table per module (escaped HTML)."""
    entries, problems = collect(session)
    notes = "".join(f"<p class='sarasehan-warn'>{esc(p)}</p>" for p in problems)
    return HtmlBlock(BOARD_CSS + f"<div class='sarasehan-workshop-board'>{notes}{_tables(entries)}</div>")


def _exported_at() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def to_markdown(session: WorkshopSession, entries: list[Entry]) -> str:
    lines = [f"# {t('workshop.board.title', session=session.name)}", "",
             f"_{t('workshop.board.exported', when=_exported_at())}_", ""]
    if not entries:
        lines += [t("workshop.board.empty"), ""]
    for module in sorted({e.module for e in entries}):
        lines += [f"## {t('workshop.board.module', module=module)}", ""]
        for e in (x for x in entries if x.module == module):
            lines += [f"### {e.group} — {category_label(e.group[0])}", "",
                      f"**{t('workshop.board.question')}:** {_md(e.question)}", ""]
            lines += [f"> {_md(line)}" if line.strip() else ">" for line in e.record["answer"].splitlines()]
            lines += ["", f"_{_md(_meta(e))}_", ""]
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    """Keep Markdown viewers from treating answer text as HTML."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_html_document(session: WorkshopSession, entries: list[Entry]) -> str:
    title = t("workshop.board.title", session=session.name)
    return (f"<!DOCTYPE html>\n<html lang='{esc(get_language())}'><head><meta charset='utf-8'>"
            f"<title>{esc(title)}</title></head><body style='font-family:sans-serif'>"
            f"<h1>{esc(title)}</h1><p><i>{esc(t('workshop.board.exported', when=_exported_at()))}</i></p>"
            f"{BOARD_CSS}<div class='sarasehan-workshop-board'>{_tables(entries)}</div></body></html>\n")


def _cell(value: object) -> str:
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_csv(session: WorkshopSession, entries: list[Entry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        r = e.record
        writer.writerow([_cell(v) for v in (session.name, e.module, e.group, e.group[0], r["question_id"],
                                             e.question, r["answer"], r["saved_at"], r.get("device", ""),
                                             r["uuid"], e.file)])
    return "\ufeff" + buf.getvalue()


def export_session(session: WorkshopSession | str | Path | None) -> dict[str, Path]:
    """Write ``results.md``, ``results.html`` and ``results.csv`` into the session folder."""
    session = open_session(session)
    entries, _ = collect(session)
    return {
        "markdown": atomic_write_text(session.folder / "results.md", to_markdown(session, entries)),
        "html": atomic_write_text(session.folder / "results.html", to_html_document(session, entries)),
        "csv": atomic_write_text(session.folder / "results.csv", to_csv(session, entries)),
    }
