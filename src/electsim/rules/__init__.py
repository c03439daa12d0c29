"""Rule-book building blocks beyond one national list tier.

Single-tier rules (helper modules of :class:`electsim.ElectoralSystem`):
:class:`ByKind` thresholds per list kind, alternative qualification (:class:`DistrictShare`,
:class:`Exempt`), alliances and the Dutch majority clause.  See ``docs/rules_single.md``.
"""

from .qualification import ByKind, DistrictShare, Exempt

__all__ = ["ByKind", "DistrictShare", "Exempt"]
