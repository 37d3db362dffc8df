"""Module 02's campaign message composer: live feedback on a draft post.

Pure logic; the widget in :mod:`sarasehan.widgets.composer` shows it.
Platform limits are data in ``sarasehan/content/platforms.yml`` (with a
source for each and the month they were checked), counting is in
:mod:`sarasehan.post_text` and the checklist in :mod:`sarasehan.post_checklist`.

>>> from sarasehan import i18n
>>> i18n.set_language("en")
>>> a = analyse_post("Ayo donor darah di UDD PMI, Sabtu 08.00! #DonorDarah", "X")
>>> a.length, a.limit, a.remaining, a.over_limit
(52, 280, 228, False)
>>> a.hashtags
['#DonorDarah']
>>> a.checklist
{'call_to_action': True, 'who_what_where_when': True, 'respectful_tone': True, 'accessibility': False}
>>> a.score
0.75
>>> a.explanations["accessibility"]
'No alt text yet. ...'
>>> i18n.set_language(None)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from . import post_checklist as checks
from .answers import AnswerStore
from .content import load_content
from .errors import SarasehanError
from .i18n import pick, t
from .post_text import find_hashtags, x_length

STORE_NAME = "m02_composer"
LONG_HASHTAG = 30  # characters after '#'
CHECKS = ("call_to_action", "who_what_where_when", "respectful_tone", "accessibility")
CHECK_LABELS = {
    "call_to_action": "composer.check.call_to_action",
    "who_what_where_when": "composer.check.who_what_where_when",
    "respectful_tone": "composer.check.respectful_tone",
    "accessibility": "composer.check.accessibility",
}


@dataclass(frozen=True)
class Problem:
    """Something to fix: a stable ``code`` (for tests and code) and a message."""

    code: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class Analysis:
    """Feedback on one draft; ``checklist`` maps each of :data:`CHECKS` to passed or not."""

    platform: str
    audience: str | None
    length: int
    limit: int
    hashtags: list[str]
    problems: list[Problem]
    checklist: dict[str, bool]
    explanations: dict[str, str]
    preview_limit: int | None = None
    preview_cut: str = ""  # the text hidden behind "... more"; "" when all of it shows
    hints: list[str] = field(default_factory=list)
    audience_tip: str = ""
    remaining: int = field(init=False)
    over_limit: bool = field(init=False)
    score: float = field(init=False)  # passed checklist items / all items

    def __post_init__(self) -> None:
        self.remaining = self.limit - self.length
        self.over_limit = self.length > self.limit
        self.score = sum(self.checklist.values()) / len(self.checklist) if self.checklist else 0.0

    @property
    def passed(self) -> int:
        return sum(self.checklist.values())


@dataclass
class ComposerDraft:
    """A saved draft; one per platform."""

    platform: str
    audience: str | None
    text: str
    alt_text: str = ""
    saved_at: str = ""


def _spec(spec: dict | None) -> dict:
    return spec or load_content("platforms")


def resolve_platform(platform: object, spec: dict | None = None) -> tuple[str, dict]:
    """``(name, data)`` for a platform; case and aliases (``twitter``) are forgiven."""
    platforms = _spec(spec)["platforms"]
    if isinstance(platform, str):
        wanted = platform.strip().casefold()
        for name, data in platforms.items():
            if wanted in {name.casefold(), *(a.casefold() for a in data.get("aliases", []))}:
                return name, data
    raise SarasehanError("composer.unknown_platform", platform=platform, valid=", ".join(platforms))


def _check_inputs(text: object, alt_text: object, audience: object, spec: dict) -> str:
    if not isinstance(text, str):
        raise SarasehanError("composer.not_text", type=type(text).__name__)
    if alt_text is not None and not isinstance(alt_text, str):
        raise SarasehanError("composer.alt_not_text", type=type(alt_text).__name__)
    audiences = spec["audiences"]
    if audience is not None and audience not in audiences:
        raise SarasehanError("composer.unknown_audience", audience=audience, valid=", ".join(audiences))
    return alt_text or ""


def _problems(name: str, data: dict, length: int, tags: list[str]) -> list[Problem]:
    found = []
    if length > data["limit"]:
        found.append(Problem("over_limit", t("composer.problem.over_limit", over=length - data["limit"],
                                             platform=name, limit=data["limit"])))
    most = data.get("max_hashtags")
    if most is not None and len(tags) > most:
        found.append(Problem("too_many_hashtags", t("composer.problem.too_many_hashtags", n=len(tags),
                                                    maximum=most, platform=name)))
    seen: set[str] = set()
    reported: set[str] = set()
    for tag in tags:
        body, folded = tag[1:], tag.casefold()
        if folded in seen:
            if folded not in reported:
                found.append(Problem("duplicate_hashtag", t("composer.problem.duplicate_hashtag", tag=tag)))
                reported.add(folded)
            continue
        seen.add(folded)
        if body.isdigit():
            found.append(Problem("digits_only_hashtag", t("composer.problem.digits_only_hashtag", tag=tag)))
        if len(body) > LONG_HASHTAG:
            found.append(Problem("long_hashtag", t("composer.problem.long_hashtag", tag=tag, n=len(body),
                                                   maximum=LONG_HASHTAG)))
    return found


def analyse_post(text: str, platform: str, alt_text: str = "", audience: str | None = None,
                 *, spec: dict | None = None) -> Analysis:
    """Measure and check a draft post for ``platform`` (see the module docstring).

    Raises :class:`SarasehanError` for an unknown platform or audience, or
    when ``text`` or ``alt_text`` is not a string.
    """
    spec = _spec(spec)
    name, data = resolve_platform(platform, spec)
    alt_text = _check_inputs(text, alt_text, audience, spec)
    length = x_length(text, data.get("link_length") or 0) if data.get("weighted") else len(text)
    preview = data.get("preview")
    tags = find_hashtags(text)
    results = {
        "call_to_action": checks.call_to_action(text),
        "who_what_where_when": checks.who_what_where_when(text),
        "respectful_tone": checks.respectful_tone(text),
        "accessibility": checks.accessibility(alt_text, name, bool(data.get("alt_text"))),
    }
    return Analysis(
        platform=name,
        audience=audience,
        length=length,
        limit=data["limit"],
        hashtags=tags,
        problems=_problems(name, data, length, tags),
        checklist={k: results[k][0] for k in CHECKS},
        explanations={k: results[k][1] for k in CHECKS},
        preview_limit=preview,
        preview_cut=text[preview:] if preview else "",
        hints=checks.camelcase_hints(tags),
        audience_tip=pick(spec["audiences"][audience]["tip"]) if audience else "",
    )


def make_draft(platform: str, audience: str | None, text: str, alt_text: str = "",
               *, spec: dict | None = None) -> ComposerDraft:
    """A checked, time-stamped draft (not saved); an empty text is refused."""
    spec = _spec(spec)
    name, _ = resolve_platform(platform, spec)
    alt_text = _check_inputs(text, alt_text, audience, spec)
    if not text.strip():
        raise SarasehanError("composer.empty")
    return ComposerDraft(name, audience, text, alt_text, datetime.now().isoformat(timespec="microseconds"))


def save_draft(platform: str, audience: str | None, text: str, alt_text: str = "",
               *, store: AnswerStore | None = None, spec: dict | None = None) -> ComposerDraft:
    """Save the draft for ``platform`` in the learner's folder (replacing the previous one)."""
    draft = make_draft(platform, audience, text, alt_text, spec=spec)
    record = asdict(draft)
    del record["platform"]  # it is the key
    (store or AnswerStore(STORE_NAME)).set(draft.platform, record)
    return draft


def load_drafts(*, store: AnswerStore | None = None) -> dict[str, ComposerDraft]:
    """The saved drafts by platform; malformed entries are skipped."""
    drafts = {}
    for name, rec in (store or AnswerStore(STORE_NAME)).all().items():
        if isinstance(rec, dict) and isinstance(rec.get("text"), str):
            audience = rec.get("audience") if isinstance(rec.get("audience"), str) else None
            alt = rec.get("alt_text") if isinstance(rec.get("alt_text"), str) else ""
            drafts[name] = ComposerDraft(name, audience, rec["text"], alt, str(rec.get("saved_at", "")))
    return drafts


class MessageComposer:
    """The model behind the widget: platform data, analysis and the learner's drafts.

    ``store=None`` keeps nothing on disk (for demonstrations and tests).
    """

    def __init__(self, spec: dict | None = None, store: AnswerStore | None | bool = True):
        self.spec = _spec(spec)
        self.store = AnswerStore(STORE_NAME) if store is True else (store or None)

    @property
    def platforms(self) -> list[str]:
        return list(self.spec["platforms"])

    @property
    def checked(self) -> str:
        return str(self.spec.get("checked", "?"))

    def platform(self, name: str) -> dict:
        return resolve_platform(name, self.spec)[1]

    def audience_choices(self) -> list[tuple[str, str]]:
        """(label, audience id) pairs for a dropdown, in the learner's language."""
        return [(pick(a), key) for key, a in self.spec["audiences"].items()]

    def audience_label(self, audience: str) -> str:
        return pick(self.spec["audiences"][audience])

    def analyse(self, text: str, platform: str, alt_text: str = "", audience: str | None = None) -> Analysis:
        return analyse_post(text, platform, alt_text, audience, spec=self.spec)

    def save(self, platform: str, audience: str | None, text: str, alt_text: str = "") -> ComposerDraft:
        if self.store is None:
            return make_draft(platform, audience, text, alt_text, spec=self.spec)
        return save_draft(platform, audience, text, alt_text, store=self.store, spec=self.spec)

    def drafts(self) -> dict[str, ComposerDraft]:
        return load_drafts(store=self.store) if self.store is not None else {}

    def last_platform(self) -> str | None:
        """The platform of the most recently saved draft, if any."""
        drafts = [d for d in self.drafts().values() if d.platform in self.spec["platforms"]]
        return max(drafts, key=lambda d: d.saved_at).platform if drafts else None
