from __future__ import annotations

import html

import ipywidgets as w

from ..errors import SarasehanError


def esc(text: str) -> str:
    return html.escape(str(text))


def status(kind: str, text: str) -> str:
    """HTML for a status line: kind is ok, bad, info or warn."""
    colours = {"ok": "#1b5e20", "bad": "#b71c1c", "info": "#0d47a1", "warn": "#e65100"}
    return f'<div class="sarasehan-status sarasehan-{kind}" style="color:{colours[kind]}">{esc(text)}</div>'


def safe_call(out: w.HTML, func, *args):
    """Run ``func``; show a foreseeable error in ``out`` instead of a traceback."""
    try:
        return func(*args)
    except SarasehanError as err:
        out.value = status("bad", str(err))
    except OSError as err:  # disk full, permission denied
        from ..i18n import t
        out.value = status("bad", t("common.save_failed", error=str(err)))
    return None
