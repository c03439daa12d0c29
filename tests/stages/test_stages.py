"""Tests of the public allocation stages :func:`electsim.eligibility` and
:func:`electsim.stages.apportion`, and of ``allocate``'s dispatch to other rule books.

Expected values come from hand calculations (written out next to the test) or from the slow
per-election reference below: plain Python, one election at a time, the methods' exact
``Fraction`` references (``Method.reference``) for a single run of a method, and an independent
re-implementation of the cap policy "the seat goes on" (a party above its cap keeps the cap, the
others share the rest by the same method, until nobody exceeds a cap), written without numpy.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import electsim as es
from electsim import Election, ElectoralSystem, Threshold, allocate
from electsim.errors import (
    ElectsimError,
    InvalidCountsError,
    ShapeMismatchError,
    TieError,
    UnknownMethodError,
)
from electsim.stages import Apportionment, Eligibility, apportion, eligibility

ALL_METHODS = es.available_methods()
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ================================================================== slow per-election reference
def reference_apportion(
    votes: Sequence[int],
    seats: int,
    eligible: Sequence[bool],
    method: str,
    cap: Sequence[int] | None,
    tie_break: str,
) -> tuple[list[int], list[bool], list[tuple[tuple[int, ...], tuple[int, ...], int]]]:
    """Seats, capped flags and the reported ties ``(contenders, winners, round)`` of one election.

    Ties of a round that is superseded because a party exceeded its cap are reported only when a
    contender would exceed its cap with the tied seat and not without it (the documented rule).
    """
    ref = es.get_method(method).reference
    assert ref is not None
    P = len(votes)
    fixed = [0] * P
    capped = [False] * P
    active = list(eligible)
    left = seats
    reported: list[tuple[tuple[int, ...], tuple[int, ...], int]] = []
    for rnd in range(P + 1):
        alloc, ties = ref(list(votes), left, active, tie_break, None)
        over = [cap is not None and alloc[p] > cap[p] for p in range(P)]
        for t in ties:
            if any(over):
                assert cap is not None
                with_seat = {c: alloc[c] + (0 if c in t.winners else 1) for c in t.contenders}
                if not any(with_seat[c] == cap[c] + 1 for c in t.contenders):
                    continue
            reported.append((tuple(t.contenders), tuple(t.winners), rnd))
        if not any(over):
            return [f + a for f, a in zip(fixed, alloc, strict=True)], capped, reported
        assert cap is not None
        for p in range(P):
            if over[p]:
                fixed[p] = cap[p]
                capped[p] = True
                active[p] = False
                left -= cap[p]
    raise AssertionError("more cap rounds than parties")


# ===================================================================== composition = allocate
def _random_election(seed: int, n: int, R: int = 3, P: int = 6) -> Election:
    rng = np.random.default_rng(seed)
    votes = rng.integers(0, 4_000, size=(n, R, P))
    votes[:, :, 0] *= 4  # one big party, so that the cap binds in some elections
    aa = rng.integers(0, 300, size=(n, R))
    inv = rng.integers(0, 300, size=(n, R))
    return Election(votes, aa, inv, regions=["North", "South", "East"])


SYSTEM = ElectoralSystem(
    20,
    "hare",
    national=Threshold("9%", base="ballots"),
    regional=Threshold("4%", base="valid"),
    cap=8,
    tie_break="lowest_index",
)


@pytest.mark.parametrize("method", ["hare", "droop", "dhondt", "sainte_lague", "adams"])
def test_stages_composed_equal_allocate(method: str) -> None:
    e = _random_election(3, 200)
    s = SYSTEM.replace(method=method)
    a = allocate(e, s)
    el = eligibility(e, s)
    ap = apportion(el.votes, s.seats, el.eligible, s.method, cap=8, tie_break="lowest_index")
    assert a.capped.any()  # the cap path is exercised
    assert not a.eligible.all()  # and the thresholds bite
    np.testing.assert_array_equal(el.votes, e.national_votes)
    for name in ("passes_national", "passes_regional", "failed_regions", "eligible"):
        np.testing.assert_array_equal(getattr(el, name), getattr(a, name))
    np.testing.assert_array_equal(el.national_base, a.national_base)
    np.testing.assert_array_equal(ap.seats, a.seats)
    np.testing.assert_array_equal(ap.capped, a.capped)
    np.testing.assert_array_equal(ap.unfilled, a.unfilled)
    assert [(t.row, t.contenders, t.winners, t.round, t.stage) for t in ap.ties] == [
        (t.index[0], t.contenders, t.winners, t.round, t.stage) for t in a.ties
    ]


def test_eligibility_hand_example_with_reasons() -> None:
    # North: 300+160+40+20 party votes + 30 against all + 10 invalid = 560 ballots (5 % = 28);
    # South: 300+45+15+80 + 30 + 30 = 500 ballots (5 % = 25).  Nationally 1,060 ballots:
    # 7 % = 74.2 -> 75 votes needed.  C (55) fails nationally and in South (15 < 25); D (100)
    # passes nationally but fails North (20 < 28).
    e = Election(
        [[300, 160, 40, 20], [300, 45, 15, 80]],
        against_all=[30, 30],
        invalid=[10, 30],
        regions=["North", "South"],
        parties="ABCD",
    )
    s = ElectoralSystem(10, "hare", national=Threshold("7%"), regional=Threshold("5%"))
    el = eligibility(e, s)
    assert int(el.national_base) == 1_060 and int(el.national_need) == 75
    assert el.passes_national.tolist() == [True, True, False, True]
    assert el.failed_regions.tolist() == [[False, False, False, True], [False, False, True, False]]
    assert el.passes_regional.tolist() == [True, True, False, False]
    assert el.eligible.tolist() == [True, True, False, False]
    assert el.regional_skipped is False
    text = str(el)
    assert "no: North" in text and "75 votes needed (base 1,060)" in text
    assert "<pre" in el._repr_html_()
    batch = eligibility(Election(np.stack([e.votes] * 4), regions=["N", "S"], parties="ABCD"), s)
    assert "Eligibility of 4 elections" in str(batch) and batch.eligible.shape == (4, 4)


# ========================================================== per-party caps vs slow reference
@st.composite
def capped_batches(draw: st.DrawFn) -> dict[str, Any]:
    P = draw(st.integers(2, 6), label="P")
    N = draw(st.integers(1, 5), label="N")
    votes = draw(
        st.lists(st.lists(st.integers(0, 600), min_size=P, max_size=P), min_size=N, max_size=N),
        label="votes",
    )
    seats = draw(st.lists(st.integers(0, 25), min_size=N, max_size=N), label="seats")
    cap = draw(
        st.lists(st.lists(st.integers(0, 8), min_size=P, max_size=P), min_size=N, max_size=N),
        label="cap",
    )
    eligible = draw(
        st.lists(st.lists(st.booleans(), min_size=P, max_size=P), min_size=N, max_size=N),
        label="eligible",
    )
    return {"votes": votes, "seats": seats, "cap": cap, "eligible": eligible}


@pytest.mark.parametrize("method", ALL_METHODS)
@given(case=capped_batches(), tie_break=st.sampled_from(["lowest_index", "most_votes"]))
@SETTINGS
def test_per_party_caps_match_the_slow_reference(
    method: str, case: dict[str, Any], tie_break: str
) -> None:
    got = apportion(
        case["votes"],
        case["seats"],
        np.array(case["eligible"]),
        method,
        cap=case["cap"],
        tie_break=tie_break,
    )
    got_ties = [(t.row, t.contenders, t.winners, t.round) for t in got.ties]
    want_ties = []
    for i in range(len(case["votes"])):
        seats, capped, ties = reference_apportion(
            case["votes"][i],
            case["seats"][i],
            case["eligible"][i],
            method,
            case["cap"][i],
            tie_break,
        )
        assert got.seats[i].tolist() == seats, i
        assert got.capped[i].tolist() == capped, i
        assert int(got.unfilled[i]) == case["seats"][i] - sum(seats)
        want_ties += [(i, c, w, r) for c, w, r in ties]
    assert sorted(got_ties) == sorted(want_ties)


def test_cap_binds_in_a_few_rows_of_a_large_batch_every_method() -> None:
    # The vectorised cap path (only the capped rows re-allocated) against the reference, on a
    # batch where the cap binds in a few percent of the rows.
    rng = np.random.default_rng(5)
    N, P = 300, 6
    votes = rng.integers(0, 1_000, size=(N, P))
    votes[rng.random(N) < 0.05, 0] *= 8  # a dominant party in ~5 % of rows
    for method in ALL_METHODS:
        got = apportion(votes, 30, method=method, cap=14, tie_break="lowest_index")
        rows = got.capped.any(axis=1)
        assert 0 < rows.mean() < 0.2, method
        for i in range(N):
            seats, capped, _ = reference_apportion(
                votes[i].tolist(), 30, [True] * P, method, [14] * P, "lowest_index"
            )
            assert got.seats[i].tolist() == seats, (method, i)
            assert got.capped[i].tolist() == capped, (method, i)


def test_cap_hand_examples() -> None:
    # Hare, 10 seats, caps [9, 2, 9], votes 500/300/200: quotas 5, 3, 2 -> B over its cap 2;
    # 8 seats among A, C (700 votes): 5.714, 2.286 -> [5, 2] + the last seat to A (.714).
    a = apportion([500, 300, 200], 10, method="hare", cap=[9, 2, 9])
    assert a.seats.tolist() == [6, 2, 2] and a.capped.tolist() == [False, True, False]
    # Every party capped: 3 + 3 of 10 seats, 4 unfilled.
    b = apportion([500, 500], 10, method="dhondt", cap=3, tie_break="lowest_index")
    assert b.seats.tolist() == [3, 3] and int(b.unfilled) == 4
    # A cap of 0 (an empty list): its seats go on.  D'Hondt among B (300) and C (110) for 10
    # seats: B's averages 300, 150, 100, 75, 60, 50, 42.9, 37.5 | 33.3; C's 110, 55 | 36.7:
    # the ten largest are B's first eight and C's first two -> [0, 8, 2].
    c = apportion([600, 300, 110], 10, method="dhondt", cap=[0, 10, 10])
    assert c.seats.tolist() == [0, 8, 2] and c.capped.tolist() == [True, False, False]


# ============================================================== national_rate per element
def _kg_like(n: int, seed: int) -> Election:
    rng = np.random.default_rng(seed)
    votes = rng.integers(0, 30_000, size=(n, 2, 5))
    return Election(
        votes,
        against_all=rng.integers(0, 3_000, size=(n, 2)),
        invalid=rng.integers(0, 3_000, size=(n, 2)),
        regions=["N", "S"],
        parties="ABCDE",
    )


@pytest.mark.parametrize("inclusive", [True, False])
@given(
    rates=st.lists(
        st.fractions(min_value=0, max_value=Fraction(3, 10), max_denominator=10_000),
        min_size=6,
        max_size=6,
    )
)
@SETTINGS
def test_national_rate_per_element_equals_allocate_with_that_threshold(
    inclusive: bool, rates: list[Fraction]
) -> None:
    e = _kg_like(6, 1)
    s = ElectoralSystem(
        30,
        "sainte_lague",
        national=Threshold("5%", base="valid", inclusive=inclusive),
        regional=Threshold("1%"),
        cap=12,
        tie_break="lowest_index",
    )
    got = allocate(e, s, national_rate=rates)
    el = eligibility(e, s, national_rate=rates)
    for i, r in enumerate(rates):
        one = allocate(
            e.select(i), s.replace(national=Threshold(r, base="valid", inclusive=inclusive))
        )
        assert got.seats[i].tolist() == one.seats.tolist()
        assert got.eligible[i].tolist() == one.eligible.tolist()
        assert el.eligible[i].tolist() == one.eligible.tolist()


def test_national_rate_kinds_exact_and_quantised() -> None:
    # 1,000 ballots, C has 70 votes: exactly 7 %.
    e = Election([500, 430, 70], parties="ABC")
    s = ElectoralSystem(10, "hare", national=Threshold("5%"))
    for r in (Fraction(7, 100), Decimal("0.07"), "7%", "7/100", 0.07):
        assert eligibility(e, s, national_rate=r).eligible.tolist() == [True, True, True], r
    # 0.0700004 is quantised to 7/100 (10**-6 grid); "7.00004%" is exact and C fails it
    assert eligibility(e, s, national_rate=[0.0700004]).eligible[0].tolist()[2] is True
    assert eligibility(e, s, national_rate=["7.00004%"]).eligible[0].tolist()[2] is False
    # one unbatched election, many rates: the result has the rates' batch shape
    el = eligibility(e, s, national_rate=["7%", "7.1%", "0%"])
    assert el.batch_shape == (3,) and el.national_need.tolist() == [70, 71, 0]
    assert el.eligible[:, 2].tolist() == [True, False, True]
    assert el.votes.shape == (3, 3)


def test_allocate_national_rates_is_the_option() -> None:
    e = _kg_like(4, 2)
    s = ElectoralSystem(25, "hare", national=Threshold("7%"), cap=11, tie_break="lowest_index")
    rates = [0.05, 0.07, 0.1, 0.2]
    np.testing.assert_array_equal(
        es.sensitivity.allocate_national_rates(e, s, rates),
        allocate(e, s, national_rate=rates).seats,
    )


# ======================================================================== validation errors
def test_apportion_validation_names_the_parameter() -> None:
    with pytest.raises(InvalidCountsError, match="votes"):
        apportion([10, -1], 3)
    with pytest.raises(InvalidCountsError, match="votes"):
        apportion([10.5, 1], 3)
    with pytest.raises(ShapeMismatchError, match="votes"):
        apportion(5, 3)
    with pytest.raises(InvalidCountsError, match="seats"):
        apportion([10, 1], -3)
    with pytest.raises(ElectsimError, match="seats"):
        apportion([10, 1], 10**10)
    with pytest.raises(ShapeMismatchError, match="seats"):
        apportion([[10, 1], [2, 3]], [3, 4, 5])
    with pytest.raises(ElectsimError, match="eligible"):
        apportion([10, 1], 3, [1, 0])
    with pytest.raises(ShapeMismatchError, match="eligible"):
        apportion([10, 1], 3, [True, False, True])
    with pytest.raises(InvalidCountsError, match="cap"):
        apportion([10, 1], 3, cap=-1)
    with pytest.raises(InvalidCountsError, match="cap"):
        apportion([10, 1], 3, cap=[1.5, 2])
    with pytest.raises(ShapeMismatchError, match="cap"):
        apportion([10, 1], 3, cap=[1, 2, 3])
    with pytest.raises(UnknownMethodError):
        apportion([10, 1], 3, method="nope")
    with pytest.raises(UnknownMethodError, match="tie_break"):
        apportion([10, 1], 3, tie_break="coin")
    with pytest.raises(ElectsimError, match="rng"):
        apportion([10, 1], 3, rng="seed")
    with pytest.raises(ShapeMismatchError, match="parties"):
        apportion([10, 1], 3, parties=["A"])


def test_eligibility_and_allocate_validation() -> None:
    e = Election([500, 430, 70], parties="ABC")
    s = ElectoralSystem(10, "hare", national=Threshold("5%"))
    with pytest.raises(ElectsimError, match="election"):
        eligibility([1, 2], s)  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="system"):
        eligibility(e, "hare")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="national threshold"):
        eligibility(e, s.replace(national=None), national_rate=[0.05])
    with pytest.raises(ElectsimError, match="rates"):
        eligibility(e, s, national_rate=[0.05, 1.5])
    with pytest.raises(ElectsimError, match="rate"):
        eligibility(e, s, national_rate=["150%"])
    with pytest.raises(ElectsimError, match="boolean"):
        eligibility(e, s, national_rate=[True])
    batch = Election(np.full((3, 1, 2), 100), parties="AB")
    with pytest.raises(ShapeMismatchError, match="national_rate"):
        eligibility(batch, s, national_rate=[0.05, 0.06])
    with pytest.raises(ShapeMismatchError, match="national_rate"):
        allocate(e, s, national_rate=[0.05, 0.06])  # would widen the batch
    with pytest.raises(ElectsimError, match="SupportsAllocate"):
        allocate(e, "hare")  # type: ignore[call-overload]


# ================================================================================ Tie.round
def test_tie_round_field_and_text() -> None:
    # Hare, 10 seats, cap 5, v = 700/210/90: A capped at 5; round 1 gives 5 seats to B, C with
    # quotas 3.5 and 1.5 -> a genuine tie for the last seat, in round 1.
    e = Election([700, 210, 90], parties=["A", "B", "C"])
    s = ElectoralSystem(10, "hare", cap=5, tie_break="lowest_index")
    t = allocate(e, s).ties[0]
    assert (t.round, t.stage, t.winners) == (1, "remainder", (1,))
    assert "round 1: remainder" in str(t)
    assert allocate(e, s).to_dict()["ties"][0]["round"] == 1
    with pytest.raises(TieError, match=r"round 1: remainder\): 1 seat\(s\) among B, C"):
        allocate(e, s.replace(tie_break="raise"))
    with pytest.raises(TieError, match="among B, C"):
        apportion([700, 210, 90], 10, cap=5, parties="ABC")
    # round 0 is not mentioned: 7 equal parties, 1 seat
    t0 = allocate(Election([10] * 7), ElectoralSystem(1, "hare", tie_break="lowest_index")).ties[0]
    assert t0.round == 0 and "round" not in str(t0)


# ================================================================== dispatch to rule books
class _Book:
    """A minimal rule book: D'Hondt on national votes, no threshold."""

    seats = 5

    def __init__(self) -> None:
        self.calls: list[Any] = []

    def allocate(self, election: Election, *, rng: Any = None) -> Apportionment:
        self.calls.append(rng)
        return apportion(election.national_votes, self.seats, method="dhondt")


def test_allocate_dispatches_to_any_rule_book() -> None:
    book = _Book()
    e = Election([700, 300, 100])
    assert isinstance(book, es.SupportsAllocate)
    assert not isinstance(SYSTEM, es.SupportsAllocate)
    res = allocate(e, book, rng=7)
    assert res.seats.tolist() == [4, 1, 0]  # D'Hondt: 700, 350, 300, 233, 175 -> A4 B1
    assert book.calls == [7]
    with pytest.raises(ElectsimError, match="national_rate"):
        allocate(e, book, national_rate=[0.1])  # type: ignore[call-overload]


# ================================================================= results are read-only etc.
def test_results_are_frozen_readonly_and_pickle() -> None:
    e = _random_election(4, 5)
    el = eligibility(e, SYSTEM)
    ap = apportion(el.votes, 20, el.eligible, cap=8, tie_break="lowest_index")
    assert isinstance(el, Eligibility) and isinstance(ap, Apportionment)
    for arr in (el.votes, el.eligible, el.failed_regions, ap.seats, ap.capped, ap.final_active):
        assert not arr.flags.writeable
    with pytest.raises(AttributeError):
        ap.seats = ap.seats  # type: ignore[misc]
    back = pickle.loads(pickle.dumps(ap))
    np.testing.assert_array_equal(back.seats, ap.seats)
    assert not back.seats.flags.writeable
    assert "Apportionment by hare of 5 election(s)" in str(ap)
    votes = np.array([[5, 3], [2, 1]])
    apportion(votes, 3)
    assert votes.flags.writeable and votes.tolist() == [[5, 3], [2, 1]]  # input untouched
