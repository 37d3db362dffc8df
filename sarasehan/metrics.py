"""Engagement metrics, each with its denominator named (Module 03).

Tools disagree on what "engagement rate" means, so every function here says
what it divides by. Rates are percentages.

>>> import pandas as pd
>>> post = pd.DataFrame({"reactions": [500], "comments": [50], "shares": [20], "saves": [30],
...                      "reach": [5000], "followers": [10000], "impressions": [8000], "spend_idr": [0]})
>>> rates = add_engagement_rates(post)
>>> float(rates.loc[0, "er_followers"]), float(rates.loc[0, "er_impressions"]), float(rates.loc[0, "er_reach"])
(6.0, 7.5, 12.0)
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .errors import SarasehanError
from .i18n import t

ENGAGEMENT_PARTS = ("reactions", "comments", "shares", "saves")
DEFINITIONS = {"er_reach": "reach", "er_followers": "followers", "er_impressions": "impressions"}


def _require(df: pd.DataFrame, columns) -> None:
    if not isinstance(df, pd.DataFrame):
        raise SarasehanError("metrics.not_frame", got=type(df).__name__)
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SarasehanError("metrics.missing_columns", columns=", ".join(missing))
    for c in columns:
        if not pd.api.types.is_numeric_dtype(df[c]):
            raise SarasehanError("metrics.not_numeric", column=c)


def engagements(df: pd.DataFrame) -> pd.Series:
    """reactions + comments + shares (+ saves where the column exists)."""
    parts = [c for c in ENGAGEMENT_PARTS if c in df.columns]
    _require(df, parts[:3] if len(parts) >= 3 else ENGAGEMENT_PARTS[:3])
    return df[parts].sum(axis=1)


def rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    """numerator / denominator × 100, with NaN (not infinity) where the denominator is 0."""
    return numerator / denominator.where(denominator != 0) * 100


def add_engagement_rates(df: pd.DataFrame) -> pd.DataFrame:
    """A copy with engagements, er_reach, er_followers, er_impressions and cpe_idr.

    * ``er_reach`` = engagements / reach × 100
    * ``er_followers`` = engagements / followers × 100
    * ``er_impressions`` = engagements / impressions × 100
    * ``cpe_idr`` = spend_idr / engagements, only for promoted posts (spend_idr > 0)
    """
    _require(df, ["reach", "followers", "impressions"])
    out = df.copy()
    out["engagements"] = engagements(df)
    for column, denominator in DEFINITIONS.items():
        out[column] = rate(out["engagements"], df[denominator])
    if "spend_idr" in df.columns:
        paid = df["spend_idr"] > 0
        out["cpe_idr"] = (df["spend_idr"] / out["engagements"].where(out["engagements"] > 0)).where(paid)
    return out


def pooled_rate(df: pd.DataFrame, definition: str = "er_reach") -> float:
    """Sum of engagements over sum of the denominator, × 100 (not a mean of per-post rates)."""
    if definition not in DEFINITIONS:
        raise SarasehanError("metrics.unknown_definition", definition=definition, valid=", ".join(DEFINITIONS))
    denominator = DEFINITIONS[definition]
    _require(df, [denominator])
    total = df[denominator].sum()
    return float(engagements(df).sum() / total * 100) if total else float("nan")


def ab_compare(df: pd.DataFrame, variant_column: str = "variant") -> pd.DataFrame:
    """Compare the engagement rate by reach of variants A and B.

    Uses a two-proportion z-test (engagements out of people reached; an
    approximation, since one person can engage more than once): the
    difference counts as real when |z| > 1.96 (about 95% confidence).
    Returns one row per variant plus the verdict in the learner's language.
    """
    _require(df, ["reach"])
    if variant_column not in df.columns:
        raise SarasehanError("metrics.missing_columns", columns=variant_column)
    test = df[df[variant_column].isin(["A", "B"])]
    if test[variant_column].nunique() < 2:
        raise SarasehanError("metrics.ab_needs_two")
    sums = test.assign(engagements=engagements(test)).groupby(variant_column)[["reach", "engagements"]].sum()
    sums["rate_percent"] = sums["engagements"] / sums["reach"] * 100
    p1, p2 = sums.loc["A", "engagements"] / sums.loc["A", "reach"], sums.loc["B", "engagements"] / sums.loc["B", "reach"]
    pooled = sums["engagements"].sum() / sums["reach"].sum()
    se = math.sqrt(pooled * (1 - pooled) * (1 / sums.loc["A", "reach"] + 1 / sums.loc["B", "reach"]))
    z = (p2 - p1) / se if se else 0.0
    sums["difference_pp"] = [np.nan, (p2 - p1) * 100]
    sums["z"] = [np.nan, z]
    verdict = t("metrics.ab_real") if abs(z) > 1.96 else t("metrics.ab_noise")
    sums["verdict"] = ["", verdict]
    return sums
