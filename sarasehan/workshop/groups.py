"""Split participants into discussion groups, as the 2013 sarasehan did.

First into two categories, **A** (not yet using social media) and **B**
(already using it), then each category into groups:

* **How many groups.** ``size`` is the largest group: a category of ``n``
  people gets ``ceil(n / size)`` groups, and group sizes differ by at most
  one. No group is left with a single person: with ``size=2`` and an odd
  number of people, one group has three.
* **Balance.** The rarer role (usually staff) is dealt out first, round
  robin, so every group has the same number give or take one; the groups
  that get one of them more are the ones that may be one person larger, so
  the other role is balanced too (counts differ by at most one). Each
  person goes, among the groups that keep this balance, to the one with
  the fewest people from the same contingent (province), biggest
  contingents first, so contingents are spread out; then people of the
  same role are swapped between groups while that lowers the number of
  same-contingent pairs. This runs a few times and the split with the
  fewest same-contingent pairs is kept (usually, not always, the best
  possible spread). Ties are broken by
  ``random.Random(seed)``: the same roster and seed give the same groups,
  whatever the row order of the roster.
* **A category with one person** does not make a group of one: that person
  joins the smallest group of the other category (the first by id if
  several are equally small), and the cards mark them as a guest from the
  other category. Only if the other category has no group either does the
  person form a group alone (a roster of one person; with one person in
  each category, A1 has the A person and the B person joins it).
* **An empty category** simply has no groups.

Group ids are ``A1``, ``A2``, … and ``B1``, ``B2``, …

>>> from sarasehan.workshop.roster import Participant
>>> people = [Participant(f"Peserta {i:02}", prov, role, i % 2 == 0)
...           for i, (prov, role) in enumerate([("Aceh", "staff"), ("Bali", "volunteer"),
...                                            ("Aceh", "volunteer"), ("Bali", "staff"),
...                                            ("Papua", "staff"), ("Papua", "volunteer")], start=1)]
>>> groups = split_groups(people, size=3, seed=1)
>>> [(g.id, len(g.members)) for g in groups]
[('A1', 3), ('B1', 3)]
>>> split_groups(people, size=3, seed=1) == groups
True
"""

from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field

from ..errors import SarasehanError
from ..i18n import t
from ._util import HtmlBlock, esc, normalise
from .roster import Participant

CATEGORIES = ("A", "B")
MIN_SIZE = 2


@dataclass
class Group:
    """A discussion group: ``id`` like ``"A1"``, its ``category`` and ``members``."""

    id: str
    category: str
    members: list[Participant] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)

    def count(self, role: str) -> int:
        return sum(1 for p in self.members if p.role == role)

    def contingents(self) -> Counter:
        return Counter(normalise(p.contingent) for p in self.members)

    def guests(self) -> list[Participant]:
        """Members from the other category (see the one-person rule)."""
        return [p for p in self.members if p.category != self.category]

    def as_dict(self) -> dict:
        return {"id": self.id, "category": self.category, "members": [p.as_row() for p in self.members]}


def group_count(n: int, size: int) -> int:
    """How many groups ``n`` people make with groups of at most ``size`` (none of one person).

    >>> group_count(11, 5), group_count(10, 5), group_count(5, 2), group_count(1, 5), group_count(0, 5)
    (3, 2, 2, 1, 0)
    """
    if n <= 0:
        return 0
    k = math.ceil(n / size)
    while k > 1 and n // k < MIN_SIZE:
        k -= 1
    return k


ATTEMPTS = 8


def _pairs(groups: list[Group]) -> int:
    """How many pairs of people from the same contingent share a group (0 = perfectly spread)."""
    return sum(c * (c - 1) // 2 for g in groups for c in g.contingents().values())


def _deal(people: list[Participant], k: int, category: str, rng: random.Random) -> list[Group]:
    """Best of a few seeded attempts (fewest same-contingent pairs; the first attempt wins ties)."""
    best: list[Group] | None = None
    for _ in range(ATTEMPTS):
        groups = _deal_once(people, k, category, random.Random(rng.random()))
        if best is None or _pairs(groups) < _pairs(best):
            best = groups
        if _pairs(best) == 0:
            break
    return best or []


def _deal_once(people: list[Participant], k: int, category: str, rng: random.Random) -> list[Group]:
    groups = [Group(f"{category}{i + 1}", category) for i in range(k)]
    if not groups:
        return groups
    # a stable order first, so the result does not depend on the row order of the roster
    people = sorted(people, key=lambda p: (p.key, p.role))
    rng.shuffle(people)
    totals = Counter(normalise(p.contingent) for p in people)
    roles = Counter(p.role for p in people)
    first, *others = sorted(roles, key=lambda r: (roles[r], r))  # the rarer role is dealt first

    def batch(role: str) -> list[Participant]:
        # the biggest contingents first, so they spread out (sort is stable: shuffled order within)
        return sorted((p for p in people if p.role == role), key=lambda p: -totals[normalise(p.contingent)])

    for person in batch(first):
        c = normalise(person.contingent)
        min(groups, key=lambda g: (g.count(first), g.contingents()[c], rng.random())).members.append(person)
    # final sizes: as equal as possible; the one-larger groups are those with more of the first role,
    # so the second role ends up balanced too
    q, r = divmod(len(people), k)
    by_first = sorted(groups, key=lambda g: -g.count(first))
    capacity = {g.id: q + (1 if i < r else 0) for i, g in enumerate(by_first)}
    for role in others:
        for person in batch(role):
            c = normalise(person.contingent)
            best = min(groups, key=lambda g: (g.size >= capacity[g.id], g.contingents()[c],
                                              g.size - capacity[g.id], rng.random()))
            best.members.append(person)
    _improve_spread(groups)
    for g in groups:
        g.members.sort(key=lambda p: p.key)
    return groups


def _improve_spread(groups: list[Group], max_passes: int = 50) -> None:
    """Swap two people of the same role between groups while that lowers same-contingent pairs.

    Sizes and role counts never change; every swap strictly lowers the number
    of pairs from one contingent in one group, so this always ends.
    """
    for _ in range(max_passes):
        swapped = False
        for i, gi in enumerate(groups):
            for gj in groups[i + 1:]:
                for a in list(gi.members):
                    for b in list(gj.members):
                        ca, cb = normalise(a.contingent), normalise(b.contingent)
                        if a.role != b.role or ca == cb:
                            continue
                        ci, cj = gi.contingents(), gj.contingents()
                        # pairs gained by the swap minus pairs lost
                        if ci[cb] + cj[ca] - (ci[ca] - 1) - (cj[cb] - 1) < 0:
                            gi.members[gi.members.index(a)] = b
                            gj.members[gj.members.index(b)] = a
                            swapped = True
                            break  # a has moved: continue with the next member of gi
        if not swapped:
            return


def split_groups(participants: list[Participant], size: int = 5, seed: int | None = 0) -> list[Group]:
    """Split ``participants`` into groups ``A1…`` and ``B1…`` (see the module docstring for the rules)."""
    try:
        size = int(size)
    except (TypeError, ValueError):
        raise SarasehanError("workshop.groups.bad_size", size=str(size), minimum=MIN_SIZE) from None
    if size < MIN_SIZE:
        raise SarasehanError("workshop.groups.bad_size", size=str(size), minimum=MIN_SIZE)
    if not participants:
        raise SarasehanError("workshop.groups.no_participants")
    rng = random.Random(seed)
    by_category = {c: [p for p in participants if p.category == c] for c in CATEGORIES}
    loners = {c: people[0] for c, people in by_category.items() if len(people) == 1}
    result: dict[str, list[Group]] = {}
    for c in CATEGORIES:
        people = by_category[c]
        result[c] = [] if c in loners else _deal(people, group_count(len(people), size), c, rng)
    for c, person in loners.items():
        other = result["B" if c == "A" else "A"]
        if other:
            smallest = min(other, key=lambda g: (g.size, int(g.id[1:])))
            smallest.members.append(person)
            smallest.members.sort(key=lambda p: p.key)
        else:
            result[c] = [Group(f"{c}1", c, [person])]
    return result["A"] + result["B"]


def category_label(category: str) -> str:
    """``"A"`` -> "not yet using social media" in the learner's language."""
    return t("workshop.category.A") if category == "A" else t("workshop.category.B")


def role_label(role: str) -> str:
    return t("workshop.role.staff") if role == "staff" else t("workshop.role.volunteer")


CARD_CSS = (
    "<style>.sarasehan-workshop-cards{display:flex;flex-wrap:wrap;gap:12px}"
    ".sarasehan-workshop-card{border:2px solid #b71c1c;border-radius:8px;padding:10px 14px;"
    "min-width:220px;max-width:360px;background:#fff;color:#222;page-break-inside:avoid;break-inside:avoid}"
    ".sarasehan-workshop-card h3{margin:0 0 4px 0;color:#b71c1c}"
    ".sarasehan-workshop-card .sarasehan-workshop-sub{font-size:90%;color:#555;margin-bottom:6px}"
    "@media print{.sarasehan-workshop-card{border-color:#000}}</style>"
)


def group_cards(groups: list[Group]) -> HtmlBlock:
    """Printable HTML cards, one per group: members with contingent and role.

    >>> from sarasehan.workshop.roster import Participant
    >>> cards = group_cards([Group("A1", "A", [Participant("Peserta <01>", "Aceh", "staff", False)])])
    >>> "A1" in cards and "Peserta &lt;01&gt;" in cards
    True
    """
    cards = []
    for g in groups:
        items = []
        for p in g.members:
            guest = f" <i>({esc(category_label(p.category))})</i>" if p.category != g.category else ""
            items.append(f"<li><b>{esc(p.name)}</b> — {esc(p.contingent)}, {esc(role_label(p.role))}{guest}</li>")
        summary = t("workshop.groups.card_summary", n=g.size, staff=g.count("staff"),
                    volunteers=g.count("volunteer"), contingents=len(g.contingents()))
        cards.append(
            f"<div class='sarasehan-workshop-card' data-group='{esc(g.id)}'>"
            f"<h3>{esc(t('workshop.groups.card_title', group=g.id))}</h3>"
            f"<div class='sarasehan-workshop-sub'>{esc(category_label(g.category))} · {esc(summary)}</div>"
            f"<ul>{''.join(items)}</ul></div>"
        )
    if not cards:
        return HtmlBlock(f"<p>{esc(t('workshop.groups.none'))}</p>")
    return HtmlBlock(CARD_CSS + f"<div class='sarasehan-workshop-cards'>{''.join(cards)}</div>")


class GroupSplit:
    """The model behind the split widget: where the participants come from, and the last split.

    ``source`` is a list of participants, a :class:`~sarasehan.workshop.roster.Roster`,
    anything with a ``.model.participants`` (the roster widget) or a function
    returning participants; it is read again at every split, so a roster
    loaded later is used. With a ``session``, each split is saved there for
    the answer forms.

    >>> from sarasehan.workshop.roster import Participant
    >>> people = [Participant(f"P{i}", "Aceh", "staff", i < 2) for i in range(4)]
    >>> [g.id for g in GroupSplit(people).split(size=2, seed=3)]
    ['A1', 'B1']
    """

    def __init__(self, source, session=None, size: int = 5, seed: int | None = 0):
        from .session import open_session

        self.source = source
        self.session = open_session(session) if session is not None else None
        self.size = size
        self.seed = seed
        self.groups: list[Group] = []

    def participants(self) -> list[Participant]:
        src = self.source
        if callable(src):
            src = src()
        if hasattr(src, "model") and hasattr(src.model, "participants"):
            src = src.model
        if hasattr(src, "participants"):
            src = src.participants
        return list(src or [])

    def split(self, size: int | None = None, seed: int | None = None) -> list[Group]:
        if size is not None:
            self.size = size
        if seed is not None:
            self.seed = seed
        self.groups = split_groups(self.participants(), self.size, self.seed)
        if self.session is not None:
            self.session.save_groups(self.groups, self.seed)
        return self.groups
