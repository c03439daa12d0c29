"""Sobol indices (electsim.sensitivity.sobol): Ishigami closed form, exact step functions,
a parameter without effect, the per-element national threshold against allocate(), bad input."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

import electsim as es
from electsim.errors import ElectsimError, ShapeMismatchError, TieError, UnknownNameError
from electsim.manipulation.vote_buying import VoteBuying
from electsim.sensitivity.sobol import (
    SobolResult,
    _bca,
    _indices,
    _jackknife,
    allocate_national_rates,
    seats_function,
    sobol,
)

from _support import REPO_ROOT

EXAMPLES = REPO_ROOT / "examples"
D = 10**6  # quantisation of rates in allocate_national_rates


# ============================================================================ (a) Ishigami
def ishigami(p: dict[str, np.ndarray], a: float = 7.0, b: float = 0.1) -> np.ndarray:
    x1, x2, x3 = p["x1"], p["x2"], p["x3"]
    return np.asarray(np.sin(x1) + a * np.sin(x2) ** 2 + b * x3**4 * np.sin(x1))


def ishigami_exact(a: float = 7.0, b: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Closed form for X_i ~ U(-pi, pi) (Ishigami & Homma 1990; Saltelli et al. 2008, *Global
    Sensitivity Analysis. The Primer*, §4.9; also scipy's ``ishigami_ref_indices``):

    V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,  V1 = (1 + b pi^4/5)^2 / 2,  V2 = a^2/8,  V3 = 0,
    V13 = b^2 pi^8 (1/18 - 1/50) = 8 b^2 pi^8 / 225,  VT1 = V1 + V13,  VT2 = V2,  VT3 = V13.
    """
    pi = np.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1 = 0.5 * (1 + b * pi**4 / 5) ** 2
    v2 = a**2 / 8
    v13 = 8 * b**2 * pi**8 / 225
    return np.array([v1, v2, 0.0]) / v, np.array([v1 + v13, v2, v13]) / v


ISHIGAMI_PARAMS = {k: stats.uniform(-np.pi, 2 * np.pi) for k in ("x1", "x2", "x3")}


def inside(value: np.ndarray, interval: np.ndarray, tol: float = 0.0) -> np.ndarray:
    return np.asarray((interval[..., 0] - tol <= value) & (value <= interval[..., 1] + tol))


def test_ishigami_closed_form_values() -> None:
    # the published rounded values (Saltelli et al. 2008): S1 = (0.3139, 0.4424, 0),
    # ST = (0.5576, 0.4424, 0.2437)
    s1, st = ishigami_exact()
    np.testing.assert_allclose(s1, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(st, [0.5576, 0.4424, 0.2437], atol=5e-5)


@pytest.fixture(scope="module")
def ishigami_result() -> SobolResult:
    return sobol(ishigami, ISHIGAMI_PARAMS, n=2048, rng=12345)


def test_ishigami_indices_inside_bootstrap_intervals(ishigami_result: SobolResult) -> None:
    res = ishigami_result
    s1, st = ishigami_exact()
    assert res.first_order.shape == res.total_order.shape == (1, 3)
    assert inside(s1, res.first_order_interval[0], tol=0.01).all(), res
    assert inside(st, res.total_order_interval[0], tol=0.01).all(), res
    # the point estimates are close too (n = 2048 is small; half-widths are ~0.04)
    np.testing.assert_allclose(res.first_order[0], s1, atol=0.06)
    np.testing.assert_allclose(res.total_order[0], st, atol=0.06)
    # the variance V = 13.8446 (closed form above) lies in its interval
    v = 7.0**2 / 8 + 0.1 * np.pi**4 / 5 + 0.01 * np.pi**8 / 18 + 0.5
    assert inside(np.array(v), res.variance_interval[0])
    # mean of Y: E sin^2 = 1/2, the odd terms vanish -> a/2 = 3.5
    assert abs(res.mean[0] - 3.5) < 0.1


def test_ishigami_negative_control(ishigami_result: SobolResult) -> None:
    res = ishigami_result
    s1, _ = ishigami_exact()
    # swapping the first-order indices of x1 and x2 (0.44 vs 0.31) must be detected
    assert not inside(s1[[1, 0]], res.first_order_interval[0, :2]).any()
    # claiming x3 has no total effect (ST3 = 0 instead of 0.2437) must be detected
    assert not inside(np.array(0.0), res.total_order_interval[0, 2])
    # ... and so must ST1 = S1 (ignoring the x1-x3 interaction of 0.2437)
    assert not inside(np.array(s1[0]), res.total_order_interval[0, 0])


def test_point_estimates_equal_scipy_and_our_statistic() -> None:
    # scipy's own sobol_indices with the same seed and design gives the same point estimates
    res = sobol(ishigami, ISHIGAMI_PARAMS, n=256, n_resamples=50, rng=7)
    ref = stats.sobol_indices(
        func=lambda x: ishigami({"x1": x[0], "x2": x[1], "x3": x[2]}),
        n=256,
        dists=list(ISHIGAMI_PARAMS.values()),
        rng=np.random.default_rng(7),
    )
    np.testing.assert_array_equal(res.first_order[0], ref.first_order)
    np.testing.assert_array_equal(res.total_order[0], ref.total_order)
    # our bootstrap statistic at the identity resample reproduces them (saltelli_2010 formulas)
    f_a = ref._f_A
    stat = _indices(f_a, ref._f_B, ref._f_AB, np.arange(256))
    np.testing.assert_allclose(stat[:3], ref.first_order, rtol=1e-12)
    np.testing.assert_allclose(stat[3:6], ref.total_order, rtol=1e-12)


def test_jackknife_and_bca_equal_brute_force_and_scipy() -> None:
    rng = np.random.default_rng(11)
    n, s, d = 40, 2, 3
    f_a, f_b = rng.normal(size=(s, n)), rng.normal(size=(s, n))
    f_ab = rng.normal(size=(d, s, n))
    f_ab[1] = f_a  # a parameter without effect: its indices are exactly 0
    jack = _jackknife(f_a, f_b, f_ab)
    # brute force: leave row j out of A, B and A_B
    for j in range(n):
        keep = np.delete(np.arange(n), j)
        np.testing.assert_allclose(jack[:, j], _indices(f_a, f_b, f_ab, keep), atol=1e-12)
    # BCa: scipy.stats.bootstrap on the same bootstrap distribution (n_resamples=0 reuses it)
    est = _indices(f_a, f_b, f_ab, np.arange(n))
    dist = _indices(f_a, f_b, f_ab, rng.integers(0, n, (500, n)))
    low, high = _bca(est, dist, jack, 0.025)  # alpha = (1 - 0.95) / 2

    class Previous:
        bootstrap_distribution = dist

    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        with np.errstate(all="ignore"):
            ref = stats.bootstrap(
                (np.arange(n),),
                lambda idx, axis=-1: _indices(f_a, f_b, f_ab, np.asarray(idx)),
                n_resamples=0,
                vectorized=True,
                bootstrap_result=Previous(),
                method="BCa",
            )
    ok = np.isfinite(ref.confidence_interval.low)
    assert ok.sum() == len(est) - 2 * s  # scipy gives NaN for the zero indices of parameter 1
    np.testing.assert_allclose(low[ok], ref.confidence_interval.low[ok], rtol=1e-10)
    np.testing.assert_allclose(high[ok], ref.confidence_interval.high[ok], rtol=1e-10)
    zero = np.zeros(len(est), dtype=bool)
    zero[[1, 4, 7, 10]] = True  # (output, parameter 1) in the S1 and ST blocks
    np.testing.assert_array_equal(low[zero], 0.0)
    np.testing.assert_array_equal(high[zero], 0.0)


def test_seeded_results_are_reproducible() -> None:
    a = sobol(ishigami, ISHIGAMI_PARAMS, n=256, n_resamples=99, rng=3)
    b = sobol(ishigami, ISHIGAMI_PARAMS, n=256, n_resamples=99, rng=np.random.default_rng(3))
    np.testing.assert_array_equal(a.first_order_interval, b.first_order_interval)
    np.testing.assert_array_equal(a.total_order_interval, b.total_order_interval)
    c = sobol(ishigami, ISHIGAMI_PARAMS, n=256, n_resamples=99, rng=4)
    assert not np.array_equal(a.first_order, c.first_order)


def test_linear_model_hand_values_and_exports() -> None:
    # Y = X1 + 2 X2 + 0 X3, X ~ U(0,1): variances 1/12 : 4/12 : 0 -> S = ST = (0.2, 0.8, 0)
    res = sobol(
        lambda p: np.stack([p["a"] + 2 * p["b"], 3 * p["a"]]),
        {"a": stats.uniform(), "b": stats.uniform(), "c": stats.uniform()},
        n=1024,
        outputs=["y", "three_a"],
        n_resamples=199,
        rng=0,
    )
    np.testing.assert_allclose(res.first_order, [[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]], atol=0.02)
    np.testing.assert_allclose(res.total_order, [[0.2, 0.8, 0.0], [1.0, 0.0, 0.0]], atol=0.02)
    # c has no effect: every resample gives exactly 0 -> interval [0, 0]
    np.testing.assert_array_equal(res.first_order_interval[:, 2], 0.0)
    np.testing.assert_array_equal(res.total_order_interval[:, 2], 0.0)
    recs = res.to_records()
    assert len(recs) == 6 and recs[0]["output"] == "y" and recs[0]["parameter"] == "a"
    json.dumps(recs)
    assert res.index("three_a", "a")["first_order"] == pytest.approx(1.0, abs=0.02)
    assert res.n_evaluations == 1024 * 5
    text = str(res)
    assert "three_a" in text and "S1" in text and "95 % interval" in text
    # mean of 3a: 3/2; variance 9/12 = 0.75
    assert res.mean[1] == pytest.approx(1.5, abs=0.01)
    assert res.variance[1] == pytest.approx(0.75, abs=0.01)


def test_mapping_outputs_and_selection() -> None:
    res = sobol(
        lambda p: {"u": p["x"], "v": p["x"] > 0.5, "w": 0 * p["x"]},
        {"x": stats.uniform()},
        n=256,
        outputs=["v", "w"],
        n_resamples=50,
        rng=1,
    )
    assert res.outputs == ("v", "w")
    # an indicator of x alone: S1 = ST = 1; a constant output: indices 0, variance 0
    np.testing.assert_allclose(res.first_order[0], [1.0], atol=1e-9)
    np.testing.assert_allclose(res.total_order[0], [1.0], atol=1e-9)
    assert res.first_order[1, 0] == res.total_order[1, 0] == 0.0
    assert res.variance[1] == 0.0


# ================================================================== electsim models, fixtures
@pytest.fixture(scope="module")
def kg() -> es.Election:
    return es.datasets.kyrgyzstan_2020()


@pytest.fixture(scope="module")
def kg_system() -> es.ElectoralSystem:
    # national data only: the regional threshold cannot be applied; ties are resolved
    return es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")


def critical_k(election: es.Election, base: int) -> list[int]:
    """K_p = floor(v_p * D / B): with k = rint(rate * D), party p passes iff k <= K_p
    (v_p >= ceil(k B / D)  <=>  v_p D >= k B)."""
    return [int(v) * D // base for v in election.national_votes]


# ===================================================== allocate_national_rates vs allocate()
def test_per_element_rates_equal_allocate_one_by_one(
    kg: es.Election, kg_system: es.ElectoralSystem
) -> None:
    base = int(kg.national_ballots)
    ks = critical_k(kg, base)
    # every critical rate, one unit above it, and random rates
    rng = np.random.default_rng(0)
    k_all = sorted(
        {k for K in ks for k in (K, K + 1) if k <= D} | set(rng.integers(0, 150_000, 40).tolist())
    )
    rates = np.array(k_all) / D
    got = allocate_national_rates(kg, kg_system, rates)
    for row, k in zip(got, k_all, strict=True):
        ref = es.allocate(kg, kg_system.replace(national=es.Threshold(Fraction(k, D))))
        assert row.tolist() == ref.seats.tolist(), k


def test_per_element_rates_with_regional_threshold_cap_and_batch() -> None:
    e = es.datasets.kyrgyzstan_2020_regions("1.6%")
    system = es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index")
    budgets = np.array([0, 5e7, 2e8, 4e8])
    batch = (
        VoteBuying(
            "Birimdik", strategy="switch", budget_som=budgets, price_som=2000, mode="expected"
        )
        .apply(e)
        .election
    )
    rates = np.array([0.07, 0.05, 0.0713, 0.09])
    got = allocate_national_rates(batch, system, rates)
    for i, r in enumerate(rates):
        ref = es.allocate(
            batch.select(i),
            system.replace(national=es.Threshold(Fraction(round(r * D), D), base="ballots")),
        )
        assert got[i].tolist() == ref.seats.tolist()
    assert got.max() <= 65  # the cap holds; 4e8 som at 2,000 som buys up to 200,000 votes


def test_per_element_rates_strict_threshold_and_ties() -> None:
    # 1,000 ballots; A has exactly 7 % = 70 votes: passes "7 % or more", fails "more than 7 %"
    e = es.Election([500, 430, 70], parties="ABC")
    s = es.ElectoralSystem(10, "hare", national=es.Threshold("7%"), tie_break="lowest_index")
    assert allocate_national_rates(e, s, [0.07])[0, 2] == 1  # 10 * 70/1000 = 0.7 -> 1 seat
    s2 = s.replace(national=es.Threshold("7%", inclusive=False))
    assert allocate_national_rates(e, s2, [0.07])[0, 2] == 0
    tie = es.Election([100, 100], parties="AB")
    s3 = es.ElectoralSystem(1, "hare", national=es.Threshold("1%"), tie_break="raise")
    with pytest.raises(TieError, match="A, B"):
        allocate_national_rates(tie, s3, [0.01, 0.02])


# ============================================ (b) one-dimensional cut: exact step function
def exact_pieces(
    election: es.Election, system: es.ElectoralSystem, lo: Fraction, hi: Fraction, party: int
) -> list[tuple[Fraction, int]]:
    """(length, seats of ``party``) for the pieces of [lo, hi] on which the eligible set is
    constant.  A rate r is quantised to k = rint(r D); party p passes iff k <= K_p, i.e. iff
    r < (K_p + 1/2)/D: the breakpoints are c_p = (K_p + 1/2)/D.  Each piece's seats come from
    allocate() with the exact threshold k/D of an interior point."""
    base = int(election.national_ballots)
    cuts = sorted({Fraction(2 * K + 1, 2 * D) for K in critical_k(election, base)})
    edges = [lo] + [c for c in cuts if lo < c < hi] + [hi]
    out = []
    for a, b in itertools.pairwise(edges):
        k = round((a + b) / 2 * D)
        seats = es.allocate(election, system.replace(national=es.Threshold(Fraction(k, D))))
        out.append((b - a, int(seats.seats[party])))
    return out


def test_exact_step_function_matches_a_fine_grid(
    kg: es.Election, kg_system: es.ElectoralSystem
) -> None:
    # brute force: allocate() at every 0.01 % from 3 % to 9 % (601 exact rates)
    lo, hi = Fraction(3, 100), Fraction(9, 100)
    pieces = exact_pieces(kg, kg_system, lo, hi, party=0)
    ends = np.cumsum([float(length) for length, _ in pieces]) + 0.03
    for j in range(300, 901):
        t = Fraction(j, 10_000)
        seats = int(es.allocate(kg, kg_system.replace(national=es.Threshold(t))).seats[0])
        piece = int(np.searchsorted(ends, float(t), side="right"))
        piece = min(piece, len(pieces) - 1)
        assert seats == pieces[piece][1], t
    # the published parliament at 7 %: Birimdik 46 seats (CEC, 5 Oct 2020)
    assert int(es.allocate(kg, kg_system).seats[0]) == 46


def test_one_parameter_cut_indices_and_exact_variance(
    kg: es.Election, kg_system: es.ElectoralSystem
) -> None:
    lo, hi = Fraction(3, 100), Fraction(9, 100)
    f = seats_function(kg, kg_system, parties=["Birimdik"], national_rate="t")
    res = sobol(f, {"t": stats.uniform(0.03, 0.06)}, n=1024, rng=2020)
    # a single parameter explains everything: S1 = ST = 1 (up to the estimator's noise)
    assert inside(np.array(1.0), res.first_order_interval[0, 0], tol=0.01)
    assert inside(np.array(1.0), res.total_order_interval[0, 0], tol=0.01)
    # exact mean and variance of the step function over U(3 %, 9 %)
    pieces = exact_pieces(kg, kg_system, lo, hi, party=0)
    width = hi - lo
    assert sum(length for length, _ in pieces) == width
    mean = sum(length * y for length, y in pieces) / width
    var = sum(length * (y - mean) ** 2 for length, y in pieces) / width
    assert len({y for _, y in pieces}) >= 5  # a real step function (several seat values)
    assert inside(np.array(float(var)), res.variance_interval[0]), (float(var), res)
    # mean: within 4 standard errors of an iid mean over the 2n points (QMC does better)
    assert abs(res.mean[0] - float(mean)) < 4 * np.sqrt(float(var) / 2048)
    # negative control: the variance of the wrong party's step function is rejected
    wrong = exact_pieces(kg, kg_system, lo, hi, party=2)  # Kyrgyzstan: variance 12.7 vs 52.9
    wm = sum(length * y for length, y in wrong) / width
    wv = sum(length * (y - wm) ** 2 for length, y in wrong) / width
    assert not inside(np.array(float(wv)), res.variance_interval[0])


# ================================================ (c) a parameter without effect on the seats
def test_parameter_without_effect_gets_zero_indices(
    kg: es.Election, kg_system: es.ElectoralSystem
) -> None:
    # the Afghanistan veterans' party (3,459 votes) buys up to 1,000 votes from Ordo (4,395):
    # switching keeps the ballots (the threshold base) and both parties stay far below 3 %
    # (59,723 votes), so no eligible party's votes and no threshold change: no effect at all.
    def perturb(e: es.Election, p: dict[str, np.ndarray]) -> Any:
        return VoteBuying(
            "AFG",
            strategy="switch",
            sources=["Ordo"],
            budget_som=p["budget"],
            price_som=2000,
            offer_rate=1.0,
            mode="expected",
        ).apply(e)

    f = seats_function(
        kg,
        kg_system,
        parties=["Butun Kyrgyzstan", "Mekenchil"],
        majorities=[("pro-government", "two_thirds")],
        national_rate="t",
        perturb=perturb,
    )
    res = sobol(f, {"t": stats.uniform(0.03, 0.06), "budget": stats.uniform(0, 2e6)}, n=512, rng=1)
    assert res.outputs == ("seats Butun Kyrgyzstan", "seats Mekenchil", "pro-government >= 80")
    for i in range(2):
        assert res.first_order[i, 1] == pytest.approx(0.0, abs=1e-12)
        assert res.total_order[i, 1] == pytest.approx(0.0, abs=1e-12)
        assert inside(np.array(0.0), res.first_order_interval[i, 1])
        assert inside(np.array(0.0), res.total_order_interval[i, 1])
        # while the threshold explains (almost) all the variance
        assert res.total_order_interval[i, 0, 1] > 0.9
    # the perturbation really happened: 2e6 som / 2,000 som = 1,000 paid voters, of whom the
    # default compliance 0.3 + 0.7 * 0.5 = 0.65 switch: 650 votes
    out = perturb(kg, {"budget": np.array([2e6])})
    assert int(out.election.national_votes[0, 15]) == 3459 + 650


def test_budget_with_effect_is_detected(kg: es.Election, kg_system: es.ElectoralSystem) -> None:
    # Birimdik buys up to 200,000 switched votes: its seats depend on the budget
    def perturb(e: es.Election, p: dict[str, np.ndarray]) -> Any:
        return VoteBuying(
            "Birimdik", strategy="switch", budget_som=p["budget"], price_som=2000, mode="expected"
        ).apply(e)

    f = seats_function(kg, kg_system, parties=["Birimdik"], perturb=perturb)
    res = sobol(f, {"budget": stats.uniform(0, 4e8), "dummy": stats.uniform()}, n=256, rng=5)
    assert res.first_order_interval[0, 0, 0] > 0.8
    np.testing.assert_array_equal(res.total_order_interval[0, 1], 0.0)


# ===================================================================== (d) bad input
def test_bad_parameters_name_the_parameter() -> None:
    with pytest.raises(ElectsimError, match="empty"):
        sobol(ishigami, {})
    with pytest.raises(ElectsimError, match="mapping"):
        sobol(ishigami, [stats.uniform()])  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match=r"'x2'.*not a distribution"):
        sobol(ishigami, {"x1": stats.uniform(), "x2": 0.5})
    with pytest.raises(ElectsimError, match="'x1'"):
        sobol(ishigami, {"x1": stats.multivariate_normal([0, 0])})
    with pytest.raises(ElectsimError, match="callable"):
        sobol(3, {"x": stats.uniform()})  # type: ignore[arg-type]


def test_bad_settings() -> None:
    p = {"x": stats.uniform()}
    for n in (1000, 0, 8, 2.0, True):
        with pytest.raises(ElectsimError, match="n="):
            sobol(lambda q: q["x"], p, n=n)  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="confidence_level"):
        sobol(lambda q: q["x"], p, n=64, confidence_level=1.5)
    with pytest.raises(ElectsimError, match="n_resamples"):
        sobol(lambda q: q["x"], p, n=64, n_resamples=3)
    with pytest.raises(ElectsimError, match="rng"):
        sobol(lambda q: q["x"], p, n=64, rng="seed")  # type: ignore[arg-type]


def test_bad_outputs() -> None:
    p = {"x": stats.uniform()}
    with pytest.raises(ShapeMismatchError, match="shape"):
        sobol(lambda q: q["x"][:-1], p, n=64)
    with pytest.raises(ShapeMismatchError, match="shape"):
        sobol(lambda q: np.ones((2, 3, len(q["x"]))), p, n=64)
    with pytest.raises(ElectsimError, match="NaN"):
        sobol(lambda q: np.where(q["x"] > 0.5, np.nan, 1.0), p, n=64)
    with pytest.raises(ShapeMismatchError, match="names 2 outputs"):
        sobol(lambda q: q["x"], p, n=64, outputs=["a", "b"])
    with pytest.raises(ElectsimError, match="'z'"):
        sobol(lambda q: {"y": q["x"]}, p, n=64, outputs=["z"])
    with pytest.raises(ShapeMismatchError, match="output 'y'"):
        sobol(lambda q: {"y": q["x"][:3]}, p, n=64)
    with pytest.raises(ElectsimError, match="dtype"):
        sobol(lambda q: np.array(["a"] * len(q["x"])), p, n=64)
    with pytest.raises(ElectsimError, match="distinct"):
        sobol(lambda q: q["x"], p, n=64, outputs=["a", "a"])


def test_bad_electsim_model_input(kg: es.Election, kg_system: es.ElectoralSystem) -> None:
    with pytest.raises(UnknownNameError):
        seats_function(kg, kg_system, parties=["Nobody"])
    with pytest.raises(UnknownNameError, match="bloc 'centre'"):
        seats_function(kg, kg_system, majorities=[("centre", "simple")])
    with pytest.raises(ElectsimError, match="at least one output"):
        seats_function(kg, kg_system)
    with pytest.raises(ElectsimError, match="national_rate"):
        seats_function(kg, kg_system.replace(national=None), parties=[0], national_rate="t")
    f = seats_function(kg, kg_system, parties=[0], national_rate="t")
    with pytest.raises(UnknownNameError, match="national_rate='t'"):
        sobol(f, {"budget": stats.uniform()}, n=64)
    with pytest.raises(ElectsimError, match="rates"):
        allocate_national_rates(kg, kg_system, [0.07, 1.5])
    with pytest.raises(ShapeMismatchError, match="rates has shape"):
        allocate_national_rates(kg, kg_system, np.zeros((2, 2)))
    three = es.Election(np.full((3, 1, 2), 100), parties="AB")
    with pytest.raises(ShapeMismatchError, match="batch shape"):
        allocate_national_rates(three, kg_system, [0.07, 0.05])
    with pytest.raises(ElectsimError, match="no national threshold"):
        allocate_national_rates(kg, kg_system.replace(national=None), [0.07])


# ================================================================================ flags
def test_near_constant_output_is_flagged_not_printed() -> None:
    # an indicator that is 1 on 0.5 % of the points: Var = p (1 - p) ~ 0.005, resting on ~5 of
    # the 1,024 points (mode share 0.995 >= 0.99)
    res = sobol(
        lambda p: (p["x"] > 0.995).astype(float) + 0 * p["y"],
        {"x": stats.uniform(), "y": stats.uniform()},
        n=512,
        n_resamples=99,
        rng=1,
    )
    assert res.near_constant.tolist() == [True] and res.flagged
    assert 0.99 <= res.mode_share[0] < 1
    text = str(res)
    assert "not meaningful" in text and "--" in text and "increase n" not in text
    assert {r["flag"] for r in res.to_records()} == {"near-constant output"}


def test_index_outside_unit_interval_is_flagged() -> None:
    # Y = exp(12 X) (1 + Z) with n = 16: the S1 estimate of X is a ratio of two noisy sums of a
    # heavy-tailed output; its bootstrap interval reaches 1.55, beyond [0, 1] (an index is a
    # share of variance)
    res = sobol(
        lambda p: np.exp(12 * p["x"]) * (1 + p["z"]),
        {"x": stats.uniform(), "z": stats.uniform()},
        n=16,
        n_resamples=99,
        rng=0,
    )
    assert res.out_of_range[0, 0] and not res.near_constant[0]
    hi = max(res.first_order_interval[0, 0, 1], res.total_order_interval[0, 0, 1])
    lo = min(res.first_order_interval[0, 0, 0], res.total_order_interval[0, 0, 0])
    assert hi > 1.05 or lo < -0.05  # the flag's definition, checked on the stored numbers
    text = str(res)
    assert "increase n" in text and "!" in text
    assert res.to_records()[0]["flag"] == "out of range"
    assert res._repr_html_().startswith('<pre class="electsim">')


def test_well_estimated_indices_are_not_flagged(ishigami_result: SobolResult) -> None:
    # negative control: the Ishigami indices at n = 2048 are all within [0, 1]
    assert not ishigami_result.flagged
    assert "!" not in str(ishigami_result) and "not meaningful" not in str(ishigami_result)


# ================================================================================ example
def test_example_runs_and_prints_checked_numbers() -> None:
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / "sobol_2020.py")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # at 7 % and no vote buying: the CEC's preliminary parliament of 5 Oct 2020
    # (BRM 46, MKK 45, KYR 16, BUT 13; https://for.kg/news-669682-ru.html)
    laws = out.split("== Law: ")
    assert [chunk.split("\n")[0] for chunk in laws[1:]] == [
        "national threshold 7 % (2020)",
        "national threshold 5 % (2021 draft)",
        "national threshold 3 % (Oct 2020 bill)",
    ]
    assert "baseline (no buying): BRM 46 MKK 45 KYR 16 BUT 13\n" in laws[1]
    # 5 % of 1,990,753 = 99,537.65: six lists pass (RES 115,288); Hare on their 1,530,878
    # votes: quotas 38.228, 37.263, 13.664, 11.126, 10.682, 9.037 -> floors 118, remainders
    # to KYR (.664) and MCH (.682)
    assert "baseline (no buying): BRM 38 MKK 37 KYR 14 BUT 11 MCH 11 RES 9\n" in laws[2]
    # n = 1024 and d = 2 behavioural parameters: 1024 * (2 + 2) = 4,096 model evaluations
    assert out.count("4,096 model evaluations") == 3
    # the threshold is a policy lever, never an uncertain input
    rows = [line.split() for line in out.splitlines() if line.startswith("seats Birimdik  ")]
    params = {row[2] for row in rows if row[2] != "mean"}
    assert params == {"budget_som", "compliance"}
    # at 7 % no budget gives Mekenchil a seat: a constant output is flagged, not printed
    assert "seats Mekenchil         mean 0, variance 0; near-constant" in laws[1]
    for name in ("seats Butun Kyrgyzstan", "pro-government >= 80"):
        assert name in out
