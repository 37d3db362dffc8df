"""Load the course datasets by name, from any working directory.

Every dataset is listed in ``datasets/registry.yml`` with its file, SHA-256
checksum, expected columns, licence and whether it is synthetic. Loading
checks all three, so a damaged or edited file is reported instead of
silently giving wrong answers.

>>> from sarasehan.data import load_dataset
>>> posts = load_dataset("branch_posts")
>>> list(posts.columns[:3])
['post_id', 'date', 'platform']
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from .errors import DatasetError, UnknownDatasetError
from .paths import datasets_dir

REGISTRY_FILE = "registry.yml"


@lru_cache(maxsize=4)
def _registry(folder: str) -> dict:
    path = Path(folder) / REGISTRY_FILE
    if not path.exists():
        raise DatasetError("data.no_registry", path=str(path))
    return yaml.safe_load(path.read_text(encoding="utf-8"))["datasets"]


def registry() -> dict:
    """The dataset registry as a dict ``{name: entry}``."""
    return _registry(str(datasets_dir()))


def available() -> list[str]:
    """Names of all datasets, sorted."""
    return sorted(registry())


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(65536), b""):
            h.update(block)
    return h.hexdigest()


def dataset_path(name: str) -> Path:
    """Path of a dataset file; an unknown name lists the known ones."""
    reg = registry()
    if name not in reg:
        raise UnknownDatasetError("data.unknown", name=name, available=", ".join(available()))
    return datasets_dir() / reg[name]["file"]


def load_dataset(name: str, *, verify: bool = True) -> pd.DataFrame:
    """Load dataset ``name`` as a DataFrame, checking checksum and columns.

    Columns listed with type ``date`` in the registry are parsed as dates.
    """
    path = dataset_path(name)
    entry = registry()[name]
    if not path.exists():
        raise DatasetError("data.missing_file", name=name, path=str(path))
    if verify and entry.get("sha256") and sha256_of(path) != entry["sha256"]:
        raise DatasetError("data.bad_checksum", name=name, path=str(path))
    columns = entry.get("columns", {})
    dates = [c for c, spec in columns.items() if spec.get("type") == "date"]
    df = pd.read_csv(path, parse_dates=dates)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DatasetError("data.missing_columns", name=name, columns=", ".join(missing))
    for column, spec in columns.items():
        if "fill" in spec:  # e.g. an empty text cell means "none", not a missing value
            df[column] = df[column].fillna(spec["fill"])
    return df
