from __future__ import annotations

import ipywidgets as w

from ..i18n import t
from ..review import ISSUE_CODES, PostReview, ReviewFeedback
from ._common import esc, safe_call, status

_KIND = {"correct": "ok", "missed": "bad", "false_alarm": "warn"}


class PostReviewerWidget(w.VBox):
    """One card per example post: tick the problems (or "no issue"), check, read why."""

    def __init__(self, model: PostReview | None = None):
        self.model = model or PostReview()
        self.score = w.HTML()
        self.score.add_class("sarasehan-review-score")
        self.checkboxes: dict[str, dict[str, w.Checkbox]] = {}
        self.no_issue: dict[str, w.Checkbox] = {}
        self.buttons: dict[str, w.Button] = {}
        self.feedback: dict[str, w.HTML] = {}
        cards: list[w.Widget] = [w.HTML(f"<h4>{esc(t('review.title'))}</h4><p>{esc(t('review.instructions'))}</p>")]
        if self.model.store is not None and self.model.store.message:
            cards.append(w.HTML(status("warn", self.model.store.message)))
        for n, item in enumerate(self.model.items, start=1):
            cards.append(self._card(n, item))
        cards.append(self.score)
        self._update_score()
        super().__init__(cards)
        self.add_class("sarasehan-post-reviewer")

    # -- building -------------------------------------------------------------------------

    def _card(self, n: int, item: dict) -> w.VBox:
        pid = item["post_id"]
        image = ""
        if item.get("image_description"):
            image = f"<p><i>{esc(t('review.image'))}:</i> {esc(item['image_description'])}</p>"
        post = w.HTML(
            f"<div class='sarasehan-post'><b>{n}. {esc(item['platform'])}</b> · "
            f"{esc(t('review.account'))}: {esc(self.model.account_label(item['account_type']))}"
            f"<p><i>{esc(t('review.context'))}:</i> {esc(item['context'])}</p>"
            f"<blockquote>{esc(item['text'])}</blockquote>{image}</div>"
        )
        boxes = {}
        for label, code in self.model.choices():
            box = w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
            box.add_class("sarasehan-review-issue")
            box.observe(self._on_issue(pid), names="value")
            boxes[code] = box
        none = w.Checkbox(value=False, description=t("review.no_issue"), indent=False, layout=w.Layout(width="auto"))
        none.add_class("sarasehan-review-no-issue")
        none.observe(self._on_no_issue(pid), names="value")
        button = w.Button(description=t("review.check"), icon="search")
        button.add_class("sarasehan-review-check")
        button.on_click(self._on_check(pid))
        fb = w.HTML()
        fb.add_class("sarasehan-review-feedback")
        self.checkboxes[pid], self.no_issue[pid], self.buttons[pid], self.feedback[pid] = boxes, none, button, fb
        saved = self.model.saved(pid)
        if saved is not None:
            self._set_flags(pid, saved, none_ticked=not saved)
            fb.value = self._render(self.model.feedback(pid, saved))
        grid = w.Box([*boxes.values(), none], layout=w.Layout(display="flex", flex_flow="row wrap", grid_gap="0 1.5em"))
        card = w.VBox([post, w.HTML(f"<b>{esc(t('review.issues_prompt'))}</b>"), grid, button, fb])
        card.add_class("sarasehan-review-card")
        return card

    # -- events ---------------------------------------------------------------------------

    def _on_issue(self, pid: str):
        def handler(change):
            if change["new"]:
                self.no_issue[pid].value = False
        return handler

    def _on_no_issue(self, pid: str):
        def handler(change):
            if change["new"]:
                for box in self.checkboxes[pid].values():
                    box.value = False
        return handler

    def _on_check(self, pid: str):
        def handler(_):
            flags = self.flags(pid)
            if not flags and not self.no_issue[pid].value:
                self.feedback[pid].value = status("warn", t("review.pick_first"))
                return
            fb = safe_call(self.feedback[pid], self.model.check, pid, flags)
            if fb is not None:
                self.feedback[pid].value = self._render(fb)
            self._update_score()
        return handler

    # -- helpers --------------------------------------------------------------------------

    def flags(self, pid: str) -> set[str]:
        """The codes currently ticked on a post's card."""
        return {code for code, box in self.checkboxes[pid].items() if box.value}

    def _set_flags(self, pid: str, flags, none_ticked: bool) -> None:
        for code, box in self.checkboxes[pid].items():
            box.value = code in flags
        self.no_issue[pid].value = none_ticked

    def check(self, post_id: str, flagged) -> str:
        """Programmatic use (and tests): tick ``flagged`` (empty = "no issue") and press Check."""
        codes = self.model.normalise(flagged)
        self.model.post(post_id)  # an unknown id raises a SarasehanError listing the valid ones
        self._set_flags(post_id, codes, none_ticked=not codes)
        self.buttons[post_id].click()
        return self.feedback[post_id].value

    @staticmethod
    def _render(fb: ReviewFeedback) -> str:
        head = status("ok" if fb.correct else "bad", fb.headline)
        items = "".join(f"<li>{status(_KIND[r.outcome], r.text)}</li>" for r in fb.results)
        listing = f"<ul class='sarasehan-review-results'>{items}</ul>" if items else ""
        why = f"<p><b>{esc(t('review.why'))}</b> {esc(fb.explanation)}</p>"
        return head + listing + why

    def _update_score(self) -> None:
        right, total = self.model.score()
        self.score.value = status("info", t("review.score", right=right, total=total))


def post_reviewer() -> PostReviewerWidget:
    """Module 04's exercise: flag what each example post does against the Movement's guidelines."""
    return PostReviewerWidget()


__all__ = ["ISSUE_CODES", "PostReviewerWidget", "post_reviewer"]
