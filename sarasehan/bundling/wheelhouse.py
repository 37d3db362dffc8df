"""A wheelhouse per system: every wheel the course needs, for every supported Python.

``pip download --only-binary=:all: --platform … --python-version …`` resolves the learner
requirements as pip would on the learner's machine and fetches the wheels (pip's own HTTP
cache makes a second build fast). :func:`verify` then proves the wheelhouse is complete the
way the learner's install will use it: ``pip install --dry-run --no-index`` from the
wheelhouse alone, with every pip configuration file switched off so no other index or
``find-links`` folder can fill a gap.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from ..errors import SarasehanError
from .systems import PYTHON_VERSIONS, System

#: Packages that publish a pure-Python wheel next to their compiled ones; the pure wheel is
#: enough for the course (the compiled parts only speed up work the course does not do:
#: font subsetting, charset guessing, terminal widths) and is stored once for all Pythons
#: instead of once per Python. Measured on the Linux archive: 16 MB less.
PREFER_PURE: tuple[str, ...] = ("fonttools", "charset-normalizer", "wcwidth")

#: The oldest pip whose ``install --dry-run`` accepts ``--platform`` without ``--target``
#: and checks Requires-Python against ``--python-version`` (pip 23.2 did neither).
MIN_PIP = (24, 1)

_WHEEL_RE = re.compile(r"^(?P<name>[^-]+)-(?P<version>[^-]+)(-\d[^-]*)?-(?P<py>[^-]+)-(?P<abi>[^-]+)-(?P<plat>[^-]+)\.whl$")


def parse_wheel_name(filename: str) -> dict | None:
    """Name, version and tags of a wheel file name (PEP 427), or ``None``.

    >>> parse_wheel_name("numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.whl")["abi"]
    'cp311'
    """
    m = _WHEEL_RE.match(filename)
    if not m:
        return None
    d = m.groupdict()
    d["key"] = re.sub(r"[-_.]+", "-", d["name"]).lower()
    return d


def clean_pip_env(isolated: bool) -> dict:
    """The environment for pip: no ``PIP_*`` settings from outside; with ``isolated`` no pip
    configuration file either (``PIP_CONFIG_FILE=os.devnull`` makes pip skip them all)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if "PIP_CACHE_DIR" in os.environ:
        env["PIP_CACHE_DIR"] = os.environ["PIP_CACHE_DIR"]
    if isolated:
        env["PIP_CONFIG_FILE"] = os.devnull
    return env


def pip_version(python: str = sys.executable) -> tuple[int, ...]:
    from importlib.metadata import version

    if python == sys.executable:
        text = version("pip")
    else:
        text = subprocess.run([python, "-c", "import pip; print(pip.__version__)"],
                              capture_output=True, text=True, check=True).stdout.strip()
    return tuple(int(x) for x in re.findall(r"\d+", text)[:2])


def require_recent_pip(python: str = sys.executable) -> None:
    found = pip_version(python)
    if found < MIN_PIP:
        raise SarasehanError("bundle.old_pip", found=".".join(map(str, found)),
                             needed=".".join(map(str, MIN_PIP)), python=python)


def _platform_args(system: System) -> list[str]:
    args: list[str] = []
    for tag in system.platforms:
        args += ["--platform", tag]
    return args


def _run_pip(args: list[str], isolated: bool, what: str) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pip", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=clean_pip_env(isolated))
    if proc.returncode != 0:
        tail = "\n".join(line for line in (proc.stderr or proc.stdout).splitlines()
                         if line.startswith("ERROR") or "No matching" in line)[-1500:]
        raise SarasehanError("bundle.pip_failed", what=what, detail=tail or proc.stderr[-1500:])
    return proc


def download(system: System, python_version: str, requirements: Path, dest: Path) -> None:
    """``pip download`` every wheel ``requirements`` needs on ``system`` with ``python_version``."""
    dest.mkdir(parents=True, exist_ok=True)
    _run_pip(["download", "--quiet", "--only-binary=:all:", *_platform_args(system),
              "--python-version", python_version, "--implementation", "cp",
              "--dest", str(dest), "-r", str(requirements)],
             isolated=False, what=f"pip download ({system.name}, Python {python_version})")


def prefer_pure(wheelhouse: Path, names: tuple[str, ...] = PREFER_PURE) -> list[str]:
    """Replace the compiled wheels of ``names`` with the same release's pure-Python wheel.
    Returns the file names removed. A package with no pure wheel is left as it is."""
    removed: list[str] = []
    by_key: dict[str, list[dict]] = {}
    for path in wheelhouse.glob("*.whl"):
        info = parse_wheel_name(path.name)
        if info:
            by_key.setdefault(info["key"], []).append({**info, "path": path})
    for name in names:
        key = re.sub(r"[-_.]+", "-", name).lower()
        compiled = [w for w in by_key.get(key, []) if w["plat"] != "any"]
        for version in sorted({w["version"] for w in compiled}):
            try:
                _run_pip(["download", "--quiet", "--no-deps", "--only-binary=:all:",
                          "--platform", "any", "--implementation", "py", "--python-version", PYTHON_VERSIONS[0],
                          "--dest", str(wheelhouse), f"{name}=={version}"],
                         isolated=False, what=f"pip download {name}=={version} (pure Python)")
            except SarasehanError:
                continue  # no pure wheel of this release: keep the compiled ones
            for w in compiled:
                if w["version"] == version:
                    w["path"].unlink()
                    removed.append(w["path"].name)
    return removed


def build_wheelhouse(system: System, requirements: Path, dest: Path, extra_wheels: list[Path] = (),
                     install_requirements: Path | None = None,
                     python_versions: tuple[str, ...] = PYTHON_VERSIONS, jobs: int = 2) -> Path:
    """Download the wheels ``requirements`` needs on ``system`` (each Python version in its
    own folder, in parallel, then merged), prefer pure wheels, add ``extra_wheels`` (the
    course's own package, which is not on PyPI) and :func:`verify` that
    ``install_requirements`` (default: ``requirements``) resolves from the result alone for
    every Python version."""
    staging = dest.with_name(dest.name + ".staging")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(download, system, v, requirements, staging / v) for v in python_versions]
            for f in futures:
                f.result()
        for v in python_versions:
            for wheel in sorted((staging / v).glob("*.whl")):
                target = dest / wheel.name
                if not target.exists():
                    shutil.move(str(wheel), target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    prefer_pure(dest)
    for wheel in extra_wheels:
        shutil.copy2(wheel, dest / Path(wheel).name)
    for v in python_versions:
        verify(system, v, dest, install_requirements or requirements)
    return dest


def verify(system: System, python_version: str, wheelhouse: Path, requirements: Path) -> list[str]:
    """Resolve ``requirements`` from ``wheelhouse`` alone, as pip would on ``system`` with
    ``python_version``; returns the ``name-version`` list pip would install. Raises
    :class:`SarasehanError` naming what is missing when the wheelhouse is incomplete."""
    require_recent_pip()
    proc = _run_pip(["install", "--dry-run", "--ignore-installed", "--no-index",
                     "--only-binary=:all:", *_platform_args(system),
                     "--python-version", python_version, "--implementation", "cp",
                     "--find-links", str(wheelhouse), "-r", str(requirements)],
                    isolated=True, what=f"pip install --dry-run ({system.name}, Python {python_version})")
    for line in proc.stdout.splitlines():
        if line.startswith("Would install "):
            return line[len("Would install "):].split()
    return []
