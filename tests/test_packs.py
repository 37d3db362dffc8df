"""Submission packs: made from the learner's notebooks, checked, refused when damaged or altered."""

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import warnings
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest

from sarasehan import i18n, packs
from sarasehan.packs import PackError, PackWarning, make_pack, verify_pack

ROOT = Path(__file__).resolve().parent.parent
A = "01_roles_and_benefits"
NB = f"{A}.ipynb"


@pytest.fixture
def nb_dir(tmp_path):
    folder = tmp_path / "work" / A
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "exercises" / A / NB, folder / NB)
    return folder


@pytest.fixture
def pack(nb_dir, tmp_path):
    return make_pack(A, nb_dir, "Siti Rahma", tmp_path / "out")


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def rewrite(src, dest, files):
    """A copy of a pack with the given members (name -> bytes), in order."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return dest


def test_round_trip(pack, nb_dir):
    assert re.fullmatch(rf"{A}__siti_rahma__\d{{8}}T\d{{6}}\.zip", pack.name)
    content = members(pack)
    assert set(content) == {"manifest.json", f"{A}/{NB}"}
    original = (nb_dir / NB).read_bytes()
    assert content[f"{A}/{NB}"] == original  # the learner's file exactly
    manifest = json.loads(content["manifest.json"])
    assert manifest["format"] == "sarasehan-pack/1"
    assert manifest["assignment"] == A and manifest["student_id"] == "siti_rahma"
    assert manifest["files"] == {f"{A}/{NB}": hashlib.sha256(original).hexdigest()}
    assert manifest["sarasehan_version"]
    created = datetime.fromisoformat(manifest["created"])
    assert created.utcoffset().total_seconds() == 0
    assert pack.name.split("__")[2][:15] == created.strftime("%Y%m%dT%H%M%S")
    info = verify_pack(pack, assignment=A)
    assert info.student_id == "siti_rahma" and info.notebooks == [NB] and info.created == created
    with zipfile.ZipFile(pack) as zf:
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in zf.infolist())


def test_two_packs_in_the_same_second_do_not_overwrite(nb_dir, tmp_path):
    now = datetime(2025, 7, 7, 10, 0, 0, tzinfo=timezone.utc)
    first = make_pack(A, nb_dir, "x", tmp_path, now=now)
    second = make_pack(A, nb_dir, "x", tmp_path, now=now)
    assert first != second and first.exists() and second.exists()
    assert first.name == f"{A}__x__20250707T100000.zip"


@pytest.mark.parametrize("given, expected", [
    ("Siti Rahma", "siti_rahma"), ("  BUDI.santoso ", "budi.santoso"), ("Dewi__Lestari", "dewi_lestari"),
    ("Ñoño Évora", "nono_evora"), ("2025-017", "2025-017"), ("../../etc", "etc"), ("a+b", "a_b"),
])
def test_student_ids_are_normalised(given, expected):
    assert packs.normalise_student_id(given) == expected


def test_student_id_asked_once_and_remembered(nb_dir, tmp_path, learner_home):
    asked = []

    def ask():
        asked.append(1)
        return "Budi Santoso"

    first = make_pack(A, nb_dir, out_dir=tmp_path / "o", ask=ask)
    assert "__budi_santoso__" in first.name and asked == [1]
    profile = learner_home / "learners" / "tester" / "profile.json"
    assert json.loads(profile.read_text())["student_id"] == "budi_santoso"
    assert not list(profile.parent.glob(".profile.json.*"))  # no temp file left behind

    def no_more_questions():
        raise AssertionError("asked twice")

    second = make_pack(A, nb_dir, out_dir=tmp_path / "o2", ask=no_more_questions)
    assert "__budi_santoso__" in second.name
    third = make_pack(A, nb_dir, student_id="Other One", out_dir=tmp_path / "o3")  # --student-id overrides ...
    assert "__other_one__" in third.name
    assert packs.saved_student_id() == "budi_santoso"  # ... for this pack only


def test_no_student_id_and_nobody_to_ask(nb_dir, tmp_path):
    i18n.set_language("en")
    with pytest.raises(PackError, match="--student-id"):
        make_pack(A, nb_dir, out_dir=tmp_path)
    with pytest.raises(PackError, match="student id"):
        make_pack(A, nb_dir, student_id="...", out_dir=tmp_path)


@pytest.mark.parametrize("lang, words", [("en", "is not in"), ("id", "tidak ada di")])
def test_missing_notebook_is_refused_with_the_reason(tmp_path, lang, words):
    i18n.set_language(lang)
    folder = tmp_path / A
    folder.mkdir()
    (folder / "Untitled.ipynb").write_text(json.dumps({"cells": [], "metadata": {}}))
    with pytest.raises(PackError) as err:
        make_pack(A, folder, "siti", tmp_path / "out")
    msg = str(err.value)
    assert NB in msg and words in msg and "Untitled.ipynb" in msg  # names it, and what to rename
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_missing_notebook_points_to_the_checkpoint(tmp_path):
    i18n.set_language("en")
    folder = tmp_path / A
    (folder / ".ipynb_checkpoints").mkdir(parents=True)
    (folder / ".ipynb_checkpoints" / f"{A}-checkpoint.ipynb").write_text("{}")
    with pytest.raises(PackError, match="checkpoint"):
        make_pack(A, folder, "siti", tmp_path / "out")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_damaged_notebook_is_refused_with_recovery_steps(nb_dir, tmp_path, lang):
    i18n.set_language(lang)
    (nb_dir / NB).write_text('{"cells": [', encoding="utf-8")
    with pytest.raises(PackError) as err:
        make_pack(A, nb_dir, "siti", tmp_path / "out")
    msg = str(err.value)
    assert NB in msg and "File > Revert Notebook to Checkpoint" in msg and ".ipynb_checkpoints" in msg
    assert not list((tmp_path).glob("out/*.zip"))


def test_unknown_assignment_and_bad_name(tmp_path):
    with pytest.raises(PackError):
        make_pack("../etc", tmp_path, "siti")
    with pytest.raises(PackError, match="99_nothing"):
        make_pack("99_nothing", notebook_dir=None, student_id="siti")


def test_large_pack_is_made_with_a_warning(nb_dir, tmp_path):
    nb = json.loads((nb_dir / NB).read_text())
    blob = base64.b64encode(os.urandom(6 * 1024 * 1024)).decode()
    nb["cells"][0].setdefault("attachments", {})["big.png"] = {"image/png": blob}
    (nb_dir / NB).write_text(json.dumps(nb))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = make_pack(A, nb_dir, "siti", tmp_path / "out")
    assert path.stat().st_size > 5 * 1024 * 1024
    assert members(path)[f"{A}/{NB}"] == (nb_dir / NB).read_bytes()
    assert [w for w in caught if issubclass(w.category, PackWarning) and "MB" in str(w.message)]


def _tampered(pack, tmp_path, how):
    content = members(pack)
    manifest = json.loads(content["manifest.json"])
    member = f"{A}/{NB}"
    if how == "edited_byte":
        data = bytearray(content[member])
        data[len(data) // 2] ^= 0x01
        content[member] = bytes(data)
    elif how == "removed_file":
        del content[member]
    elif how == "extra_notebook":
        content[f"{A}/extra.ipynb"] = content[member]
    elif how == "extra_file":
        content["notes.txt"] = b"hello"
    elif how == "bad_manifest_json":
        content["manifest.json"] = b"{not json"
    elif how == "manifest_wrong_format":
        manifest["format"] = "something-else/2"
        content["manifest.json"] = json.dumps(manifest).encode()
    elif how == "manifest_missing":
        del content["manifest.json"]
    elif how == "path_traversal":
        content[f"../{NB}"] = content.pop(member)
        manifest["files"] = {f"../{NB}": manifest["files"][member]}
        content["manifest.json"] = json.dumps(manifest).encode()
    elif how == "absolute_path":
        content[f"/tmp/{NB}"] = content[member]
    elif how == "not_a_zip":
        path = tmp_path / pack.name
        path.write_bytes(pack.read_bytes()[: pack.stat().st_size // 3])
        return path
    path = tmp_path / pack.name
    return rewrite(pack, path, content)


@pytest.mark.parametrize("how", ["edited_byte", "removed_file", "extra_notebook", "extra_file", "bad_manifest_json",
                                 "manifest_wrong_format", "manifest_missing", "path_traversal", "absolute_path",
                                 "not_a_zip"])
@pytest.mark.parametrize("lang", ["en", "id"])
def test_tampered_pack_is_rejected_by_name(pack, tmp_path, how, lang):
    i18n.set_language(lang)
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = _tampered(pack, bad_dir, how)
    with pytest.raises(PackError) as err:
        verify_pack(bad)
    assert bad.name in str(err.value)


def test_duplicate_member_is_rejected(pack, tmp_path):
    bad = tmp_path / "dup" / pack.name
    bad.parent.mkdir()
    content = members(pack)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        with zipfile.ZipFile(bad, "w") as zf:
            for name, data in content.items():
                zf.writestr(name, data)
            zf.writestr(f"{A}/{NB}", b'{"cells": []}')
    with pytest.raises(PackError, match=re.escape(pack.name)):
        verify_pack(bad)


def test_pack_of_another_assignment(pack):
    i18n.set_language("en")
    with pytest.raises(PackError, match="02_social_movements"):
        verify_pack(pack, assignment="02_social_movements")


def test_load_pack_from_bytes_reads_contents(pack, nb_dir):
    info = packs.load_pack(pack.read_bytes(), name="from-chat.zip")
    assert info.name == "from-chat.zip" and info.contents[f"{A}/{NB}"] == (nb_dir / NB).read_bytes()
    assert "from-chat.zip" in str(info)


def test_cli_pack(nb_dir, tmp_path, capsys):
    parser = argparse.ArgumentParser(prog="sarasehan")
    packs.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["pack", A, "--student-id", "Dewi", "--dir", str(nb_dir), "--out", str(tmp_path / "o")])
    i18n.set_language("en")
    assert args.func(args) == 0
    out = capsys.readouterr().out
    made = list((tmp_path / "o").glob("*.zip"))
    assert len(made) == 1 and str(made[0]) in out and "Pack ready" in out


def test_pack_button(nb_dir, tmp_path):
    from sarasehan.widgets.pack_button import pack_button

    i18n.set_language("en")
    widget = pack_button(A, notebook_dir=nb_dir, out_dir=tmp_path / "o")
    assert widget.student in widget.id_row.children  # unknown: it asks
    widget.button.click()
    assert "student id first" in widget.status.value and widget.last_pack is None
    widget.student.value = "Eko Prasetyo"
    widget.button.click()
    assert widget.last_pack is not None and widget.last_pack.exists()
    assert "eko_prasetyo" in widget.last_pack.name and str(widget.last_pack) in widget.status.value
    assert widget.student not in widget.id_row.children

    again = pack_button(A, notebook_dir=nb_dir, out_dir=tmp_path / "o2")  # remembered now
    assert again.student not in again.id_row.children and "eko_prasetyo" in again.who.value
    again.change.click()
    again.student.value = "Eko P"
    again.button.click()
    assert "__eko_p__" in again.last_pack.name and packs.saved_student_id() == "eko_p"


def test_pack_button_shows_why_it_failed(tmp_path):
    from sarasehan.widgets.pack_button import pack_button

    i18n.set_language("en")
    empty = tmp_path / "empty"
    empty.mkdir()
    widget = pack_button(A, notebook_dir=empty, out_dir=tmp_path / "o")
    widget.student.value = "siti"
    assert widget.make() is None
    assert NB in widget.status.value and "sarasehan-bad" in widget.status.value
