"""Charts used in the lessons, labelled in the learner's language.

Each function returns a :class:`matplotlib.figure.Figure` that is not
registered with pyplot, so a notebook shows it exactly once.
"""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from .i18n import t

SOURCE_STYLE = {"APJII": ("#c62828", "o"), "DataReportal": ("#1565c0", "s"), "BPS/ITU": ("#2e7d32", "^")}


def _register_png_formatter() -> None:
    """In a notebook, show returned figures as PNG (not managed by pyplot, so shown once)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    png = shell.display_formatter.formatters["image/png"]
    if Figure not in png.type_printers:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")


def _figure():
    _register_png_formatter()
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot()
    ax.spines[["top", "right"]].set_visible(False)
    return fig, ax


def internet_users(use: pd.DataFrame) -> Figure:
    """Internet users (millions) by source and year, from ``indonesia_internet_use``."""
    fig, ax = _figure()
    users = use[use["indicator"] == "internet_users"]
    for source, group in users.groupby("source_org"):
        colour, marker = SOURCE_STYLE.get(source, ("#555555", "d"))
        group = group.sort_values("year")
        ax.plot(group["year"], group["value"], marker=marker, color=colour, label=source)
    ax.axvline(2013, color="#777777", linestyle=":", linewidth=1)
    ax.annotate(t("plot.workshop"), (2013, ax.get_ylim()[1] * 0.95), ha="left", fontsize=9, color="#555555")
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(t("plot.users_title"))
    ax.set_xlabel(t("plot.year"))
    ax.set_ylabel(t("plot.million_people"))
    ax.legend(title=t("plot.source"))
    fig.text(0.01, 0.01, t("plot.users_note"), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def news_platforms(news: pd.DataFrame) -> Figure:
    """Share using each platform for news (Reuters Institute DNR 2025, CC BY 4.0)."""
    fig, ax = _figure()
    data = news.sort_values("share_percent")
    ax.barh(data["platform"], data["share_percent"], color="#c62828")
    for y, v in enumerate(data["share_percent"]):
        ax.text(v + 0.5, y, f"{v:g}%", va="center", fontsize=9)
    ax.set_title(t("plot.news_title"))
    ax.set_xlabel(t("plot.percent_sample"))
    fig.text(0.01, 0.01, t("plot.news_note"), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


def island_penetration(islands: pd.DataFrame) -> Figure:
    """Internet penetration by region (APJII 2025)."""
    fig, ax = _figure()
    data = islands.sort_values("penetration_percent")
    ax.barh(data["region"], data["penetration_percent"], color="#1565c0")
    ax.set_xlim(0, 100)
    ax.set_title(t("plot.island_title"))
    ax.set_xlabel(t("plot.percent_population"))
    fig.tight_layout()
    return fig


def posts_by_function(posts: pd.DataFrame) -> Figure:
    """Number of posts per function and direction, from the synthetic ``branch_posts``."""
    from .content import load_content
    from .i18n import pick

    labels = {k: pick(v) for k, v in load_content("function_quiz")["functions"].items()}
    fig, ax = _figure()
    counts = posts.pivot_table(index="function", columns="direction", values="post_id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["one_way", "two_way"], fill_value=0)
    counts = counts.loc[counts.sum(axis=1).sort_values().index]
    names = [labels.get(f, f) for f in counts.index]
    ax.barh(names, counts["one_way"], color="#90a4ae", label=t("plot.one_way"))
    ax.barh(names, counts["two_way"], left=counts["one_way"], color="#c62828", label=t("plot.two_way"))
    ax.set_title(t("plot.functions_title"))
    ax.set_xlabel(t("plot.posts"))
    ax.legend()
    fig.text(0.01, 0.01, t("plot.synthetic_note"), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


PLATFORM_COLOURS = {"Facebook": "#1565c0", "Instagram": "#ad1457", "WhatsApp": "#2e7d32",
                    "WhatsApp Channel": "#2e7d32", "TikTok": "#212121", "X": "#78909c"}


def campaign_weekly(log: pd.DataFrame) -> Figure:
    """Weekly sign-ups by platform, stacked, with the week-5 news event marked (``campaign_log``)."""
    fig, ax = _figure()
    weekly = log.pivot_table(index="week", columns="platform", values="signups", aggfunc="sum", fill_value=0)
    bottom = None
    for platform in weekly.columns:
        values = weekly[platform]
        ax.bar(weekly.index, values, bottom=bottom, label=platform, color=PLATFORM_COLOURS.get(platform))
        bottom = values if bottom is None else bottom + values
    ax.axvline(4.5, color="#c62828", linestyle="--", linewidth=1)
    ax.annotate(t("plot.news_event"), (4.55, float(bottom.max()) * 0.97), fontsize=9, color="#c62828")
    ax.set_xticks(list(weekly.index))
    ax.set_title(t("plot.campaign_title"))
    ax.set_xlabel(t("plot.week"))
    ax.set_ylabel(t("plot.signups"))
    ax.legend(ncols=3, fontsize=8)
    fig.tight_layout()
    return fig


def funnel(log: pd.DataFrame) -> Figure:
    """Reach → link clicks → sign-ups, with each step as a share of the one before."""
    fig, ax = _figure()
    steps = [t("plot.funnel_reach"), t("plot.funnel_clicks"), t("plot.funnel_signups")]
    values = [int(log["reach"].sum()), int(log["link_clicks"].sum()), int(log["signups"].sum())]
    ax.barh(steps[::-1], values[::-1], color=["#c62828", "#e57373", "#ffcdd2"][::-1])
    ax.set_xscale("log")
    for i, value in enumerate(values):
        y = len(values) - 1 - i
        label = f"{value:,}".replace(",", ".")
        if i:
            label += "  (" + t("plot.of_previous", percent=f"{value / values[i - 1] * 100:.1f}%") + ")"
        ax.text(value * 1.1, y, label, va="center", fontsize=9)
    ax.set_xlim(right=values[0] * 30)
    ax.set_title(t("plot.funnel_title"))
    fig.text(0.01, 0.01, t("plot.synthetic_note"), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig


WEEKDAY_ORDER = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def weekday_hour(rates: pd.DataFrame, value: str = "er_reach") -> Figure:
    """Heatmap of the mean of ``value`` by weekday and hour, with the number of posts in each cell."""
    fig, ax = _figure()
    table = rates.pivot_table(index="weekday", columns="hour", values=value, aggfunc="mean")
    counts = rates.pivot_table(index="weekday", columns="hour", values=value, aggfunc="count")
    order = [d for d in WEEKDAY_ORDER if d in table.index]
    table, counts = table.reindex(order), counts.reindex(order)
    image = ax.imshow(table.to_numpy(dtype=float), cmap="Reds", aspect="auto")
    ax.set_yticks(range(len(order)), [t(f"weekday.{d}") for d in order])
    ax.set_xticks(range(len(table.columns)), [f"{h:02d}" for h in table.columns])
    for y in range(len(order)):
        for x in range(len(table.columns)):
            n = counts.iat[y, x]
            if n == n and n:  # not NaN
                ax.text(x, y, int(n), ha="center", va="center", fontsize=7, color="#333333")
    fig.colorbar(image, ax=ax, label=value)
    ax.set_title(t("plot.heatmap_title"))
    ax.set_xlabel(t("plot.hour") + " — " + t("plot.posts_in_cell"))
    fig.tight_layout()
    return fig


FEEDBACK_COLOURS = {"question": "#1565c0", "rumour": "#c62828", "complaint": "#ef6c00", "thanks": "#2e7d32"}


def feedback_by_channel(feedback: pd.DataFrame) -> Figure:
    """Feedback items by channel, stacked by type (``feedback_log``)."""
    fig, ax = _figure()
    table = feedback.pivot_table(index="channel", columns="type", values="feedback_id", aggfunc="count", fill_value=0)
    table = table.reindex(columns=[c for c in FEEDBACK_COLOURS if c in table.columns])
    table = table.loc[table.sum(axis=1).sort_values().index]
    left = None
    for kind in table.columns:
        ax.barh(table.index, table[kind], left=left, color=FEEDBACK_COLOURS[kind], label=t(f"feedback.{kind}"))
        left = table[kind] if left is None else left + table[kind]
    ax.set_title(t("plot.feedback_title"))
    ax.set_xlabel(t("plot.feedback_items"))
    ax.legend(fontsize=8)
    fig.text(0.01, 0.01, t("plot.synthetic_note"), fontsize=8, color="#555555")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    return fig
