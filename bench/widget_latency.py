"""Click-to-update latency of course widgets in a real browser, against bare ipywidgets.

    python bench/widget_latency.py [--clicks 25]

Starts JupyterLab through ``sarasehan lab`` (as ``make start`` does) on a temporary copy of
the course, opens one notebook in headless Chromium that shows, in the same page:

* a bare ``ipywidgets.Button`` whose click handler sets a ``Label`` (the floor: one comm
  round trip and a DOM update);
* the function quiz (Module 01): Check → the feedback under the first post changes;
* the KPI explorer (Module 03): Apply → the summary line changes.

Each measurement runs inside the page: from ``button.click()`` to the first animation frame
after the watched element's text has changed (a MutationObserver), i.e. to the update being
visible. Before each quiz click the dropdown alternates between the right and a wrong answer,
and before each KPI click the platform alternates, so every click changes what is shown;
that choice is made outside the timed interval. The kernel is idle before every click.
Rounds interleave the three widgets. Prints the medians and each course widget's ratio to
the bare round trip (goal: ≤ 1.5×). Not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.harness import (PANEL, LabServer, copy_course, find_chromium, launch_browser,  # noqa: E402
                                   new_lab_page)

CELLS = [
    "import sarasehan as sh\nsh.setup_notebook()",
    "import ipywidgets as widgets\n"
    "bare_button = widgets.Button(description='bare')\nbare_button.add_class('bench-bare-button')\n"
    "bare_label = widgets.Label('0')\nbare_label.add_class('bench-bare-label')\n"
    "def _bump(_):\n    bare_label.value = str(int(bare_label.value) + 1)\n"
    "bare_button.on_click(_bump)\nwidgets.VBox([bare_button, bare_label])",
    "sh.function_quiz()",
    "sh.kpi_explorer(sh.load_dataset('page_posts_2024'))",
]

# From click to the first frame after the target's text changed (milliseconds).
ROUND_TRIP = """async ([button, target, nth]) => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  const btn = panel.querySelectorAll(button)[nth], el = panel.querySelectorAll(target)[nth];
  const before = el.innerText;
  return await new Promise((resolve, reject) => {
    const timer = setTimeout(() => { obs.disconnect(); reject(new Error('no update within 20 s')); }, 20000);
    const obs = new MutationObserver(() => {
      if (el.innerText !== before) {
        obs.disconnect(); clearTimeout(timer);
        requestAnimationFrame(() => resolve(performance.now() - t0));
      }
    });
    obs.observe(el, {subtree: true, childList: true, characterData: true, attributes: true});
    const t0 = performance.now();
    btn.click();
  });
}"""


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clicks", type=int, default=25, help="clicks per widget (at least 20 for the report)")
    ap.add_argument("--raw", action="store_true", help="also print every measurement (ms)")
    args = ap.parse_args()
    chromium = find_chromium()
    if not chromium:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sarasehan-bench-") as tmp:
        base = Path(tmp)
        root = copy_course(base / "root")
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in CELLS]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
        nbformat.write(nb, root / "course" / "en" / "zz_widget_latency.ipynb")
        server = LabServer(root=root, home=base / "home").start()
        try:
            with sync_playwright() as pw:
                browser = launch_browser(pw, chromium)
                lab = new_lab_page(browser, server)
                lab.open("course/en/zz_widget_latency.ipynb")
                lab.run_all()
                lab.wait_for_widgets(3)
                page = lab.page

                # The quiz: find the right answer for the first post (try each option once).
                select = page.locator(f"{PANEL} .sarasehan-quiz-choice select").first
                options = select.evaluate("el => [...el.options].map(o => o.value)")[1:]
                right = None
                for option in options:
                    select.select_option(value=option)
                    lab.wait_idle()
                    page.locator(f"{PANEL} .sarasehan-quiz-check").first.click()
                    page.wait_for_function(
                        f"() => document.querySelector('{PANEL} .sarasehan-quiz-feedback').innerText.trim() !== ''")
                    lab.wait_idle()
                    if page.locator(f"{PANEL} .sarasehan-quiz-feedback").first.locator(".sarasehan-ok").count():
                        right = option
                        break
                assert right is not None, "no option of the first quiz item is marked correct"
                wrong = next(o for o in options if o != right)
                platform = page.locator(f"{PANEL} .sarasehan-kpi-explorer select").first
                platforms = platform.evaluate("el => [...el.options].map(o => o.value)")[:2]

                def prepare(name: str, i: int) -> None:
                    """Outside the timed interval: make the next click change what is shown."""
                    if name == "quiz":
                        select.select_option(value=wrong if i % 2 == 0 else right)
                    elif name == "kpi":
                        platform.select_option(value=platforms[(i + 1) % 2])
                    lab.wait_idle()
                    time.sleep(0.1)  # let the page finish drawing the previous update

                targets = {"bare": [".bench-bare-button", ".bench-bare-label", 0],
                           "quiz": [".sarasehan-quiz-check", ".sarasehan-quiz-feedback", 0],
                           "kpi": [".sarasehan-kpi-apply", ".sarasehan-kpi-summary", 0]}
                times: dict[str, list[float]] = {name: [] for name in targets}
                order = list(targets)
                for i in range(args.clicks + 2):  # the first two rounds warm up and are dropped
                    for name in order[i % 3:] + order[:i % 3]:  # rotate, so no widget always goes first
                        prepare(name, i)
                        times[name].append(page.evaluate(ROUND_TRIP, targets[name]))
                    lab.wait_idle()
                lab.shutdown_kernel()
                browser.close()
        finally:
            server.stop()

    kept = {name: values[2:] for name, values in times.items()}
    if args.raw:
        for name, values in kept.items():
            print(name, " ".join(f"{v:.0f}" for v in values))
    medians = {name: statistics.median(values) for name, values in kept.items()}

    def spread(name: str) -> str:
        q = statistics.quantiles(kept[name], n=4)
        return f"(quartiles {q[0]:.1f}-{q[2]:.1f}, min {min(kept[name]):.1f})"

    print(f"clicks per widget: {args.clicks} (after 2 warm-up rounds); headless Chromium, one page, "
          "kernel idle before each click")
    print(f"  {'bare ipywidgets Button -> Label':33s}: median {medians['bare']:6.1f} ms  {spread('bare')}")
    for name, label in (("quiz", "function quiz Check -> feedback"), ("kpi", "KPI explorer Apply -> summary")):
        ratio = medians[name] / medians["bare"]
        verdict = "ok" if ratio <= 1.5 else "above the 1.5x goal"
        print(f"  {label:33s}: median {medians[name]:6.1f} ms  {spread(name)}  ratio {ratio:.2f}x ({verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
