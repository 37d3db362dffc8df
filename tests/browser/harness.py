"""Drive the course in a real JupyterLab and a real (headless) Chromium.

Used by the browser tests (``tests/browser/``) and by ``bench/widget_latency.py``;
it has no pytest dependency. JupyterLab is started exactly as ``make start`` does,
through ``sarasehan lab``, but on a temporary copy of the course (so running the
lessons, autosave and nbgrader's Validate never write into the repository) and
with its own HOME, Jupyter folders and learner folder.

Selectors are scoped to the visible notebook panel (``PANEL``): a restored
workspace can keep hidden notebook panels in the DOM.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
TOKEN = "sarasehan-browser-tests"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic"]
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# What a lesson's code calls to show a widget, and the CSS class of the widget it shows.
# A lesson that shows a widget not listed here fails the browser test with a message
# pointing here, so a new widget is never silently left unchecked.
WIDGET_CLASSES = {
    "sh.placement_quiz": "sarasehan-placement",
    "sh.my_track": "widget-html",
    "sh.track_note": "sarasehan-track-note",
    "sh.function_quiz": "sarasehan-function-quiz",
    "sh.discussion_card": "sarasehan-discussion",
    "sh.message_composer": "sarasehan-composer",
    "sh.kpi_explorer": "sarasehan-kpi-explorer",
    "sh.post_reviewer": "sarasehan-post-reviewer",
    "sh.channel_planner": "sarasehan-channel-planner",
    "sh.plan_builder": "sarasehan-plan-builder",
    "sh.workshop_roster": "sarasehan-workshop-roster",
    "sh.workshop_groups": "sarasehan-workshop-groups",
    "sh.workshop_timer": "sarasehan-workshop-timer",
    "sh.group_answer_form": "sarasehan-workshop-form",
    "sh.results_board": "sarasehan-workshop-board-widget",
    "sh.check_button": "sarasehan-check",
    "sh.pack_button": "sarasehan-pack-button",
    "widgets.IntSlider": "widget-slider",
}
_CALL = re.compile(r"\b(sh\.[a-z_]+|widgets\.[A-Z]\w*)\(")


def find_chromium() -> str | None:
    """A Chromium (or Chrome) executable: ``SARASEHAN_CHROMIUM`` if set, else the first on PATH."""
    env = os.environ.get("SARASEHAN_CHROMIUM")
    if env:
        return env if Path(env).exists() else shutil.which(env)
    for name in CHROMIUM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def notebook_code(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def expected_widgets(path: Path) -> list[str]:
    """The CSS classes of the widgets a notebook shows, in order: one per code cell that
    calls a widget factory (each such cell shows exactly one widget)."""
    classes = []
    for source in notebook_code(path):
        calls = [c for c in _CALL.findall(source) if c in WIDGET_CLASSES or c.startswith("widgets.")]
        if calls:
            unknown = [c for c in calls if c not in WIDGET_CLASSES]
            if unknown:
                raise AssertionError(f"{path.name} shows a widget made by {unknown[0]}(), which the browser tests "
                                     "do not know: add it to WIDGET_CLASSES in tests/browser/harness.py")
            classes.append(WIDGET_CLASSES[calls[-1]])
    return classes


def copy_course(dest: Path) -> Path:
    """A copy of what JupyterLab serves: the course, data, settings overlay, nbgrader config,
    and one assignment's solution and release (Validate, protected cells). Returns the copy's root."""
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__")
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("course", "datasets", "jupyter"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy2(ROOT / "nbgrader_config.py", dest / "nbgrader_config.py")
    for folder in ("solutions", "exercises"):
        shutil.copytree(ROOT / folder / "01_roles_and_benefits", dest / folder / "01_roles_and_benefits",
                        ignore=ignore)
    return dest


@dataclass
class LabServer:
    """``sarasehan lab`` (the code path of ``make start``) on a free port with a known token."""

    root: Path
    home: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict:
        env = dict(os.environ)
        for key in ("DISPLAY", "WAYLAND_DISPLAY", "COURSE_LANG", "JUPYTER_TOKEN", "JUPYTER_PATH",
                    "JUPYTER_CONFIG_PATH", "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR"):
            env.pop(key, None)
        env.update(HOME=str(self.home), JUPYTER_CONFIG_DIR=str(self.home / ".jupyter"),
                   JUPYTER_DATA_DIR=str(self.home / ".local" / "share" / "jupyter"),
                   JUPYTER_RUNTIME_DIR=str(self.home / "runtime"), SARASEHAN_ROOT=str(self.root),
                   SARASEHAN_HOME=str(self.home / "sarasehan"), SARASEHAN_LEARNER="browser",
                   PYTHONUNBUFFERED="1")
        return env

    def start(self, timeout: float = 90) -> "LabServer":
        cfg = self.home / ".jupyter"
        cfg.mkdir(parents=True, exist_ok=True)
        # Test-only: window.jupyterapp lets the tests run commands (run all, restart) and
        # read the kernel status. It lives in the throwaway config folder, not in the course.
        (cfg / "jupyter_lab_config.json").write_text(json.dumps({"LabApp": {"expose_app_in_browser": True}}))
        self.log_path = self.home / "lab.log"
        script = Path(sys.executable).parent / "sarasehan"
        cmd = [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "sarasehan"]),
               "lab", "--port", str(self.port), "--token", TOKEN]
        log = open(self.log_path, "w")
        # cwd = the course root, as with `make start`; nbgrader's Validate reads nbgrader_config.py from there.
        self.proc = subprocess.Popen(cmd, cwd=self.root, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"sarasehan lab exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                self.api("/api")
                return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def api(self, path: str, method: str = "GET"):
        req = urllib.request.Request(self.url + path, method=method, headers={"Authorization": f"token {TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as r:
            body = r.read()
        return json.loads(body) if body else None

    def log_tail(self, lines: int = 40) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if not self.proc or self.proc.poll() is not None:
            return
        try:
            self.api("/api/shutdown", method="POST")  # shuts the kernels down too
            self.proc.wait(timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


_KERNEL = ("(() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
           " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
           " return k ? k.status : null; })()")


class LabPage:
    """One browser page on the lab, reused for every notebook."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server
        self.path: str | None = None
        self.page_errors: list[str] = []
        page.on("pageerror", lambda err: self.page_errors.append(str(err)))

    # -- navigation and kernel ----------------------------------------------------------
    def open(self, path: str, workspace: str = "sarasehan-tests", timeout: float = 60_000) -> None:
        """Open ``path`` alone in a reset workspace (after shutting the previous notebook's kernel down)."""
        self.shutdown_kernel()
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{path}?reset&token={TOKEN}")
        self.page.wait_for_selector(f"{PANEL} .jp-Cell", timeout=timeout)
        self.page.wait_for_function(f"{_KERNEL} === 'idle'", timeout=timeout)
        self.path = path

    def kernel_status(self) -> str | None:
        return self.page.evaluate(_KERNEL)

    def wait_idle(self, timeout: float = 60_000) -> None:
        self.page.wait_for_function(f"{_KERNEL} === 'idle'", timeout=timeout)

    def shutdown_kernel(self) -> None:
        if self.path is None:
            return
        self.page.evaluate("""async () => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
            if (w && w.sessionContext) { await w.sessionContext.shutdown(); } }""")

    def command(self, name: str, args: dict | None = None):
        """Run a JupyterLab command and wait for it (e.g. notebook:run-all-cells resolves when all ran)."""
        # The command's result may be a widget, which cannot be sent back to Python: return True.
        return self.page.evaluate("([name, args]) => window.jupyterapp.commands.execute(name, args).then(() => true)",
                                  [name, args or {}])

    def run_all(self, timeout: float = 120_000) -> None:
        self.page.set_default_timeout(timeout)
        try:
            self.command("notebook:run-all-cells")
        finally:
            self.page.set_default_timeout(30_000)
        self.wait_idle(timeout)

    def restart_kernel(self) -> None:
        """Kernel > Restart Kernel…, confirmed in the dialog, as a learner does."""
        self.page.evaluate("() => { window.jupyterapp.commands.execute('notebook:restart-kernel'); }")
        self.page.locator(".jp-Dialog .jp-mod-accept").click()
        self.page.wait_for_selector(".jp-Dialog", state="detached")
        self.wait_idle()

    # -- reading the notebook -----------------------------------------------------------
    def output_problems(self) -> list[str]:
        """Error outputs, and stderr with a traceback or a course warning (⚠), from the notebook model
        and from what the page shows."""
        return self.page.evaluate(r"""() => {
            const w = window.jupyterapp.shell.currentWidget, found = [];
            w.content.widgets.forEach((cell, i) => {
              if (cell.model.type !== 'code') return;
              for (const out of cell.model.outputs.toJSON()) {
                const text = Array.isArray(out.text) ? out.text.join('') : (out.text || '');
                if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
                else if (out.output_type === 'stream' && out.name === 'stderr' && /Traceback|⚠/.test(text))
                  found.push(`cell ${i}: stderr: ${text.slice(0, 400)}`);
              }
            });
            const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
            for (const el of panel.querySelectorAll('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
              if (el.innerText.includes('Traceback')) found.push('shown: ' + el.innerText.slice(0, 400));
            for (const el of panel.querySelectorAll('.jp-OutputArea-output'))
              if (/Error displaying widget|Error rendering/.test(el.innerText)) found.push('shown: ' + el.innerText.slice(0, 200));
            return found;
        }""")

    def shown_widgets(self) -> list[str]:
        """The class lists of the top-level widgets shown in the outputs, in order."""
        return self.page.evaluate("""() => [...document.querySelectorAll(
              '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output > .jupyter-widgets')]
            .map(el => el.className)""")

    def wait_for_widgets(self, n: int, timeout: float = 30_000) -> list[str]:
        """Wait until ``n`` top-level widgets show (or a widget fails to display); return what shows.

        Does not raise on timeout: the caller compares what shows with what it expected."""
        try:
            self.page.wait_for_function(
                """n => { const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
                     return panel.querySelectorAll('.jp-OutputArea-output > .jupyter-widgets').length >= n
                       || /Error displaying widget/.test(panel.innerText); }""",
                arg=n, timeout=timeout)
        except Exception as err:  # playwright's TimeoutError
            if "Timeout" not in type(err).__name__:
                raise
        return self.shown_widgets()

    def widget(self, css: str):
        """A locator for the widget(s) with class ``css`` in the visible notebook."""
        return self.page.locator(f"{PANEL} .{css}")

    def text(self, css: str, nth: int = 0) -> str:
        return self.widget(css).nth(nth).inner_text()

    def wait_text_change(self, css: str, before: str, nth: int = 0, timeout: float = 15_000) -> str:
        """Wait until the widget's visible text differs from ``before``; return the new text."""
        try:
            self.page.wait_for_function(
                """([sel, nth, before]) => { const el = document.querySelectorAll(sel)[nth];
                     return el && el.innerText.trim() !== '' && el.innerText !== before; }""",
                arg=[f"{PANEL} .{css}", nth, before], timeout=timeout)
        except Exception as err:
            if "Timeout" not in type(err).__name__:
                raise
            raise AssertionError(f".{css} did not change within {timeout / 1000:.0f} s; it still shows: "
                                 f"{before[:300]!r}") from None
        return self.text(css, nth)

    def screenshot(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))


def launch_browser(playwright, executable: str):
    return playwright.chromium.launch(executable_path=executable, headless=True, args=BROWSER_ARGS)


def new_lab_page(browser, server: LabServer) -> LabPage:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    return LabPage(page, server)
