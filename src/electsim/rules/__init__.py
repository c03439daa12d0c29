"""Rule books beyond one national list tier: mixed systems (and, from other modules, districts,
tiers, qualification rules and alliances)."""

from .mixed import (
    INDEPENDENT,
    DistrictContests,
    DistrictResult,
    DistrictTie,
    MixedAllocation,
    MixedElection,
    MMPSystem,
    ParallelSystem,
    allocate_mixed,
    district_winners,
)

__all__ = [
    "INDEPENDENT",
    "DistrictContests",
    "DistrictResult",
    "DistrictTie",
    "MMPSystem",
    "MixedAllocation",
    "MixedElection",
    "ParallelSystem",
    "allocate_mixed",
    "district_winners",
]
