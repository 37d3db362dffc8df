"""``sarasehan bundle``: archives to carry the course on a USB stick.

    sarasehan bundle [--system NAME ...] [--no-instructor] [--no-learner] [--out DIR]

* one learner archive per system (:mod:`.systems`): lessons, exercises, datasets, a
  wheelhouse for Python 3.11–3.13 (:mod:`.wheelhouse`) and an install-and-start script
  that installs offline; never solutions or hidden tests (:func:`.archive.find_leaks`);
* one instructor archive: the whole course repository with ``solutions/``, the grading
  tools and ``docs/instructor-guide.md``.

Wire it into the CLI with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from ..i18n import t


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB ({size / 2**20:.1f} MiB)"


def report_lines(path: Path) -> list[str]:
    from .archive import size_report

    rep = size_report(path)
    lines = [t("bundle.wrote", archive=path.name, size=_mb(rep["total"]))]
    lines += [f"    {name:34s} {_mb(size)}" for name, size in rep["parts"].items()]
    if rep["largest_wheels"]:
        lines.append("    " + t("bundle.largest"))
        lines += [f"      {name} {_mb(size)}" for name, size in zip(rep["largest_wheels"][:8], rep["largest_wheel_sizes"])]
    return lines


def cmd_bundle(args) -> int:
    from ..paths import course_root
    from .build import build_course_wheel, build_instructor, build_learner
    from .systems import SYSTEMS, get_system
    from .wheelhouse import require_recent_pip

    root = course_root()
    out = Path(args.out).resolve()
    systems = [get_system(name) for name in args.system] if args.system else list(SYSTEMS.values())
    lines: list[str] = []
    if not args.no_learner:
        require_recent_pip()
        with tempfile.TemporaryDirectory(prefix="sarasehan-bundle-") as tmp:
            work = Path(tmp)
            wheel = build_course_wheel(root, work / "course-wheel")
            for system in systems:
                print(t("bundle.building", system=system.name), flush=True)
                report = report_lines(build_learner(root, system, out, work, wheel, jobs=args.jobs))
                lines += report
                print("\n".join(report), flush=True)
    if not args.no_instructor:
        report = report_lines(build_instructor(root, out))
        lines += report
        print("\n".join(report), flush=True)
    (out / "bundle-report.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 0


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``bundle`` subcommand to the ``sarasehan`` command line."""
    p = subparsers.add_parser("bundle", help="instructor: offline learner archives per system and the instructor archive")
    p.add_argument("--system", action="append", metavar="NAME",
                   help="only this system (repeat for more): linux-x86_64, windows-amd64, macos-arm64, macos-x86_64")
    p.add_argument("--out", default="dist", help="folder for the archives (default: dist)")
    p.add_argument("--no-learner", action="store_true", help="skip the learner archives")
    p.add_argument("--no-instructor", action="store_true", help="skip the instructor archive")
    p.add_argument("--jobs", type=int, default=2, help="pip resolutions run at once (default: 2)")
    p.set_defaults(func=cmd_bundle)
    return p
