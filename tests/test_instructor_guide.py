"""docs/instructor-guide.md stays true to the code it describes.

Checked in every code span and code block of the guide (prose is not read, so "the
sarasehan" or "make sure" in a sentence does not count):

* every ``sarasehan SUBCOMMAND`` is a subcommand of the real CLI parser
  (``sarasehan.cli.build_parser``), and every ``--option`` written after it on the same
  command line is accepted by that subcommand's parser;
* every ``make TARGET`` is a target of the Makefile;
* every repository path exists (placeholders such as ``<student>`` and ``*`` match at least
  one file); a path under a folder the tools create at run time must name one of those
  folders, so a typo such as ``sollutions/`` fails too;
* both languages are there, each at least 1,000 words, of comparable length, with the same
  numbered sections and the same commands.

An inline span that is only options (`--workers 2`) belongs to the subcommand named last
before it. `bundle`, dist/ and deploy/hub/README.md are allowed while other changes add them
(see PENDING_* below).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sarasehan.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "instructor-guide.md"
ID_HEADING = "## Bahasa Indonesia"
EN_HEADING = "## English"

# `bundle` (make bundle / sarasehan bundle) is being added by another change: it is allowed
# while it is missing, and checked like any other once the Makefile and the CLI have it.
PENDING_MAKE_TARGETS = {"bundle"}
PENDING_SUBCOMMANDS = {"bundle"}

# Paths the guide names that are not in the repository on purpose:
# dist/ is written by `make bundle` (git-ignored); deploy/hub/README.md is being written by
# another change (the JupyterHub server set-up).
PENDING_PATHS = {"dist/", "deploy/hub/README.md"}
# The archives `make bundle` writes into dist/ (generated, never committed).
ARCHIVE_NAME = re.compile(r"^sarasehan-(instructor|learner)-VERSION(-[a-z0-9_<>-]+)?\.zip$")
# Folders that the course tools, learners or the instructor create at run time, outside the
# repository (most are git-ignored because they hold learners' personal data):
RUNTIME_FOLDERS = {
    ".venv",                 # make start / make test
    "submitted",             # sarasehan collect (nbgrader's submitted/)
    "submissions_archive",   # sarasehan collect: every version
    "unmatched",             # sarasehan collect: files it could not place
    "autograded",            # sarasehan grade / nbgrader autograde
    "feedback",              # nbgrader generate_feedback
    "packs",                 # sarasehan pack (learners)
    "results",               # sarasehan grade --out results/<assignment>
    "certificates",          # sarasehan certificate (default --out)
    "inbox",                 # the instructor's folder of received files
    "wheels",                # inside a learner archive (make bundle)
}
# Bare file names the tools write that happen to end like repository files: the workshop
# export (results.md, beside results.html and results.csv) in the session folder.
RUNTIME_FILES = {"results.md"}
# File kinds that, written bare (no folder), name a file of the repository itself; other bare
# names (grades.csv, roster.csv, install.sh, summary.png, ...) are generated or user-made.
REPO_FILE_SUFFIXES = (".py", ".md", ".yml", ".yaml", ".toml", ".cfg", ".ini")
SHELL_SEPARATORS = {"&&", "||", ";", "|", "#"}


# --------------------------------------------------------------------------- reading the guide

def guide_text() -> str:
    return GUIDE.read_text(encoding="utf-8")


FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", flags=re.S | re.M)
FENCE_OR_SPAN = re.compile(r"^```[^\n]*\n(?P<block>.*?)^```|`(?P<span>[^`\n]+)`", flags=re.S | re.M)


def code_pieces(markdown: str) -> list[str]:
    """In document order: each command line of the fenced code blocks (backslash
    continuations joined) and each inline code span."""
    pieces: list[str] = []
    for m in FENCE_OR_SPAN.finditer(markdown):
        if m["block"] is not None:
            pieces += m["block"].replace("\\\n", " ").splitlines()
        else:
            pieces.append(m["span"])
    return [p for p in pieces if p.strip()]


def inline_spans(markdown: str) -> list[str]:
    return re.findall(r"`([^`\n]+)`", FENCE.sub("", markdown))


def block_tokens(markdown: str) -> list[str]:
    tokens: list[str] = []
    for block in FENCE.findall(markdown):
        tokens += block.split()
    return tokens


def split_languages(markdown: str) -> tuple[str, str]:
    assert markdown.count(ID_HEADING + "\n") == 1, f"the guide needs exactly one '{ID_HEADING}' heading"
    assert markdown.count(EN_HEADING + "\n") == 1, f"the guide needs exactly one '{EN_HEADING}' heading"
    start, middle = markdown.index(ID_HEADING + "\n"), markdown.index(EN_HEADING + "\n")
    assert start < middle, "the Bahasa Indonesia part must come first"
    return markdown[start:middle], markdown[middle:]


# --------------------------------------------------------------------------- commands in the guide

def _options(words: list[str]) -> list[str]:
    options = []
    for word in words:
        if word in SHELL_SEPARATORS or word.startswith("#"):
            break
        if word.startswith("--"):
            options.append(word.split("=", 1)[0])
    return options


def sarasehan_commands(markdown: str) -> list[tuple[str, list[str], str]]:
    """(subcommand, options written after it, the code piece) for every `sarasehan X ...`.

    An inline span that starts with an option (`--workers 2` in a list of options) belongs
    to the subcommand named last before it."""
    found = []
    last = None
    for piece in code_pieces(markdown):
        words = piece.split()
        if words[0].startswith("--") and last is not None:
            found.append((last, _options(words), piece))
            continue
        for i, word in enumerate(words[:-1]):
            if re.split(r"[\\/]", word)[-1] != "sarasehan":
                continue
            if i and words[i - 1] in ("import", "from"):
                continue  # Python's `import sarasehan as sh`, not the command
            sub = words[i + 1]
            if sub in ("…", "..."):
                continue  # "the `sarasehan …` commands" in a sentence
            found.append((sub, _options(words[i + 2:]), piece))
            last = sub
    return found


def make_targets_in(markdown: str) -> list[tuple[str, str]]:
    found = []
    for piece in code_pieces(markdown):
        words = piece.split()
        for i, word in enumerate(words[:-1]):
            if word == "make" and re.fullmatch(r"[A-Za-z][\w-]*", words[i + 1]):
                found.append((words[i + 1], piece))
    return found


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    raise AssertionError("sarasehan.cli.build_parser() has no subcommands")


def makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return {m.group(1) for line in text.splitlines() if (m := re.match(r"^([A-Za-z][\w.-]*)\s*:(?!=)", line))}


def command_problems(markdown: str) -> list[str]:
    parsers = subcommand_parsers()
    problems = []
    for sub, options, piece in sarasehan_commands(markdown):
        if sub.startswith("-"):
            continue
        if sub not in parsers:
            if sub not in PENDING_SUBCOMMANDS:
                problems.append(f"`sarasehan {sub}` is not a subcommand (in: {piece!r}); known: {sorted(parsers)}")
            continue
        accepted = set(parsers[sub]._option_string_actions)
        for option in options:
            if option not in accepted:
                problems.append(f"`sarasehan {sub}` has no option {option} (in: {piece!r}); "
                                f"it accepts {sorted(o for o in accepted if o.startswith('--'))}")
    return problems


def make_problems(markdown: str) -> list[str]:
    targets = makefile_targets()
    return [f"`make {t}` is not a target of the Makefile (in: {piece!r})" for t, piece in make_targets_in(markdown)
            if t not in targets and t not in PENDING_MAKE_TARGETS]


# --------------------------------------------------------------------------- paths in the guide

def _looks_like_path(token: str) -> bool:
    if not token or any(c in token for c in " ()\"'=\\,") or token.startswith(("~", "/", "http", "-")):
        return False
    return "/" in token or token.endswith(REPO_FILE_SUFFIXES)


def _exists(rel: str) -> bool:
    pattern = re.sub(r"<[^>/]*>", "*", rel.rstrip("/"))
    if "*" in pattern:
        return any(ROOT.glob(pattern))
    return (ROOT / pattern).exists()


def path_problems(markdown: str) -> list[str]:
    top_level = {p.name for p in ROOT.iterdir()}
    problems = []
    inline = {t.strip() for t in inline_spans(markdown)}
    # In code blocks only tokens that start at a folder of the repository are paths of it
    # (the others are arguments such as inbox/ or options).
    in_blocks = {t for t in block_tokens(markdown) if "/" in t and t.split("/")[0] in top_level}
    for token in sorted(inline | in_blocks):
        if token in PENDING_PATHS | RUNTIME_FILES or ARCHIVE_NAME.match(token) or not _looks_like_path(token):
            continue
        first = token.split("/")[0]
        if first in RUNTIME_FOLDERS:
            continue
        if "/" not in token:
            if token not in top_level:
                problems.append(f"`{token}` is not a file at the top of the repository")
        elif first not in top_level:
            problems.append(f"`{token}`: `{first}/` is neither in the repository nor a known run-time folder")
        elif not _exists(token):
            problems.append(f"`{token}` does not exist in the repository")
    return problems


# --------------------------------------------------------------------------- tests

def test_guide_exists_in_both_languages_with_comparable_length():
    indonesian, english = split_languages(guide_text())

    def words(part):
        return len(FENCE.sub("", part).split())

    n_id, n_en = words(indonesian), words(english)
    assert n_id >= 1000, f"the Bahasa Indonesia part has {n_id} words (at least 1,000 wanted)"
    assert n_en >= 1000, f"the English part has {n_en} words (at least 1,000 wanted)"
    assert 0.7 <= n_id / n_en <= 1.4, f"the two parts differ too much in length: {n_id} vs {n_en} words"


def test_both_languages_have_the_same_sections_and_commands():
    indonesian, english = split_languages(guide_text())

    def outline(part):
        return re.findall(r"^(#{3,4}) (\d[\d.]*)", part, flags=re.M)

    assert outline(indonesian) == outline(english), "the two parts must have the same numbered sections"

    def commands(part):
        return (sorted({(sub, tuple(sorted(set(opts)))) for sub, opts, _ in sarasehan_commands(part)}),
                sorted({target for target, _ in make_targets_in(part)}))

    assert commands(indonesian) == commands(english), "both parts must show the same commands and options"


def test_every_sarasehan_subcommand_and_option_exists():
    mentioned = {sub for sub, _, _ in sarasehan_commands(guide_text())}
    assert {"pack", "collect", "grade", "certificate", "release", "build"} <= mentioned
    problems = command_problems(guide_text())
    assert not problems, "\n".join(problems)


def test_every_make_target_exists():
    assert {"start", "test"} <= makefile_targets()
    assert {"start", "test", "bundle"} <= {t for t, _ in make_targets_in(guide_text())}
    problems = make_problems(guide_text())
    assert not problems, "\n".join(problems)


def test_every_repository_path_exists():
    problems = path_problems(guide_text())
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the checks catch mistakes

@pytest.mark.parametrize("good, bad, named", [
    ("sarasehan collect 01_roles_and_benefits inbox/", "sarasehan kumpul 01_roles_and_benefits inbox/", "kumpul"),
    ("inbox/ --roster roster.csv", "inbox/ --daftar roster.csv", "--daftar"),
    ("--pass-mark 70 --date", "--pass-mark 70 --tanggal", "--tanggal"),
])
def test_a_wrong_subcommand_or_option_is_caught(good, bad, named):
    text = guide_text()
    assert good in text
    problems = command_problems(text.replace(good, bad, 1))
    assert len(problems) == 1 and named in problems[0], problems


def test_a_wrong_make_target_or_path_is_caught():
    assert make_problems(guide_text().replace("make release", "make relase", 1))
    text = "Lihat `course/id/99_workshop.ipynb`, `sollutions/01_roles_and_benefits/` dan `Makefle.py`."
    assert len(path_problems(text)) == 3, path_problems(text)
    ok = "`submitted/<student>/01_roles_and_benefits/` `course/<lang>/98_progress.ipynb` `dist/` `README.md`"
    assert not path_problems(ok)
