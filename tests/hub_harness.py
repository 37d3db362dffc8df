"""A throwaway installation of deploy/hub: Unix users, a hub on 127.0.0.1, and a clean-up
that removes all of it even when the caller fails.

Used by tests/test_hub.py and bench/hub_capacity.py; needs root. The deployment is the
shipped one (deploy/hub/setup.sh into a temporary prefix, PAM logins with the passwords that
add-learners hands out) plus an admin API token for a ``sarasehan-admin`` service, passed
through the environment, and an "outsider" account that is not in the learner group.

Every name is unique to the run (``sxi<hex>`` for the instructor, ``sxs<nn><hex>`` for
learners, ``sxo<hex>`` for the outsider, group ``sxg<hex>``), so the clean-up deletes only what
this run made: every process running as those users or from the prefix, the users and their
homes (``userdel -r``), the group and the prefix. It runs from the caller's
``finally``/finaliser and again at exit.
"""

from __future__ import annotations

import atexit
import csv
import http.cookiejar
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
HUB_DIR = ROOT / "deploy" / "hub"
TOOLS = ("useradd", "userdel", "groupadd", "groupdel", "runuser", "npm")
PREFIX_PARENTS = ("/srv", "/opt", "/var/lib")  # not /tmp: setup.sh keeps the exchange out of it


def missing_requirements() -> str | None:
    """Why this machine cannot run a real hub deployment (None when it can)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return "needs root (creates Unix users and runs JupyterHub's LocalProcessSpawner)"
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        return f"missing commands: {', '.join(missing)}"
    if subprocess.run(["/usr/bin/python3", "-c", "import venv, ensurepip"], capture_output=True).returncode:
        return "/usr/bin/python3 with the venv module is needed (apt-get install python3-venv)"
    try:
        probe = subprocess.run(["npm", "view", "configurable-http-proxy@^5", "version"], capture_output=True,
                               text=True, timeout=90)
    except subprocess.TimeoutExpired:
        return "the npm registry did not answer in 90 s"
    if probe.returncode != 0:
        return f"the npm registry is unreachable: {(probe.stderr or probe.stdout).strip()[-200:]}"
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


class Deployment:
    def __init__(self, learners: int = 2, log=print):
        self.log = log
        for _ in range(20):  # names nobody on this machine has
            suffix = secrets.token_hex(3)
            self.instructor = f"sxi{suffix}"
            self.learners = [f"sxs{i:02d}{suffix}" for i in range(learners)]
            self.outsider = f"sxo{suffix}"
            self.group = f"sxg{suffix}"
            if not any(_user_exists(n) for n in self.accounts) and subprocess.run(
                    ["getent", "group", self.group], capture_output=True).returncode:
                break
        parent = next(p for p in PREFIX_PARENTS if os.path.isdir(p) and os.access(p, os.W_OK))
        self.prefix = Path(tempfile.mkdtemp(prefix="sarasehan-hub-test-", dir=parent))
        os.chmod(self.prefix, 0o755)  # learners' accounts must reach the venv below it
        self.logs = Path(tempfile.mkdtemp(prefix="sarasehan-hub-logs-"))
        self.port, self.hub_port, self.proxy_api_port = free_port(), free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(32)
        self.passwords: dict[str, str] = {}
        self.proc: subprocess.Popen | None = None
        self._tokens: dict[str, str] = {}
        self._cleaned = False
        atexit.register(self.cleanup)

    @property
    def users(self) -> list[str]:
        """The hub's users: the instructor and the learners."""
        return [self.instructor, *self.learners]

    @property
    def accounts(self) -> list[str]:
        """Every Unix account this run may make."""
        return [*self.users, self.outsider]

    @property
    def course_dir(self) -> Path:
        return Path(pwd.getpwnam(self.instructor).pw_dir) / "sarasehan-course"

    @property
    def exchange(self) -> Path:
        return self.prefix / "exchange"

    def home(self, user: str) -> Path:
        return Path(pwd.getpwnam(user).pw_dir)

    # --- install and run ----------------------------------------------------------------------

    def _run(self, cmd: list[str], name: str, timeout: float, **kw) -> subprocess.CompletedProcess:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
        (self.logs / f"{name}.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
        return proc

    def install(self, timeout: float = 1200) -> subprocess.CompletedProcess:
        cmd = ["bash", str(HUB_DIR / "setup.sh"), "--prefix", str(self.prefix), "--instructor", self.instructor,
               "--learner-group", self.group, "--ip", "127.0.0.1", "--port", str(self.port),
               "--hub-port", str(self.hub_port), "--proxy-api-port", str(self.proxy_api_port), "--no-systemd",
               "--repo", str(ROOT)]
        return self._run(cmd, "setup", timeout, cwd=self.logs)

    def add_learners(self) -> subprocess.CompletedProcess:
        """add-learners from a roster CSV; keeps the first passwords it hands out. Also gives the
        instructor a password and makes the outsider (an account outside the learner group)."""
        roster = self.logs / "roster.csv"
        rows = ["student_id;nama"] + [f"{u};Peserta {u}" for u in self.learners]
        roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
        out = self.logs / "passwords.csv"
        proc = self._run([str(self.prefix / "bin" / "sarasehan-hub"), "add-learners", str(roster),
                          "--passwords-out", str(out)], "add-learners", 120, cwd=self.logs)
        if proc.returncode == 0:
            with open(out, newline="", encoding="utf-8") as fh:
                self.passwords.update({row["login"]: row["first_password"] for row in csv.DictReader(fh)})
            subprocess.run(["useradd", "--create-home", self.outsider], check=True, capture_output=True)
            for user in (self.instructor, self.outsider):
                self.passwords[user] = secrets.token_urlsafe(12)
                subprocess.run(["chpasswd"], input=f"{user}:{self.passwords[user]}\n", text=True, check=True,
                               capture_output=True)
        return proc

    def start(self, timeout: float = 90) -> None:
        env = dict(os.environ, SARASEHAN_HUB_ADMIN_TOKEN=self.admin_token)
        log = open(self.logs / "hub.log", "ab")
        self.proc = subprocess.Popen([str(self.prefix / "bin" / "start-hub")], stdout=log, stderr=subprocess.STDOUT,
                                     env=env, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the hub exited ({self.proc.returncode}):\n{self.tail('hub')}")
            try:
                if self.api("GET", "/hub/api/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the hub did not answer in {timeout} s:\n{self.tail('hub')}")

    def tail(self, name: str, lines: int = 40) -> str:
        path = self.logs / f"{name}.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else "(no log)"

    # --- HTTP ---------------------------------------------------------------------------------

    def api(self, method: str, path: str, token: str | None = None, body=None,
            timeout: float = 180) -> tuple[int, object, object]:
        """(status, headers (case-insensitive), parsed JSON or text) of a request through the proxy."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Authorization": f"token {token or self.admin_token}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                status, headers, raw = resp.status, resp.headers, resp.read()
        except urllib.error.HTTPError as err:
            status, headers, raw = err.code, err.headers, err.read()
        text = raw.decode("utf-8", errors="replace")
        try:
            return status, headers, json.loads(text)
        except ValueError:
            return status, headers, text

    def login(self, user: str, password: str) -> tuple[int, str]:
        """The hub's login form, as a browser fills it in: (status, redirect target)."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        with opener.open(self.url + "/hub/login", timeout=60) as resp:
            page = resp.read().decode()
        xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page).group(1)
        form = urlencode({"_xsrf": xsrf, "username": user, "password": password}).encode()
        try:
            with opener.open(urllib.request.Request(self.url + "/hub/login", data=form), timeout=60) as resp:
                return resp.status, resp.headers.get("Location", "")
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Location", "")

    def token(self, user: str) -> str:
        if user not in self._tokens:
            status, _, data = self.api("POST", f"/hub/api/users/{user}/tokens", body={"note": "sarasehan test"})
            assert status in (200, 201), (status, data)
            self._tokens[user] = data["token"]
        return self._tokens[user]

    def spawn(self, users: list[str], timeout: float = 180) -> dict[str, int]:
        """Create the users in the hub, start their servers, wait until ready; {user: server pid}."""
        for user in users:
            status, _, data = self.api("POST", f"/hub/api/users/{user}")
            assert status in (201, 409), (status, data)
        # all at once, as a class logs in: the hub answers a start request only when the server
        # is up (or after its slow_spawn_timeout), so one request after the other would queue them
        answers: dict[str, tuple] = {}
        threads = [threading.Thread(target=lambda u=user: answers.__setitem__(
            u, self.api("POST", f"/hub/api/users/{u}/server"))) for user in users]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for user in users:
            status, _, data = answers.get(user, (None, None, "no answer"))
            assert status in (201, 202), (user, status, data, self.tail("hub"))
        pids: dict[str, int] = {}
        deadline = time.monotonic() + timeout
        while len(pids) < len(users) and time.monotonic() < deadline:
            for user in users:
                if user in pids:
                    continue
                server = (self.api("GET", f"/hub/api/users/{user}")[2].get("servers") or {}).get("")
                if server and server.get("ready"):
                    pids[user] = int(server.get("state", {}).get("pid") or 0)
            time.sleep(0.3)
        missing = [u for u in users if u not in pids]
        assert not missing, f"servers not ready after {timeout} s: {missing}\n{self.tail('hub')}"
        return pids

    def stop_servers(self, users: list[str], timeout: float = 60) -> None:
        for user in users:
            self.api("DELETE", f"/hub/api/users/{user}/server")
        deadline = time.monotonic() + timeout
        for user in users:
            while time.monotonic() < deadline:
                if not (self.api("GET", f"/hub/api/users/{user}")[2].get("servers") or {}):
                    break
                time.sleep(0.3)

    # --- clean-up -----------------------------------------------------------------------------

    def _uids(self) -> set[int]:
        uids = set()
        for user in self.accounts:
            try:
                uids.add(pwd.getpwnam(user).pw_uid)
            except KeyError:
                pass
        return uids

    def processes(self) -> list[int]:
        """Every process of this deployment: run by its users, or from its prefix."""
        uids, marker, found = self._uids(), str(self.prefix).encode(), []
        for entry in os.listdir("/proc"):
            if not entry.isdigit() or int(entry) == os.getpid():
                continue
            try:
                with open(f"/proc/{entry}/status", "rb") as fh:
                    status = fh.read().decode("ascii", errors="replace")
                uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
                state = next(line for line in status.splitlines() if line.startswith("State:")).split()[1]
                with open(f"/proc/{entry}/cmdline", "rb") as fh:
                    cmdline = fh.read()
            except (OSError, StopIteration, ValueError):
                continue
            if state not in ("Z", "X") and (uid in uids or marker in cmdline):
                found.append(int(entry))
        return found

    def cleanup(self) -> list[str]:
        """Stop and remove everything; return what could not be removed (empty when clean)."""
        if self._cleaned:
            return []
        self._cleaned = True
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)  # the hub stops servers and the proxy ...
                self.proc.wait(8)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        deadline = time.monotonic() + 20  # ... and what is left is killed
        while (pids := self.processes()) and time.monotonic() < deadline:
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.2)
        if self.proc is not None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                pass
        left = [f"process {pid}" for pid in self.processes()]
        for user in self.accounts:
            if _user_exists(user):
                subprocess.run(["userdel", "--remove", user], capture_output=True)
                if _user_exists(user):
                    left.append(f"user {user}")
        if subprocess.run(["getent", "group", self.group], capture_output=True).returncode == 0:
            subprocess.run(["groupdel", self.group], capture_output=True)
        shutil.rmtree(self.prefix, ignore_errors=True)
        if self.prefix.exists():
            left.append(f"folder {self.prefix}")
        shutil.rmtree(self.logs, ignore_errors=True)
        return left
