"""Helpers that lessons call: set-up, the course map, the glossary, the track."""

from __future__ import annotations

import sys

import pandas as pd
import yaml

from .errors import SarasehanError
from .i18n import get_language, pick, t
from .manifest import load_manifest
from .paths import glossary_path, state_dir


def _show_friendly_error(shell, etype, value, tb, tb_offset=None):
    """IPython custom exception handler: a short message, no traceback."""
    print(f"⚠ {value}", file=sys.stderr)
    return None


def setup_notebook(quiet: bool = False) -> None:
    """Prepare a lesson notebook: plot defaults and friendly error messages.

    Call it once at the top of a notebook. It changes nothing on disk.
    """
    import matplotlib

    matplotlib.rcParams.update({"figure.figsize": (8, 4.5), "figure.dpi": 100,
                                "axes.spines.top": False, "axes.spines.right": False})
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python
        get_ipython = lambda: None  # noqa: E731
    shell = get_ipython()
    if shell is not None:
        shell.set_custom_exc((SarasehanError,), _show_friendly_error)
        from .plots import _register_png_formatter

        _register_png_formatter()  # charts returned by sh.plots show as pictures
    if not quiet:
        print(t("setup.ready", language=t("lang.name"), folder=str(state_dir())))


def course_map() -> pd.DataFrame:
    """The modules of the course, in the learner's language."""
    manifest = load_manifest()
    rows = []
    for m in manifest.modules:
        rows.append({
            t("map.number"): m.number,
            t("map.module"): pick(m.title),
            t("map.objective"): pick(manifest.objectives[m.objective]),
            t("map.minutes"): m.minutes,
            t("map.assignment"): m.assignment or "-",
            t("map.status"): t("map.ready") if m.ready else t("map.planned"),
        })
    return pd.DataFrame(rows).set_index(t("map.number"))


def glossary() -> pd.DataFrame:
    """The bilingual glossary: both terms and the definition in the learner's language."""
    data = yaml.safe_load(glossary_path().read_text(encoding="utf-8"))
    lang = get_language()
    rows = [{
        "Bahasa Indonesia": term["id"]["term"],
        "English": term["en"]["term"],
        t("glossary.definition"): term[lang]["definition"],
    } for term in data["terms"]]
    return pd.DataFrame(rows).sort_values("Bahasa Indonesia" if lang == "id" else "English").reset_index(drop=True)


def my_track():
    """The learner's saved track from the placement quiz, as a small widget."""
    import ipywidgets as w

    from .placement import load_placement, track_info
    from .widgets._common import esc, status

    loaded = load_placement()
    if loaded.message:
        return w.HTML(status("warn", loaded.message))
    if not loaded.data:
        return w.HTML(status("info", t("placement.none_yet")))
    info = track_info(loaded.data["track"])
    return w.HTML(status("ok", t("placement.saved_track", name=info["name"])) + f"<p>{esc(info['description'])}</p>")
