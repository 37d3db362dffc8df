"""The ``sarasehan`` command (also ``python -m sarasehan``).

    sarasehan lab [--port N] [--lang id|en] [--token T]   open the course in JupyterLab
    sarasehan build [--check]                             YAML sources -> course/ and solutions/ notebooks
    sarasehan release [ASSIGNMENT ...]                    solutions/ -> exercises/ (nbgrader)
    sarasehan datasets [--update-checksums]               list the datasets (or refresh their checksums)
    sarasehan pack ASSIGNMENT [--student-id ID]           learner: a submission pack to send by chat/USB
    sarasehan collect ASSIGNMENT SOURCE [--roster CSV]    instructor: zip, folder, packs or exchange -> submitted/
    sarasehan grade ASSIGNMENT --out DIR [--workers N]    instructor: sandboxed parallel autograde, grades.csv, feedback
    sarasehan certificate --grades CSV --pass-mark P      instructor: printable bilingual certificates
    sarasehan bundle [--system NAME] [--out dist]         instructor: offline learner archives + instructor archive
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from . import i18n
from .errors import SarasehanError
from .paths import course_root


#: The course's JupyterLab settings overlay, relative to the course root: an ``overrides.json``
#: that changes JupyterLab's *defaults* (no news pop-up or update check; no delete/merge of
#: cells by shortcut, cell toolbar or menu). See "Settings overlay" in README.md.
LAB_SETTINGS = Path("jupyter") / "lab" / "settings"


def _lab_command(port: int, lang: str, root: Path, is_root: bool, has_display: bool) -> list[str]:
    """The JupyterLab command line for ``sarasehan lab`` (pure, so it can be tested)."""
    cmd = [sys.executable, "-m", "jupyterlab", "--ip=127.0.0.1", f"--port={port}",
           "--ServerApp.port_retries=0", f"--ServerApp.root_dir={root}",
           f"--LabApp.default_url=/lab/tree/course/{lang}/00_start_here.ipynb"]
    # JupyterLab reads overrides.json from its *application settings directory* (by default
    # <sys.prefix>/share/jupyter/lab/settings). Pointing that directory at the course's
    # overlay applies it without writing into the venv or into the learner's own settings
    # (~/.jupyter/lab/user-settings), which still take precedence over these defaults.
    overlay = Path(root) / LAB_SETTINGS
    if (overlay / "overrides.json").is_file():
        cmd.append(f"--LabApp.app_settings_dir={overlay}")
    if is_root:
        cmd.append("--allow-root")
    if not has_display:
        cmd.append("--no-browser")
    return cmd


def _has_display() -> bool:
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def cmd_lab(args) -> int:
    lang = args.lang or os.environ.get("COURSE_LANG") or "id"
    if lang not in i18n.LANGUAGES:
        print(i18n.t("cli.bad_lang", language=lang), file=sys.stderr)
        return 2
    port = int(args.port or os.environ.get("PORT") or 8888)
    root = course_root()
    is_root = hasattr(os, "geteuid") and os.geteuid() == 0
    cmd = _lab_command(port, lang, root, is_root, _has_display())
    print(i18n.t("cli.lab_url", url=f"http://127.0.0.1:{port}/lab/tree/course/{lang}/00_start_here.ipynb"))
    env = dict(os.environ)
    env.pop("COURSE_LANG", None)  # each notebook speaks the language of its folder
    # The environment's scripts folder first on PATH, so `sarasehan pack ...` works in a
    # JupyterLab terminal even when the environment was never activated (learner archives).
    scripts = str(Path(sys.executable).parent)
    if scripts not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = os.pathsep.join(filter(None, [scripts, env.get("PATH")]))
    if args.token is not None:
        # Passed through the environment (jupyter_server reads JUPYTER_TOKEN), so it does not
        # show in the process list. Used by the browser tests; learners get a random token.
        env["JUPYTER_TOKEN"] = args.token
    if args.dry_run:
        print(" ".join(cmd))
        return 0
    os.execvpe(cmd[0], cmd, env) if os.name != "nt" else os.spawnve(os.P_WAIT, cmd[0], cmd, env)
    return 0


def cmd_build(args) -> int:
    from .authoring import build

    changed = build(check=args.check)
    root = course_root()
    for path in changed:
        print(("out of date: " if args.check else "wrote ") + str(path.relative_to(root)))
    if args.check and changed:
        print(i18n.t("cli.build_stale"), file=sys.stderr)
        return 1
    if not changed:
        print(i18n.t("cli.build_clean"))
    return 0


def cmd_release(args) -> int:
    from .release import release

    release(args.assignments or None)
    return 0


def cmd_datasets(args) -> int:
    from . import data

    if args.update_checksums:
        import yaml

        path = data.datasets_dir() / data.REGISTRY_FILE
        text = path.read_text(encoding="utf-8")
        reg = yaml.safe_load(text)
        for name, entry in reg["datasets"].items():
            new = data.sha256_of(data.datasets_dir() / entry["file"])
            if entry.get("sha256") != new:
                text = text.replace(entry["sha256"], new) if entry.get("sha256") else text
                print(f"{name}: {new}")
        path.write_text(text, encoding="utf-8")
        data._registry.cache_clear()
        return 0
    for name in data.available():
        entry = data.registry()[name]
        flag = " [synthetic]" if entry.get("synthetic") else ""
        print(f"{name:28s} {entry['file']}{flag}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="sarasehan", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    lab = sub.add_parser("lab", help="open the course in JupyterLab")
    lab.add_argument("--port", type=int)
    lab.add_argument("--lang", choices=i18n.LANGUAGES)
    lab.add_argument("--token", help="use this access token instead of a random one (tests, kiosks)")
    lab.add_argument("--dry-run", action="store_true", help="print the command, do not start")
    lab.set_defaults(func=cmd_lab)
    b = sub.add_parser("build", help="build notebooks from authoring/*.yml")
    b.add_argument("--check", action="store_true", help="only report out-of-date notebooks (exit 1)")
    b.set_defaults(func=cmd_build)
    r = sub.add_parser("release", help="regenerate exercises/ from solutions/ with nbgrader")
    r.add_argument("assignments", nargs="*")
    r.set_defaults(func=cmd_release)
    d = sub.add_parser("datasets", help="list datasets")
    d.add_argument("--update-checksums", action="store_true")
    d.set_defaults(func=cmd_datasets)
    # Learner and instructor tools, each registering its own subcommand.
    from . import bundling, certificates, collect, grading, packs

    packs.register(sub)
    collect.register(sub)
    grading.register(sub)
    certificates.register(sub)
    bundling.register(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except SarasehanError as err:
        print(f"sarasehan: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
