"""Honest tests: test cells run in a second, clean kernel (the *verifier*).

Why. nbgrader runs the instructor's test cells in the student's kernel, after
the student's code. Whatever an answer cell changed is still in force when
the tests run: a replaced ``sarasehan.expect``, a shadowed ``abs`` or
``float``, a patched ``builtins``, an IPython input transformer that empties
every later cell, an ``__eq__`` that is always true, or a ``posts`` data
frame cut down to nothing so that every hidden ``assert ... .all()`` holds.
Resetting those things inside the student's process can always be undone
from inside the same process.

How. Every notebook gets two kernels, both sandboxed, with different
unprivileged uids (the student kernel cannot ptrace or signal the verifier):

* the **student kernel** runs the instructor's setup cells and the student's
  cells, exactly as nbgrader would;
* the **verifier** runs the same (restored, locked) setup cells, so it has its
  own pristine ``pd``, ``sh``, ``posts`` ..., and then every autograder test
  cell. Before a test cell, the grader asks the student kernel for the values
  of the names the test reads (AST analysis) and hands them to the verifier
  as **data**: pickled in the student kernel, unpickled in the verifier by a
  restricted unpickler that accepts only plain containers, numbers, strings,
  dates, numpy arrays and pandas objects (no student classes, no code).
  A name that holds a student *function* becomes a proxy in the verifier:
  calling it sends the (trusted) arguments to the student kernel, runs the
  function there and returns the result, again as restricted data.

Names the setup cells define (``posts``, ``pd``, ``sh``) come from the
verifier's own setup, unless an instructor solution cell assigns or mutates
them (then the student's value is the answer and is fetched).
"""

from __future__ import annotations

import ast
import builtins
import functools

RPC_MARK = "\x1bsarasehan-rpc "

# Exactly the globals that pickles of plain data, numpy and pandas objects need
# (collected by pickling representative objects with pandas 3 / numpy 2).
ALLOWED_GLOBALS = {
    "builtins": {"Ellipsis", "bytearray", "complex", "frozenset", "set", "slice", "range", "int", "float",
                 "bool", "str", "bytes", "list", "tuple", "dict", "object", "NotImplemented"},
    "__builtin__": {"Ellipsis", "bytearray", "complex", "frozenset", "set", "slice", "xrange", "long",
                    "int", "float", "bool", "str", "list", "tuple", "dict", "object"},
    "_codecs": {"encode"},
    "collections": {"Counter", "OrderedDict", "defaultdict", "deque"},
    "datetime": {"date", "datetime", "time", "timedelta", "timezone"},
    "decimal": {"Decimal"},
    "fractions": {"Fraction"},
    "zoneinfo": {"ZoneInfo"},
    "numpy": {"dtype", "ndarray", "bool_", "int64", "float64"},
    "numpy._core.multiarray": {"_reconstruct", "scalar"},
    "numpy.core.multiarray": {"_reconstruct", "scalar"},
    "numpy._core.numeric": {"_frombuffer"},
    "numpy.core.numeric": {"_frombuffer"},
    "pandas": {"BooleanDtype", "Categorical", "CategoricalDtype", "CategoricalIndex", "DataFrame",
               "DatetimeIndex", "DatetimeTZDtype", "Float64Dtype", "Float32Dtype", "Index", "Int64Dtype",
               "Int32Dtype", "Int16Dtype", "Int8Dtype", "UInt64Dtype", "UInt32Dtype", "UInt16Dtype",
               "UInt8Dtype", "Interval", "IntervalIndex", "IntervalDtype", "MultiIndex", "NA", "Period",
               "PeriodDtype", "PeriodIndex", "RangeIndex", "Series", "StringDtype", "TimedeltaIndex",
               "Timestamp", "Timedelta", "NaT"},
    "pandas._libs.arrays": {"__pyx_unpickle_NDArrayBacked"},
    "pandas._libs.internals": {"_unpickle_block"},
    "pandas._libs.tslibs.nattype": {"_nat_unpickle"},
    "pandas._libs.tslibs.offsets": {"MonthEnd", "MonthBegin", "Day", "Hour", "Minute", "Second", "Week",
                                    "YearEnd", "YearBegin", "QuarterEnd", "QuarterBegin", "BusinessDay",
                                    "Milli", "Micro", "Nano"},
    "pandas._libs.tslibs.timedeltas": {"_timedelta_unpickle"},
    "pandas._libs.tslibs.timestamps": {"_unpickle_timestamp"},
    "pandas.arrays": {"BooleanArray", "DatetimeArray", "FloatingArray", "IntegerArray", "PeriodArray",
                      "StringArray", "TimedeltaArray", "IntervalArray", "ArrowStringArray"},
    "pandas.core.indexes.base": {"_new_Index"},
    "pandas.core.indexes.datetimes": {"_new_DatetimeIndex"},
    "pandas.core.indexes.interval": {"_new_IntervalIndex"},
    "pandas.core.indexes.timedeltas": {"_new_TimedeltaIndex"},
    "pandas.core.internals.managers": {"BlockManager", "SingleBlockManager"},
}

RUNTIME = "sarasehan.grading.verifier_runtime"  # imported by the zygote, so every kernel has it


# Evaluated in the *student* kernel as a user expression: a tag and a payload.
FETCH_EXPR = (
    "(lambda __v: ('callable', '') if callable(__v) and not isinstance(__v, type) "
    "else ('module', __v.__name__) if isinstance(__v, type(__import__('sys'))) "
    "else ('value', __import__('base64').b64encode(__import__('pickle').dumps(__v, 4)).decode('ascii')))({name})"
)

CALL_EXPR = (
    "(lambda __r, __pk=__import__('pickle'), __b=__import__('base64'): "
    "(lambda __q: __b.b64encode(__pk.dumps(globals()[__q[0]](*__q[1], **__q[2]), 4)).decode('ascii'))"
    "(__pk.loads(__b.b64decode(__r))))({req!r})"
)


def inject_code(items: dict) -> str:
    return f"__import__({RUNTIME!r}, fromlist=['inject']).inject(globals(), {items!r})"


# --- which names a cell reads or writes -------------------------------------------------------

BUILTIN_NAMES = frozenset(dir(builtins)) | {"__builtins__", "__name__", "__doc__", "get_ipython", "display",
                                             "In", "Out", "exit", "quit", "_", "__", "___"}


@functools.lru_cache(maxsize=1)
def _transformer():
    from IPython.core.inputtransformer2 import TransformerManager

    return TransformerManager()


def _parse(source: str) -> ast.AST | None:
    try:
        source = _transformer().transform_cell(source)  # %magics and !shell lines
    except Exception:
        pass
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


@functools.lru_cache(maxsize=4096)
def _loaded(source: str) -> frozenset:
    tree = _parse(source)
    if tree is None:
        return frozenset()
    return frozenset({n.id for n in ast.walk(tree)
                      if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)} - BUILTIN_NAMES)


def loaded_names(source: str) -> set[str]:
    """Names a cell reads (builtins excluded)."""
    return set(_loaded(source))


def stored_names(source: str, mutations: bool = False) -> set[str]:
    """Names bound by a cell (assignments, imports, defs); with ``mutations``, also
    ``x[...] = ``, ``x.attr = ``, ``del x[...]`` and ``x.method(..., inplace=True)``."""
    return set(_stored(source, mutations))


@functools.lru_cache(maxsize=4096)
def _stored(source: str, mutations: bool) -> frozenset:
    tree = _parse(source)
    if tree is None:
        return frozenset()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif mutations and isinstance(node, (ast.Subscript, ast.Attribute)) and isinstance(node.ctx, (ast.Store, ast.Del)):
            base = node.value
            while isinstance(base, (ast.Subscript, ast.Attribute)):
                base = base.value
            if isinstance(base, ast.Name):
                names.add(base.id)
        elif mutations and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if any(k.arg == "inplace" for k in node.keywords):
                base = node.func.value
                while isinstance(base, (ast.Subscript, ast.Attribute)):
                    base = base.value
                if isinstance(base, ast.Name):
                    names.add(base.id)
    return frozenset(names)
