"""Tests of :class:`electsim.manipulation.stuffing.BallotStuffing` (Klimek et al. 2012 fraud).

Hand-computed cases show their arithmetic next to the assertion.  Statistical checks compare the
sampling mode's mean over a batch with the expected mode within 5 standard errors, and a
negative control (a deliberately wrong expectation) must fail the same check.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import integrate  # type: ignore[import-untyped]

import electsim as es
from electsim.errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)
from electsim.manipulation import compose
from electsim.manipulation.coercion import Coercion
from electsim.manipulation.stuffing import (
    BallotStuffing,
    extreme_moment,
    halfnormal_moment,
)

from _support import REPO_ROOT, ci_check, run_script

BENCHMARK = REPO_ROOT / "benchmarks" / "manipulation.py"


def stations(
    votes: Any,
    registered: Any,
    *,
    against_all: Any = None,
    invalid: Any = 0,
    region: Any = None,
) -> es.PrecinctResults:
    v = np.asarray(votes)
    K = v.shape[-2]
    return es.PrecinctResults(
        v,
        region=np.zeros(K, dtype=int) if region is None else region,
        regions=["North", "South"],
        parties=["A", "B", "C"][: v.shape[-1]],
        against_all=against_all,
        invalid=invalid,
        registered=registered,
        station_ids=[f"s{i}" for i in range(K)],
    )


# ============================================================================ hand-computed
def test_fixed_intensity_expected_by_hand() -> None:
    # two stations, 1,000 registered each; x = 0.5 everywhere, alpha = 1
    pr = stations([[300, 300], [100, 500]], [1000, 1000])
    out = BallotStuffing("A", incremental=1.0, theta=0.5, intensity="fixed", mode="expected").apply(
        pr
    )
    out.verify()
    # station 0: abstainers 1000 - 600 = 400 -> 200 stuffed; B 300 -> 150 stolen
    #            A = 300 + 200 + 150 = 650, B = 150
    # station 1: abstainers 400 -> 200 stuffed; B 500 -> 250 stolen; A = 100 + 200 + 250 = 550
    assert out.election.votes.tolist() == [[650, 150], [550, 250]]
    assert out.ledger.net_ballots.tolist() == [200, 200]
    assert out.ledger.votes_removed[:, 1].tolist() == [150, 250]
    assert out.ledger.cost_som.tolist() == 0


def test_alpha_is_the_stealing_exponent() -> None:
    # x = 0.5, alpha = 2: the stealing share is 0.5 ** 2 = 0.25 (Klimek et al. 2012)
    pr = stations([[300, 400]], [1000])
    out = BallotStuffing(
        "A", incremental=1.0, theta=0.5, alpha=2.0, intensity="fixed", mode="expected"
    ).apply(pr)
    # abstainers 300 -> 150 stuffed; B 400 * 0.25 = 100 stolen; A = 300 + 150 + 100 = 550
    assert out.election.votes.tolist() == [[550, 300]]


def test_expected_rounding_keeps_the_total() -> None:
    # abstainers 3 and 5, x = 0.5 -> expectations 1.5 and 2.5, total 4.0;
    # largest remainder: quotas 1.5, 2.5 -> floors 1, 2; the one seat left goes to the lowest
    # index among equal remainders -> [2, 2]
    pr = stations([[5, 2], [5, 0]], [10, 10])
    out = BallotStuffing(
        "A", incremental=1.0, theta=0.5, intensity="fixed", stealing="none", mode="expected"
    ).apply(pr)
    assert out.ledger.net_ballots.tolist() == [2, 2]
    # total 1.5 + 1.0 = 2.5 is rounded half up to 3, split 1.8 : 1.2 -> [2, 1]
    pr = stations([[5, 2], [6, 2]], [10, 10])
    out = BallotStuffing(
        "A", incremental=1.0, theta=0.5, intensity="fixed", stealing="none", mode="expected"
    ).apply(pr)
    assert out.ledger.net_ballots.tolist() == [2, 1]


def test_extreme_fraud_with_zero_width_takes_everything_even_when_sampled() -> None:
    # f_e = 1, width 0: x = 1 -> Binomial(A, 1) = A, Binomial(v_k, 1) = v_k (deterministic)
    pr = stations([[[100, 50, 30]], [[10, 0, 0]]], [[400], [20]], against_all=[[20], [5]])
    out = BallotStuffing("B", extreme=1.0, extreme_width=0.0).apply(pr, rng=1)
    out.verify()
    # draw 0: ballots 200, abstainers 200; B = 50 + 200 + 100 (A) + 30 (C) + 20 (against all)
    # draw 1: ballots 15, abstainers 5;   B = 0 + 5 + 10 + 0 + 5
    assert out.election.votes.tolist() == [[[0, 400, 0]], [[0, 20, 0]]]
    assert out.election.against_all.tolist() == [[0], [0]]
    assert out.election.invalid.tolist() == [[0], [0]]


def test_stealing_invalidate_and_none_and_against_all_switch() -> None:
    pr = stations([[200, 100]], [1000], against_all=[40], invalid=[10])
    kw: dict[str, Any] = dict(incremental=1.0, theta=0.5, intensity="fixed", mode="expected")
    # abstainers 1000 - 350 = 650 -> 325 stuffed
    out = BallotStuffing("A", stealing="invalidate", **kw).apply(pr)
    out.verify()
    # B 100 -> 50 destroyed, against all 40 -> 20 destroyed: invalid 10 + 70 = 80
    assert out.election.votes.tolist() == [[525, 50]]
    assert out.election.against_all.tolist() == [20]
    assert out.election.invalid.tolist() == [80]
    out = BallotStuffing("A", stealing="none", **kw).apply(pr)
    assert out.election.votes.tolist() == [[525, 100]]
    out = BallotStuffing("A", include_against_all=False, **kw).apply(pr)
    assert out.election.votes.tolist() == [[575, 50]]  # 200 + 325 + 50
    assert out.election.against_all.tolist() == [40]


def test_halfnormal_rate_by_hand() -> None:
    # truncated half-normal mean: theta sqrt(2/pi) (1 - exp(-1/(2 theta^2))) / erf(1/(theta√2))
    theta, fi, fe = 0.4, 0.3, 0.1
    e_inc = (
        theta
        * math.sqrt(2 / math.pi)
        * (1 - math.exp(-1 / (2 * theta**2)))
        / math.erf(1 / (theta * math.sqrt(2)))
    )
    w = 0.075  # extreme: 1 - E[y], y the same truncated half-normal of width 0.075
    e_ext = 1 - w * math.sqrt(2 / math.pi) * (1 - math.exp(-1 / (2 * w**2))) / math.erf(
        1 / (w * math.sqrt(2))
    )
    ps, pt = BallotStuffing("A", incremental=fi, extreme=fe, theta=theta).expected_rates()
    assert float(ps) == pytest.approx(fi * e_inc + fe * e_ext, rel=1e-10)
    assert float(pt) == pytest.approx(float(ps), rel=1e-10)  # alpha = 1: x**alpha = x


@pytest.mark.parametrize("theta", [0.01, 0.1, 0.5, 2.0])
@pytest.mark.parametrize("alpha", [0.0, 0.5, 1.0, 3.0])
def test_intensity_moments_against_quadrature(theta: float, alpha: float) -> None:
    def dens(x: float) -> float:
        return math.exp(-x * x / (2 * theta * theta))

    num = integrate.quad(lambda x: x**alpha * dens(x), 0, 1, epsabs=0, epsrel=1e-12, limit=200)
    den = integrate.quad(dens, 0, 1, epsabs=0, epsrel=1e-12, limit=200)
    assert float(halfnormal_moment(theta, alpha)) == pytest.approx(num[0] / den[0], rel=1e-8)
    # extreme: x = 1 - y
    num = integrate.quad(lambda y: (1 - y) ** alpha * dens(y), 0, 1, epsabs=0, epsrel=1e-12)
    assert float(extreme_moment(theta, alpha)) == pytest.approx(num[0] / den[0], rel=1e-7)


def test_intensity_moment_limits() -> None:
    # theta -> infinity: x uniform on (0, 1), E[x^a] = 1 / (a + 1); theta = 0: no intensity
    assert halfnormal_moment(1e4, np.array([1.0, 2.0])).tolist() == pytest.approx([0.5, 1 / 3])
    assert halfnormal_moment(0.0, 1.0) == 0.0
    assert extreme_moment(0.0, 2.0) == 1.0


def test_regional_expectation_equals_aggregated_station_expectation() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    rng = np.random.default_rng(5)
    registered = pr.valid + rng.integers(100, 900, size=pr.n_stations)
    pr = pr.replace(invalid=np.zeros(pr.n_stations, dtype=np.int64), registered=registered)
    stuff = BallotStuffing("Birimdik", incremental=0.2, extreme=0.05, theta=0.15, mode="expected")
    by_station = stuff.apply(pr).election.to_election()
    by_region = stuff.apply(pr.to_election()).election
    diff = by_station.votes - by_region.votes
    # same expectation (p_s sum_i A_i = p_s A, p_t sum_i c_ik = p_t c_k); only the integer
    # rounding differs: each station cell is a floor or a ceiling, so a region's cell differs by
    # at most its number of stations (+ 1 for the rounded totals)
    per_region = np.bincount(pr.region, minlength=len(pr.regions))
    assert (np.abs(diff) <= per_region[:, None] + 1).all()
    # the totals are the same rounded expectations: stuffed ballots, stolen votes
    assert abs(int(by_station.ballots.sum() - by_region.ballots.sum())) <= 1
    assert abs(int(by_station.valid.sum() - by_region.valid.sum())) <= 1
    assert abs(int(by_station.votes[:, 0].sum() - by_region.votes[:, 0].sum())) <= 2


# ===================================================================== turnout, targeting
def test_stuffing_raises_turnout_in_targeted_precincts_only() -> None:
    rng = np.random.default_rng(11)
    B, K = 30, 12
    votes = rng.integers(0, 200, size=(B, K, 3))
    aa = rng.integers(0, 20, size=(B, K))
    inv = rng.integers(0, 10, size=(B, K))
    reg = votes.sum(-1) + aa + inv + rng.integers(1, 300, size=(B, K))
    pr = stations(votes, reg, against_all=aa, invalid=inv, region=np.arange(K) % 2)
    targets = ["s1", "s4", "s7"]
    out = BallotStuffing("C", extreme=1.0, incremental=0.0, units=targets).apply(pr, rng=3)
    out.verify()
    hit = np.isin(np.arange(K), [1, 4, 7])
    new, old = out.election, pr
    turnout_new = new.valid + new.invalid
    turnout_old = old.valid + old.invalid
    # targeted: turnout strictly up (x ~ 0.94, at least 1 abstainer each), never above registered
    assert (turnout_new[:, hit] > turnout_old[:, hit]).all()
    assert (turnout_new <= reg).all()
    # every other unit identical, exactly, in every column
    for name in ("votes", "against_all", "invalid", "registered"):
        assert np.array_equal(getattr(new, name)[:, ~hit], getattr(old, name)[:, ~hit]), name
    assert not out.ledger.votes_added[:, ~hit].any()
    assert not out.ledger.votes_removed[:, ~hit].any()


def test_targeting_a_region_of_an_election() -> None:
    e = es.Election(
        [[500, 300], [200, 100]],
        invalid=[10, 10],
        registered=[1000, 600],
        parties=["A", "B"],
        regions=["North", "South"],
    )
    out = BallotStuffing("B", incremental=0.5, theta=0.3, units="South").apply(e, rng=2)
    out.verify()
    assert out.election.votes[0].tolist() == [500, 300]
    assert out.election.ballots[1] > e.ballots[1]


# =================================================================== data and validation
def test_missing_registered_needs_an_abstainers_assumption() -> None:
    pr = stations([[300, 300], [100, 500]], None)
    stuff = BallotStuffing("A", incremental=1.0, theta=0.5, intensity="fixed", mode="expected")
    with pytest.raises(MissingDataError, match="abstainers"):
        stuff.apply(pr)
    assumed = BallotStuffing(
        "A", incremental=1.0, theta=0.5, intensity="fixed", abstainers=[100, 40], mode="expected"
    )
    out = assumed.apply(pr)
    out.verify()
    assert out.election.registered is None
    assert out.ledger.net_ballots.tolist() == [50, 20]
    # with registered known, the assumption may not exceed registered - ballots (400 here)
    with pytest.raises(ElectsimError, match="abstainers= exceeds"):
        BallotStuffing("A", abstainers=[500]).apply(stations([[300, 300]], [1000]))


def test_unknown_invalid_ballots_are_not_assumed_zero() -> None:
    pr = stations([[300, 300]], [1000], invalid=None)
    with pytest.raises(MissingDataError, match="invalid"):
        BallotStuffing("A", incremental=0.5).apply(pr)
    with pytest.raises(MissingDataError, match="invalidate"):
        BallotStuffing("A", stealing="invalidate", abstainers=[10]).apply(pr)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"incremental": 1.5}, ElectsimError, "incremental"),
        ({"extreme": -0.1}, ElectsimError, "extreme"),
        ({"incremental": 0.7, "extreme": 0.4}, ElectsimError, "exceeds 1"),
        ({"theta": -0.1}, ElectsimError, "theta"),
        ({"theta": 1.5, "intensity": "fixed"}, ElectsimError, "theta"),
        ({"alpha": float("nan")}, ElectsimError, "alpha"),
        ({"extreme_width": -1}, ElectsimError, "extreme_width"),
        ({"intensity": "uniform"}, UnknownMethodError, "intensity"),
        ({"stealing": "burn"}, UnknownMethodError, "stealing"),
        ({"mode": "mean"}, UnknownMethodError, "mode"),
        ({"abstainers": [-1]}, ElectsimError, "abstainers"),
        ({"incremental": [0.1, 0.2], "extreme": [0.1, 0.2, 0.3]}, ShapeMismatchError, "broadcast"),
    ],
)
def test_parameters_are_validated(kwargs: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        BallotStuffing("A", **kwargs)


def test_names_are_validated_at_apply() -> None:
    pr = stations([[300, 300]], [1000])
    with pytest.raises(ElectsimError, match="party"):
        BallotStuffing(True)
    with pytest.raises(UnknownNameError, match="Z"):
        BallotStuffing("Z").apply(pr)
    with pytest.raises(UnknownNameError, match="nowhere"):
        BallotStuffing("A", units="nowhere").apply(pr)
    with pytest.raises(ElectsimError, match="Election or PrecinctResults"):
        BallotStuffing("A").apply([[1, 2]])  # type: ignore[arg-type]


# ===================================================================== batch and seeds
def test_parameter_arrays_broadcast_to_a_batch() -> None:
    pr = stations([[300, 300], [100, 500]], [1000, 1000])
    out = BallotStuffing(
        "A", incremental=np.array([0.0, 0.5, 1.0]), theta=0.5, intensity="fixed", mode="expected"
    ).apply(pr)
    out.verify()
    assert out.election.batch_shape == (3,)
    # stuffed: 0, 0.5 * 0.5 * 800 = 200, 400; stolen from B (800): 0, 200, 400
    assert out.election.votes[:, :, 0].sum(axis=1).tolist() == [400, 800, 1200]
    # a batched election with a matching parameter array: one value per draw
    batched = stations(np.stack([pr.votes] * 3), np.stack([pr.registered] * 3))
    again = BallotStuffing(
        "A", incremental=np.array([0.0, 0.5, 1.0]), theta=0.5, intensity="fixed", mode="expected"
    ).apply(batched)
    assert np.array_equal(again.election.votes, out.election.votes)
    with pytest.raises(ShapeMismatchError):
        BallotStuffing("A", incremental=np.array([0.1, 0.2])).apply(batched)


def test_same_seed_same_result_different_seeds_differ() -> None:
    e = es.datasets.kyrgyzstan_2020_precincts()
    e = e.replace(invalid=np.zeros(e.n_stations, dtype=np.int64), registered=e.valid * 2)
    stuff = BallotStuffing("Birimdik", incremental=0.2, extreme=0.02)
    a, b = stuff.apply(e, rng=7), stuff.apply(e, rng=7)
    c = stuff.apply(e, rng=8)
    assert np.array_equal(a.election.votes, b.election.votes)
    assert not np.array_equal(a.election.votes, c.election.votes)
    g = np.random.default_rng(7)
    assert np.array_equal(stuff.apply(e, rng=g).election.votes, a.election.votes)


def test_composes_with_coercion() -> None:
    e = es.Election([[500, 300], [200, 100]], registered=[1000, 600], parties=["A", "B"])
    plan = compose([Coercion("A", employee_share=0.2), BallotStuffing("A", incremental=0.3)])
    out = plan.apply(e, rng=4)
    out.verify()
    assert out.ledger.mechanism == "compose(coercion(A), stuffing(A))"


# =================================================================== sample vs expected
def test_station_sample_mean_matches_expected_with_negative_control() -> None:
    rng = np.random.default_rng(21)
    K, B = 40, 4000
    votes = rng.integers(50, 400, size=(K, 3))
    reg = votes.sum(-1) + rng.integers(100, 800, size=K)
    pr = stations(votes, reg)
    fi, fe, theta, alpha = 0.3, 0.1, 0.5, 2.0
    stuff = BallotStuffing("A", incremental=fi, extreme=fe, theta=theta, alpha=alpha)
    batch = stations(np.broadcast_to(votes, (B, K, 3)), np.broadcast_to(reg, (B, K)))
    out = stuff.apply(batch, rng=99)
    out.verify()
    stuffed = out.ledger.net_ballots.sum(axis=-1)  # (B,)
    stolen = out.ledger.votes_removed.sum(axis=(-2, -1))
    ps, pt = stuff.expected_rates()
    abst = float((reg - votes.sum(-1)).sum())
    others = float(votes[:, 1:].sum())
    se_s = float(stuffed.std(ddof=1)) / math.sqrt(B)
    se_t = float(stolen.std(ddof=1)) / math.sqrt(B)
    assert ci_check(stuffed, float(ps) * abst, se_s)
    assert ci_check(stolen, float(pt) * others, se_t)
    # the expected mode's integer total is the rounded expectation
    expected_out = BallotStuffing(
        "A", incremental=fi, extreme=fe, theta=theta, alpha=alpha, mode="expected"
    ).apply(pr)
    assert int(expected_out.ledger.net_ballots.sum()) == math.floor(float(ps) * abst + 0.5)
    # NEGATIVE CONTROLS: forgetting the truncation of the half-normal (E[x] = theta sqrt(2/pi))
    # or ignoring the stealing exponent (stealing the share x instead of x**alpha) must fail
    # the same check
    wrong_ps = fi * theta * math.sqrt(2 / math.pi) + fe * float(extreme_moment(0.075, 1.0))
    assert not ci_check(stuffed, wrong_ps * abst, se_s)
    wrong_pt = float(ps)
    assert not ci_check(stolen, wrong_pt * others, se_t)


def test_regional_sample_mean_matches_expected_binomial_ci_with_negative_control() -> None:
    e = es.datasets.kyrgyzstan_2020_regions(invalid_rate="1.5%")
    reg = (e.ballots * 200 + 112) // 113  # turnout 56.5 % (assumption)
    e = e.replace(registered=reg)
    B = 2000
    stuff = BallotStuffing("Kyrgyzstan", incremental=0.1, extreme=0.02, theta=0.1)
    batch = e.replace(
        votes=np.broadcast_to(e.votes, (B, *e.votes.shape)),
        against_all=np.broadcast_to(e.against_all, (B, e.n_regions)),
        invalid=np.broadcast_to(e.invalid, (B, e.n_regions)),
        registered=np.broadcast_to(reg, (B, e.n_regions)),
    )
    out = stuff.apply(batch, rng=5)
    out.verify()
    stuffed = out.ledger.net_ballots.sum(axis=-1)
    ps, _ = stuff.expected_rates()
    p = float(ps)
    abst = reg - e.ballots
    # sum of independent Binomial(A_r, p_s): variance sum A_r p (1 - p)
    se = math.sqrt(float(abst.sum()) * p * (1 - p) / B)
    assert ci_check(stuffed, p * float(abst.sum()), se)
    # NEGATIVE CONTROL: extreme fraud taken as exactly 100 % (E[x_e] = 1 instead of 0.94)
    wrong = float(
        BallotStuffing(
            "A", incremental=0.1, extreme=0.02, theta=0.1, extreme_width=0
        ).expected_rates()[0]
    )
    assert not ci_check(stuffed, wrong * float(abst.sum()), se)


# ==================================================================== Hypothesis invariants
@st.composite
def precinct_results(draw: st.DrawFn) -> es.PrecinctResults:
    batch = draw(st.sampled_from([(), (2,), (2, 2)]))
    K = draw(st.integers(1, 5))
    P = draw(st.integers(2, 3))
    counts = st.integers(0, 60)
    votes = draw(hnp.arrays(np.int64, (*batch, K, P), elements=counts))
    aa = draw(hnp.arrays(np.int64, (*batch, K), elements=st.integers(0, 10)))
    inv = draw(hnp.arrays(np.int64, (*batch, K), elements=st.integers(0, 5)))
    absent = draw(hnp.arrays(np.int64, (*batch, K), elements=st.integers(0, 80)))
    region = draw(hnp.arrays(np.int64, (K,), elements=st.integers(0, 1)))
    return stations(
        votes, votes.sum(-1) + aa + inv + absent, against_all=aa, invalid=inv, region=region
    )


rates = st.floats(0, 1, allow_nan=False)


@settings(derandomize=True, max_examples=20, deadline=None)
@given(width=st.floats(0, 0.5), alpha=st.floats(0, 0.01), seed=st.integers(0, 2**16))
@example(width=0.25, alpha=0.0, seed=0)  # E[x**0] by quadrature was 1.0000000000000002 ("p > 1")
def test_regional_sample_probabilities_never_exceed_one(
    width: float, alpha: float, seed: int
) -> None:
    e = es.Election([[60, 40]], registered=[200], parties="AB")
    stuff = BallotStuffing(
        "A", incremental=0.0, extreme=1.0, alpha=alpha, extreme_width=width, mode="sample"
    )
    ps, pt = stuff.expected_rates()
    assert 0.0 <= float(ps) <= 1.0 and 0.0 <= float(pt) <= 1.0
    out = stuff.apply(e, rng=seed)
    out.verify()
    assert out.election.ballots.item() <= 200


@settings(
    derandomize=True,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    pr=precinct_results(),
    fi=rates,
    fe=rates,
    theta=st.floats(0, 2),
    alpha=st.floats(0, 4),
    width=st.floats(0, 0.5),
    stealing=st.sampled_from(["switch", "invalidate", "none"]),
    include_aa=st.booleans(),
    mode=st.sampled_from(["sample", "expected"]),
    regional=st.booleans(),
    target=st.sampled_from([None, "North", 0]),
    seed=st.integers(0, 2**32 - 1),
)
def test_invariants(
    pr: es.PrecinctResults,
    fi: float,
    fe: float,
    theta: float,
    alpha: float,
    width: float,
    stealing: str,
    include_aa: bool,
    mode: str,
    regional: bool,
    target: str | int | None,
    seed: int,
) -> None:
    fe = min(fe, 1 - fi)
    stuff = BallotStuffing(
        "A",
        incremental=fi,
        extreme=fe,
        theta=theta,
        alpha=alpha,
        extreme_width=width,
        stealing=stealing,  # type: ignore[arg-type]
        include_against_all=include_aa,
        units=target,
        mode=mode,  # type: ignore[arg-type]
    )
    before: Any = pr.to_election() if regional else pr
    out = stuff.apply(before, rng=seed)
    out.verify()  # the ledger balances exactly
    after, led = out.election, out.ledger
    assert after.votes.min(initial=0) >= 0
    assert after.against_all.min(initial=0) >= 0
    # the beneficiary only gains, every other party only loses, never more than it had
    assert not led.votes_removed[..., 0].any()
    assert not led.votes_added[..., 1:].any()
    assert (led.votes_removed <= before.votes).all()
    # turnout rises by at most the abstainers, never falls; registered unchanged
    abst = before.registered - (before.valid + before.invalid)
    assert (led.net_ballots >= 0).all()
    assert (led.net_ballots <= abst).all()
    assert np.array_equal(
        after.registered, np.broadcast_to(before.registered, after.registered.shape)
    )
    # units outside the target are untouched
    mask = np.ones(after.votes.shape[-2], dtype=bool)
    if target == "North":
        mask = (pr.region == 0) if not regional else np.array([True, False])
    elif target == 0:
        mask = np.arange(after.votes.shape[-2]) == 0
    assert not led.votes_added[..., ~mask, :].any()
    assert not led.votes_removed[..., ~mask, :].any()
    assert not led.cost_som.any()
    if stealing == "none":
        assert (led.votes_added[..., 0] == led.net_ballots).all()


# ================================================================== benchmark smoke test
def test_manipulation_benchmark_smoke(tmp_path: Path) -> None:
    out = tmp_path / "manipulation.json"
    proc = run_script(
        BENCHMARK,
        "--n",
        "2000",
        "--chunk",
        "1000",
        "--repeats",
        "1",
        "--out",
        str(out),
        timeout=300,
        warnings_as_errors=False,
    )
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"machine", "parameters", "results", "memory", "summary"} <= set(data)
    for key in ("platform", "cpu_model", "cpu_count", "numpy", "git_commit"):
        assert key in data["machine"]
    assert data["parameters"]["n"] == 2000
    names = {r["benchmark"] for r in data["results"]}
    assert {"perturb", "perturb + allocate"} <= names
    for r in data["results"]:
        assert r["n"] == 2000 and r["seconds"] > 0 and r["draws_per_second"] > 0
    assert data["memory"]["peak_rss_bytes"] > 0
    assert data["memory"]["tracemalloc_peak_bytes_per_chunk"] > 0
    assert "draws/s" in proc.stdout
