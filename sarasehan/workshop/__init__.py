"""Workshop mode for facilitators: run a sarasehan like the one in 2013, fully offline.

The flow, on one laptop on a projector or on several laptops:

1. **roster** (:mod:`.roster`) — read participants from CSV;
2. **groups** (:mod:`.groups`) — split into category A (not yet using social
   media) and B (already using it), then into balanced groups ``A1``, ``B1`` …;
3. **questions** (:mod:`.questions`) — deal each group a discussion question
   from ``sarasehan/content/workshop_questions.yml`` and print cards;
4. **timer** (:mod:`.timer`) — a countdown for the group work;
5. **answers** (:mod:`.answers`, :mod:`.session`) — each group saves its
   answer to its own file in the session folder;
6. **merge** (:mod:`.merge`) — bring in answer files from other laptops
   (folders or zip files from a USB stick or a chat);
7. **board** (:mod:`.board`) — all answers side by side; export to
   Markdown, printable HTML and CSV.

The widgets are in :mod:`sarasehan.widgets.workshop`; nothing in this
package imports ipywidgets or does anything at import time.

>>> from sarasehan import workshop
>>> workshop.group_count(11, 5)
3
"""

from .answers import latest_own_answer, save_answer
from .board import board_html, collect, export_session
from .groups import Group, group_cards, group_count, split_groups
from .merge import MergeReport, merge_answers, pack_answers
from .questions import Question, assign_questions, question_cards, question_for, questions_for
from .roster import Participant, Roster, RosterProblem, example_roster_path, participant, read_roster
from .session import WorkshopSession, device_id, open_session
from .timer import Countdown, Ticker, format_mmss

__all__ = [
    "Countdown", "Group", "MergeReport", "Participant", "Question", "Roster", "RosterProblem", "Ticker",
    "WorkshopSession", "assign_questions", "board_html", "collect", "device_id", "example_roster_path",
    "export_session", "format_mmss", "group_cards", "group_count", "latest_own_answer", "merge_answers",
    "open_session", "pack_answers", "participant", "question_cards", "question_for", "questions_for", "read_roster",
    "save_answer", "split_groups",
]
