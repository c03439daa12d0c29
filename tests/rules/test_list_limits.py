"""Per-list limits (``Party.candidates``): a list never gets more seats than candidates.

Reference: highest averages seat by seat, skipping a list once it has as many seats as
candidates (Dutch Kieswet art. P 10 hands the seats on in the same way).  For divisor methods
this sequential rule and electsim's re-run among the remaining lists give the same seats, so
agreement on random inputs checks the limit logic, not a copy of it.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import electsim as es
from electsim.rules.single import apportion_single_tier, list_limits


def _ref_sequential(votes: list[int], seats: int, limit: list[int], step: int) -> list[int]:
    s = [0] * len(votes)
    for _ in range(seats):
        best, arg = None, -1
        for p, v in enumerate(votes):
            if v > 0 and s[p] < limit[p]:
                avg = Fraction(v, step * s[p] + 1)
                if best is None or avg > best:
                    best, arg = avg, p
        if arg < 0:
            break
        s[arg] += 1
    return s


@pytest.mark.parametrize(("method", "step"), [("dhondt", 1), ("sainte_lague", 2)])
@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 50), st.none() | st.integers(0, 6)), min_size=1, max_size=6
    ),
    seats=st.integers(0, 20),
    cap=st.none() | st.integers(1, 8),
)
def test_limits_match_sequential_reference(method: str, step: int, rows, seats, cap) -> None:  # type: ignore[no-untyped-def]
    votes = [v for v, _ in rows]
    parties = [es.Party(f"L{i}", candidates=c) for i, (_, c) in enumerate(rows)]
    system = es.ElectoralSystem(seats, method, cap=cap, tie_break="lowest_index")
    out = apportion_single_tier(
        np.array([votes]), np.ones((1, len(votes)), bool), system, parties, None
    )
    limit = [min(c if c is not None else 10**9, cap if cap is not None else 10**9) for _, c in rows]
    want = _ref_sequential(votes, seats, limit, step)
    assert out.seats[0].tolist() == want
    assert all(s <= lim for s, lim in zip(want, limit, strict=True))


def test_hare_hand_case() -> None:
    # Hare, 10 seats, 600/300/100, A has 4 candidates: A 4; 6 seats among B, C (300, 100):
    # quota 400/6 = 66.67 -> 4.5, 1.5 -> 4 + 1 ... remainders equal .5/.5: tie for the last seat
    parties = [es.Party("A", candidates=4), es.Party("B"), es.Party("C")]
    s = es.ElectoralSystem(10, "hare", tie_break="lowest_index")
    out = apportion_single_tier(
        np.array([[600, 300, 100]]), np.ones((1, 3), bool), s, parties, None
    )
    assert out.seats[0].tolist() == [4, 5, 1]
    assert out.limited[0].tolist() == [True, False, False]
    assert len(out.ties) == 1


def test_every_list_exhausted_leaves_seats_unfilled() -> None:
    parties = [es.Party("A", candidates=2), es.Party("B", candidates=1)]
    s = es.ElectoralSystem(5, "dhondt")
    out = apportion_single_tier(np.array([[60, 40]]), np.ones((1, 2), bool), s, parties, None)
    assert out.seats[0].tolist() == [2, 1]


def test_limits_combine_with_the_seat_cap() -> None:
    parties = [es.Party("A", candidates=70), es.Party("B", candidates=3), es.Party("C")]
    lim = list_limits(parties, es.ElectoralSystem(120, "hare", cap=65))
    assert lim is not None and lim.tolist() == [65, 3, 65]
    assert list_limits([es.Party("A")], es.ElectoralSystem(120, "hare")) is None
    out = apportion_single_tier(
        np.array([[700, 200, 100]]),
        np.ones((1, 3), bool),
        es.ElectoralSystem(120, "hare", cap=65),
        parties,
        None,
    )
    assert out.seats[0].tolist() == [65, 3, 52]
    assert out.capped[0].tolist() == [True, True, False]
    assert out.limited[0].tolist() == [False, True, False]  # A is held by the cap, not its list
