"""Election forensics: detectors, a clean-election null model, and their power.

Would anyone have noticed?  :mod:`electsim.manipulation` says how much a manipulation changes
the parliament; this module says whether the polling-station data would show it:

* detectors on :class:`~electsim.PrecinctResults` (batched ``(*batch, S, P)``):
  :func:`integer_percentages`, :func:`coarse_shares`, :func:`last_digits`,
  :func:`second_digits`, :func:`fingerprint`, :func:`turnout_share`, :func:`extreme_stations`;
* :class:`NullModel` -- the clean-election generator, the null hypothesis of every p-value;
* :func:`power` -- size, power curves and ROC curves of detectors against a manipulation;
* :func:`detectability` -- power side by side with the probability that the seats change.

See ``docs/forensics.md`` for every detector, its null, its source and what it cannot detect.
"""

from ._detectors import (
    DETECTORS,
    CoarseShares,
    DetectorResult,
    ExtremeStations,
    Fingerprint,
    FingerprintResult,
    IntegerPercentages,
    LastDigits,
    SecondDigits,
    TurnoutShare,
    coarse_shares,
    extreme_stations,
    fingerprint,
    get_detector,
    integer_percentages,
    last_digits,
    run_detector,
    second_digits,
    turnout_share,
)
from ._null import NullModel
from ._power import PowerResult, clopper_pearson, detectability, power
from ._scenarios import SCENARIOS_2020

__all__ = [
    "DETECTORS",
    "SCENARIOS_2020",
    "CoarseShares",
    "DetectorResult",
    "ExtremeStations",
    "Fingerprint",
    "FingerprintResult",
    "IntegerPercentages",
    "LastDigits",
    "NullModel",
    "PowerResult",
    "SecondDigits",
    "TurnoutShare",
    "clopper_pearson",
    "coarse_shares",
    "detectability",
    "extreme_stations",
    "fingerprint",
    "get_detector",
    "integer_percentages",
    "last_digits",
    "power",
    "run_detector",
    "second_digits",
    "turnout_share",
]
