"""Language selection and the one catalog of user-facing text.

Every string a learner reads comes from ``locales/messages.yml`` (one entry
per key, with ``id`` and ``en``) or from a bilingual content file. The
language is chosen, in order, by:

1. :func:`set_language` (explicit, for this Python process);
2. the notebook's folder: a kernel started in ``course/en`` speaks English,
   one started in ``course/id`` speaks Bahasa Indonesia;
3. the ``COURSE_LANG`` environment variable (``id`` or ``en``);
4. Bahasa Indonesia, the course's primary language.

Examples
--------
>>> from sarasehan import i18n
>>> i18n.set_language("en")
>>> i18n.pick({"id": "relawan", "en": "volunteer"})
'volunteer'
>>> i18n.set_language(None)   # back to automatic choice
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_explicit: str | None = None


def set_language(lang: str | None) -> None:
    """Choose the language for this process (``"id"`` or ``"en"``; ``None`` resets)."""
    global _explicit
    if lang is not None:
        lang = str(lang).strip().lower()
        if lang not in LANGUAGES:
            raise ValueError(
                f"Bahasa tidak dikenal / unknown language {lang!r}; pilih / choose one of {', '.join(LANGUAGES)}"
            )
    _explicit = lang


def _language_from_folder(cwd: Path) -> str | None:
    parts = [p.lower() for p in cwd.resolve().parts]
    for i in range(len(parts) - 1, 0, -1):
        if parts[i] in LANGUAGES and parts[i - 1] == "course":
            return parts[i]
    return None


def get_language() -> str:
    """Return the active language code (see the module docstring for the order)."""
    if _explicit:
        return _explicit
    folder = _language_from_folder(Path.cwd())
    if folder:
        return folder
    env = os.environ.get("COURSE_LANG", "").strip().lower()
    if env in LANGUAGES:
        return env
    return DEFAULT_LANGUAGE


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict[str, str]]:
    """The message catalog: ``{key: {"id": ..., "en": ...}}``."""
    text = resources.files("sarasehan").joinpath("locales/messages.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(key: str, /, lang: str | None = None, **values: object) -> str:
    """Translate ``key`` from the catalog and fill ``{placeholders}``.

    >>> t("common.saved", lang="en", where="answers.json")
    'Saved to answers.json.'
    """
    entry = catalog().get(key)
    if entry is None:
        raise KeyError(f"missing message key {key!r} in sarasehan/locales/messages.yml")
    text = entry[lang or get_language()]
    return text.format(**values) if values else text


def pick(mapping: dict, lang: str | None = None) -> str:
    """Pick the active language from a bilingual mapping ``{"id": ..., "en": ...}``."""
    lang = lang or get_language()
    if lang in mapping:
        return mapping[lang]
    return mapping[DEFAULT_LANGUAGE]
