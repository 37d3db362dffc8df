"""A grading worker: one long-lived process that grades one submission at a time.

Workers are forked (``multiprocessing`` "fork") from the grading parent right
after it has imported nbgrader, nbconvert and this package, so no worker pays
the ~2.5 s import again, and they live for the whole run. Each has a channel
to the run's warm kernel template (:mod:`.zygote`) and keeps a student kernel
and a verifier kernel booting ahead of need.

Per submission (:meth:`Worker.grade`) the worker builds a fresh
temporary nbgrader course, readable by root only, holding nothing but

* ``source/<assignment>/``: the instructor's notebook(s) with hidden tests
  and the assignment's data files,
* ``submitted/<student>/<assignment>/``: this student's files, after
  :mod:`.repair`,
* ``gradebook.db``: a copy of a template gradebook that knows the assignment
  (no other student is in it),

and runs nbgrader's own ``Autograde`` converter on it with
:class:`~.execute.SandboxExecute` in place of ``Execute``, then nbgrader's
``GenerateFeedback`` with the course's feedback configuration. The worker
never writes the course gradebook: it sends the autograded notebooks, the
scores and the feedback to the parent, which commits them.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, IgnorePattern, LimitOutput,
                                    SaveAutoGrades)
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from . import execute as X
from . import speedups
from .execute import SandboxExecute
from .kernels import KernelFactory, KernelPolicy, PooledKernelManager, Zygote
from .repair import extra_files, find_notebook, read_submitted, repair


@dataclass
class WorkerInit:
    slot: int
    work_root: str            # root-only folder for the temporary courses
    sandbox_root: str         # kernels' folders (0711)
    uid_base: int | None
    namespaces: bool
    memory_bytes: int | None
    cpu_seconds: int | None
    env: dict
    hide: list
    keep: list
    honest: bool = True
    prestart: int = 1
    log_dir: str | None = None
    zygote: object = None     # a ZygoteChannel of the parent's template, inherited through fork()


@dataclass
class Bundle:
    """What every worker needs to know about the assignment (sent once)."""

    assignment: str
    course_id: str
    config_path: str | None
    source_dir: str
    release_dir: str
    template_db: str
    notebooks: list
    answer_names: list
    timeout: int | None
    wall: float
    honest: bool = True
    max_output_bytes: int = 2_000_000


@dataclass
class Job:
    student: str
    sub_dir: str
    digest: str


_IMG_NO_ALT = re.compile(r"<img(?![^>]*\balt=)", re.IGNORECASE)
_FOCUSABLE = re.compile(r'(<div\b[^>]*\bclass="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*")'
                        r'(?![^>]*\btabindex=)')


class FeedbackHTMLExporter(HTMLExporter):
    """nbconvert's HTMLExporter for nbgrader's feedback template, with its accessibility
    post-processing (alt text on images, focusable cells) done by two regular
    expressions instead of parsing the whole ~150 kB page with BeautifulSoup, which
    took a quarter of a second per student."""

    def from_notebook_node(self, nb, resources=None, **kw):
        from nbconvert.exporters.templateexporter import TemplateExporter
        from nbconvert.filters.highlight import Highlight2HTML
        from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        resources = self._init_resources(resources)
        filter_data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self,
                                                 resources=resources)
        self.register_filter("highlight_code", highlight_code)
        self.register_filter("filter_data_type", filter_data_type)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        html = _IMG_NO_ALT.sub('<img alt="No description has been provided for this image"', html)
        html = _FOCUSABLE.sub(r'\1 tabindex="0"', html)
        return html, resources


class CachedGenerateFeedback(GenerateFeedback):
    """nbgrader's GenerateFeedback, keeping one HTML exporter (and its compiled
    Jinja templates) for the life of the worker instead of one per student."""

    _cached = None

    def start(self) -> None:
        from nbconvert.writers import FilesWriter

        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        if CachedGenerateFeedback._cached is None:
            exporter = self.exporter_class(parent=self, config=self.config)
            for pp in self.preprocessors:
                exporter.register_preprocessor(pp)
            CachedGenerateFeedback._cached = exporter
        self.exporter = CachedGenerateFeedback._cached
        currdir = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(currdir)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            if len(self.lines) < 500:
                self.lines.append(f"{record.levelname}: {record.getMessage()[:2000]}")
        except Exception:
            pass


def _quiet_logging() -> _Capture:
    capture = _Capture()
    for name in ("traitlets", "nbgrader", "NbGrader", "nbclient", "nbconvert", "sqlalchemy", ""):
        log = logging.getLogger(name)
        log.handlers = [capture]
        log.propagate = False
        log.setLevel(logging.WARNING)
    return capture


def course_config(bundle: Bundle, course: Path, student: str) -> Config:
    cfg = Config()
    if bundle.config_path and os.path.exists(bundle.config_path):
        loader = PyFileConfigLoader(os.path.basename(bundle.config_path), path=os.path.dirname(bundle.config_path))
        cfg.merge(loader.load_config())
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.course_id = bundle.course_id
    cfg.CourseDirectory.source_directory = "source"
    cfg.CourseDirectory.release_directory = "release"
    cfg.CourseDirectory.submitted_directory = "submitted"
    cfg.CourseDirectory.autograded_directory = "autograded"
    cfg.CourseDirectory.feedback_directory = "feedback"
    cfg.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    cfg.CourseDirectory.assignment_id = bundle.assignment
    cfg.CourseDirectory.student_id = student
    cfg.CourseDirectory.notebook_id = "*"
    cfg.Autograde.autograde_preprocessors = [SandboxExecute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                             SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
    cfg.Autograde.create_student = True
    cfg.BaseConverter.force = True
    if bundle.timeout:
        cfg.Execute.timeout = int(bundle.timeout)
    cfg.SandboxExecute.max_output_bytes = int(bundle.max_output_bytes)
    return cfg


class Worker:
    def __init__(self, init: WorkerInit):
        self.init = init
        self.work = Path(init.work_root) / f"w{init.slot}"
        self.work.mkdir(mode=0o700, parents=True, exist_ok=True)
        sbx = Path(init.sandbox_root) / f"w{init.slot}"
        sbx.mkdir(mode=0o711, parents=True, exist_ok=True)
        os.chmod(sbx, 0o711)
        shared = init.zygote  # a ZygoteChannel, inherited from the parent
        self.own_zygote = None
        if shared is not None and shared.alive():
            self.zygote = shared
        else:
            self.own_zygote = Zygote(self.work / "zygote.log", channels=1)
            self.zygote = self.own_zygote.channels[0]
        policy = KernelPolicy(sandbox_root=sbx, uid_base=init.uid_base, namespaces=init.namespaces,
                              memory_bytes=init.memory_bytes, cpu_seconds=init.cpu_seconds, env=init.env,
                              hide=init.hide, keep=init.keep, prestart=init.prestart)
        self.factory = KernelFactory(self.zygote, policy)
        PooledKernelManager.factory = self.factory
        self.factory.prestart("student")
        if init.honest:
            self.factory.prestart("verifier")
        self._sources: dict[str, nbformat.NotebookNode] = {}
        self._releases: dict[str, nbformat.NotebookNode] = {}

    def close(self) -> None:
        try:
            self.factory.close()
        finally:
            if self.own_zygote is not None:
                self.own_zygote.close()

    def _nb(self, folder: str, name: str, cache: dict):
        key = f"{folder}/{name}"
        if key not in cache:
            path = Path(folder) / f"{name}.ipynb"
            cache[key] = nbformat.read(path, as_version=4) if path.exists() else nbformat.v4.new_notebook()
        return cache[key]

    def grade(self, bundle: Bundle, job: Job) -> dict:  # noqa: C901
        from .kernels import KernelHandle

        started = time.monotonic()
        cpu0, kcpu0 = time.process_time(), KernelHandle.cpu_used
        self._cpu0 = cpu0
        capture = _quiet_logging()
        result = {"student": job.student, "digest": job.digest, "notes": [], "events": [], "scores": {},
                  "autograded": {}, "feedback": {}, "notebooks": {}, "log": capture.lines, "error": None,
                  "timing": {}}
        jobdir = self.work / "job"  # a fixed path: the SQLite engine of its gradebook is reused
        shutil.rmtree(jobdir, ignore_errors=True)
        jobdir.mkdir(mode=0o700)
        try:
            self._grade(bundle, job, jobdir, result, started)
        except Exception as exc:  # never let one submission take the worker down
            result["error"] = f"{type(exc).__name__}: {exc}"
            result["log"].append(traceback.format_exc())
        finally:
            shutil.rmtree(jobdir, ignore_errors=True)
            for handle in list(self.factory.live):
                if handle not in [h for q in self.factory.pool.values() for h in q]:
                    self.factory.release(handle)
        result["seconds"] = round(time.monotonic() - started, 3)
        result["timing"]["worker_cpu"] = round(time.process_time() - cpu0, 3)
        result["timing"]["kernel_cpu"] = round(KernelHandle.cpu_used - kcpu0, 3)
        result["timing"]["kernel_cpu_by_kind"] = {k: round(v, 3) for k, v in KernelHandle.cpu_by_kind.items()}
        return result

    def _grade(self, bundle: Bundle, job: Job, jobdir: Path, result: dict, started: float) -> None:
        course = jobdir / "course"
        a, student = bundle.assignment, job.student
        shutil.copytree(bundle.source_dir, course / "source" / a, symlinks=False,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        dest = course / "submitted" / student / a
        dest.mkdir(parents=True)
        sub_dir = Path(job.sub_dir)
        expected = set(bundle.notebooks)
        claimed: set[str] = set()
        for name in bundle.notebooks:
            source = self._nb(bundle.source_dir, name, self._sources)
            release = self._nb(bundle.release_dir, name, self._releases)
            source_ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in source.cells} - {None}
            path, note = find_notebook(sub_dir, name, expected, source_ids, claimed) if sub_dir.is_dir() else (
                None, None)
            if note:
                result["notes"].append(note.__dict__)
            if path is None:
                result["notebooks"][name] = "missing"
                continue
            claimed.add(path.name)
            nb, note = read_submitted(path)
            if note:
                result["notes"].append(note.__dict__)
            if nb is None:
                result["notebooks"][name] = "unreadable"
                continue
            try:
                nb, notes = repair(nb, source, release, name)
            except Exception as exc:
                result["notes"].append({"key": "nb_unrepairable", "values": {"notebook": path.name,
                                        "error": f"{type(exc).__name__}"}, "severity": "fatal"})
                result["notebooks"][name] = "unreadable"
                continue
            result["notes"].extend(n.__dict__ for n in notes)
            nbformat.write(nb, dest / f"{name}.ipynb")
            result["notebooks"][name] = "ok"
        if sub_dir.is_dir():
            for path in extra_files(sub_dir):
                rel = path.relative_to(sub_dir)
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        if not any(v == "ok" for v in result["notebooks"].values()):
            return
        speedups.dispose(course / "gradebook.db")
        shutil.copyfile(bundle.template_db, course / "gradebook.db")
        result["timing"]["prepare"] = round(time.monotonic() - started, 3)
        cfg = course_config(bundle, course, student)
        X.CONTEXT = X.GradingContext(deadline=started + bundle.wall, honest=bundle.honest,
                                     answer_names=set(bundle.answer_names))
        watchdog = threading.Timer(max(1.0, bundle.wall - (time.monotonic() - started)) + 3, self.factory.kill_all)
        watchdog.daemon = True
        watchdog.start()
        try:
            Autograde(coursedir=CourseDirectory(config=cfg), config=cfg).start()
        except Exception as exc:
            result["log"].append(f"autograde: {type(exc).__name__}: {exc}")
        finally:
            watchdog.cancel()
        result["timing"]["autograde"] = round(time.monotonic() - started, 3)
        result["events"] = list(X.CONTEXT.events)
        if X.CONTEXT.deadline and time.monotonic() > X.CONTEXT.deadline:
            result["events"].append({"notebook": "", "cell": None, "kind": "wall", "detail": ""})
        autograded = course / "autograded" / student / a
        for name in bundle.notebooks:
            path = autograded / f"{name}.ipynb"
            if result["notebooks"].get(name) == "ok":
                if path.exists():
                    result["autograded"][name] = path.read_text(encoding="utf-8")
                else:
                    result["notebooks"][name] = "failed"
        with Gradebook(cfg.CourseDirectory.db_url, bundle.course_id) as gb:
            try:
                sub = gb.find_submission(a, student)
            except MissingEntry:
                sub = None
            if sub is not None:
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        result["scores"][grade.name] = {
                            "notebook": nb.name, "auto": grade.auto_score, "max": grade.max_score,
                            "manual": grade.needs_manual_grade}
        result["timing"]["scores"] = round(time.monotonic() - started, 3)
        result["timing"]["cpu_before_feedback"] = round(time.process_time() - self._cpu0, 3)
        if result["autograded"]:
            try:
                fcfg = course_config(bundle, course, student)
                fcfg.GenerateFeedback.exporter_class = FeedbackHTMLExporter
                CachedGenerateFeedback(coursedir=CourseDirectory(config=fcfg), config=fcfg).start()
            except Exception as exc:
                result["log"].append(f"feedback: {type(exc).__name__}: {exc}")
            for html in sorted((course / "feedback" / student / a).glob("*.html")):
                result["feedback"][html.name] = html.read_text(encoding="utf-8")


def worker_main(conn, init: WorkerInit) -> None:
    """Entry point of a worker process (run by multiprocessing)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides when to stop
    from .sandbox import PR_SET_PDEATHSIG, libc

    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # die with the parent, kernels follow
    if os.getppid() == 1:
        return
    speedups.apply_worker()
    os.environ["PYTHONWARNINGS"] = "ignore"
    import warnings

    warnings.simplefilter("ignore")
    worker = None
    try:
        worker = Worker(init)
        conn.send({"ready": init.slot, "pid": os.getpid()})
        bundle = None
        while True:
            msg = conn.recv()
            if msg is None:
                break
            if isinstance(msg, Bundle):
                bundle = msg
                continue
            profile_dir = os.environ.get("SARASEHAN_GRADE_PROFILE")
            if profile_dir:  # developer aid: one cProfile file per submission
                import cProfile

                prof = cProfile.Profile()
                result = prof.runcall(worker.grade, bundle, msg)
                prof.dump_stats(os.path.join(profile_dir, f"{msg.student}.prof"))
            else:
                result = worker.grade(bundle, msg)
            conn.send(result)
    except (EOFError, KeyboardInterrupt, BrokenPipeError):
        pass
    except Exception as exc:
        try:
            conn.send({"fatal": f"{type(exc).__name__}: {exc}", "trace": traceback.format_exc()})
        except Exception:
            pass
    finally:
        if worker is not None:
            worker.close()
            if init.log_dir:
                import resource

                me = resource.getrusage(resource.RUSAGE_SELF)
                kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the template and, through it, the kernels
                try:
                    Path(init.log_dir, f"worker-{init.slot}.txt").write_text(
                        f"worker cpu {me.ru_utime + me.ru_stime:.2f} s; template+kernels cpu "
                        f"{kids.ru_utime + kids.ru_stime:.2f} s; max rss {me.ru_maxrss // 1024} MB\n")
                except OSError:
                    pass
