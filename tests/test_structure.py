"""The tree agrees with the manifest; both languages mirror each other; notebooks are clean."""

import json
import re
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml

from sarasehan.manifest import load_manifest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = load_manifest()
READY = [m for m in MANIFEST.modules if m.ready]
READY_TOOLS = [m for m in MANIFEST.tools if m.ready]
SLUG = re.compile(r"^\d\d_[a-z0-9_]+$")


def tracked(pattern: str) -> list[Path]:
    out = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", pattern], cwd=ROOT,
                         capture_output=True, text=True).stdout.split()
    return [ROOT / p for p in out]


def test_manifest_is_ordered_and_named_consistently():
    numbers = [m.number for m in MANIFEST.modules]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    objectives = {m.objective for m in MANIFEST.modules}
    assert {"obj1", "obj2", "obj3", "obj4", "obj5", "orientation", "resilience"} <= objectives
    for m in MANIFEST.modules:
        assert SLUG.match(m.slug) and m.slug.startswith(m.number)
        assert m.lesson == f"{m.slug}.ipynb"
        assert m.title["id"] and m.title["en"] and m.minutes > 0
        assert m.objective in MANIFEST.objectives
        assert m.status in ("ready", "planned")
        if m.assignment:
            assert m.assignment == m.slug


@pytest.mark.parametrize("lang", ["id", "en"])
def test_lesson_tree_matches_manifest(lang):
    on_disk = sorted(p.name for p in (ROOT / "course" / lang).glob("*.ipynb"))
    assert on_disk == sorted(m.lesson for m in READY + READY_TOOLS)


def test_assignment_trees_match_manifest():
    expected = sorted(m.assignment for m in READY if m.assignment)
    for folder in ("solutions", "exercises"):
        present = sorted(p.name for p in (ROOT / folder).iterdir() if p.is_dir() and not p.name.startswith("."))
        assert present == expected, folder
        for a in expected:
            assert (ROOT / folder / a / f"{a}.ipynb").exists()


@pytest.mark.parametrize("module", READY + READY_TOOLS, ids=lambda m: m.slug)
def test_languages_mirror_each_other(module):
    books = {lang: nbformat.read(ROOT / "course" / lang / module.lesson, as_version=4) for lang in ("id", "en")}
    a, b = books["id"].cells, books["en"].cells
    assert [c.cell_type for c in a] == [c.cell_type for c in b]
    assert [c.id for c in a] == [c.id for c in b]
    for x, y in zip(a, b):
        if x.cell_type == "code":
            assert x.source == y.source, x.id
        else:
            assert x.source.strip() and y.source.strip()
            heading = re.compile(r"^(#+) ", re.M)
            assert heading.findall(x.source) == heading.findall(y.source), f"headings differ in cell {x.id}"
    assert books["id"].metadata["sarasehan"]["lang"] == "id"
    assert books["en"].metadata["sarasehan"]["lang"] == "en"


def _words(nb) -> int:
    text = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    text = re.sub(r"https?://\S+", " ", text)
    return len(re.findall(r"[A-Za-zÀ-ÿ]{2,}", text))


@pytest.mark.parametrize("module", [m for m in READY if m.number != "00"], ids=lambda m: m.slug)
def test_lessons_are_full_length_with_sources(module):
    for lang in ("id", "en"):
        nb = nbformat.read(ROOT / "course" / lang / module.lesson, as_version=4)
        assert 1500 <= _words(nb) <= 4000, (lang, _words(nb))
        sources = nb.cells[-1].source
        assert len(re.findall(r"https?://", sources)) >= 3, "the last cell lists at least three sources"


def test_no_outputs_committed_anywhere():
    for path in tracked("*.ipynb"):
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            assert not cell.get("outputs"), path
            assert cell.get("execution_count") is None, path


def test_exercises_hold_no_solution_or_hidden_tests():
    markers = re.compile(r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS")
    for path in (ROOT / "exercises").rglob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert not markers.search(text), path
        source = nbformat.read(ROOT / "solutions" / path.parent.name / path.name, as_version=4)
        release = nbformat.read(path, as_version=4)
        released_code = "\n".join(c.source for c in release.cells)
        block_re = re.compile(r"### BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END[^\n]*", re.S)
        # text the learner is meant to see (instructions, setup) may share a line with a solution
        public = "\n".join(block_re.sub("", c.source) for c in source.cells)
        for cell in source.cells:
            for block in block_re.findall(cell.source):
                for line in block.strip().splitlines():
                    line = line.strip()
                    if len(line) > 12 and line not in public:
                        assert line not in released_code, (path, line)


def test_grade_ids_are_meaningful():
    for path in (ROOT / "solutions").rglob("*.ipynb"):
        nb = nbformat.read(path, as_version=4)
        ids = [c.metadata["nbgrader"]["grade_id"] for c in nb.cells if "nbgrader" in c.metadata]
        assert ids and all(not i.startswith("cell-") for i in ids)
        graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
        auto = [c for c in graded if c.cell_type == "code"]
        manual = [c for c in graded if c.cell_type == "markdown"]
        questions = {c.metadata["nbgrader"]["grade_id"].rsplit("_", 1)[0] for c in auto}
        assert len(questions) >= 4 and manual
        for q in questions:
            kinds = {c.metadata["nbgrader"]["grade_id"].rsplit("_", 1)[1] for c in auto
                     if c.metadata["nbgrader"]["grade_id"].startswith(q + "_")}
            assert kinds == {"visible", "hidden"}, q


def test_glossary_is_bilingual():
    data = yaml.safe_load((ROOT / "course" / "glossary.yml").read_text(encoding="utf-8"))
    keys = [t["key"] for t in data["terms"]]
    assert len(keys) == len(set(keys)) >= 25
    for term in data["terms"]:
        for lang in ("id", "en"):
            assert term[lang]["term"].strip() and term[lang]["definition"].strip()


def test_discussion_cards_used_in_lessons_exist():
    cards = yaml.safe_load((ROOT / "sarasehan" / "content" / "discussions.yml").read_text(encoding="utf-8"))
    used = set()
    for m in READY + READY_TOOLS:  # drafts of planned modules may name cards not written yet
        path = ROOT / "authoring" / "lessons" / f"{m.slug}.yml"
        used |= set(re.findall(r"discussion_card\(\"([a-z0-9_]+)\"\)", path.read_text(encoding="utf-8")))
    assert used and used <= set(cards)
    for key, card in cards.items():
        assert card["question"]["id"] and card["question"]["en"]
