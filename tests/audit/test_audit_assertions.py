"""Assertion sets against brute force: if every assertion holds on a changed election (same
number of ballots), allocate() gives the reported seats.  Plus hand-computed assorters."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import electsim as es
from electsim import Election, ElectoralSystem, Threshold, audit
from electsim.errors import ElectsimError

#: the registered methods, plus parametrised ones (read through ``method.spec``): Sweden's first
#: divisor 1.2, a divisor family with its own first divisor, and rounded quotas (the Czech
#: rounded Imperiali quota; a Hare quota rounded down)
ALL_METHODS = (
    *es.available_methods(),
    "sainte_lague(first_divisor=1.2)",
    "divisor_method(delta=0.4, first=0.3)",
    "largest_remainder(quota=imperiali, rounding=round_half_up)",
    "largest_remainder(quota=hare, rounding=floor)",
    "largest_remainder(quota=droop, rounding=ceil)",
)
BASES = ("ballots", "valid", "party_votes", "registered")
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def election_of(counts: np.ndarray, registered: int) -> Election:
    """counts (R, P + 2): party votes, against all, invalid per region."""
    P = counts.shape[1] - 2
    R = counts.shape[0]
    return Election(
        counts[:, :P],
        against_all=counts[:, P],
        invalid=counts[:, P + 1],
        registered=np.full(R, registered),
        parties=[f"P{i}" for i in range(P)],
        regions=[f"R{r}" for r in range(R)] if R > 1 else None,
    )


def check_brute_force(
    counts: np.ndarray, system: ElectoralSystem, rng: np.random.Generator, trials: int
) -> tuple[int, int]:
    """Returns (changed elections on which all assertions hold, of which allocation changed)."""
    N = int(counts.sum())
    e = election_of(counts, 2 * N)
    try:
        rep = es.allocate(e, system)
    except ElectsimError:
        return 0, 0
    if int(rep.unfilled):
        return 0, 0
    A = audit.assertions(e, system, allocation=rep)
    flat = counts.reshape(-1)
    checked = 0
    for _ in range(trials):
        c = flat.copy()
        for _ in range(int(rng.integers(1, 4))):
            src = rng.choice(np.flatnonzero(c > 0))
            dst = int(rng.integers(c.size))
            k = int(rng.integers(1, min(int(c[src]), 6) + 1))
            c[src] -= k
            c[dst] += k
        if not A.holds_on(c).all():
            continue
        checked += 1
        got = es.allocate(election_of(c.reshape(counts.shape), 2 * N), system).seats
        assert got.tolist() == rep.seats.tolist(), (counts.tolist(), c.tolist(), system)
    return checked, 0


@st.composite
def cases(draw: st.DrawFn, method: str) -> tuple[np.ndarray, ElectoralSystem]:
    R = draw(st.integers(1, 2))
    P = draw(st.integers(2, 5))
    counts = np.array(
        draw(st.lists(st.integers(0, 60), min_size=R * (P + 2), max_size=R * (P + 2)))
    ).reshape(R, P + 2)
    assume(counts.sum() > 0)
    seats = draw(st.integers(1, 9))
    national = draw(
        st.one_of(
            st.none(),
            st.builds(
                Threshold,
                st.sampled_from(["5%", "10%", "20%"]),
                st.sampled_from(BASES),
                st.booleans(),
            ),
        )
    )
    regional = None
    if R > 1 and draw(st.booleans()):
        regional = Threshold(draw(st.sampled_from(["3%", "8%"])), draw(st.sampled_from(BASES)))
    cap = draw(st.one_of(st.none(), st.integers(1, 4)))
    system = ElectoralSystem(
        seats, method, national=national, regional=regional, cap=cap, tie_break="lowest_index"
    )
    return counts, system


@pytest.mark.parametrize("method", ALL_METHODS)
@SETTINGS
@given(data=st.data())
def test_all_assertions_hold_implies_reported_allocation(method: str, data: st.DataObject) -> None:
    counts, system = data.draw(cases(method))
    seed = data.draw(st.integers(0, 2**32 - 1))
    check_brute_force(counts, system, np.random.default_rng(seed), trials=25)


@pytest.mark.parametrize("method", ALL_METHODS)
def test_brute_force_is_not_vacuous(method: str) -> None:
    """A seeded sweep: many changed elections satisfy every assertion, and each is checked."""
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(20):
        R, P = int(rng.integers(1, 3)), int(rng.integers(2, 5))
        counts = rng.integers(0, 200, size=(R, P + 2))
        cap = None if rng.random() < 0.5 else int(rng.integers(1, 4))
        system = ElectoralSystem(
            int(rng.integers(2, 9)),
            method,
            national=Threshold("5%", base=str(rng.choice(BASES))),  # type: ignore[arg-type]
            regional=Threshold("3%") if R > 1 else None,
            cap=cap,
            tie_break="lowest_index",
        )
        checked += check_brute_force(counts, system, rng, trials=20)[0]
    assert checked >= 60


def test_threshold_assorter_on_ballots_base_hand_computed() -> None:
    # 1,000 ballots: A 600, B 300, C 60, against all 20, invalid 20; 7 % of ballots = 70.
    e = Election([600, 300, 60], against_all=[20], invalid=[20], parties="ABC")
    A = audit.assertions(e, ElectoralSystem(10, "hare", national=Threshold("7%")))
    c = next(a for a in A if a.kind == "national_below")
    # below: h = (1 - b_C) / (2 (1 - t)); every non-C ballot (invalid, against all too) scores
    # 1/(2 * 0.93) = 50/93, C ballots 0.
    assert c.scores == (Fraction(50, 93), Fraction(50, 93), 0, Fraction(50, 93), Fraction(50, 93))
    assert c.upper == Fraction(50, 93)
    assert c.mean == Fraction(940, 1000) * Fraction(50, 93)
    a = next(x for x in A if x.kind == "national_above" and x.parties == ("B",))
    # above: h = b_B / (2t) = 50/7 for B; invalid and against-all ballots score 0
    assert a.scores == (0, Fraction(50, 7), 0, 0, 0)
    assert a.mean == Fraction(300 * 50, 7 * 1000)
    assert a.slack == 300 - 70


def test_threshold_assorter_on_valid_base_scores_invalid_one_half() -> None:
    e = Election([600, 300, 60], against_all=[20], invalid=[20], parties="ABC")
    A = audit.assertions(e, ElectoralSystem(10, "hare", national=Threshold("10%", base="valid")))
    a = next(x for x in A if x.kind == "national_above" and x.parties == ("B",))
    # SHANGRLA supermajority-style: g = b_B - t [valid]; a = -t; invalid ballots score 1/2
    assert a.scores == (0, 5, 0, 0, Fraction(1, 2))
    assert a.slack == 300 - Fraction(98)


def test_dhondt_pairwise_assertion_hand_computed() -> None:
    # D'Hondt, 5 seats, votes 600/300/100: A 4 (averages 600,300,200,150), B 1 (300 then 150)
    # -> A's 4th seat at 150 vs B's 2nd at 150 is an exact tie; use 610 instead.
    e = Election([610, 300, 100], parties="ABC")
    A = audit.assertions(e, ElectoralSystem(5, "dhondt"))
    a = next(x for x in A if x.kind == "seat_pair" and x.parties == ("A", "B"))
    # g = b_A / 4 - b_B / 2: slack = 610/4 - 300/2 = 2.5
    assert a.slack == Fraction(5, 2)
    assert a.holds


def test_kyrgyzstan_2020_closest_threshold_assertion() -> None:
    e = es.datasets.kyrgyzstan_2020()
    A = audit.assertions(e, es.presets.kyrgyzstan_2020().replace(regional=None))
    but = next(a for a in A if a.kind == "national_above" and a.parties == ("Butun Kyrgyzstan",))
    # 141,940 - 7 % x 1,990,753 = 2,587.29 (CEC figures, README)
    assert but.slack == 141_940 - Fraction(7, 100) * 1_990_753
    assert A.all_hold
    assert len([a for a in A if a.kind == "national_below"]) == 12


def test_regional_assertions_per_region() -> None:
    e = es.datasets.kyrgyzstan_2020_regions(invalid_rate="1.5%")
    s = es.presets.kyrgyzstan_2020()
    A = audit.assertions(e, s)
    n_flagged = sum(r.in_regional_threshold for r in e.regions)
    rep = es.allocate(e, s)
    n_elig = int(rep.eligible.sum())
    assert len([a for a in A if a.kind == "regional_above"]) == n_elig * n_flagged


def test_bad_input() -> None:
    e = Election(np.ones((2, 1, 2), dtype=int), parties="AB")
    with pytest.raises(ElectsimError, match="batch"):
        audit.assertions(e, ElectoralSystem(2, "hare"))
    with pytest.raises(ElectsimError, match="Election"):
        audit.assertions("x", ElectoralSystem(2, "hare"))  # type: ignore[arg-type]
