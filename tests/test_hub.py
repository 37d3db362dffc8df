"""A class on one JupyterHub server, for real (deploy/hub, issue #10).

The slow test installs deploy/hub with its own setup.sh into a temporary prefix (a venv from
/usr/bin/python3, JupyterHub 5/6 from PyPI, configurable-http-proxy from npm), makes an
instructor and two learners as real Unix users (add-learners from a roster CSV, with the first
passwords it hands out), starts the hub from the shipped configuration on 127.0.0.1 and then
runs a class:

* logins: PAM, through the hub's login form: the instructor and both learners get in with
  their passwords; a wrong password and an account outside the learner group do not;
* servers: the three users get servers through the hub's REST API; each runs as its own uid,
  everything listens on 127.0.0.1 only; learners' JupyterLab pages lack nbgrader's
  create-assignment, formgrader and course-list plugins, the instructor's has them; the
  instructor's formgrader answers with ``frame-ancestors 'self'`` (learners: 404); the
  course's settings overlay is in effect; each home holds its own copy of the lessons;
* the cycle, each step the way its person really does it, through that person's own server
  via the proxy with their own token: the instructor generates and releases assignment 01
  with the formgrader's API (what its buttons call); both learners fetch it with the
  Assignments tab's endpoint; learner A saves the solution (contents API) and submits,
  learner B submits the blank; the instructor collects (formgrader API); grading is
  ``sarasehan-hub grade`` run as root (``sarasehan grade`` in its full sandbox, files given
  back to the instructor): A gets every autograded point, B zero; the instructor generates
  and releases feedback (formgrader API) and both learners fetch it (Assignments tab's
  endpoint): the HTML lands in their homes and quotes no hidden test;
* isolation, checked as the learner's own Unix user (``runuser``, what a JupyterLab terminal
  is): no learner can list or read another learner's home, the exchange's inbound
  submissions, or the instructor's course folder and gradebook.

Everything it makes (users, group, prefix, processes) is removed in a finaliser that also
runs at exit, whether the test passes or fails. ``SARASEHAN_HUB_TEST_FAIL_AT=spawn|grade``
raises on purpose at that step, to prove the clean-up. The fast tests below check the
roster reader and the configuration without root.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hub_harness import HUB_DIR, ROOT, Deployment, missing_requirements  # noqa: E402

A = "01_roles_and_benefits"
COURSE_ID = "sarasehan"
INSTRUCTOR_PLUGINS = ("@jupyter/nbgrader:create-assignment", "@jupyter/nbgrader:formgrader",
                      "@jupyter/nbgrader:course-list")


def _fail_at(step: str) -> None:
    if os.environ.get("SARASEHAN_HUB_TEST_FAIL_AT") == step:
        raise RuntimeError(f"deliberate failure at {step!r} (SARASEHAN_HUB_TEST_FAIL_AT)")


@pytest.fixture(scope="module")
def hub():
    reason = missing_requirements()
    if reason:
        pytest.skip(f"JupyterHub integration test: {reason}")
    dep = Deployment(learners=2)
    try:
        setup = dep.install()
        assert setup.returncode == 0, f"setup.sh failed ({setup.returncode}):\n{dep.tail('setup', 60)}"
        added = dep.add_learners()
        assert added.returncode == 0, dep.tail("add-learners")
        dep.start()
        yield dep
    finally:
        left = dep.cleanup()
        assert not left, f"clean-up left: {left}"


@pytest.fixture(scope="module")
def servers(hub):
    pids = hub.spawn(hub.users)
    _fail_at("spawn")
    return pids


def page_config(hub, user: str) -> dict:
    status, _, page = hub.api("GET", f"/user/{user}/lab", hub.token(user))
    assert status == 200, (user, status)
    m = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


def as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=60)


def act(hub, user: str, action: str) -> dict:
    """A learner's button in the Assignments tab: fetch, submit or fetch_feedback."""
    status, _, data = hub.api("POST", f"/user/{user}/assignments/{action}", hub.token(user),
                              body={"course_id": COURSE_ID, "assignment_id": A})
    assert status == 200 and data["success"], (user, action, status, data)
    return data


def formgrader(hub, action: str) -> dict:
    """An instructor's button in the formgrader (the endpoint it calls)."""
    status, _, data = hub.api("POST", f"/user/{hub.instructor}/formgrader/api/assignment/{A}/{action}",
                              hub.token(hub.instructor), timeout=300)
    assert status == 200 and data.get("success"), (action, status, str(data)[-3000:])
    return data


# --- the slow integration test -----------------------------------------------------------------

@pytest.mark.slow
def test_pam_lets_in_the_class_and_nobody_else(hub):
    for user in hub.users:
        status, target = hub.login(user, hub.passwords[user])
        assert status == 302 and "/hub/" in target, (user, status, target)
    a = hub.learners[0]
    assert hub.login(a, hub.passwords[a] + "x")[0] == 403
    assert hub.login(hub.outsider, hub.passwords[hub.outsider])[0] == 403  # a valid account, not in the class


@pytest.mark.slow
def test_servers_run_as_their_users_with_the_right_tools(hub, servers):
    import psutil

    assert hub.api("GET", "/hub/api/")[2]["version"].split(".")[0] in ("5", "6")
    check = subprocess.run([str(hub.prefix / "bin" / "sarasehan-hub"), "check"], capture_output=True, text=True,
                           timeout=120)
    assert check.returncode == 0 and "FAIL" not in check.stdout, check.stdout + check.stderr
    for user, pid in servers.items():
        assert psutil.Process(pid).uids().real == hub.home(user).stat().st_uid, user
    listening = [c for c in psutil.net_connections(kind="inet")
                 if c.status == psutil.CONN_LISTEN and c.pid in set(hub.processes())]
    assert listening and all(c.laddr.ip == "127.0.0.1" for c in listening), listening

    for user in hub.users:
        disabled = set(page_config(hub, user).get("disabledExtensions", []))
        if user == hub.instructor:
            assert not disabled & set(INSTRUCTOR_PLUGINS), disabled
        else:
            assert set(INSTRUCTOR_PLUGINS) <= disabled, (user, disabled)
        status, headers, _ = hub.api("GET", f"/user/{user}/formgrader", hub.token(user))
        csp = headers.get("Content-Security-Policy", "")
        if user == hub.instructor:
            assert status in (200, 302) and "frame-ancestors 'self'" in csp, (status, csp)
        else:
            assert status == 404 and "frame-ancestors 'none'" in csp, (user, status, csp)
        # the course's settings overlay (as `sarasehan lab` uses it) and the learner's own lessons
        status, _, notif = hub.api("GET", f"/user/{user}/lab/api/settings/@jupyterlab/apputils-extension:notification",
                                   hub.token(user))
        assert notif["schema"]["properties"]["fetchNews"]["default"] == "false", notif
        status, _, listing = hub.api("GET", f"/user/{user}/api/contents/course/id", hub.token(user))
        assert "00_start_here.ipynb" in {item["name"] for item in listing["content"]}, listing
        assert not hub.home(user).stat().st_mode & 0o007, f"home of {user} is open to others"


@pytest.fixture(scope="module")
def cycle(hub, servers):
    """Release, fetch, submit, collect, grade, feedback; returns what the checks need."""
    a, b = hub.learners
    formgrader(hub, "assign")
    formgrader(hub, "release")
    for learner in (a, b):
        listed = hub.api("GET", f"/user/{learner}/assignments?course_id={COURSE_ID}", hub.token(learner))[2]
        assert [x["status"] for x in listed["value"] if x["assignment_id"] == A] == ["released"], listed
        act(hub, learner, "fetch")
        assert (hub.home(learner) / A / f"{A}.ipynb").stat().st_uid == hub.home(learner).stat().st_uid
    solution = json.loads((ROOT / "solutions" / A / f"{A}.ipynb").read_text(encoding="utf-8"))
    status, _, saved = hub.api("PUT", f"/user/{a}/api/contents/{A}/{A}.ipynb", hub.token(a),
                               body={"type": "notebook", "format": "json", "content": solution})
    assert status == 200, saved
    for learner in (a, b):
        act(hub, learner, "submit")
    formgrader(hub, "collect")
    assert sorted(p.name for p in (hub.course_dir / "submitted").iterdir()) == sorted([a, b])
    _fail_at("grade")
    graded = subprocess.run([str(hub.prefix / "bin" / "sarasehan-hub"), "grade", A, "--quiet"],
                            capture_output=True, text=True, timeout=600)
    assert graded.returncode == 0, graded.stdout[-2000:] + graded.stderr[-3000:]
    with open(hub.course_dir / "results" / A / "grades.csv", newline="", encoding="utf-8") as fh:
        grades = {row["student_id"]: row for row in csv.DictReader(fh)}
    formgrader(hub, "generate_feedback")
    formgrader(hub, "release_feedback")
    for learner in (a, b):
        act(hub, learner, "fetch_feedback")
    return {"grades": grades, "solution": solution}


def autograded_points(nb: dict) -> float:
    return sum(c["metadata"]["nbgrader"].get("points", 0) for c in nb["cells"]
               if c["metadata"].get("nbgrader", {}).get("grade") and c["cell_type"] == "code")


def hidden_lines(nb: dict) -> list[str]:
    lines = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", source, re.S):
            lines += [line.strip() for line in block.splitlines() if len(line.strip()) > 12]
    return lines


@pytest.mark.slow
def test_full_marks_for_the_solution_zero_for_the_blank_and_feedback_reaches_learners(hub, cycle):
    a, b = hub.learners
    grades = cycle["grades"]
    points = autograded_points(cycle["solution"])
    assert points >= 16
    assert float(grades[a]["total"]) == points, grades[a]
    assert float(grades[b]["total"]) == 0, grades[b]
    assert grades[a]["status"] == grades[b]["status"] == "graded"
    instructor_uid = hub.home(hub.instructor).stat().st_uid
    not_theirs = [str(p) for p in hub.course_dir.rglob("*") if p.lstat().st_uid != instructor_uid]
    assert not not_theirs, f"grading as root left files the instructor does not own: {not_theirs[:5]}"
    secret = hidden_lines(cycle["solution"])
    assert secret
    for learner in (a, b):
        pages = list((hub.home(learner) / A / "feedback").glob(f"*/{A}.html"))
        assert len(pages) == 1, (learner, pages)
        assert pages[0].stat().st_uid == hub.home(learner).stat().st_uid
        text = html.unescape(re.sub(r"<[^>]+>", "", pages[0].read_text(encoding="utf-8")))
        text = re.sub(r"\s+", " ", text)
        assert "BEGIN HIDDEN TESTS" not in text
        leaked = [line for line in secret if re.sub(r"\s+", " ", line) in text]
        assert not leaked, (learner, leaked[:3])


@pytest.mark.slow
def test_learners_cannot_read_each_other_or_the_instructors_files(hub, cycle):
    a, b = hub.learners
    inbound = hub.exchange / COURSE_ID / "inbound"
    for me, other in ((a, b), (b, a)):
        for cmd in (["ls", str(hub.home(other))],
                    ["cat", str(hub.home(other) / A / f"{A}.ipynb")],
                    ["ls", str(inbound)],
                    ["ls", str(hub.course_dir)],
                    ["cat", str(hub.course_dir / "gradebook.db")],
                    ["cat", str(hub.course_dir / "submitted" / other / A / f"{A}.ipynb")]):
            proc = as_user(me, *cmd)
            assert proc.returncode != 0 and "Permission denied" in proc.stderr, (me, cmd, proc.stdout[:200])
    assert as_user(a, "ls", str(hub.home(a) / A)).returncode == 0  # their own work, of course
    hub.stop_servers(hub.users)
    assert not [p for p in hub.processes() if hub.home(a).stat().st_uid == _uid_of(p)]


def _uid_of(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            return int(next(line for line in fh if line.startswith("Uid:")).split()[1])
    except (OSError, StopIteration):
        return -1


# --- fast checks: roster, configuration (no root, no network) ----------------------------------

def _hub_tool():
    import importlib.util

    spec = importlib.util.spec_from_file_location("sarasehan_hub", HUB_DIR / "sarasehan_hub.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_roster_to_logins_reports_bad_rows_in_both_languages(tmp_path):
    tool = _hub_tool()
    roster = tmp_path / "peserta.csv"
    roster.write_text("\ufeffNIM;Nama Lengkap\nsiti.r;Siti Rahma\n2023001;Angka Dulu\n;Tanpa Id\n"
                      "budi;Budi\nBUDI;Budi lagi\nx" + "y" * 40 + ";Terlalu panjang\n", encoding="utf-8")
    learners, problems = tool.read_learners(roster)
    assert [x.login for x in learners] == ["budi"]
    text = "\n".join(problems)
    assert "baris 4" in text and "line 4" in text  # empty id, both languages
    assert "2023001" in text and "--login-prefix" in text
    assert "siti.r" in text  # a dot is not a portable login
    learners, _ = tool.read_learners(roster, login_prefix="pmi-")
    assert "pmi-2023001" in [x.login for x in learners]


def test_roster_without_an_id_column_is_refused_clearly(tmp_path):
    tool = _hub_tool()
    with pytest.raises(tool.HubToolError) as err:
        tool.read_learners(ROOT / "datasets" / "workshop_roster_example.csv")
    message = tool.both(err.value.key, **err.value.values)
    assert "student_id" in message and "kolom" in message and "column" in message


def test_tool_errors_are_bilingual_not_tracebacks(tmp_path, monkeypatch, capsys):
    tool = _hub_tool()
    monkeypatch.setenv("SARASEHAN_HUB_SETTINGS", str(tmp_path / "missing.json"))
    assert tool.main(["add-learners", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "Jalankan dulu deploy/hub/setup.sh" in err and "Run deploy/hub/setup.sh first" in err
    assert "Traceback" not in err


def load_config(tmp_path, monkeypatch, **overrides) -> object:
    from traitlets.config import Config

    settings = {"prefix": str(tmp_path), "ip": "127.0.0.1", "port": 8000, "hub_port": 8081,
                "proxy_api_port": 8001, "course_id": COURSE_ID, "instructor": "guru",
                "instructor_course_dir": "/home/guru/sarasehan-course", "learner_group": "sarasehan",
                "exchange": str(tmp_path / "exchange"), "lang": "id", "cull_idle_minutes": 60,
                "ssl_cert": "", "ssl_key": ""}
    settings.update(overrides)
    (tmp_path / "hub_settings.json").write_text(json.dumps(settings))
    monkeypatch.setenv("SARASEHAN_HUB_SETTINGS", str(tmp_path / "hub_settings.json"))
    c = Config()
    namespace = {"get_config": lambda: c, "__file__": str(HUB_DIR / "jupyterhub_config.py")}
    exec(compile((HUB_DIR / "jupyterhub_config.py").read_text(), "jupyterhub_config.py", "exec"), namespace)
    return c


def test_config_pam_by_default_everything_internal_on_loopback(tmp_path, monkeypatch):
    c = load_config(tmp_path, monkeypatch, ip="")
    assert c.JupyterHub.authenticator_class == "pam"
    assert c.LocalAuthenticator.allowed_groups == {"sarasehan"} and c.Authenticator.admin_users == {"guru"}
    assert c.JupyterHub.bind_url == "http://:8000/"
    assert c.JupyterHub.hub_bind_url.startswith("http://127.0.0.1:") and c.Spawner.ip == "127.0.0.1"
    assert c.ConfigurableHTTPProxy.api_url.startswith("http://127.0.0.1:")
    assert c.Spawner.environment["PATH"].startswith(f"{tmp_path}/venv/bin:")
    assert c.Spawner.args == [f"--LabApp.app_settings_dir={tmp_path}/share/course/jupyter/lab/settings"]
    assert {s["name"] for s in c.JupyterHub.services} == {"idle-culler"}


def test_setup_refuses_bad_input_in_both_languages(tmp_path):
    script = str(HUB_DIR / "setup.sh")
    cases = [(["--instructor", "Bad Name"], "Invalid instructor account name"),
             (["--exchange", "/tmp/x"], "Do not put the exchange under /tmp"),
             (["--port", "80a"], "Not a number"),
             (["--frobnicate"], "Unknown option")]
    for args, english in cases:
        if os.geteuid() != 0 and "--frobnicate" not in args:
            english = "Run as root"  # checked right after the options are read
        proc = subprocess.run(["bash", script, "--prefix", str(tmp_path / "p"), *args], capture_output=True,
                              text=True, timeout=60)
        assert proc.returncode == 2 and english in proc.stderr, (args, proc.stderr)
        assert proc.stderr.splitlines()[0].startswith("setup.sh: ")  # Bahasa Indonesia first
    assert not (tmp_path / "p").exists()
