"""Qualification for an upper tier by seats won in the lower tier (Austria's Grundmandat).

Hand calculation for the case below (2 districts x 2 seats by D'Hondt, 6 levelling seats,
20 % of valid votes nationally, pure Sainte-Laguë nationally):

* districts: North 500/300/350 -> A, C; South 610/400/50 -> A, B.  District seats A 2, B 1, C 1.
* national votes A 1,110, B 700, C 400 (C: 18.1 % < 20 %).
* without the alternative C keeps its district seat outside the levelling; 10 - 1 = 9 seats
  among A and B: quotients A 1110 370 222 158.6 123.3 100.9, B 700 233.3 140 (100) -> A 6, B 3.
* with ``DistrictSeats(1)`` C qualifies by its North seat; 10 seats among A, B, C: the tenth
  quotient is A's 123.3 after C's 400 and 133.3 -> A 5, B 3, C 2.
"""

from __future__ import annotations

import pytest

import electsim as es
from electsim.errors import ElectsimError
from electsim.rules import DistrictSeats, DistrictSystem, LevellingSystem, RemainderSystem

E = es.Election([[500, 300, 350], [610, 400, 50]], parties=["A", "B", "C"], regions=["N", "S"])
LOWER = DistrictSystem({"N": 2, "S": 2}, "dhondt")
TWENTY = es.Threshold("20%", base="valid")


def test_a_lower_tier_seat_qualifies_for_the_levelling_seats() -> None:
    assert es.allocate(E, LOWER).seats.tolist() == [2, 1, 1]
    plain = LevellingSystem(LOWER, 6, threshold=TWENTY, distribution=None)
    assert es.allocate(E, plain).seats.tolist() == [6, 3, 1]
    grund = LevellingSystem(
        LOWER, 6, threshold=TWENTY, distribution=None, alternatives=(DistrictSeats(1),)
    )
    r = es.allocate(E, grund)
    assert r.seats.tolist() == [5, 3, 2] and r.qualified.tolist() == [True, True, True]
    assert ">= 1 lower-tier seat" in str(grund)
    # two seats needed: C has one, so it does not qualify (back to the plain result)
    two = LevellingSystem(
        LOWER, 6, threshold=TWENTY, distribution=None, alternatives=(DistrictSeats(2),)
    )
    assert es.allocate(E, two).seats.tolist() == [6, 3, 1]


def test_district_seats_refused_where_there_is_no_lower_tier() -> None:
    with pytest.raises(ElectsimError, match="lower tier"):
        es.ElectoralSystem(10, "hare", alternatives=(DistrictSeats(1),))
    with pytest.raises(ElectsimError, match="lower tier"):
        DistrictSystem({"N": 2, "S": 2}, "dhondt", alternatives=(DistrictSeats(1),))
    with pytest.raises(ElectsimError, match="lower tier"):
        RemainderSystem({"N": 2, "S": 2}, TWENTY, alternatives=(DistrictSeats(1),))
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ElectsimError, match="DistrictSeats"):
            DistrictSeats(bad)  # type: ignore[arg-type]
