"""Thin ipywidgets layers over the pure logic in the package.

Each factory returns a widget (a subclass of ``ipywidgets.VBox``) with the
model at ``.model``; a notebook shows it as the cell's last expression.
Nothing here calls ``display()`` or runs at import time.
"""

from .composer import MessageComposerWidget, message_composer
from .discussion import DiscussionWidget, discussion_card
from .function_quiz import FunctionQuizWidget, function_quiz
from .placement import PlacementWidget, placement_quiz

__all__ = [
    "DiscussionWidget",
    "FunctionQuizWidget",
    "MessageComposerWidget",
    "PlacementWidget",
    "discussion_card",
    "function_quiz",
    "message_composer",
    "placement_quiz",
]
