"""Tests of :class:`electsim.manipulation.coercion.Coercion` (workplace mobilisation;
docs/models.md, "Administrative coercion").

Hand-computed cases show their arithmetic next to the assertion.  The statistical check compares
the sampling mode's mean over a batch with the expected mode within 5 standard errors; negative
controls (deliberately wrong expectations) must fail the same check.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import electsim as es
from electsim.errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)
from electsim.manipulation.coercion import Coercion

from _support import ci_check


def one_unit() -> es.Election:
    # 1,000 registered; ballots A 300, B 200, C 100, against all 60, invalid 40 -> T = 700,
    # turnout 70 %, 300 abstainers
    return es.Election(
        [300, 200, 100], against_all=[60], invalid=[40], registered=[1000], parties=["A", "B", "C"]
    )


# ============================================================================ hand-computed
def test_expected_by_hand() -> None:
    c = Coercion(
        "A",
        employees=200,
        org_share=0.5,
        pressured_share=1.0,
        turnout_compliance=0.5,
        compliance=0.5,
        mode="expected",
    )
    out = c.apply(one_unit())
    out.verify()
    # pressured = 200 * 0.5 * 1 = 100; would vote 100 * 0.7 = 70, would abstain 30
    # mobilised = 30 * 0.5 = 15 (new ballots for A)
    # would-vote composition = 70 * (300, 200, 100, 60, 40) / 700 = (30, 20, 10, 6, 4)
    # switched = 0.5 * (B 20, C 10, against all 6) = (10, 5, 3); invalid never switched
    # A = 300 + 15 + 18 = 333, B = 190, C = 95, against all 57
    assert out.election.votes.tolist() == [[333, 190, 95]]
    assert out.election.against_all.tolist() == [57]
    assert out.election.invalid.tolist() == [40]
    assert out.ledger.net_ballots.tolist() == [15]
    assert out.ledger.cost_som.tolist() == 0
    # the same with the employees given as 20 % of registered voters
    share = Coercion(
        "A",
        employee_share=0.2,
        org_share=0.5,
        pressured_share=1.0,
        turnout_compliance=0.5,
        compliance=0.5,
        mode="expected",
    ).apply(one_unit())
    assert np.array_equal(share.election.votes, out.election.votes)


def test_vote_compliance_from_monitoring_and_reciprocity() -> None:
    # kappa_vote = m + (1 - m) rho = 0.2 + 0.8 * 0.5 = 0.6
    c = Coercion(
        "A",
        employees=200,
        org_share=0.5,
        pressured_share=1.0,
        turnout_compliance=0.0,
        monitoring=0.2,
        reciprocity=0.5,
        include_against_all=False,
        mode="expected",
    )
    assert float(c.kappa_vote) == pytest.approx(0.6)
    out = c.apply(one_unit())
    # switched = 0.6 * (B 20, C 10) = (12, 6); nothing mobilised
    assert out.election.votes.tolist() == [[318, 188, 94]]
    assert out.election.against_all.tolist() == [60]


def test_everyone_pressured_and_compliant_is_deterministic_even_when_sampled() -> None:
    # employees = all 1,000 registered, phi = 1, kappas = 1: every abstainer turns out for A
    # and every other ballot except invalid goes to A; hypergeometric(700, 300, 1000) = 700
    c = Coercion(
        "A",
        employees=1000,
        org_share=1.0,
        pressured_share=1.0,
        turnout_compliance=1.0,
        compliance=1.0,
    )
    out = c.apply(one_unit(), rng=3)
    out.verify()
    # A = 300 + 300 (abstainers) + 200 + 100 + 60 = 960; invalid 40 stays
    assert out.election.votes.tolist() == [[960, 0, 0]]
    assert out.election.against_all.tolist() == [0]
    assert out.election.ballots.tolist() == [1000]


def test_nothing_happens_without_compliance_or_pressure() -> None:
    for kw in ({"turnout_compliance": 0.0, "compliance": 0.0}, {"org_share": 0.0}):
        for mode in ("sample", "expected"):
            out = Coercion("A", employees=500, mode=mode, **kw).apply(one_unit(), rng=1)
            assert np.array_equal(out.election.votes, one_unit().votes)


def test_explicit_preferences_cap_switched_votes_at_what_a_party_had() -> None:
    # employee_turnout = 1 and preferences all for C: the 500 pressured would all vote C, but
    # C only has 100 votes -> 100 switched (cap), nobody mobilised
    kw: dict[str, Any] = dict(
        employees=500,
        org_share=1.0,
        pressured_share=1.0,
        turnout_compliance=1.0,
        compliance=1.0,
        employee_turnout=1.0,
        preferences=[0, 0, 1],
    )
    for mode in ("sample", "expected"):
        out = Coercion("A", mode=mode, **kw).apply(one_unit(), rng=0)
        out.verify()
        assert out.election.votes.tolist() == [[400, 200, 0]]
        assert out.ledger.net_ballots.tolist() == [0]


def test_family_multiplier_rounds_the_pool_half_up() -> None:
    # pool = round(101 * 1.5) = round(151.5) = 152; phi = 1, baseline turnout 0 -> all would
    # abstain; kappa_turn = 1 -> 152 mobilised
    e = es.Election([300, 200], registered=[1000], parties=["A", "B"])
    out = Coercion(
        "A",
        employees=101,
        family_multiplier=1.5,
        org_share=1.0,
        pressured_share=1.0,
        turnout_compliance=1.0,
        employee_turnout=0.0,
        mode="expected",
    ).apply(e)
    assert out.ledger.net_ballots.tolist() == [152]
    # the pool is capped at the registered voters; mobilised never above the 500 abstainers
    out = Coercion(
        "A",
        employees=900,
        family_multiplier=1.5,
        org_share=1.0,
        pressured_share=1.0,
        turnout_compliance=1.0,
        employee_turnout=0.0,
    ).apply(e, rng=1)
    out.verify()
    assert out.ledger.net_ballots.tolist() == [500]


def test_cost_per_pressured_employee() -> None:
    # 100 pressured (see test_expected_by_hand) x 1,500 som
    c = Coercion(
        "A",
        employees=200,
        org_share=0.5,
        pressured_share=1.0,
        cost_per_employee_som=1500,
        mode="expected",
    )
    assert c.apply(one_unit()).ledger.cost_som.tolist() == 150_000
    # sample mode: cost = 1,500 x the number pressured, here Binomial(200, 0.5)
    s = Coercion(
        "A", employees=200, org_share=0.5, pressured_share=1.0, cost_per_employee_som=1500
    ).apply(one_unit(), rng=2)
    assert s.ledger.cost_som.item() % 1500 == 0
    assert 0 < s.ledger.cost_som.item() <= 200 * 1500


def test_targeted_units_only() -> None:
    e = es.Election(
        [[300, 200], [300, 200]],
        registered=[1000, 1000],
        parties=["A", "B"],
        regions=["North", "South"],
    )
    out = Coercion("A", employees=400, units=["South"]).apply(e, rng=5)
    out.verify()
    assert out.election.votes[0].tolist() == [300, 200]
    assert out.election.votes[1, 0] > 300
    # employees above the registered voters of a non-targeted unit are not an error
    big = es.Election(
        [[300, 200], [3, 2]], registered=[1000, 10], parties=["A", "B"], regions=["North", "South"]
    )
    Coercion("A", employees=400, units="North").apply(big, rng=1).verify()
    with pytest.raises(ElectsimError, match="exceeds the registered"):
        Coercion("A", employees=400).apply(big)


# =================================================================== data and validation
def test_missing_registered_needs_a_turnout_assumption() -> None:
    e = es.Election([300, 200], parties=["A", "B"])
    with pytest.raises(MissingDataError, match="assumed_turnout"):
        Coercion("A", employees=100).apply(e)
    # with the assumption: 100 pressured (phi = 1), 50 would abstain -> 50 mobilised;
    # 50 would vote: 30 A, 20 B -> 20 switched
    out = Coercion(
        "A",
        employees=100,
        org_share=1.0,
        pressured_share=1.0,
        turnout_compliance=1.0,
        compliance=1.0,
        assumed_turnout=0.5,
        mode="expected",
    ).apply(e)
    out.verify()
    assert out.election.registered is None
    assert out.election.votes.tolist() == [[370, 180]]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ElectsimError, "exactly one"),
        ({"employees": 10, "employee_share": 0.1}, ElectsimError, "exactly one"),
        ({"employees": -1}, ElectsimError, "employees"),
        ({"employees": 1.5}, ElectsimError, "employees"),
        ({"employee_share": 1.2}, ElectsimError, "employee_share"),
        ({"employees": 10, "org_share": 2}, ElectsimError, "org_share"),
        ({"employees": 10, "pressured_share": -0.5}, ElectsimError, "pressured_share"),
        ({"employees": 10, "turnout_compliance": 1.1}, ElectsimError, "turnout_compliance"),
        ({"employees": 10, "monitoring": 1.1}, ElectsimError, "monitoring"),
        ({"employees": 10, "reciprocity": -1}, ElectsimError, "reciprocity"),
        ({"employees": 10, "compliance": 3}, ElectsimError, "compliance"),
        ({"employees": 10, "employee_turnout": 1.5}, ElectsimError, "employee_turnout"),
        ({"employees": 10, "family_multiplier": -1}, ElectsimError, "family_multiplier"),
        ({"employees": 10, "cost_per_employee_som": -5}, ElectsimError, "cost_per_employee"),
        ({"employees": 10, "preferences": [0, 0, 0]}, ElectsimError, "preferences"),
        ({"employees": 10, "preferences": 1.0}, ShapeMismatchError, "preferences"),
        ({"employees": 10, "mode": "mean"}, UnknownMethodError, "mode"),
    ],
)
def test_parameters_are_validated(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        Coercion("A", **kwargs)


def test_names_and_shapes_are_validated_at_apply() -> None:
    with pytest.raises(UnknownNameError, match="Z"):
        Coercion("Z", employees=10).apply(one_unit())
    with pytest.raises(UnknownNameError, match="nowhere"):
        Coercion("A", employees=10, units="nowhere").apply(one_unit())
    with pytest.raises(ShapeMismatchError, match="preferences"):
        Coercion("A", employees=10, preferences=[1, 1]).apply(one_unit())
    with pytest.raises(ShapeMismatchError, match="employees"):
        Coercion("A", employees=[10, 20]).apply(one_unit())


def test_precincts_with_unknown_invalid_ballots_need_an_assumption() -> None:
    pr = es.PrecinctResults(
        [[300, 200]], region=[0], regions=["R"], parties=["A", "B"], registered=[1000]
    )
    with pytest.raises(MissingDataError, match="invalid"):
        Coercion("A", employees=100).apply(pr)
    Coercion("A", employees=100).apply(pr.replace(invalid=[0]), rng=1).verify()


# ===================================================================== batch and seeds
def test_parameter_arrays_broadcast_to_a_batch() -> None:
    out = Coercion(
        "A", employees=200, org_share=np.array([0.0, 0.25, 0.5, 1.0]), mode="expected"
    ).apply(one_unit())
    out.verify()
    assert out.election.batch_shape == (4,)
    a = out.election.votes[:, 0, 0]
    assert a[0] == 300 and (np.diff(a) > 0).all()
    # per-unit employees with a leading batch axis: (B, U)
    out = Coercion("A", employees=np.array([[0], [100], [200]]), mode="expected").apply(one_unit())
    assert out.election.batch_shape == (3,)
    assert (np.diff(out.election.votes[:, 0, 0]) > 0).all()


def test_same_seed_same_result_different_seeds_differ() -> None:
    e = es.datasets.kyrgyzstan_2020_regions(invalid_rate="1.5%")
    e = e.replace(registered=(e.ballots * 200 + 112) // 113)
    c = Coercion("Birimdik", employee_share=0.1)
    a, b, d = c.apply(e, rng=7), c.apply(e, rng=7), c.apply(e, rng=8)
    assert np.array_equal(a.election.votes, b.election.votes)
    assert not np.array_equal(a.election.votes, d.election.votes)


# =================================================================== sample vs expected
def test_sample_mean_matches_expected_with_negative_controls() -> None:
    rng = np.random.default_rng(3)
    U, B = 6, 4000
    votes = rng.integers(100, 600, size=(U, 3))
    aa = rng.integers(0, 50, size=U)
    inv = rng.integers(0, 30, size=U)
    reg = votes.sum(-1) + aa + inv + rng.integers(200, 900, size=U)
    base = es.Election(votes, aa, inv, reg, parties=["A", "B", "C"])
    batch = base.replace(
        votes=np.broadcast_to(votes, (B, U, 3)),
        against_all=np.broadcast_to(aa, (B, U)),
        invalid=np.broadcast_to(inv, (B, U)),
        registered=np.broadcast_to(reg, (B, U)),
    )
    kw: dict[str, Any] = dict(
        employee_share=0.3,
        org_share=0.4,
        pressured_share=0.8,
        turnout_compliance=0.6,
        monitoring=0.3,
        reciprocity=0.5,
    )
    out = Coercion("A", **kw).apply(batch, rng=11)
    out.verify()
    mobilised = out.ledger.net_ballots.sum(-1)  # (B,)
    switched = out.ledger.votes_removed.sum((-2, -1)) + out.ledger.against_all_removed.sum(-1)
    # exact expectations (float): pool_u = round(0.3 N_u); phi = 0.32;
    # E[mobilised] = kappa_turn phi pool A / N; E[switched] = kappa_vote phi pool c / N
    pool = np.floor(0.3 * reg + 0.5)
    phi, kt, kv = 0.4 * 0.8, 0.6, 0.3 + 0.7 * 0.5
    ballots = votes.sum(-1) + aa + inv
    abst = reg - ballots
    sources = votes[:, 1:].sum(-1) + aa
    e_mob = float((kt * phi * pool * abst / reg).sum())
    e_sw = float((kv * phi * pool * sources / reg).sum())
    se_mob = float(mobilised.std(ddof=1)) / math.sqrt(B)
    se_sw = float(switched.std(ddof=1)) / math.sqrt(B)
    assert ci_check(mobilised, e_mob, se_mob)
    assert ci_check(switched, e_sw, se_sw)
    # the expected mode gives the rounded expectations
    exp = Coercion("A", mode="expected", **kw).apply(base)
    assert int(exp.ledger.net_ballots.sum()) == math.floor(e_mob + 0.5)
    assert int(exp.ledger.votes_removed.sum() + exp.ledger.against_all_removed.sum()) == (
        math.floor(e_sw + 0.5)
    )
    # NEGATIVE CONTROLS: forgetting that only would-be abstainers can be mobilised, or
    # ignoring monitoring (kappa_vote = rho), must fail the same check
    assert not ci_check(mobilised, float((kt * phi * pool).sum()), se_mob)
    assert not ci_check(switched, e_sw * 0.5 / kv, se_sw)


# ==================================================================== Hypothesis invariants
@st.composite
def elections(draw: st.DrawFn) -> es.Election:
    batch = draw(st.sampled_from([(), (3,), (2, 2)]))
    U = draw(st.integers(1, 4))
    P = draw(st.integers(2, 4))
    votes = draw(hnp.arrays(np.int64, (*batch, U, P), elements=st.integers(0, 80)))
    aa = draw(hnp.arrays(np.int64, (*batch, U), elements=st.integers(0, 10)))
    inv = draw(hnp.arrays(np.int64, (*batch, U), elements=st.integers(0, 5)))
    absent = draw(hnp.arrays(np.int64, (*batch, U), elements=st.integers(0, 100)))
    return es.Election(votes, aa, inv, votes.sum(-1) + aa + inv + absent)


rates = st.floats(0, 1, allow_nan=False)


@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    e=elections(),
    share=rates,
    org=rates,
    pressured=rates,
    kt=rates,
    kv=rates,
    family=st.floats(0, 3),
    turnout=st.one_of(st.none(), rates),
    with_prefs=st.booleans(),
    include_aa=st.booleans(),
    cost=st.one_of(st.none(), st.floats(0, 5000)),
    mode=st.sampled_from(["sample", "expected"]),
    target=st.sampled_from([None, 0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants(
    e: es.Election,
    share: float,
    org: float,
    pressured: float,
    kt: float,
    kv: float,
    family: float,
    turnout: float | None,
    with_prefs: bool,
    include_aa: bool,
    cost: float | None,
    mode: str,
    target: int | None,
    seed: int,
) -> None:
    prefs = np.arange(1, e.n_parties + 1, dtype=float) if with_prefs else None
    c = Coercion(
        0,
        employee_share=share,
        org_share=org,
        pressured_share=pressured,
        turnout_compliance=kt,
        compliance=kv,
        family_multiplier=family,
        employee_turnout=turnout,
        preferences=prefs,
        include_against_all=include_aa,
        cost_per_employee_som=cost,
        units=target,
        mode=mode,  # type: ignore[arg-type]
    )
    out = c.apply(e, rng=seed)
    out.verify()  # the ledger balances exactly
    after, led = out.election, out.ledger
    assert after.votes.min(initial=0) >= 0 and after.against_all.min(initial=0) >= 0
    # the regime party only gains, the others only lose, never more than they had
    assert not led.votes_removed[..., 0].any()
    assert not led.votes_added[..., 1:].any()
    assert (led.votes_removed <= e.votes).all()
    assert (led.against_all_removed <= e.against_all).all()
    # mobilised voters: never negative, never more than the abstainers; invalid untouched
    assert (led.net_ballots >= 0).all()
    assert (led.net_ballots <= e.registered - e.ballots).all()
    assert not (led.invalid_added.any() or led.invalid_removed.any())
    # the gain of the party is the mobilised plus the switched
    assert (
        led.votes_added[..., 0]
        == led.net_ballots + led.votes_removed.sum(-1) + led.against_all_removed
    ).all()
    if not include_aa or with_prefs:
        assert not led.against_all_removed.any()
    if target == 0:
        assert not led.votes_added[..., 1:, :].any() and not led.votes_removed[..., 1:, :].any()
    # money: zero unless a price per pressured employee is given; never above price x pool
    if cost is None:
        assert not led.cost_som.any()
    else:
        pool = np.minimum(np.floor(share * e.registered * family + 0.5 + 1e-9), e.registered)
        assert (led.cost_som <= np.floor(cost * pool.sum(-1) + 0.5 + 1e-6)).all()
        assert (led.cost_som >= 0).all()
