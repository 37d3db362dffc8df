"""Fill `DIGEST:qN` placeholders in an assignment source with real digests.

Runs the assignment's setup and solution cells (never the tests), then
replaces each placeholder in the visible-test cells with the digest of the
value that test checks. Authors run it after changing a solution:

    python authoring/fill_digests.py authoring/assignments/02_social_movements.yml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from sarasehan.checks import digest

PLACEHOLDER = re.compile(r'sh\.expect\((\w+),(?:(?!sh\.expect).)*?decimals=(\d+)(?:(?!sh\.expect).)*?expected_digest="DIGEST:(\w+)"|'
                         r'sh\.expect\((\w+),(?:(?!sh\.expect|decimals).)*?expected_digest="DIGEST:(\w+)"', re.S)


def main(path: str) -> None:
    source = Path(path)
    text = source.read_text(encoding="utf-8")
    cells = yaml.safe_load(text)["cells"]
    namespace: dict = {}
    import os
    os.chdir(Path(__file__).resolve().parent.parent)
    for cell in cells:
        grading = cell.get("nbgrader") or {}
        if "code" in cell and not grading.get("grade"):
            code = "\n".join(line for line in cell["code"].splitlines()
                             if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))
            exec(compile(code, cell["id"], "exec"), namespace)
    for m in PLACEHOLDER.finditer(text):
        name, decimals, tag = (m.group(1), int(m.group(2)), m.group(3)) if m.group(1) else (m.group(4), 2, m.group(5))
        value = digest(namespace[name], decimals)
        text = text.replace(f'"DIGEST:{tag}"', f'"{value}"', 1)
        print(f"{tag}: {name} -> {value}")
    source.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1])
