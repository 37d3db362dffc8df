from __future__ import annotations

import ipywidgets as w

from ..channels import channel_names, plan_reach, profile_names, who_is_missed, _profiles
from ..i18n import pick, t
from ._common import esc, safe_call, status


class ChannelPlannerWidget(w.VBox):
    """Pick a district profile and channels; see who is reached and who is missed."""

    def __init__(self):
        self.profile = w.Dropdown(options=profile_names(), description=t("channels.profile"),
                                  layout=w.Layout(width="auto"))
        self.profile.add_class("sarasehan-channel-profile")
        self.boxes = {key: w.Checkbox(value=False, description=label, indent=False, layout=w.Layout(width="auto"))
                      for label, key in channel_names()}
        for box in self.boxes.values():
            box.add_class("sarasehan-channel-choice")
            box.observe(lambda _: self.update(), names="value")
        self.profile.observe(lambda _: self.update(), names="value")
        self.facts = w.HTML()
        self.result = w.HTML()
        self.result.add_class("sarasehan-channel-result")
        super().__init__([w.HTML(f"<h4>{esc(t('channels.title'))}</h4>"), self.profile, self.facts,
                          w.HTML(f"<b>{esc(t('channels.choose'))}</b>"), w.VBox(list(self.boxes.values())),
                          self.result])
        self.add_class("sarasehan-channel-planner")
        self.update()

    @property
    def chosen(self) -> list[str]:
        return [key for key, box in self.boxes.items() if box.value]

    def update(self):
        return safe_call(self.result, self._render)

    def _render(self):
        profile = _profiles()["profiles"][self.profile.value]
        population = f"{profile['population']:,}".replace(",", ".")
        facts = t("channels.facts", population=population, signal=round(profile["signal"] * 100),
                  smartphone=round(profile["smartphone"] * 100), radio=round(profile["radio"] * 100),
                  literacy=round(profile["literacy"] * 100))
        self.facts.value = f"<small>{esc(facts)}</small>"
        result = plan_reach(self.profile.value, self.chosen)
        rows = "".join(
            f"<tr><td>{esc(label)}</td><td style='width:12em'><div style='background:#c62828;height:0.8em;"
            f"width:{result.per_channel[key] * 100:.0f}%'></div></td><td>{result.per_channel[key] * 100:.0f}%</td></tr>"
            for label, key in channel_names() if key in result.per_channel)
        summary = t("channels.summary", reached=f"{result.reached_people:,}".replace(",", "."),
                    percent=f"{result.combined * 100:.0f}", missed=f"{result.missed_people:,}".replace(",", "."))
        notes = "".join(status("warn", n) for n in result.warnings() + who_is_missed(self.profile.value, self.chosen))
        kind = "ok" if result.combined >= 0.8 and result.offline_channels else "info"
        self.result.value = f"<table>{rows}</table>" + status(kind, summary) + notes
        return result


def channel_planner() -> ChannelPlannerWidget:
    """Module 06's channel planner."""
    return ChannelPlannerWidget()
