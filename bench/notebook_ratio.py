"""Benchmark: each course notebook's run time as a ratio to a baseline notebook.

The baseline is a notebook that only imports the package and calls
``sh.setup_notebook()``; it runs in the same process, with the same kernel
start-up, so the ratio shows what a lesson adds on top of the unavoidable
cost. Goal: at most 2x for every notebook. Not a test: it prints a table.

    python bench/notebook_ratio.py [--repeat 3] [NOTEBOOK ...]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
GOAL = 2.0


def run_once(nb: nbformat.NotebookNode, folder: Path) -> float:
    nb = nbformat.from_dict(nb)  # a fresh copy
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    return time.perf_counter() - start


def median_time(nb, folder: Path, repeat: int) -> float:
    return statistics.median(run_once(nb, folder) for _ in range(repeat))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("notebooks", nargs="*")
    args = ap.parse_args()
    os.environ.setdefault("SARASEHAN_HOME", tempfile.mkdtemp(prefix="sarasehan-bench-"))
    paths = [Path(p) for p in args.notebooks] or sorted((ROOT / "course").glob("*/*.ipynb"))
    baseline = nbformat.v4.new_notebook()
    baseline.cells = [nbformat.v4.new_code_cell("import sarasehan as sh\nsh.setup_notebook()")]
    base = median_time(baseline, ROOT / "course" / "id", args.repeat)
    print(f"baseline (import + setup_notebook): {base:.2f} s, median of {args.repeat}")
    print(f"{'notebook':45s} {'seconds':>8s} {'ratio':>6s}  goal <= {GOAL:g}x")
    worst = 0.0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        seconds = median_time(nb, path.parent, args.repeat)
        ratio = seconds / base
        worst = max(worst, ratio)
        flag = "" if ratio <= GOAL else "  over goal"
        print(f"{str(path.relative_to(ROOT)):45s} {seconds:8.2f} {ratio:6.2f}{flag}")
    print(f"worst ratio: {worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
