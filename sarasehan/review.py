"""Module 04's exercise: which of the Movement's guidelines does a post break?

Pure logic; the widget in :mod:`sarasehan.widgets.post_reviewer` shows it.
The posts come from the ``example_posts`` dataset (SYNTHETIC); each post's
explanation is read from its source, ``datasets/sources/example_posts.yml``,
and the guideline behind each issue code from
``sarasehan/content/guideline_issues.yml``.

>>> review = PostReview(store=None)
>>> post = review.items[0]
>>> fb = review.check(post["post_id"], set(post["issues"]))
>>> fb.correct
True
>>> sorted(guideline_issues().columns)
['code', 'guideline', 'label']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .answers import AnswerStore
from .content import load_content
from .data import load_dataset
from .errors import DatasetError, SarasehanError
from .i18n import pick, t
from .paths import datasets_dir

STORE_NAME = "m04_post_review"
DATASET = "example_posts"
SOURCE = Path("sources") / "example_posts.yml"

#: The issue codes, in their fixed order (English identifiers, never translated).
ISSUE_CODES: tuple[str, ...] = (
    "neutrality",
    "dignity",
    "consent",
    "personal_data",
    "location",
    "security",
    "emblem",
    "unauthorised_statement",
    "unverified",
)
#: What the learner may pass instead of an empty set to say "this post is fine".
NO_ISSUE = "no_issue"
ACCOUNT_TYPES = ("official_branch", "volunteer_personal", "staff_personal")
OUTCOMES = ("correct", "missed", "false_alarm")


def issue_spec() -> dict:
    """``{code: {"label", "guideline", "source"}}`` from ``guideline_issues.yml``."""
    return load_content("guideline_issues")["issues"]


def issue_label(code: str, lang: str | None = None) -> str:
    return pick(issue_spec()[code]["label"], lang)


def guideline_issues(with_sources: bool = False) -> pd.DataFrame:
    """The issue codes with their label and guideline in the learner's language.

    ``with_sources=True`` adds ``source_title`` and ``source_url``.
    """
    rows = []
    for code in ISSUE_CODES:
        spec = issue_spec()[code]
        row = {"code": code, "label": pick(spec["label"]), "guideline": pick(spec["guideline"])}
        if with_sources:
            row["source_title"] = spec["source"]["title"]
            row["source_url"] = spec["source"]["url"]
        rows.append(row)
    return pd.DataFrame(rows)


@lru_cache(maxsize=4)
def _source(path: str) -> dict:
    file = Path(path)
    if not file.exists():
        raise DatasetError("review.no_source", path=path)
    posts = yaml.safe_load(file.read_text(encoding="utf-8"))["posts"]
    return {p["post_id"]: p for p in posts}


def load_example_posts_source() -> dict[str, dict]:
    """The hand-written posts with their explanations, ``{post_id: post}``."""
    return _source(str(datasets_dir() / SOURCE))


def load_review_items() -> list[dict]:
    """The posts to review: the dataset's rows plus each post's explanation."""
    df = load_dataset(DATASET)
    source = load_example_posts_source()
    items = []
    for row in df.to_dict("records"):
        pid = row["post_id"]
        if pid not in source:
            raise DatasetError("review.missing_explanation", post=pid, path=str(datasets_dir() / SOURCE))
        issues = tuple(c for c in str(row["issues"]).split(";") if c)
        items.append({**{k: ("" if pd.isna(v) else str(v)) for k, v in row.items()},
                      "issues": issues, "explanation": source[pid]["explanation"]})
    return items


@dataclass
class IssueResult:
    """How the learner did on one issue code of one post."""

    code: str
    outcome: str  # correct | missed | false_alarm
    label: str
    guideline: str

    @property
    def text(self) -> str:
        outcome = t(f"review.outcome.{self.outcome}")
        return f"{outcome}: {self.label}. {self.guideline}"


@dataclass
class ReviewFeedback:
    post_id: str
    flagged: frozenset
    expected: frozenset
    results: list[IssueResult] = field(default_factory=list)
    explanation: str = ""

    @property
    def correct(self) -> bool:
        """True when the learner flagged exactly the post's issues."""
        return self.flagged == self.expected

    @property
    def right(self) -> int:
        """Judgements that were right: codes correctly flagged, or 1 for a fine post left unflagged."""
        if not self.expected and not self.flagged:
            return 1
        return sum(r.outcome == "correct" for r in self.results)

    @property
    def total(self) -> int:
        return max(1, len(self.results))

    def by_outcome(self, outcome: str) -> list[str]:
        return [r.code for r in self.results if r.outcome == outcome]

    @property
    def headline(self) -> str:
        if self.correct:
            return t("review.clean_right") if not self.expected else t("review.all_right")
        if not self.expected:
            return t("review.clean_wrong")
        return t("review.partly", right=self.right, total=self.total)

    @property
    def text(self) -> str:
        lines = [self.headline, *(r.text for r in self.results), f"{t('review.why')} {self.explanation}"]
        return "\n".join(lines)


class PostReview:
    """The review exercise: flag the issues of each example post, get feedback, keep a score."""

    def __init__(self, items: list[dict] | None = None, store: AnswerStore | None | bool = True):
        self.items: list[dict] = items if items is not None else load_review_items()
        self._by_id = {i["post_id"]: i for i in self.items}
        self.store = AnswerStore(STORE_NAME) if store is True else (store or None)

    def post(self, post_id: str) -> dict:
        item = self._by_id.get(post_id)
        if item is None:
            raise SarasehanError("review.unknown_post", post=post_id, valid=", ".join(self._by_id))
        return item

    @staticmethod
    def label(code: str) -> str:
        return issue_label(code)

    @staticmethod
    def account_label(account_type: str) -> str:
        return t(f"review.account.{account_type}")

    def choices(self) -> list[tuple[str, str]]:
        """(label, code) pairs in the fixed order, in the learner's language."""
        return [(self.label(c), c) for c in ISSUE_CODES]

    @staticmethod
    def normalise(flagged: Iterable[str] | str | None) -> frozenset:
        """The learner's flags as a set of valid codes; refuses unknown codes."""
        if flagged is None:
            flagged = ()
        elif isinstance(flagged, str):
            flagged = (flagged,)
        codes = {str(c).strip() for c in flagged if str(c).strip()}
        if NO_ISSUE in codes:
            others = sorted(codes - {NO_ISSUE})
            if others:
                raise SarasehanError("review.no_issue_with_codes", codes=", ".join(others))
            return frozenset()
        unknown = sorted(codes - set(ISSUE_CODES))
        if unknown:
            raise SarasehanError("review.unknown_code", code=", ".join(unknown),
                                 valid=", ".join((*ISSUE_CODES, NO_ISSUE)))
        return frozenset(codes)

    def feedback(self, post_id: str, flagged: Iterable[str] | str | None) -> ReviewFeedback:
        """Feedback without saving anything."""
        item = self.post(post_id)
        chosen = self.normalise(flagged)
        expected = frozenset(item["issues"])
        results = []
        for code in ISSUE_CODES:
            if code in chosen and code in expected:
                outcome = "correct"
            elif code in expected:
                outcome = "missed"
            elif code in chosen:
                outcome = "false_alarm"
            else:
                continue
            spec = issue_spec()[code]
            results.append(IssueResult(code, outcome, pick(spec["label"]), pick(spec["guideline"])))
        return ReviewFeedback(post_id, chosen, expected, results, pick(item["explanation"]))

    def check(self, post_id: str, flagged: Iterable[str] | str | None) -> ReviewFeedback:
        """Judge the learner's flags for one post and save them.

        ``flagged`` is a set of issue codes; an empty set (or ``{"no_issue"}``)
        says the post is fine.
        """
        fb = self.feedback(post_id, flagged)
        if self.store is not None:
            self.store.set(post_id, sorted(fb.flagged))
        return fb

    def saved(self, post_id: str) -> frozenset | None:
        """The flags saved for a post (``None`` if it was never checked)."""
        if self.store is None:
            return None
        value = self.store.get(post_id)
        if not isinstance(value, list):
            return None
        try:
            return self.normalise(value)
        except SarasehanError:  # a hand-edited file: ignore that answer
            return None

    def score(self) -> tuple[int, int]:
        """(posts whose saved flags are exactly right, number of posts)."""
        right = 0
        for item in self.items:
            flags = self.saved(item["post_id"])
            if flags is not None and flags == frozenset(item["issues"]):
                right += 1
        return right, len(self.items)
