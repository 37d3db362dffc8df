"""The warm kernel template ("zygote").

Started once per grading run by the parent (``python -m sarasehan.grading.zygote``,
its imports overlapping with the parent's own), it imports ipykernel, IPython,
numpy, pandas, matplotlib and the course package, and then waits for JSON
requests, one per line, on stdin and on one pipe pair per grading worker::

    {"op": "spawn", "id": 7, "conn": ".../kernel.json", "log": ".../kernel.log",
     "sandbox": {...SandboxSpec...}}

For each request it ``fork()``s. The child confines itself
(:func:`sarasehan.grading.sandbox.enter`: own process group, no network,
hidden instructor paths, resource limits, unprivileged user) and becomes a
fresh IPython kernel on the given connection file. The imports were paid
for once, in the template, so a kernel is ready in a fraction of the
usual start-up time, yet every submission still gets its own new process
(nothing a student changes in one kernel is visible in another). The reply
is ``{"id": 7, "pid": 12345}``.

No threads exist in the template when it forks (ZMQ, the kernel's event
loop and its threads are created in the child), and BLAS is pinned to one
thread, which keeps ``fork()`` safe.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import traceback

PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "IPython.core.interactiveshell",
    "IPython.core.completer",
    "jupyter_client.session",
    "numpy",
    "pandas",
    "matplotlib",
    "matplotlib.pyplot",
    "matplotlib_inline.backend_inline",
    "sarasehan",
    "sarasehan.checks",
    "sarasehan.data",
    "sarasehan.grading.verifier_runtime",
    # what IPKernelApp.initialize would otherwise import in every kernel
    "pdb", "bdb", "cmd", "code", "pydoc", "pkgutil", "faulthandler", "mimetypes", "IPython.extensions",
    "IPython.core.completerlib", "tornado.gen", "tornado.locks", "tornado.queues", "email.parser",
    "encodings.idna", "stringprep",
)


def preload() -> list[str]:
    import importlib

    # A grading kernel needs no debugger: without debugpy, ipykernel skips importing
    # pydevd (about 130 modules) in every kernel.
    saved = sys.modules.get("debugpy", None)
    sys.modules["debugpy"] = None  # makes `import debugpy...` raise ImportError
    try:
        import ipykernel.debugger  # noqa: F401  (records _is_debugpy_available = False)
    except Exception:
        pass
    finally:
        if saved is None:
            del sys.modules["debugpy"]
        else:
            sys.modules["debugpy"] = saved
    failed = []
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # an optional module missing must not stop grading
            failed.append(name)
    try:  # read the font list now, not in every kernel (it cannot read root's cache)
        import matplotlib.font_manager as fm

        fm.fontManager  # noqa: B018
    except Exception:
        pass
    try:  # exercise the lazily imported code paths every notebook uses
        warm_up()
    except Exception:
        pass
    return failed


def warm_up() -> None:
    import io
    import pickle

    import pandas as pd

    import sarasehan as sh

    df = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "x"], "t": pd.to_datetime(["2024-01-01"] * 3)})
    df._repr_html_()
    repr(df)
    g = df.groupby("b")[["a"]].sum()
    g["a"].sort_values(ascending=False).head(2).tolist()
    df.query("a > 1").set_index("b")["a"].to_dict()
    s = df["a"].astype(float).round(2)
    (s / s.sum() * 100).dropna()
    pd.testing.assert_series_equal(s, s)
    pickle.loads(pickle.dumps(df, 4))
    sh.check_answer(g, name="g", kind="dataframe", decimals=2)
    sh.check_answer(s, name="s", kind="series", decimals=1)
    io.StringIO()


def _reap(*_args) -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(req: dict) -> None:
    from .sandbox import PR_SET_PDEATHSIG, SandboxSpec, enter, libc

    for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    devnull = os.open(os.devnull, os.O_RDWR)
    log = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if req.get("log") else devnull
    os.dup2(devnull, 0)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.closerange(3, 65536)
    spec = SandboxSpec.from_dict(req["sandbox"])
    enter(spec)
    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the template died between fork and prctl
        os._exit(1)
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(["-f", req["conn"], "--HistoryManager.hist_file=:memory:", "--HistoryManager.enabled=False",
                    "--IPKernelApp.quiet=True", "--Application.log_level=WARN"])
    app.start()


def spawn(req: dict) -> int:
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            _child(req)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        except BaseException:
            try:
                traceback.print_exc()
                sys.stderr.flush()
            finally:
                code = 70
        os._exit(code)
    return pid


def render_png(req: dict) -> int:
    """Fork a child that draws summary.png (matplotlib is already imported here)."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            for sig in (signal.SIGCHLD, signal.SIGTERM, signal.SIGPIPE):
                signal.signal(sig, signal.SIG_DFL)
            os.closerange(3, 65536)
            from .report import summary_png_from_json

            summary_png_from_json(req["data"], req["out"])
        except BaseException:
            traceback.print_exc()
            code = 1
        os._exit(code)
    return pid


def _handle(line: bytes) -> dict:
    try:
        req = json.loads(line)
    except ValueError:
        return {"id": None, "error": "bad request"}
    try:
        if req.get("op") == "spawn":
            return {"id": req.get("id"), "pid": spawn(req)}
        if req.get("op") == "png":
            return {"id": req.get("id"), "pid": render_png(req)}
        if req.get("op") == "ping":
            return {"id": req.get("id"), "pong": True}
        return {"id": req.get("id"), "error": f"unknown op {req.get('op')!r}"}
    except Exception as exc:
        return {"id": req.get("id"), "error": f"{type(exc).__name__}: {exc}"}


def main(argv: list[str] | None = None) -> int:
    """Serve fork requests on stdin/stdout and on the ``--channel R,W`` pipe pairs
    (one per grading worker); exit when stdin closes."""
    import select

    from .sandbox import PR_SET_PDEATHSIG, libc

    argv = sys.argv[1:] if argv is None else argv
    channels = {}
    for i, arg in enumerate(argv):
        if arg == "--channel":
            r, w = (int(x) for x in argv[i + 1].split(","))
            channels[r] = w
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("MKL_NUM_THREADS", "1")
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    control_out = os.dup(1)
    os.dup2(2, 1)  # nothing printed by an import can corrupt the protocol
    channels[0] = control_out
    failed = preload()
    signal.signal(signal.SIGCHLD, _reap)
    os.write(control_out, (json.dumps({"ready": True, "pid": os.getpid(), "preload_failed": failed}) + "\n").encode())
    buffers = {fd: b"" for fd in channels}
    while True:
        try:
            readable, _, _ = select.select(list(channels), [], [], 5.0)
        except InterruptedError:
            continue
        for fd in readable:
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                chunk = b""
            if not chunk:
                if fd == 0:
                    return 0  # the grading parent is done (or gone)
                del channels[fd]
                continue
            buffers[fd] += chunk
            while b"\n" in buffers[fd]:
                line, buffers[fd] = buffers[fd].split(b"\n", 1)
                if not line.strip():
                    continue
                reply = _handle(line)
                try:
                    os.write(channels[fd], (json.dumps(reply) + "\n").encode())
                except OSError:
                    pass
        _reap()


if __name__ == "__main__":
    raise SystemExit(main())
