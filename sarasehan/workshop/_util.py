"""Small helpers shared by the workshop modules (no widgets, no side effects).

>>> normalise("  Jawa   TIMUR ")
'jawa timur'
>>> HtmlBlock("<b>A1</b>")._repr_html_()
'<b>A1</b>'
>>> safe_name("Sarasehan Jatim / 2025")
'Sarasehan_Jatim_2025'
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

from ..storage import atomic_write

_SPACES = re.compile(r"\s+")


def normalise(text: object) -> str:
    """Lower-case, Unicode-normalised text with single spaces (for comparing names)."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    return _SPACES.sub(" ", text).strip().casefold()


def tidy(text: object) -> str:
    """Text as typed, but with single spaces and no spaces at the ends."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", str(text or ""))).strip()


def esc(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text))


def safe_name(text: str, fallback: str = "sarasehan") -> str:
    """A name that is safe as a single folder or file name."""
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(text).strip())[:64].strip("._")
    return cleaned or fallback


class HtmlBlock(str):
    """HTML text that a notebook shows rendered (``_repr_html_``) and code can treat as ``str``."""

    def _repr_html_(self) -> str:
        return str(self)


def atomic_write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically: temporary file, fsync, then ``os.replace``.

    If anything fails, the old file (if any) is left untouched.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.md"
    >>> atomic_write_text(p, "# Hasil") == p and p.read_text()
    '# Hasil'
    """
    return atomic_write(path, lambda fh: fh.write(text), newline="")
