from __future__ import annotations

import ipywidgets as w

from ..i18n import pick, t
from ..placement import PlacementQuiz, load_placement, save_placement, track_info
from ._common import esc, safe_call, status


class PlacementWidget(w.VBox):
    """The placement quiz: one set of radio buttons per question and a save button."""

    def __init__(self, model: PlacementQuiz | None = None):
        self.model = model or PlacementQuiz()
        saved = load_placement()
        self.result = w.HTML()
        if saved.message:
            self.result.value = status("warn", saved.message)
        previous = saved.data.get("answers", {}) if saved.data else {}
        self.radios: dict[str, w.RadioButtons] = {}
        rows: list[w.Widget] = [w.HTML(f"<h4>{esc(t('placement.title'))}</h4>")]
        for n, q in enumerate(self.model.questions, start=1):
            options = [(pick(o["text"]), o["id"]) for o in q["options"]]
            radio = w.RadioButtons(options=options, value=None, layout=w.Layout(width="auto"))
            radio.add_class("sarasehan-placement-q")
            if previous.get(q["id"]) in {o["id"] for o in q["options"]}:
                radio.value = previous[q["id"]]
                self.model.answer(q["id"], radio.value)
            radio.observe(self._on_change(q["id"]), names="value")
            self.radios[q["id"]] = radio
            rows += [w.HTML(f"<b>{n}. {esc(pick(q['text']))}</b>"), radio]
        self.button = w.Button(description=t("placement.save"), button_style="primary", icon="check")
        self.button.add_class("sarasehan-placement-save")
        self.button.on_click(lambda _: safe_call(self.result, self.save))
        if saved.data.get("track") and not saved.message:
            self.result.value = self._track_html(saved.data["track"], saved=True)
        super().__init__(rows + [self.button, self.result])
        self.add_class("sarasehan-placement")

    def _on_change(self, qid: str):
        def handler(change):
            if change["new"] is not None:
                self.model.answer(qid, change["new"])
        return handler

    def _track_html(self, track: str, saved: bool = False) -> str:
        info = track_info(track)
        head = t("placement.saved_track" if saved else "placement.your_track", name=info["name"])
        return status("ok", head) + f"<p>{esc(info['description'])}</p>"

    def save(self) -> str | None:
        if not self.model.complete:
            numbers = [str(i + 1) for i, q in enumerate(self.model.questions) if q["id"] in self.model.missing]
            self.result.value = status("warn", t("placement.incomplete", questions=", ".join(numbers)))
            return None
        record = self.model.record()
        save_placement(record)
        self.result.value = self._track_html(record["track"])
        return record["track"]


def placement_quiz() -> PlacementWidget:
    """Module 00's placement quiz as a widget; the result is saved for later modules."""
    return PlacementWidget()
