"""Delivery targets: where the take is going and the loudness it must meet there."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryTarget:
    name: str
    label: str
    integrated_lufs: float
    true_peak_dbtp: float
    official: bool
    # Window around the target within which a take counts as on target (LU).
    tolerance_lu: float = 3.0

    @property
    def too_quiet_below(self) -> float:
        return self.integrated_lufs - self.tolerance_lu

    @property
    def too_loud_above(self) -> float:
        # social: -14 target; platforms turn anything louder than about -13 down.
        return self.integrated_lufs + 1.0 if self.name == "social" else self.integrated_lufs + self.tolerance_lu


TARGETS: dict[str, DeliveryTarget] = {
    t.name: t
    for t in (
        DeliveryTarget("social", "Social (−14 LUFS, practice)", -14.0, -1.0, official=False),
        DeliveryTarget("ebu-r128", "EBU R128 (−23 LUFS)", -23.0, -1.0, official=True),
        DeliveryTarget("atsc-a85", "ATSC A/85 (−24 LKFS)", -24.0, -2.0, official=True),
        DeliveryTarget("podcast", "Podcast (−16 LUFS)", -16.0, -1.0, official=False),
    )
}
DEFAULT_TARGET = "social"


def target_named(name: str) -> DeliveryTarget:
    try:
        return TARGETS[name]
    except KeyError:
        raise ValueError(f"Unknown delivery target {name!r}; choose one of {', '.join(TARGETS)}.") from None
