"""Second scrutiny of leftover votes (RemainderSystem) against an independent slow reference
written literally from the rule text with Python integers and Fractions; hand case; validation."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim import Election, Threshold
from electsim.errors import ElectsimError, TieError, UnknownMethodError
from electsim.rules import RemainderSystem


def rounded(x: Fraction, how: str) -> int:
    """Nearest whole number, halves up; or floor."""
    if how == "floor":
        return x.numerator // x.denominator
    whole = x.numerator // x.denominator
    return whole + (1 if x - whole >= Fraction(1, 2) else 0)


def ref_scrutiny(
    votes: list[list[int]], mags: list[int], ok: list[bool], ro: int, no: int, how: str
) -> tuple[list[list[int]], list[int], list[list[int]]]:
    """Regional seats, second-scrutiny seats per list, their regions (ties: lowest index)."""
    D, P = len(votes), len(votes[0])
    seats = [[0] * P for _ in range(D)]
    left = [[0] * P for _ in range(D)]
    for d in range(D):
        v = [votes[d][p] if ok[p] else 0 for p in range(P)]
        q = rounded(Fraction(sum(v), mags[d] + ro), how) if mags[d] + ro else 0
        if q == 0:
            left[d] = v
            continue
        seats[d] = [x // q for x in v]
        left[d] = [x - s * q for x, s in zip(v, seats[d], strict=True)]
        while sum(seats[d]) > mags[d]:  # the smallest leftover among holders gives a seat back
            p = min((p for p in range(P) if seats[d][p] > 0), key=lambda p: (left[d][p], -p))
            seats[d][p] -= 1
            left[d][p] += q
    U = sum(mags) - sum(map(sum, seats))
    L = [sum(left[d][p] for d in range(D)) for p in range(P)]
    if U == 0:  # nothing to give
        return seats, [0] * P, [[0] * P for _ in range(D)]
    Q = max(rounded(Fraction(sum(L), U + no), how), 1)
    up = [x // Q for x in L]
    rem = [x - u * Q for x, u in zip(L, up, strict=True)]
    k = U - sum(up)
    order = sorted((p for p in range(P) if L[p] > 0), key=lambda p: (-rem[p], p))
    for p in order[: max(k, 0)]:
        up[p] += 1
    reduced: set[int] = set()
    while k < 0:  # one seat back per holder per round, smallest remainder first
        holders = [p for p in range(P) if up[p] > 0 and p not in reduced]
        if not holders:
            reduced.clear()
            continue
        p = min(holders, key=lambda p: (rem[p], -p))
        up[p] -= 1
        reduced.add(p)
        k += 1
    cap = [mags[d] - sum(seats[d]) for d in range(D)]
    need = list(up)
    placed = [[0] * P for _ in range(D)]
    ranking = sorted((-left[d][p], d * P + p, d, p) for d in range(D) for p in range(P))
    while sum(need) and sum(cap):
        for _, _, d, p in ranking:
            if need[p] and cap[d]:
                placed[d][p] += 1
                need[p] -= 1
                cap[d] -= 1
    return seats, up, placed


@st.composite
def cases(draw: st.DrawFn) -> dict:
    N, D, P = draw(st.integers(1, 3)), draw(st.integers(1, 4)), draw(st.integers(2, 6))
    votes = draw(
        st.lists(
            st.lists(
                st.lists(st.integers(0, 30_000), min_size=P, max_size=P), min_size=D, max_size=D
            ),
            min_size=N,
            max_size=N,
        )
    )
    return {
        "votes": votes,
        "mags": draw(st.lists(st.integers(1, 12), min_size=D, max_size=D)),
        "rate": draw(st.sampled_from(["0%", "5%", "15%"])),
        "ro": draw(st.sampled_from([0, 1, 2])),
        "no": draw(st.sampled_from([0, 1])),
        "how": draw(st.sampled_from(["half_up", "floor"])),
    }


@settings(max_examples=150, deadline=None)
@given(cases())
def test_second_scrutiny_matches_reference(case: dict) -> None:
    t = Threshold(case["rate"], base="party_votes")
    system = RemainderSystem(
        np.array(case["mags"]), t, case["ro"], case["no"], case["how"], tie_break="lowest_index"
    )
    r = system.allocate(Election(case["votes"]))
    for n, votes in enumerate(case["votes"]):
        nat = [sum(col) for col in zip(*votes, strict=True)]
        ok = [Fraction(x) >= t.rate * sum(nat) for x in nat]
        seats, up, placed = ref_scrutiny(
            votes, case["mags"], ok, case["ro"], case["no"], case["how"]
        )
        assert r.lower.district_seats[n].tolist() == seats
        assert r.upper_seats[n].tolist() == up
        assert r.upper_district_seats is not None
        assert r.upper_district_seats[n].tolist() == placed


def test_hand_case_overallocation_and_placement() -> None:
    """Region X, 5 seats: A 5000, B 3000, C 2000 -> quota round(10000 / 7) = 1429; whole parts
    3, 2, 1 (= 6 > 5); leftovers 713, 142, 571: B (smallest) gives one back -> 3, 1, 1, B's
    leftover 1571.  Region Y, 3 seats: A 1900, B 1900, C 1200 -> quota 1000: 1, 1, 1, leftovers
    900, 900, 200.  No seat left: the second scrutiny has nothing to give."""
    e = Election([[5000, 3000, 2000], [1900, 1900, 1200]], parties="ABC", regions=["X", "Y"])
    r = RemainderSystem({"X": 5, "Y": 3}).allocate(e)
    assert r.lower.district_seats.tolist() == [[3, 1, 1], [1, 1, 1]]
    assert r.upper_seats.tolist() == [0, 0, 0] and r.seats.tolist() == [4, 2, 2]
    assert "second scrutiny" in str(r)
    assert r.to_records()[0]["upper_districts"] == []


def test_validation_and_ties() -> None:
    with pytest.raises(UnknownMethodError):
        RemainderSystem([2, 2], rounding="up")  # type: ignore[arg-type]
    with pytest.raises(UnknownMethodError):
        RemainderSystem([2, 2], placement="random")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError):
        RemainderSystem([2, 2], regional_offset=-1)
    with pytest.raises(ElectsimError):
        RemainderSystem([2, -2])
    e = Election([[150, 150], [10, 10]])
    with pytest.raises(TieError):
        RemainderSystem([1, 1]).allocate(e)
    r = RemainderSystem([1, 1], placement=None, tie_break="lowest_index").allocate(e)
    assert r.upper_district_seats is None and int(r.seats.sum()) == 2


def test_huge_placement_is_refused_before_work() -> None:
    with pytest.raises(ElectsimError, match="placement=None"):
        RemainderSystem([10**6, 10**6]).allocate(Election([[100, 50], [60, 90]]))
    r = RemainderSystem([10**6, 10**6], placement=None).allocate(Election([[100, 50], [60, 90]]))
    assert r.upper_district_seats is None
