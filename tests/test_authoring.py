import subprocess
import sys
from pathlib import Path

import pytest

from sarasehan import authoring, i18n
from sarasehan.errors import NotebookBuildError

ROOT = Path(__file__).resolve().parent.parent


def test_generated_notebooks_are_up_to_date():
    stale = authoring.build(check=True)
    assert not stale, f"run `sarasehan build`: {[str(p.relative_to(ROOT)) for p in stale]}"


def test_build_is_deterministic():
    first = authoring.planned_outputs()
    second = authoring.planned_outputs()
    assert first == second and len(first) >= 5


def test_cli_build_check_passes():
    proc = subprocess.run([sys.executable, "-m", "sarasehan", "build", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("text,fragment", [
    ("cells:\n  - id: intro\n    md: {id: 'Halo'}\n", "intro"),
    ("cells:\n  - id: Bad Id\n    code: x\n", "Bad Id"),
    ("cells:\n  - id: a\n    code: x\n  - id: a\n    code: y\n", "'a'"),
    ("cells: [\n", "YAML"),
])
def test_bad_sources_are_named(tmp_path, text, fragment):
    i18n.set_language("en")
    path = tmp_path / "99_broken.yml"
    path.write_text(text)
    with pytest.raises(NotebookBuildError) as info:
        authoring.build_lesson(path)
    assert "99_broken.yml" in str(info.value) and fragment in str(info.value)
