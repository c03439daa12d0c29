"""Tests for electsim.metrics: hand-computed values, published power-index examples, brute-force
references for the dynamic programmes, batch equivalence and bad input."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim.errors import ElectsimError
from electsim.metrics import (
    banzhaf,
    bloc_seats,
    gallagher,
    golosov,
    has_majority,
    laakso_taagepera,
    loosemore_hanby,
    majority_threshold,
    sainte_lague_index,
    shapley_shubik,
    wasted_vote_share,
    wasted_votes,
)

# ---------------------------------------------------------------------------------------------
# Slow, obviously correct references
# ---------------------------------------------------------------------------------------------


def banzhaf_brute(weights: list[int], quota: int, normalized: bool = True) -> tuple[Fraction, ...]:
    """Enumerate all 2^n coalitions; count swings (losing without i, winning with i)."""
    n = len(weights)
    swings = [0] * n
    for members in itertools.product((False, True), repeat=n):
        weight = sum(w for w, m in zip(weights, members, strict=True) if m)
        for i in range(n):
            if not members[i] and weight < quota <= weight + weights[i]:
                swings[i] += 1
    if normalized:
        return tuple(Fraction(s, sum(swings)) for s in swings)
    return tuple(Fraction(s, 2 ** (n - 1)) for s in swings)


def shapley_shubik_brute(weights: list[int], quota: int) -> tuple[Fraction, ...]:
    """Enumerate all n! orderings; count who is pivotal in each."""
    n = len(weights)
    pivots = [0] * n
    for order in itertools.permutations(range(n)):
        running = 0
        for i in order:
            running += weights[i]
            if running >= quota:
                pivots[i] += 1
                break
    return tuple(Fraction(p, math.factorial(n)) for p in pivots)


def shares_reference(votes: list[int], seats: list[int]) -> tuple[list[float], list[float]]:
    tv, ts = sum(votes), sum(seats)
    return [v / tv for v in votes], [s / ts for s in seats]


def make_allocation(
    votes: Any,
    seats: Any,
    against_all: Any,
    invalid: Any,
    blocs: list[str | None],
    house: int = 120,
) -> SimpleNamespace:
    """A fake allocation satisfying the duck-typed contract of electsim.metrics."""
    votes = np.asarray(votes, dtype=np.int64)
    seats = np.asarray(seats, dtype=np.int64)
    aa = np.asarray(against_all, dtype=np.int64)
    inv = np.asarray(invalid, dtype=np.int64)
    parties = tuple(
        SimpleNamespace(name=f"Party {i}", short=f"P{i}", bloc=b) for i, b in enumerate(blocs)
    )
    election = SimpleNamespace(
        national_against_all=aa,
        national_invalid=inv,
        national_ballots=votes.sum(axis=-1) + aa + inv,
        national_valid=votes.sum(axis=-1) + aa,
        parties=parties,
    )
    return SimpleNamespace(
        seats=seats, votes=votes, election=election, system=SimpleNamespace(seats=house)
    )


# ---------------------------------------------------------------------------------------------
# Wasted votes
# ---------------------------------------------------------------------------------------------


def test_wasted_votes_hand_example() -> None:
    # Parties C (20) and D (5) won no seat; + 10 against all + 5 invalid = 40 wasted.
    # Ballots = 50 + 30 + 20 + 5 + 10 + 5 = 120, so the share is 40 / 120 = 1/3.
    votes, seats = [50, 30, 20, 5], [6, 4, 0, 0]
    assert int(wasted_votes(votes, seats, against_all=10, invalid=5)) == 40
    assert float(wasted_vote_share(votes, seats, against_all=10, invalid=5)) == pytest.approx(
        1 / 3, rel=1e-15
    )
    # Without against-all / invalid: 25 of 105.
    assert int(wasted_votes(votes, seats)) == 25
    assert float(wasted_vote_share(votes, seats)) == pytest.approx(25 / 105)


def test_wasted_vote_share_degenerate() -> None:
    # Nobody won a seat: everything is wasted.  No ballots at all: NaN, no warning.
    assert float(wasted_vote_share([10, 20], [0, 0], against_all=3)) == 1.0
    assert np.isnan(wasted_vote_share([0, 0], [0, 0]))
    out = wasted_vote_share([[0, 0], [10, 30]], [[0, 0], [0, 5]], against_all=[0, 10])
    assert np.isnan(out[0]) and out[1] == pytest.approx(20 / 50)


def test_wasted_votes_batch_and_broadcast() -> None:
    rng = np.random.default_rng(1)
    votes = rng.integers(0, 1000, size=(2, 3, 5))
    seats = rng.integers(0, 3, size=(2, 3, 5))
    aa = rng.integers(0, 100, size=(2, 3))
    inv = 7  # a scalar broadcasts to the batch
    got = wasted_votes(votes, seats, aa, inv)
    share = wasted_vote_share(votes, seats, aa, inv)
    assert got.shape == share.shape == (2, 3)
    for idx in np.ndindex(2, 3):
        expected = sum(int(v) for v, s in zip(votes[idx], seats[idx], strict=True) if s == 0)
        expected += int(aa[idx]) + inv
        assert got[idx] == expected
        assert share[idx] == pytest.approx(expected / (votes[idx].sum() + aa[idx] + inv))


# ---------------------------------------------------------------------------------------------
# Disproportionality
# ---------------------------------------------------------------------------------------------


def test_disproportionality_hand_example() -> None:
    # Vote shares (0.5, 0.3, 0.2), seat shares (0.6, 0.3, 0.1); differences (-0.1, 0, 0.1).
    # Gallagher: 100 * sqrt((0.01 + 0 + 0.01) / 2) = 100 * 0.1 = 10.
    # Loosemore-Hanby: 100 * (0.1 + 0 + 0.1) / 2 = 10.
    # Sainte-Laguë: 100 * (0.01/0.5 + 0 + 0.01/0.2) = 100 * (0.02 + 0.05) = 7.
    votes, seats = [50, 30, 20], [6, 3, 1]
    assert float(gallagher(votes, seats)) == pytest.approx(10.0, rel=1e-12)
    assert float(loosemore_hanby(votes, seats)) == pytest.approx(10.0, rel=1e-12)
    assert float(sainte_lague_index(votes, seats)) == pytest.approx(7.0, rel=1e-12)


def test_disproportionality_perfect_is_zero() -> None:
    assert float(gallagher([40, 40, 20], [2, 2, 1])) == 0.0
    assert float(loosemore_hanby([40, 40, 20], [2, 2, 1])) == 0.0
    assert float(sainte_lague_index([40, 40, 20], [2, 2, 1])) == 0.0


def test_disproportionality_base_valid() -> None:
    # votes 50/30/20 + 25 against all = 125 valid: shares .4, .24, .16 and .2 (against all).
    # seats 6/3/1 of 10 and 0 for against all: .6, .3, .1, 0.
    # diffs -.2, -.06, .06, .2 -> squares .04 + .0036 + .0036 + .04 = .0872
    # Gallagher = 100 sqrt(.0436) = 20.8806...; LH = 100 (.2 + .06 + .06 + .2)/2 = 26.
    # SL = 100 (.04/.4 + .0036/.24 + .0036/.16 + .04/.2) = 100 (.1 + .015 + .0225 + .2) = 33.75
    kw: dict[str, Any] = {"base": "valid", "against_all": 25}
    assert float(gallagher([50, 30, 20], [6, 3, 1], **kw)) == pytest.approx(
        100 * math.sqrt(0.0436), rel=1e-12
    )
    assert float(loosemore_hanby([50, 30, 20], [6, 3, 1], **kw)) == pytest.approx(26.0)
    assert float(sainte_lague_index([50, 30, 20], [6, 3, 1], **kw)) == pytest.approx(33.75)


def test_disproportionality_base_ballots() -> None:
    # + 25 against all + 25 invalid = 150 ballots: vote shares 1/3, 1/5, 2/15, 1/6, 1/6;
    # seat shares .6, .3, .1, 0, 0.  LH = (4/15 + 1/10 + 1/30 + 1/6 + 1/6) / 2 = 11/30.
    got = loosemore_hanby([50, 30, 20], [6, 3, 1], base="ballots", against_all=25, invalid=25)
    assert float(got) == pytest.approx(100 * 11 / 30, rel=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.integers(0, 10_000), st.integers(0, 50)), min_size=1, max_size=8
    ).filter(lambda rows: sum(v for v, _ in rows) > 0 and sum(s for _, s in rows) > 0)
)
def test_disproportionality_matches_reference(data: list[tuple[int, int]]) -> None:
    votes = [v for v, _ in data]
    seats = [s for _, s in data]
    v, s = shares_reference(votes, seats)
    lsq = 100 * math.sqrt(sum((a - b) ** 2 for a, b in zip(v, s, strict=True)) / 2)
    lh = 50 * sum(abs(a - b) for a, b in zip(v, s, strict=True))
    assert float(gallagher(votes, seats)) == pytest.approx(lsq, abs=1e-9)
    assert float(loosemore_hanby(votes, seats)) == pytest.approx(lh, abs=1e-9)
    # Bounds: 0 <= Gallagher <= Loosemore-Hanby <= 100 (the L2 half-norm is at most the L1).
    assert -1e-12 <= float(gallagher(votes, seats)) <= float(loosemore_hanby(votes, seats)) + 1e-9
    assert float(loosemore_hanby(votes, seats)) <= 100 + 1e-9
    if any(vi == 0 and si > 0 for vi, si in data):
        assert float(sainte_lague_index(votes, seats)) == math.inf
    else:
        sl = 100 * sum((b - a) ** 2 / a for a, b in zip(v, s, strict=True) if a > 0)
        assert float(sainte_lague_index(votes, seats)) == pytest.approx(sl, abs=1e-9)


def test_disproportionality_undefined_is_nan() -> None:
    # No seats allocated (nobody passed) or no votes: NaN, not an error, not a warning.
    out = gallagher([[10, 20], [10, 20], [0, 0]], [[0, 0], [1, 1], [1, 1]])
    assert np.isnan(out[0]) and not np.isnan(out[1]) and np.isnan(out[2])
    assert np.isnan(sainte_lague_index([10, 20], [0, 0]))
    assert np.isnan(loosemore_hanby([0, 0], [1, 0]))


def test_sainte_lague_zero_vote_party_with_seats_is_infinite() -> None:
    # A seat for a party without votes is infinitely disproportional, not silently skipped;
    # a party with neither votes nor seats contributes nothing.
    assert float(sainte_lague_index([10, 0], [1, 1])) == math.inf
    assert float(sainte_lague_index([10, 10, 0], [1, 1, 0])) == 0.0


@pytest.mark.parametrize("func", [gallagher, loosemore_hanby, sainte_lague_index])
def test_disproportionality_batch_equals_elementwise(func: Any) -> None:
    rng = np.random.default_rng(7)
    votes = rng.integers(1, 10_000, size=(2, 3, 6))
    seats = rng.integers(0, 20, size=(2, 3, 6))
    aa = rng.integers(0, 500, size=(2, 3))
    got = func(votes, seats)
    got_valid = func(votes, seats, base="valid", against_all=aa)
    assert got.shape == got_valid.shape == (2, 3)
    for idx in np.ndindex(2, 3):
        assert got[idx] == pytest.approx(float(func(votes[idx], seats[idx])), rel=1e-12)
        one = func(votes[idx], seats[idx], base="valid", against_all=aa[idx])
        assert got_valid[idx] == pytest.approx(float(one), rel=1e-12)


# ---------------------------------------------------------------------------------------------
# Effective number of parties
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16])
def test_effective_number_of_equal_parties_is_n(n: int) -> None:
    assert float(laakso_taagepera([5] * n)) == pytest.approx(n)
    assert float(golosov([5] * n)) == pytest.approx(n)
    # Parties with zero counts do not count.
    assert float(laakso_taagepera([5] * n + [0, 0])) == pytest.approx(n)
    assert float(golosov([0] + [5] * n + [0])) == pytest.approx(n)


def test_effective_number_hand_examples() -> None:
    # Shares (0.5, 0.3, 0.2): LT = 1 / (0.25 + 0.09 + 0.04) = 1 / 0.38.
    # Golosov: 0.5/0.5 + 0.3/(0.3 + 0.25 - 0.09) + 0.2/(0.2 + 0.25 - 0.04)
    #        = 1 + 0.3/0.46 + 0.2/0.41.
    assert float(laakso_taagepera([50, 30, 20])) == pytest.approx(1 / 0.38, rel=1e-12)
    assert float(golosov([50, 30, 20])) == pytest.approx(1 + 0.3 / 0.46 + 0.2 / 0.41, rel=1e-12)
    # Shares (0.75, 0.25): LT = 1 / (0.5625 + 0.0625) = 1.6; Golosov = 1 + 0.25/0.75 = 4/3.
    assert float(laakso_taagepera([3, 1])) == pytest.approx(1.6, rel=1e-12)
    assert float(golosov([3, 1])) == pytest.approx(4 / 3, rel=1e-12)


def test_effective_number_batch_and_nan() -> None:
    rng = np.random.default_rng(3)
    counts = rng.integers(0, 100, size=(2, 3, 5))
    counts[1, 2] = 0  # an all-zero row: NaN
    lt, gol = laakso_taagepera(counts), golosov(counts)
    assert lt.shape == gol.shape == (2, 3)
    assert np.isnan(lt[1, 2]) and np.isnan(gol[1, 2])
    for idx in np.ndindex(2, 3):
        if idx == (1, 2):
            continue
        p = counts[idx] / counts[idx].sum()
        assert lt[idx] == pytest.approx(1 / np.sum(p**2), rel=1e-12)
        p1 = p.max()
        assert gol[idx] == pytest.approx(
            sum(pi / (pi + p1**2 - pi**2) for pi in p if pi > 0), rel=1e-12
        )
        assert 1 - 1e-12 <= gol[idx] <= np.count_nonzero(counts[idx]) + 1e-12


# ---------------------------------------------------------------------------------------------
# The allocation form
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def allocation() -> SimpleNamespace:
    # Batch of 2 elections, 4 parties; blocs: gov, gov, opp, None.
    return make_allocation(
        votes=[[50, 30, 20, 5], [40, 40, 10, 10]],
        seats=[[60, 40, 20, 0], [50, 50, 0, 20]],
        against_all=[10, 0],
        invalid=[5, 3],
        blocs=["gov", "gov", "opp", None],
    )


def test_allocation_form_equals_array_form(allocation: SimpleNamespace) -> None:
    v, s = allocation.votes, allocation.seats
    aa, inv = allocation.election.national_against_all, allocation.election.national_invalid
    np.testing.assert_array_equal(wasted_votes(allocation), wasted_votes(v, s, aa, inv))
    np.testing.assert_array_equal(wasted_votes(allocation), [5 + 10 + 5, 10 + 0 + 3])
    np.testing.assert_allclose(wasted_vote_share(allocation), wasted_vote_share(v, s, aa, inv))
    for func in (gallagher, loosemore_hanby, sainte_lague_index):
        np.testing.assert_allclose(func(allocation), func(v, s))
        np.testing.assert_allclose(
            func(allocation, base="ballots"),
            func(v, s, base="ballots", against_all=aa, invalid=inv),
        )
    np.testing.assert_allclose(laakso_taagepera(allocation), laakso_taagepera(s))
    np.testing.assert_allclose(laakso_taagepera(allocation, by="votes"), laakso_taagepera(v))
    np.testing.assert_allclose(golosov(allocation, by="seats"), golosov(s))
    np.testing.assert_allclose(golosov(allocation, by="votes"), golosov(v))


def test_allocation_bloc_seats_and_majority(allocation: SimpleNamespace) -> None:
    np.testing.assert_array_equal(bloc_seats(allocation, "gov"), [100, 100])
    np.testing.assert_array_equal(bloc_seats(allocation, "opp"), [20, 0])
    np.testing.assert_array_equal(bloc_seats(allocation, [2, 3]), [20, 20])
    # house size 120 read from allocation.system.seats: 61 is a majority, 60 is not.
    np.testing.assert_array_equal(
        has_majority(allocation), [[False, False, False, False], [False, False, False, False]]
    )
    np.testing.assert_array_equal(has_majority(bloc_seats(allocation, "gov"), 120), [True, True])
    np.testing.assert_array_equal(
        has_majority(bloc_seats(allocation, "gov"), 120, "two_thirds"), [True, True]
    )


def test_allocation_power_indices() -> None:
    single = make_allocation([4, 2, 1], [4, 2, 1], 0, 0, [None, None, None], house=7)
    assert banzhaf(single, 5) == banzhaf([4, 2, 1], 5)
    assert shapley_shubik(single, 5) == shapley_shubik([4, 2, 1], 5)


def test_allocation_form_refuses_extra_arrays(allocation: SimpleNamespace) -> None:
    with pytest.raises(ElectsimError, match="seats"):
        wasted_votes(allocation, allocation.seats)
    with pytest.raises(ElectsimError, match="against_all"):
        gallagher(allocation, against_all=3)


def test_unknown_bloc_lists_known_blocs(allocation: SimpleNamespace) -> None:
    with pytest.raises(ElectsimError, match=r"bloc='centre'.*\['gov', 'opp'\]"):
        bloc_seats(allocation, "centre")


def test_allocation_shape_mismatch_names_parameter() -> None:
    bad = make_allocation([[1, 2, 3]], [[1, 2]], [0], [0], [None, None, None])
    with pytest.raises(ElectsimError, match=r"allocation\.seats"):
        gallagher(bad)
    bad_aa = make_allocation([[1, 2, 3]], [[1, 1, 1]], [0, 0, 0], [0], [None, None, None])
    with pytest.raises(ElectsimError, match="national_against_all"):
        wasted_votes(bad_aa)


# ---------------------------------------------------------------------------------------------
# Blocs and majorities
# ---------------------------------------------------------------------------------------------


def test_bloc_seats_array_forms() -> None:
    seats = np.array([[[40, 30, 20, 30], [61, 20, 19, 20]]] * 3)  # shape (3, 2, 4)
    mask = np.array([True, False, True, False])
    np.testing.assert_array_equal(bloc_seats(seats, mask), [[60, 80]] * 3)  # 40+20, 61+19
    np.testing.assert_array_equal(bloc_seats(seats, [0, 2]), bloc_seats(seats, mask))
    np.testing.assert_array_equal(bloc_seats(seats, []), np.zeros((3, 2)))
    assert int(bloc_seats([40, 30, 20, 30], [3])) == 30


@pytest.mark.parametrize(
    ("house", "simple", "two_thirds"),
    [
        (120, 61, 80),  # 120 // 2 + 1 = 61; 2 * 120 / 3 = 80 exactly
        (101, 51, 68),  # 101 // 2 + 1 = 51; 202 / 3 = 67.33 -> 68
        (99, 50, 66),  # 99 // 2 + 1 = 50; 198 / 3 = 66 exactly
        (100, 51, 67),  # 100 // 2 + 1 = 51; 200 / 3 = 66.67 -> 67
        (1, 1, 1),
        (2, 2, 2),  # a majority of 2 is both; 4 / 3 -> 2
    ],
)
def test_majority_threshold(house: int, simple: int, two_thirds: int) -> None:
    assert majority_threshold(house) == simple
    assert majority_threshold(house, "simple") == simple
    assert majority_threshold(house, "two_thirds") == two_thirds
    assert majority_threshold(house, Fraction(2, 3)) == two_thirds


def test_majority_threshold_custom_and_arrays() -> None:
    assert majority_threshold(120, Fraction(3, 5)) == 72  # 3 * 120 / 5 = 72 exactly
    assert majority_threshold(121, Fraction(3, 5)) == 73  # 363 / 5 = 72.6 -> 73
    assert majority_threshold(120, Decimal("0.75")) == 90
    assert majority_threshold(120, Fraction(1, 2)) == 60  # "at least half", not the majority 61
    assert majority_threshold(120, 1) == 120  # unanimity
    np.testing.assert_array_equal(
        majority_threshold(np.array([[120, 101], [99, 1]]), "two_thirds"), [[80, 68], [66, 1]]
    )
    # Integer arithmetic, not floats: 2 * (10**18 + 1) / 3 = 666...667.33 -> 666...668.
    assert majority_threshold(10**18 + 1, "two_thirds") == 666_666_666_666_666_668


def test_has_majority_batched() -> None:
    seats = np.array([[60, 61], [79, 80], [0, 120]])
    np.testing.assert_array_equal(
        has_majority(seats, 120), [[False, True], [True, True], [False, True]]
    )
    np.testing.assert_array_equal(
        has_majority(seats, 120, "two_thirds"), [[False, False], [False, True], [False, True]]
    )
    # house sizes broadcast: 51 of 101 is a majority, 51 of 102 is not.
    np.testing.assert_array_equal(has_majority([51, 51], [101, 102]), [True, False])


# ---------------------------------------------------------------------------------------------
# Power indices
# ---------------------------------------------------------------------------------------------


def test_banzhaf_textbook_example() -> None:
    # Weights (4, 2, 1), quota 5.  Winning coalitions: AB (6), AC (5), ABC (7).
    # Swings: A in AB, AC, ABC (3); B in AB only (ABC - B = 5 still wins); C in AC only.
    # Normalized (3, 1, 1) / 5; absolute (3, 1, 1) / 2^2.
    assert banzhaf([4, 2, 1], 5) == (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))
    assert banzhaf([4, 2, 1], 5, normalized=False) == (
        Fraction(3, 4),
        Fraction(1, 4),
        Fraction(1, 4),
    )
    # Quota 4: A (4) alone wins and is a dictator; B and C are never swings.
    assert banzhaf([4, 2, 1], 4) == (Fraction(1), Fraction(0), Fraction(0))


def test_shapley_shubik_50_49_1() -> None:
    # Weights (50, 49, 1), quota 51.  The six orderings and their pivots:
    #   ABC: 50, 99 -> B    ACB: 50, 51 -> C    BAC: 49, 99 -> A
    #   BCA: 49, 50, 100 -> A    CAB: 1, 51 -> A    CBA: 1, 50, 100 -> A
    # so A is pivotal in 4 of 6, B and C in 1 each: (2/3, 1/6, 1/6).
    assert shapley_shubik([50, 49, 1], 51) == (Fraction(2, 3), Fraction(1, 6), Fraction(1, 6))
    # The same game in Banzhaf's terms: swings A 3 (AB, AC, ABC), B 1, C 1.
    assert banzhaf([50, 49, 1], 51) == (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))


def test_nassau_county_board_dummies() -> None:
    # Banzhaf (1965), "Weighted voting doesn't work", Rutgers Law Review 19: 317-343: the 1958
    # Nassau County Board of Supervisors, weights 9, 9, 7, 3, 1, 1 and quota 16.  Any two of
    # the three largest reach 16 (9 + 7 = 16); the three smallest together hold 5, and
    # 9 + 5 = 14 < 16, so they are never decisive: power (1/3, 1/3, 1/3, 0, 0, 0).
    third, zero = Fraction(1, 3), Fraction(0)
    expected = (third, third, third, zero, zero, zero)
    assert banzhaf([9, 9, 7, 3, 1, 1], 16) == expected
    assert shapley_shubik([9, 9, 7, 3, 1, 1], 16) == expected


def test_un_security_council() -> None:
    # UN Security Council (since 1965): 5 permanent members with a veto, 10 elected members,
    # 9 votes needed -> weights 7 (permanent) and 1 (elected), quota 39 (5*7 + 4 = 39).
    # Banzhaf swings: an elected member is decisive with all 5 permanent and exactly 3 of the
    # other 9 elected: C(9, 3) = 84.  A permanent member is decisive whenever the other four
    # are in with >= 4 elected: sum_{k>=4} C(10, k) = 1024 - 1 - 10 - 45 - 120 = 848.
    # Normalized: 848 / 5080 = 106/635 (0.1669) and 84 / 5080 = 21/1270 (0.0165).
    # Shapley-Shubik: an elected member is pivotal in position 9 after the 5 permanent and 3
    # of the other 9 elected: C(9, 3) * 8! * 6! / 15! = 4/2145 (0.00186); the permanent
    # members share the rest: (1 - 10 * 4/2145) / 5 = 421/2145 (0.1963).  These are the
    # values usually quoted for the Council (e.g. Felsenthal & Machover 1998, *The
    # Measurement of Voting Power*, Edward Elgar).
    weights = [7] * 5 + [1] * 10
    bz = banzhaf(weights, 39)
    assert bz[:5] == (Fraction(848, 5080),) * 5
    assert bz[5:] == (Fraction(84, 5080),) * 10
    ss = shapley_shubik(weights, 39)
    elected = Fraction(math.comb(9, 3) * math.factorial(8) * math.factorial(6), math.factorial(15))
    assert elected == Fraction(4, 2145)
    assert ss[5:] == (elected,) * 10
    assert ss[:5] == ((1 - 10 * elected) / 5,) * 5 == (Fraction(421, 2145),) * 5


def test_power_indices_zero_weight_players_are_dummies() -> None:
    # Inserting weight-0 players changes nothing for the others (normalized and absolute).
    base_w, with_zero = [4, 2, 1], [0, 4, 0, 2, 1, 0]
    for normalized in (True, False):
        got = banzhaf(with_zero, 5, normalized=normalized)
        assert got == banzhaf_brute(with_zero, 5, normalized)
        assert got[0] == got[2] == got[5] == 0
        assert (got[1], got[3], got[4]) == banzhaf(base_w, 5, normalized=normalized)
    got_ss = shapley_shubik(with_zero, 5)
    assert got_ss == shapley_shubik_brute(with_zero, 5)
    assert (got_ss[1], got_ss[3], got_ss[4]) == shapley_shubik(base_w, 5)


@st.composite
def games(draw: Any, max_players: int = 7, max_weight: int = 12) -> tuple[list[int], int]:
    weights = draw(st.lists(st.integers(0, max_weight), min_size=1, max_size=max_players))
    if sum(weights) == 0:
        weights[0] = draw(st.integers(1, max_weight))
    quota = draw(st.integers(1, sum(weights)))
    return weights, quota


@settings(max_examples=200, deadline=None)
@given(game=games())
def test_power_indices_equal_brute_force(game: tuple[list[int], int]) -> None:
    weights, quota = game
    assert banzhaf(weights, quota) == banzhaf_brute(weights, quota)
    assert banzhaf(weights, quota, normalized=False) == banzhaf_brute(weights, quota, False)
    assert shapley_shubik(weights, quota) == shapley_shubik_brute(weights, quota)


@settings(max_examples=100, deadline=None)
@given(game=games(max_players=12, max_weight=60))
def test_power_indices_properties(game: tuple[list[int], int]) -> None:
    weights, quota = game
    bz, ss = banzhaf(weights, quota), shapley_shubik(weights, quota)
    # Efficiency: a winning coalition always exists (quota <= total), so both sum to 1.
    assert sum(bz) == 1 and sum(ss) == 1
    assert all(x >= 0 for x in bz + ss)
    # Symmetry: equal weights, equal power; monotonicity: more weight, no less power.
    for i, j in itertools.combinations(range(len(weights)), 2):
        if weights[i] == weights[j]:
            assert bz[i] == bz[j] and ss[i] == ss[j]
        elif weights[i] > weights[j]:
            assert bz[i] >= bz[j] and ss[i] >= ss[j]
    for i, w in enumerate(weights):
        if w == 0:
            assert bz[i] == 0 and ss[i] == 0


def test_power_indices_many_players_exact() -> None:
    # 68 equal players, quota 35: coalition counts reach C(68, 34) ~ 2.8e19 > 2^63, beyond
    # int64, so this checks that exact integers are used.  Symmetric, so 1/68 each.
    # Absolute Banzhaf: a player is decisive when exactly 34 of the other 67 vote yes:
    # C(67, 34) / 2^67.
    weights = [1] * 68
    assert set(shapley_shubik(weights, 35)) == {Fraction(1, 68)}
    assert set(banzhaf(weights, 35)) == {Fraction(1, 68)}
    assert set(banzhaf(weights, 35, normalized=False)) == {Fraction(math.comb(67, 34), 2**67)}


def test_power_indices_parliament_size() -> None:
    # P = 50 parties, 1000 seats, quota 501: the DP is fast and exact (sums to exactly 1).
    rng = np.random.default_rng(2020)
    weights = rng.multinomial(1000, rng.dirichlet(np.ones(50)))
    bz, ss = banzhaf(weights, 501), shapley_shubik(weights, 501)
    assert len(bz) == len(ss) == 50
    assert sum(bz) == 1 and sum(ss) == 1


# ---------------------------------------------------------------------------------------------
# Bad input: ElectsimError naming the parameter
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: wasted_votes([1, -2], [0, 1]), "votes"),
        (lambda: wasted_votes([1, 2], [0, np.nan]), "seats"),
        (lambda: wasted_votes([1, 2], [0, 1.5]), "seats"),
        (lambda: wasted_vote_share([1, 2], [0, 1], against_all=-1), "against_all"),
        (lambda: wasted_vote_share([1, 2], [0, 1, 0]), "seats"),
        (lambda: wasted_votes([[1, 2]] * 3, [[0, 1]] * 3, against_all=[1, 2]), "against_all"),
        (lambda: wasted_votes([[1, 2]] * 3, [[0, 1]] * 3, invalid=[[1, 2, 3]]), "invalid"),
        (lambda: wasted_votes([1, 2]), "seats"),
        (lambda: wasted_votes(5, 3), "votes"),
        (lambda: gallagher([1, 2], [[0, 1], [1, 0]]), "seats"),
        (lambda: gallagher([1, 2], [0, 1], base="registered"), "base"),
        (lambda: gallagher([1, 2], [0, 1], base="valid"), "against_all"),
        (lambda: gallagher([1, 2], [0, 1], base="ballots", against_all=1), "invalid"),
        (lambda: gallagher([1, 2], [0, 1], against_all=1), "against_all"),
        (
            lambda: loosemore_hanby([1, 2], [0, 1], base="valid", against_all=1, invalid=2),
            "invalid",
        ),
        (lambda: sainte_lague_index([1, np.inf], [0, 1]), "votes"),
        (lambda: laakso_taagepera([1, -1]), "counts"),
        (lambda: laakso_taagepera([1, 2], by="votes"), "by"),
        (lambda: golosov([]), "counts"),
        (lambda: golosov(np.zeros((2, 0), dtype=int)), "counts"),
        (lambda: bloc_seats([1, 2, 3], "gov"), "bloc"),
        (lambda: bloc_seats([1, 2, 3], [True, False]), "bloc"),
        (lambda: bloc_seats([1, 2, 3], [0, 3]), "bloc"),
        (lambda: bloc_seats([1, 2, 3], [1, 1]), "bloc"),
        (lambda: bloc_seats([1, 2, 3], [0.5]), "bloc"),
        (lambda: bloc_seats([1, -2, 3], [0]), "seats"),
        (lambda: majority_threshold(120, "qualified"), "kind"),
        (lambda: majority_threshold(120, 2 / 3), "kind"),
        (lambda: majority_threshold(120, Fraction(3, 2)), "kind"),
        (lambda: majority_threshold(120, Fraction(0)), "kind"),
        (lambda: majority_threshold(0), "house_size"),
        (lambda: majority_threshold([120, 0]), "house_size"),
        (lambda: majority_threshold([120.5]), "house_size"),
        (lambda: has_majority([61], None), "house_size"),
        (lambda: has_majority([121], 120), "seats"),
        (lambda: has_majority([61, 62, 63], [120, 120]), "seats"),
        (lambda: has_majority([61], 120, "most"), "kind"),
        (lambda: banzhaf([4, 2, 1], 8), "quota"),
        (lambda: banzhaf([4, 2, 1], 0), "quota"),
        (lambda: banzhaf([4, 2, 1], 4.5), "quota"),
        (lambda: banzhaf([4, 2, 1], True), "quota"),
        (lambda: banzhaf([4, -2, 1], 4), "weights"),
        (lambda: banzhaf([4, 2.5, 1], 4), "weights"),
        (lambda: shapley_shubik([[4, 2, 1]], 4), "weights"),
        (lambda: shapley_shubik([], 1), "weights"),
        (lambda: shapley_shubik([0, 0], 1), "quota"),
    ],
)
def test_bad_input_raises_electsim_error_naming_parameter(call: Any, name: str) -> None:
    with pytest.raises(ElectsimError) as info:
        call()
    assert name in str(info.value)
    assert isinstance(info.value, ValueError)


def test_inputs_are_not_modified() -> None:
    votes = np.array([[50, 30, 20]])
    seats = np.array([[6, 3, 1]])
    before = (votes.copy(), seats.copy())
    gallagher(votes, seats)
    wasted_votes(votes, seats)
    bloc_seats(seats, [0])
    np.testing.assert_array_equal(votes, before[0])
    np.testing.assert_array_equal(seats, before[1])
