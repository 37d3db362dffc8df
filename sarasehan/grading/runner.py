"""``sarasehan grade``: the parent process.

1. Finds the submissions (``<course>/submitted/<student>/<assignment>/``) and
   hashes each one. A student whose result in ``<out>/.state/`` has the same
   submission hash and the same source hash (solution notebooks, data files
   and nbgrader_config.py) is skipped (resume); ``failed`` ones are retried.
2. Starts the warm kernel template (:mod:`.zygote`, one for the run, with a
   channel per worker) *before* importing nbgrader, so both imports overlap;
   then forks the grading workers (:mod:`.worker`) right after importing
   nbgrader, so none of them imports it again; meanwhile it builds the
   template gradebook with nbgrader's ``GenerateAssignment``.
3. Hands out one submission at a time. The whole-submission wall-clock limit
   (``--wall``) is enforced in layers: the worker stops running cells at the
   deadline, its watchdog kills the kernels' process groups (and every process
   of their uids) 3 s later, and this parent kills a worker that has not
   answered ``WATCHDOG_GRACE`` seconds after that, replaces it, and records the
   student as failed with the reason.
4. Commits each result as it arrives, one student at a time, one transaction
   each: gradebook (nbgrader's ``SaveAutoGrades`` / ``AssignLatePenalties``),
   autograded notebook under ``<course>/autograded``, feedback, state file,
   ``grades.csv``. An interruption (Ctrl-C, ``kill``, even ``kill -9``) loses
   at most the submissions being graded at that moment.
5. At the end draws ``summary.png`` (in a child of the kernel template, where
   matplotlib is already imported).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import sys
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SarasehanError
from ..i18n import t
from .progress import Progress

MIN_MEMORY_MB = 1024
WATCHDOG_GRACE = 30  # seconds past --wall before the parent kills a worker that has not answered  # a kernel with pandas and its threads maps ~0.8 GB before running anything

PARTIAL_EVENTS = {"kernel_died", "unresponsive", "timeout", "memory", "output", "not_run", "wall",
                  "restart_failed", "replay_failed", "test_not_finished", "no_verifier"}


class GradingError(SarasehanError, RuntimeError):
    pass


@dataclass
class GradeOptions:
    assignment: str
    course: Path
    out: Path
    workers: int = 0
    timeout: int | None = None
    wall: float | None = None
    memory_mb: int = 2048
    force: bool = False
    honest: bool = True
    quiet: bool = False


@dataclass
class Submission:
    student: str
    path: Path
    digest: str


# --- hashing and discovery ----------------------------------------------------------------

def tree_digest(folder: Path) -> str:
    """SHA-256 over the relative paths and bytes of the regular files (symlinks are not followed)."""
    h = hashlib.sha256()
    if not folder.is_dir():
        return "missing"
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in (".ipynb_checkpoints", "__pycache__"))
        for fn in sorted(filenames):
            path = Path(dirpath) / fn
            if path.is_symlink() or not path.is_file():
                h.update(f"{path.relative_to(folder)}\0special\0".encode())
                continue
            h.update(f"{path.relative_to(folder)}\0{path.stat().st_size}\0".encode())
            with open(path, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    return h.hexdigest()


def discover(submitted: Path, assignment: str) -> list[Submission]:
    subs = []
    if not submitted.is_dir():
        return subs
    for student_dir in sorted(submitted.iterdir()):
        if not student_dir.is_dir() or student_dir.is_symlink() or student_dir.name.startswith("."):
            continue
        folder = student_dir / assignment
        if folder.is_dir() and not folder.is_symlink():
            subs.append(Submission(student_dir.name, folder, tree_digest(folder)))
    return subs


# --- status and message -------------------------------------------------------------------

def _note_text(note: dict) -> str:
    return t(f"grade.note.{note['key']}", **note.get("values", {}))


def _event_text(ev: dict) -> str:
    return t(f"grade.event.{ev['kind']}", cell=ev.get("cell") or "-")


def classify(result: dict, notebooks: list[str]) -> tuple[str, str]:
    """(status, message) for one student's result."""
    messages: list[str] = []
    if result.get("error"):
        return "failed", t("grade.grading_error", error=result["error"])
    states = result.get("notebooks", {})
    graded = [n for n in notebooks if states.get(n) == "ok" and n in result.get("autograded", {})]
    for note in result.get("notes", []):
        messages.append(_note_text(note))
    for n in notebooks:
        if states.get(n) == "failed":
            messages.append(t("grade.note.nb_failed", notebook=f"{n}.ipynb"))
    seen = set()
    partial = False
    for ev in result.get("events", []):
        if ev["kind"] in PARTIAL_EVENTS:
            partial = True
        key = (ev["kind"], ev.get("cell"))
        if key in seen or ev["kind"] in ("restarted", "verifier_restart"):
            continue
        seen.add(key)
        messages.append(_event_text(ev))
    if not graded:
        status = "failed"
    elif len(graded) < len(notebooks) or partial:
        status = "partial"
    else:
        status = "graded"
    return status, "; ".join(dict.fromkeys(m for m in messages if m))


# --- the kernels' confinement -------------------------------------------------------------

def _all_traversable(paths: list[str]) -> bool:
    for p in paths:
        cur = Path(p).resolve()
        for parent in [cur, *cur.parents]:
            try:
                if not parent.stat().st_mode & 0o001:
                    return False
            except OSError:
                return False
    return True


def sandbox_plan(course: Path, out: Path, run_root: Path) -> dict:
    import sarasehan

    from ..paths import course_root
    from .sandbox import capabilities

    caps = capabilities()
    repo = course_root()
    package = Path(sarasehan.__file__).resolve().parent
    keep = [sys.base_prefix, sys.prefix]
    keep += [p for p in sys.path if p and os.path.isdir(p)]
    keep += [str(package), str(repo / "datasets"), str(repo / "course")]
    hide = [str(repo), str(course), str(out), str(Path.home()), str(run_root)]
    if os.environ.get("SARASEHAN_ROOT"):
        hide.append(os.environ["SARASEHAN_ROOT"])
    drop = caps.root and (caps.namespaces or _all_traversable([sys.base_prefix, sys.prefix, str(package)]))
    bin_dir = str(Path(sys.executable).parent)
    env = {"PATH": f"{bin_dir}:/usr/local/bin:/usr/bin:/bin", "LANG": os.environ.get("LANG", "C.UTF-8"),
           "NBGRADER_EXECUTION": "autograde", "PYTHONDONTWRITEBYTECODE": "1", "OPENBLAS_NUM_THREADS": "1",
           "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
           "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    for var in ("COURSE_LANG", "SARASEHAN_ROOT", "TZ", "LC_ALL", "PYTHONPATH"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    return {"namespaces": caps.namespaces, "drop": drop, "root": caps.root, "reason": caps.reason,
            "hide": hide, "keep": keep, "env": env}


# --- worker processes ---------------------------------------------------------------------

class WorkerProc:
    def __init__(self, ctx, init, bundle):
        from .worker import worker_main

        self.init = init
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker_main, args=(child, init), daemon=True,
                                name=f"sarasehan-grade-{init.slot}")
        self.proc.start()
        child.close()
        self.ready = False
        self.job = None
        self.started = 0.0
        if bundle is not None:
            self.conn.send(bundle)

    def send(self, msg) -> None:
        self.conn.send(msg)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, BrokenPipeError):
            pass

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        from .kernels import UID_SPAN

        if self.init.uid_base is not None:  # anything left of its kernels
            _kill_uid_range(self.init.uid_base, UID_SPAN)
        try:
            self.conn.close()
        except OSError:
            pass


def _kill_uid_range(base: int, span: int) -> None:
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("Uid:"):
                        uid = int(line.split()[1])
                        if base <= uid < base + span:
                            os.kill(int(entry), signal.SIGKILL)
                        break
        except (OSError, ValueError):
            continue


RUN_PREFIX = "sarasehan-grade-"
SBX_PREFIX = "sarasehan-sbx-"
NBGRADER_SIDE_FILES = ("timestamp.txt", "submission_secret.txt")


def _scratch_parent() -> Path:
    """RAM-backed /dev/shm when available (the worker's throwaway gradebooks are
    written often), else the temporary folder."""
    for candidate in ("/dev/shm", tempfile.gettempdir()):
        if os.path.isdir(candidate) and os.access(candidate, os.W_OK):
            return Path(candidate)
    return Path(tempfile.gettempdir())


def _remove_stale(parent: Path) -> None:
    """Folders of earlier runs that were killed (their process is gone)."""
    for prefix in (RUN_PREFIX, SBX_PREFIX):
        for folder in parent.glob(prefix + "*"):
            try:
                pid = int(folder.name[len(prefix):].split("-", 1)[0])
            except ValueError:
                continue
            try:
                os.kill(pid, 0)
                continue  # still running
            except ProcessLookupError:
                pass
            except PermissionError:
                continue
            shutil.rmtree(folder, ignore_errors=True)


def _run_dirs() -> tuple[Path, Path]:
    """(root-only folder for temporary courses, 0711 folder for the kernels' folders)."""
    parent = _scratch_parent()
    _remove_stale(parent)
    run_root = Path(tempfile.mkdtemp(prefix=f"{RUN_PREFIX}{os.getpid()}-", dir=parent))
    os.chmod(run_root, 0o700)
    sandbox_root = Path(tempfile.mkdtemp(prefix=f"{SBX_PREFIX}{os.getpid()}-", dir=parent))
    os.chmod(sandbox_root, 0o711)
    return run_root, sandbox_root


# --- the run ------------------------------------------------------------------------------

@dataclass
class Run:
    opts: GradeOptions
    notebooks: list = field(default_factory=list)
    cells: list = field(default_factory=list)
    results: dict = field(default_factory=dict)


def _say(opts: GradeOptions, text: str) -> None:
    if not opts.quiet:
        print(text, file=sys.stderr, flush=True)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)


_T0 = time.monotonic()


def _mark(label: str) -> None:
    import logging

    logging.getLogger("sarasehan.grade").info("%.2fs %s", time.monotonic() - _T0, label)


def _load_config(config_path: Path):
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    cfg = Config()
    if config_path.exists():
        cfg.merge(PyFileConfigLoader(config_path.name, path=str(config_path.parent)).load_config())
    return cfg


def run(opts: GradeOptions) -> int:
    """Grade ``opts.assignment``; 0 when done, 130 when interrupted."""
    global _T0
    _T0 = time.monotonic()
    course = opts.course.resolve()
    out = opts.out.resolve()
    a = opts.assignment
    if opts.memory_mb < MIN_MEMORY_MB:
        raise GradingError("grade.memory_too_low", mb=opts.memory_mb, minimum=MIN_MEMORY_MB)
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` by name
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    config_path = course / "nbgrader_config.py"
    cfg = _load_config(config_path)
    cd = cfg.get("CourseDirectory", {})
    source_dir = course / cd.get("source_directory", "source") / a
    submitted = course / cd.get("submitted_directory", "submitted")
    if not source_dir.is_dir() or not list(source_dir.glob("*.ipynb")):
        raise GradingError("grade.no_source", assignment=a, path=str(source_dir))
    subs = discover(submitted, a)
    if not subs:
        raise GradingError("grade.no_submissions", assignment=a, path=str(submitted))
    for folder in (out, out / ".state", out / "feedback", out / "logs"):
        folder.mkdir(parents=True, exist_ok=True)
    _log_to(out / "logs" / "grading.log")
    source_digest = hashlib.sha256((tree_digest(source_dir) + (
        config_path.read_text(encoding="utf-8") if config_path.exists() else "")).encode()).hexdigest()
    results: dict[str, dict] = {}
    todo: list[Submission] = []
    for sub in subs:
        state = out / ".state" / f"{sub.student}.json"
        old = None
        if state.exists():
            try:
                old = json.loads(state.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                old = None
        if (old and not opts.force and old.get("digest") == sub.digest and old.get("source") == source_digest
                and old.get("status") in ("graded", "partial")):
            results[sub.student] = old
        else:
            todo.append(sub)
    _mark("discovery")
    meta_path = out / ".state" / ".meta.json"
    if not todo:
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
        if meta.get("source") == source_digest:
            c = {"out": out, "assignment": a, "cells": [tuple(x) for x in meta["cells"]], "results": results}
            _finish(c, opts)
            _say(opts, t("grade.nothing_to_do", count=len(results), out=str(out)))
            return 0
    n_workers = max(1, min(opts.workers or (os.cpu_count() or 1), len(todo) or 1))
    run_root, sandbox_root = _run_dirs()
    zygotes = []
    try:
        if todo:  # one shared kernel template, a channel per worker; its imports overlap with ours
            from .kernels import Zygote

            zygotes.append(Zygote(run_root / "zygote.log", channels=n_workers))
        return _run(opts, course, out, a, cfg, config_path, source_dir, source_digest, results, todo,
                    n_workers, zygotes, run_root, sandbox_root)
    finally:
        for z in zygotes:
            z.close()
        shutil.rmtree(run_root, ignore_errors=True)
        shutil.rmtree(sandbox_root, ignore_errors=True)


def _run(opts: GradeOptions, course: Path, out: Path, a: str, cfg, config_path: Path, source_dir: Path,  # noqa: C901
         source_digest: str, results: dict, todo: list, n_workers: int, zygotes: list, run_root: Path,
         sandbox_root: Path) -> int:
    from . import gradebook as G  # nbgrader; the workers are forked after this import
    from . import speedups
    from .worker import Bundle, Job, WorkerInit

    speedups.apply_parent()
    _mark("imports")
    cd = cfg.get("CourseDirectory", {})
    course_id = cd.get("course_id", "default_course")
    autograded_root = course / cd.get("autograded_directory", "autograded")
    notebooks = sorted(p.stem for p in source_dir.glob("*.ipynb"))
    timeout = opts.timeout or int(cfg.get("Execute", {}).get("timeout", 0) or 30)
    wall = float(opts.wall or max(120.0, 5.0 * timeout))
    meta_path = out / ".state" / ".meta.json"
    workers: list[WorkerProc] = []
    progress = None
    interrupted = False

    def on_term(signum, frame):  # `kill PID` stops as cleanly as Ctrl-C
        raise KeyboardInterrupt

    old_term = signal.signal(signal.SIGTERM, on_term)
    try:
        if results:
            _say(opts, t("grade.resuming", done=len(results), todo=len(todo)))
        plan = sandbox_plan(course, out, run_root)
        if plan["namespaces"] and plan["drop"]:
            _say(opts, t("grade.sandbox_full"))
        else:
            _say(opts, t("grade.sandbox_weak", reason=plan["reason"] or "-",
                         user="nobody" if plan["drop"] else os.environ.get("USER", "?")))
        uid_base = None
        if plan["drop"]:
            uid_base = 200_000_000 + (os.getpid() % 10_000) * 100_000
        inits = [WorkerInit(slot=i, work_root=str(run_root), sandbox_root=str(sandbox_root),
                            uid_base=None if uid_base is None else uid_base + i * 20_000,
                            namespaces=plan["namespaces"], memory_bytes=opts.memory_mb * 1024 * 1024,
                            cpu_seconds=int(wall) + 10, env=plan["env"], hide=plan["hide"], keep=plan["keep"],
                            honest=opts.honest, log_dir=str(out / "logs"),
                            zygote=zygotes[0].channels[i] if zygotes else None) for i in range(n_workers)]
        ctx = multiprocessing.get_context("fork")
        if todo:
            workers = [WorkerProc(ctx, init, None) for init in inits]
        _mark("workers forked")
        try:
            template_db, release_dir = G.build_template(a, source_dir, config_path if config_path.exists() else None,
                                                        course_id, run_root)
        except Exception as exc:
            raise GradingError("grade.template_failed", assignment=a, error=f"{type(exc).__name__}: {exc}",
                               log=str(out / "logs" / "grading.log")) from None
        db_path = course / "gradebook.db"
        G.ensure_assignment(db_path, template_db, run_root / "template-course", a,
                            config_path if config_path.exists() else None, course_id)
        _mark("template and gradebook ready")
        cells = G.graded_cells(template_db, course_id, a, _source_order(source_dir, notebooks))
        _write_json(meta_path, {"source": source_digest, "cells": cells, "notebooks": notebooks})
        answer_names = _answer_names(source_dir, notebooks)
        bundle = Bundle(assignment=a, course_id=course_id, config_path=str(config_path) if config_path.exists()
                        else None, source_dir=str(source_dir), release_dir=str(release_dir),
                        template_db=str(template_db), notebooks=notebooks, answer_names=sorted(answer_names),
                        timeout=timeout, wall=wall, honest=opts.honest)
        for w in workers:
            w.send(bundle)
        ctx_commit = {"db": db_path, "course_id": course_id, "cfg": cfg, "assignment": a, "notebooks": notebooks,
                      "autograded_root": autograded_root, "out": out, "source": source_digest, "cells": cells,
                      "results": results}
        progress = Progress(len(todo), label=f"{a} ", stream=sys.stderr)
        if opts.quiet:
            progress.stream = open(os.devnull, "w")
        progress.draw(force=True)
        pending = deque(todo)
        restarts = 0

        def dispatch(w: WorkerProc) -> None:
            if pending and w.ready and w.job is None:
                sub = pending.popleft()
                w.job = sub
                w.started = time.monotonic()
                w.send(Job(student=sub.student, sub_dir=str(sub.path), digest=sub.digest))

        def replace(w: WorkerProc, reason_key: str) -> WorkerProc:
            nonlocal restarts
            job = w.job
            w.kill()
            if job is not None:
                _commit_failure(ctx_commit, job, t(reason_key, seconds=int(wall)))
                progress.update(1, job.student)
            restarts += 1
            new = WorkerProc(ctx, w.init, bundle)
            workers[workers.index(w)] = new
            return new

        while pending or any(w.job is not None for w in workers):
            if restarts > 3 * len(workers) + 3:
                while pending:
                    _commit_failure(ctx_commit, pending.popleft(), t("grade.worker_died"))
                    progress.update(1)
                break
            for w in workers:
                dispatch(w)
            waitables = [w.conn for w in workers] + [w.proc.sentinel for w in workers]
            ready = multiprocessing.connection.wait(waitables, timeout=1.0)
            for w in list(workers):
                if w.conn in ready:
                    try:
                        msg = w.conn.recv()
                    except (EOFError, OSError):
                        replace(w, "grade.worker_died")
                        continue
                    if "ready" in msg:
                        _mark(f"worker {w.init.slot} ready")
                        w.ready = True
                        dispatch(w)
                    elif "fatal" in msg:
                        _say(opts, t("grade.worker_failed", error=msg["fatal"]))
                        replace(w, "grade.worker_died")
                    else:
                        sub = w.job
                        w.job = None
                        dispatch(w)  # keep the worker busy while we commit
                        if sub is not None:
                            try:
                                status = _commit(ctx_commit, sub, msg)
                            except Exception as exc:  # one student's results must not stop the batch
                                import logging

                                logging.getLogger("sarasehan.grade").exception("commit of %s", sub.student)
                                status = "failed"
                                _commit_failure(ctx_commit, sub, t("grade.commit_failed",
                                                                   error=f"{type(exc).__name__}: {exc}"))
                            progress.update(1, f"{sub.student}: {status}")
                elif w.proc.sentinel in ready and not w.proc.is_alive():
                    replace(w, "grade.worker_died")
            now = time.monotonic()
            for w in list(workers):
                if w.job is not None and now - w.started > wall + WATCHDOG_GRACE:
                    replace(w, "grade.worker_stuck")
        progress.close()
        _mark("all graded")
        for w in workers:
            w.stop()  # they wind down while the summary is drawn
        _finish(ctx_commit, opts, zygotes[0] if zygotes else None)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        signal.signal(signal.SIGTERM, old_term)
        for w in workers:
            w.stop()
        deadline = time.monotonic() + 5
        for w in workers:
            w.proc.join(max(0.1, deadline - time.monotonic()))
            if w.proc.is_alive() or interrupted:
                w.kill()
    if interrupted:
        _say(opts, t("grade.interrupted", done=sum(1 for r in results.values()), out=str(out)))
        return 130
    import resource

    me = resource.getrusage(resource.RUSAGE_SELF)
    _mark(f"finished; parent cpu {me.ru_utime + me.ru_stime:.2f} s")
    counts = {s: sum(1 for r in results.values() if r.get("status") == s) for s in ("graded", "partial", "failed")}
    _say(opts, t("grade.done", graded=counts["graded"], partial=counts["partial"], failed=counts["failed"],
                 out=str(out)))
    return 0


def _log_to(path: Path) -> None:
    """nbgrader's and traitlets' log messages of this process go to a file, not the terminal."""
    import logging

    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("traitlets", "nbgrader", "NbGrader", "nbconvert", "sqlalchemy", "sarasehan.grade"):
        log = logging.getLogger(name)
        log.handlers = [handler]
        log.propagate = False
        # INFO on SQLAlchemy's logger would echo every SQL statement
        log.setLevel(logging.WARNING if name == "sqlalchemy" else logging.INFO)
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", category=Warning, message=".*not in session.*")


def _source_order(source_dir: Path, notebooks: list[str]) -> dict:
    import nbformat

    order = {}
    for name in notebooks:
        nb = nbformat.read(source_dir / f"{name}.ipynb", as_version=4)
        order[name] = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    return order


def _answer_names(source_dir: Path, notebooks: list[str]) -> set:
    import nbformat

    from .verifier import stored_names

    names = set()
    for name in notebooks:
        nb = nbformat.read(source_dir / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution"):
                names |= stored_names(cell.source, mutations=True)
    return names


def _commit(c: dict, sub: Submission, result: dict) -> str:
    from . import gradebook as G

    status, message = classify(result, c["notebooks"])
    final_scores = {}
    if not result.get("error") and any(v in ("ok", "missing", "unreadable", "failed")
                                       for v in result.get("notebooks", {}).values()):
        timestamp = G.timestamp_of(sub.path, c["cfg"])
        final_scores = G.commit(c["db"], c["course_id"], c["cfg"], c["assignment"], sub.student,
                                result.get("autograded", {}), c["notebooks"], timestamp)
        dest = c["autograded_root"] / sub.student / c["assignment"]
        dest.mkdir(parents=True, exist_ok=True)
        for name, text in result.get("autograded", {}).items():
            (dest / f"{name}.ipynb").write_text(text, encoding="utf-8")
        # nbgrader keeps these next to the autograded notebooks: generate_feedback copies them on,
        # and release_feedback names the feedback in the exchange after the submission's secret
        for name in NBGRADER_SIDE_FILES:
            side = sub.path / name
            if side.is_file() and not side.is_symlink():
                shutil.copyfile(side, dest / name)
    fb = c["out"] / "feedback" / sub.student
    if fb.exists():
        shutil.rmtree(fb)
    if result.get("feedback"):
        fb.mkdir(parents=True)
        for name, html in result["feedback"].items():
            (fb / Path(name).name).write_text(html, encoding="utf-8")
    (c["out"] / "logs" / f"{sub.student}.log").write_text("\n".join(result.get("log", [])), encoding="utf-8")
    penalty = final_scores.pop("__late_penalty__", None)
    if penalty:
        message = "; ".join(m for m in (message, t("grade.late_penalty", points=f"{penalty:g}")) if m)
    state = {"student": sub.student, "digest": sub.digest, "source": c["source"], "status": status,
             "message": message, "final_scores": final_scores, "penalty": penalty, "events": result.get("events", []),
             "notes": result.get("notes", []), "seconds": result.get("seconds"), "timing": result.get("timing")}
    _write_json(c["out"] / ".state" / f"{sub.student}.json", state)
    c["results"][sub.student] = state
    _write_csv(c)
    return status


def _commit_failure(c: dict, sub: Submission, reason: str) -> None:
    state = {"student": sub.student, "digest": sub.digest, "source": c["source"], "status": "failed",
             "message": reason, "final_scores": {}, "events": [], "notes": []}
    _write_json(c["out"] / ".state" / f"{sub.student}.json", state)
    c["results"][sub.student] = state
    _write_csv(c)


def _write_csv(c: dict) -> None:
    from . import report

    report.write_csv(c["out"] / "grades.csv", c["assignment"], c["cells"], list(c["results"].values()))


def _finish(c: dict, opts: GradeOptions, zygote=None) -> None:
    from . import report

    _write_csv(c)
    labels = {k: t(f"grade.png.{k}") for k in ("full", "partial", "zero", "manual", "students", "per_cell",
                                                "per_question", "total")}
    png = c["out"] / "summary.png"
    data = {"assignment": c["assignment"], "cells": c["cells"], "results": list(c["results"].values()),
            "labels": labels}
    if zygote is not None:  # matplotlib is already imported there
        data_path = c["out"] / "logs" / ".summary.json"
        data_path.write_text(json.dumps(data, default=str), encoding="utf-8")
        done = zygote.render_png(str(data_path), str(png))
        data_path.unlink(missing_ok=True)
        if done:
            return
    try:
        report.summary_png(png, c["assignment"], c["cells"], data["results"], labels)
    except Exception as exc:  # a missing font must not lose the grades
        _say(opts, t("grade.png_failed", error=f"{type(exc).__name__}: {exc}"))
