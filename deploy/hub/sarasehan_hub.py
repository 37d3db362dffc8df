"""Tools for the Sarasehan hub, installed as ``<prefix>/bin/sarasehan-hub``.

    sarasehan-hub add-learners ROSTER.csv [--login-prefix P] [--passwords-out FILE | --no-passwords] [--dry-run]
    sarasehan-hub grade ASSIGNMENT [any `sarasehan grade` option]
    sarasehan-hub check
    sarasehan-hub seed-home        (run by the hub, as each learner, before their server starts)

``add-learners`` reads the same roster as ``sarasehan collect --roster``
(``student_id, name``; commas, semicolons or tabs; bad rows are reported by
line and skipped) and makes one Unix account per learner: login =
prefix + student id, home folder closed to other accounts, member of the
learner group the hub lets in, and (unless ``--no-passwords``) a random
first password written to a root-only CSV. Existing accounts are kept.

``grade`` runs ``sarasehan grade`` as root on the instructor's course folder,
so that student code runs in the full sandbox (namespaces and an unprivileged
id need root), then gives every file in the course folder back to the
instructor.

Messages are printed in Bahasa Indonesia, then in English. The settings come
from ``<prefix>/etc/hub_settings.json`` (written by setup.sh) or the file
named by ``SARASEHAN_HUB_SETTINGS``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pwd
import re
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

LOGIN_RE = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
FIRST_NORMAL_UID = 1000
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read aloud
LESSON_LANGS = ("id", "en")


# --- messages ---------------------------------------------------------------------------------

def both(key: str, **values) -> str:
    """A message from the course catalog in Bahasa Indonesia, then English."""
    from sarasehan.i18n import t

    return f"{t(key, lang='id', **values)}\n  {t(key, lang='en', **values)}"


def say(key: str, **values) -> None:
    print(both(key, **values), flush=True)


class HubToolError(Exception):
    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(key)


def settings() -> dict:
    path = Path(os.environ.get("SARASEHAN_HUB_SETTINGS") or Path(__file__).resolve().parent.parent / "etc"
                / "hub_settings.json")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise HubToolError("hub.no_settings", path=str(path), error=str(err)) from None


def require_root(command: str) -> None:
    if os.geteuid() != 0:
        raise HubToolError("hub.not_root", command=command)


# --- roster -> accounts -----------------------------------------------------------------------

@dataclass
class Learner:
    login: str
    name: str
    exists: bool = False


def read_learners(roster: str | Path, login_prefix: str = "") -> tuple[list[Learner], list[str]]:
    """Learners from the roster (the reader of ``sarasehan collect --roster``); and the problems,
    each already in both languages. Raises HubToolError when the file is unusable."""
    from sarasehan import i18n
    from sarasehan.collect import CollectError, read_roster

    problems: list[str] = []
    entries = None
    texts = {}
    for lang in ("id", "en"):  # the reader speaks one language at a time
        i18n.set_language(lang)
        try:
            entries, texts[lang] = read_roster(roster)
        except CollectError as err:
            raise HubToolError(err.key, **err.values) from None
        finally:
            i18n.set_language(None)
    problems += [f"{a}\n  {b}" for a, b in zip(texts["id"], texts["en"])]
    learners: list[Learner] = []
    seen: set[str] = set()
    for entry in entries:
        login = f"{login_prefix}{entry.student_id}"
        if not LOGIN_RE.match(login):
            problems.append(both("hub.bad_login", student=entry.student_id, login=login))
            continue
        if login in seen:
            problems.append(both("hub.duplicate_login", login=login))
            continue
        seen.add(login)
        learners.append(Learner(login, re.sub(r"[:\n\r\t\x00-\x1f]", " ", entry.name).strip()))
    return learners, problems


def classify(learners: list[Learner], instructor: str) -> tuple[list[Learner], list[str]]:
    """Mark learners whose account exists; refuse system accounts and the instructor."""
    ok, problems = [], []
    for learner in learners:
        try:
            entry = pwd.getpwnam(learner.login)
        except KeyError:
            ok.append(learner)
            continue
        if learner.login == instructor:
            problems.append(both("hub.login_is_instructor", login=learner.login))
        elif entry.pw_uid < FIRST_NORMAL_UID:
            problems.append(both("hub.login_is_system", login=learner.login, uid=entry.pw_uid))
        else:
            learner.exists = True
            ok.append(learner)
    return ok, problems


def new_password(length: int = 10) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def _run(cmd: list[str], stdin: str | None = None) -> None:
    proc = subprocess.run(cmd, input=stdin, capture_output=True, text=True)
    if proc.returncode != 0:
        raise HubToolError("hub.command_failed", command=" ".join(cmd[:2]), error=(proc.stderr or proc.stdout).strip())


def close_home(login: str) -> None:
    entry = pwd.getpwnam(login)
    st = os.lstat(entry.pw_dir)
    if os.path.isdir(entry.pw_dir) and not os.path.islink(entry.pw_dir) and st.st_mode & 0o007:
        os.chmod(entry.pw_dir, st.st_mode & ~0o007)


def cmd_add_learners(args) -> int:
    s = settings()
    group = s["learner_group"]
    learners, problems = read_learners(args.roster, args.login_prefix)
    learners, more = classify(learners, s["instructor"])
    problems += more
    for text in problems:
        print(text)
    if problems:
        say("hub.rows_skipped", count=len(problems))
    if not learners:
        raise HubToolError("hub.no_learners", path=str(args.roster))
    new = [x for x in learners if not x.exists]
    if args.dry_run:
        for x in learners:
            print(f"{x.login:34s} {x.name}  ({'ada / exists' if x.exists else 'baru / new'})")
        say("hub.dry_run", new=len(new), existing=len(learners) - len(new))
        return 0
    require_root("add-learners")
    passwords: list[tuple[str, str, str]] = []
    for x in learners:
        if x.exists:
            _run(["usermod", "--append", "--groups", group, x.login])
        else:
            _run(["useradd", "--create-home", "--shell", "/bin/bash", "--groups", group,
                  "--comment", x.name or x.login, x.login])
            if not args.no_passwords:
                passwords.append((x.login, x.name, new_password()))
        close_home(x.login)
    if passwords:
        _run(["chpasswd"], stdin="".join(f"{login}:{pw}\n" for login, _, pw in passwords))
        out = Path(args.passwords_out or f"initial-passwords-{time.strftime('%Y%m%d-%H%M%S')}.csv").resolve()
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["login", "name", "first_password"])
            writer.writerows(passwords)
        say("hub.passwords_written", path=str(out), count=len(passwords))
    say("hub.learners_added", new=len(new), existing=len(learners) - len(new), group=group)
    return 0


# --- grading as root, files back to the instructor --------------------------------------------

def give_back(folder: Path, uid: int, gid: int) -> int:
    """lchown everything below ``folder`` not owned by ``uid`` (symlinks are not followed)."""
    changed = 0
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in [*dirnames, *filenames, ""]:
            path = os.path.join(dirpath, name) if name else dirpath
            st = os.lstat(path)
            if st.st_uid != uid or st.st_gid != gid:
                os.lchown(path, uid, gid)
                changed += 1
    return changed


def cmd_grade(args, extra: list[str]) -> int:
    require_root("grade")
    s = settings()
    prefix = Path(s["prefix"])
    course = Path(s["instructor_course_dir"])
    owner = pwd.getpwnam(s["instructor"])
    if not course.is_dir():
        raise HubToolError("hub.no_course_dir", path=str(course), instructor=s["instructor"])
    out = [] if "--out" in extra else ["--out", str(course / "results" / args.assignment)]
    env = dict(os.environ)
    env["SARASEHAN_ROOT"] = str(prefix / "share" / "course")
    env["PATH"] = f"{prefix / 'venv' / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}"
    cmd = [str(prefix / "venv" / "bin" / "sarasehan"), "grade", args.assignment, "--course", str(course), *out, *extra]
    try:
        code = subprocess.run(cmd, env=env).returncode
    finally:
        give_back(course, owner.pw_uid, owner.pw_gid)
    return code


# --- the learner's own copy of the lessons ----------------------------------------------------

def cmd_seed_home(args) -> int:
    """Copy lessons the learner does not have yet into ~/course/<lang>/ (never overwrites)."""
    shared = Path(os.environ["SARASEHAN_ROOT"]) / "course"
    home = Path.home()
    copied = 0
    for lang in LESSON_LANGS:
        target = home / "course" / lang
        target.mkdir(parents=True, exist_ok=True)
        for src in sorted((shared / lang).glob("*.ipynb")):
            dest = target / src.name
            if not os.path.lexists(dest):
                shutil.copyfile(src, dest)
                copied += 1
    print(f"seed-home: {copied} lesson(s) copied")
    return 0


# --- check: is the deployment as the README says? ---------------------------------------------

def _mode(path: Path) -> str:
    try:
        return oct(os.stat(path).st_mode & 0o7777)
    except OSError:
        return "missing"


def cmd_check(args) -> int:
    require_root("check")
    s = settings()
    prefix = Path(s["prefix"])
    checks = []
    probe = subprocess.run(["runuser", "-u", "nobody", "--", str(prefix / "venv" / "bin" / "python"), "-c",
                            "import jupyterhub, nbgrader, sarasehan"], capture_output=True)
    checks.append(("hub.check.venv", probe.returncode == 0, {"path": str(prefix / "venv")}))
    checks.append(("hub.check.exchange", _mode(Path(s["exchange"])) == "0o1777", {"path": s["exchange"],
                                                                                   "mode": _mode(Path(s["exchange"]))}))
    course = Path(s["instructor_course_dir"])
    checks.append(("hub.check.course", course.is_dir() and not os.stat(course).st_mode & 0o007,
                   {"path": str(course), "mode": _mode(course)}))
    import grp

    try:
        members = set(grp.getgrnam(s["learner_group"]).gr_mem)
    except KeyError:
        members = set()
    open_homes = [m for m in sorted(members) if os.stat(pwd.getpwnam(m).pw_dir).st_mode & 0o007]
    checks.append(("hub.check.homes", not open_homes, {"count": len(members), "open": ", ".join(open_homes) or "-"}))
    failed = 0
    for key, ok, values in checks:
        print(("OK   " if ok else "FAIL ") + both(key, **values))
        failed += not ok
    return 1 if failed else 0


# --- command line -----------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sarasehan-hub", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add-learners", help="roster CSV -> one Unix account per learner")
    a.add_argument("roster")
    a.add_argument("--login-prefix", default="", help="put before every student id (needed when ids start with a digit)")
    a.add_argument("--passwords-out", metavar="FILE", help="root-only CSV for the first passwords (default: new file here)")
    a.add_argument("--no-passwords", action="store_true", help="no password (another authenticator, or set later)")
    a.add_argument("--dry-run", action="store_true", help="only show what would be done")
    g = sub.add_parser("grade", help="sarasehan grade as root on the instructor's course; files back to the instructor")
    g.add_argument("assignment")
    sub.add_parser("check", help="check permissions, exchange and the shared Python")
    sub.add_parser("seed-home", help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "grade":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    try:
        if args.command == "add-learners":
            return cmd_add_learners(args)
        if args.command == "grade":
            return cmd_grade(args, extra)
        if args.command == "check":
            return cmd_check(args)
        return cmd_seed_home(args)
    except HubToolError as err:
        print(f"sarasehan-hub: {both(err.key, **err.values)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
