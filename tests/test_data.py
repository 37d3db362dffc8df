import hashlib
import importlib.util
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from sarasehan import data, i18n
from sarasehan.errors import DatasetError, UnknownDatasetError

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"


@pytest.mark.parametrize("name", data.available())
def test_every_dataset_loads_from_any_folder(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    df = data.load_dataset(name)
    assert len(df) > 0
    assert list(df.columns) == list(data.registry()[name]["columns"])


def test_every_csv_is_registered_and_documented():
    csvs = {p.name for p in DATASETS.glob("*.csv")}
    registered = {e["file"] for e in data.registry().values()}
    assert csvs == registered
    readme = (DATASETS / "README.md").read_text(encoding="utf-8")
    for name, entry in data.registry().items():
        assert f"`{name}`" in readme, name
        for column in entry["columns"]:
            assert f"`{column}`" in readme, (name, column)
        assert entry.get("licence")


def test_real_figures_carry_source_and_licence_on_every_row():
    for name, entry in data.registry().items():
        if entry["synthetic"]:
            continue
        df = data.load_dataset(name)
        for col in ("source_url", "licence", "source_title"):
            assert df[col].notna().all() and (df[col].str.len() > 5).all(), (name, col)
            if col == "source_url":
                assert df[col].str.match(r"https?://").all()


SYNTHETIC = [n for n, e in data.registry().items() if e["synthetic"]]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_synthetic_data_is_labelled_and_regenerated_byte_for_byte(tmp_path, name):
    entry = data.registry()[name]
    assert "SINTETIS" in entry["title"]["id"] and "SYNTHETIC" in entry["title"]["en"]
    assert "SYNTHETIC" in (DATASETS / "README.md").read_text(encoding="utf-8").split(f"`{name}`")[1][:200]
    spec = importlib.util.spec_from_file_location("gen", DATASETS / entry["generator"])
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    out = tmp_path / entry["file"]
    gen.write(gen.generate(), out)
    assert out.read_bytes() == (DATASETS / entry["file"]).read_bytes()
    other = tmp_path / "other_seed.csv"
    gen.write(gen.generate(seed=gen.SEED + 1), other)
    assert other.read_bytes() != out.read_bytes()  # the seed really drives the data


@pytest.mark.parametrize("lang,word", [("id", "tersedia"), ("en", "Available")])
def test_unknown_dataset_lists_the_available_ones(lang, word):
    i18n.set_language(lang)
    with pytest.raises(UnknownDatasetError) as info:
        data.load_dataset("branch_post")
    msg = str(info.value)
    assert word in msg and "branch_posts" in msg and "indonesia_internet_use" in msg


def _copy_course(tmp_path, monkeypatch):
    root = tmp_path / "course-copy"
    shutil.copytree(DATASETS, root / "datasets")
    monkeypatch.setenv("SARASEHAN_ROOT", str(root))
    data._registry.cache_clear()
    return root


def test_damaged_file_is_reported_by_checksum(tmp_path, monkeypatch):
    root = _copy_course(tmp_path, monkeypatch)
    with open(root / "datasets" / "branch_posts.csv", "a") as fh:
        fh.write("P999,2024-09-30,X,information,one_way,1,1,1,1,1,1,1\n")
    i18n.set_language("en")
    with pytest.raises(DatasetError, match="checksum"):
        data.load_dataset("branch_posts")
    data._registry.cache_clear()


def test_missing_column_is_named(tmp_path, monkeypatch):
    root = _copy_course(tmp_path, monkeypatch)
    path = root / "datasets" / "news_platforms_2025.csv"
    df = pd.read_csv(path).drop(columns=["change_pp"])
    df.to_csv(path, index=False)
    i18n.set_language("en")
    with pytest.raises(DatasetError, match="change_pp"):
        data.load_dataset("news_platforms_2025", verify=False)
    data._registry.cache_clear()


def test_registry_checksums_match_files():
    for name, entry in data.registry().items():
        digest = hashlib.sha256((DATASETS / entry["file"]).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name
