from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def learner_home(tmp_path, monkeypatch):
    """Every test gets its own learner folder and the default language choice."""
    home = tmp_path / "sarasehan-home"
    monkeypatch.setenv("SARASEHAN_HOME", str(home))
    monkeypatch.setenv("SARASEHAN_LEARNER", "tester")
    monkeypatch.delenv("COURSE_LANG", raising=False)
    from sarasehan import i18n

    i18n.set_language(None)
    yield home
    i18n.set_language(None)


@lru_cache(maxsize=1)
def can_unshare_network() -> bool:
    """True when this machine lets us run a command with no network at all."""
    if not shutil.which("unshare") or not shutil.which("ip"):
        return False
    try:
        proc = subprocess.run(["unshare", "-n", "sh", "-c", "ip link set lo up"], capture_output=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return proc.returncode == 0


def offline_command(args: list[str]) -> list[str]:
    """Wrap a command so it runs with the network unavailable."""
    if can_unshare_network():
        return ["unshare", "-n", "sh", "-c", f"ip link set lo up && exec {shlex.join(args)}"]
    return args


def python() -> str:
    return sys.executable


def env_for_notebooks(home: Path) -> dict:
    env = dict(os.environ)
    env["SARASEHAN_HOME"] = str(home)
    env["SARASEHAN_LEARNER"] = "tester"
    env.pop("COURSE_LANG", None)
    return env
