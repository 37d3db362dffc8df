"""Process-local speed-ups of nbgrader internals; the results are unchanged.

* nbgrader validates every cell's metadata with ``jsonschema.validate``,
  which re-checks the schema itself on every call; here the validator is
  built once per schema (same errors, same exception type).
* Creating a gradebook runs ``alembic heads`` in a **subprocess** (about
  2-4 s: a second Python importing alembic) only to learn the current
  revision; here it is read in-process from nbgrader's own migration
  scripts, falling back to the subprocess if that fails.
* One engine per database file is reused and its schema is not re-inspected
  by every ``Gradebook()``, so SQLAlchemy compiles each query once per process
  instead of once per preprocessor. In a grading worker (and only there: its
  gradebooks are throwaway copies in a private temporary folder) SQLite also
  skips ``fsync``; the course gradebook keeps SQLite's default durability.
"""

from __future__ import annotations

import functools

_applied: set[str] = set()


def fast_metadata_validation() -> None:
    if "jsonschema" in _applied:
        return
    import json

    import jsonschema
    from jsonschema.exceptions import best_match
    from nbgrader.nbgraderformat import common

    try:
        import fastjsonschema
    except ImportError:  # pragma: no cover
        fastjsonschema = None
    cache: dict[str, tuple] = {}

    def validate(instance, schema, *args, **kwargs):
        if args or kwargs:
            return jsonschema.validate(instance, schema, *args, **kwargs)
        key = json.dumps(schema, sort_keys=True)
        entry = cache.get(key)
        if entry is None:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            fast = None
            if fastjsonschema is not None:
                try:
                    fast = fastjsonschema.compile(schema)
                except Exception:
                    fast = None
            entry = cache[key] = (cls(schema), fast)
        validator, fast = entry
        if fast is not None:
            try:
                fast(instance)
                return None
            except Exception:
                pass  # let jsonschema produce nbgrader's usual error
        error = best_match(validator.iter_errors(instance))
        if error is not None:
            raise error

    class _Shim:
        def __getattr__(self, name):
            return getattr(jsonschema, name)

    shim = _Shim()
    shim.validate = validate
    common.jsonschema = shim
    _applied.add("jsonschema")


def known_schema() -> None:
    """Each ``Gradebook()`` lists the tables and runs ``create_all`` (about 15 queries);
    once a database file has been opened by this process its schema is known."""
    if "schema" in _applied:
        return
    import nbgrader.api as api

    seen: set[str] = set()
    real_inspect = api.inspect
    real_create_all = api.Base.metadata.create_all

    class _Known:
        def get_table_names(self):
            return ["known"]

    def inspect(engine, *args, **kwargs):
        if str(getattr(engine, "url", "")) in seen:
            return _Known()
        return real_inspect(engine, *args, **kwargs)

    def create_all(bind=None, *args, **kwargs):
        key = str(getattr(bind, "url", ""))
        if key in seen:
            return None
        result = real_create_all(bind=bind, *args, **kwargs)
        seen.add(key)
        return result

    api.inspect = inspect
    api.Base.metadata.create_all = create_all
    _applied.add("schema")


@functools.lru_cache(maxsize=1)
def _alembic_head() -> str:
    import os

    import nbgrader
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", os.path.join(os.path.dirname(nbgrader.__file__), "alembic"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    if not head:
        raise RuntimeError("no alembic head")
    return head


def inprocess_alembic_version() -> None:
    if "alembic" in _applied:
        return
    import nbgrader.api as api

    original = api.get_alembic_version

    def get_alembic_version() -> str:
        try:
            return _alembic_head()
        except Exception:
            return original()

    api.get_alembic_version = get_alembic_version
    _applied.add("alembic")


_engines: dict = {}
_throwaway = False


def cached_engines(throwaway: bool) -> None:
    """One SQLAlchemy engine per database URL for the life of the process (its compiled
    query cache survives ``Gradebook.close()``). With ``throwaway`` (grading workers,
    whose gradebooks are private temporary copies) SQLite also skips ``fsync``."""
    global _throwaway
    if throwaway != _throwaway:
        _engines.clear()  # a worker forked from the parent starts with its own engines
        _throwaway = throwaway
    if "engines" in _applied:
        return
    import nbgrader.api as api
    from sqlalchemy import event

    create_engine = api.create_engine

    def cached_engine(url, *args, **kwargs):
        key = str(url)
        engine = _engines.get(key)
        if engine is None:
            engine = create_engine(url, *args, **kwargs)
            if _throwaway:
                @event.listens_for(engine, "connect")
                def _pragmas(dbapi_connection, _record):
                    cur = dbapi_connection.cursor()
                    cur.execute("PRAGMA synchronous=OFF")
                    cur.execute("PRAGMA journal_mode=MEMORY")
                    cur.close()

            _engines[key] = engine
        return engine

    api.create_engine = cached_engine
    _applied.add("engines")


def dispose(path) -> None:
    """Close pooled connections to a database file before it is replaced on disk."""
    engine = _engines.get(f"sqlite:///{path}")
    if engine is not None:
        engine.dispose()


def apply_parent() -> None:
    fast_metadata_validation()
    inprocess_alembic_version()
    known_schema()
    cached_engines(throwaway=False)


def apply_worker() -> None:
    fast_metadata_validation()
    inprocess_alembic_version()
    known_schema()
    cached_engines(throwaway=True)
