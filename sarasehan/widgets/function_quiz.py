from __future__ import annotations

import ipywidgets as w

from ..function_quiz import FunctionQuiz
from ..i18n import pick, t
from ._common import esc, safe_call, status


class FunctionQuizWidget(w.VBox):
    """One card per example post: pick a function, check, read the explanation."""

    def __init__(self, model: FunctionQuiz | None = None):
        self.model = model or FunctionQuiz()
        self.score = w.HTML()
        self.dropdowns: dict[str, w.Dropdown] = {}
        self.feedback: dict[str, w.HTML] = {}
        cards: list[w.Widget] = [w.HTML(f"<h4>{esc(t('quiz.title'))}</h4><p>{esc(t('quiz.instructions'))}</p>")]
        if self.model.store is not None and self.model.store.message:
            cards.append(w.HTML(status("warn", self.model.store.message)))
        placeholder = [(t("quiz.choose"), "")]
        for n, item in enumerate(self.model.items, start=1):
            post = w.HTML(
                f"<div class='sarasehan-post'><b>{n}. {esc(item.get('platform', ''))}</b>"
                f"<blockquote>{esc(pick(item['post']))}</blockquote></div>"
            )
            dropdown = w.Dropdown(options=placeholder + self.model.choices(), value="", description="")
            dropdown.add_class("sarasehan-quiz-choice")
            button = w.Button(description=t("quiz.check"), icon="search")
            button.add_class("sarasehan-quiz-check")
            fb = w.HTML()
            fb.add_class("sarasehan-quiz-feedback")
            saved = self.model.saved(item["id"])
            if saved in self.model.functions:
                dropdown.value = saved
                fb.value = self._render(item["id"], saved, store=False)
            button.on_click(self._on_check(item["id"]))
            self.dropdowns[item["id"]] = dropdown
            self.feedback[item["id"]] = fb
            cards.append(w.VBox([post, w.HBox([dropdown, button]), fb]))
        cards.append(self.score)
        self._update_score()
        super().__init__(cards)
        self.add_class("sarasehan-function-quiz")

    def _render(self, item_id: str, function: str, store: bool = True) -> str:
        model = self.model
        if not store:
            saved_store, model.store = model.store, None
            try:
                fb = model.answer(item_id, function)
            finally:
                model.store = saved_store
        else:
            fb = model.answer(item_id, function)
        return status("ok" if fb.correct else "bad", fb.text)

    def _on_check(self, item_id: str):
        def handler(_):
            choice = self.dropdowns[item_id].value
            if not choice:
                self.feedback[item_id].value = status("warn", t("quiz.pick_first"))
                return
            html = safe_call(self.feedback[item_id], self._render, item_id, choice)
            if html:
                self.feedback[item_id].value = html
            self._update_score()
        return handler

    def check(self, item_id: str, function: str) -> str:
        """Programmatic use (and tests): choose ``function`` and press the check button."""
        self.dropdowns[item_id].value = function
        self._on_check(item_id)(None)
        return self.feedback[item_id].value

    def _update_score(self) -> None:
        right, total = self.model.score()
        self.score.value = status("info", t("quiz.score", right=right, total=total))


def function_quiz() -> FunctionQuizWidget:
    """Module 01's exercise: match example posts to the functions of social media."""
    return FunctionQuizWidget()
