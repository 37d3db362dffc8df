import json
import os

import pytest

from sarasehan import i18n
from sarasehan.answers import AnswerStore
from sarasehan.storage import load_json, save_json


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path):
    path = tmp_path / "a" / "answers.json"
    save_json(path, {"x": 1})
    save_json(path, {"x": 2})
    assert json.loads(path.read_text()) == {"x": 2}
    assert [p.name for p in path.parent.iterdir()] == ["answers.json"]


def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "answers.json"
    save_json(path, {"x": 1})

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        save_json(path, {"x": 2})
    assert json.loads(path.read_text()) == {"x": 1}
    assert [p.name for p in tmp_path.iterdir()] == ["answers.json"]


@pytest.mark.parametrize("lang,word", [("id", "rusak"), ("en", "damaged")])
def test_corrupt_file_is_backed_up_and_reset_with_a_message(tmp_path, lang, word):
    i18n.set_language(lang)
    path = tmp_path / "answers.json"
    path.write_text('{"answers": {"q1": "B"')  # cut off mid-write
    loaded = load_json(path, {"answers": {}})
    assert loaded.data == {"answers": {}}
    assert word in loaded.message
    assert loaded.backup.exists()
    assert loaded.backup.read_text() == '{"answers": {"q1": "B"'
    assert not path.exists()


def test_answer_store_survives_a_restart(learner_home):
    AnswerStore("m01").set("p01", "information")
    # a new object reads the file again, as a restarted kernel would
    assert AnswerStore("m01").get("p01") == "information"
    assert (learner_home / "learners" / "tester" / "answers" / "m01.json").exists()


def test_answer_store_with_wrong_shape_starts_clean(learner_home):
    folder = learner_home / "learners" / "tester" / "answers"
    folder.mkdir(parents=True)
    (folder / "m01.json").write_text('{"answers": [1, 2]}')
    store = AnswerStore("m01")
    assert store.all() == {}


def test_saved_csv_is_readable_by_others_and_json_stays_private(tmp_path):
    """Datasets are shared files (a grading sandbox or another account reads them); learners'
    answers are private."""
    import os
    import stat

    from sarasehan.storage import save_csv, save_json

    old = os.umask(0o022)
    try:
        save_csv(tmp_path / "d.csv", [{"a": 1}], ["a"])
        save_json(tmp_path / "answers.json", {"q": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "d.csv").stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "answers.json").stat().st_mode) == 0o600
