"""Module 01's exercise: which function of social media does a post serve?

Pure logic; the widget in :mod:`sarasehan.widgets.function_quiz` shows it.

>>> quiz = FunctionQuiz(store=None)
>>> item = quiz.items[0]
>>> fb = quiz.answer(item["id"], item["answer"])
>>> fb.correct
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .answers import AnswerStore
from .content import load_content
from .errors import SarasehanError
from .i18n import pick, t

STORE_NAME = "m01_function_quiz"


@dataclass
class Feedback:
    correct: bool
    chosen: str
    expected_label: str
    explanation: str

    @property
    def text(self) -> str:
        head = t("quiz.correct") if self.correct else t("quiz.wrong", answer=self.expected_label)
        return f"{head} {self.explanation}"


class FunctionQuiz:
    def __init__(self, spec: dict | None = None, store: AnswerStore | None | bool = True):
        self.spec = spec or load_content("function_quiz")
        self.functions: dict = self.spec["functions"]
        self.items: list[dict] = self.spec["items"]
        self._by_id = {i["id"]: i for i in self.items}
        self.store = AnswerStore(STORE_NAME) if store is True else (store or None)

    def label(self, function: str) -> str:
        return pick(self.functions[function])

    def choices(self) -> list[tuple[str, str]]:
        """(label, function id) pairs for a dropdown, in the learner's language."""
        return [(self.label(f), f) for f in self.functions]

    def answer(self, item_id: str, function: str) -> Feedback:
        item = self._by_id.get(item_id)
        if item is None:
            raise SarasehanError("quiz.unknown_item", item=item_id, valid=", ".join(self._by_id))
        if function not in self.functions:
            raise SarasehanError("quiz.unknown_function", function=function, valid=", ".join(self.functions))
        if self.store is not None:
            self.store.set(item_id, function)
        return Feedback(function == item["answer"], function, self.label(item["answer"]), pick(item["explanation"]))

    def saved(self, item_id: str) -> str | None:
        return self.store.get(item_id) if self.store is not None else None

    def score(self) -> tuple[int, int]:
        """(correct answers saved, number of items)."""
        if self.store is None:
            return 0, len(self.items)
        right = sum(1 for i in self.items if self.store.get(i["id"]) == i["answer"])
        return right, len(self.items)
