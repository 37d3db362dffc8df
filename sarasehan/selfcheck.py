"""Check my answer: run a question's visible tests from inside the notebook.

In a graded notebook (``exercises/NN_slug/NN_slug.ipynb``) a learner types::

    sh.check("q1_growth")

and gets a short verdict in their language: passed, or what is still wrong
and what to do next. Nothing is sent anywhere and no answer is given away.

How it works
------------
1. The notebook file is found on disk: the ``notebook`` argument, else the
   ``JPY_SESSION_NAME`` variable JupyterLab sets for the kernel, else the one
   ``*.ipynb`` in the working folder that has this question.
2. The file is read as plain JSON (cached by modification time, so a second
   check costs almost nothing). The question's visible test cells are those
   whose nbgrader ``grade_id`` is ``<question>_visible``, or that start with
   ``<question>_`` and are non-hidden autograder test cells.
3. Their source runs in the caller's namespace (the notebook's variables:
   IPython's ``user_ns``; outside IPython the caller's globals), exactly as
   if the learner had run the test cell, with its printed output discarded.
4. Any exception becomes a verdict and a hint; there is never a traceback.
   Messages from :func:`sarasehan.checks.expect` are shown as they are (they
   compare digests and never hold the expected value); an author's own
   ``assert ..., "message"`` text is shown unless it holds a number that is
   a literal of the test's source; any other message that would echo a
   literal of the test's source (a number, a string) is replaced by a
   general hint.
5. The verdict is recorded (question, passed, time, SHA-256 of the notebook
   file) in ``<learner folder>/checks.json`` with an atomic write; the
   progress page (:mod:`sarasehan.progress`) reads it.

>>> nb = GradedNotebook.from_json(Path("demo.ipynb"), {"cells": [
...     {"cell_type": "code", "source": "x = 2", "metadata": {"nbgrader": {"grade_id": "q1_x", "solution": True}}},
...     {"cell_type": "code", "source": "assert x == 2, 'x is not right yet'",
...      "metadata": {"nbgrader": {"grade_id": "q1_x_visible", "grade": True, "points": 1}}}]}, "0" * 64)
>>> nb.question_ids
['q1_x']
>>> check("q1_x", namespace={"x": 2}, _notebook=nb, record=False).passed
True
>>> print(check("q1_x", namespace={"x": 3}, _notebook=nb, record=False, lang="en").detail)
x is not right yet
"""

from __future__ import annotations

import ast
import contextlib
import hashlib
import html
import io
import json
import math
import os
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SarasehanError
from .i18n import t
from .paths import course_root, state_dir

CHECKS_FILE = "checks.json"
CHECKS_VERSION = 1
MAX_DETAIL = 300

_NOT_IMPLEMENTED = re.compile(r"^[ \t]*raise[ \t]+NotImplementedError\b", re.M)
_HIDDEN_MARK = "BEGIN HIDDEN TESTS"
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?(?![\w])")


class SelfCheckError(SarasehanError, ValueError):
    """A foreseeable problem finding or reading the notebook, or an unknown question."""


# --------------------------------------------------------------------------- notebook reading

def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def answered(source: str) -> bool:
    """True when an answer cell no longer holds nbgrader's ``raise NotImplementedError`` stub."""
    return not _NOT_IMPLEMENTED.search(source or "")


@dataclass
class Question:
    id: str
    answer_source: str | None = None          # None: no answer cell in the notebook
    tests: list[tuple[str, str]] = field(default_factory=list)   # (grade_id, source), in order

    @property
    def answered(self) -> bool:
        return self.answer_source is not None and answered(self.answer_source)


@dataclass
class GradedNotebook:
    """The parts of a graded notebook that checks need (read from JSON, no nbformat)."""

    path: Path
    sha256: str
    assignment: str
    questions: dict[str, Question]
    setup_names: frozenset[str] = frozenset()

    @property
    def question_ids(self) -> list[str]:
        return list(self.questions)

    @classmethod
    def from_json(cls, path: Path, data: dict, sha256: str) -> GradedNotebook:
        cells = [c for c in data.get("cells", []) if isinstance(c, dict)]
        answers: dict[str, str] = {}
        tests: list[tuple[str, str]] = []
        setup_names: set[str] = set()
        for cell in cells:
            meta = cell.get("metadata") or {}
            grading = meta.get("nbgrader") if isinstance(meta, dict) else None
            grading = grading if isinstance(grading, dict) else {}
            gid = grading.get("grade_id")
            src = _source(cell)
            if cell.get("cell_type") != "code":
                continue
            if not gid or not (grading.get("grade") or grading.get("solution")):
                setup_names |= _assigned_names(src)
                continue
            if grading.get("solution") and not grading.get("grade"):
                answers[str(gid)] = src
            elif grading.get("grade") and not grading.get("solution") and _is_visible_test(str(gid), src):
                tests.append((str(gid), src))
        questions: dict[str, Question] = {}
        for gid, src in tests:
            owner = _owner(gid, answers)
            q = questions.setdefault(owner, Question(owner, answers.get(owner)))
            q.tests.append((gid, src))
        meta = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
        own = meta.get("sarasehan") if isinstance(meta.get("sarasehan"), dict) else {}
        assignment = str(own.get("assignment") or path.stem)
        return cls(path, sha256, assignment, questions, frozenset(setup_names))


def _is_visible_test(grade_id: str, source: str) -> bool:
    if grade_id.endswith("_hidden") or _HIDDEN_MARK in source:
        return False
    return True


def _owner(test_id: str, answers: dict[str, str]) -> str:
    """The question a test cell belongs to: the longest answer id it starts with."""
    matches = [a for a in answers if test_id == f"{a}_visible" or test_id.startswith(f"{a}_")]
    if matches:
        return max(matches, key=len)
    return test_id.removesuffix("_visible")


def _assigned_names(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


_CACHE: dict[Path, tuple[tuple[int, int], GradedNotebook]] = {}


def load_graded_notebook(path: str | Path) -> GradedNotebook:
    """Read ``path`` (cached by modification time and size); a broken file is named with a recovery hint."""
    path = Path(path).expanduser().resolve()
    try:
        st = path.stat()
    except FileNotFoundError:
        raise SelfCheckError("selfcheck.notebook_missing", path=str(path)) from None
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _CACHE.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise SelfCheckError("selfcheck.notebook_unreadable", path=str(path), error=err.strerror or str(err)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
            raise ValueError("no cell list")
        if int(data.get("nbformat", 4)) < 4:
            raise ValueError(f"nbformat {data.get('nbformat')}")
    except (ValueError, UnicodeDecodeError, TypeError) as err:
        reason = str(err).splitlines()[0][:120] if str(err) else type(err).__name__
        raise SelfCheckError("selfcheck.broken_notebook", path=str(path), name=path.name, error=reason,
                             checkpoint=str(path.parent / ".ipynb_checkpoints" / f"{path.stem}-checkpoint.ipynb")) from None
    nb = GradedNotebook.from_json(path, data, hashlib.sha256(raw).hexdigest())
    _CACHE[path] = (stamp, nb)
    return nb


def _notebooks_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.glob("*.ipynb") if p.is_file() and not p.name.startswith("."))
    except OSError:
        return []


def _session_candidates(value: str) -> list[Path]:
    raw = Path(value).expanduser()
    if raw.is_absolute():
        return [raw]
    cwd = Path.cwd()
    return [cwd / raw, cwd / raw.name, course_root() / raw]


def find_notebook(question_id: str | None = None, notebook: str | Path | None = None) -> Path:
    """The graded notebook a check refers to (see the module docstring for the order)."""
    if notebook is not None:
        path = Path(notebook).expanduser()
        path = path if path.is_absolute() else Path.cwd() / path
        if not path.is_file():
            raise SelfCheckError("selfcheck.notebook_missing", path=str(path))
        return path.resolve()
    session = os.environ.get("JPY_SESSION_NAME", "").strip()
    if session.endswith(".ipynb"):
        for candidate in _session_candidates(session):
            if candidate.is_file():
                return candidate.resolve()
    candidates = _notebooks_in(Path.cwd())
    if len(candidates) == 1:
        return candidates[0].resolve()
    if not candidates:
        raise SelfCheckError("selfcheck.no_notebook", folder=str(Path.cwd()))
    having, broken = [], []
    for path in candidates:
        try:
            nb = load_graded_notebook(path)
        except SelfCheckError as err:
            broken.append(err)
            continue
        if question_id is None or _resolve(question_id, nb) is not None:
            having.append(path)
    if len(having) == 1:
        return having[0].resolve()
    if not having and broken:
        raise broken[0]
    names = ", ".join(p.name for p in (having or candidates))
    raise SelfCheckError("selfcheck.which_notebook", question=str(question_id), notebooks=names)


def _resolve(question_id: str, nb: GradedNotebook) -> str | None:
    qid = str(question_id).strip()
    if qid in nb.questions:
        return qid
    stripped = qid.removesuffix("_visible")
    if stripped in nb.questions:
        return stripped
    prefixed = [q for q in nb.questions if q.startswith(qid + "_")]
    if len(prefixed) == 1:  # "q1" for "q1_growth"
        return prefixed[0]
    return None


def questions(notebook: str | Path | None = None) -> list[str]:
    """The question ids that :func:`check` accepts in ``notebook``."""
    return load_graded_notebook(find_notebook(None, notebook)).question_ids


# --------------------------------------------------------------------------- leak scrubbing

def _literals(source: str) -> tuple[set[str], set[float], set[str]]:
    """String and number literals of a test's source, and its explicit ``assert`` messages."""
    strings: set[str] = set()
    numbers_: set[float] = set()
    messages: set[str] = set()
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return strings, numbers_, messages
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            value = node.value
            if isinstance(value, str) and len(value.strip()) >= 2:
                strings.add(value.strip())
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers_.add(float(value))
        elif isinstance(node, ast.Assert) and isinstance(node.msg, ast.Constant) and isinstance(node.msg.value, str):
            messages.add(node.msg.value.strip())
    return strings, numbers_, messages


def _echoes_literal(message: str, strings: set[str], numbers_: set[float]) -> bool:
    if any(s in message for s in strings):
        return True
    for token in _NUMBER.findall(message):
        try:
            value = float(token)
        except ValueError:
            continue
        if any(math.isclose(value, n, rel_tol=1e-9, abs_tol=1e-9) for n in numbers_):
            return True
    return False


def _from_expect(tb) -> bool:
    """True when the innermost frame of ``tb`` is :func:`sarasehan.checks.expect`."""
    from . import checks

    last = None
    while tb is not None:
        last, tb = tb, tb.tb_next
    return last is not None and last.tb_frame.f_code is checks.expect.__code__


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= MAX_DETAIL else text[: MAX_DETAIL - 1] + "…"


# --------------------------------------------------------------------------- verdicts

@dataclass
class Verdict:
    """The outcome of one check: shown as the cell's result, ``bool(verdict)`` is ``passed``."""

    question: str
    passed: bool
    message: str
    detail: str = ""
    hint: str = ""
    notebook: str = ""
    notes: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return "\n".join(p for p in (self.message, self.detail, self.hint, *self.notes) if p)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        colour = "#1b5e20" if self.passed else "#b71c1c"
        parts = [f'<div class="sarasehan-check sarasehan-{"ok" if self.passed else "bad"}" style="color:{colour}">'
                 f"<b>{html.escape(self.message)}</b>"]
        if self.detail:
            parts.append(f"<div>{html.escape(self.detail)}</div>")
        if self.hint:
            parts.append(f'<div style="color:#333">{html.escape(self.hint)}</div>')
        for note in self.notes:
            parts.append(f'<div style="color:#e65100">{html.escape(note)}</div>')
        return "".join(parts) + "</div>"


def _caller_namespace(depth: int) -> dict:
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python without IPython installed
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is not None:
        return shell.user_ns
    return sys._getframe(depth + 1).f_globals


def _run_tests(q: Question, nb: GradedNotebook, namespace: dict, lang: str | None) -> Verdict:
    def verdict(passed: bool, message: str, detail: str = "", hint: str = "") -> Verdict:
        return Verdict(q.id, passed, message, detail, hint, nb.path.name)

    failed = t("selfcheck.failed", lang, question=q.id)
    for gid, source in q.tests:
        strings, numbers_, author_messages = _literals(source)
        sink = io.StringIO()
        try:
            code = compile(source, f"<{gid}>", "exec")
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                exec(code, namespace)  # noqa: S102 - the learner's own visible test, in their own kernel
        except SyntaxError:
            return verdict(False, failed, t("selfcheck.test_changed", lang, cell=gid), t("selfcheck.hint_revert", lang))
        except NotImplementedError:
            return verdict(False, t("selfcheck.not_answered", lang, question=q.id), "",
                           t("selfcheck.hint_answer", lang))
        except NameError as err:
            name = getattr(err, "name", None) or ""
            if q.answer_source is not None and not answered(q.answer_source) and name not in nb.setup_names:
                return verdict(False, t("selfcheck.not_answered", lang, question=q.id), "",
                               t("selfcheck.hint_answer", lang))
            if name in nb.setup_names or name in ("sh", "pd", "np"):
                return verdict(False, failed, t("selfcheck.setup_missing", lang, name=name),
                               t("selfcheck.hint_run_above", lang))
            return verdict(False, failed, t("selfcheck.name_missing", lang, name=name or "?"),
                           t("selfcheck.hint_run_answer", lang))
        except AssertionError as err:
            text = str(err).strip()
            if _from_expect(err.__traceback__):
                return verdict(False, failed, _short(text), t("selfcheck.hint_fix", lang))
            if text and text in author_messages and not _echoes_literal(text, set(), numbers_):
                return verdict(False, failed, _short(text), t("selfcheck.hint_fix", lang))
            if text and not _echoes_literal(text, strings, numbers_):
                return verdict(False, failed, _short(text), t("selfcheck.hint_fix", lang))
            return verdict(False, failed, t("selfcheck.assert_generic", lang), t("selfcheck.hint_fix", lang))
        except SarasehanError as err:
            return verdict(False, failed, _short(str(err)), t("selfcheck.hint_fix", lang))
        except Exception as err:  # any other error in the learner's answer, never a traceback
            text = str(err).strip()
            kind = type(err).__name__
            if text and not _echoes_literal(text, strings, numbers_):
                detail = t("selfcheck.error", lang, kind=kind, error=_short(text))
            else:
                detail = t("selfcheck.error_generic", lang, kind=kind)
            return verdict(False, failed, detail, t("selfcheck.hint_error", lang))
    result = verdict(True, t("selfcheck.passed", lang, question=q.id), t("selfcheck.hidden_later", lang))
    if q.answer_source is not None and not answered(q.answer_source):
        result.notes.append(t("selfcheck.unsaved", lang, notebook=nb.path.name))
    return result


# --------------------------------------------------------------------------- recording

def checks_path() -> Path:
    return state_dir() / CHECKS_FILE


def record_verdict(verdict: Verdict, nb: GradedNotebook) -> str | None:
    """Add ``verdict`` to ``checks.json`` (atomic write); returns a message when something went wrong."""
    from .storage import load_json, save_json

    path = checks_path()
    loaded = load_json(path, {"version": CHECKS_VERSION, "assignments": {}})
    data = loaded.data
    data["version"] = CHECKS_VERSION
    if not isinstance(data.get("assignments"), dict):
        data["assignments"] = {}
    per = data["assignments"].setdefault(nb.assignment, {})
    if not isinstance(per, dict):
        per = data["assignments"][nb.assignment] = {}
    per[verdict.question] = {"passed": bool(verdict.passed), "checked_at": time.strftime("%Y-%m-%dT%H:%M:%S"),
                             "notebook_sha256": nb.sha256, "notebook": nb.path.name}
    save_json(path, data)
    return loaded.message


def recorded_checks(path: Path | None = None) -> dict:
    """The recorded verdicts ``{assignment: {question: {...}}}``, read without changing anything."""
    path = path or checks_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return {}
    assignments = data.get("assignments") if isinstance(data, dict) else None
    if not isinstance(assignments, dict):
        return {}
    return {a: q for a, q in assignments.items() if isinstance(q, dict)}


# --------------------------------------------------------------------------- the public call

def check(question_id: str, notebook: str | Path | None = None, *, namespace: dict | None = None,
          record: bool = True, lang: str | None = None, _notebook: GradedNotebook | None = None) -> Verdict:
    """Run the visible tests of ``question_id`` against the notebook's current variables.

    ``notebook``: the ``.ipynb`` file (default: found automatically);
    ``namespace``: where the answer lives (default: the notebook's variables);
    ``record``: save the verdict in ``checks.json`` for the progress page.
    """
    nb = _notebook or load_graded_notebook(find_notebook(question_id, notebook))
    qid = _resolve(question_id, nb)
    if qid is None:
        raise SelfCheckError("selfcheck.unknown_question", question=str(question_id), notebook=nb.path.name,
                             valid=", ".join(nb.question_ids) or "-")
    if namespace is None:
        namespace = _caller_namespace(1)
    verdict = _run_tests(nb.questions[qid], nb, namespace, lang)
    if record:
        try:
            message = record_verdict(verdict, nb)
            if message:
                verdict.notes.append(message)
        except OSError as err:
            verdict.notes.append(t("selfcheck.not_recorded", lang, error=err.strerror or str(err)))
    return verdict
