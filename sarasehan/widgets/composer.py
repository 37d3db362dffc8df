from __future__ import annotations

import ipywidgets as w

from ..composer import CHECK_LABELS, Analysis, MessageComposer
from ..errors import SarasehanError
from ..i18n import pick, t
from ._common import esc, safe_call, status

_PRE = "white-space:pre-wrap;margin:0.3em 0;padding:0.3em 0.6em;border-left:3px solid #bbb;color:#555"


class MessageComposerWidget(w.VBox):
    """Draft a post for a platform and an audience; the feedback updates as you type.

    The saved draft of the selected platform is restored when the widget is
    built (after a kernel restart) and when the platform changes; before
    switching, unsaved text is saved as the draft of the platform it was
    written for, so nothing typed is lost.
    """

    def __init__(self, model: MessageComposer | None = None):
        self.model = model or MessageComposer()
        m = self.model
        header = w.HTML(f"<h4>{esc(t('composer.title'))}</h4><p>{esc(t('composer.instructions'))}</p>"
                        f"<p><small>{esc(t('composer.help', checked=m.checked))}</small></p>")
        wide = {"description_width": "initial"}
        self.platform = w.Dropdown(options=m.platforms, description=t("composer.platform"), style=wide)
        choices = m.audience_choices()
        self.audience = w.Dropdown(options=choices, value=choices[0][1], description=t("composer.audience"),
                                   style=wide)
        self.text = w.Textarea(placeholder=t("composer.text_placeholder"), continuous_update=True,
                               layout=w.Layout(width="95%", height="9em"))
        self.text.add_class("sarasehan-composer-text")
        self.alt_text = w.Textarea(placeholder=t("composer.alt_placeholder"), continuous_update=True,
                                   layout=w.Layout(width="95%", height="4em"))
        self.alt_text.add_class("sarasehan-composer-alt")
        self.count = w.HTML()
        self.count.add_class("sarasehan-composer-count")
        self.panel = w.HTML()
        self.panel.add_class("sarasehan-composer-feedback")
        self.save_button = w.Button(description=t("composer.save"), button_style="primary", icon="save")
        self.save_button.add_class("sarasehan-composer-save")
        self.status = w.HTML()
        self.analysis: Analysis | None = None

        last = m.last_platform()
        if last:
            self.platform.value = last
        self._restore(self.platform.value)
        if m.store is not None and m.store.message:
            self.status.value = status("warn", m.store.message)
        self.platform.observe(self._on_platform, names="value")
        for box in (self.audience, self.text, self.alt_text):
            box.observe(lambda _: self.refresh(), names="value")
        self.save_button.on_click(lambda _: self.save())
        self.refresh()
        super().__init__([
            header, w.HBox([self.platform, self.audience]),
            w.HTML(f"<b>{esc(t('composer.text_label'))}</b>"), self.text, self.count,
            w.HTML(f"<b>{esc(t('composer.alt_label'))}</b>"), self.alt_text,
            w.HBox([self.save_button]), self.status, self.panel,
        ])
        self.add_class("sarasehan-composer")

    # -- drafts ---------------------------------------------------------------
    def _restore(self, platform: str) -> bool:
        draft = self.model.drafts().get(platform)
        if draft is None:
            return False
        self.text.value, self.alt_text.value = draft.text, draft.alt_text
        if draft.audience in dict((k, v) for v, k in self.audience.options):
            self.audience.value = draft.audience
        when = draft.saved_at[:16].replace("T", " ")
        self.status.value = status("info", t("composer.restored", platform=platform, saved_at=when))
        return True

    def _on_platform(self, change) -> None:
        old, new = change["old"], change["new"]
        saved = self.model.drafts().get(old)
        unsaved = self.text.value.strip() and (
            saved is None or (saved.text, saved.alt_text) != (self.text.value, self.alt_text.value))
        note = ""
        if unsaved:
            if not safe_call(self.status, self.model.save, old, self.audience.value,
                             self.text.value, self.alt_text.value):
                self.refresh()  # not saved: keep the text on screen, the error is shown
                return
            note = status("info", t("composer.autosaved", platform=old))
        if not self._restore(new):
            self.status.value = note or ""
        elif note:
            self.status.value = note + self.status.value
        self.refresh()

    def save(self):
        """Save the current text as the draft for the selected platform (the button does this)."""
        draft = safe_call(self.status, self.model.save, self.platform.value, self.audience.value,
                          self.text.value, self.alt_text.value)
        if draft:
            where = self.model.store.path if self.model.store is not None else "-"
            self.status.value = status("ok", t("composer.saved", platform=draft.platform, where=str(where)))
        return draft

    # -- feedback -------------------------------------------------------------
    def refresh(self) -> Analysis | None:
        """Analyse the current text and redraw the count and the feedback panel."""
        try:
            a = self.model.analyse(self.text.value, self.platform.value, self.alt_text.value, self.audience.value)
        except SarasehanError as err:
            self.panel.value, self.analysis = status("bad", str(err)), None
            return None
        self.analysis = a
        self.count.value = self._count_html(a)
        self.panel.value = self._panel_html(a)
        return a

    def _count_html(self, a: Analysis) -> str:
        colour = "#b71c1c" if a.over_limit else ("#e65100" if a.remaining < a.limit * 0.1 else "#1b5e20")
        rest = t("composer.over", over=-a.remaining) if a.over_limit else t("composer.remaining", remaining=a.remaining)
        html = f"<b style='color:{colour}'>{a.length} / {a.limit}</b> · {esc(rest)}"
        data = self.model.platform(a.platform)
        if data.get("weighted"):
            html += f" <small>({esc(t('composer.x_counting', link_length=data.get('link_length')))})</small>"
        return f"<div>{html}</div>"

    def _panel_html(self, a: Analysis) -> str:
        data = self.model.platform(a.platform)
        parts = [f"<p><small>{esc(pick(data['note']))} <a href='{esc(data['source'])}' target='_blank' "
                 f"rel='noopener'>{esc(t('composer.source'))}</a></small></p>"]
        if a.preview_cut:
            parts.append(f"<p>{esc(t('composer.preview_cut', preview=a.preview_limit))}</p>"
                         f"<div style='{_PRE}'>{esc(a.preview_cut)}</div>")
        elif a.preview_limit and self.text.value:
            parts.append(f"<p>{esc(t('composer.preview_all', preview=a.preview_limit))}</p>")
        tags = ", ".join(esc(tag) for tag in a.hashtags)
        parts.append(f"<p><b>{esc(t('composer.hashtags', n=len(a.hashtags)))}</b>: {tags}</p>" if a.hashtags
                     else f"<p>{esc(t('composer.no_hashtags'))}</p>")
        if a.problems:
            items = "".join(f"<li>{esc(p.message)}</li>" for p in a.problems)
            parts.append(f"<div class='sarasehan-bad' style='color:#b71c1c'><b>{esc(t('composer.problems'))}</b>"
                         f"<ul>{items}</ul></div>")
        else:
            parts.append(status("ok", t("composer.no_problems")))
        rows = "".join(
            f"<li style='color:{'#1b5e20' if ok else '#b71c1c'}'>{'✓' if ok else '✗'} "
            f"<b>{esc(t(CHECK_LABELS[name]))}</b>: {esc(a.explanations[name])}</li>"
            for name, ok in a.checklist.items())
        parts.append(f"<b>{esc(t('composer.checklist'))}</b><ul style='list-style:none;padding-left:0.5em'>{rows}</ul>")
        parts.append(status("info", t("composer.score", passed=a.passed, total=len(a.checklist))))
        if a.hints:
            hints = "".join(f"<li>{esc(h)}</li>" for h in a.hints)
            parts.append(f"<b>{esc(t('composer.hints'))}</b><ul>{hints}</ul>")
        if a.audience_tip:
            label = self.model.audience_label(a.audience)
            parts.append(f"<p><i>{esc(t('composer.tip', audience=label))}</i> {esc(a.audience_tip)}</p>")
        return "".join(parts)


def message_composer() -> MessageComposerWidget:
    """Module 02's exercise: draft a campaign post and get live feedback."""
    return MessageComposerWidget()
