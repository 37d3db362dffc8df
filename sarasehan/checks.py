"""Answer checks that help without giving the answer away.

A check goes step by step, and stops at the first problem: is there an
answer at all, is it the right type, the right shape (length, index,
columns), and finally the right values. Values are compared through a
digest of the normalised value (rounded numbers, canonical JSON, SHA-256),
so a visible test can say "not yet" without containing the expected value.

>>> digest(12.96, decimals=1)
'bb125c347cc5324a'
>>> result = check_answer(12.96, name="growth", kind="number", decimals=1, expected_digest="bb125c347cc5324a")
>>> result.passed
True
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from dataclasses import dataclass

import pandas as pd

from .i18n import t

KINDS = {
    "number": (numbers.Number,),
    "series": (pd.Series,),
    "dataframe": (pd.DataFrame,),
    "str": (str,),
    "dict": (dict,),
    "list": (list, tuple),
}


@dataclass
class CheckResult:
    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        return self.message


def _norm(value, decimals: int):
    """A JSON-able canonical form of ``value``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        v = float(value)
        if math.isnan(v):
            return "NaN"
        return f"{round(v, decimals):.{decimals}f}"
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, pd.Series):
        return [[_norm(k, decimals), _norm(v, decimals)] for k, v in value.items()]
    if isinstance(value, pd.DataFrame):
        return {"columns": [str(c) for c in value.columns],
                "rows": [[_norm(k, decimals)] + [_norm(v, decimals) for v in row]
                         for k, row in zip(value.index, value.itertuples(index=False))]}
    if isinstance(value, dict):
        return sorted([[_norm(k, decimals), _norm(v, decimals)] for k, v in value.items()], key=json.dumps)
    if isinstance(value, (list, tuple)):
        return [_norm(v, decimals) for v in value]
    if hasattr(value, "item"):  # numpy scalar
        return _norm(value.item(), decimals)
    return str(value)


def digest(value, decimals: int = 2) -> str:
    """Short SHA-256 digest of the normalised value (for writing visible tests)."""
    text = json.dumps(_norm(value, decimals), ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_answer(value, *, name: str, kind: str, length: int | None = None, index: list | None = None,
                 columns: list | None = None, decimals: int = 2, expected_digest: str | None = None) -> CheckResult:
    """Check ``value`` step by step; the message is in the learner's language."""
    if value is None or value is Ellipsis:
        return CheckResult(False, t("check.missing", name=name))
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    if isinstance(value, bool) or not isinstance(value, KINDS[kind]):
        return CheckResult(False, t("check.type", name=name, expected=t(f"check.kind.{kind}"),
                                    got=type(value).__name__))
    if kind == "number" and isinstance(value, numbers.Real) and math.isnan(float(value)):
        return CheckResult(False, t("check.nan", name=name))
    if length is not None and len(value) != length:
        return CheckResult(False, t("check.length", name=name, expected=length, got=len(value)))
    if index is not None and [str(i) for i in value.index] != [str(i) for i in index]:
        if sorted(map(str, value.index)) == sorted(map(str, index)):
            return CheckResult(False, t("check.order", name=name))
        return CheckResult(False, t("check.index", name=name, expected=", ".join(map(str, index))))
    if columns is not None and [str(c) for c in value.columns] != [str(c) for c in columns]:
        return CheckResult(False, t("check.columns", name=name, expected=", ".join(map(str, columns))))
    if expected_digest is not None and digest(value, decimals) != expected_digest:
        return CheckResult(False, t("check.values", name=name, decimals=decimals))
    return CheckResult(True, t("check.ok", name=name))


def expect(value, **spec) -> CheckResult:
    """Like :func:`check_answer`, for test cells: prints success, raises ``AssertionError`` otherwise."""
    result = check_answer(value, **spec)
    if not result.passed:
        raise AssertionError(result.message)
    print(result.message)
    return result
