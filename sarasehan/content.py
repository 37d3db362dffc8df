"""Bilingual course content shipped inside the package (``sarasehan/content``)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import yaml


@lru_cache(maxsize=None)
def load_content(name: str) -> dict:
    """Parse ``sarasehan/content/<name>.yml``."""
    text = resources.files("sarasehan").joinpath(f"content/{name}.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)
