"""A "Check my answer" button for one question of a graded notebook."""

from __future__ import annotations

import sys
from pathlib import Path

import ipywidgets as w

from ..errors import SarasehanError
from ..i18n import t
from ..selfcheck import Verdict, check
from ._common import status


class CheckButtonWidget(w.VBox):
    """A button that runs :func:`sarasehan.selfcheck.check` and shows the verdict under it."""

    def __init__(self, question_id: str, notebook: str | Path | None = None, namespace: dict | None = None):
        self.question_id = question_id
        self.notebook = notebook
        self._namespace = namespace
        self.verdict: Verdict | None = None
        self.button = w.Button(description=t("selfcheck.button", question=question_id), icon="check",
                               button_style="info", layout=w.Layout(width="auto"))
        self.button.add_class("sarasehan-check-button")
        self.result = w.HTML()
        self.button.on_click(lambda _: self.run())
        super().__init__([self.button, self.result])
        self.add_class("sarasehan-check")

    def run(self) -> Verdict | None:
        """Check now (what a click does); the verdict is also kept at ``.verdict``."""
        try:
            self.verdict = check(self.question_id, self.notebook, namespace=self._namespace_now())
        except SarasehanError as err:
            self.verdict = None
            self.result.value = status("bad", str(err))
            return None
        self.result.value = self.verdict._repr_html_()
        return self.verdict

    def _namespace_now(self) -> dict:
        if self._namespace is not None:
            return self._namespace
        try:
            from IPython import get_ipython
        except ImportError:
            get_ipython = lambda: None  # noqa: E731
        shell = get_ipython()
        return shell.user_ns if shell is not None else {}


def check_button(question_id: str, notebook: str | Path | None = None) -> CheckButtonWidget:
    """A "Check my answer" button for ``question_id`` (e.g. ``"q1_growth"``)."""
    namespace = None
    try:
        from IPython import get_ipython
    except ImportError:
        get_ipython = lambda: None  # noqa: E731
    if get_ipython() is None:  # plain Python: the caller's variables
        namespace = sys._getframe(1).f_globals
    return CheckButtonWidget(question_id, notebook, namespace)
