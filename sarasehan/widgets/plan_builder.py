"""The plan builder (Module 05): one tab per step of :data:`sarasehan.plan.STEPS`.

Each step is a text box with one item per line and the fields separated by
``|``, e.g. a calendar line ``2025-07-07 | WhatsApp | 1 | banjir | foto | Humas``.
The boxes are the only place the learner's text lives until Save: checking a
step or a failed save never changes them.
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd

from ..errors import SarasehanError
from ..i18n import t
from ..plan import (APPROVAL_FIELDS, FIELDS, STEPS, Plan, PlanFileError, calendar_frame, example_plan,
                    export_plan, list_plans, load_plan, plan_folder, rows_to_text, text_to_rows, validate_plan,
                    validate_step)
from ._common import esc, status

_WIDE = {"description_width": "initial"}
_BOX_HEIGHT = {"objectives": "9em", "calendar": "16em"}


class PlanBuilderWidget(w.VBox):
    """A step-by-step form for a :class:`~sarasehan.plan.Plan`; the plan is at ``.model``."""

    def __init__(self, model: Plan | None = None, message: str | None = None):
        self.model = model or Plan()
        self.title = w.Text(description=t("plan.field.title"), style=_WIDE, layout=w.Layout(width="95%"))
        self.branch = w.Text(description=t("plan.field.branch"), style=_WIDE, layout=w.Layout(width="95%"))
        self.programme = w.Text(description=t("plan.field.programme"), style=_WIDE, layout=w.Layout(width="95%"))
        self.boxes: dict[str, w.Textarea] = {}
        self.approval: dict[str, w.Text] = {}
        pages = []
        for step in STEPS:
            box = w.Textarea(placeholder=t(f"plan.placeholder.{step}"),
                             layout=w.Layout(width="98%", height=_BOX_HEIGHT.get(step, "7em")))
            box.add_class(f"sarasehan-plan-{step}")
            self.boxes[step] = box
            fields = " | ".join(t(f"plan.field.{name}") for name in FIELDS[step])
            children = [w.HTML(f"<p>{esc(t(f'plan.help.{step}'))}</p>"
                               f"<p><small>{esc(t('plan.widget.one_per_line', fields=fields))}</small></p>"), box]
            if step == "risks":
                for name in APPROVAL_FIELDS:
                    self.approval[name] = w.Text(description=t(f"plan.field.{name}"), style=_WIDE,
                                                 layout=w.Layout(width="95%"))
                children += [w.HTML(f"<b>{esc(t('plan.approval_heading'))}</b>"
                                    f"<p><small>{esc(t('plan.help.approval'))}</small></p>"),
                             *self.approval.values()]
            pages.append(w.VBox(children))
        self.tabs = w.Tab(children=pages, titles=[f"{n}. {t(f'plan.step.{s}')}" for n, s in enumerate(STEPS, 1)])
        self.tabs.add_class("sarasehan-plan-tabs")

        self.prev_button = w.Button(description=t("plan.widget.previous"), icon="arrow-left")
        self.prev_button.add_class("sarasehan-plan-previous")
        self.next_button = w.Button(description=t("plan.widget.next"), icon="arrow-right")
        self.next_button.add_class("sarasehan-plan-next")
        self.validate_button = w.Button(description=t("plan.widget.validate"), icon="check", button_style="info")
        self.validate_button.add_class("sarasehan-plan-validate")
        self.save_button = w.Button(description=t("plan.widget.save"), icon="save", button_style="primary")
        self.save_button.add_class("sarasehan-plan-save")
        self.open_box = w.Combobox(options=list_plans(), placeholder=t("plan.widget.open_placeholder"),
                                   ensure_option=False, layout=w.Layout(width="22em"))
        self.open_box.add_class("sarasehan-plan-open-title")
        self.open_button = w.Button(description=t("plan.widget.open"), icon="folder-open")
        self.open_button.add_class("sarasehan-plan-open")
        self.status = w.HTML()
        self.status.add_class("sarasehan-plan-status")
        self.preview = w.HTML()
        self.preview.add_class("sarasehan-plan-preview")

        self.prev_button.on_click(lambda _: self.go(-1))
        self.next_button.on_click(lambda _: self.go(1))
        self.validate_button.on_click(lambda _: self.validate())
        self.save_button.on_click(lambda _: self.save())
        self.open_button.on_click(lambda _: self.open_plan())
        self.boxes["calendar"].observe(lambda _: self.refresh_preview(), names="value")

        self.fill(self.model)
        if message:
            self.status.value = status("warn", message)
        super().__init__([
            w.HTML(f"<h4>{esc(t('plan.widget.title'))}</h4><p>{esc(t('plan.widget.intro'))}</p>"),
            self.title, self.branch, self.programme, self.tabs,
            w.HBox([self.prev_button, self.next_button, self.validate_button, self.save_button]),
            w.HBox([self.open_box, self.open_button]), self.status,
            w.HTML(f"<b>{esc(t('plan.widget.preview_title'))}</b>"), self.preview,
        ])
        self.add_class("sarasehan-plan-builder")

    # -- form <-> model ----------------------------------------------------------------

    @property
    def current_step(self) -> str:
        return STEPS[self.tabs.selected_index or 0]

    def read_form(self) -> Plan:
        """Build ``.model`` from what is in the boxes (the boxes are not changed)."""
        self.model = Plan(
            title=self.title.value, branch=self.branch.value, programme=self.programme.value,
            approval={name: box.value for name, box in self.approval.items()},
            **{step: text_to_rows(step, self.boxes[step].value) for step in STEPS},
        )
        return self.model

    def fill(self, plan: Plan) -> None:
        """Show ``plan`` in the boxes."""
        self.model = plan
        self.title.value, self.branch.value, self.programme.value = plan.title, plan.branch, plan.programme
        for name, box in self.approval.items():
            box.value = str(plan.approval.get(name, ""))
        for step in STEPS:
            self.boxes[step].value = rows_to_text(step, getattr(plan, step))
        self.refresh_preview()

    # -- actions ----------------------------------------------------------------------

    def go(self, delta: int) -> None:
        index = (self.tabs.selected_index or 0) + delta
        self.tabs.selected_index = max(0, min(len(STEPS) - 1, index))

    def validate(self, step: str | None = None) -> list:
        """Check one step (the open tab by default) and list its problems under the buttons."""
        step = step or self.current_step
        problems = validate_step(self.read_form(), step)
        label = t(f"plan.step.{step}")
        if not problems:
            self.status.value = status("ok", t("plan.widget.step_ok", step=label))
            return problems
        errors = sum(p.level == "error" for p in problems)
        items = "".join(
            f"<li style='color:{'#b71c1c' if p.level == 'error' else '#e65100'}'>{esc(p.message)}</li>"
            for p in problems)
        kind = "bad" if errors else "warn"
        self.status.value = status(kind, t("plan.widget.problems", step=label, errors=errors,
                                           warnings=len(problems) - errors)) + f"<ul>{items}</ul>"
        return problems

    def save(self) -> dict | None:
        """Export all four files; show their paths and how many problems remain."""
        plan = self.read_form()
        try:
            paths = export_plan(plan)
        except SarasehanError as err:
            self.status.value = status("bad", str(err))
            return None
        except OSError as err:  # disk full, permission denied: the boxes still hold everything
            self.status.value = status("bad", t("plan.save_failed", error=str(err)))
            return None
        remaining = sum(len(p) for p in validate_plan(plan).values())
        listing = "".join(f"<li><code>{esc(str(p))}</code></li>" for p in paths.values())
        note = t("plan.widget.saved_remaining", n=remaining) if remaining else t("plan.widget.saved_clean")
        self.status.value = status("ok", t("plan.widget.saved", folder=str(paths["json"].parent))) + \
            f"<ul>{listing}</ul>" + status("info" if not remaining else "warn", note)
        self.open_box.options = list_plans()
        return paths

    def open_plan(self, title: str | None = None) -> Plan | None:
        """Reopen a saved plan by its title (the Open box, else the Title box).

        Not called ``open``: that would override ``ipywidgets.Widget.open``, which the
        widget's constructor calls to open its comm, and JupyterLab would then show
        "Error displaying widget: model not found" (caught by tests/browser).
        """
        title = (title or self.open_box.value or self.title.value or "").strip()
        try:
            plan = load_plan(plan_folder(title))
        except SarasehanError as err:
            self.status.value = status("bad", str(err))
            return None
        self.fill(plan)
        self.status.value = status("ok", t("plan.widget.opened", title=plan.title))
        return plan

    def refresh_preview(self) -> None:
        """The calendar as a table, sorted by date (updates as the calendar box changes)."""
        rows = text_to_rows("calendar", self.boxes["calendar"].value)
        frame = calendar_frame(Plan(calendar=rows))
        if frame.empty:
            self.preview.value = f"<p><i>{esc(t('plan.widget.preview_empty'))}</i></p>"
            return
        shown = frame.copy()
        shown["date"] = ["?" if pd.isna(d) else d.strftime("%Y-%m-%d") for d in shown["date"]]
        shown["objective"] = ["?" if pd.isna(o) else str(o) for o in shown["objective"].astype(object)]
        shown.columns = [t(f"plan.field.{c}") for c in shown.columns]
        dated = frame["date"].dropna()
        summary = t("plan.widget.preview_summary", n=len(frame), start=dated.min().strftime("%Y-%m-%d"),
                    end=dated.max().strftime("%Y-%m-%d")) if len(dated) else ""
        table = shown.to_html(index=False, border=0, classes="sarasehan-plan-calendar", escape=True)
        self.preview.value = (f"<p><small>{esc(summary)}</small></p>"
                              f"<div style='max-height:22em;overflow:auto'>{table}</div>")


def plan_builder(title: str | None = None, example: bool = False) -> PlanBuilderWidget:
    """The plan builder; with ``title`` a plan saved under that title is reopened.

    ``example=True`` starts from the course's running example
    (:func:`sarasehan.plan.example_plan`) instead of an empty plan.
    """
    if title and (plan_folder(title) / "plan.json").exists():
        try:
            return PlanBuilderWidget(load_plan(plan_folder(title)))
        except PlanFileError as err:
            return PlanBuilderWidget(Plan(title=title), message=str(err))
    plan = example_plan() if example else Plan()
    if title:
        plan.title = title
    return PlanBuilderWidget(plan)
