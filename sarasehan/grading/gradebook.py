"""The parent's side of the gradebook: the only code that writes ``<course>/gradebook.db``.

* :func:`build_template` runs nbgrader's ``GenerateAssignment`` on the
  assignment's source in a private temporary course: the result is a
  gradebook that knows the assignment's notebooks, cells and checksums
  (copied into every worker's temporary course) and the release version of
  the notebooks (used by :mod:`.repair` to put back deleted cells).
* :func:`ensure_assignment` makes the course gradebook know the assignment:
  a new gradebook starts as a copy of the template; an existing one must
  have the same source cells, otherwise ``GenerateAssignment`` is run
  against it (from the temporary course, so ``exercises/`` is not touched).
* :func:`commit` records one student's results with nbgrader's own
  ``SaveAutoGrades`` and ``AssignLatePenalties`` preprocessors, run on the
  autograded notebooks the worker returned, in one process, one student at a
  time (SQLite is not written concurrently).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import GenerateAssignment
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import AssignLatePenalties, SaveAutoGrades
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader


def load_course_config(config_path: Path | None) -> Config:
    cfg = Config()
    if config_path and config_path.exists():
        cfg.merge(PyFileConfigLoader(config_path.name, path=str(config_path.parent)).load_config())
    return cfg


def build_template(assignment: str, source_dir: Path, config_path: Path | None, course_id: str,
                   where: Path) -> tuple[Path, Path]:
    """(template gradebook, folder of release notebooks) for ``assignment``."""
    course = where / "template-course"
    if course.exists():
        shutil.rmtree(course)
    shutil.copytree(source_dir, course / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    cfg = load_course_config(config_path)
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.course_id = course_id
    cfg.CourseDirectory.source_directory = "source"
    cfg.CourseDirectory.release_directory = "release"
    cfg.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    cfg.CourseDirectory.assignment_id = assignment
    cfg.GenerateAssignment.force = True
    GenerateAssignment(coursedir=CourseDirectory(config=cfg), config=cfg).start()
    return course / "gradebook.db", course / "release" / assignment


def _cell_signature(db_url: str, assignment: str, course_id: str) -> dict | None:
    with Gradebook(db_url, course_id) as gb:
        try:
            a = gb.find_assignment(assignment)
        except MissingEntry:
            return None
        return {nb.name: sorted((c.name, c.checksum or "") for c in nb.source_cells) for nb in a.notebooks}


def ensure_assignment(db_path: Path, template_db: Path, template_course: Path, assignment: str,
                      config_path: Path | None, course_id: str) -> str:
    """Make ``db_path`` know the assignment; return what was done."""
    if not db_path.exists():
        shutil.copyfile(template_db, db_path)
        with Gradebook(f"sqlite:///{db_path}", course_id):
            pass
        return "created"
    want = _cell_signature(f"sqlite:///{template_db}", assignment, course_id)
    have = _cell_signature(f"sqlite:///{db_path}", assignment, course_id)
    if have == want:
        return "unchanged"
    cfg = load_course_config(config_path)
    cfg.CourseDirectory.root = str(template_course)
    cfg.CourseDirectory.course_id = course_id
    cfg.CourseDirectory.source_directory = "source"
    cfg.CourseDirectory.release_directory = "release-course-db"
    cfg.CourseDirectory.db_url = f"sqlite:///{db_path}"
    cfg.CourseDirectory.assignment_id = assignment
    cfg.GenerateAssignment.force = True
    GenerateAssignment(coursedir=CourseDirectory(config=cfg), config=cfg).start()
    return "updated"


class _SharedGradebook:
    """Stands in for nbgrader's ``Gradebook`` class inside AssignLatePenalties: "opening"
    it gives the gradebook already open (one session, one transaction per student),
    and leaving its ``with`` block does not close it."""

    def __init__(self, gb):
        self._gb = gb

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        return getattr(self._gb, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def commit(db_path: Path, course_id: str, config: Config, assignment: str, student: str,
           autograded: dict[str, str], notebooks: list[str], timestamp=None) -> dict:
    """Record one student's autograde results in the course gradebook, as one transaction,
    with nbgrader's own SaveAutoGrades and AssignLatePenalties; return the student's
    scores per graded cell."""
    import nbgrader.preprocessors.latesubmissions as late_mod
    from nbgrader.preprocessors import NbGraderPreprocessor

    db_url = f"sqlite:///{db_path}"
    with Gradebook(db_url, course_id) as gb:
        gb.update_or_create_student(student)
        if timestamp is not None:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)
        session = gb.db
        real_commit = session.commit
        session.commit = session.flush  # nbgrader commits after every cell; we commit once
        shared = _SharedGradebook(gb)
        try:
            for name in notebooks:
                if name in autograded:
                    continue
                # like nbgrader for a missing notebook: zero, nothing to grade by hand
                try:
                    sub = gb.find_submission_notebook(name, assignment, student)
                except MissingEntry:
                    continue
                for grade in sub.grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
            for name, text in autograded.items():
                nb = nbformat.reads(text, as_version=4)
                resources = {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": name,
                                          "student": student}}
                saver = SaveAutoGrades(config=config)
                saver.notebook_id, saver.assignment_id, saver.student_id, saver.db_url = name, assignment, student, db_url
                saver.gradebook = gb
                NbGraderPreprocessor.preprocess(saver, nb, resources)  # SaveAutoGrades' per-cell logic
                original = late_mod.Gradebook
                late_mod.Gradebook = shared
                try:
                    AssignLatePenalties(config=config).preprocess(nb, resources)
                finally:
                    late_mod.Gradebook = original
        except BaseException:
            session.rollback()
            raise
        finally:
            session.commit = real_commit
        session.commit()
        scores = _scores(gb, assignment, student)
        penalty = gb.find_submission(assignment, student).late_submission_penalty
        if penalty:
            scores["__late_penalty__"] = float(penalty)
        return scores


def _scores(gb, assignment: str, student: str) -> dict:
    from nbgrader.api import Assignment, Grade, GradeCell, Notebook, SubmittedAssignment, SubmittedNotebook

    rows = (gb.db.query(GradeCell.name, Notebook.name, GradeCell.max_score, Grade.auto_score, Grade.manual_score,
                        Grade.extra_credit, Grade.needs_manual_grade)
            .join(Grade, Grade.cell_id == GradeCell.id)
            .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
            .join(Notebook, SubmittedNotebook.notebook_id == Notebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .filter(Assignment.name == assignment, SubmittedAssignment.student_id == student)
            .all())
    out = {}
    for name, nb, max_score, auto, manual, extra, needs_manual in rows:
        if manual is not None:
            score = manual + (extra or 0)
        elif needs_manual:
            score = None  # waiting for a grader
        else:
            score = (auto or 0) + (extra or 0)
        out[name] = {"notebook": nb, "score": score, "max": max_score, "manual": bool(needs_manual),
                     "auto": auto}
    return out


def read_scores(db_path: Path, course_id: str, assignment: str, student: str) -> dict:
    """Per graded cell: score (manual if given, else automatic; None while waiting for a
    grader), max, needs-manual flag."""
    with Gradebook(f"sqlite:///{db_path}", course_id) as gb:
        return _scores(gb, assignment, student)


def graded_cells(template_db: Path, course_id: str, assignment: str,
                 order: dict | None = None) -> list[tuple[str, str, float]]:
    """(notebook, grade id, max score) of every graded cell, in notebook order."""
    cells = []
    with Gradebook(f"sqlite:///{template_db}", course_id) as gb:
        a = gb.find_assignment(assignment)
        for nb in sorted(a.notebooks, key=lambda n: n.name):
            ids = (order or {}).get(nb.name, [])
            pos = {gid: i for i, gid in enumerate(ids)}
            for gc in sorted(nb.grade_cells, key=lambda c: (pos.get(c.name, 1e9), c.name)):
                cells.append((nb.name, gc.name, float(gc.max_score)))
    return cells


def timestamp_of(sub_dir: Path, config: Config):
    """The submission's timestamp.txt, parsed as nbgrader does (or None)."""
    path = sub_dir / "timestamp.txt"
    if not path.is_file() or path.is_symlink():
        return None
    try:
        cd = CourseDirectory(config=config)
        return cd.get_existing_timestamp(str(sub_dir))
    except Exception:
        return None


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass
