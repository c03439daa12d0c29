"""Rule books beyond one national list tier.

* Single-tier rules used by :class:`electsim.ElectoralSystem`: :class:`ByKind` thresholds per
  list kind, alternative qualification (:class:`DistrictShare`, :class:`Exempt`), alliances and
  the Dutch majority clause (``docs/rules_single.md``);
* mixed systems: single-member districts (:class:`DistrictContests`,
  :func:`district_winners`), :class:`ParallelSystem` and :class:`MMPSystem`
  (``docs/rules_mixed.md``).
"""

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
from .qualification import ByKind, DistrictShare, Exempt

__all__ = [
    "INDEPENDENT",
    "ByKind",
    "DistrictContests",
    "DistrictResult",
    "DistrictShare",
    "DistrictTie",
    "Exempt",
    "MMPSystem",
    "MixedAllocation",
    "MixedElection",
    "ParallelSystem",
    "allocate_mixed",
    "district_winners",
]
