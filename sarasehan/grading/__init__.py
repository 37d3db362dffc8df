"""``sarasehan grade``: sandboxed, parallel, resumable autograding with nbgrader.

    sarasehan grade ASSIGNMENT --out DIR [--workers N] [--timeout SECONDS]
                    [--wall SECONDS] [--memory MB] [--course DIR] [--force]

Modules:

* :mod:`.runner`     the parent process: discovery, resume, workers, commits
* :mod:`.worker`     a grading worker: temporary course, nbgrader Autograde + GenerateFeedback
* :mod:`.execute`    ``SandboxExecute``, nbgrader's Execute preprocessor made robust
* :mod:`.verifier`   honest tests: test cells run in a clean second kernel
* :mod:`.kernels`    prestarted kernels from a warm template, pidfd-based kernel manager
* :mod:`.zygote`     the warm template process that forks the kernels
* :mod:`.sandbox`    namespaces, hidden paths, resource limits, privilege drop
* :mod:`.repair`     fixing submitted notebooks before nbgrader sees them
* :mod:`.gradebook`  template gradebook and the (only) writes to the course gradebook
* :mod:`.report`     grades.csv and summary.png
* :mod:`.progress`   the progress bar

Wire it into the CLI with ``register(subparsers)``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from ..i18n import t


def cmd_grade(args) -> int:
    from ..paths import course_root
    from .runner import GradeOptions, run

    opts = GradeOptions(
        assignment=args.assignment,
        course=Path(args.course) if args.course else course_root(),
        out=Path(args.out),
        workers=args.workers or 0,
        timeout=args.timeout,
        wall=args.wall,
        memory_mb=args.memory,
        force=args.force,
        honest=not args.tests_in_student_kernel,
        quiet=args.quiet,
    )
    return run(opts)


def _positive(kind):
    def parse(text):
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(t("grade.arg_positive", value=text))
        return value
    return parse


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``grade`` subcommand to the ``sarasehan`` command line."""
    p = subparsers.add_parser(
        "grade", help="autograde the submissions of an assignment (sandboxed, parallel, resumable)",
        description=("Grade <course>/submitted/<student>/<ASSIGNMENT>/ with nbgrader: each submission in its own "
                     "temporary course, student code in a sandboxed kernel (no network, memory/CPU/time limits, "
                     "unprivileged user). Writes the course gradebook, <course>/autograded/, and in --out: "
                     "grades.csv, feedback/<student>/*.html, summary.png. Run again to resume."))
    p.add_argument("assignment", metavar="ASSIGNMENT")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for grades.csv, feedback/ and summary.png")
    p.add_argument("--course", metavar="DIR", help="nbgrader course folder (default: the course repository)")
    p.add_argument("--workers", type=_positive(int), metavar="N", help="parallel graders (default: CPU count)")
    p.add_argument("--timeout", type=_positive(int), metavar="SECONDS",
                   help="per-cell time limit; the cell is interrupted (default: Execute.timeout of the course)")
    p.add_argument("--wall", type=_positive(float), metavar="SECONDS",
                   help="whole-submission time limit (default: 5 x --timeout, at least 120)")
    p.add_argument("--memory", type=_positive(int), default=2048, metavar="MB",
                   help="address-space limit of a student kernel (default: 2048)")
    p.add_argument("--force", action="store_true", help="grade again even unchanged submissions")
    p.add_argument("--tests-in-student-kernel", action="store_true",
                   help="run test cells in the student's kernel like stock nbgrader (no verifier kernel)")
    p.add_argument("--quiet", action="store_true", help="no progress bar or messages")
    p.set_defaults(func=cmd_grade)
    return p
