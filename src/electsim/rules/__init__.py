"""Rule books beyond one national list tier.

* Single-tier rules used by :class:`electsim.ElectoralSystem`: :class:`ByKind` thresholds per
  list kind, alternative qualification (:class:`DistrictShare`, :class:`Exempt`), alliances and
  the Dutch majority clause (``docs/rules_single.md``);
* districts and two tiers: :class:`DistrictSystem` (seats per district, district and national
  thresholds), :class:`Magnitudes` (district magnitudes apportioned from a basis),
  :class:`LevellingSystem` (upper-tier compensatory seats: Norway, Sweden) and
  :class:`RemainderSystem` (a second scrutiny of leftover votes: Czech Republic 2021), returning
  :class:`DistrictAllocation` / :class:`TieredAllocation` (``docs/rules.md``);
* mixed systems: single-member districts (:class:`DistrictContests`,
  :func:`district_winners`), :class:`ParallelSystem` and :class:`MMPSystem`
  (``docs/rules_mixed.md``).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .qualification import ByKind, DistrictSeats, DistrictShare, Exempt

if TYPE_CHECKING:  # the rule books import allocate, which imports this package: load them lazily
    from .districts import DistrictAllocation, DistrictSystem, DistrictTie, Magnitudes
    from .mixed import (
        INDEPENDENT,
        CapTie,
        ContestTie,
        DistrictContests,
        DistrictResult,
        MixedAllocation,
        MixedElection,
        MMPSystem,
        ParallelSystem,
        allocate_mixed,
        district_winners,
    )
    from .tiers import LevellingSystem, RemainderSystem, TieredAllocation

_LAZY = {
    **dict.fromkeys(
        ("DistrictAllocation", "DistrictSystem", "DistrictTie", "Magnitudes"), "districts"
    ),
    **dict.fromkeys(("LevellingSystem", "RemainderSystem", "TieredAllocation"), "tiers"),
    **{
        name: "mixed"
        for name in (
            "INDEPENDENT",
            "CapTie",
            "DistrictContests",
            "ContestTie",
            "DistrictResult",
            "MixedAllocation",
            "MixedElection",
            "MMPSystem",
            "ParallelSystem",
            "allocate_mixed",
            "district_winners",
        )
    },
}


def __getattr__(name: str) -> Any:
    """Load the rule-book modules on first use (they depend on :mod:`electsim.allocate`)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'electsim.rules' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "INDEPENDENT",
    "ByKind",
    "CapTie",
    "ContestTie",
    "DistrictAllocation",
    "DistrictContests",
    "DistrictResult",
    "DistrictSeats",
    "DistrictShare",
    "DistrictSystem",
    "DistrictTie",
    "Exempt",
    "LevellingSystem",
    "MMPSystem",
    "Magnitudes",
    "MixedAllocation",
    "MixedElection",
    "ParallelSystem",
    "RemainderSystem",
    "TieredAllocation",
    "allocate_mixed",
    "district_winners",
]
