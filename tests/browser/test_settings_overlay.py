"""The course's JupyterLab settings overlay (jupyter/lab/settings/overrides.json), as
served by `sarasehan lab` and as it behaves in the page."""

from __future__ import annotations

import json
import time

import pytest

from .harness import PANEL, ROOT

pytestmark = pytest.mark.browser

OVERRIDES = json.loads((ROOT / "jupyter" / "lab" / "settings" / "overrides.json").read_text(encoding="utf-8"))
DELETE_OR_MERGE = ("notebook:delete-cell", "notebook:merge-cells", "notebook:merge-cell-above",
                   "notebook:merge-cell-below")


def settings(server, plugin: str) -> dict:
    return server.api(f"/lab/api/settings/{plugin}")


def test_overlay_names_real_plugins_and_fields(lab_server):
    """Every plugin and field in overrides.json exists in the installed JupyterLab (a typo is silently ignored)."""
    for plugin, values in OVERRIDES.items():
        schema = settings(lab_server, plugin)["schema"]
        assert set(values) <= set(schema["properties"]), (plugin, set(values) - set(schema["properties"]))


def test_served_settings_have_no_news_and_no_delete_or_merge(lab_server):
    notification = settings(lab_server, "@jupyterlab/apputils-extension:notification")
    props = notification["schema"]["properties"]
    assert props["fetchNews"]["default"] == "false" and props["checkForUpdates"]["default"] is False
    assert notification["raw"] == "{}"  # defaults changed; the learner's own settings are untouched (empty)

    shortcuts = settings(lab_server, "@jupyterlab/shortcuts-extension:shortcuts")["schema"]["properties"]
    disabled = {(s["command"], tuple(s["keys"])) for s in shortcuts["shortcuts"]["default"] if s.get("disabled")}
    assert {("notebook:delete-cell", ("D", "D")), ("notebook:merge-cells", ("Shift M",))} <= disabled

    toolbar = settings(lab_server, "@jupyterlab/cell-toolbar-extension:plugin")["schema"]["properties"]
    assert {"name": "delete-cell", "disabled": True} in toolbar["toolbar"]["default"]
    user_settings = lab_server.home / ".jupyter" / "lab" / "user-settings"
    assert not list(user_settings.rglob("*.jupyterlab-settings")), "the overlay must not write user settings"


def test_page_has_no_news_toast_and_no_delete_or_merge_shortcuts(lab):
    lab.open("course/en/00_start_here.ipynb")
    time.sleep(2)  # without the overlay the news question is already showing by now
    toasts = lab.page.evaluate("() => [...document.querySelectorAll('.Toastify__toast')].map(e => e.innerText)")
    assert not [t for t in toasts if "news" in t.lower()], toasts

    bindings = lab.page.evaluate("""(cmds) => window.jupyterapp.commands.keyBindings
        .filter(b => cmds.includes(b.command)).map(b => b.command + ' ' + b.keys.join(','))""", list(DELETE_OR_MERGE))
    assert bindings == [], bindings

    # Cell toolbar, Edit menu and cell context menu offer no delete or merge.
    lab.page.locator(f"{PANEL} .jp-CodeCell .jp-InputArea-prompt").first.click()
    toolbar = lab.page.evaluate(f"""() => [...document.querySelectorAll('{PANEL} .jp-cell-toolbar [data-jp-item-name]')]
        .map(e => e.getAttribute('data-jp-item-name'))""")
    assert toolbar and "delete-cell" not in toolbar, toolbar
    menu_commands = "() => [...document.querySelectorAll('.lm-Menu .lm-Menu-item')].map(e => e.getAttribute('data-command'))"
    lab.page.locator(".lm-MenuBar-itemLabel", has_text="Edit").click()
    edit = lab.page.evaluate(menu_commands)
    lab.page.keyboard.press("Escape")
    lab.page.locator(f"{PANEL} .jp-CodeCell").first.click(button="right")
    context = lab.page.evaluate(menu_commands)
    lab.page.keyboard.press("Escape")
    assert "notebook:cut-cell" in edit and "notebook:cut-cell" in context  # the menus did open
    assert not set(DELETE_OR_MERGE) & set(edit + context), (edit, context)


def test_graded_cells_survive_delete_merge_and_cut_keys(lab):
    """In a released assignment, D D, Shift+M and X leave a graded test cell in place; B still works."""
    lab.open("exercises/01_roles_and_benefits/01_roles_and_benefits.ipynb")
    count = "() => window.jupyterapp.shell.currentWidget.content.widgets.length"
    n = lab.page.evaluate(count)
    test_cell = lab.page.locator(f"{PANEL} .jp-CodeCell").nth(2)  # q1_growth_visible: graded, not deletable
    test_cell.locator(".jp-InputArea-prompt").click()
    lab.page.keyboard.press("Escape")
    assert lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCell.model.getMetadata('deletable')") is False
    for keys in (["d", "d"], ["Shift+M"], ["x"]):
        for key in keys:
            lab.page.keyboard.press(key)
        time.sleep(0.3)
        assert lab.page.evaluate(count) == n, f"{'+'.join(keys)} removed a graded cell"
    lab.page.keyboard.press("b")  # control: command-mode keys do reach the notebook
    lab.page.wait_for_function(f"() => ({count})() === {n + 1}")
    lab.page.keyboard.press("d")
    lab.page.keyboard.press("d")
    time.sleep(0.3)
    assert lab.page.evaluate(count) == n + 1, "D D deleted a cell"
