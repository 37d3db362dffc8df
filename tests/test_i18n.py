import re
import string
from pathlib import Path

import pytest

from sarasehan import i18n

ROOT = Path(__file__).resolve().parent.parent
KEY_USE = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']|Error\(\s*["']([a-z0-9_.]+)["']""")


def _fields(text):
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_every_catalog_entry_has_both_languages_and_same_placeholders():
    for key, entry in i18n.catalog().items():
        assert set(entry) == set(i18n.LANGUAGES), key
        assert all(entry[lang].strip() for lang in i18n.LANGUAGES), key
        assert _fields(entry["id"]) == _fields(entry["en"]), key


def test_every_key_used_in_the_package_exists():
    used = set()
    for path in (ROOT / "sarasehan").rglob("*.py"):
        for m in KEY_USE.finditer(path.read_text(encoding="utf-8")):
            used.add(m.group(1) or m.group(2))
    used |= {f"check.kind.{k}" for k in __import__("sarasehan.checks").checks.KINDS}
    missing = sorted(k for k in used if k not in i18n.catalog())
    assert not missing, missing
    assert len(used) > 60


def test_language_order(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert i18n.get_language() == "id"  # the primary language by default
    monkeypatch.setenv("COURSE_LANG", "en")
    assert i18n.get_language() == "en"
    en_folder = tmp_path / "course" / "id"
    en_folder.mkdir(parents=True)
    monkeypatch.chdir(en_folder)
    assert i18n.get_language() == "id"  # the notebook's folder beats COURSE_LANG
    i18n.set_language("en")
    assert i18n.get_language() == "en"  # an explicit choice beats both


def test_unknown_language_is_refused_in_both_languages():
    with pytest.raises(ValueError, match="unknown language"):
        i18n.set_language("fr")


def test_translation_fills_values():
    assert i18n.t("common.saved", lang="id", where="x.json") == "Tersimpan di x.json."
    assert i18n.t("common.saved", lang="en", where="x.json") == "Saved to x.json."


def test_no_placeholder_collides_with_the_lang_argument():
    for key, entry in i18n.catalog().items():
        assert "lang" not in _fields(entry["id"]), key
