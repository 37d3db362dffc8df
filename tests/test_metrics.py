"""Module 03's metrics and KPI explorer, Module 02/03 charts and track notes (no browser)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import sarasehan as sh
from sarasehan import i18n, kpi, metrics, plots, tracks
from sarasehan.errors import SarasehanError
from sarasehan.placement import save_placement


@pytest.fixture(scope="module")
def posts():
    return sh.load_dataset("page_posts_2024")


def test_three_rates_use_their_own_denominators():
    df = pd.DataFrame({"reactions": [500, 0], "comments": [50, 0], "shares": [20, 0], "saves": [30, 0],
                       "reach": [5000, 0], "followers": [10000, 100], "impressions": [8000, 0],
                       "spend_idr": [120000, 0]})
    out = metrics.add_engagement_rates(df)
    assert out.loc[0, ["er_reach", "er_followers", "er_impressions"]].tolist() == [12.0, 6.0, 7.5]
    assert out.loc[0, "cpe_idr"] == 200.0
    assert np.isnan(out.loc[1, "er_reach"]) and np.isnan(out.loc[1, "cpe_idr"])  # no division by zero
    assert "er_reach" not in df.columns  # the input is not changed


def test_pooled_rate_is_not_the_mean_of_rates():
    df = pd.DataFrame({"reactions": [10, 100], "comments": [0, 0], "shares": [0, 0], "reach": [100, 10000],
                       "followers": [1, 1], "impressions": [1, 1]})
    assert metrics.pooled_rate(df) == pytest.approx(110 / 10100 * 100)
    assert metrics.add_engagement_rates(df)["er_reach"].mean() == pytest.approx(5.5)


@pytest.mark.parametrize("lang,word", [("id", "teks"), ("en", "text")])
def test_text_where_a_number_is_expected(lang, word):
    i18n.set_language(lang)
    df = pd.DataFrame({"reactions": ["banyak"], "comments": [1], "shares": [1], "reach": [10], "followers": [1],
                       "impressions": [1]})
    with pytest.raises(SarasehanError, match=word):
        metrics.add_engagement_rates(df)


def test_missing_column_is_named():
    i18n.set_language("en")
    with pytest.raises(SarasehanError, match="impressions"):
        metrics.add_engagement_rates(pd.DataFrame({"reach": [1], "followers": [1]}))


def test_ab_compare_verdicts():
    i18n.set_language("en")
    small = pd.DataFrame({"variant": ["A", "B"], "reactions": [5, 7], "comments": [0, 0], "shares": [0, 0],
                          "reach": [100, 100]})
    assert "chance" in metrics.ab_compare(small).loc["B", "verdict"]
    big = small.assign(reactions=[500, 700], reach=[10000, 10000])
    assert "larger than random" in metrics.ab_compare(big).loc["B", "verdict"]
    with pytest.raises(SarasehanError):
        metrics.ab_compare(small.assign(variant=["A", "A"]))


def test_kpi_filter_and_table(posts):
    insta = kpi.filter_posts(posts, platform="Instagram", start=dt.date(2024, 10, 1), end=dt.date(2024, 10, 31))
    assert set(insta["platform"]) == {"Instagram"} and insta["published"].dt.month.eq(10).all()
    table = kpi.kpi_table(insta, "er_followers", "topic")
    assert table["posts"].sum() == len(insta)
    assert list(table["pooled_rate"]) == sorted(table["pooled_rate"], reverse=True)


@pytest.mark.parametrize("lang,word", [("id", "Tidak ada unggahan"), ("en", "No posts match")])
def test_kpi_empty_filter_message(posts, lang, word):
    i18n.set_language(lang)
    empty = kpi.filter_posts(posts, platform="TikTok", format="link")
    with pytest.raises(SarasehanError, match=word):
        kpi.kpi_table(empty)


def test_kpi_widget_updates_only_on_apply(posts):
    i18n.set_language("en")
    w = sh.kpi_explorer(posts)
    before = w.summary.value
    assert f"{len(posts)} posts" in before
    w.platform.value = "Instagram"
    assert w.summary.value == before  # nothing recomputed on a change alone
    w.apply.click()
    n = int((posts["platform"] == "Instagram").sum())
    assert f"{n} posts" in w.summary.value and "<table" in w.table.value
    w.platform.value, w.format.value = "TikTok", "link"
    w.apply.click()
    assert "No posts match" in w.summary.value and w.table.value == ""
    w.start.value, w.end.value = dt.date(2024, 12, 1), dt.date(2024, 1, 1)
    w.apply.click()
    assert "start date" in w.summary.value


def test_track_note_follows_the_placement():
    i18n.set_language("en")
    assert "not taken the placement quiz" in tracks.track_note("02").value
    save_placement({"track": "B", "score": 12, "answers": {}})
    assert "may skip" in tracks.track_note("02").value
    save_placement({"track": "A", "score": 2, "answers": {}})
    assert "start with" in tracks.track_note("03").value


def test_campaign_charts_draw(posts):
    log = sh.load_dataset("campaign_log")
    for fig in (plots.campaign_weekly(log), plots.funnel(log),
                plots.weekday_hour(metrics.add_engagement_rates(posts))):
        assert fig.axes and fig.axes[0].get_title()
