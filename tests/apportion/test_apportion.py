"""Tests for electsim.apportion: the method registry, the batch kernels and their exact references.

Where expected values come from:

* an independent slow oracle written here (``oracle``): the textbook "table of all quotients, take
  the S largest" for divisor methods and largest remainder with ``Fraction`` quotas.  It shares no
  code with electsim and reports ties as ``TIE`` instead of breaking them;
* hand calculations, with the arithmetic in the comments;
* published results (Kyrgyzstan 2020, cited at the test) and the counterexamples of
  Balinski & Young (1982), each re-derived by hand.

The batch kernels are also compared row by row with ``Method.reference`` (allocations *and* tie
records) on seeded random batches built to contain exact ties, near-ties, zero votes, ineligible
parties, empty houses, houses smaller than the number of parties, tiny and huge electorates.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from electsim.apportion import Method, TieRecord, available_methods, get_method
from electsim.errors import ElectsimError, UnknownMethodError

ALL_METHODS = available_methods()
QUOTA_METHODS = ("hare", "droop", "hagenbach_bischoff", "imperiali_quota")
DIVISOR_METHODS = (
    "dhondt",
    "sainte_lague",
    "modified_sainte_lague",
    "danish",
    "imperiali",
    "adams",
    "dean",
    "huntington_hill",
)
ZERO_FIRST = ("adams", "dean", "huntington_hill")  # d(0) = 0
CHECKED_POLICIES = ("raise", "lowest_index", "most_votes")

PROPS = settings(max_examples=100, deadline=None)


# ---------------------------------------------------------------------------------------------
# Independent oracle (shares no code with electsim)
# ---------------------------------------------------------------------------------------------

TIE = None  # the oracle's answer when an exact tie decides a seat


def _divisors(name: str) -> tuple[Callable[[int], Fraction], bool]:
    """``d(s)`` for the seat number ``s = 0, 1, ...`` (squared for Huntington-Hill).

    Divisors are only compared with each other, so any common scale will do: Sainte-Laguë is
    written 1, 3, 5, ... and modified Sainte-Laguë 1.4, 3, 5, ...
    """
    table: dict[str, tuple[Callable[[int], Fraction], bool]] = {
        "dhondt": (lambda s: Fraction(s + 1), False),  # 1, 2, 3, ...
        "sainte_lague": (lambda s: Fraction(2 * s + 1), False),  # 1, 3, 5, ...
        "modified_sainte_lague": (
            lambda s: Fraction(7, 5) if s == 0 else Fraction(2 * s + 1),  # 1.4, 3, 5, ...
            False,
        ),
        "danish": (lambda s: Fraction(3 * s + 1), False),  # 1, 4, 7, ...
        "imperiali": (lambda s: Fraction(s + 2), False),  # 2, 3, 4, ...
        "adams": (lambda s: Fraction(s), False),  # 0, 1, 2, ...
        "dean": (lambda s: Fraction(2 * s * (s + 1), 2 * s + 1), False),  # 0, 4/3, 12/5, ...
        "huntington_hill": (lambda s: Fraction(s * (s + 1)), True),  # 0, 2, 6, ... (squared)
    }
    return table[name]


def oracle_divisor(name: str, votes: Sequence[int], seats: int) -> list[int] | None:
    """Write down every party's quotients ``v / d(0), v / d(1), ...`` and take the S largest.

    ``v / 0`` is an "infinite" quotient; among infinite quotients the larger ``v`` comes first
    (the limit ``d(0) -> 0+``).  Returns ``TIE`` when the S-th and (S+1)-th quotients are equal.
    """
    d, squared = _divisors(name)
    claims: list[tuple[tuple[int, Fraction], int]] = []
    for i, v in enumerate(votes):
        if v == 0:
            continue  # no votes, no claim
        for s in range(seats):  # nobody can win more than S seats
            dd = d(s)
            if dd == 0:
                claims.append(((1, Fraction(v)), i))
            else:
                claims.append(((0, Fraction(v * v if squared else v) / dd), i))
    claims.sort(key=lambda c: c[0], reverse=True)
    out = [0] * len(votes)
    if seats == 0 or not claims:
        return out
    if len(claims) > seats and claims[seats - 1][0] == claims[seats][0]:
        return TIE
    for _, i in claims[:seats]:
        out[i] += 1
    return out


def oracle_quota(name: str, votes: Sequence[int], seats: int) -> list[int] | None:
    """Largest remainder with an exact ``Fraction`` quota.

    Hare V/S, Hagenbach-Bischoff V/(S+1), Imperiali V/(S+2), Droop floor(V/(S+1)) + 1 (the
    integer Droop quota electsim documents).  Seats left over go to the largest remainders
    among parties with votes -- whole rounds of one seat each first when more seats are left
    than such parties (Droop with a tiny electorate).  Too many seats (Hagenbach-Bischoff,
    Imperiali) are taken back from the seat holders with the smallest remainders.
    """
    V = sum(votes)
    if V == 0 or seats == 0:
        return [0] * len(votes)
    if name == "droop":
        q = Fraction(V // (seats + 1) + 1)
    else:
        q = Fraction(V, seats + {"hare": 0, "hagenbach_bischoff": 1, "imperiali_quota": 2}[name])
    quotients = [v / q for v in votes]
    whole = [x.numerator // x.denominator for x in quotients]
    rem = [x - w for x, w in zip(quotients, whole, strict=True)]
    left = seats - sum(whole)
    if left >= 0:
        pool = [i for i, v in enumerate(votes) if v > 0]
        order = sorted(pool, key=lambda i: rem[i], reverse=True)
        step = 1
    else:
        pool = [i for i, w in enumerate(whole) if w > 0]
        order = sorted(pool, key=lambda i: rem[i])
        step = -1
    rounds, r = divmod(abs(left), len(pool))
    if 0 < r < len(order) and rem[order[r - 1]] == rem[order[r]]:
        return TIE
    out = list(whole)
    for i in pool:
        out[i] += step * rounds
    for i in order[:r]:
        out[i] += step
    return out


def oracle(
    name: str, votes: Sequence[int], seats: int, eligible: Sequence[bool] | None = None
) -> list[int] | None:
    v = [int(x) for x in votes]
    if eligible is not None:
        v = [x if e else 0 for x, e in zip(v, eligible, strict=True)]
    if name in QUOTA_METHODS:
        return oracle_quota(name, v, seats)
    return oracle_divisor(name, v, seats)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def run(
    name: str | Method,
    votes: Sequence[int],
    seats: int,
    eligible: Sequence[bool] | None = None,
    tie_break: str = "lowest_index",
    rng: np.random.Generator | None = None,
) -> tuple[list[int], list[TieRecord]]:
    """One election through the batch kernel (a batch of one row)."""
    v = np.asarray([votes], dtype=np.int64)
    e = np.ones(v.shape, dtype=bool) if eligible is None else np.asarray([eligible], dtype=bool)
    alloc, ties = get_method(name)(v, np.asarray([seats], dtype=np.int64), e, tie_break, rng)
    assert alloc.shape == v.shape
    return [int(x) for x in alloc[0]], ties


def tie_key(t: TieRecord) -> tuple[Any, ...]:
    return (tuple(t.contenders), t.n_seats, tuple(t.winners), t.resolution, t.stage)


def ties_by_row(ties: list[TieRecord]) -> dict[int, list[tuple[Any, ...]]]:
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for t in ties:
        out[t.row].append(tie_key(t))
    return {k: sorted(v) for k, v in out.items()}


def assert_valid(
    alloc: np.ndarray, votes: np.ndarray, seats: np.ndarray, eligible: np.ndarray
) -> None:
    """Non-negative integers, the full house when an eligible party has votes, else nothing;
    no seat for a party without (eligible) votes."""
    v = np.where(eligible, votes, 0)
    want = np.where(v.sum(axis=1) > 0, seats, 0)
    assert alloc.dtype == np.int64
    assert (alloc >= 0).all()
    np.testing.assert_array_equal(alloc.sum(axis=1), want)
    assert (alloc[v == 0] == 0).all()


def _make_batches(seed: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Seeded random batches, one per party count, each mixing seven kinds of rows.

    * ``dup``: votes drawn from a few values -- exact ties at remainders and averages;
    * ``tiny``: 0..3 votes -- Droop's integer quota rounds, more seats left than parties;
    * ``huge``: up to 1e10 votes;
    * ``huge_dup``: multiples of 1e10 -- exact ties with huge counts;
    * ``near_tie``: small multiples of 1e10 plus or minus 2 votes -- float screens must defer;
    * ``usual``: up to 1e6 votes;
    * ``giant``: totals up to 2**62 (products with the house size overflow int64).

    Houses are 0..P (fewer seats than parties, including 0) for half the rows, otherwise up to
    60, and 120 in a few rows.  About 15 % of parties are ineligible; one row per batch has no
    eligible party.
    """
    rng = np.random.default_rng(seed)
    batches = []
    rows = 6
    for P in (1, 2, 3, 5, 8, 16):
        parts = []
        for kind in ("dup", "tiny", "huge", "huge_dup", "near_tie", "usual", "giant"):
            if kind == "dup":
                v = rng.choice([0, 1, 2, 3, 5, 10], (rows, P)) * rng.choice([1, 1000], (rows, 1))
            elif kind == "tiny":
                v = rng.integers(0, 4, (rows, P))
            elif kind == "huge":
                v = rng.integers(0, 10**10, (rows, P))
            elif kind == "huge_dup":
                v = rng.choice([0, 1, 2, 3, 6], (rows, P)) * 10**10
            elif kind == "near_tie":
                v = rng.choice([1, 2, 3, 4, 6], (rows, P)) * 10**10 + rng.integers(-2, 3, (rows, P))
            elif kind == "giant":  # totals up to 2**62, the bound allocate() accepts
                v = rng.integers(0, 2**62 // P, (rows, P))
            else:
                v = rng.integers(0, 10**6, (rows, P))
            parts.append(v)
        votes = np.concatenate(parts).astype(np.int64)
        n = votes.shape[0]
        seats = np.where(rng.random(n) < 0.5, rng.integers(0, P + 1, n), rng.integers(0, 61, n))
        seats[rng.choice(n, 3, replace=False)] = 120
        eligible = rng.random(votes.shape) < 0.85
        eligible[0] = False
        batches.append((votes, seats.astype(np.int64), eligible))
    return batches


BATCHES = _make_batches(20_201_004)


# ---------------------------------------------------------------------------------------------
# 1. Kernels and references against the independent oracle
# ---------------------------------------------------------------------------------------------


def test_method_lists_cover_the_registry() -> None:
    assert set(ALL_METHODS) == set(QUOTA_METHODS) | set(DIVISOR_METHODS)
    assert set(available_methods("quota")) == set(QUOTA_METHODS)
    assert set(available_methods("divisor")) == set(DIVISOR_METHODS)
    assert {n for n in ALL_METHODS if get_method(n).gives_every_party_a_seat} == set(ZERO_FIRST)


@pytest.mark.parametrize("name", ALL_METHODS)
def test_kernel_and_reference_match_oracle_on_random_batches(name: str) -> None:
    m = get_method(name)
    assert m.reference is not None
    checked = tied = 0
    for votes, seats, elig in BATCHES:
        alloc, ties = m(votes, seats, elig, "lowest_index", None)
        assert_valid(alloc, votes, seats, elig)
        kt = ties_by_row(ties)
        for n in range(votes.shape[0]):
            want = oracle(name, votes[n].tolist(), int(seats[n]), elig[n].tolist())
            ref, ref_ties = m.reference(
                votes[n].tolist(), int(seats[n]), elig[n].tolist(), "lowest_index", None
            )
            ctx = (name, votes[n].tolist(), int(seats[n]), elig[n].tolist())
            if want is TIE:  # an exact tie decides a seat: both must report it
                tied += 1
                assert n in kt, ctx
                assert ref_ties, ctx
                continue
            checked += 1
            assert alloc[n].tolist() == want, ctx
            assert ref == want, ctx
            assert n not in kt, ctx  # no spurious tie reports
            assert ref_ties == [], ctx
    assert checked >= 150
    assert tied >= 5


@st.composite
def elections(
    draw: st.DrawFn, max_parties: int = 8, max_seats: int = 60
) -> tuple[list[int], int, list[bool]]:
    """``(votes, seats, eligible)``; small vote values (and hence ties) come up often."""
    P = draw(st.integers(1, max_parties))
    vote = st.one_of(st.integers(0, 10**6), st.integers(0, 12))
    votes = draw(st.lists(vote, min_size=P, max_size=P))
    eligible = draw(st.lists(st.sampled_from([True, True, True, False]), min_size=P, max_size=P))
    seats = draw(st.integers(0, max_seats))
    return votes, seats, eligible


@pytest.mark.parametrize("name", ALL_METHODS)
@settings(max_examples=60, deadline=None)  # the seeded batches above carry most of the load
@given(case=elections(max_seats=40))
def test_kernel_and_reference_match_oracle_property(
    name: str, case: tuple[list[int], int, list[bool]]
) -> None:
    votes, seats, eligible = case
    want = oracle(name, votes, seats, eligible)
    got, ties = run(name, votes, seats, eligible)
    reference = get_method(name).reference
    assert reference is not None
    ref, ref_ties = reference(votes, seats, eligible, "lowest_index", None)
    if want is TIE:
        assert ties and ref_ties
    else:
        assert got == want
        assert ref == want
        assert ties == [] and ref_ties == []


# ---------------------------------------------------------------------------------------------
# 2. Batch kernels against Method.reference, ties included
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("tie_break", CHECKED_POLICIES)
@pytest.mark.parametrize("name", ALL_METHODS)
def test_kernel_matches_reference_including_ties(name: str, tie_break: str) -> None:
    m = get_method(name)
    assert m.reference is not None
    tied_rows = small_house_rows = 0
    for votes, seats, elig in BATCHES:
        v_in, s_in, e_in = votes.copy(), seats.copy(), elig.copy()
        alloc, ties = m(votes, seats, elig, tie_break, None)
        # inputs untouched
        np.testing.assert_array_equal(votes, v_in)
        np.testing.assert_array_equal(seats, s_in)
        np.testing.assert_array_equal(elig, e_in)
        assert alloc.shape == votes.shape
        kt = ties_by_row(ties)
        assert set(kt) <= set(range(votes.shape[0]))
        for n in range(votes.shape[0]):
            ref, ref_ties = m.reference(
                votes[n].tolist(), int(seats[n]), elig[n].tolist(), tie_break, None
            )
            ctx = (name, tie_break, votes[n].tolist(), int(seats[n]), elig[n].tolist())
            assert alloc[n].tolist() == ref, ctx
            assert kt.get(n, []) == sorted(tie_key(t) for t in ref_ties), ctx
            tied_rows += bool(ref_ties)
            small_house_rows += 0 < seats[n] < ((votes[n] > 0) & elig[n]).sum()
    assert tied_rows >= 10  # the comparison of tie records is not vacuous
    assert small_house_rows >= 20


@pytest.mark.parametrize("name", ALL_METHODS)
def test_raise_policy_resolves_like_lowest_index_at_kernel_level(name: str) -> None:
    # seven equal parties: a seven-way tie for the 120th seat under every method
    a_raise, t_raise = run(name, [10_000] * 7, 120, tie_break="raise")
    a_low, t_low = run(name, [10_000] * 7, 120, tie_break="lowest_index")
    assert a_raise == a_low
    assert [tie_key(t) for t in t_raise] == [tie_key(t) for t in t_low]
    assert t_raise[0].resolution == "lowest_index"


def _lot_batch() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """100 elections of 7 equal parties (15 = 7 * 2 + 1 seats: a 7-way tie for the last
    seat), then the 8-party random batch cut to its first 7 parties."""
    v8, s8, e8 = BATCHES[4]
    return (
        np.concatenate([np.full((100, 7), 10_000, dtype=np.int64), v8[:, :7]]),
        np.concatenate([np.full(100, 15, dtype=np.int64), s8]),
        np.concatenate([np.ones((100, 7), dtype=bool), e8[:, :7]]),
    )


@pytest.mark.parametrize("name", ALL_METHODS)
def test_lot_is_reproducible_valid_and_seed_dependent(name: str) -> None:
    m = get_method(name)
    votes, seats, elig = _lot_batch()
    a1, t1 = m(votes, seats, elig, "lot", np.random.default_rng(2020))
    a2, t2 = m(votes, seats, elig, "lot", np.random.default_rng(2020))
    np.testing.assert_array_equal(a1, a2)
    assert [(t.row, *tie_key(t)) for t in t1] == [(t.row, *tie_key(t)) for t in t2]
    assert_valid(a1, votes, seats, elig)
    for t in t1:
        assert t.resolution == "lot"
        assert len(t.winners) == t.n_seats < len(t.contenders)
        assert set(t.winners) <= set(t.contenders)
    # rows without a tie are exactly the deterministic result
    a_low, t_low = m(votes, seats, elig, "lowest_index", None)
    tied = {t.row for t in t_low}
    assert tied == {t.row for t in t1}
    untied = [n for n in range(votes.shape[0]) if n not in tied]
    np.testing.assert_array_equal(a1[untied], a_low[untied])
    # the 100 seven-way ties: P(two seeds agree everywhere) = 7**-100
    a3, _ = m(votes, seats, elig, "lot", np.random.default_rng(2021))
    assert not np.array_equal(a1[:100], a3[:100])
    # every one of the 7 parties wins some draw (P(a party never wins) <= 7 (6/7)**100 ~ 1e-6)
    assert set(np.flatnonzero(a1[:100] == 3) % 7) == set(range(7))


@pytest.mark.parametrize("name", ALL_METHODS)
def test_reference_lot_is_reproducible(name: str) -> None:
    ref = get_method(name).reference
    assert ref is not None
    draws = [ref([10_000] * 7, 120, [True] * 7, "lot", np.random.default_rng(s)) for s in (5, 5)]
    assert draws[0][0] == draws[1][0]
    assert [tie_key(t) for t in draws[0][1]] == [tie_key(t) for t in draws[1][1]]
    assert sorted(draws[0][0]) == [17] * 6 + [18]


@pytest.mark.parametrize("name", ALL_METHODS)
def test_lot_without_rng_raises_only_when_a_tie_needs_it(name: str) -> None:
    with pytest.raises(ElectsimError, match="rng"):
        run(name, [10_000] * 7, 120, tie_break="lot", rng=None)
    # no tie, no draw: rng is not needed (sum 10,000, 10 seats, all methods untied here)
    got, ties = run(name, [5000, 3000, 1200, 800], 10, tie_break="lot", rng=None)
    assert sum(got) == 10 and ties == []


# ---------------------------------------------------------------------------------------------
# 3. Hand-checked examples for every method
# ---------------------------------------------------------------------------------------------

# Example A: votes [5000, 3000, 1200, 800] (V = 10,000), 10 seats.  Peers.md: modified
# Sainte-Laguë gives [5, 3, 1, 1].  Quotients listed largest first; "| next" is the first one
# left out.
#
# Hare, q = 10000/10 = 1000: 5.0, 3.0, 1.2, 0.8 -> 5+3+1+0 = 9, 1 left; remainders 0, 0, .2, .8
#   -> D.  [5, 3, 1, 1]
# Droop, q = floor(10000/11) + 1 = 909 + 1 = 910: 5.495, 3.297, 1.319, 0.879 -> 9, 1 left;
#   remainders .495, .297, .319, .879 -> D.  [5, 3, 1, 1]
# Hagenbach-Bischoff, q = 10000/11 = 909.09: 5.5, 3.3, 1.32, 0.88 -> 9, 1 left -> D (.88).
#   [5, 3, 1, 1]
# Imperiali quota, q = 10000/12 = 833.33: 6 (exactly: 5000*12/10000), 3.6, 1.44, 0.96
#   -> 6+3+1+0 = 10, nothing left.  [6, 3, 1, 0]
# D'Hondt (1, 2, 3, ...): 5000A 3000B 2500A 1666.7A 1500B 1250A 1200C 1000A 1000B 833.3A
#   | 800D.  The equal 1000s are both inside: no tie.  [6, 3, 1, 0]
# Sainte-Laguë (1, 3, 5, ...): 5000A 3000B 1666.7A 1200C 1000A 1000B 800D 714.3A 600B 555.6A
#   | 454.5A.  [5, 3, 1, 1]
# modified Sainte-Laguë (1.4, 3, 5, ...): 3571.4A 2142.9B 1666.7A 1000A 1000B 857.1C 714.3A
#   600B 571.4D 555.6A | 454.5A.  [5, 3, 1, 1]
# Danish (1, 4, 7, ...): 5000A 3000B 1250A 1200C 800D 750B 714.3A 500A 428.6B 384.6A
#   | 312.5A.  [5, 3, 1, 1]
# Imperiali (2, 3, 4, ...): 2500A 1666.7A 1500B 1250A 1000A 1000B 833.3A 750B 714.3A 625A
#   | 600B = 600C.  [7, 3, 0, 0]
# Adams (0, 1, 2, ...): four first seats, then 5000A 3000B 2500A 1666.7A 1500B 1250A
#   | 1200C.  [5, 3, 1, 1]
# Dean (0, 4/3, 12/5, 24/7, 40/9): four first seats, then 3750A 2250B 2083.3A 1458.3A
#   1250B 1125A | 916.7A.  [5, 3, 1, 1]
# Huntington-Hill (0, 1.414, 2.449, 3.464, 4.472): four first seats, then 3535.5A 2121.3B
#   2041.2A 1443.4A 1224.7B 1118.0A | 912.9A.  [5, 3, 1, 1]
EXAMPLE_A = ([5000, 3000, 1200, 800], 10)
EXPECTED_A = {
    "hare": [5, 3, 1, 1],
    "droop": [5, 3, 1, 1],
    "hagenbach_bischoff": [5, 3, 1, 1],
    "imperiali_quota": [6, 3, 1, 0],
    "dhondt": [6, 3, 1, 0],
    "sainte_lague": [5, 3, 1, 1],
    "modified_sainte_lague": [5, 3, 1, 1],
    "danish": [5, 3, 1, 1],
    "imperiali": [7, 3, 0, 0],
    "adams": [5, 3, 1, 1],
    "dean": [5, 3, 1, 1],
    "huntington_hill": [5, 3, 1, 1],
}

# Example B: the largest-remainder example of the English Wikipedia ("Largest remainders
# method"): votes [47000, 16000, 15800, 12000, 6100, 3100] (V = 100,000), 10 seats.  In
# thousands, A..F:
#
# Hare, q = 10,000: 4.7 1.6 1.58 1.2 .61 .31 -> 4+1+1+1 = 7, 3 left; remainders .7 .6 .58 .2
#   .61 .31 -> A, E, B.  [5, 2, 1, 1, 1, 0]
# Droop, q = floor(100000/11) + 1 = 9091: 5.170 1.760 1.738 1.320 .671 .341 -> 8, 2 left
#   -> B (.760), C (.738).  [5, 2, 2, 1, 0, 0]
# Hagenbach-Bischoff, q = 9090.9: 5.17 1.76 1.738 1.32 .671 .341 -> same.  [5, 2, 2, 1, 0, 0]
# Imperiali quota, q = 8333.3: 5.64 1.92 1.896 1.44 .732 .372 -> 8, 2 left -> B (.92),
#   C (.896).  [5, 2, 2, 1, 0, 0]
# D'Hondt: 47A 23.5A 16B 15.8C 15.67A 12D 11.75A 9.4A 8B 7.9C | 7.83A.  [5, 2, 2, 1, 0, 0]
# Sainte-Laguë: 47A 16B 15.8C 15.67A 12D 9.4A 6.71A 6.1E 5.33B 5.27C | 5.22A.
#   [4, 2, 2, 1, 1, 0]
# modified Sainte-Laguë (1.4, 3, 5, 7, 9): 33.57A 15.67A 11.43B 11.29C 9.4A 8.57D 6.71A 5.33B
#   5.27C 5.22A | 4.36E.  [5, 2, 2, 1, 0, 0]
# Danish (1, 4, 7, 10): 47A 16B 15.8C 12D 11.75A 6.71A 6.1E 4.7A 4B 3.95C | 3.1F.
#   [4, 2, 2, 1, 1, 0]
# Imperiali (2, 3, 4, ...): 23.5A 15.67A 11.75A 9.4A 8B 7.9C 7.83A 6.71A 6D 5.88A | 5.33B.
#   [7, 1, 1, 1, 0, 0]
# Adams: six first seats, then 47A 23.5A 16B 15.8C | 15.67A.  [3, 2, 2, 1, 1, 1]
# Dean: six first seats, then 35.25A (47/(4/3)) 19.58A (47/2.4) 13.71A (47/(24/7)) 12B
#   | 11.85C.  [4, 2, 1, 1, 1, 1]
# Huntington-Hill: six first seats, then 33.23A (47/1.414) 19.19A (47/2.449) 13.57A
#   (47/3.464) 11.31B | 11.17C.  [4, 2, 1, 1, 1, 1]
EXAMPLE_B = ([47_000, 16_000, 15_800, 12_000, 6_100, 3_100], 10)
EXPECTED_B = {
    "hare": [5, 2, 1, 1, 1, 0],
    "droop": [5, 2, 2, 1, 0, 0],
    "hagenbach_bischoff": [5, 2, 2, 1, 0, 0],
    "imperiali_quota": [5, 2, 2, 1, 0, 0],
    "dhondt": [5, 2, 2, 1, 0, 0],
    "sainte_lague": [4, 2, 2, 1, 1, 0],
    "modified_sainte_lague": [5, 2, 2, 1, 0, 0],
    "danish": [4, 2, 2, 1, 1, 0],
    "imperiali": [7, 1, 1, 1, 0, 0],
    "adams": [3, 2, 2, 1, 1, 1],
    "dean": [4, 2, 1, 1, 1, 1],
    "huntington_hill": [4, 2, 1, 1, 1, 1],
}

# Example C: [100000, 80000, 30000, 20000], 8 seats (the D'Hondt / Sainte-Laguë worked example of
# the English Wikipedia), in thousands:
# D'Hondt: 100A 80B 50A 40B 33.3A 30C 26.7B 25A | 20A = 20B = 20D (outside).  [4, 3, 1, 0]
# Sainte-Laguë: 100A 80B 33.3A 30C 26.7B 20A 20D 16B | 14.3A.  [3, 3, 1, 1]
EXAMPLE_C = ([100_000, 80_000, 30_000, 20_000], 8)
EXPECTED_C = {"dhondt": [4, 3, 1, 0], "sainte_lague": [3, 3, 1, 1]}


def _hand_cases() -> list[tuple[str, list[int], int, list[int]]]:
    cases = []
    for (votes, seats), table in ((EXAMPLE_A, EXPECTED_A), (EXAMPLE_B, EXPECTED_B)):
        for name, expected in table.items():
            cases.append((name, votes, seats, expected))
    for name, expected in EXPECTED_C.items():
        cases.append((name, EXAMPLE_C[0], EXAMPLE_C[1], expected))
    return cases


@pytest.mark.parametrize(("name", "votes", "seats", "expected"), _hand_cases())
def test_hand_checked_examples(
    name: str, votes: list[int], seats: int, expected: list[int]
) -> None:
    got, ties = run(name, votes, seats)
    assert got == expected
    assert ties == []
    ref = get_method(name).reference
    assert ref is not None
    assert ref(votes, seats, [True] * len(votes), "raise", None) == (expected, [])
    # the oracle itself is checked against the hand calculation
    assert oracle(name, votes, seats) == expected


def test_hand_tables_cover_every_method() -> None:
    assert set(EXPECTED_A) == set(ALL_METHODS)
    assert set(EXPECTED_B) == set(ALL_METHODS)


# Kyrgyzstan 2020, CEC, 5 Oct 2020 (98 % of ballot boxes), source:
# https://for.kg/news-669682-ru.html (akipress.kg), tabulated in CEC, 5 Oct 2020.
# The four lists above 7 % share 120 seats by Hare largest remainder:
# V = 487,685 + 475,372 + 174,317 + 141,940 = 1,279,314; quotas 120 v / V =
# 45.745, 44.590, 16.351, 13.314 -> 45+44+16+13 = 118, 2 left; remainders .745, .590, .351,
# .314 -> the first two.  [46, 45, 16, 13], the published seat split.
KG_2020_VOTES = [
    487_685, 475_372, 174_317, 141_940, 136_276, 115_288, 80_279, 66_747,
    60_305, 46_568, 42_862, 42_460, 32_795, 12_468, 4_395, 3_459,
]  # fmt: skip


def test_kyrgyzstan_2020_hare() -> None:
    assert run("hare", KG_2020_VOTES[:4], 120) == ([46, 45, 16, 13], [])
    # all 16 lists, only the first four eligible: the others' votes must not enter V
    eligible = [i < 4 for i in range(16)]
    got, ties = run("hare", KG_2020_VOTES, 120, eligible)
    assert got == [46, 45, 16, 13] + [0] * 12
    assert ties == []
    ref = get_method("hare").reference
    assert ref is not None
    assert ref(KG_2020_VOTES, 120, eligible, "raise", None)[0] == got


def test_exact_arithmetic_at_the_edges() -> None:
    # Imperiali quota on example A: 5000 * 12 / 10000 = 6 exactly, remainder 0, not 0.999...
    assert run("imperiali_quota", [5000, 3000, 1200, 800], 10) == ([6, 3, 1, 0], [])
    # Hare, 3 seats, votes [1, 1, 1] * 10**9 + [1, 0, -1]: quotas 1 + 1e-9, 1, 1 - 1e-9
    # (exact: 3 * v / V with V = 3e9) -> whole 1, 1, 0 ; 1 seat left: remainders 1e-9, 0,
    # 1 - 1e-9 -> party 2.  [1, 1, 1]
    assert run("hare", [10**9 + 1, 10**9, 10**9 - 1], 3) == ([1, 1, 1], [])
    # Hare, 2 seats, same votes: quotas 2/3 (1 + 1e-9), 2/3, 2/3 (1 - 1e-9) = .6667 + tiny
    # differences -> no whole seats; remainders ordered 0 > 1 > 2 -> [1, 1, 0]
    assert run("hare", [10**9 + 1, 10**9, 10**9 - 1], 2) == ([1, 1, 0], [])
    # D'Hondt near-tie, 1e10 scale: quotients 2e10+1 / 2 = 1e10 + 0.5 > 1e10 = B / 1:
    # A gets seats 1 and 2.  [2, 0]; one vote less for A is an exact tie (1e10 = 1e10).
    assert run("dhondt", [2 * 10**10 + 1, 10**10], 2) == ([2, 0], [])
    got, ties = run("dhondt", [2 * 10**10, 10**10], 2)
    assert got == [2, 0]
    assert [tie_key(t) for t in ties] == [((0, 1), 1, (0,), "lowest_index", "average")]
    # Huntington-Hill: second seat of A vs first seat of B, A/sqrt(2) vs B/0 (infinite) -- B wins
    # its first seat before A's second whatever the votes: [1, 1]
    assert run("huntington_hill", [10**10, 1], 2) == ([1, 1], [])


# ---------------------------------------------------------------------------------------------
# 4. Properties over every registered method (Hypothesis)
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_METHODS)
@PROPS
@given(case=elections(), data=st.data())
def test_invariants_of_every_method(
    name: str, case: tuple[list[int], int, list[bool]], data: st.DataObject
) -> None:
    """Properties P0 and P1 (Balinski & Young 1982), one Hypothesis run per method (several
    properties per example keep the run time down).

    * P0: the house is filled when an eligible party has votes (else nothing is allocated);
      seats are non-negative; no votes or not eligible means no seat; tie records are sane.
    * P1 anonymity: permuting the parties permutes the seats (when no tie is met: tie-breaking
      by index is deliberately not anonymous).
    * P1 homogeneity: A(lam v, S) = A(v, S), ties included (they scale too and are broken by
      index the same way).  Not for Droop, whose integer quota breaks it (see below).
    """
    votes, seats, eligible = case
    got, ties = run(name, votes, seats, eligible)
    # P0
    has_votes = any(v > 0 and e for v, e in zip(votes, eligible, strict=True))
    assert sum(got) == (seats if has_votes else 0)
    assert all(s >= 0 for s in got)
    for s, v, e in zip(got, votes, eligible, strict=True):
        if v == 0 or not e:
            assert s == 0
    for t in ties:
        assert t.row == 0
        assert 0 < t.n_seats < len(t.contenders)
        assert len(t.winners) == t.n_seats and set(t.winners) <= set(t.contenders)
    # P1 anonymity
    perm = data.draw(st.permutations(range(len(votes))), label="perm")
    got_p, ties_p = run(name, [votes[i] for i in perm], seats, [eligible[i] for i in perm])
    if not ties and not ties_p:
        assert got_p == [got[i] for i in perm]
    # P1 homogeneity
    if name != "droop":
        lam = data.draw(st.integers(2, 1000), label="lam")
        assert run(name, [lam * v for v in votes], seats, eligible)[0] == got


def test_droop_integer_quota_is_not_homogeneous() -> None:
    # Documenting a property of the integer Droop quota floor(V/(S+1)) + 1, not a bug:
    # [1, 4], 3 seats: V = 5, q = floor(5/4) + 1 = 2 -> 1/2 = 0 r 1, 4/2 = 2 r 0 -> 2 seats,
    #   1 left -> larger remainder (party 0).  [1, 2]
    # [10, 40], 3 seats: V = 50, q = floor(50/4) + 1 = 13 -> 10/13 = 0 r 10, 40/13 = 3 r 1
    #   -> 3 seats, nothing left.  [0, 3]
    assert run("droop", [1, 4], 3) == ([1, 2], [])
    assert run("droop", [10, 40], 3) == ([0, 3], [])


def _quota(seats: int, v: int, V: int) -> tuple[int, int]:
    """floor and ceiling of the exact quota S v / V."""
    return (seats * v) // V, -(-(seats * v) // V)


@pytest.mark.parametrize("name", ["hare", "dhondt", "adams"])
@PROPS
@given(case=elections())
def test_quota_bounds(name: str, case: tuple[list[int], int, list[bool]]) -> None:
    """Property P2 (Balinski & Young 1982).  Hare stays within quota, floor(q) <= s <= ceil(q);
    D'Hondt never falls
    below the lower quota, Adams never exceeds the upper one (Balinski & Young).  These hold for
    every resolution of a tie, so tied cases are kept."""
    votes, seats, eligible = case
    v = [x if e else 0 for x, e in zip(votes, eligible, strict=True)]
    V = sum(v)
    got, _ = run(name, votes, seats, eligible)
    if V == 0:
        return
    for s, x in zip(got, v, strict=True):
        lo, hi = _quota(seats, x, V)
        if name in ("hare", "dhondt"):
            assert s >= lo
        if name in ("hare", "adams"):
            assert s <= hi


@pytest.mark.parametrize("name", DIVISOR_METHODS)
@PROPS
@given(case=elections(max_seats=40), data=st.data())
def test_divisor_methods_are_house_monotone_and_uniform(
    name: str, case: tuple[list[int], int, list[bool]], data: st.DataObject
) -> None:
    """Property P3 (Balinski & Young 1982) and P6 for every divisor method, on tie-free cases.

    * House monotonicity: one more seat never costs a party a seat.
    * Uniformity: remove a party and its seats; the others' allocation of the rest is unchanged.
    """
    votes, seats, eligible = case
    got, ties = run(name, votes, seats, eligible)
    larger, ties_larger = run(name, votes, seats + 1, eligible)
    if not ties and not ties_larger:
        assert all(b >= a for a, b in zip(got, larger, strict=True))
    if ties or len(votes) < 2:
        return
    k = data.draw(st.integers(0, len(votes) - 1), label="removed party")
    rest = [i for i in range(len(votes)) if i != k]
    sub, sub_ties = run(name, [votes[i] for i in rest], seats - got[k], [eligible[i] for i in rest])
    assert sub_ties == []
    assert sub == [got[i] for i in rest]


# ---------------------------------------------------------------------------------------------
# 5. Known counterexamples (Balinski & Young (1982)), re-derived by hand
# ---------------------------------------------------------------------------------------------


def test_alabama_paradox_hare() -> None:
    # v = [475, 348, 944, 932], V = 2699.
    # S = 27: quotas 27 v / V = 4.752, 3.481, 9.444, 9.323 -> 4+3+9+9 = 25, 2 left;
    #   remainders .752 .481 .444 .323 -> parties 0, 1.  [5, 4, 9, 9]
    # S = 28: quotas 4.928, 3.610, 9.793, 9.669 -> 25, 3 left; remainders .928 .610 .793 .669
    #   -> parties 0, 2, 3.  [5, 3, 10, 10]: party 1 loses a seat in a larger house.
    v = [475, 348, 944, 932]
    assert run("hare", v, 27) == ([5, 4, 9, 9], [])
    assert run("hare", v, 28) == ([5, 3, 10, 10], [])


@pytest.mark.parametrize("name", DIVISOR_METHODS)
def test_no_alabama_paradox_for_divisor_methods_on_that_input(name: str) -> None:
    v = [475, 348, 944, 932]
    small, large = run(name, v, 27)[0], run(name, v, 28)[0]
    assert all(b >= a for a, b in zip(small, large, strict=True))


def test_population_paradox_hare() -> None:
    # S = 10.  v = [382, 690, 488], V = 1560: quotas 2.449, 4.423, 3.128 -> 2+4+3 = 9, 1 left
    #   -> party 0 (.449).  [3, 4, 3]
    # v' = [396, 707, 419], V = 1522: quotas 2.602, 4.645, 2.753 -> 8, 2 left; remainders
    #   .602 .645 .753 -> parties 2, 1.  [2, 5, 3]
    # Party 0 grew by 3.7 %, party 1 by 2.5 %, yet a seat moves from 0 to 1.
    assert run("hare", [382, 690, 488], 10) == ([3, 4, 3], [])
    assert run("hare", [396, 707, 419], 10) == ([2, 5, 3], [])


@pytest.mark.parametrize("name", DIVISOR_METHODS)
def test_no_population_paradox_for_divisor_methods_on_that_input(name: str) -> None:
    before, after = run(name, [382, 690, 488], 10)[0], run(name, [396, 707, 419], 10)[0]
    # party 0 grew relatively more than party 1: not (0 loses and 1 gains)
    assert not (after[0] < before[0] and after[1] > before[1])


def test_dhondt_violates_upper_quota() -> None:
    # v = [134, 16, 46, 449], V = 645, S = 11.  D'Hondt quotients, largest first:
    # 449 224.5 149.7 134 112.3 89.8 74.8 67 64.1 56.1 49.9 | 46 (party 2), 44.9, 44.7
    # -> party 3 nine seats (449/1 .. 449/9), party 0 two (134, 67).  [2, 0, 0, 9]
    # Party 3's quota is 11 * 449 / 645 = 7.657, so 9 > ceil = 8.
    got, ties = run("dhondt", [134, 16, 46, 449], 11)
    assert (got, ties) == ([2, 0, 0, 9], [])
    upper_quota = -(-11 * 449 // 645)  # ceil(7.657)
    assert upper_quota == 8 < got[3]


def test_threshold_exclusion_costs_a_survivor_a_seat_under_hare() -> None:
    # Property P8 (Balinski & Young 1982).  v = [203, 215, 945, 468, 741, 178], V = 2750, S = 20.
    # All eligible: quotas 1.476 1.564 6.873 3.404 5.389 1.295 -> 17, 3 left; remainders
    #   .476 .564 .873 .404 .389 .295 -> parties 2, 1, 0.  [2, 2, 7, 3, 5, 1]
    # Party 5 (178 / 2750 = 6.5 %) excluded by a 7 % threshold, V = 2572: quotas 1.579 1.672
    #   7.348 3.639 5.762 -> 17, 3 left; remainders .579 .672 .348 .639 .762 -> parties 4, 1,
    #   3.  [1, 2, 7, 4, 6, 0]: party 0 (7.38 %) passes both thresholds and loses a seat.
    v = [203, 215, 945, 468, 741, 178]
    assert run("hare", v, 20) == ([2, 2, 7, 3, 5, 1], [])
    assert run("hare", v, 20, [True] * 5 + [False]) == ([1, 2, 7, 4, 6, 0], [])
    # D'Hondt (uniform and house monotone) cannot do this
    full, cut = run("dhondt", v, 20)[0], run("dhondt", v, 20, [True] * 5 + [False])[0]
    assert all(b >= a for a, b in zip(full[:5], cut[:5], strict=True))


# ---------------------------------------------------------------------------------------------
# 6. Ties
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL_METHODS)
def test_seven_equal_parties_tie_for_the_last_seat(name: str) -> None:
    # 120 = 7 * 17 + 1.  Hare: quotas 120/7 = 17.14 each, 119 whole seats, 7 equal remainders
    # for 1 seat.  Every other method is symmetric too: 17 each, then 7 equal claims for the
    # 120th seat (Droop q = floor(70000/121) + 1 = 579 -> 17.27; HB 17.29; Imperiali q 17.43;
    # divisor methods: equal averages round after round).
    got, ties = run(name, [10_000] * 7, 120, tie_break="lowest_index")
    assert got == [18] + [17] * 6
    assert [tie_key(t) for t in ties] == [(tuple(range(7)), 1, (0,), "lowest_index", ties[0].stage)]
    assert ties[0].stage in ("remainder", "average")
    got, ties = run(name, [10_000] * 7, 120, tie_break="most_votes")
    assert got == [18] + [17] * 6
    assert ties[0].resolution == "most_votes, then lowest_index"
    # the same seven at indices 9..15 of 16 (the other 9 without votes, eligible or not)
    votes = [0] * 9 + [10_000] * 7
    for eligible in ([True] * 16, [i % 2 == 0 for i in range(9)] + [True] * 7):
        got, ties = run(name, votes, 120, eligible)
        assert got == [0] * 9 + [18] + [17] * 6
        assert [(t.contenders, t.n_seats, t.winners) for t in ties] == [
            (tuple(range(9, 16)), 1, (9,))
        ]
    # ineligible parties with votes are not contenders either
    votes = [10_000] * 9 + [10_000] * 7
    got, ties = run(name, votes, 120, [False] * 9 + [True] * 7)
    assert got == [0] * 9 + [18] + [17] * 6
    assert ties[0].contenders == tuple(range(9, 16))


def test_most_votes_policy_differs_from_lowest_index() -> None:
    # Hare, v = [100, 300, 200], S = 3: q = 200; quotas .5, 1.5, 1.0 -> 0+1+1 = 2, 1 left;
    # remainders .5 = .5 > 0 -> tie between parties 0 and 1.
    got, ties = run("hare", [100, 300, 200], 3, tie_break="lowest_index")
    assert got == [1, 1, 1]
    assert [tie_key(t) for t in ties] == [((0, 1), 1, (0,), "lowest_index", "remainder")]
    got, ties = run("hare", [100, 300, 200], 3, tie_break="most_votes")
    assert got == [0, 2, 1]
    assert [tie_key(t) for t in ties] == [((0, 1), 1, (1,), "most_votes", "remainder")]
    # D'Hondt, v = [100, 200], S = 2: seat 1 to party 1 (200/1); then 100/1 = 200/2 = 100: tie.
    got, ties = run("dhondt", [100, 200], 2, tie_break="lowest_index")
    assert (got, [tie_key(t) for t in ties]) == (
        [1, 1],
        [((0, 1), 1, (0,), "lowest_index", "average")],
    )
    got, ties = run("dhondt", [100, 200], 2, tie_break="most_votes")
    assert (got, [tie_key(t) for t in ties]) == (
        [0, 2],
        [((0, 1), 1, (1,), "most_votes", "average")],
    )


def test_natural_tie_between_two_equal_parties_for_the_last_seat() -> None:
    # peer-library case: in 10,000 simulated elections one had two lists with exactly 210,808 votes
    # competing for the last seat.  A hand-built case of the same kind, 16 lists, the equal pair
    # at indices 1 and 14, the lists at 2..13 and 15 ineligible (below a threshold):
    # V = 818,431 + 2 * 210,808 = 1,240,047; Hare, 120 seats:
    #   120 * 818,431 = 98,211,720 = 79 V + 248,007    -> 79, remainder 248,007 / V = .19999
    #   120 * 210,808 = 25,296,960 = 20 V + 496,020    -> 20, remainder 496,020 / V = .40000
    # 79 + 20 + 20 = 119, 1 seat left, remainders .40000 = .40000 > .19999: a tie of 1 and 14.
    votes = [0] * 16
    votes[0], votes[1], votes[14] = 818_431, 210_808, 210_808
    for i in (*range(2, 14), 15):
        votes[i] = 1_000 * i
    eligible = [i in (0, 1, 14) for i in range(16)]
    expected = [0] * 16
    expected[0], expected[1], expected[14] = 79, 21, 20
    got, ties = run("hare", votes, 120, eligible)
    assert got == expected
    assert [tie_key(t) for t in ties] == [((1, 14), 1, (1,), "lowest_index", "remainder")]
    got, ties = run("hare", votes, 120, eligible, tie_break="most_votes")
    assert got == expected
    assert ties[0].resolution == "most_votes, then lowest_index"
    # One more vote for list 14 breaks the tie its way.  V' = 1,240,048:
    #   120 * 818,431 = 98,211,720 = 79 V' + 247,928
    #   120 * 210,808 = 25,296,960 = 20 V' + 496,000
    #   120 * 210,809 = 25,297,080 = 20 V' + 496,120  -> 119 seats, the last one to list 14
    votes[14] += 1
    expected[1], expected[14] = 20, 21
    assert run("hare", votes, 120, eligible) == (expected, [])


# ---------------------------------------------------------------------------------------------
# 7. Adams, Dean, Huntington-Hill when parties outnumber seats
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ZERO_FIRST)
def test_zero_first_divisor_methods_with_fewer_seats_than_parties(name: str) -> None:
    # d(0) = 0: every party with votes has an infinite first quotient; electsim hands out first
    # seats in order of votes (the limit d(0) -> 0+), equal votes tie ("first seat").
    v = [100, 500, 300, 200]
    assert run(name, v, 0) == ([0, 0, 0, 0], [])
    assert run(name, v, 1) == ([0, 1, 0, 0], [])
    assert run(name, v, 2) == ([0, 1, 1, 0], [])
    assert run(name, v, 3) == ([0, 1, 1, 1], [])
    assert run(name, v, 4) == ([1, 1, 1, 1], [])
    # fifth seat: the largest second quotient is party 1's (500/1, 500/(4/3), 500/sqrt 2)
    assert run(name, v, 5) == ([1, 2, 1, 1], [])
    # equal votes at the cut: a first-seat tie
    got, ties = run(name, [100, 300, 300, 200], 1)
    assert got == [0, 1, 0, 0]
    assert [tie_key(t) for t in ties] == [((1, 2), 1, (1,), "lowest_index", "first seat")]
    got, ties = run(name, [100, 300, 300, 200], 3)
    assert (got, ties) == ([0, 1, 1, 1], [])
    # a party with 1 vote gets its first seat before anyone's second
    assert run(name, [1_000_000, 1], 2) == ([1, 1], [])
    # parties without votes (or ineligible) never get the first seat
    assert run(name, [0, 5, 0], 2) == ([0, 2, 0], [])
    assert run(name, [9, 5, 7], 2, [False, True, True]) == ([0, 1, 1], [])


# ---------------------------------------------------------------------------------------------
# 8. Registry
# ---------------------------------------------------------------------------------------------


def test_unknown_name_lists_the_valid_names() -> None:
    with pytest.raises(UnknownMethodError, match="'no_such_method'") as info:
        get_method("no_such_method")
    for name in ALL_METHODS:
        assert name in str(info.value)
    assert isinstance(info.value, ElectsimError)
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownMethodError, match="neither"):
        get_method(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("jefferson", "dhondt"),
        ("D'Hondt", "dhondt"),
        ("webster", "sainte_lague"),
        ("Sainte-Lague", "sainte_lague"),
        ("hamilton", "hare"),
        ("largest_remainder", "hare"),
        ("Hare-Niemeyer", "hare"),
        ("  HARE ", "hare"),
        ("Huntington-Hill", "huntington_hill"),
        ("equal_proportions", "huntington_hill"),
        ("smallest_divisors", "adams"),
        ("Hagenbach-Bischoff", "hagenbach_bischoff"),
    ],
)
def test_aliases(alias: str, name: str) -> None:
    assert get_method(alias) is get_method(name)
    assert get_method(alias).name == name


def test_method_object_passes_through() -> None:
    m = get_method("dean")
    assert get_method(m) is m


def winner_takes_all(votes: np.ndarray, seats: np.ndarray) -> np.ndarray:
    out = np.zeros_like(votes)
    out[np.arange(votes.shape[0]), np.argmax(votes, axis=1)] = np.where(
        votes.sum(axis=1) > 0, seats, 0
    )
    return out


def test_valid_custom_callable() -> None:
    m = get_method(winner_takes_all)
    assert m.family == "custom" and m.name == "winner_takes_all"
    votes = np.array([[10, 30, 20], [10, 30, 20], [0, 0, 0]], dtype=np.int64)
    eligible = np.array([[True, True, True], [True, False, True], [True, True, True]])
    alloc, ties = m(votes, np.array([5, 5, 5], dtype=np.int64), eligible, "raise", None)
    # row 1: party 1 is ineligible, so the callable sees its votes as 0 and party 2 wins
    np.testing.assert_array_equal(alloc, [[0, 5, 0], [0, 0, 5], [0, 0, 0]])
    assert ties == []


def test_custom_callable_sees_masked_read_only_votes() -> None:
    seen: dict[str, Any] = {}

    def spy(votes: np.ndarray, seats: np.ndarray) -> np.ndarray:
        seen["votes"] = votes.copy()
        seen["writeable"] = votes.flags.writeable
        return winner_takes_all(votes, seats)

    votes = np.array([[10, 30, 20]], dtype=np.int64)
    get_method(spy)(votes, np.array([4]), np.array([[True, False, True]]), "raise", None)
    np.testing.assert_array_equal(seen["votes"], [[10, 0, 20]])
    assert seen["writeable"] is False
    np.testing.assert_array_equal(votes, [[10, 30, 20]])  # caller's array untouched


def _wrong_total(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    return np.zeros_like(v)


def _negative(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = winner_takes_all(v, s)
    out[:, 0] -= 1
    out[:, 1] += 1
    return out


def _seat_without_votes(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    out = np.zeros_like(v)
    out[:, 1] = s  # party 1 is ineligible below, so it has no votes as far as methods go
    return out


def _wrong_shape(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    return winner_takes_all(v, s)[:, :2]


def _floats(v: np.ndarray, s: np.ndarray) -> np.ndarray:
    return winner_takes_all(v, s).astype(float)


@pytest.mark.parametrize(
    ("fn", "match"),
    [
        (_wrong_total, "invalid allocation"),
        (_negative, "invalid allocation"),
        (_seat_without_votes, "invalid allocation"),
        (_wrong_shape, "shape"),
        (_floats, "dtype"),
    ],
)
def test_custom_callable_with_bad_output_raises(
    fn: Callable[[np.ndarray, np.ndarray], np.ndarray], match: str
) -> None:
    votes = np.array([[10, 30, 20]], dtype=np.int64)
    eligible = np.array([[True, False, True]])
    with pytest.raises(ElectsimError, match=match):
        get_method(fn)(votes, np.array([5]), eligible, "raise", None)


# ---------------------------------------------------------------------------------------------
# 9. Regressions: bugs these tests found (fixed in commit 78f7ad5) and one still open
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "votes", "seats", "tie_break", "expected", "record"),
    [
        # Imperiali quota, [100, 100, 100], 4 seats: q = 300/6 = 50, quotients 2, 2, 2 (exact)
        # = 6 seats, 2 too many, all remainders 0: two of the three give a seat back.  As for
        # Hare on the same votes ([2, 1, 1]: the remainder tie goes to party 0), lowest_index
        # lets party 0 keep its second seat.  The record names the keepers: 1 seat kept, by 0.
        (
            "imperiali_quota",
            [100, 100, 100],
            4,
            "lowest_index",
            [2, 1, 1],
            ((0, 1, 2), 1, (0,), "lowest_index", "overallocation"),
        ),
        # Hagenbach-Bischoff, [100, 200, 300], 5 seats: q = 600/6 = 100, quotients 1, 2, 3
        # (exact) = 6 seats, 1 too many, all remainders 0.  most_votes protects the larger
        # lists: party 0 gives its seat back.  [0, 2, 3]; 2 seats kept, by parties 1 and 2.
        (
            "hagenbach_bischoff",
            [100, 200, 300],
            5,
            "most_votes",
            [0, 2, 3],
            ((0, 1, 2), 2, (1, 2), "most_votes", "overallocation"),
        ),
        # same, lowest_index: parties 0 and 1 keep theirs, party 2 gives one back.  [1, 2, 2]
        (
            "hagenbach_bischoff",
            [100, 200, 300],
            5,
            "lowest_index",
            [1, 2, 2],
            ((0, 1, 2), 2, (0, 1), "lowest_index", "overallocation"),
        ),
    ],
)
def test_overallocation_tie_follows_the_policy(
    name: str,
    votes: list[int],
    seats: int,
    tie_break: str,
    expected: list[int],
    record: tuple[Any, ...],
) -> None:
    # Was: the policy picked who LOSES a seat, so lowest_index / most_votes favoured the highest
    # index / fewest votes in this stage only (kernel and reference alike).
    got, ties = run(name, votes, seats, tie_break=tie_break)
    assert got == expected
    assert [tie_key(t) for t in ties] == [record]
    reference = get_method(name).reference
    assert reference is not None
    got_ref, ties_ref = reference(votes, seats, [True] * len(votes), tie_break, None)
    assert got_ref == expected
    assert [tie_key(t) for t in ties_ref] == [record]


def test_quota_kernel_does_not_overflow_int64() -> None:
    # Was: the exact largest-remainder path formed v * (S + offset) in int64, which wraps once
    # it passes 2**63, and returned negative seats.  allocate() accepts totals below 2**62.
    # Hare, 5 seats, v = [3.5e18] + 9 * [1e17]: V = 4.4e18 < 2**62 ~ 4.61e18, but
    # 3.5e18 * 5 = 1.75e19 > 2**63 ~ 9.22e18.  q = V / 5 = 8.8e17: quotients 3.977 -> 3 and
    # 0.1136 -> 0 (nine times); 2 seats left: party 0 (.977), then nine equal remainders .1136
    # for the last seat -> party 1.  [4, 1, 0, ...]
    votes = [3_500_000_000_000_000_000] + [100_000_000_000_000_000] * 9
    got, ties = run("hare", votes, 5)
    assert got == [4, 1] + [0] * 8
    assert [(t.contenders, t.n_seats, t.winners) for t in ties] == [(tuple(range(1, 10)), 1, (1,))]


# Regression: vote totals >= 2**63 used to wrap in votes.sum(), so every kernel returned zero
# seats silently; Method.__call__ now refuses totals >= 2**62.
def test_kernels_refuse_or_handle_totals_beyond_int64() -> None:
    # [4e18, 4e18, 4e18] (each count < 2**62), 3 seats: every method gives [1, 1, 1]
    # (equal quotas of exactly 1; equal first averages).  Acceptable: that answer, or an
    # ElectsimError naming the bound.  Not acceptable: [0, 0, 0].
    votes = [4 * 10**18] * 3
    for name in ALL_METHODS:
        try:
            got, _ = run(name, votes, 3)
        except ElectsimError:
            continue
        assert got == [1, 1, 1], name


def test_droop_huge_house_cycles_in_whole_rounds() -> None:
    # Droop with 4 votes and 1,000,001 seats: quota floor(4 / 1,000,002) + 1 = 1, integer parts
    # [1, 2, 0, 1], 999,997 seats left for the 3 parties with votes: 333,332 whole rounds
    # (999,996 seats), then 1 seat for which all three remainders (0) tie -> lowest index.
    m = get_method("droop")
    votes = np.array([[1, 2, 0, 1]])
    alloc, ties = m(votes, np.array([1_000_001]), np.ones((1, 4), dtype=bool), "lowest_index")
    assert alloc.tolist() == [[333_334, 333_334, 0, 333_333]]
    assert [(t.contenders, t.n_seats, t.winners) for t in ties] == [((0, 1, 3), 1, (0,))]
    assert m.reference is not None
    ref, ref_ties = m.reference([1, 2, 0, 1], 1_000_001, [True] * 4, "lowest_index", None)
    assert ref == [333_334, 333_334, 0, 333_333] and len(ref_ties) == 1


def test_kernel_refuses_houses_beyond_the_bound() -> None:
    m = get_method("hare")
    ok = np.ones((1, 2), dtype=bool)
    with pytest.raises(ElectsimError, match="seats"):
        m(np.array([[1, 1]]), np.array([10**9 + 1]), ok)
    with pytest.raises(ElectsimError, match="seats"):
        m(np.array([[1, 1]]), np.array([-1]), ok)
    assert m(np.array([[3, 1]]), np.array([10**9]), ok)[0].tolist() == [[750_000_000, 250_000_000]]


@pytest.mark.parametrize("name", ["hare", "dhondt"])
def test_row_total_bound_is_exactly_2_62(name: str) -> None:
    # a row total of 2**62 - 1 is allocated; 2**62 is refused (the kernels work in int64)
    m = get_method(name)
    ok = np.ones((1, 2), dtype=bool)
    alloc, _ = m(np.array([[2**61, 2**61 - 1]]), np.array([2]), ok, "lowest_index")
    assert alloc.tolist() == [[1, 1]]
    with pytest.raises(ElectsimError, match=r"2\*\*62"):
        m(np.array([[2**61, 2**61]]), np.array([2]), ok, "lowest_index")


@pytest.mark.parametrize("name", ["hare", "hagenbach_bischoff"])
def test_one_vote_party_takes_the_largest_remainder(name: str) -> None:
    # votes 1 and 2, 2 seats.  Hare q = 3/2: quotients 2/3 and 4/3.  Hagenbach-Bischoff
    # q = 3/3 = 1: quotients 1 and 2 -> 3 seats > 2, so one is taken back from the smaller
    # remainder (both 0: a tie, lowest index keeps) -> also [1, 1].
    alloc, _ = get_method(name)(
        np.array([[1, 2]]), np.array([2]), np.ones((1, 2), dtype=bool), "lowest_index"
    )
    assert alloc.tolist() == [[1, 1]]


@pytest.mark.parametrize("name", ["hare", "dhondt"])
def test_two_way_tie_for_one_seat_is_detected(name: str) -> None:
    # 1 seat, votes 1 and 1 (quotients 1/2 and 1/2; averages 1 and 1): a tie, never 2 seats
    alloc, ties = get_method(name)(
        np.array([[1, 1]]), np.array([1]), np.ones((1, 2), dtype=bool), "lowest_index"
    )
    assert alloc.tolist() == [[1, 0]]
    assert [(t.contenders, t.n_seats, t.winners) for t in ties] == [((0, 1), 1, (0,))]


def test_ties_in_later_blocks_keep_their_row_numbers() -> None:
    from electsim.apportion._base import BLOCK_ROWS

    n = BLOCK_ROWS + 3  # the kernel works in blocks of BLOCK_ROWS rows
    votes = np.tile([[3, 1]], (n, 1))
    votes[-2] = [2, 2]  # the only tie: row n - 2, in the second block
    alloc, ties = get_method("hare")(
        votes, np.full(n, 1), np.ones((n, 2), dtype=bool), "lowest_index"
    )
    assert [t.row for t in ties] == [n - 2]
    assert alloc[-2].tolist() == [1, 0] and alloc[0].tolist() == [1, 0]
