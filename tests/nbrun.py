"""Execute one notebook headless and report errors as JSON (used by the tests).

    python tests/nbrun.py NOTEBOOK [--drop-grade-tests] [--timeout S]

Runs in the notebook's own folder, like JupyterLab does. With
``--drop-grade-tests`` the nbgrader autograder test cells are removed first
(what a learner runs before grading). The kernel gets a guard that refuses
any connection outside this machine, so a notebook that needs the network
fails; the tests also run this script inside a network namespace with no
network at all where the machine allows it (``unshare -n``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

GUARD_DIR = Path(__file__).resolve().parent / "offline_guard"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("notebook")
    ap.add_argument("--drop-grade-tests", action="store_true")
    ap.add_argument("--timeout", type=int, default=120)
    args = ap.parse_args()
    path = Path(args.notebook).resolve()
    nb = nbformat.read(path, as_version=4)
    if args.drop_grade_tests:
        nb.cells = [c for c in nb.cells
                    if not (c.get("metadata", {}).get("nbgrader", {}).get("grade")
                            and not c["metadata"]["nbgrader"].get("solution")
                            and c.cell_type == "code")]
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GUARD_DIR), os.environ.get("PYTHONPATH")]))
    os.environ["SARASEHAN_OFFLINE_GUARD"] = "1"
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    client = NotebookClient(nb, timeout=args.timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = []
    widgets = 0
    images = 0
    for n, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append({"cell": n, "id": cell.get("id"), "ename": out.get("ename"),
                               "evalue": out.get("evalue", "")[:500]})
            if out.get("output_type") == "stream" and out.get("name") == "stderr" and "⚠" in out.get("text", ""):
                errors.append({"cell": n, "id": cell.get("id"), "ename": "FriendlyError",
                               "evalue": out["text"][:500]})
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                widgets += 1
            if "image/png" in data:
                images += 1
    json.dump({"errors": errors, "widgets": widgets, "images": images, "cells": len(nb.cells)}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
