"""Build the learner archives (one per system) and the instructor archive.

Data flow::

    requirements-learner.txt ──pip download──▶ wheelhouse per system (verified offline)
    pyproject.toml + sarasehan/ ──pip wheel──▶ sarasehan-VERSION-py3-none-any.whl ─┘
    course/ exercises/ datasets/ jupyter/ + templates/ ──▶ sarasehan-learner-VERSION-SYSTEM.zip
    git ls-files (+ docs/instructor-guide.md) ──────────▶ sarasehan-instructor-VERSION.zip
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from ..errors import SarasehanError
from . import archive
from .systems import PYTHON_VERSIONS, SYSTEMS, System, instructor_archive_name, learner_archive_name
from .wheelhouse import build_wheelhouse, clean_pip_env

TEMPLATES = Path(__file__).resolve().parent / "templates"
LEARNER_REQUIREMENTS = "requirements-learner.txt"


def project_version(root: Path) -> str:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def requirement_lines(path: Path) -> list[str]:
    """The requirement specifiers of a plain requirements file (comments and blanks dropped)."""
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            if line.startswith("-"):
                raise SarasehanError("bundle.bad_requirements", file=path.name, line=line)
            lines.append(line)
    return lines


def bundle_requirements(root: Path, version: str) -> str:
    """The ``requirements.txt`` inside a learner archive: the learner set plus the course's
    own package at exactly this version."""
    head = f"# Sarasehan {version}: installed offline from wheels/ by install.sh / install.bat\n"
    return head + "\n".join(requirement_lines(root / LEARNER_REQUIREMENTS) + [f"sarasehan=={version}"]) + "\n"


def build_course_wheel(root: Path, dest: Path) -> Path:
    """``pip wheel`` the helper package from a clean copy of its sources (so the build leaves
    no ``build/`` or ``*.egg-info`` in the repository)."""
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sarasehan-wheel-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "README.md"):
            shutil.copy2(root / name, src / name)
        shutil.copytree(root / "sarasehan", src / "sarasehan",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                               "--wheel-dir", str(dest), str(src)],
                              capture_output=True, text=True, env=clean_pip_env(isolated=False))
        if proc.returncode != 0:
            raise SarasehanError("bundle.pip_failed", what="pip wheel sarasehan", detail=proc.stderr[-1500:])
    wheels = sorted(dest.glob("sarasehan-*.whl"))
    if not wheels:
        raise SarasehanError("bundle.pip_failed", what="pip wheel sarasehan", detail="no wheel written")
    return wheels[-1]


def render(template: str, system: System, version: str) -> str:
    text = (TEMPLATES / template).read_text(encoding="utf-8")
    supported = " ".join(PYTHON_VERSIONS)
    if system.windows:
        steps_id = "   Di Windows: klik dua kali install.bat (pertama kali memasang, lalu membuka kursus)."
        steps_en = "   On Windows: double-click install.bat (the first time it installs, then opens the course)."
    else:
        steps_id = ("   Buka Terminal di folder ini dan jalankan:  sh install.sh\n"
                    "   (pertama kali memasang tanpa internet, lalu membuka kursus di peramban)")
        steps_en = ("   Open a Terminal in this folder and run:  sh install.sh\n"
                    "   (the first time it installs without internet, then opens the course in the browser)")
    values = {"@VERSION@": version, "@SYSTEM@": system.name, "@LABEL@": system.label,
              "@SUPPORTED@": supported, "@SUPPORTED_WORDS@": ", ".join(PYTHON_VERSIONS),
              "@SYSTEMS@": ", ".join(SYSTEMS), "@GLIBC@": "2.28",
              "@STEPS_ID@": steps_id, "@STEPS_EN@": steps_en}
    for key, value in values.items():
        text = text.replace(key, value)
    left = re.search(r"@[A-Z_]+@", text)
    if left:  # a template typo
        raise ValueError(f"unfilled placeholder {left.group(0)} in {template}")
    if system.windows or template.endswith(".bat"):
        text = text.replace("\r\n", "\n").replace("\n", "\r\n")  # cmd.exe wants CRLF
    return text


def learner_members(root: Path, system: System, version: str, wheelhouse: Path) -> list[archive.Member]:
    members = [archive.file_member(root, rel) for rel in archive.learner_course_files(root)]
    members.append(archive.Member(system.script, render(system.script, system, version).encode("utf-8"),
                                  executable=not system.windows))
    members.append(archive.Member("README.txt", render("README.txt", system, version).encode("utf-8")))
    members.append(archive.Member("requirements.txt", bundle_requirements(root, version).encode("utf-8")))
    for wheel in sorted(wheelhouse.glob("*.whl")):
        members.append(archive.Member(f"wheels/{wheel.name}", wheel.read_bytes()))
    return members


def build_learner(root: Path, system: System, out: Path, work: Path, course_wheel: Path,
                  python_versions: tuple[str, ...] = PYTHON_VERSIONS, jobs: int = 2) -> Path:
    """Build, check and write ``sarasehan-learner-VERSION-SYSTEM.zip`` into ``out``."""
    version = project_version(root)
    reqs = work / f"requirements-{system.name}.txt"
    reqs.parent.mkdir(parents=True, exist_ok=True)
    reqs.write_text(bundle_requirements(root, version), encoding="utf-8")
    wheelhouse = build_wheelhouse(system, root / LEARNER_REQUIREMENTS, work / f"wheels-{system.name}",
                                  extra_wheels=[course_wheel], install_requirements=reqs,
                                  python_versions=python_versions, jobs=jobs)
    top = learner_archive_name(version, system)
    path = archive.write_zip(out / f"{top}.zip", top, learner_members(root, system, version, wheelhouse))
    leaks = archive.find_leaks(path, root)
    if leaks:
        path.unlink()
        raise SarasehanError("bundle.leak", archive=path.name, problems="\n  ".join(leaks[:10]))
    return path


def build_instructor(root: Path, out: Path) -> Path:
    version = project_version(root)
    top = instructor_archive_name(version)
    files = archive.instructor_files(root)
    if not any(f.startswith("solutions/") for f in files):
        raise SarasehanError("bundle.no_solutions", root=str(root))
    members = [archive.file_member(root, rel, executable=(root / rel).stat().st_mode & 0o111 != 0) for rel in files]
    return archive.write_zip(out / f"{top}.zip", top, members)
