"""Rule books beyond one national list tier: districts and two-tier systems.

Every rule book here has ``allocate(election, *, rng=None)`` and returns a result whose
``.seats`` are the national totals per party ``(*batch, P)``.

* :mod:`~electsim.rules.districts` -- :class:`DistrictSystem` (seats per district, district
  and national thresholds) and :class:`Magnitudes` (district magnitudes apportioned from a
  basis);
* :mod:`~electsim.rules.tiers` -- :class:`LevellingSystem` (upper-tier compensatory seats:
  Norway, Sweden) and :class:`RemainderSystem` (a second scrutiny of leftover votes: Czech
  Republic 2021), both returning a :class:`TieredAllocation`.
"""

from .districts import DistrictAllocation, DistrictSystem, DistrictTie, Magnitudes
from .tiers import LevellingSystem, RemainderSystem, TieredAllocation

__all__ = [
    "DistrictAllocation",
    "DistrictSystem",
    "DistrictTie",
    "LevellingSystem",
    "Magnitudes",
    "RemainderSystem",
    "TieredAllocation",
]
