from __future__ import annotations

import ipywidgets as w
import pandas as pd
from matplotlib.figure import Figure

from ..errors import SarasehanError
from ..i18n import t
from ..kpi import ALL, GROUPS, filter_posts, kpi_table
from ..metrics import DEFINITIONS, pooled_rate
from ._common import esc, status


class KPIExplorerWidget(w.VBox):
    """Filters and a definition choice; the chart and table update when Apply is clicked."""

    def __init__(self, posts: pd.DataFrame):
        self.posts = posts
        all_label = t("kpi.all")
        self.platform = w.Dropdown(options=[(all_label, ALL)] + [(p, p) for p in sorted(posts["platform"].unique())],
                                   description=t("kpi.platform"))
        self.format = w.Dropdown(options=[(all_label, ALL)] + [(f, f) for f in sorted(posts["format"].unique())],
                                 description=t("kpi.format"))
        first, last = posts["published"].min().date(), posts["published"].max().date()
        self.start = w.DatePicker(value=first, description=t("kpi.dates"))
        self.end = w.DatePicker(value=last, description="→")
        self.definition = w.Dropdown(options=[(t(f"kpi.def_{d}"), d) for d in DEFINITIONS],
                                     description=t("kpi.definition"), layout=w.Layout(width="auto"))
        self.group_by = w.Dropdown(options=[(g, g) for g in GROUPS], value="format", description=t("kpi.group_by"))
        self.apply = w.Button(description=t("kpi.apply"), button_style="primary", icon="refresh")
        self.apply.add_class("sarasehan-kpi-apply")
        self.summary = w.HTML()
        self.summary.add_class("sarasehan-kpi-summary")
        self.table = w.HTML()
        self.chart = w.Output()
        self.apply.on_click(lambda _: self.update())
        super().__init__([
            w.HTML(f"<h4>{esc(t('kpi.title'))}</h4>"),
            w.HBox([self.platform, self.format]), w.HBox([self.start, self.end]),
            w.HBox([self.definition, self.group_by]), self.apply, self.summary, self.table, self.chart,
        ])
        self.add_class("sarasehan-kpi-explorer")
        self.update()

    def current_table(self) -> pd.DataFrame:
        selected = filter_posts(self.posts, self.platform.value, self.format.value, self.start.value, self.end.value)
        return kpi_table(selected, self.definition.value, self.group_by.value), selected

    def update(self) -> pd.DataFrame | None:
        try:
            table, selected = self.current_table()
        except SarasehanError as err:
            self.summary.value = status("warn", str(err))
            self.table.value = ""
            self.chart.clear_output()
            return None
        label = t(f"kpi.def_{self.definition.value}")
        value = pooled_rate(selected, self.definition.value)
        self.summary.value = status("info", t("kpi.summary", posts=len(selected), definition=label,
                                              value=f"{value:.2f}"))
        shown = table.rename(columns={"posts": t("kpi.col_posts"), "pooled_rate": t("kpi.col_rate"),
                                      "mean_rate": t("kpi.col_mean")})
        self.table.value = shown.to_html(classes="sarasehan-kpi-table", border=0)
        from ..plots import _register_png_formatter

        _register_png_formatter()
        fig = Figure(figsize=(7, 3), dpi=90)
        ax = fig.add_subplot()
        ax.barh([str(i) for i in table.index[::-1]], table["pooled_rate"][::-1], color="#c62828")
        ax.set_title(t("kpi.chart_title", definition=label), fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        with self.chart:
            self.chart.clear_output(wait=True)
            from IPython.display import display

            display(fig)
        return table


def kpi_explorer(posts: pd.DataFrame) -> KPIExplorerWidget:
    """Module 03's KPI explorer for a DataFrame like ``page_posts_2024``."""
    return KPIExplorerWidget(posts)
