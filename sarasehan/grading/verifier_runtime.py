"""Runs inside the verifier kernel: turns the student's answers (bytes) back into values.

Imported by the kernel template (:mod:`.zygote`), so it is already loaded in
every kernel; only the verifier calls it. See :mod:`.verifier` for the design.
"""

from __future__ import annotations

import base64
import builtins
import importlib
import io
import pickle
import zoneinfo

from .verifier import ALLOWED_GLOBALS, RPC_MARK


def _both(key: str, **values) -> str:
    """A message for the feedback, in both course languages."""
    from ..i18n import t

    return f"{t(key, lang='id', **values)} / {t(key, lang='en', **values)}"


def _safe_getattr(obj, name):
    if obj is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle
    raise pickle.UnpicklingError("getattr is not allowed in answers")


class _Restricted(pickle.Unpickler):
    def find_class(self, module, name):
        if module in ("builtins", "__builtin__") and name == "getattr":
            return _safe_getattr
        if name in ALLOWED_GLOBALS.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name}")


def loads(data: bytes):
    """Unpickle plain data only: containers, numbers, text, dates, numpy and pandas objects."""
    return _Restricted(io.BytesIO(data)).load()


class AnswerNotCheckable(Exception):
    pass


class StudentCodeError(Exception):
    pass


class NotCheckable:
    """Stands for an answer that could not be turned into plain data; any use fails the test."""

    __slots__ = ("_name", "_why")

    def __init__(self, name, why):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_why", why)

    def _fail(self, *args, **kwargs):
        raise AnswerNotCheckable(_both("grade.answer_not_checkable", name=self._name, why=self._why))

    def __getattr__(self, item):
        self._fail()

    def __repr__(self):
        return f"<{self._name}: cannot be checked>"


for _dunder in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__len__", "__iter__",
                "__getitem__", "__contains__", "__bool__", "__float__", "__int__", "__index__", "__add__",
                "__sub__", "__mul__", "__truediv__", "__call__", "__hash__", "__abs__", "__round__", "__str__"):
    setattr(NotCheckable, _dunder, NotCheckable._fail)


class StudentFunction:
    """A student's function: calling it runs it in the student's kernel, with data in and out."""

    def __init__(self, name):
        self.__name__ = name

    def __call__(self, *args, **kwargs):
        req = base64.b64encode(pickle.dumps((self.__name__, args, kwargs), 4)).decode("ascii")
        reply = builtins.input(RPC_MARK + req)
        status, _, payload = reply.partition(" ")
        if status == "ok":
            try:
                return loads(base64.b64decode(payload))
            except Exception as exc:
                raise AnswerNotCheckable(_both("grade.result_not_checkable", name=self.__name__,
                                               why=f"{type(exc).__name__}: {exc}")) from None
        raise StudentCodeError(f"{self.__name__}(...): {payload}")

    def __repr__(self):
        return f"<student function {self.__name__}>"


def inject(ns: dict, items: dict) -> None:
    """Put the student's answers into the verifier's namespace ``ns``."""
    for name, (tag, payload) in items.items():
        if tag == "missing":
            ns.pop(name, None)
        elif tag == "value":
            try:
                ns[name] = loads(base64.b64decode(payload))
            except Exception as exc:
                ns[name] = NotCheckable(name, f"{type(exc).__name__}: {exc}")
        elif tag == "callable":
            ns[name] = StudentFunction(name)
        elif tag == "module":
            try:
                ns[name] = importlib.import_module(payload)
            except Exception as exc:
                ns[name] = NotCheckable(name, f"module {payload!r}: {type(exc).__name__}")
        else:
            ns[name] = NotCheckable(name, payload)
