"""Errors for foreseeable mistakes, with a message in the learner's language.

:func:`sarasehan.setup_notebook` installs a handler so that these show as a
short message in the notebook instead of a traceback.
"""

from __future__ import annotations

from .i18n import t


class SarasehanError(Exception):
    """A foreseeable problem; ``str(err)`` is already in the learner's language."""

    def __init__(self, message_key: str, /, **values: object):
        self.key = message_key
        self.values = values
        super().__init__(t(message_key, **values))


class UnknownDatasetError(SarasehanError, KeyError):
    def __str__(self) -> str:  # KeyError would otherwise add quotes
        return self.args[0]


class DatasetError(SarasehanError, ValueError):
    pass


class NotebookBuildError(SarasehanError, ValueError):
    pass
