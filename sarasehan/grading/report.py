"""``grades.csv`` and ``summary.png`` from the per-student results."""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

FIXED_HEAD = ["student_id", "assignment"]
FIXED_TAIL = ["total", "max", "status", "message"]


def _fmt(value) -> str:
    if value is None:
        return ""
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.2f}"


def write_csv(path: Path, assignment: str, cells: list[tuple[str, str, float]], results: list[dict]) -> None:
    """One row per student, one column per graded cell (its grade id), atomically replaced."""
    columns = FIXED_HEAD + [gid for _, gid, _ in cells] + FIXED_TAIL
    max_total = sum(m for _, _, m in cells)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for r in sorted(results, key=lambda r: r["student"]):
        scores = r.get("final_scores") or {}
        row = [r["student"], assignment]
        total = 0.0
        for _, gid, _ in cells:
            s = scores.get(gid, {})
            value = s.get("score")
            if value is not None:
                total += float(value)
            row.append(_fmt(value))
        total -= float(r.get("penalty") or 0)  # nbgrader's late-submission penalty, as in its own export
        row += [_fmt(max(total, 0.0)) if scores else "", _fmt(max_total), r.get("status", ""), r.get("message", "")]
        writer.writerow(row)
    tmp = path.with_suffix(".csv.tmp")
    tmp.write_text(buf.getvalue(), encoding="utf-8")
    os.replace(tmp, path)


QUESTION_SUFFIX = re.compile(r"_(visible|hidden)$")


def questions(cells: list[tuple[str, str, float]]) -> dict[str, list[tuple[str, float]]]:
    """Graded cells grouped by question: the course names a question's tests
    ``<question>_visible`` and ``<question>_hidden``; other cells stand alone."""
    groups: dict[str, list[tuple[str, float]]] = {}
    for _, gid, mx in cells:
        groups.setdefault(QUESTION_SUFFIX.sub("", gid), []).append((gid, mx))
    return groups


def summary_png(path: Path, assignment: str, cells: list[tuple[str, str, float]], results: list[dict],
                labels: dict) -> None:
    """Score distribution per question (stacked: full / partial / zero / to grade by hand) and totals."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    groups = questions(cells)
    names = list(groups)
    full, part, zero, manual = [], [], [], []
    totals = []
    max_total = sum(m for _, _, m in cells) or 1.0
    for name, members in groups.items():
        mx = sum(m for _, m in members)
        f = p = z = m = 0
        for r in results:
            scores = r.get("final_scores") or {}
            got = [scores.get(gid) for gid, _ in members]
            if not any(got):
                continue
            if any(g and g.get("score") is None for g in got):
                m += 1
                continue
            value = sum(float(g["score"]) for g in got if g)
            if mx and value >= mx:
                f += 1
            elif value > 0:
                p += 1
            else:
                z += 1
        full.append(f)
        part.append(p)
        zero.append(z)
        manual.append(m)
    for r in results:
        scores = r.get("final_scores") or {}
        if scores:
            totals.append(sum(float(s["score"] or 0) for s in scores.values()))
    height = max(3.5, 0.32 * len(names) + 1.5)
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(12, height), gridspec_kw={"width_ratios": [3, 2]})
    y = list(range(len(names)))[::-1]
    left = [0] * len(names)
    for data, colour, label in ((full, "#2e7d32", labels["full"]), (part, "#f9a825", labels["partial"]),
                                (zero, "#c62828", labels["zero"]), (manual, "#9e9e9e", labels["manual"])):
        ax.barh(y, data, left=left, color=colour, label=label)
        left = [a + b for a, b in zip(left, data)]
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=8)
    ax.set_xlabel(labels["students"])
    ax.set_title(labels.get("per_question") or labels["per_cell"])
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=4, frameon=False)
    bins = min(20, max(5, int(max_total)))
    ax2.hist(totals or [0], bins=bins, range=(0, max_total), color="#1565c0")
    from matplotlib.ticker import MaxNLocator

    ax2.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.set_xlabel(labels["total"])
    ax2.set_ylabel(labels["students"])
    ax2.set_title(f"{assignment} (n={len(totals)})")
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    os.replace(tmp, path)


def summary_png_from_json(data_path: str, out_path: str) -> None:
    import json

    data = json.loads(Path(data_path).read_text(encoding="utf-8"))
    cells = [tuple(c) for c in data["cells"]]
    summary_png(Path(out_path), data["assignment"], cells, data["results"], data["labels"])
