"""Module 06: the channel planner's model and widget, and the feedback chart."""

import pytest

import sarasehan as sh
from sarasehan import channels, i18n, plots
from sarasehan.content import load_content
from sarasehan.errors import SarasehanError


def test_profiles_and_channels_are_bilingual_and_bounded():
    data = load_content("district_profiles")
    for key, p in data["profiles"].items():
        assert p["name"]["id"] and p["name"]["en"]
        for field in ("signal", "phone", "smartphone", "radio", "literacy", "volunteer_visits", "loudspeaker"):
            assert 0 <= p[field] <= 1, (key, field)
        assert p["smartphone"] <= p["phone"]
    for key, c in data["channels"].items():
        assert c["name"]["id"] and c["name"]["en"] and isinstance(c["needs_internet"], bool)


def test_combined_reach_treats_channels_as_independent():
    one = channels.plan_reach("remote_highland", ["community_radio"])
    two = channels.plan_reach("remote_highland", ["community_radio", "loudspeaker"])
    assert two.combined == pytest.approx(1 - (1 - 0.65) * (1 - 0.55))
    assert two.combined > one.combined
    assert channels.plan_reach("remote_highland", ["community_radio", "community_radio"]).combined == one.combined
    assert two.reached_people + two.missed_people == two.population


def test_internet_only_mix_in_a_weak_signal_district_warns():
    i18n.set_language("en")
    result = channels.plan_reach("remote_highland", ["whatsapp", "social_media"])
    text = " ".join(result.warnings() + channels.who_is_missed("remote_highland", ["whatsapp", "social_media"]))
    assert "without the internet" in text and "outside mobile signal" in text and "smartphone" in text
    assert result.combined < channels.plan_reach("urban_lowland", ["whatsapp", "social_media"]).combined


def test_unknown_profile_or_channel_lists_valid_ones():
    i18n.set_language("id")
    with pytest.raises(SarasehanError, match="remote_highland"):
        channels.plan_reach("gunung", ["sms"])
    with pytest.raises(SarasehanError, match="community_radio"):
        channels.plan_reach("coastal", ["telegram"])


def test_widget_updates_when_channels_are_ticked():
    i18n.set_language("en")
    w = sh.channel_planner()
    assert "No channel chosen" in w.result.value
    w.profile.value = "remote_highland"
    w.boxes["whatsapp"].value = True
    assert "sarasehan-warn" in w.result.value and "15%" in w.result.value
    for key in ("community_radio", "loudspeaker"):
        w.boxes[key].value = True
    assert "sarasehan-ok" in w.result.value and "87%" in w.result.value


def test_feedback_chart_draws():
    fig = plots.feedback_by_channel(sh.load_dataset("feedback_log"))
    assert fig.axes[0].get_title()
