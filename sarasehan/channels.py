"""Module 06's channel planner: who does a channel mix reach, and who is missed?

A simple, explainable model, not a forecast. Each channel reaches a share of
the district's people:

* WhatsApp and social media: people under signal with a smartphone
  (signal × smartphone), times literacy for text;
* SMS: people under signal with any phone (signal × phone), times literacy;
* community radio: the radio audience; handheld radios (HT): the people of the
  posts and village leaders they reach, and through them their neighbours
  (half the loudspeaker share); loudspeakers and kentongan: the people within
  earshot; volunteer visits: the people met in a week; notice boards: a
  quarter of the people, times literacy.

Channels are treated as independent, so together they reach
1 − Π(1 − reach of each). The profiles are illustrative.

>>> result = plan_reach("remote_highland", ["whatsapp"])
>>> round(result.combined, 3)
0.154
>>> result.offline_channels
0
"""

from __future__ import annotations

from dataclasses import dataclass

from .content import load_content
from .errors import SarasehanError
from .i18n import pick, t


def _profiles() -> dict:
    return load_content("district_profiles")


def channel_reach(profile: dict, channel: str) -> float:
    p = profile
    reach = {
        "whatsapp": p["signal"] * p["smartphone"] * p["literacy"],
        "social_media": p["signal"] * p["smartphone"] * p["literacy"] * 0.8,
        "sms": p["signal"] * p["phone"] * p["literacy"],
        "community_radio": p["radio"],
        "ht_radio": p["loudspeaker"] * 0.5,
        "loudspeaker": p["loudspeaker"],
        "face_to_face": p["volunteer_visits"],
        "notice_board": 0.25 * p["literacy"],
    }
    if channel not in reach:
        raise SarasehanError("channels.unknown_channel", channel=channel, valid=", ".join(reach))
    return float(min(max(reach[channel], 0.0), 1.0))


@dataclass
class MixResult:
    profile: str
    population: int
    per_channel: dict
    combined: float
    offline_channels: int

    @property
    def reached_people(self) -> int:
        return int(round(self.population * self.combined))

    @property
    def missed_people(self) -> int:
        return self.population - self.reached_people

    def warnings(self) -> list[str]:
        notes = []
        if not self.per_channel:
            return [t("channels.none_selected")]
        if self.offline_channels == 0:
            notes.append(t("channels.no_offline"))
        if self.combined < 0.8:
            notes.append(t("channels.below_target", percent=f"{self.combined * 100:.0f}"))
        return notes


def plan_reach(profile_id: str, channels: list[str]) -> MixResult:
    """Reach of each chosen channel and of the mix, for a district profile."""
    data = _profiles()
    if profile_id not in data["profiles"]:
        raise SarasehanError("channels.unknown_profile", profile=profile_id, valid=", ".join(data["profiles"]))
    profile = data["profiles"][profile_id]
    per_channel = {c: channel_reach(profile, c) for c in dict.fromkeys(channels)}
    missed = 1.0
    for r in per_channel.values():
        missed *= 1.0 - r
    offline = sum(1 for c in per_channel if not data["channels"][c]["needs_internet"])
    return MixResult(profile_id, int(profile["population"]), per_channel, 1.0 - missed, offline)


def who_is_missed(profile_id: str, channels: list[str]) -> list[str]:
    """Plain-language notes on which groups the mix leaves out."""
    data = _profiles()
    profile = data["profiles"][profile_id]
    chosen = set(channels)
    notes = []
    internet_only = chosen and all(data["channels"][c]["needs_internet"] for c in chosen)
    if internet_only or not chosen & {"sms", "community_radio", "ht_radio", "loudspeaker", "face_to_face"}:
        notes.append(t("channels.missed_no_signal", percent=f"{(1 - profile['signal']) * 100:.0f}"))
    if chosen and all(data["channels"][c]["text"] for c in chosen):
        notes.append(t("channels.missed_cannot_read", percent=f"{(1 - profile['literacy']) * 100:.0f}"))
    if chosen and chosen <= {"whatsapp", "social_media"}:
        notes.append(t("channels.missed_no_smartphone", percent=f"{(1 - profile['smartphone']) * 100:.0f}"))
    return notes


def profile_names() -> list[tuple[str, str]]:
    return [(pick(p["name"]), key) for key, p in _profiles()["profiles"].items()]


def channel_names() -> list[tuple[str, str]]:
    return [(pick(c["name"]), key) for key, c in _profiles()["channels"].items()]
