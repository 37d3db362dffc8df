"""Sarasehan: the helper package of the course.

In a notebook::

    import sarasehan as sh
    sh.setup_notebook()
    posts = sh.load_dataset("branch_posts")

Importing the package does nothing but define names: the widgets, plots
and notebook helpers are imported the first time they are used.
"""

from __future__ import annotations

import importlib

from .checks import check_answer, digest, expect
from .data import available as available_datasets
from .data import load_dataset
from .i18n import get_language, set_language

__version__ = "0.1.0"

_LAZY = {
    "setup_notebook": ("sarasehan.notebook", "setup_notebook"),
    "course_map": ("sarasehan.notebook", "course_map"),
    "glossary": ("sarasehan.notebook", "glossary"),
    "my_track": ("sarasehan.notebook", "my_track"),
    "placement_quiz": ("sarasehan.widgets", "placement_quiz"),
    "function_quiz": ("sarasehan.widgets", "function_quiz"),
    "discussion_card": ("sarasehan.widgets", "discussion_card"),
    "message_composer": ("sarasehan.widgets", "message_composer"),
    "track_note": ("sarasehan.tracks", "track_note"),
    "kpi_explorer": ("sarasehan.widgets.kpi_explorer", "kpi_explorer"),
    "metrics": ("sarasehan.metrics", None),
    "channel_planner": ("sarasehan.widgets.channel_planner", "channel_planner"),
    "post_reviewer": ("sarasehan.widgets.post_reviewer", "post_reviewer"),
    "guideline_issues": ("sarasehan.review", "guideline_issues"),
    "smart_check": ("sarasehan.smart", "smart_check"),
    "example_plan_calendar": ("sarasehan.plan", "example_plan_calendar"),
    "plan_builder": ("sarasehan.widgets.plan_builder", "plan_builder"),
    "check": ("sarasehan.selfcheck", "check"),
    "check_button": ("sarasehan.widgets.check_button", "check_button"),
    "progress_table": ("sarasehan.progress", "progress_table"),
    "progress_plot": ("sarasehan.progress", "progress_plot"),
    "pack_button": ("sarasehan.widgets.pack_button", "pack_button"),
    "plots": ("sarasehan.plots", None),
    "widgets": ("sarasehan.widgets", None),
    "workshop": ("sarasehan.workshop", None),
    "workshop_roster": ("sarasehan.widgets.workshop", "workshop_roster"),
    "workshop_groups": ("sarasehan.widgets.workshop", "workshop_groups"),
    "group_answer_form": ("sarasehan.widgets.workshop", "group_answer_form"),
    "workshop_timer": ("sarasehan.widgets.workshop", "workshop_timer"),
    "results_board": ("sarasehan.widgets.workshop", "results_board"),
}

__all__ = [
    "available_datasets",
    "check_answer",
    "digest",
    "expect",
    "get_language",
    "load_dataset",
    "set_language",
    *sorted(_LAZY),
]


def __getattr__(name: str):
    if name in _LAZY:
        module_name, attr = _LAZY[name]
        module = importlib.import_module(module_name)
        value = module if attr is None else getattr(module, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sarasehan' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
