"""Alliances (apparentment, surplus agreements) against a slow sequential reference.

The reference is written here: highest averages seat by seat (``Fraction``) or Hare largest
remainder, over groups (alliances first, then the other lists -- the order the lowest-index tie
policy sees), then within each alliance, with per-list limits re-run as in the cap rule.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import electsim as es
from electsim.apportion import get_method
from electsim.errors import ElectsimError, UnknownNameError
from electsim.rules.alliances import apportion_alliances, check_alliances, resolve_alliances

BIG = 10**6


def _ref_divisor(votes: list[int], seats: int, elig: list[bool], step: int) -> list[int]:
    """Highest averages, one seat at a time (d(s) = step*s + 1; ties: lowest index)."""
    s = [0] * len(votes)
    for _ in range(seats):
        best, arg = None, None
        for p, v in enumerate(votes):
            if elig[p] and v > 0:
                avg = Fraction(v, step * s[p] + 1)
                if best is None or avg > best:
                    best, arg = avg, p
        if arg is None:
            break
        s[arg] += 1
    return s


def _ref_hare(votes: list[int], seats: int, elig: list[bool], step: int) -> list[int]:
    V = sum(v for v, e in zip(votes, elig, strict=True) if e)
    P = len(votes)
    if V == 0 or seats == 0:
        return [0] * P
    quot = [Fraction(v * seats, V) if elig[p] else Fraction(0) for p, v in enumerate(votes)]
    s = [int(q) for q in quot]
    order = sorted(
        (p for p in range(P) if elig[p] and votes[p] > 0), key=lambda p: (-(quot[p] - s[p]), p)
    )
    left = seats - sum(s)
    while left > 0 and order:
        for p in order[:left]:
            s[p] += 1
        left = seats - sum(s)
    return s


def _ref_capped(rule, votes, seats, elig, cap, step):  # type: ignore[no-untyped-def]
    active = list(elig)
    fixed = [0] * len(votes)
    left = seats
    while True:
        a = rule(
            [v if act else 0 for v, act in zip(votes, active, strict=True)], left, active, step
        )
        over = [p for p in range(len(votes)) if active[p] and a[p] > cap[p]]
        if not over:
            return [f + (x if act else 0) for f, x, act in zip(fixed, a, active, strict=True)]
        for p in over:
            fixed[p] = cap[p]
            active[p] = False
            left -= cap[p]


def _ref_alliances(rule, votes, seats, elig, alliances, cap, step):  # type: ignore[no-untyped-def]
    P = len(votes)
    in_alliance = {p for a in alliances for p in a}
    groups = [sorted(a) for a in alliances] + [[p] for p in range(P) if p not in in_alliance]
    counted = [elig[p] and votes[p] > 0 for p in range(P)]
    gv = [sum(votes[p] for p in g if counted[p]) for g in groups]
    ge = [any(elig[p] for p in g) for g in groups]
    gc = [sum(cap[p] for p in g if counted[p]) for g in groups]
    gs = _ref_capped(rule, gv, seats, ge, gc, step)
    out = [0] * P
    for g, n in zip(groups, gs, strict=True):
        sub = _ref_capped(
            rule, [votes[p] for p in g], n, [elig[p] for p in g], [cap[p] for p in g], step
        )
        for p, x in zip(g, sub, strict=True):
            out[p] = x
    return out


METHODS = {"dhondt": (_ref_divisor, 1), "sainte_lague": (_ref_divisor, 2), "hare": (_ref_hare, 0)}


@st.composite
def _cases(draw):  # type: ignore[no-untyped-def]
    P = draw(st.integers(2, 7))
    votes = draw(st.lists(st.integers(0, 40), min_size=P, max_size=P))
    elig = draw(st.lists(st.booleans(), min_size=P, max_size=P))
    perm = draw(st.permutations(list(range(P))))
    cuts = draw(st.lists(st.integers(2, 3), max_size=2))
    alliances, i = [], 0
    for c in cuts:
        if i + c <= P:
            alliances.append(tuple(perm[i : i + c]))
            i += c
    seats = draw(st.integers(0, 12))
    cap = draw(st.lists(st.integers(0, 6) | st.just(BIG), min_size=P, max_size=P))
    return votes, elig, alliances, seats, cap


@pytest.mark.parametrize("name", sorted(METHODS))
@settings(max_examples=120, deadline=None)
@given(case=_cases())
def test_alliances_match_reference(name: str, case) -> None:  # type: ignore[no-untyped-def]
    votes, elig, alliances, seats, cap = case
    rule, step = METHODS[name]
    parties = [es.Party(f"L{p}") for p in range(len(votes))]
    group, labels = resolve_alliances(parties, [[f"l{p}" for p in a] for a in alliances])
    res = apportion_alliances(
        np.array([votes]),
        np.array([seats]),
        np.array([elig]),
        group,
        labels,
        get_method(name),
        cap=np.array([cap]),
        tie_break="lowest_index",
    )
    want = _ref_alliances(rule, votes, seats, elig, alliances, cap, step)
    assert res.seats[0].tolist() == want
    assert int(res.group_seats[0].sum()) == int(res.seats[0].sum())


def test_batch_equals_rows() -> None:
    rng = np.random.default_rng(5)
    votes = rng.integers(0, 1000, size=(40, 6))
    elig = rng.random((40, 6)) > 0.2
    seats = rng.integers(0, 30, size=40)
    parties = [es.Party(c) for c in "ABCDEF"]
    group, labels = resolve_alliances(parties, [("A", "C"), ("B", "E", "F")])
    m = get_method("dhondt")
    whole = apportion_alliances(votes, seats, elig, group, labels, m, tie_break="lowest_index")
    for n in range(40):
        one = apportion_alliances(
            votes[n : n + 1],
            seats[n : n + 1],
            elig[n : n + 1],
            group,
            labels,
            m,
            tie_break="lowest_index",
        )
        assert one.seats[0].tolist() == whole.seats[n].tolist()


def test_hand_case_alliance_gains_a_seat() -> None:
    # D'Hondt, 5 seats, A 45, B 28, C 27 (by hand).
    # Alone: averages A 45, 22.5, 15; B 28, 14; C 27, 13.5 -> top five 45 28 27 22.5 15: A3 B1 C1.
    # B+C allied (55): 55, 27.5, 18.3 vs A 45, 22.5, 15 -> 55 45 27.5 22.5 18.3: B+C 3, A 2;
    # within B+C, 3 seats: 28 27 14 -> B 2, C 1.
    parties = [es.Party(c) for c in "ABC"]
    m = get_method("dhondt")
    v, s, e = np.array([[45, 28, 27]]), np.array([5]), np.ones((1, 3), bool)
    g0, l0 = resolve_alliances(parties, [])
    alone = apportion_alliances(v, s, e, g0, l0, m)
    g1, l1 = resolve_alliances(parties, [("B", "C")])
    allied = apportion_alliances(v, s, e, g1, l1, m)
    assert alone.seats[0].tolist() == [3, 1, 1]
    assert l1 == ("B+C", "A")
    assert allied.group_seats[0].tolist() == [3, 2]
    assert allied.seats[0].tolist() == [2, 2, 1]


def test_ineligible_member_brings_no_votes() -> None:
    # Israel: an agreement counts only between lists that passed; B failed -> A stands alone
    parties = [es.Party(c) for c in "ABC"]
    g, labels = resolve_alliances(parties, [("A", "B")])
    res = apportion_alliances(
        np.array([[50, 40, 55]]),
        np.array([3]),
        np.array([[True, False, True]]),
        g,
        labels,
        get_method("dhondt"),
    )
    assert res.group_votes[0].tolist() == [50, 55]
    assert res.seats[0].tolist() == [1, 0, 2]


def test_validation() -> None:
    with pytest.raises(ElectsimError, match="two alliances"):
        es.ElectoralSystem(10, "dhondt", alliances=[("A", "B"), ("C", "a")])
    with pytest.raises(ElectsimError, match="twice"):
        check_alliances([("A", "A")])
    with pytest.raises(ElectsimError, match="two or more"):
        check_alliances([("A",)])
    with pytest.raises(ElectsimError, match="sequence"):
        check_alliances("AB")
    with pytest.raises(ElectsimError, match="sequence of party names"):
        check_alliances(["AB"])
    with pytest.raises(ElectsimError, match="alliances is empty"):
        es.ElectoralSystem(10, "dhondt", alliance_method="hare")
    parties = [es.Party("Alpha", "A"), es.Party("Beta", "B")]
    with pytest.raises(UnknownNameError, match="did you mean"):
        resolve_alliances(parties, [("Alpha", "Betta")])
    with pytest.raises(UnknownNameError, match="already in alliance"):
        resolve_alliances(parties, [("Alpha", "B"), ("Beta", 0)])
