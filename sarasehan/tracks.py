"""What a learner's track (from Module 00's placement quiz) changes in a lesson.

Tracks never hide content: they only say where to start.

>>> note_key(None), note_key("A"), note_key("B")
('track.note_none', 'track.note_a', 'track.note_b')
"""

from __future__ import annotations


def note_key(track: str | None) -> str:
    return {"A": "track.note_a", "B": "track.note_b"}.get(track or "", "track.note_none")


def track_note(module: str):
    """A one-line widget telling the learner whether to start with the Track A basics."""
    import ipywidgets as w

    from .i18n import t
    from .placement import load_placement, track_info
    from .widgets._common import status

    loaded = load_placement()
    track = loaded.data.get("track") if loaded.data else None
    name = track_info(track)["name"] if track else ""
    html = status("info", t(note_key(track), name=name) if track else t("track.note_none"))
    if loaded.message:
        html = status("warn", loaded.message) + html
    widget = w.HTML(html)
    widget.add_class("sarasehan-track-note")
    widget.add_class(f"sarasehan-module-{module}")
    return widget
