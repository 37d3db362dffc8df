"""The package: doctests, no import-time side effects, the CLI."""

import doctest
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import sarasehan
from sarasehan import cli

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["sarasehan.i18n", "sarasehan.storage", "sarasehan.answers", "sarasehan.data", "sarasehan.checks",
           "sarasehan.placement", "sarasehan.function_quiz", "sarasehan.discussion", "sarasehan.manifest",
           "sarasehan.bundling.systems", "sarasehan.bundling.wheelhouse"]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0


def test_import_has_no_side_effects(tmp_path):
    code = ("import os, sys; before = set(os.listdir('.')); import sarasehan; "
            "assert set(os.listdir('.')) == before; "
            "assert 'ipywidgets' not in sys.modules and 'matplotlib' not in sys.modules, sorted(sys.modules)")
    env = {"SARASEHAN_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "home").exists()


def test_public_names_resolve():
    for name in sarasehan.__all__:
        assert getattr(sarasehan, name) is not None


def test_python_m_and_console_script():
    proc = subprocess.run([sys.executable, "-m", "sarasehan", "datasets"], capture_output=True, text=True)
    assert proc.returncode == 0 and "branch_posts" in proc.stdout and "[synthetic]" in proc.stdout
    script = Path(sys.executable).parent / "sarasehan"
    proc = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "release" in proc.stdout


def test_lab_command_handles_root_display_and_language():
    cmd = cli._lab_command(8899, "en", ROOT, is_root=True, has_display=False)
    assert "--allow-root" in cmd and "--no-browser" in cmd and "--port=8899" in cmd and "--ip=127.0.0.1" in cmd
    assert any(a.endswith("course/en/00_start_here.ipynb") for a in cmd)
    cmd = cli._lab_command(8888, "id", ROOT, is_root=False, has_display=True)
    assert "--allow-root" not in cmd and "--no-browser" not in cmd


def test_lab_command_applies_the_course_settings_overlay(tmp_path):
    cmd = cli._lab_command(8888, "id", ROOT, is_root=False, has_display=True)
    overlay = ROOT / "jupyter" / "lab" / "settings"
    assert f"--LabApp.app_settings_dir={overlay}" in cmd and (overlay / "overrides.json").is_file()
    cmd = cli._lab_command(8888, "id", tmp_path, is_root=False, has_display=True)  # a tree without the overlay
    assert not any(a.startswith("--LabApp.app_settings_dir") for a in cmd)


def test_lab_token_goes_through_the_environment_not_the_command_line(monkeypatch, capsys):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    seen = {}
    monkeypatch.setattr(cli.os, "execvpe", lambda file, args, env: seen.update(args=args, env=env))
    assert cli.main(["lab", "--port", "8932", "--token", "s3cret"]) == 0
    assert seen["env"]["JUPYTER_TOKEN"] == "s3cret" and not any("s3cret" in a for a in seen["args"])


def test_lab_dry_run_respects_port_and_lang(monkeypatch, capsys):
    monkeypatch.setenv("PORT", "8931")
    monkeypatch.setenv("COURSE_LANG", "en")
    assert cli.main(["lab", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "--port=8931" in out and "course/en/00_start_here.ipynb" in out


def test_lab_refuses_unknown_language(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_LANG", "fr")
    assert cli.main(["lab", "--dry-run"]) == 2
    assert "fr" in capsys.readouterr().err


def test_cli_reports_foreseeable_errors_without_traceback(tmp_path, monkeypatch):
    root = tmp_path / "copy"
    (root / "course").mkdir(parents=True)
    (root / "course" / "course.yml").write_text((ROOT / "course" / "course.yml").read_text())
    (root / "solutions" / "01_roles_and_benefits").mkdir(parents=True)
    (root / "solutions" / "01_roles_and_benefits" / "01_roles_and_benefits.ipynb").write_text("{broken")
    env = {"SARASEHAN_ROOT": str(root), "PATH": "/usr/bin:/bin", "COURSE_LANG": "en"}
    proc = subprocess.run([sys.executable, "-m", "sarasehan", "release"], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "01_roles_and_benefits.ipynb" in proc.stderr and "line 1" in proc.stderr
