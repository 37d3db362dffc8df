"""The confinement applied to every student kernel (Linux only).

A kernel process is forked from the warm template (:mod:`.zygote`) and,
before any student code runs, calls :func:`enter` with a
:class:`SandboxSpec`. In order:

1. ``setsid()``: the kernel leads its own process group, so the grader can
   kill it and everything it started with one ``killpg``;
2. new **network** namespace (no interface but a downed loopback: no
   network at all) and new **mount** namespace, where
   * ``/tmp``, ``/var/tmp`` and ``/dev/shm`` become fresh, small tmpfs
     (nothing left by another submission, nothing shared with the grader),
   * every *hidden* path (the course folder with ``gradebook.db`` and all
     submissions, ``solutions/``, the output folder, the repository) is
     covered by an empty read-only tmpfs, and only the *keep* paths below it
     (the ``sarasehan`` package, ``datasets/``, ``course/``, the virtualenv,
     the kernel's own work and runtime folders) are bound back;
3. resource limits: address space (``RLIMIT_AS``, the ``--memory`` option),
   CPU seconds, file size, number of processes, no core dumps;
4. all privileges dropped: supplementary groups cleared, then
   ``setgid``/``setuid`` to an unprivileged id that owns nothing but the
   kernel's work folder, and ``PR_SET_NO_NEW_PRIVS``.

The ZMQ sockets of the kernel use the ``ipc`` transport (Unix sockets in
the runtime folder), which works across network namespaces, so the grader
still talks to a kernel that has no network.

When the machine does not allow namespaces (not root, or a container
without ``CAP_SYS_ADMIN``), :func:`capabilities` says so and the grader
falls back to what is possible: privilege drop if root, limits always, TCP
on loopback otherwise; the grader prints a warning naming what is missing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY = 1
MS_NOSUID = 2
MS_NODEV = 4
MS_REMOUNT = 32
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38

SCRATCH_DIRS = ("/tmp", "/var/tmp", "/dev/shm")

_libc = None


def libc():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    return _libc


class SandboxError(RuntimeError):
    pass


def _check(ret: int, what: str) -> None:
    if ret != 0:
        err = ctypes.get_errno()
        raise SandboxError(f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: None if s is None else s.encode()  # noqa: E731
    _check(libc().mount(enc(source), enc(target), enc(fstype), flags, enc(data)), f"mount {target}")


@dataclass
class SandboxSpec:
    """Everything a kernel needs to confine itself (JSON-able, sent to the zygote)."""

    uid: int | None = None          # None: keep the current user (no privilege drop)
    gid: int | None = None
    cwd: str = "/"
    home: str = "/"
    env: dict = field(default_factory=dict)
    memory_bytes: int | None = None
    cpu_seconds: int | None = None
    max_file_bytes: int = 256 * 1024 * 1024
    max_processes: int = 64
    namespaces: bool = True
    hide: list = field(default_factory=list)      # paths covered by an empty read-only tmpfs
    keep: list = field(default_factory=list)      # paths bound back (read-only) below a hidden one
    writable_keep: list = field(default_factory=list)  # bound back read-write (the runtime folder)
    private_dirs: list = field(default_factory=list)   # fresh size-limited tmpfs owned by uid (work, home)
    private_mb: int = 256
    scratch_mb: int = 64
    dumpable: bool = True           # False for the verifier kernel: no ptrace, no /proc/<pid>/mem

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "SandboxSpec":
        return cls(**data)


def _under(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _hide_paths(spec: SandboxSpec) -> None:
    """Cover scratch and hidden paths with tmpfs, then bind back the keep paths."""
    hidden = [os.path.realpath(h) for h in spec.hide]
    keeps = [(os.path.realpath(p), False) for p in spec.keep if os.path.exists(p)]
    keeps += [(os.path.realpath(p), True) for p in spec.writable_keep if os.path.exists(p)]
    # a keep path may not uncover a hidden one (e.g. the repository itself on sys.path)
    keeps = [(p, rw) for p, rw in keeps if not any(_under(h, p) for h in hidden)]
    # nested keeps are visible through their outer keep
    keeps = [(p, rw) for p, rw in keeps if not any(q != p and _under(p, q) for q, _ in keeps)]
    covers: list[tuple[str, bool]] = []
    for d in SCRATCH_DIRS:
        if os.path.isdir(d):
            covers.append((os.path.realpath(d), True))
    for h in spec.hide:
        if os.path.exists(h):
            covers.append((os.path.realpath(h), False))
    # outermost first, so that a nested cover is not itself hidden by a later one
    covers.sort(key=lambda c: c[0].count("/"))
    # open every keep path before anything is covered; bind from /proc/self/fd
    fds = {}
    for path, _rw in keeps:
        if any(_under(path, c) for c, _ in covers):
            fds[path] = os.open(path, os.O_PATH | os.O_CLOEXEC)
    bound: set[str] = set()
    processed: list[str] = []
    for cover, writable in covers:
        inside = any(_under(cover, done) for done in processed)
        if inside and not any(_under(cover, k) for k in bound):
            continue  # already hidden by an outer cover and not bound back
        if not os.path.lexists(cover):
            continue
        processed.append(cover)
        if not os.path.isdir(cover):
            _mount("/dev/null", cover, None, MS_BIND)
            continue
        size = f"{spec.scratch_mb}m" if writable else "1m"
        _mount("tmpfs", cover, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={'1777' if writable else '755'}")
        for path, rw in keeps:
            if path in bound or path not in fds or not _under(path, cover):
                continue
            if os.path.isdir(f"/proc/self/fd/{fds[path]}"):
                os.makedirs(path, exist_ok=True)
            else:
                os.makedirs(os.path.dirname(path), exist_ok=True)
                open(path, "a").close()
            _mount(f"/proc/self/fd/{fds[path]}", path, None, MS_BIND | MS_REC)
            if not rw:
                _mount(None, path, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
            bound.add(path)
        for path in spec.private_dirs:
            # a fresh tmpfs of bounded size: the kernel cannot fill the grader's disk (or RAM)
            path = os.path.realpath(path)
            if path in bound or not _under(path, cover):
                continue
            os.makedirs(path, exist_ok=True)
            owner = "" if spec.uid is None else f",uid={spec.uid},gid={spec.gid if spec.gid is not None else spec.uid}"
            _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, f"size={spec.private_mb}m,mode=700{owner}")
            bound.add(path)
        if not writable:
            _mount(None, cover, None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV, "size=1m,mode=755")
    for fd in fds.values():
        os.close(fd)


def enter(spec: SandboxSpec) -> None:
    """Confine the calling process (a freshly forked kernel). Irreversible."""
    os.setsid()
    if spec.namespaces:
        _check(libc().unshare(CLONE_NEWNET | CLONE_NEWNS), "unshare")
        _mount("none", "/", None, MS_REC | MS_PRIVATE)
        _hide_paths(spec)
    limits = [(resource.RLIMIT_CORE, 0), (resource.RLIMIT_FSIZE, spec.max_file_bytes)]
    if spec.memory_bytes:
        limits.append((resource.RLIMIT_AS, spec.memory_bytes))
    if spec.cpu_seconds:
        limits.append((resource.RLIMIT_CPU, spec.cpu_seconds))
    if spec.uid is not None and spec.max_processes:
        limits.append((resource.RLIMIT_NPROC, spec.max_processes))
    for which, value in limits:
        soft, hard = resource.getrlimit(which)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(which, (value, value))
    if spec.uid is not None:
        os.setgroups([])
        os.setgid(spec.gid if spec.gid is not None else spec.uid)
        os.setuid(spec.uid)
        if os.getuid() != spec.uid or os.geteuid() != spec.uid:
            raise SandboxError("setuid did not take effect")
    libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if not spec.dumpable:
        libc().prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    os.environ.clear()
    os.environ.update({k: str(v) for k, v in spec.env.items()})
    os.chdir(spec.cwd)


# --- what the machine allows --------------------------------------------------------------

@dataclass
class Capabilities:
    root: bool
    namespaces: bool
    reason: str = ""


_caps: Capabilities | None = None


def capabilities() -> Capabilities:
    """Can this process drop privileges (root) and create network+mount namespaces?"""
    global _caps
    if _caps is not None:
        return _caps
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    if os.environ.get("SARASEHAN_GRADE_NO_NAMESPACES"):  # to exercise the fallback
        _caps = Capabilities(root, False, "SARASEHAN_GRADE_NO_NAMESPACES is set")
        return _caps
    if not sys.platform.startswith("linux"):
        _caps = Capabilities(root, False, "not Linux")
        return _caps
    probe = ("import ctypes,ctypes.util,sys;l=ctypes.CDLL(ctypes.util.find_library('c'),use_errno=True);"
             f"sys.exit(0 if l.unshare({CLONE_NEWNET | CLONE_NEWNS})==0 and "
             f"l.mount(b'none',b'/',None,{MS_REC | MS_PRIVATE},None)==0 else 1)")
    try:
        ok = subprocess.run([sys.executable, "-I", "-S", "-c", probe], timeout=20,
                            capture_output=True).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        ok = False
    _caps = Capabilities(root, ok, "" if ok else "unshare(CLONE_NEWNET|CLONE_NEWNS) not permitted")
    return _caps


# --- cleaning up after a kernel -------------------------------------------------------------

def processes_of_uid(uid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="ascii", errors="replace") as fh:
                for line in fh:
                    if line.startswith("State:") and line.split()[1] in ("Z", "X"):
                        break  # a zombie holds nothing; its parent reaps it
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            pids.append(int(entry))
                        break
        except OSError:
            continue
    return pids


def kill_uid(uid: int | None) -> int:
    """SIGKILL every process running as ``uid`` (a sandbox id owns nothing else)."""
    if uid is None or uid == 0 or uid == os.getuid():
        return 0
    killed = 0
    for _ in range(5):
        pids = processes_of_uid(uid)
        if not pids:
            break
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
    return killed


def chown_tree(path: Path, uid: int | None, gid: int | None) -> None:
    if uid is None:
        return
    for dirpath, dirnames, filenames in os.walk(path):
        os.chown(dirpath, uid, gid if gid is not None else uid)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), uid, gid if gid is not None else uid)


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
