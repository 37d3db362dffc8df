"""A button that packs the learner's notebooks of an assignment for handing in.

A thin layer over :func:`sarasehan.packs.make_pack`: it asks for the student id
the first time (then remembers it), makes the pack and shows where it is.
Works without a browser: tests set ``.student.value`` and call ``.button.click()``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import ipywidgets as w

from ..i18n import t
from ..packs import PackWarning, make_pack, remember_student_id, saved_student_id, verify_pack
from ._common import esc, safe_call, status


class PackButtonWidget(w.VBox):
    """The pack button for one assignment; the last pack made is at ``.last_pack``."""

    def __init__(self, assignment: str, notebook_dir: str | Path | None = None, out_dir: str | Path | None = None):
        self.assignment = assignment
        self.notebook_dir = notebook_dir
        self.out_dir = out_dir
        self.last_pack: Path | None = None
        self.status = w.HTML()
        self.status.add_class("sarasehan-pack-status")
        self.student = w.Text(description=t("pack.widget.student_id"), placeholder=t("pack.widget.placeholder"),
                              style={"description_width": "initial"}, layout=w.Layout(width="30em"))
        self.student.add_class("sarasehan-pack-student")
        self.who = w.HTML()
        self.change = w.Button(description=t("pack.widget.change_id"), icon="user")
        self.change.add_class("sarasehan-pack-change")
        self.change.on_click(lambda _: self.ask_id())
        self.button = w.Button(description=t("pack.widget.button"), icon="archive", button_style="primary")
        self.button.add_class("sarasehan-pack-make")
        self.button.on_click(lambda _: self.make())
        self.id_row = w.HBox()
        header = w.HTML(f"<h4>{esc(t('pack.widget.title', assignment=assignment))}</h4>"
                        f"<p>{esc(t('pack.widget.help'))}</p>")
        super().__init__([header, self.id_row, self.button, self.status])
        self.add_class("sarasehan-pack-button")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PackWarning)
            known = saved_student_id()
        if caught:
            self.status.value = status("warn", str(caught[0].message))
        self.show_id(known) if known else self.ask_id()

    def show_id(self, student_id: str) -> None:
        self.who.value = t("pack.widget.you_are", student_id=esc(student_id))  # the catalog text has <b>
        self.id_row.children = [self.who, self.change]

    def ask_id(self) -> None:
        self.student.value = ""
        self.id_row.children = [self.student]

    def make(self) -> Path | None:
        """Make the pack; show its path (or why it could not be made)."""
        student_id = None
        if self.student in self.id_row.children:
            typed = self.student.value.strip()
            if not typed:
                self.status.value = status("warn", t("pack.widget.need_id"))
                return None
            student_id = safe_call(self.status, remember_student_id, typed)
            if student_id is None:
                return None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", PackWarning)
            path = safe_call(self.status, make_pack, self.assignment, self.notebook_dir, student_id, self.out_dir)
        if path is None:
            return None
        self.last_pack = path
        info = safe_call(self.status, verify_pack, path)
        if info is None:
            return None
        self.show_id(info.student_id)
        size = max(1, round(path.stat().st_size / 1024))
        done = status("ok", t("pack.created", path=str(path), size=size, n=len(info.files),
                              student_id=info.student_id))
        notes = "".join(status("warn", str(c.message)) for c in caught if issubclass(c.category, PackWarning))
        self.status.value = done + notes
        return path


def pack_button(assignment: str, notebook_dir: str | Path | None = None,
                out_dir: str | Path | None = None) -> PackButtonWidget:
    """A button that packs your notebooks of ``assignment`` into one zip to hand in."""
    return PackButtonWidget(assignment, notebook_dir, out_dir)
