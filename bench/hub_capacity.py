"""Benchmark: memory and CPU per concurrent learner on the deploy/hub JupyterHub.

Installs deploy/hub (setup.sh) into a temporary prefix with throwaway Unix users, starts the
hub from the shipped configuration on 127.0.0.1, and for N = 1, 5, 10 (``--rounds``) fresh
learners at once:

1. starts their servers through the hub's REST API (all N at the same time);
2. in each server opens a kernel in ``course/id`` and runs every code cell of a course lesson
   (default ``course/id/01_roles_and_benefits.ipynb``: pandas, four matplotlib plots, widgets),
   the N learners concurrently, as a class would at the start of a session;
3. measures, per learner, the PSS and RSS of everything running as that user (single-user
   server + kernel, at rest after the lesson) and the CPU seconds those processes used
   (start-up + lesson); and the hub's fixed cost (hub, proxy, idle culler).

Baseline, measured in the same run: the same lesson in the same Python environment, run by
one more learner in a JupyterLab server started by hand without the hub (what ``sarasehan
lab`` does on a laptop). Ratios are per-learner cost / baseline. Fresh users each round, so
every learner pays the first-session costs (matplotlib's font cache, .pyc-free imports are
shared). Not a test: it prints a table and removes everything it made. Needs root.

    sudo .venv/bin/python bench/hub_capacity.py [--rounds 1 5 10] [--notebook course/id/01_....ipynb]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from hub_harness import Deployment, free_port, missing_requirements  # noqa: E402


# --- running a notebook's code in a remote kernel (Jupyter's websocket protocol) -----------------

async def _execute_cells(ws_url: str, token: str, cells: list[str], timeout: float) -> None:
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    conn = await websocket_connect(HTTPRequest(ws_url, headers={"Authorization": f"token {token}"}))
    session = uuid.uuid4().hex
    try:
        for code in cells:
            msg_id = uuid.uuid4().hex
            conn.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "bench",
                           "session": session, "date": "", "version": "5.3"},
                "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
                "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                            "allow_stdin": False, "stop_on_error": True}}))
            deadline = time.monotonic() + timeout
            while True:
                raw = await asyncio.wait_for(conn.read_message(), max(1.0, deadline - time.monotonic()))
                if raw is None:
                    raise RuntimeError("kernel websocket closed")
                msg = json.loads(raw)
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    raise RuntimeError(f"cell failed: {msg['content'].get('ename')}: {msg['content'].get('evalue')}")
                if msg["msg_type"] == "execute_reply":
                    if msg["content"]["status"] != "ok":
                        raise RuntimeError(f"cell failed: {msg['content']}")
                    break
    finally:
        conn.close()


def run_lesson(base_http: str, token: str, cells: list[str], path: str = "course/id", timeout: float = 600) -> float:
    """Start a kernel through a Jupyter server, run the cells, leave the kernel running; wall seconds."""
    import urllib.request

    start = time.perf_counter()
    req = urllib.request.Request(f"{base_http}/api/kernels", data=json.dumps({"name": "python3", "path": path}).encode(),
                                 method="POST", headers={"Authorization": f"token {token}",
                                                         "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=120) as resp:
        kernel = json.loads(resp.read())
    ws_url = base_http.replace("http://", "ws://") + f"/api/kernels/{kernel['id']}/channels"
    asyncio.run(_execute_cells(ws_url, token, cells, timeout))
    return time.perf_counter() - start


def code_cells(notebook: Path) -> list[str]:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            for c in nb["cells"] if c["cell_type"] == "code"]


# --- measuring ---------------------------------------------------------------------------------

def usage_of(procs: list[psutil.Process]) -> dict:
    pss = rss = cpu = 0.0
    for p in procs:
        try:
            mem = p.memory_full_info()
            times = p.cpu_times()
        except psutil.Error:
            continue
        pss += mem.pss
        rss += mem.rss
        cpu += times.user + times.system + times.children_user + times.children_system
    return {"pss_mb": pss / 2**20, "rss_mb": rss / 2**20, "cpu_s": cpu, "procs": len(procs)}


def procs_of_user(user: str) -> list[psutil.Process]:
    return [p for p in psutil.process_iter(["username"]) if p.info["username"] == user]


def procs_by_pid(pids) -> list[psutil.Process]:
    out = []
    for pid in pids:
        try:
            out.append(psutil.Process(pid))
        except psutil.Error:
            pass
    return out


def _uid(proc: psutil.Process) -> int:
    try:
        return proc.uids().real
    except psutil.Error:
        return -1


def baseline(dep: Deployment, user: str, cells: list[str]) -> dict:
    """The lesson in a JupyterLab server started by hand as ``user`` (no hub)."""
    prefix = dep.prefix
    home = dep.home(user)
    env = {"HOME": str(home), "USER": user, "LOGNAME": user, "PATH": f"{prefix / 'venv' / 'bin'}:/usr/bin:/bin",
           "SARASEHAN_ROOT": str(prefix / "share" / "course"), "SARASEHAN_WORK": str(home), "LANG": "C.UTF-8"}
    subprocess.run(["runuser", "-u", user, "--", "env", *[f"{k}={v}" for k, v in env.items()],
                    str(prefix / "venv" / "bin" / "python"), str(prefix / "lib" / "sarasehan_hub.py"), "seed-home"],
                   check=True, capture_output=True, cwd=home)
    port, token = free_port(), uuid.uuid4().hex
    env["JUPYTER_TOKEN"] = token
    cmd = ["runuser", "-u", user, "--", "env", *[f"{k}={v}" for k, v in env.items()],
           str(prefix / "venv" / "bin" / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.root_dir={home}",
           f"--LabApp.app_settings_dir={prefix / 'share' / 'course' / 'jupyter' / 'lab' / 'settings'}"]
    log = open(dep.logs / "baseline.log", "ab")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, cwd=home, start_new_session=True)
    base_http = f"http://127.0.0.1:{port}"
    import urllib.request

    start = time.perf_counter()
    while True:
        try:
            urllib.request.urlopen(urllib.request.Request(f"{base_http}/api/status",
                                                          headers={"Authorization": f"token {token}"}), timeout=5)
            break
        except OSError:
            if proc.poll() is not None or time.perf_counter() - start > 120:
                raise RuntimeError("the baseline server did not start:\n" + dep.tail("baseline"))
            time.sleep(0.3)
    ready = time.perf_counter() - start
    wall = run_lesson(base_http, token, cells)
    time.sleep(2)  # let the kernel settle
    result = usage_of(procs_of_user(user)) | {"wall_s": wall, "ready_s": ready}
    os.killpg(proc.pid, 15)
    proc.wait(30)
    return result


def hub_round(dep: Deployment, users: list[str], cells: list[str]) -> dict:
    t0 = time.perf_counter()
    dep.spawn(users, timeout=600)
    ready = time.perf_counter() - t0
    walls: dict[str, float] = {}
    errors: list[str] = []

    def one(user: str) -> None:
        try:
            walls[user] = run_lesson(f"{dep.url}/user/{user}", dep.token(user), cells)
        except Exception as exc:  # reported below, the round goes on
            errors.append(f"{user}: {type(exc).__name__}: {exc}")

    for user in users:  # tokens first: the hub's token API is not what is measured
        dep.token(user)
    t1 = time.perf_counter()
    threads = [threading.Thread(target=one, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lesson_wall = time.perf_counter() - t1
    if errors:
        raise RuntimeError("; ".join(errors))
    time.sleep(2)
    per = [usage_of(procs_of_user(u)) for u in users]
    fixed = usage_of([p for p in procs_by_pid(dep.processes()) if _uid(p) == 0])
    dep.stop_servers(users, timeout=120)
    return {"n": len(users), "spawn_all_s": ready, "lesson_all_s": lesson_wall,
            "lesson_median_s": statistics.median(walls.values()),
            "pss_mb": statistics.mean(p["pss_mb"] for p in per), "rss_mb": statistics.mean(p["rss_mb"] for p in per),
            "cpu_s": statistics.mean(p["cpu_s"] for p in per), "procs": statistics.mean(p["procs"] for p in per),
            "fixed": fixed}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, nargs="+", default=[1, 5, 10])
    ap.add_argument("--notebook", default="course/id/01_roles_and_benefits.ipynb")
    args = ap.parse_args()
    reason = missing_requirements()
    if reason:
        print(f"hub_capacity: cannot run: {reason}", file=sys.stderr)
        return 2
    cells = code_cells(ROOT / args.notebook)
    dep = Deployment(learners=1 + sum(args.rounds), log=lambda *a: None)
    try:
        t = time.perf_counter()
        setup = dep.install()
        if setup.returncode:
            raise RuntimeError("setup.sh failed:\n" + dep.tail("setup"))
        if dep.add_learners().returncode:
            raise RuntimeError("add-learners failed:\n" + dep.tail("add-learners"))
        install_s = time.perf_counter() - t
        dep.start()
        base = baseline(dep, dep.learners[0], cells)
        print(f"machine: {platform.node()} {os.cpu_count()} cores, {psutil.virtual_memory().total / 2**30:.0f} GiB, "
              f"{platform.platform()}; {time.strftime('%Y-%m-%d %H:%M %Z')}")
        print(f"install (setup.sh + add-learners): {install_s:.0f} s; lesson: {args.notebook} ({len(cells)} code cells)")
        print(f"load average before the rounds: {os.getloadavg()[0]:.2f} (other work on the machine skews the times)")
        print(f"baseline, JupyterLab started by hand (no hub), 1 learner: up in {base['ready_s']:.1f} s, "
              f"PSS {base['pss_mb']:.0f} MB, RSS {base['rss_mb']:.0f} MB, CPU {base['cpu_s']:.1f} s, "
              f"lesson {base['wall_s']:.1f} s")
        print(f"{'N':>3} {'spawn all':>9} {'lessons':>8} {'median':>7} {'PSS/learner':>12} {'x base':>6} "
              f"{'RSS/learner':>12} {'CPU s/learner':>13} {'x base':>6} {'hub+proxy PSS':>13}")
        rest = list(dep.learners[1:])
        for n in args.rounds:
            users, rest = rest[:n], rest[n:]
            r = hub_round(dep, users, cells)
            print(f"{n:>3} {r['spawn_all_s']:>8.1f}s {r['lesson_all_s']:>7.1f}s {r['lesson_median_s']:>6.1f}s "
                  f"{r['pss_mb']:>9.0f} MB {r['pss_mb'] / base['pss_mb']:>6.2f} {r['rss_mb']:>9.0f} MB "
                  f"{r['cpu_s']:>13.1f} {r['cpu_s'] / base['cpu_s']:>6.2f} {r['fixed']['pss_mb']:>10.0f} MB"
                  f"   (load {os.getloadavg()[0]:.2f})", flush=True)
    finally:
        left = dep.cleanup()
        if left:
            print(f"clean-up left: {left}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
