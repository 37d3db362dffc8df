"""`make start`'s code path really starts JupyterLab, and foreseeable mistakes in a
notebook show a short message in the learner's language instead of a traceback."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import env_for_notebooks, offline_command

ROOT = Path(__file__).resolve().parent.parent
NBRUN = Path(__file__).resolve().parent / "nbrun.py"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sarasehan_lab_serves_the_course(tmp_path):
    port = free_port()
    env = dict(os.environ, PORT=str(port), COURSE_LANG="en", HOME=str(tmp_path),
               JUPYTER_CONFIG_DIR=str(tmp_path / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp_path / "run"))
    env.pop("DISPLAY", None)
    script = Path(sys.executable).parent / "sarasehan"
    proc = subprocess.Popen([str(script), "lab"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        deadline = time.time() + 90
        version = None
        while time.time() < deadline and version is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api", timeout=2) as r:
                    version = json.load(r)["version"]
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.5)
        assert version, "JupyterLab did not answer within 90 s"
    finally:
        proc.terminate()
        try:
            out, _ = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _ = proc.communicate()
    assert "course/en/00_start_here.ipynb" in out  # the URL is printed
    assert "token=" in out


@pytest.mark.parametrize("lang,text", [("id", "Dataset yang tersedia"), ("en", "Available datasets")])
def test_unknown_dataset_in_a_notebook_shows_a_message_not_a_traceback(tmp_path, lang, text):
    folder = tmp_path / "course" / lang
    folder.mkdir(parents=True)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sarasehan as sh\nsh.setup_notebook()"),
                nbformat.v4.new_code_cell("sh.load_dataset('branch_post')")]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    proc = subprocess.run(offline_command([sys.executable, str(NBRUN), str(path)]), capture_output=True,
                          text=True, env=env_for_notebooks(tmp_path))
    result = json.loads(proc.stdout)
    assert [e["ename"] for e in result["errors"]] == ["FriendlyError"]
    message = result["errors"][0]["evalue"]
    assert text in message and "branch_posts" in message and "Traceback" not in message
