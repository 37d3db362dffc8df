"""The KPI explorer's logic (Module 03): filter posts, then summarise a rate by group.

>>> import sarasehan as sh
>>> posts = sh.load_dataset("page_posts_2024")
>>> table = kpi_table(filter_posts(posts, platform="Instagram"), "er_reach", "format")
>>> list(table.columns)
['posts', 'pooled_rate', 'mean_rate']
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from .errors import SarasehanError
from .metrics import DEFINITIONS, add_engagement_rates

ALL = "__all__"
GROUPS = ("format", "platform", "topic", "weekday")


def filter_posts(posts: pd.DataFrame, platform: str = ALL, format: str = ALL,
                 start: dt.date | None = None, end: dt.date | None = None) -> pd.DataFrame:
    """Posts matching the filter (``ALL`` = no filter); dates are inclusive."""
    for column in ("platform", "format", "published"):
        if column not in posts.columns:
            raise SarasehanError("metrics.missing_columns", columns=column)
    if start and end and start > end:
        raise SarasehanError("kpi.bad_dates")
    mask = pd.Series(True, index=posts.index)
    if platform != ALL:
        mask &= posts["platform"] == platform
    if format != ALL:
        mask &= posts["format"] == format
    day = posts["published"].dt.date
    if start:
        mask &= day >= start
    if end:
        mask &= day <= end
    return posts[mask]


def kpi_table(posts: pd.DataFrame, definition: str = "er_reach", group_by: str = "format") -> pd.DataFrame:
    """Per group: number of posts, pooled rate (sum ÷ sum × 100) and mean of per-post rates.

    The two can differ: the pooled rate weights big posts more; the mean
    treats every post the same. An empty selection raises a clear error.
    """
    if definition not in DEFINITIONS:
        raise SarasehanError("metrics.unknown_definition", definition=definition, valid=", ".join(DEFINITIONS))
    if group_by not in GROUPS:
        raise SarasehanError("metrics.unknown_definition", definition=group_by, valid=", ".join(GROUPS))
    if posts.empty:
        raise SarasehanError("kpi.empty")
    rates = add_engagement_rates(posts)
    denominator = DEFINITIONS[definition]
    grouped = rates.groupby(group_by)
    table = pd.DataFrame({
        "posts": grouped.size(),
        "pooled_rate": grouped["engagements"].sum() / grouped[denominator].sum() * 100,
        "mean_rate": grouped[definition].mean(),
    })
    return table.sort_values("pooled_rate", ascending=False).round(2)
