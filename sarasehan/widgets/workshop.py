"""Workshop-mode widgets for facilitators: thin layers over :mod:`sarasehan.workshop`.

Each factory returns an ``ipywidgets.VBox`` with the logic object at ``.model``.
Everything works without a browser: tests set widget values and call
``.click()`` on the buttons; the timer can be driven with an injected clock.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w

from ..i18n import t
from ..workshop import board, questions
from ..workshop.answers import AnswerForm
from ..workshop.groups import GroupSplit, group_cards, role_label
from ..workshop.merge import merge_answers, pack_answers
from ..workshop.roster import EXPECTED, Roster
from ..workshop.session import WorkshopSession, open_session
from ..workshop.timer import Countdown, Ticker, format_mmss
from ._common import esc, safe_call, status


def _button(key: str, icon: str, css: str, style: str = "") -> w.Button:
    b = w.Button(description=t(key), icon=icon, button_style=style)
    b.add_class(css)
    return b


# --- roster --------------------------------------------------------------------------------
class RosterWidget(w.VBox):
    """Paste CSV into the box, or type a file path, then press Load."""

    def __init__(self, model: Roster | None = None, source: str | Path | None = None):
        self.model = model or Roster()
        self.text = w.Textarea(placeholder=f"{EXPECTED}\n" + t("workshop.roster.paste_placeholder"),
                               layout=w.Layout(width="95%", height="10em"))
        self.text.add_class("sarasehan-workshop-roster-text")
        self.path = w.Text(placeholder=t("workshop.roster.path_placeholder"), description=t("workshop.roster.path"),
                           layout=w.Layout(width="95%"))
        self.path.add_class("sarasehan-workshop-roster-path")
        self.button = _button("workshop.roster.load", "upload", "sarasehan-workshop-roster-load", "primary")
        self.button.on_click(lambda _: self.load())
        self.status = w.HTML()
        self.problems = w.HTML()
        self.table = w.HTML()
        header = w.HTML(f"<h4>{esc(t('workshop.roster.title'))}</h4>"
                        f"<p>{esc(t('workshop.roster.help', expected=EXPECTED))}</p>")
        super().__init__([header, self.text, self.path, self.button, self.status, self.problems, self.table])
        self.add_class("sarasehan-workshop-roster")
        if source is not None:
            self.load(source)

    def load(self, source: str | Path | None = None) -> int | None:
        """Load ``source``, else the path box, else the pasted text; return the number read."""
        if source is None:
            typed = self.path.value.strip()
            source = Path(typed) if typed else self.text.value
        if isinstance(source, str) and not source.strip():
            self.status.value = status("warn", t("workshop.roster.nothing", expected=EXPECTED))
            return None
        n = safe_call(self.status, self.model.load, source)
        if n is None:
            self.problems.value = self.table.value = ""
            return None
        c = self.model.counts()
        kind = "ok" if not self.model.problems else "warn"
        self.status.value = status(kind, t("workshop.roster.loaded", n=n, a=c["A"], b=c["B"],
                                           staff=c["staff"], volunteers=c["volunteer"]))
        if self.model.problems:
            items = "".join(f"<li>{esc(p.message)}</li>" for p in self.model.problems)
            self.problems.value = (f"<div class='sarasehan-workshop-problems'><b>"
                                   f"{esc(t('workshop.roster.problems', n=len(self.model.problems)))}</b>"
                                   f"<ul>{items}</ul></div>")
        else:
            self.problems.value = ""
        rows = "".join(
            f"<tr><td>{esc(p.name)}</td><td>{esc(p.contingent)}</td><td>{esc(role_label(p.role))}</td>"
            f"<td>{esc(p.category)}</td></tr>" for p in self.model.participants)
        heads = "".join(f"<th>{esc(t(k))}</th>" for k in ("workshop.col.name", "workshop.col.contingent",
                                                           "workshop.col.role", "workshop.col.category"))
        self.table.value = f"<details><summary>{esc(t('workshop.roster.show'))}</summary><table><tr>{heads}</tr>{rows}</table></details>"
        return n


def workshop_roster(source: str | Path | None = None) -> RosterWidget:
    """The roster widget; ``source`` (a CSV path or CSV text) is loaded straight away if given."""
    return RosterWidget(source=source)


# --- groups --------------------------------------------------------------------------------
class GroupsWidget(w.VBox):
    """Group size, seed and a Split button; shows group cards, then question cards on request."""

    def __init__(self, model: GroupSplit):
        self.model = model
        self.size = w.IntSlider(value=int(model.size), min=2, max=12, description=t("workshop.groups.size"))
        self.size.add_class("sarasehan-workshop-size")
        self.seed = w.IntText(value=int(model.seed or 0), description=t("workshop.groups.seed"))
        self.seed.add_class("sarasehan-workshop-seed")
        self.button = _button("workshop.groups.split", "random", "sarasehan-workshop-split", "primary")
        self.button.on_click(lambda _: self.split())
        self.module = w.Dropdown(options=questions.modules(), value="01" if "01" in questions.modules() else None,
                                 description=t("workshop.questions.module"))
        self.module.add_class("sarasehan-workshop-module")
        self.questions_button = _button("workshop.questions.show", "question", "sarasehan-workshop-questions")
        self.questions_button.on_click(lambda _: self.show_questions())
        self.status = w.HTML()
        self.cards = w.HTML()
        self.question_cards = w.HTML()
        help_html = w.HTML(f"<h4>{esc(t('workshop.groups.title'))}</h4><p>{esc(t('workshop.groups.help'))}</p>")
        super().__init__([help_html, w.HBox([self.size, self.seed]), self.button, self.status, self.cards,
                          w.HBox([self.module, self.questions_button]), self.question_cards])
        self.add_class("sarasehan-workshop-groups")

    def split(self):
        groups = safe_call(self.status, self.model.split, self.size.value, self.seed.value)
        if groups is None:
            return None
        where = str(self.model.session.info_path) if self.model.session else None
        text = t("workshop.groups.done", n=len(groups))
        if where:
            text += " " + t("common.saved", where=where)
        self.status.value = status("ok", text)
        self.cards.value = str(group_cards(groups))
        self.question_cards.value = ""
        return groups

    def show_questions(self):
        if not self.model.groups:
            self.status.value = status("warn", t("workshop.questions.split_first"))
            return None
        cards = safe_call(self.status, questions.question_cards, self.model.groups, self.module.value, self.model.seed)
        if cards is not None:
            self.question_cards.value = str(cards)
        return cards


def workshop_groups(roster_widget_or_participants, session: WorkshopSession | str | Path | None = None,
                    size: int = 5, seed: int = 0) -> GroupsWidget:
    """The split widget. Give it the roster widget (read again at each split) or a list of participants.

    With ``session``, each split is saved in the session so the answer forms list the groups.
    """
    return GroupsWidget(GroupSplit(roster_widget_or_participants, session=session, size=size, seed=seed))


# --- answer form ---------------------------------------------------------------------------
class GroupAnswerForm(w.VBox):
    """Choose the group, read its question, type the answer, press Save."""

    def __init__(self, model: AnswerForm):
        self.model = model
        self._unsaved: dict[str, str] = {}
        self.group = w.Dropdown(options=model.group_ids, value=model.group_ids[0], description=t("workshop.answers.group"))
        self.group.add_class("sarasehan-workshop-group")
        self.question = w.HTML()
        self.answer = w.Textarea(placeholder=t("workshop.answers.placeholder"), layout=w.Layout(width="95%", height="10em"))
        self.answer.add_class("sarasehan-workshop-answer")
        self.button = _button("workshop.answers.save", "save", "sarasehan-workshop-save", "primary")
        self.button.on_click(lambda _: self.save())
        self.pack_button = _button("workshop.answers.pack", "archive", "sarasehan-workshop-pack")
        self.pack_button.on_click(lambda _: self.pack())
        self.status = w.HTML()
        header = w.HTML(f"<h4>{esc(t('workshop.answers.title', module=model.module))}</h4>"
                        f"<p>{esc(t('workshop.answers.where', folder=str(model.session.answers_dir), device=model.device))}</p>")
        self.group.observe(self._on_group, names="value")
        self._show(self.group.value)
        super().__init__([header, self.group, self.question, self.answer,
                          w.HBox([self.button, self.pack_button]), self.status])
        self.add_class("sarasehan-workshop-form")
        if model.session.message:
            self.status.value = status("warn", model.session.message)

    def _show(self, group: str) -> None:
        q = safe_call(self.status, self.model.question, group)
        self.question.value = (f"<div class='sarasehan-card'><b>{esc(t('workshop.answers.question', group=group))}</b>"
                               f"<p>{esc(q.text)}</p></div>") if q else ""
        if group in self._unsaved:
            self.answer.value = self._unsaved.pop(group)
        else:
            saved = self.model.saved(group)
            self.answer.value = saved["answer"] if saved else ""
            if saved:
                self.status.value = status("info", t("workshop.answers.restored", saved_at=saved["saved_at"]))

    def _on_group(self, change) -> None:
        old = change["old"]
        if old and self.answer.value.strip():
            saved = self.model.saved(old)
            if not saved or saved["answer"] != self.answer.value.strip():
                self._unsaved[old] = self.answer.value  # kept in memory until the group is chosen again
        self.status.value = ""
        self._show(change["new"])

    def save(self):
        result = safe_call(self.status, self.model.save, self.group.value, self.answer.value)
        if result:
            path, _ = result
            self.status.value = status("ok", t("common.saved", where=str(path)))
        return result

    def pack(self):
        """Zip this laptop's answers for a USB stick or a chat message."""
        path = safe_call(self.status, pack_answers, self.model.session, None, self.model.device)
        if path:
            self.status.value = status("ok", t("workshop.answers.packed", path=str(path)))
        return path


def group_answer_form(session: WorkshopSession | str | Path | None = None, module: object = "01",
                      groups=None, device: str | None = None) -> GroupAnswerForm:
    """A group's answer form for ``module``; answers go to ``<session folder>/answers/<group>.json``."""
    return GroupAnswerForm(AnswerForm(session, module, groups=groups, device=device))


# --- timer ---------------------------------------------------------------------------------
class TimerWidget(w.VBox):
    """Minutes, Start and Stop, and the time left in big figures.

    A daemon thread ticks once a second (``autotick``); it never blocks the
    kernel and stops on Stop, at zero, or when the widget is closed. Without
    a browser (or in tests) call :meth:`tick` with an injected ``clock``.
    """

    def __init__(self, minutes: int = 10, clock=None, autotick: bool = True, interval: float = 1.0):
        self.clock = clock
        self.autotick = autotick
        self.minutes = w.BoundedIntText(value=max(1, min(180, int(minutes))), min=1, max=180,
                                        description=t("workshop.timer.minutes"))
        self.minutes.add_class("sarasehan-workshop-minutes")
        self.minutes.observe(lambda _: self._reset_if_idle(), names="value")
        self.start_button = _button("workshop.timer.start", "play", "sarasehan-workshop-start", "success")
        self.stop_button = _button("workshop.timer.stop", "stop", "sarasehan-workshop-stop", "danger")
        self.start_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.display = w.HTML()
        self.display.add_class("sarasehan-workshop-remaining")
        self.ticker = Ticker(self.tick, interval)
        self.model = Countdown(self.minutes.value * 60, clock=clock)
        self.model.stop(self.model.started_at)
        self._render("workshop.timer.ready")
        super().__init__([w.HBox([self.minutes, self.start_button, self.stop_button]), self.display])
        self.add_class("sarasehan-workshop-timer")

    def _render(self, state_key: str) -> None:
        colour = "#b71c1c" if state_key == "workshop.timer.finished" else "#222"
        self.display.value = (f"<div style='font-size:3em;font-weight:bold;color:{colour}'>"
                              f"{format_mmss(self.model.remaining())}</div><div>{esc(t(state_key))}</div>")

    def _reset_if_idle(self) -> None:
        """Show the new full time when the minutes change while the timer is not running."""
        if not self.ticker.running and (self.model.stopped or self.model.finished()):
            self.model = Countdown(self.minutes.value * 60, clock=self.clock)
            self.model.stop(self.model.started_at)
            self._render("workshop.timer.ready")

    def start(self) -> Countdown:
        self.ticker.stop()
        self.model = Countdown(self.minutes.value * 60, clock=self.clock)
        self._render("workshop.timer.running")
        if self.autotick:
            self.ticker.start()
        return self.model

    def stop(self) -> None:
        self.ticker.stop()
        self.model.stop()
        self._render("workshop.timer.finished" if self.model.finished() else "workshop.timer.stopped")

    def tick(self) -> bool:
        """Update the display; return ``False`` once time is up (which stops the ticking)."""
        if self.model.finished():
            self.ticker.stop()
            self._render("workshop.timer.finished")
            return False
        self._render("workshop.timer.stopped" if self.model.stopped else "workshop.timer.running")
        return not self.model.stopped

    def close(self) -> None:
        self.ticker.stop()
        super().close()


def workshop_timer(minutes: int = 10, clock=None, autotick: bool = True) -> TimerWidget:
    """A countdown timer for group work (default 10 minutes)."""
    return TimerWidget(minutes, clock=clock, autotick=autotick)


# --- results board -------------------------------------------------------------------------
class ResultsBoardWidget(w.VBox):
    """All groups' answers side by side, with Refresh, Export and Merge."""

    def __init__(self, model: WorkshopSession):
        self.model = model
        self.refresh_button = _button("workshop.board.refresh", "refresh", "sarasehan-workshop-refresh")
        self.export_button = _button("workshop.board.export", "download", "sarasehan-workshop-export", "primary")
        self.merge_path = w.Text(placeholder=t("workshop.merge.path_placeholder"), description=t("workshop.merge.path"),
                                 layout=w.Layout(width="95%"))
        self.merge_path.add_class("sarasehan-workshop-merge-path")
        self.merge_button = _button("workshop.merge.button", "compress", "sarasehan-workshop-merge")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.export_button.on_click(lambda _: self.export())
        self.merge_button.on_click(lambda _: self.merge())
        self.status = w.HTML()
        self.report = w.HTML()
        self.board = w.HTML()
        header = w.HTML(f"<h4>{esc(t('workshop.board.title', session=model.name))}</h4>"
                        f"<p>{esc(t('workshop.board.folder', folder=str(model.folder)))}</p>")
        super().__init__([header, w.HBox([self.refresh_button, self.export_button]), self.merge_path,
                          self.merge_button, self.status, self.report, self.board])
        self.add_class("sarasehan-workshop-board-widget")
        self.refresh()

    def refresh(self) -> str:
        self.board.value = str(board.board_html(self.model))
        return self.board.value

    def export(self):
        paths = safe_call(self.status, board.export_session, self.model)
        if paths:
            self.status.value = status("ok", t("workshop.board.exported_to",
                                               files=", ".join(p.name for p in paths.values()),
                                               folder=str(self.model.folder)))
        return paths

    def merge(self):
        sources = [s.strip() for s in self.merge_path.value.replace("\n", ";").split(";") if s.strip()]
        if not sources:
            self.status.value = status("warn", t("workshop.merge.no_path"))
            return None
        report = safe_call(self.status, merge_answers, self.model, sources)
        if report is None:
            return None
        self.status.value = status("ok" if report.ok else "warn", report.summary())
        self.report.value = report._repr_html_()
        self.refresh()
        return report


def results_board(session: WorkshopSession | str | Path | None = None) -> ResultsBoardWidget:
    """The results board of a session (default session: ``sarasehan`` in your learner folder)."""
    return ResultsBoardWidget(open_session(session))
