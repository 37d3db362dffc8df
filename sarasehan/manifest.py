"""The course manifest (``course/course.yml``): modules in order.

>>> m = load_manifest()
>>> m.modules[0].slug
'00_start_here'
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from .paths import manifest_path


@dataclass(frozen=True)
class Module:
    number: str
    slug: str
    title: dict
    objective: str
    lesson: str
    assignment: str | None
    minutes: int
    status: str

    @property
    def ready(self) -> bool:
        return self.status == "ready"


@dataclass(frozen=True)
class Manifest:
    course: dict
    objectives: dict
    modules: tuple[Module, ...]
    tools: tuple[Module, ...] = ()

    def module(self, slug_or_number: str) -> Module:
        for m in self.modules:
            if slug_or_number in (m.slug, m.number):
                return m
        raise KeyError(slug_or_number)

    @property
    def assignments(self) -> list[str]:
        return [m.assignment for m in self.modules if m.ready and m.assignment]


def load_manifest(path: Path | None = None) -> Manifest:
    data = yaml.safe_load((path or manifest_path()).read_text(encoding="utf-8"))
    modules = tuple(Module(**m) for m in data["modules"])
    tools = tuple(Module(**m) for m in data.get("tools", []))
    return Manifest(course=data["course"], objectives=data["objectives"], modules=modules, tools=tools)
