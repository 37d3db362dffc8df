"""Measuring a post: its length as a platform counts it, its links and hashtags.

Every platform except X counts Python ``str`` length (one per code point).
X counts a *weighted* length, following the published twitter-text v3
configuration (``maxWeightedTweetLength`` 280, ``transformedURLLength`` 23):

* every link (``https://...``, ``www...`` or a bare domain such as
  ``pmi.or.id`` or ``bit.ly/donor``) counts as ``link_length`` characters;
* a character in Latin, Greek, Cyrillic and similar scripts (U+0000-U+10FF),
  ordinary spaces, dashes, quotes and primes counts 1;
* everything else counts 2: emoji and other characters outside the Basic
  Multilingual Plane ("astral"), symbols such as ❤ ✅ • …, CJK characters.

An emoji made of several code points (❤️, 👍🏽, 🇮🇩, 👨‍👩‍👧) counts 2 once, as on X:
variation selectors and skin-tone modifiers add nothing, a keycap (1️⃣)
counts 2, a
zero-width joiner and the emoji it joins add nothing, and a pair of
regional-indicator letters (a flag) counts 2. This is an approximation of
X's emoji parser; rare sequences may be counted a little higher than X does,
never lower.

>>> x_length("Donor darah 🩸 di UDD: https://pmi.or.id/donor")
46
>>> find_hashtags("Ayo #DonorDarah bersama #PMI2024! https://x.com/a#b")
['#DonorDarah', '#PMI2024']
"""

from __future__ import annotations

import re
import unicodedata

_URL = re.compile(
    r"(?<![\w@.])(?:https?://|www\.)[^\s<>\"]+"
    r"|(?<![\w@.\-/])(?:[A-Za-z0-9-]+\.)+(?:com|org|net|id|io|co|ly|gl|app|link|info)\b(?:/[^\s<>\"]*)?"
)
_TRAILING = ".,;:!?)]}'\"…"
_HASHTAG = re.compile(r"(?<![\w#&/])#(\w+)")

# Code point ranges X counts as 1 (twitter-text v3 config); all others count 2.
_LIGHT = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_ZWJ = 0x200D
_ZERO = {0xFE0E, 0xFE0F}  # text/emoji variation selectors
_KEYCAP = 0x20E3  # makes the digit before it an emoji: 1 + 1 = 2
_SKIN = (0x1F3FB, 0x1F3FF)
_FLAG = (0x1F1E6, 0x1F1FF)


def find_urls(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every link in ``text``, without trailing punctuation."""
    spans = []
    for m in _URL.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _TRAILING:
            end -= 1
        spans.append((start, end))
    return spans


def without_urls(text: str) -> str:
    """``text`` with every link replaced by spaces (same length, same positions)."""
    for start, end in find_urls(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _weight(cp: int) -> int:
    return 1 if any(lo <= cp <= hi for lo, hi in _LIGHT) else 2


def weighted_length(text: str) -> int:
    """X's weighted count of ``text`` without links (see the module docstring)."""
    total, i, chars = 0, 0, [ord(c) for c in unicodedata.normalize("NFC", text)]
    while i < len(chars):
        cp = chars[i]
        if cp == _ZWJ and 0 < i < len(chars) - 1 and _weight(chars[i + 1]) == 2:
            i += 2  # the joiner and the emoji it glues on: part of one emoji
            continue
        if cp in _ZERO or _SKIN[0] <= cp <= _SKIN[1]:
            i += 1
            continue
        if _FLAG[0] <= cp <= _FLAG[1] and i + 1 < len(chars) and _FLAG[0] <= chars[i + 1] <= _FLAG[1]:
            total, i = total + 2, i + 2  # two regional indicators make one flag
            continue
        total, i = total + (1 if cp == _KEYCAP else _weight(cp)), i + 1
    return total


def x_length(text: str, link_length: int = 23) -> int:
    """The length X shows for ``text``: links count ``link_length``, emoji 2."""
    spans = find_urls(text)
    rest, last = [], 0
    for start, end in spans:
        rest.append(text[last:start])
        last = end
    rest.append(text[last:])
    return weighted_length("".join(rest)) + link_length * len(spans)


def find_hashtags(text: str) -> list[str]:
    """Hashtags in order of appearance (``#`` + Unicode letters, digits, ``_``).

    A ``#`` inside a link (``page#section``) or glued to a word (``C#``) is
    not a hashtag.
    """
    return ["#" + body for body in _HASHTAG.findall(without_urls(text))]
