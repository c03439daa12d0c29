"""Levelling seats against an independent slow reference (Fractions, plain loops), hand cases,
validation.  The reference follows the rule text literally: subtract the district seats of
non-qualified lists, apportion the rest by Sainte-Laguë, drop lists whose district seats exceed
their share and repeat; then sort every (list, district) relative quotient once and go down the
list (one levelling seat per district)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim import Election, Threshold
from electsim.apportion import Method
from electsim.errors import ElectsimError, ShapeMismatchError, TieError, UnknownMethodError
from electsim.rules import DistrictSystem, LevellingSystem


def ref_highest_averages(
    votes: list[int], seats: int, ok: list[bool], first: Fraction
) -> list[int]:
    """Sainte-Laguë family (divisors first, 3, 5, ...); ties to the lowest index."""
    out = [0] * len(votes)
    cands = [i for i in range(len(votes)) if ok[i] and votes[i] > 0]
    for _ in range(seats if cands else 0):
        best = max(
            cands,
            key=lambda i: (Fraction(votes[i]) / (first if out[i] == 0 else 2 * out[i] + 1), -i),
        )
        out[best] += 1
    return out


def ref_levelling(
    votes: list[list[int]], mags: list[int], lev: list[int], rate: Fraction
) -> tuple[list[list[int]], list[int], list[list[int]]]:
    """District seats (modified Sainte-Laguë 1.4), totals, and levelling seats per district."""
    D, P = len(votes), len(votes[0])
    ds = [
        ref_highest_averages(row, m, [True] * P, Fraction(7, 5))
        for row, m in zip(votes, mags, strict=True)
    ]
    dtot = [sum(ds[d][p] for d in range(D)) for p in range(P)]
    nat = [sum(votes[d][p] for d in range(D)) for p in range(P)]
    valid = sum(nat)
    qual = [nat[p] > 0 and Fraction(nat[p]) >= rate * valid for p in range(P)]
    active = list(qual)
    S = sum(mags) + sum(lev) - sum(dtot[p] for p in range(P) if not qual[p])
    share = [0] * P
    while any(active):
        share = ref_highest_averages(nat, S, active, Fraction(1))
        over = [p for p in range(P) if active[p] and dtot[p] > share[p]]
        if not over:
            break
        for p in over:
            active[p] = False
            S -= dtot[p]
    need = [share[p] - dtot[p] if active[p] else 0 for p in range(P)]
    totals = [dtot[p] + need[p] for p in range(P)]
    quotients = []
    for d in range(D):
        V = sum(votes[d])
        for p in range(P):
            if need[p] > 0:
                q = (
                    Fraction(0)
                    if V == 0
                    else Fraction(votes[d][p] * mags[d], V) / (2 * ds[d][p] + 1)
                )
                quotients.append((-q, d * P + p, d, p))
    quotients.sort()
    upper = [[0] * P for _ in range(D)]
    left = list(lev)
    for _, _, d, p in quotients:
        if left[d] > 0 and need[p] > 0:
            upper[d][p] += 1
            left[d] -= 1
            need[p] -= 1
    return ds, totals, upper


@st.composite
def levelling_cases(draw: st.DrawFn) -> dict:
    N = draw(st.integers(1, 3))
    D = draw(st.integers(1, 4))
    P = draw(st.integers(2, 6))
    votes = draw(
        st.lists(
            st.lists(
                st.lists(st.integers(0, 20_000), min_size=P, max_size=P), min_size=D, max_size=D
            ),
            min_size=N,
            max_size=N,
        )
    )
    mags = draw(st.lists(st.integers(1, 8), min_size=D, max_size=D))
    rate = draw(st.sampled_from([Fraction(0), Fraction(4, 100), Fraction(1, 10)]))
    return {"votes": votes, "mags": mags, "rate": rate}


@settings(max_examples=120, deadline=None)
@given(levelling_cases())
def test_levelling_matches_reference(case: dict) -> None:
    D = len(case["mags"])
    e = Election(case["votes"])
    system = LevellingSystem(
        DistrictSystem(np.array(case["mags"]), "modified_sainte_lague", tie_break="lowest_index"),
        np.ones(D, dtype=int),
        Threshold(case["rate"], base="party_votes"),
        tie_break="lowest_index",
    )
    r = system.allocate(e)
    for n, votes in enumerate(case["votes"]):
        ds, totals, upper = ref_levelling(votes, case["mags"], [1] * D, case["rate"])
        assert r.lower.district_seats[n].tolist() == ds
        assert r.seats[n].tolist() == totals
        assert r.upper_district_seats is not None and r.district_seats is not None
        if sum(totals) == sum(case["mags"]) + D:  # every seat filled: all placed
            assert r.upper_district_seats[n].tolist() == upper
            assert r.district_seats[n].sum(axis=0).tolist() == totals


def test_hand_case_with_exclusion() -> None:
    """A wins every district seat (overhang) and is excluded; the levelling seats go to B, C.

    Districts of 2 seats, modified Sainte-Laguë: X: A 600, B 250, C 150 -> A 600/1.4=428.6,
    A 600/3=200 vs B 250/1.4=178.6 -> A 2.  Y: A 500, B 300, C 200 -> A 357.1, then B 214.3
    vs A 166.7 -> A 1, B 1.  Two levelling seats, one per district, house 6; 4 % of 2,000.
    National Sainte-Laguë of 6: A 1100, B 550, C 350: 1100, 550, 366.7, 350, 220, 183.3 ->
    A 3, B 2, C 1.  A holds 3 district seats = its share (not above): not excluded.  B 1 + 1,
    C 0 + 1.  Placement: B in X: 250/3 / (1000/2) = 0.1667, B in Y: 300/3/500 = 0.2;
    C in X: 150/1/500 = 0.3, C in Y: 200/500 = 0.4 -> C to Y, then B to X.
    """
    e = Election([[600, 250, 150], [500, 300, 200]], parties="ABC", regions=["X", "Y"])
    lv = LevellingSystem(
        DistrictSystem([2, 2], "modified_sainte_lague"), [1, 1], Threshold("4%", base="valid")
    )
    r = lv.allocate(e)
    assert r.lower.seats.tolist() == [3, 1, 0]
    assert r.seats.tolist() == [3, 2, 1] and r.upper_seats.tolist() == [0, 1, 1]
    assert r.upper_district_seats is not None
    assert r.upper_district_seats.tolist() == [[0, 1, 0], [0, 0, 1]]
    assert not r.excluded.any()
    # Y with 3 district seats: A 357.1, B 214.3, A 166.7 (> C 142.9) -> A 2, B 1: A holds 4
    # district seats; one levelling seat (in X) -> house 6, A's share 3 (as above) < 4: A is
    # excluded with its 4 seats; 6 - 4 = 2 seats for B 550, C 350 -> 1 each: B keeps its
    # district seat, C gets the levelling seat (in X, the only district with one).
    r = LevellingSystem(
        DistrictSystem([2, 3], "modified_sainte_lague"), [1, 0], Threshold("4%", base="valid")
    ).allocate(e)
    assert r.lower.seats.tolist() == [4, 1, 0]
    assert r.excluded.tolist() == [True, False, False]
    assert r.seats.tolist() == [4, 1, 1] and r.upper_seats.tolist() == [0, 0, 1]
    assert r.upper_district_seats is not None and r.upper_district_seats.tolist() == [
        [0, 0, 1],
        [0, 0, 0],
    ]
    assert "excluded" in str(r)


def test_party_totals_only_and_sweden_like_parameters() -> None:
    """Sweden-like: district seats by first divisor 1.2, 4 % nationally OR 12 % in the district,
    levelling seats as a total (party totals only)."""
    e = Election([[5000, 3000, 1400, 600], [4000, 3900, 100, 1900]], parties="ABCD")
    lower = DistrictSystem(
        [4, 4],
        "dhondt",
        district_threshold=Threshold("12%", base="valid"),
        national_threshold=Threshold("4%", base="valid"),
        qualify="any",
    )
    r = LevellingSystem(lower, 2, Threshold("4%", base="valid"), distribution=None).allocate(e)
    assert r.upper_district_seats is None and r.district_seats is None
    # D national 2,500 of 19,900 = 12.6 % -> qualifies; C 1,500 = 7.5 % qualifies too.
    # national Sainte-Laguë of 10 among A 9000, B 6900, C 1500, D 2500 (the reference above)
    want = ref_highest_averages([9000, 6900, 1500, 2500], 10, [True] * 4, Fraction(1))
    assert r.seats.tolist() == want and int(r.seats.sum()) == 10
    assert "levelling" in str(r)


def test_levelling_ties_and_validation() -> None:
    e = Election([[100, 100], [100, 100]], regions=["N", "S"])
    lv = LevellingSystem(DistrictSystem([1, 1], "dhondt", tie_break="lowest_index"), [1, 1])
    with pytest.raises(TieError):
        lv.allocate(e)
    r = lv.replace(tie_break="lowest_index").allocate(e)
    assert r.seats.tolist() == [2, 2]
    with pytest.raises(ElectsimError, match="per district"):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), 2)
    with pytest.raises(UnknownMethodError):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), 2, distribution="sweden")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="DistrictSystem"):
        LevellingSystem("districts", [1, 1])  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="first_divisor"):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), [1, 1], first_divisor=0)
    with pytest.raises(UnknownMethodError):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), [1, 1], average_base="x")
    with pytest.raises(ShapeMismatchError):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), [1, 1, 1]).allocate(e)
    with pytest.raises(ElectsimError, match="threshold="):
        LevellingSystem(DistrictSystem([1, 1], "dhondt"), [1, 1], threshold="4%")  # type: ignore[arg-type]
    per_list = LevellingSystem(
        DistrictSystem([1, 1], "dhondt"), [1, 1], [Threshold("60%"), Threshold("0%")]
    )
    assert per_list.allocate(Election([[300, 100], [200, 400]])).qualified.tolist() == [
        False,
        True,
    ]
    with pytest.raises(ShapeMismatchError):
        per_list.allocate(Election([[3, 1, 1], [2, 1, 1]]))


def test_huge_levelling_placement_is_refused_before_work() -> None:
    e = Election([[100, 50], [60, 90]])
    lv = LevellingSystem(DistrictSystem([1, 1], "dhondt"), [10**6, 10**6])
    with pytest.raises(ElectsimError, match="distribution=None"):
        lv.allocate(e)


def sainte_lague_first(first: Fraction) -> Method:
    """A parametrised Sainte-Laguë as a plain Method object (slow loop kernel, test only):
    the district tier accepts any Method, e.g. Sweden's first divisor 1.2."""

    def kernel(votes, seats, eligible, tie_break, rng):  # type: ignore[no-untyped-def]
        out = np.zeros(votes.shape, dtype=np.int64)
        for n in range(votes.shape[0]):
            ok = [bool(x) for x in eligible[n]]
            out[n] = ref_highest_averages(votes[n].tolist(), int(seats[n]), ok, first)
        return out, []

    return Method(f"sainte_lague_{first}", "divisor", kernel, None)


def test_sweden_like_first_divisor_12_with_any_method_object() -> None:
    """District 1 (4 seats), first divisor 1.2: A 5000, B 3100, C 800 (9.0 %, below 12 %):
    A 4166.7, B 2583.3, A 1666.7, B 1033.3 (> A 1000) -> A 2, B 2.  District 2 (2 seats):
    B 2083.3, A 1666.7 -> 1, 1.  C has 1,100 of 14,700 = 7.5 % nationally: it qualifies for
    levelling seats.  National Sainte-Laguë of 8: A 7000, B 5600, A 2333, B 1867, A 1400,
    B 1120, C 1100, A 1000 -> A 4, B 3, C 1."""
    e = Election([[5000, 3100, 800], [2000, 2500, 300]], parties="ABC")
    lower = DistrictSystem(
        [4, 2],
        sainte_lague_first(Fraction(6, 5)),
        district_threshold=Threshold("12%", base="valid"),
        national_threshold=Threshold("4%", base="valid"),
        qualify="any",
    )
    r = LevellingSystem(lower, 2, Threshold("4%", base="valid"), distribution=None).allocate(e)
    assert r.lower.district_seats.tolist() == [[2, 2, 0], [1, 1, 0]]
    want = ref_highest_averages([7000, 5600, 1100], 8, [True] * 3, Fraction(1))
    assert r.seats.tolist() == want == [4, 3, 1]
