"""The Dutch majority clause (Kieswet art. P 9) against a slow seat-by-seat reference.

The reference hands out the seats one by one in the order the Dutch procedure does (full
quotas, then residual seats by largest remainder or highest average; ties to the lower
index), remembers which list received the *last* residual seat, and applies the clause: a
list with more than half of the votes for all lists and at most half of the seats takes one
seat from that list.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import electsim as es
from electsim.apportion import get_method
from electsim.errors import ElectsimError, TieError, UnknownMethodError
from electsim.rules.majority import apply_majority_clause


def _ref_dutch(votes: list[int], seats: int, method: str) -> tuple[list[int], int, int]:
    """(seats after the clause, gainer, loser) -- -1 when nothing moves."""
    P = len(votes)
    V = sum(votes)
    s = [0] * P
    last = -1
    if V > 0 and seats > 0:
        if method == "hare":
            q = Fraction(V, seats)
            s = [int(Fraction(v) / q) for v in votes]
            rem = sorted(
                (p for p in range(P) if votes[p] > 0), key=lambda p: (-(votes[p] - s[p] * q), p)
            )
            for p in rem[: seats - sum(s)]:
                s[p] += 1
                last = p
        else:
            step = 1 if method == "dhondt" else 2
            for _ in range(seats):
                best, arg = None, -1
                for p, v in enumerate(votes):
                    if v > 0:
                        avg = Fraction(v, step * s[p] + 1)
                        if best is None or avg > best:
                            best, arg = avg, p
                s[arg] += 1
                last = arg
    for j, v in enumerate(votes):
        if 2 * v > V and 2 * s[j] <= seats and last >= 0 and last != j:
            s[j] += 1
            s[last] -= 1
            return s, j, last
    return s, -1, -1


@pytest.mark.parametrize("method", ["dhondt", "sainte_lague", "hare"])
@settings(max_examples=200, deadline=None)
@given(
    votes=st.lists(st.integers(0, 60), min_size=1, max_size=6).map(
        lambda v: [v[0] + sum(v) + 1, *v[1:]]  # often a majority list, not always
    )
    | st.lists(st.integers(0, 30), min_size=1, max_size=6),
    seats=st.integers(1, 21),
)
def test_dutch_clause_matches_reference(method: str, votes: list[int], seats: int) -> None:
    m = get_method(method)
    v = np.array([votes])
    alloc, _ = m(v, np.array([seats]), np.ones_like(v, dtype=bool), "lowest_index", None)
    out = apply_majority_clause(
        v,
        alloc,
        np.array([seats]),
        np.ones_like(v, dtype=bool),
        np.array([seats]),
        m,
        tie_break="lowest_index",
    )
    want, gainer, loser = _ref_dutch(votes, seats, method)
    assert out.seats[0].tolist() == want
    assert (int(out.gainer[0]), int(out.loser[0])) == (gainer, loser)
    assert int(out.seats.sum()) == int(alloc.sum())


def test_hand_case_municipal_council() -> None:
    # 17 seats, Hare (councils under 19 seats): A 5,200, B 2,500, C 2,300 of 10,000 votes.
    # Quota 10,000/17 = 588.24: A 8.84 -> 8, B 4.25 -> 4, C 3.91 -> 3; residual seats (2):
    # C .91, A .84 -> A 9, B 4, C 4 -- A has 52 % of the votes and 9 > 8.5 seats: no change.
    # With 16 seats: quota 625: A 8.32, B 4.0, C 3.68 -> 8, 4, 3, one residual to C (.68):
    # A 8 = half of 16 with 52 % of the votes -> A takes C's residual seat: 9, 4, 3.
    m = get_method("hare")
    v = np.array([[5200, 2500, 2300]])
    e = np.ones((1, 3), bool)
    for seats, before, after in ((17, [9, 4, 4], [9, 4, 4]), (16, [8, 4, 4], [9, 4, 3])):
        alloc, _ = m(v, np.array([seats]), e, "raise", None)
        assert alloc[0].tolist() == before
        out = apply_majority_clause(v, alloc, np.array([seats]), e, np.array([seats]), m)
        assert out.seats[0].tolist() == after


def test_exactly_half_of_votes_is_no_majority() -> None:
    m = get_method("dhondt")
    v = np.array([[50, 30, 20]])
    e = np.ones((1, 3), bool)
    alloc, _ = m(v, np.array([4]), e, "raise", None)
    out = apply_majority_clause(v, alloc, np.array([4]), e, np.array([4]), m)
    assert int(out.majority[0]) == -1 and out.seats[0].tolist() == alloc[0].tolist()


def test_majority_list_at_its_limit_gets_nothing() -> None:
    m = get_method("hare")
    v = np.array([[5200, 2500, 2300]])
    e = np.ones((1, 3), bool)
    alloc = np.array([[8, 4, 4]])
    out = apply_majority_clause(
        v, alloc, np.array([16]), e, np.array([16]), m, cap=np.array([[8, 99, 99]])
    )
    assert out.seats[0].tolist() == [8, 4, 4] and int(out.gainer[0]) == -1


def test_tie_for_last_residual_seat_is_reported() -> None:
    # Hare, 4 seats, A 510, B 245, C 245 (1,000 votes; quota 250): A 2.04, B .98, C .98 ->
    # 2, 0, 0; residual seats B, C (equal remainders .98): A 2 = half with 51 % of the votes.
    # Who won the *last* residual seat is a tie between B and C: the policy decides.
    m = get_method("hare")
    v = np.array([[510, 245, 245]])
    e = np.ones((1, 3), bool)
    alloc, _ = m(v, np.array([4]), e, "raise", None)
    assert alloc[0].tolist() == [2, 1, 1]
    out = apply_majority_clause(
        v, alloc, np.array([4]), e, np.array([4]), m, tie_break="lowest_index"
    )
    assert out.seats[0].tolist() == [3, 1, 0]
    (t,) = out.ties
    assert t.contenders == (1, 2) and t.winners == (1,)
    lot = apply_majority_clause(
        v, alloc, np.array([4]), e, np.array([4]), m, tie_break="lot", rng=np.random.default_rng(1)
    )
    assert sorted(lot.seats[0].tolist()) == [0, 1, 3]


def test_batched() -> None:
    m = get_method("dhondt")
    rng = np.random.default_rng(3)
    v = rng.integers(0, 100, size=(200, 4))
    v[:, 0] += v.sum(axis=1) * rng.integers(0, 2, size=200)  # half the rows: a majority list
    S = rng.integers(1, 25, size=200)
    e = np.ones_like(v, dtype=bool)
    alloc, _ = m(v, S, e, "lowest_index", None)
    out = apply_majority_clause(v, alloc, S, e, S, m, tie_break="lowest_index")
    for n in range(200):
        want, g, lo = _ref_dutch(v[n].tolist(), int(S[n]), "dhondt")
        assert out.seats[n].tolist() == want
        assert (int(out.gainer[n]), int(out.loser[n])) == (g, lo)
    assert (out.gainer >= 0).any()


def test_system_validation() -> None:
    s = es.ElectoralSystem(19, "dhondt", majority_clause="dutch")
    assert s.majority_clause == "dutch" and "majority clause" in str(s)
    with pytest.raises(UnknownMethodError, match="majority_clause"):
        es.ElectoralSystem(19, "dhondt", majority_clause="italian")
    with pytest.raises(ElectsimError, match="alliances"):
        es.ElectoralSystem(19, "dhondt", majority_clause="dutch", alliances=[("A", "B")])

    def custom(votes, seats, eligible):  # type: ignore[no-untyped-def]
        return [seats] + [0] * (len(votes) - 1)

    with pytest.raises(ElectsimError, match="neither"):
        es.ElectoralSystem(19, custom, majority_clause="dutch")
    assert TieError is not None
