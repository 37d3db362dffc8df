"""Discussion questions for the groups, from ``sarasehan/content/workshop_questions.yml``.

Each module ("00"–"06") has questions for category A (not yet using social
media) and B (already using it). Questions are dealt to groups round-robin
in a seeded order: group ``A3`` gets question number ``3`` of the shuffled
A list (wrapping round), so any laptop that knows the group id, module and
seed shows the same question, without knowing the other groups.

>>> q = question_for("A1", "01", seed=0)
>>> q.module, q.category, q.key.startswith("m01-a")
('01', 'A', True)
>>> question_for("A1", 1, seed=0) == q     # module as a number works too
True
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from ..content import load_content
from ..errors import SarasehanError
from ..i18n import pick, t
from ._util import HtmlBlock, esc

GROUP_ID = re.compile(r"^([AB])([1-9][0-9]{0,2})$")


@dataclass(frozen=True)
class Question:
    key: str
    module: str
    category: str
    texts: tuple  # (("id", ...), ("en", ...)) so the dataclass stays hashable

    @property
    def text(self) -> str:
        """The question in the learner's language."""
        return pick(dict(self.texts))


def bank() -> dict:
    return load_content("workshop_questions")


def modules() -> list[str]:
    """Module numbers that have questions, e.g. ``['00', '01', …, '06']``."""
    return sorted(bank())


def normalise_module(module: object) -> str:
    """``1``, ``"1"`` or ``"01"`` -> ``"01"``; unknown modules raise a friendly error.

    >>> normalise_module(3)
    '03'
    """
    text = str(module).strip()
    if text.isdigit():
        text = text.zfill(2)
    if text not in bank():
        raise SarasehanError("workshop.questions.unknown_module", module=str(module), valid=", ".join(modules()))
    return text


def parse_group_id(group_id: str) -> tuple[str, int]:
    """``"B12"`` -> ``("B", 12)``; anything else raises a friendly error."""
    m = GROUP_ID.match(str(group_id).strip().upper())
    if not m:
        raise SarasehanError("workshop.groups.bad_id", group=str(group_id))
    return m.group(1), int(m.group(2))


def questions_for(module: object, category: str) -> list[Question]:
    """The questions of a module for category ``"A"`` or ``"B"`` (in file order)."""
    module = normalise_module(module)
    entry = bank()[module]
    items = entry.get(category) or entry.get("both") or []
    return [Question(q["key"], module, category, (("id", q["id"]), ("en", q["en"]))) for q in items]


def find_question(key: str) -> Question | None:
    """Look a question up by its key (``None`` if it is not in the bank)."""
    for module, entry in bank().items():
        for category in ("A", "B", "both"):
            for q in entry.get(category) or []:
                if q["key"] == key:
                    cat = category if category != "both" else "A"
                    return Question(q["key"], module, cat, (("id", q["id"]), ("en", q["en"])))
    return None


def _shuffled(module: str, category: str, seed: int | None) -> list[Question]:
    qs = questions_for(module, category)
    random.Random(f"{seed or 0}:{module}:{category}").shuffle(qs)
    return qs


def question_for(group_id: str, module: object, seed: int | None = 0) -> Question:
    """The question dealt to one group (see the module docstring)."""
    module = normalise_module(module)
    category, number = parse_group_id(group_id)
    qs = _shuffled(module, category, seed)
    if not qs:
        raise SarasehanError("workshop.questions.none", module=module)
    return qs[(number - 1) % len(qs)]


def _group_ids(groups) -> list[str]:
    ids = [g if isinstance(g, str) else g.id for g in groups]
    return sorted(ids, key=parse_group_id)


def assign_questions(groups, module: object, seed: int | None = 0) -> dict[str, Question]:
    """``{group id: Question}`` for groups (``Group`` objects or ids such as ``"A1"``).

    >>> a = assign_questions(["A1", "A2", "A3", "A4", "B1"], "00", seed=5)
    >>> len({a[g].key for g in ("A1", "A2", "A3")})   # three A questions, all used before any repeats
    3
    >>> a["A4"] == a["A1"]
    True
    """
    return {gid: question_for(gid, module, seed) for gid in _group_ids(groups)}


class QuestionCards(HtmlBlock):
    """Printable HTML question cards; ``.assignment`` holds ``{group id: Question}``."""

    assignment: dict


def question_cards(groups, module: object, seed: int | None = 0) -> QuestionCards:
    """Assign a question to each group and render one printable card per group.

    >>> cards = question_cards(["A1", "B1"], "03")
    >>> sorted(cards.assignment), "B1" in cards
    (['A1', 'B1'], True)
    """
    from .groups import CARD_CSS, category_label

    module = normalise_module(module)
    assignment = assign_questions(groups, module, seed)
    cards = []
    for gid, q in assignment.items():
        cards.append(
            f"<div class='sarasehan-workshop-card sarasehan-workshop-question' data-group='{esc(gid)}'>"
            f"<h3>{esc(t('workshop.questions.card_title', group=gid, module=module))}</h3>"
            f"<div class='sarasehan-workshop-sub'>{esc(category_label(q.category))}</div>"
            f"<p>{esc(q.text)}</p></div>"
        )
    body = "".join(cards) or f"<p>{esc(t('workshop.groups.none'))}</p>"
    out = QuestionCards(CARD_CSS + f"<div class='sarasehan-workshop-cards'>{body}</div>")
    out.assignment = assignment
    return out
