from __future__ import annotations

import ipywidgets as w

from ..discussion import DiscussionCard
from ..i18n import t
from ._common import esc, safe_call, status


class DiscussionWidget(w.VBox):
    """A discussion card: the question, a group name, an answer box and a save button."""

    def __init__(self, model: DiscussionCard):
        self.model = model
        prompts = "".join(f"<li>{esc(p)}</li>" for p in model.prompts)
        header = w.HTML(
            f"<div class='sarasehan-card'><b>{esc(t('discussion.title', minutes=model.minutes))}</b>"
            f"<p>{esc(model.question)}</p><ul>{prompts}</ul></div>"
        )
        self.group = w.Text(placeholder=t("discussion.group_placeholder"), description=t("discussion.group"))
        self.answer = w.Textarea(placeholder=t("discussion.answer_placeholder"),
                                 layout=w.Layout(width="95%", height="8em"))
        self.answer.add_class("sarasehan-discussion-answer")
        self.button = w.Button(description=t("discussion.save"), button_style="primary", icon="save")
        self.button.add_class("sarasehan-discussion-save")
        self.status = w.HTML()
        self.history = w.HTML()
        self.button.on_click(lambda _: self.save())
        self._refresh()
        if model.message:
            self.status.value = status("warn", model.message)
        super().__init__([header, self.group, self.answer, self.button, self.status, self.history])
        self.add_class("sarasehan-discussion")

    def _refresh(self) -> None:
        entries = self.model.entries()
        if not entries:
            self.history.value = ""
            return
        items = "".join(f"<li><b>{esc(e['group'])}</b> ({esc(e['saved_at'])}): {esc(e['answer'])}</li>"
                        for e in entries[-5:])
        self.history.value = f"<details open><summary>{esc(t('discussion.saved_answers', n=len(entries)))}</summary><ul>{items}</ul></details>"

    def save(self):
        entry = safe_call(self.status, self.model.save, self.group.value, self.answer.value)
        if entry:
            self.status.value = status("ok", t("common.saved", where=str(self.model.path)))
            self._refresh()
        return entry


def discussion_card(key: str) -> DiscussionWidget:
    """A group-discussion card; ``key`` names a card in ``sarasehan/content/discussions.yml``."""
    return DiscussionWidget(DiscussionCard(key))
