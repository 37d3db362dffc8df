"""The learner's progress page: where am I in the course, and what is left?

Everything is judged from the learner's own files, which are only read,
never changed (no notebook is executed, no corrupt file is moved):

* the graded notebook of each module: ``exercises/<assignment>/<assignment>.ipynb``
  under the work folder (the ``work`` argument, else ``SARASEHAN_WORK``,
  else the course folder; ``<work>/<assignment>/`` is also accepted). An
  answer cell that still holds ``raise NotImplementedError`` is not answered;
* the verdicts recorded by ``sh.check(...)`` in ``<learner folder>/checks.json``
  (the latest per question): a module is ``passing`` when every question is
  answered in the saved notebook and its latest check passed;
* saved widget answers ``<learner folder>/answers/mNN_*.json``, discussion
  cards ``discussions/mNN_*.json`` (and Module 05's saved plans,
  ``plans/*/plan.json``): the lesson of module NN is in progress;
  for Module 00, a saved placement (``placement.json``) completes it.

Minutes left = the manifest's estimate × the share not done, where the
share done is, for a module with a graded task, half the lesson (0 or ½ for
activity) and half the task (each question: ½ answered, ½ check passing);
for a module without one, the lesson (0, ½ activity, 1 done).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .i18n import pick, t
from .manifest import Manifest, Module, load_manifest
from .paths import course_root, state_dir
from .selfcheck import GradedNotebook, SelfCheckError, load_graded_notebook, recorded_checks

STATUSES = ("not_started", "in_progress", "passing")
LESSON_STATUSES = ("not_started", "in_progress", "done")
STATUS_COLOURS = {"not_started": "#9e9e9e", "in_progress": "#ef6c00", "passing": "#2e7d32"}
COLUMN_KEYS = ("module", "title", "status", "lesson", "task", "done", "minutes_left")


@dataclass
class ModuleProgress:
    number: str
    slug: str
    title: dict
    minutes: int
    assignment: str | None
    lesson_status: str = "not_started"
    questions: int = 0
    answered: int = 0
    passing: int = 0
    notebook: Path | None = None
    problem: str | None = None          # a message when the notebook is missing or unreadable
    status: str = "not_started"
    share_done: float = 0.0
    question_ids: list[str] = field(default_factory=list)

    @property
    def minutes_left(self) -> int:
        return int(round(self.minutes * (1 - self.share_done)))


# --------------------------------------------------------------------------- reading, never writing

def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None


def work_folder(work: str | Path | None = None) -> Path:
    if work is not None:
        return Path(work).expanduser().resolve()
    env = os.environ.get("SARASEHAN_WORK")
    return Path(env).expanduser().resolve() if env else course_root()


def learner_notebook(assignment: str, work: Path) -> Path | None:
    """The learner's copy of an assignment's notebook under ``work`` (None when absent)."""
    for folder in (work / "exercises" / assignment, work / assignment):
        named = folder / f"{assignment}.ipynb"
        if named.is_file():
            return named
        try:
            found = sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))
        except OSError:
            found = []
        if len(found) == 1:
            return found[0]
    return None


def _released_questions(assignment: str) -> list[str]:
    """Question ids from the course's own release (used when the learner's copy is missing)."""
    for folder in ("exercises", "solutions"):
        path = course_root() / folder / assignment / f"{assignment}.ipynb"
        if path.is_file():
            try:
                return load_graded_notebook(path).question_ids
            except SelfCheckError:
                continue
    return []


def _has_entries(path: Path) -> bool:
    data = _read_json(path)
    if not isinstance(data, dict):
        return False
    content = data.get("answers", data.get("entries"))
    return bool(content) if content is not None else bool(data)


# Widgets that save outside answers/ and discussions/: folder pattern -> module number.
OTHER_ACTIVITY = {"plans/*/plan.json": "05"}


def lesson_activity(state: Path) -> dict[str, bool]:
    """``{"01": True, ...}``: module numbers with saved widget answers, discussion entries or plans."""
    active: dict[str, bool] = {}
    for sub in ("answers", "discussions"):
        folder = state / sub
        if not folder.is_dir():
            continue
        for path in folder.glob("m[0-9][0-9]_*.json"):
            if _has_entries(path):
                active[path.name[1:3]] = True
    for pattern, number in OTHER_ACTIVITY.items():
        if any(p.is_file() for p in state.glob(pattern)):
            active[number] = True
    return active


def saved_track(state: Path | None = None) -> str | None:
    """The track saved by the placement quiz (``"A"``/``"B"``), read without changing anything."""
    data = _read_json((state or state_dir()) / "placement.json")
    track = data.get("track") if isinstance(data, dict) else None
    return track if track in ("A", "B") else None


# --------------------------------------------------------------------------- judging

def _judge(m: Module, work: Path, checks: dict, active: dict, track: str | None) -> ModuleProgress:
    p = ModuleProgress(m.number, m.slug, dict(m.title), int(m.minutes), m.assignment)
    if m.number == "00" and track:
        p.lesson_status = "done"
    elif active.get(m.number):
        p.lesson_status = "in_progress"
    lesson_part = {"not_started": 0.0, "in_progress": 0.5, "done": 1.0}[p.lesson_status]
    if not m.assignment:
        p.share_done = lesson_part
        p.status = {"done": "passing", "in_progress": "in_progress"}.get(p.lesson_status, "not_started")
        return p
    nb: GradedNotebook | None = None
    p.notebook = learner_notebook(m.assignment, work)
    if p.notebook is None:
        p.problem = t("progress.task_missing", folder=str(work))
    else:
        try:
            nb = load_graded_notebook(p.notebook)
        except SelfCheckError as err:
            p.problem = str(err)
    if nb is not None:
        p.question_ids = nb.question_ids
        p.answered = sum(1 for q in nb.questions.values() if q.answered)
    else:
        p.question_ids = _released_questions(m.assignment)
    p.questions = len(p.question_ids)
    recorded = checks.get(m.assignment, {})
    p.passing = sum(1 for q in p.question_ids
                    if isinstance(recorded.get(q), dict) and recorded[q].get("passed") is True)
    task_part = (p.answered + p.passing) / (2 * p.questions) if p.questions else 0.0
    if p.questions and p.answered == p.questions and p.passing == p.questions:
        p.status, p.share_done = "passing", 1.0
    else:
        p.share_done = min(0.99, 0.5 * lesson_part + 0.5 * task_part)
        touched = p.lesson_status != "not_started" or p.answered or any(q in recorded for q in p.question_ids)
        p.status = "in_progress" if touched else "not_started"
    return p


def module_progress(work: str | Path | None = None, state: str | Path | None = None,
                    manifest: Manifest | None = None) -> list[ModuleProgress]:
    """Progress of every ready module of the manifest, as plain records (status codes, counts)."""
    manifest = manifest or load_manifest()
    folder = work_folder(work)
    state = Path(state) if state is not None else state_dir()
    checks = recorded_checks(state / "checks.json")
    active = lesson_activity(state)
    track = saved_track(state)
    return [_judge(m, folder, checks, active, track) for m in manifest.modules if m.ready]


# --------------------------------------------------------------------------- the page

def _columns() -> dict[str, str]:
    return {key: t(f"progress.col.{key}") for key in COLUMN_KEYS}


def _task_text(p: ModuleProgress) -> str:
    if not p.assignment:
        return t("progress.task_none")
    text = t("progress.task", answered=p.answered, questions=p.questions, passing=p.passing)
    if p.problem:
        text = f"{text} — {p.problem}"
    elif p.passing == p.questions and p.questions and p.answered < p.questions:
        text = f"{text} — {t('progress.task_unsaved')}"
    return text


def progress_table(work: str | Path | None = None, state: str | Path | None = None) -> pd.DataFrame:
    """One row per ready module: status, lesson, graded task, % done and minutes left, in the learner's language.

    ``table.attrs`` holds ``track`` (the placement), ``statuses`` (the status
    codes, in row order), ``minutes_left`` (total) and ``columns`` (code → label).
    """
    records = module_progress(work, state)
    cols = _columns()
    rows = [{
        cols["module"]: p.number,
        cols["title"]: pick(p.title),
        cols["status"]: t(f"progress.status.{p.status}"),
        cols["lesson"]: t(f"progress.lesson.{p.lesson_status}"),
        cols["task"]: _task_text(p),
        cols["done"]: int(round(100 * p.share_done)),
        cols["minutes_left"]: p.minutes_left,
    } for p in records]
    table = pd.DataFrame(rows, columns=list(cols.values())).set_index(cols["module"])
    table.attrs.update({
        "track": saved_track(Path(state) if state is not None else None),
        "statuses": [p.status for p in records],
        "minutes_left": sum(p.minutes_left for p in records),
        "columns": cols,
    })
    return table


def progress_plot(table: pd.DataFrame | None = None):
    """Horizontal bars: % done per module, coloured by status, with the minutes left."""
    from .plots import _figure

    table = progress_table() if table is None else table
    cols = table.attrs.get("columns") or _columns()
    statuses = table.attrs.get("statuses") or ["in_progress"] * len(table)
    fig, ax = _figure()
    numbers = table.index if table.index.name == cols["module"] else table[cols["module"]]
    labels = [f"{n} {_shorten(str(title), 36)}" for n, title in zip(numbers, table[cols["title"]])]
    done = [float(v) for v in table[cols["done"]]]
    y = list(range(len(labels)))[::-1]
    ax.barh(y, [100] * len(y), color="#eeeeee", height=0.6)
    shown = [max(d, 1.5) if s != "not_started" else d for d, s in zip(done, statuses)]  # a sliver for "started"
    ax.barh(y, shown, color=[STATUS_COLOURS.get(s, "#ef6c00") for s in statuses], height=0.6)
    for yy, left in zip(y, table[cols["minutes_left"]]):
        ax.text(101, yy, t("progress.plot.minutes_left", minutes=int(left)), va="center", fontsize=9)
    ax.set_yticks(y, labels)
    ax.set_xlim(0, 122)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel(t("progress.plot.xlabel"))
    track = table.attrs.get("track")
    ax.set_title(t("progress.plot.title_track", track=track) if track else t("progress.plot.title"))
    from matplotlib.patches import Patch

    fig.legend(handles=[Patch(color=STATUS_COLOURS[s], label=t(f"progress.status.{s}")) for s in STATUSES],
               loc="lower center", ncol=3, fontsize=8, frameon=False)
    fig.tight_layout(rect=(0, 0.06, 1, 1))
    return fig


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
