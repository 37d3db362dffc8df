"""Kernels for grading: started ahead of need from the warm template, each used once.

* :class:`Zygote` runs ``python -m sarasehan.grading.zygote`` and asks it to
  fork kernels.
* :class:`KernelFactory` prepares a private folder per kernel (work folder
  = the kernel's cwd, runtime folder with the connection file and IPC
  sockets, home), picks a fresh unprivileged uid for it, builds its
  :class:`~.sandbox.SandboxSpec`, and keeps one kernel of each kind
  (``student``, ``verifier``) booting in the background so that the next
  notebook does not wait for one.
* :class:`PooledKernelManager` is the ``kernel_manager_class`` given to
  nbgrader's ``Execute`` preprocessor: instead of launching a process it
  takes a kernel from the factory, and it signals/kills it through a Linux
  pidfd (the kernel is the template's child, not ours).
"""

from __future__ import annotations

import collections
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.connect import write_connection_file
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_client.provisioning import KernelProvisionerBase
from traitlets import DottedObjectName, Type

from .sandbox import SandboxSpec, kill_uid

UID_SPAN = 20000


class KernelStartError(RuntimeError):
    pass


def _read_reply(fd: int, buf: bytearray, timeout: float, wanted, alive) -> dict | None:
    """Read JSON lines from ``fd`` until one satisfies ``wanted`` (others are stale)."""
    deadline = time.monotonic() + timeout
    while True:
        while b"\n" not in buf:
            left = deadline - time.monotonic()
            if left <= 0 or not alive():
                return None
            ready, _, _ = select.select([fd], [], [], min(left, 1.0))
            if ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    return None
                buf += chunk
        line, _, rest = bytes(buf).partition(b"\n")
        buf[:] = rest
        try:
            reply = json.loads(line)
        except ValueError:
            continue
        if wanted(reply):
            return reply


class Zygote:
    """The warm template process, shared by all workers of a run.

    The grading parent starts it first thing (so its imports run while the
    parent imports nbgrader), with one pipe pair ("channel") per worker slot;
    a forked worker inherits the pipes and uses only its own channel. The
    parent keeps stdin/stdout (hello, summary.png, shutdown)."""

    def __init__(self, log_path: Path, channels: int = 1):
        self.log_path = log_path
        self.log = open(log_path, "ab")
        zenv = dict(os.environ)
        zenv.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "PYTHONUNBUFFERED": "1", "MALLOC_ARENA_MAX": "2"})
        ends, theirs, args = [], [], []
        for _ in range(channels):
            req_r, req_w = os.pipe()
            rep_r, rep_w = os.pipe()
            ends.append((req_w, rep_r))
            theirs += [req_r, rep_w]
            args += ["--channel", f"{req_r},{rep_w}"]
        self.proc = subprocess.Popen([sys.executable, "-m", "sarasehan.grading.zygote", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, env=zenv,
                                     cwd="/", start_new_session=True, pass_fds=theirs)
        for fd in theirs:
            os.close(fd)
        self.pid = self.proc.pid
        self._pidfd = None
        try:
            self._pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            pass
        self.channels = [ZygoteChannel(self, w, r) for w, r in ends]
        self._buf = bytearray()
        self._ready = False
        self._next = 0

    def ready(self, timeout: float = 120) -> None:
        if self._ready:
            return
        hello = _read_reply(self.proc.stdout.fileno(), self._buf, timeout, lambda r: "ready" in r, self.alive)
        if not hello:
            raise KernelStartError(f"kernel template did not start (see {self.log_path})")
        self._ready = True

    def alive(self) -> bool:
        if self._pidfd is not None:
            ready, _, _ = select.select([self._pidfd], [], [], 0)
            return not ready
        try:
            os.kill(self.pid, 0)
            return True
        except ProcessLookupError:
            return False

    def render_png(self, data_path: str, out_path: str, timeout: float = 120) -> bool:
        """Draw summary.png in a child of the template (matplotlib is already imported there)."""
        try:
            self.ready()
            self._next += 1
            rid = f"png-{self._next}"
            req = {"op": "png", "id": rid, "data": data_path, "out": out_path}
            self.proc.stdin.write((json.dumps(req) + "\n").encode())
            self.proc.stdin.flush()
            reply = _read_reply(self.proc.stdout.fileno(), self._buf, 30, lambda r: r.get("id") == rid, self.alive)
            if not reply or "pid" not in reply:
                return False
            fd = os.pidfd_open(reply["pid"])
            try:
                ready, _, _ = select.select([fd], [], [], timeout)
            finally:
                os.close(fd)
            return bool(ready) and os.path.exists(out_path)
        except (OSError, KernelStartError):
            return False

    def close(self) -> None:
        """Stop the template (the parent does this; its kernels die with it)."""
        for ch in self.channels:
            ch.close()
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        if self._pidfd is not None:
            os.close(self._pidfd)
            self._pidfd = None
        self.log.close()


class ZygoteChannel:
    """One worker's line to the template: fork me a kernel."""

    def __init__(self, zygote: Zygote, req_fd: int, rep_fd: int):
        self.zygote = zygote
        self.req_fd, self.rep_fd = req_fd, rep_fd
        self._buf = bytearray()
        self._next = 0
        self._synced = False

    def alive(self) -> bool:
        return self.zygote.alive()

    def ready(self) -> None:
        pass  # the first spawn waits for the template's imports

    def spawn(self, conn: str, log: str, spec: SandboxSpec) -> int:
        self._next += 1
        rid = f"{os.getpid()}-{self._next}"
        req = {"op": "spawn", "id": rid, "conn": conn, "log": log, "sandbox": spec.to_dict()}
        data = (json.dumps(req) + "\n").encode()
        if not self._synced:  # ends a line a replaced worker may have left half-written
            data = b"\n" + data
        try:
            os.write(self.req_fd, data)
        except OSError as exc:
            raise KernelStartError(f"kernel template is gone: {exc}") from None
        reply = _read_reply(self.rep_fd, self._buf, 120 if not self._synced else 30,
                            lambda r: r.get("id") == rid, self.alive)
        self._synced = True
        if not reply or "pid" not in reply:
            raise KernelStartError(f"kernel template refused: {reply}")
        return int(reply["pid"])

    def close(self) -> None:
        for fd in (self.req_fd, self.rep_fd):
            try:
                os.close(fd)
            except OSError:
                pass


@dataclass
class KernelHandle:
    kind: str
    pid: int
    uid: int | None
    folder: Path
    work: Path
    conn_file: str
    info: dict
    started: float = field(default_factory=time.monotonic)
    pidfd: int | None = None
    killed: bool = False
    private_work: bool = False   # work/ is a tmpfs in the kernel's own mount namespace
    locked: bool = False
    data_source: Path | None = None
    cpu_used = 0.0  # noqa  class-wide: CPU seconds of the kernels disposed of so far (for timing reports)
    cpu_by_kind = {}  # noqa: RUF012  (class-wide, not a field)

    def __post_init__(self):
        try:
            self.pidfd = os.pidfd_open(self.pid)
        except (AttributeError, OSError):
            self.pidfd = None

    def returncode(self) -> int | None:
        """None while running (pidfd readable = exited)."""
        if self.pidfd is not None:
            ready, _, _ = select.select([self.pidfd], [], [], 0)
            return -1 if ready else None
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return -1
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return -1
        except OSError:
            return -1
        return None

    def send_signal(self, signum: int, group: bool = True) -> None:
        if self.returncode() is not None:
            return
        try:
            if group:
                os.killpg(self.pid, signum)
            elif self.pidfd is not None:
                signal.pidfd_send_signal(self.pidfd, signum)
            else:
                os.kill(self.pid, signum)
        except (ProcessLookupError, PermissionError, OSError):
            pass

    def kill(self) -> None:
        """SIGKILL the kernel, its process group and anything else its uid runs."""
        if self.killed:
            return
        KernelHandle.cpu_used += self.cpu_seconds()
        KernelHandle.cpu_by_kind[self.kind] = KernelHandle.cpu_by_kind.get(self.kind, 0.0) + self.cpu_seconds()
        self.send_signal(signal.SIGKILL, group=True)
        self.send_signal(signal.SIGKILL, group=False)
        kill_uid(self.uid)
        self.killed = True

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.returncode() is None:
            if time.monotonic() > deadline:
                return False
            if self.pidfd is not None:
                select.select([self.pidfd], [], [], max(0.0, min(0.2, deadline - time.monotonic())))
            else:
                time.sleep(0.02)
        return True

    def work_path(self) -> Path:
        """The kernel's work folder as the grader can write it (through /proc/<pid>/root when
        the folder is a tmpfs that exists only in the kernel's mount namespace)."""
        if self.private_work:
            return Path(f"/proc/{self.pid}/root") / self.work.relative_to("/")
        return self.work

    def on_ready(self) -> None:
        """The kernel answers, so its sandbox is in place: lock the runtime folder and give
        it the data files of the notebook's folder."""
        self.lock_runtime()
        if self.data_source is not None:
            copy_data_files(self.data_source, self.work_path(), self.uid)
            self.data_source = None

    def lock_runtime(self) -> None:
        """Once the kernel listens, its runtime folder (connection file, sockets) becomes
        root's: student code can neither fill it nor remove the sockets."""
        if self.locked or self.uid is None:
            return
        run = Path(self.conn_file).parent
        try:
            os.chown(self.conn_file, 0, 0)
            os.chmod(self.conn_file, 0o600)
            os.chown(run, 0, 0)
            os.chmod(run, 0o711)
            self.locked = True
        except OSError:
            pass

    def cpu_seconds(self) -> float:
        try:
            with open(f"/proc/{self.pid}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def dispose(self) -> None:
        self.kill()
        if self.pidfd is not None:
            try:
                os.close(self.pidfd)
            except OSError:
                pass
            self.pidfd = None
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class KernelPolicy:
    """How kernels are confined (built once by the worker from the run options)."""

    sandbox_root: Path
    uid_base: int | None            # None: no privilege drop
    namespaces: bool
    memory_bytes: int | None
    cpu_seconds: int | None
    env: dict
    hide: list
    keep: list
    prestart: int = 1


class KernelFactory:
    def __init__(self, zygote: Zygote, policy: KernelPolicy):
        self.zygote = zygote
        self.policy = policy
        self.pool: dict[str, collections.deque] = collections.defaultdict(collections.deque)
        self.live: list[KernelHandle] = []
        self._count = 0

    def _uid(self) -> int | None:
        if self.policy.uid_base is None:
            return None
        self._count += 1
        return self.policy.uid_base + (self._count % UID_SPAN)

    def _start(self, kind: str) -> KernelHandle:
        p = self.policy
        uid = self._uid()
        folder = Path(p.sandbox_root) / f"{kind[0]}{uuid.uuid4().hex[:12]}"
        run, work, home = folder / "run", folder / "work", folder / "home"
        for d in (folder, run, work, home):
            d.mkdir(mode=0o700)
        os.chmod(folder, 0o711)
        conn = str(run / "kernel.json")
        key = secrets.token_hex(32).encode()
        if p.namespaces:
            write_connection_file(conn, transport="ipc", ip=str(run / "k"), key=key, shell_port=1,
                                  iopub_port=2, stdin_port=3, control_port=4, hb_port=5)
        else:
            write_connection_file(conn, transport="tcp", ip="127.0.0.1", key=key)
        if uid is not None:
            for d in (run, work, home):
                os.chown(d, uid, uid)
            os.chown(conn, uid, uid)
        with open(conn, encoding="utf-8") as fh:
            info = json.load(fh)
        env = dict(p.env)
        env.update({"HOME": str(home), "USER": "student", "LOGNAME": "student",
                    "JUPYTER_RUNTIME_DIR": str(run), "IPYTHONDIR": str(home / ".ipython"),
                    "MPLCONFIGDIR": str(home / ".matplotlib"), "TMPDIR": "/tmp"})
        spec = SandboxSpec(
            uid=uid, gid=uid, cwd=str(work), home=str(home), env=env,
            memory_bytes=p.memory_bytes, cpu_seconds=p.cpu_seconds, namespaces=p.namespaces,
            hide=list(p.hide) + [str(p.sandbox_root)], keep=list(p.keep),
            writable_keep=[str(run)] if p.namespaces else [str(run), str(work), str(home)],
            private_dirs=[str(work), str(home)] if p.namespaces else [],
            dumpable=(kind != "verifier"),
        )
        pid = self.zygote.spawn(conn, str(folder / "kernel.log"), spec)
        handle = KernelHandle(kind=kind, pid=pid, uid=uid, folder=folder, work=work, conn_file=conn, info=info,
                              private_work=p.namespaces)
        self.live.append(handle)
        return handle

    def prestart(self, kind: str) -> None:
        while len(self.pool[kind]) < self.policy.prestart:
            self.pool[kind].append(self._start(kind))

    def acquire(self, kind: str) -> KernelHandle:
        handle = None
        while self.pool[kind]:
            candidate = self.pool[kind].popleft()
            if candidate.returncode() is None:
                handle = candidate
                break
            self.release(candidate)
        if handle is None:
            handle = self._start(kind)
        self.prestart(kind)
        return handle

    def release(self, handle: KernelHandle) -> None:
        handle.dispose()
        if handle in self.live:
            self.live.remove(handle)

    def kill_all(self) -> None:
        for handle in list(self.live):
            handle.kill()

    def close(self) -> None:
        for handle in list(self.live):
            self.release(handle)
        for q in self.pool.values():
            q.clear()


def copy_data_files(src: Path, dest: Path, uid: int | None) -> None:
    """Copy the non-notebook files of the notebook's folder into the kernel's work folder."""
    import stat

    if not src.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(src, followlinks=False):
        rel = Path(dirpath).relative_to(src)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d))]
        for fn in filenames:
            path = Path(dirpath) / fn
            if fn.endswith(".ipynb") or not stat.S_ISREG(os.lstat(path).st_mode):
                continue
            target = dest / rel / fn
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            if uid is not None:
                os.chown(target, uid, uid)
                for parent in target.relative_to(dest).parents:
                    if str(parent) != ".":
                        os.chown(dest / parent, uid, uid)


# --- jupyter_client integration ------------------------------------------------------------

class HandleProvisioner(KernelProvisionerBase):
    """A provisioner for a kernel that is already running (a :class:`KernelHandle`)."""

    handle: KernelHandle | None = None
    factory: KernelFactory | None = None

    @property
    def has_process(self) -> bool:
        return self.handle is not None

    async def poll(self):
        if self.handle is None or self.handle.killed:
            return -1
        return self.handle.returncode()

    async def wait(self):
        import asyncio

        while self.handle is not None and not self.handle.killed and self.handle.returncode() is None:
            await asyncio.sleep(0.05)
        return -1

    async def send_signal(self, signum: int) -> None:
        if self.handle is not None:
            self.handle.send_signal(signum, group=True)

    async def kill(self, restart: bool = False) -> None:
        if self.handle is not None:
            self.handle.kill()

    async def terminate(self, restart: bool = False) -> None:
        await self.kill(restart)

    async def launch_kernel(self, cmd, **kwargs):
        return self.connection_info

    async def cleanup(self, restart: bool = False) -> None:
        if self.handle is not None and self.factory is not None:
            self.factory.release(self.handle)
        self.handle = None

    def get_shutdown_wait_time(self, recommended: float = 5.0) -> float:
        return 0.2

    async def pre_launch(self, **kwargs):
        kwargs["cmd"] = []
        return kwargs


class FastKernelClient(AsyncKernelClient):
    """``wait_for_ready`` without the fixed 0.2 s IOPub flush of jupyter_client
    (nbclient ignores IOPub messages that belong to other requests anyway), and a cap
    on the size of one message from the kernel: a kernel that sends more (say a
    gigabyte-long print) is disconnected instead of exhausting the grader's memory."""

    max_message_bytes = 128 * 1024 * 1024

    def start_channels(self, *args, **kwargs):
        super().start_channels(*args, **kwargs)
        import zmq

        for channel in (self.shell_channel, self.iopub_channel, self.stdin_channel, self.control_channel):
            sock = getattr(channel, "socket", None)
            if sock is not None:
                try:
                    sock.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)
                except Exception:
                    pass

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        import asyncio
        from queue import Empty

        deadline = time.monotonic() + (timeout if timeout is not None else 60)
        while True:
            self.kernel_info()
            try:
                msg = await self.shell_channel.get_msg(timeout=0.5)
            except Empty:
                msg = None
            if msg is not None and msg["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.5)  # IOPub is connected
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(msg)
                    self.kernel_info_reply = msg
                    handle = getattr(getattr(self.parent, "provisioner", None), "handle", None)
                    if handle is not None:
                        handle.on_ready()
                    break
            parent = self.parent
            if parent is not None and hasattr(parent, "is_alive") and not await parent.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError("Kernel didn't respond in time")
            await asyncio.sleep(0)
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=0.01)
            except Empty:
                break


_SPEC = KernelSpec(argv=["python3"], display_name="Python 3 (sandbox)", language="python",
                   interrupt_mode="signal", env={}, metadata={})


class PooledKernelManager(AsyncKernelManager):
    """``kernel_manager_class`` for nbclient: takes a prestarted sandboxed kernel."""

    factory: KernelFactory | None = None   # set once per worker process
    kind = "student"
    client_class = DottedObjectName("sarasehan.grading.kernels.FastKernelClient")
    client_factory = Type(default_value=FastKernelClient, klass=AsyncKernelClient)

    @property
    def kernel_spec(self):
        return _SPEC

    @property
    def ipykernel(self) -> bool:
        return True

    async def _async_pre_start_kernel(self, **kw):
        self.shutting_down = False
        self.kernel_id = self.kernel_id or str(uuid.uuid4())
        self._launch_args = kw.copy()
        self.provisioner = HandleProvisioner(kernel_id=self.kernel_id, kernel_spec=_SPEC, parent=self)
        self.provisioner.factory = self.factory
        return [], kw

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        if self.factory is None:
            raise KernelStartError("no kernel factory in this process")
        handle = self.factory.acquire(self.kind)
        self.provisioner.handle = handle
        handle.data_source = Path(kw["cwd"]) if kw.get("cwd") else None  # copied once the kernel is up
        self.load_connection_info(handle.info)
        self.connection_file = handle.conn_file
        self._launched_handle = handle

    def cleanup_connection_file(self) -> None:  # the handle's folder is removed as a whole
        pass

    def cleanup_ipc_files(self) -> None:
        pass


class VerifierKernelManager(PooledKernelManager):
    kind = "verifier"
