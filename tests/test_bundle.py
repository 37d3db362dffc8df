"""Offline learner archives and the instructor archive (``make bundle`` / ``sarasehan bundle``).

Fast tests cover the pieces (systems, templates, reproducible zips, the leak check, the
install script's refusals). The ``slow`` tests do what the issue asks, for real:

* build the Linux learner archive (wheels from PyPI through pip's cache), install it into a
  fresh virtual environment with the network unavailable (``unshare -n``; pip sees only the
  archive's wheels: ``--no-index`` and no pip configuration file), run the start notebook,
  every other lesson and tool, and exercise 01 headless with it, and open the course
  through the archive's own script;
* check the archive holds no solution or hidden-test text and report its size;
* for Windows and both macOS archives, prove the wheelhouse is complete: ``pip install
  --dry-run --no-index --only-binary=:all: --platform … --python-version …`` from the
  wheelhouse alone succeeds for each system and Python 3.11, 3.12 and 3.13.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import can_unshare_network, offline_command
from sarasehan.bundling import archive, build, systems, wheelhouse
from sarasehan.errors import SarasehanError

ROOT = Path(__file__).resolve().parent.parent
NBRUN = Path(__file__).resolve().parent / "nbrun.py"
LINUX = systems.SYSTEMS["linux-x86_64"]
SIZE_GOAL = 200_000_000  # bytes, per learner archive (issue #9)


# --- fast: the pieces --------------------------------------------------------------------------
def test_every_system_has_tags_and_a_script():
    assert set(systems.SYSTEMS) == {"linux-x86_64", "windows-amd64", "macos-arm64", "macos-x86_64"}
    linux = systems.SYSTEMS["linux-x86_64"].platforms
    # pip does not widen manylinux_2_N tags, so every glibc from 2.28 down must be listed
    assert linux[0] == "manylinux_2_28_x86_64" and "manylinux_2_17_x86_64" in linux and "manylinux2014_x86_64" in linux
    assert systems.SYSTEMS["windows-amd64"].script == "install.bat"
    assert all(s.script == "install.sh" for n, s in systems.SYSTEMS.items() if n != "windows-amd64")


def test_unknown_system_names_the_known_ones():
    with pytest.raises(SarasehanError) as err:
        systems.get_system("android")
    assert "linux-x86_64" in str(err.value) and "android" in str(err.value)


def test_learner_requirements_are_lean_and_pin_the_course_package():
    text = build.bundle_requirements(ROOT, "9.9.9")
    assert "sarasehan==9.9.9" in text
    for instructor_only in ("nbgrader", "notebook", "SQLAlchemy", "pytest", "playwright"):
        assert instructor_only.lower() not in text.lower()
    # and the full requirements still give instructors everything
    full = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert "-r requirements-learner.txt" in full and "nbgrader==" in full


@pytest.mark.parametrize("name", sorted(systems.SYSTEMS))
def test_scripts_render_without_placeholders(name):
    system = systems.SYSTEMS[name]
    for template in (system.script, "README.txt"):
        text = build.render(template, system, "1.2.3")
        assert not re.search(r"@[A-Z_]+@", text), template
        assert "1.2.3" in text and system.name in text
    script = build.render(system.script, system, "1.2.3")
    if system.windows:
        assert "\r\n" in script and "\n" not in script.replace("\r\n", "")
        assert "--no-index" in script and "PIP_CONFIG_FILE=nul" in script
    else:
        assert "\r" not in script and "--no-index" in script


def test_install_sh_is_valid_posix_sh(tmp_path):
    script = tmp_path / "install.sh"
    script.write_text(build.render("install.sh", LINUX, "1.2.3"), encoding="utf-8")
    proc = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def _fake_bin(tmp_path: Path, uname_s: str, uname_m: str, python_version: str | None) -> Path:
    """A PATH with the real tools the script needs, a fake ``uname`` and optionally a fake
    ``python3`` reporting ``python_version``."""
    bindir = tmp_path / "bin"
    bindir.mkdir()
    for tool in ("dirname", "cat", "awk", "getconf", "sort", "head", "rm", "printf"):
        real = shutil.which(tool)
        if real:
            (bindir / tool).symlink_to(real)
    (bindir / "uname").write_text(f'#!/bin/sh\n[ "$1" = -m ] && echo {uname_m} || echo {uname_s}\n')
    (bindir / "uname").chmod(0o755)
    if python_version:
        (bindir / "python3").write_text(f"#!/bin/sh\necho {python_version}\n")
        (bindir / "python3").chmod(0o755)
    return bindir


def _run_script(tmp_path, bindir, **env):
    script = tmp_path / "install.sh"
    script.write_text(build.render("install.sh", LINUX, "1.2.3"), encoding="utf-8")
    return subprocess.run(["/bin/sh", str(script), "--install-only"], capture_output=True, text=True,
                          env={"PATH": str(bindir), "HOME": str(tmp_path), **env}, timeout=60)


def test_install_sh_refuses_another_system_and_names_the_right_archives(tmp_path):
    proc = _run_script(tmp_path, _fake_bin(tmp_path, "Darwin", "arm64", "3.12"))
    assert proc.returncode == 2
    out = proc.stdout
    assert "This archive is for linux-x86_64, but this computer is macos-arm64" in out
    assert "Arsip ini untuk linux-x86_64" in out  # Indonesian first
    assert "windows-amd64" in out and "macos-x86_64" in out
    assert not (tmp_path / ".venv").exists()


def test_install_sh_refuses_an_unsupported_python_and_names_the_supported_ones(tmp_path):
    if not shutil.which("getconf"):
        pytest.skip("no getconf on this machine")
    proc = _run_script(tmp_path, _fake_bin(tmp_path, "Linux", "x86_64", "3.10"))
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "No supported Python found. Found: python3=3.10. Supported: Python 3.11 3.12 3.13." in proc.stdout
    assert "Tidak ada Python yang didukung" in proc.stdout
    assert not (tmp_path / ".venv").exists()


def test_install_sh_refuses_python_3_14_too(tmp_path):
    if not shutil.which("getconf"):
        pytest.skip("no getconf on this machine")
    proc = _run_script(tmp_path, _fake_bin(tmp_path, "Linux", "x86_64", None),
                       SARASEHAN_PYTHON=str(_fake_python(tmp_path, "3.14")))
    assert proc.returncode == 3
    assert "=3.14" in proc.stdout and "Supported: Python 3.11 3.12 3.13" in proc.stdout


def _fake_python(tmp_path, version):
    p = tmp_path / f"python{version}"
    p.write_text(f"#!/bin/sh\necho {version}\n")
    p.chmod(0o755)
    return p


def test_zip_is_reproducible_and_keeps_the_script_executable(tmp_path):
    members = [archive.Member("b.txt", b"b"), archive.Member("install.sh", b"#!/bin/sh\n", executable=True),
               archive.Member("wheels/x-1-py3-none-any.whl", b"PK")]
    a = archive.write_zip(tmp_path / "a.zip", "top", members)
    b = archive.write_zip(tmp_path / "b.zip", "top", list(reversed(members)))
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as zf:
        info = zf.getinfo("top/install.sh")
        assert stat.S_IMODE(info.external_attr >> 16) == 0o755
        assert zf.getinfo("top/wheels/x-1-py3-none-any.whl").compress_type == zipfile.ZIP_STORED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.zip", "b.zip"]  # no temporary file left
    assert stat.S_IMODE(a.stat().st_mode) & 0o044  # others can read it (copied to a USB stick, served)


def test_learner_file_list_holds_no_instructor_material():
    files = archive.learner_course_files(ROOT)
    assert "course/id/00_start_here.ipynb" in files and "course/en/00_start_here.ipynb" in files
    assert any(f.startswith("exercises/01_") for f in files)
    assert "datasets/registry.yml" in files and "jupyter/lab/settings/overrides.json" in files
    assert "datasets/sources/example_posts.yml" in files  # the post reviewer reads it (Module 04)
    for f in files:
        assert not f.startswith(("solutions/", "authoring/")), f
        assert not f.endswith(("gradebook.db", "nbgrader_config.py")), f


def test_secret_lines_come_from_solutions_and_hidden_tests_only():
    secrets = archive.secret_lines(ROOT)
    assert len(secrets) > 50
    public = (ROOT / "exercises").rglob("*.ipynb")
    for nb in public:
        text = nb.read_text(encoding="utf-8")
        assert not any(json.dumps(s)[1:-1] in text for s in list(secrets)[:200] if len(s) > 40)


def test_leak_check_catches_solutions_and_hidden_tests(tmp_path):
    clean = [archive.file_member(ROOT, rel) for rel in archive.learner_course_files(ROOT)]
    good = archive.write_zip(tmp_path / "good.zip", "top", clean)
    assert archive.find_leaks(good, ROOT) == []

    solution = next((ROOT / "solutions").glob("*/*.ipynb")).relative_to(ROOT).as_posix()
    bad = archive.write_zip(tmp_path / "bad.zip", "top", clean + [archive.file_member(ROOT, solution)])
    problems = archive.find_leaks(bad, ROOT)
    assert any("forbidden member" in p for p in problems)
    assert any("BEGIN HIDDEN TESTS" in p for p in problems)

    # one hidden-test line smuggled into a harmless-looking file is found too
    line = sorted(archive.secret_lines(ROOT))[0]
    sneaky = archive.write_zip(tmp_path / "sneaky.zip", "top", clean + [archive.Member("notes.txt", f"x\n  {line}\n".encode())])
    assert any("notes.txt" in p for p in archive.find_leaks(sneaky, ROOT))


def test_instructor_archive_has_solutions_tools_and_guide(tmp_path):
    path = build.build_instructor(ROOT, tmp_path)
    assert path.name == f"sarasehan-instructor-{build.project_version(ROOT)}.zip"
    with zipfile.ZipFile(path) as zf:
        names = {n.split("/", 1)[1] for n in zf.namelist()}
    assert any(n.startswith("solutions/01_") for n in names)
    assert "sarasehan/grading/runner.py" in names and "Makefile" in names and "README.md" in names
    assert "docs/instructor-guide.md" in names
    assert not any(n.startswith((".venv/", "dist/", ".git/")) or "__pycache__" in n for n in names)


def test_course_root_found_from_the_working_directory(tmp_path, monkeypatch):
    """Installed from a wheel (as in a learner archive), the package is not beside the course;
    the course folder is then found from where JupyterLab runs the notebook."""
    from sarasehan import paths

    course = tmp_path / "bundle"
    (course / "course" / "id").mkdir(parents=True)
    (course / "course" / "course.yml").write_text("modules: []\n")
    monkeypatch.delenv("SARASEHAN_ROOT", raising=False)
    monkeypatch.setattr(paths, "__file__", str(tmp_path / "venv" / "site-packages" / "sarasehan" / "paths.py"))
    monkeypatch.chdir(course / "course" / "id")
    assert paths.course_root() == course.resolve()


# --- slow: the real archives -------------------------------------------------------------------
@pytest.fixture(scope="session")
def bundle_work(tmp_path_factory):
    wheelhouse.require_recent_pip()
    work = tmp_path_factory.mktemp("bundle")
    wheel = build.build_course_wheel(ROOT, work / "course-wheel")
    return work, wheel


@pytest.fixture(scope="session")
def linux_archive(bundle_work):
    work, wheel = bundle_work
    return build.build_learner(ROOT, LINUX, work / "dist", work, wheel)


def _extract(archive_path: Path, dest: Path) -> Path:
    with zipfile.ZipFile(archive_path) as zf:
        zf.extractall(dest)
    return dest / archive_path.stem


def _bundle_env(home: Path) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PIP_", "SARASEHAN_", "VIRTUAL_ENV", "PYTHON", "JUPYTER"))}
    env.update(HOME=str(home), SARASEHAN_LEARNER="tester", SARASEHAN_HOME=str(home / ".sarasehan"),
               SARASEHAN_PYTHON=sys.executable)
    return env


@pytest.mark.slow
def test_linux_archive_installs_offline_and_runs_the_course(linux_archive, tmp_path):
    if not can_unshare_network():
        pytest.skip("cannot run without network here (unshare -n refused); the offline install needs it")
    folder = _extract(linux_archive, tmp_path)
    env = _bundle_env(tmp_path / "home")
    assert not (folder / ".venv").exists()

    # 1. install with the network unavailable, from the archive's wheels only
    proc = subprocess.run(offline_command(["sh", str(folder / "install.sh"), "--install-only"]),
                          capture_output=True, text=True, env=env, timeout=900, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    venv_python = folder / ".venv" / "bin" / "python"
    check = subprocess.run([str(venv_python), "-c",
                            "import sarasehan, pandas, jupyterlab, ipywidgets, matplotlib; print(sarasehan.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert str(folder / ".venv") in check.stdout  # the installed copy, not this checkout

    # 2. the start notebook and exercise 01, headless and offline, with the archive's packages
    def run(nb: Path, *extra: str) -> dict:
        cmd = offline_command([str(venv_python), str(NBRUN), str(nb), *extra])
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600, cwd=tmp_path)
        assert p.returncode == 0, p.stderr[-3000:]
        return json.loads(p.stdout)

    start = run(folder / "course" / "id" / "00_start_here.ipynb")
    assert start["errors"] == [] and start["widgets"] >= 1, start
    # every other lesson and tool too: the learner set (no nbgrader) is enough for all of them
    for lesson in sorted((folder / "course" / "id").glob("*.ipynb")):
        if lesson.name != "00_start_here.ipynb":
            assert run(lesson)["errors"] == [], lesson.name
    exercise = next((folder / "exercises").glob("01_*/*.ipynb"))
    result = run(exercise, "--drop-grade-tests")
    assert {e["ename"] for e in result["errors"]} == {"NotImplementedError"}, result["errors"]

    # 3. the instructor's solution to the same exercise passes all its tests with these packages
    solution = next((ROOT / "solutions").glob("01_*/*.ipynb"))
    answered = folder / "exercises" / exercise.parent.name / "answered.ipynb"
    shutil.copy(solution, answered)
    assert run(answered)["errors"] == []
    answered.unlink()

    # 4. run again: nothing is reinstalled, and the course opens from the archive folder
    proc = subprocess.run(offline_command(["sh", str(folder / "install.sh"), "--dry-run"]),
                          capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Installing" not in proc.stdout
    assert f"--ServerApp.root_dir={folder}" in proc.stdout
    assert f"--LabApp.app_settings_dir={folder / 'jupyter' / 'lab' / 'settings'}" in proc.stdout


@pytest.mark.slow
def test_linux_archive_holds_no_solutions_and_meets_the_size_goal(linux_archive, capsys):
    assert archive.find_leaks(linux_archive, ROOT) == []
    with zipfile.ZipFile(linux_archive) as zf:
        names = [n.split("/", 1)[1] for n in zf.namelist()]
    assert "install.sh" in names and "requirements.txt" in names and "README.txt" in names
    assert not any(n.startswith(("solutions/", "authoring/")) for n in names)
    wheels = [n for n in names if n.startswith("wheels/")]
    assert any(n.startswith("wheels/sarasehan-") for n in wheels)
    for py in ("cp311", "cp312", "cp313"):
        assert any(f"pandas-" in n and f"-{py}-" in n for n in wheels), py
    assert not any("nbgrader" in n for n in wheels)
    from sarasehan.bundling import report_lines

    with capsys.disabled():
        print("\n" + "\n".join(report_lines(linux_archive)))
    assert linux_archive.stat().st_size <= SIZE_GOAL, \
        "over the 200 MB goal: see bundle-report.txt for what takes the space (PREFER_PURE, requirements-learner.txt)"


@pytest.mark.slow
@pytest.mark.parametrize("name", ["windows-amd64", "macos-arm64", "macos-x86_64"])
def test_other_systems_wheelhouse_resolves_offline_for_every_python(name, bundle_work):
    work, wheel = bundle_work
    system = systems.SYSTEMS[name]
    reqs = work / f"requirements-{name}.txt"
    reqs.write_text(build.bundle_requirements(ROOT, build.project_version(ROOT)), encoding="utf-8")
    house = wheelhouse.build_wheelhouse(system, ROOT / build.LEARNER_REQUIREMENTS, work / f"wheels-{name}",
                                        extra_wheels=[wheel], install_requirements=reqs)
    for python_version in systems.PYTHON_VERSIONS:
        would = wheelhouse.verify(system, python_version, house, reqs)
        names = {w.rsplit("-", 1)[0].lower() for w in would}
        assert {"sarasehan", "pandas", "jupyterlab", "ipywidgets", "matplotlib", "numpy"} <= names, (python_version, would)
    if system.windows:
        assert any("win_amd64" in p.name for p in house.glob("*.whl"))
    assert not any("manylinux" in p.name for p in house.glob("*.whl"))


@pytest.mark.slow
def test_incomplete_wheelhouse_is_caught(linux_archive, tmp_path):
    """The completeness check is not vacuous: remove pandas and the dry run fails, naming it."""
    house = tmp_path / "wheels"
    house.mkdir()
    with zipfile.ZipFile(linux_archive) as zf:
        for n in zf.namelist():
            base = n.rsplit("/", 1)[-1]
            if "/wheels/" in n and base.endswith(".whl") and not base.startswith("pandas-"):
                (house / base).write_bytes(zf.read(n))
    reqs = tmp_path / "requirements.txt"
    reqs.write_text(build.bundle_requirements(ROOT, build.project_version(ROOT)), encoding="utf-8")
    with pytest.raises(SarasehanError) as err:
        wheelhouse.verify(LINUX, "3.12", house, reqs)
    assert "pandas" in str(err.value)


def test_macos_script_accepts_its_mac_and_points_to_python_org(tmp_path):
    """The macOS archive's script passes the system check on a Mac of its kind (no glibc check
    there) and, without a supported Python, points to python.org."""
    mac = systems.SYSTEMS["macos-arm64"]
    script = tmp_path / "install.sh"
    script.write_text(build.render("install.sh", mac, "1.2.3"), encoding="utf-8")
    bindir = _fake_bin(tmp_path, "Darwin", "arm64", "3.9")  # Apple's own python3 is 3.9
    proc = subprocess.run(["/bin/sh", str(script), "--install-only"], capture_output=True, text=True,
                          env={"PATH": str(bindir), "HOME": str(tmp_path)}, timeout=60)
    assert proc.returncode == 3, proc.stdout
    assert "python3=3.9" in proc.stdout and "python.org/downloads/macos" in proc.stdout
    (tmp_path / "intel").mkdir()
    intel = subprocess.run(["/bin/sh", str(script)], capture_output=True, text=True, timeout=60,
                           env={"PATH": str(_fake_bin(tmp_path / "intel", "Darwin", "x86_64", "3.12")), "HOME": str(tmp_path)})
    assert intel.returncode == 2 and "macos-x86_64" in intel.stdout
