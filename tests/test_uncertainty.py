"""The layered uncertainty model: each layer alone, composition, reproducibility, provenance.

Expected values come from hand calculation (formulas in the comments), from sums of the bundled
CSV files read with the csv module, or from the exact allocation of the 2020 law at fixed
invalid rates; statistical checks use fixed seeds, intervals and negative controls.
"""

from __future__ import annotations

import csv
import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from fractions import Fraction
from importlib import resources
from typing import Any

import numpy as np
import pytest
from scipy import stats  # type: ignore[import-untyped]

import electsim as es
from electsim.errors import ElectsimError, ElectsimWarning, ShapeMismatchError, UnknownNameError
from electsim.simulate import SimulationResult, simulate
from electsim.uncertainty import (
    CountingError,
    DirichletMultinomial,
    InvalidRate,
    Manipulation,
    MissingStations,
    Swing,
    UncertaintyModel,
)

from _support import REPO_ROOT, Z999, binomial_ok

MCH, BUT = 4, 3  # Mekenchil, Butun Kyrgyzstan in the CEC's party order
LAW = es.presets.kyrgyzstan_2020().replace(tie_break="lowest_index")


# ------------------------------------------------------------------ (a) counting error
def test_counting_error_alone_mekenchil_never_passes_on_cec_data() -> None:
    # CEC: Mekenchil 136,276 needs 7 % of 1,990,753 = 139,352.71, 3,077 votes more.  Counting
    # error at rate 0.001 moves a count with sd sqrt(n eps p (1-p) (2 - eps)) ~ 16 votes
    # (test below): 3,077 votes are ~190 sd away.  Butun Kyrgyzstan is 2,587 votes (~160 sd) clear.
    cec = es.datasets.kyrgyzstan_2020()
    law = LAW.replace(regional=None)
    r = simulate(cec, law, 2_000, uncertainty=[CountingError()], rng=3)
    assert r.prob_pass[MCH] == 0.0 and r.prob_pass[BUT] == 1.0
    assert (r.seats[:, :4] == [46, 45, 16, 13]).all()
    # the layer does move the counts (otherwise the test proves nothing)
    d = CountingError().draw(cec, 50, np.random.default_rng(0))
    assert len(set(d.votes[:, 0, MCH].tolist())) > 5
    assert (d.ballots == 1_990_753).all()


def test_counting_error_variance_matches_hand_formula() -> None:
    # c = (300, 700), n = 1000, eps = 0.1: X' = c - E + A with E ~ Bin(c, eps) and
    # A | M ~ Bin(M, p), M = sum E: E X' = c, Var X' = n eps (1 - eps) p (1 - p)
    # + n eps p (1 - p) = n eps p (1 - p) (2 - eps) = 1000 * 0.1 * 0.21 * 1.9 = 39.9.
    e = es.Election([[300, 700]], parties="AB")
    m = 40_000
    x = CountingError(0.1).draw(e, m, np.random.default_rng(5)).votes[:, 0, 0].astype(float)
    assert abs(x.mean() - 300) < Z999 * math.sqrt(39.9 / m)
    assert abs(x.var(ddof=1) / 39.9 - 1) < 5 * math.sqrt(2 / m)
    # negative control: the variance of a single binomial thinning (factor 1 - eps, 18.9) fails
    assert abs(x.var(ddof=1) / 18.9 - 1) > 5 * math.sqrt(2 / m)


# ------------------------------------------------------------------ (b) invalid rate
def _region_valid_from_csv() -> list[int]:
    text = (
        resources.files("electsim.datasets") / "data" / "kyrgyzstan_2020_precincts.csv"
    ).read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    counts = [c for c in rows[0] if c not in ("station", "region", "form2_share")]
    totals: dict[str, int] = {}
    for row in rows:
        totals[row["region"]] = totals.get(row["region"], 0) + sum(int(row[c]) for c in counts)
    return list(totals.values())


def crossing_rate() -> Fraction:
    """The smallest invalid rate at which Mekenchil fails, computed by hand from the CSV.

    Mekenchil (132,807) passes 7 % of the voters who took part iff the invalid ballots are at
    most 9,897 (132,807/0.07 - 1,887,345 = 9,897.86).  With ratio q = r/(1 - r), region i gets
    round_half_up(v_i q) invalid ballots; the total first reaches 9,898 at a step
    q = (k - 1/2)/v_i.  Returns r* = q*/(1 + q*): Mekenchil passes iff r < r*.
    """
    valid = _region_valid_from_csv()
    assert sum(valid) == 1_887_345

    def total(q: Fraction) -> int:
        return sum(math.floor(v * q + Fraction(1, 2)) for v in valid)

    steps = sorted({Fraction(2 * k - 1, 2 * v) for v in valid for k in range(1, v * 6 // 1000 + 2)})
    q = next(s for s in steps if total(s) >= 9_898)
    return q / (1 + q)


def test_invalid_rate_crossing_is_0_52_percent() -> None:
    r_star = crossing_rate()
    assert Fraction(52, 10_000) < r_star < Fraction(522, 100_000)
    # the exact allocation of the 2020 law at fixed rates on either side agrees
    for rate, passes in (("0.52%", True), ("0.5216%", True), ("0.5217%", False), ("0.53%", False)):
        e = es.datasets.kyrgyzstan_2020_regions(rate)
        assert bool(es.allocate(e, LAW).eligible[MCH]) is passes, rate
    assert float(r_star) == pytest.approx(0.0052168, abs=2e-7)


def test_invalid_rate_layer_alone_reproduces_the_crossing() -> None:
    r_star = float(crossing_rate())
    e = es.datasets.kyrgyzstan_2020_regions(0)
    n = 3_000
    dist = stats.uniform(0.0, 0.02)
    r = simulate(e, LAW, n, uncertainty=[InvalidRate(dist)], rng=2020, seed_block=512)
    rates = r.parameters["invalid_rate"]
    assert rates.shape == (n,) and rates.min() >= 0 and rates.max() < 0.02
    # draw by draw: Mekenchil passes exactly when the drawn rate is below the crossing
    assert (r.eligible[:, MCH] == (rates < r_star)).all()
    # and P(pass) is the distribution's mass below the crossing, r*/0.02 = 0.2608
    p = float(dist.cdf(r_star))
    assert binomial_ok(int(r.eligible[:, MCH].sum()), n, p)
    assert not binomial_ok(int(r.eligible[:, MCH].sum()), n, p + 0.04)  # negative control
    # Butun Kyrgyzstan needs > 5 % invalid ballots to fail: never within [0, 2 %)
    assert r.prob_pass[BUT] == 1.0


def test_invalid_rate_point_mass_equals_fixed_assumption() -> None:
    # a constant rate reproduces kyrgyzstan_2020_regions(rate) exactly (0.015 = 3/200 is exact
    # enough in float64: v * 3/197 is never within 1e-12 of a half-integer for these v)
    e0 = es.datasets.kyrgyzstan_2020_regions(0)
    d = InvalidRate(0.015).draw(e0, 2, np.random.default_rng(0))
    fixed = es.datasets.kyrgyzstan_2020_regions("1.5%")
    assert d.invalid.tolist() == [fixed.invalid.tolist()] * 2  # type: ignore[union-attr]


# ------------------------------------------------------------------ (b) missing stations
def test_missing_stations_hot_deck_by_hand() -> None:
    # stations (60, 40) and (10, 90); 3 stations added: A gets 70 + 60 a + 10 (3 - a) with
    # a ~ Bin(3, 1/2), so A in {100, 150, 200, 250}, mean 175, sd 50 * sqrt(3/4)
    pr = es.PrecinctResults(
        [[60, 40], [10, 90]], region=[0, 0], regions=["R"], parties="AB", invalid=[0, 0]
    )
    e = pr.to_election()
    m = 4_000
    layer = MissingStations(pr, 3)
    d, rec = layer.apply(
        e.replace(votes=np.broadcast_to(e.votes, (m, 1, 2))), np.random.default_rng(1)
    )
    a = d.votes[:, 0, 0]
    assert set(a.tolist()) <= {100, 150, 200, 250}
    assert (d.valid[:, 0] == 500).all() and (rec["missing_valid"] == 300).all()
    assert abs(a.mean() - 175) < Z999 * 50 * math.sqrt(0.75 / m)
    assert not abs(a.mean() - 185) < Z999 * 50 * math.sqrt(0.75 / m)  # negative control
    assert d.registered is None


def test_missing_stations_on_2020_regions() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    e = es.datasets.kyrgyzstan_2020_regions("1.5%")
    rec = es.datasets.kyrgyzstan_2020_reconciliation()
    layer = MissingStations(pr, rec.stations_missing)
    d, got = layer.apply(
        e.replace(votes=np.broadcast_to(e.votes, (20, 10, 16))), np.random.default_rng(2)
    )
    added = d.valid.sum(axis=1) - e.valid.sum()
    assert (added == got["missing_valid"]).all()
    # only domestic stations are drawn: the abroad unit never changes
    assert (d.valid[:, -1] == e.valid[-1]).all()
    # 61 domestic stations of at most max(station valid) each
    dom = np.array([pr.regions[k].in_regional_threshold for k in pr.region])
    assert (added <= 61 * pr.valid[dom].max()).all() and (added >= 61).all()
    # invalid ballots of the added stations: the region's 1.5 % (within rounding)
    ratio = np.asarray(d.invalid)[:, :-1] / d.valid[:, :-1]
    assert np.allclose(ratio, 0.015 / 0.985, atol=1e-4)


# ------------------------------------------------------------------ (c) swing
def _logit_pairs(national: float, m: int = 3_000) -> np.ndarray:
    # A and B, two regions of 10**6 valid ballots; effects on A only: the log-ratio of region r
    # is log(p_A/p_B) + eta + u_r (+ multinomial noise of variance ~1/(n p (1-p)) = 4e-6)
    e = es.Election([[500_000, 500_000], [500_000, 500_000]], parties="AB")
    layer = Swing(national=[national, 0.0], regional=[0.1, 0.0])
    d = layer.draw(e, m, np.random.default_rng(11))
    v = d.votes.astype(float)
    return np.log(v[..., 0] / v[..., 1])  # (m, 2)


def test_national_swing_correlates_regions() -> None:
    m = 3_000
    half = Z999 / math.sqrt(m - 3)  # Fisher z interval

    def z(x: np.ndarray) -> float:
        return float(np.arctanh(np.corrcoef(x[:, 0], x[:, 1])[0, 1]))

    with_swing = _logit_pairs(0.1, m)
    # corr = s_nat^2 / (s_nat^2 + s_reg^2) = 0.01 / 0.02 = 0.5 (noise 4e-6 is negligible)
    assert abs(z(with_swing) - math.atanh(0.5)) < half
    assert abs(with_swing[:, 0].var(ddof=1) / 0.02 - 1) < 5 * math.sqrt(2 / m)
    # negative control: without the national swing the regions are uncorrelated
    without = _logit_pairs(0.0, m)
    assert abs(z(without)) < half
    assert abs(z(without) - math.atanh(0.5)) > half


def test_swing_keeps_valid_and_invalid_and_station_effects_need_stations() -> None:
    e = es.Election([[600, 300]], against_all=[100], invalid=[20], parties="AB")
    d = Swing().draw(e, 10, np.random.default_rng(0))
    assert (d.valid == 1000).all() and (np.asarray(d.invalid) == 20).all()
    with pytest.raises(ElectsimError, match="precincts"):
        Swing(station=0.3)
    with pytest.raises(ElectsimError, match="standard deviation"):
        Swing(national=-0.1)
    with pytest.raises(ShapeMismatchError):
        Swing(national=[0.1, 0.1, 0.1, 0.1]).draw(e, 2, np.random.default_rng(0))
    # station effects shrink with the number of stations: h = sum n_s^2 / N^2 = 1/4 for four
    # equal stations, so a station sd of 0.2 acts like a unit sd of 0.1
    pr = es.PrecinctResults([[250, 250]] * 4, region=[0] * 4, regions=["R"], parties="AB")
    big = es.Election([[500_000, 500_000]], parties="AB")
    x = Swing(0.0, 0.0, station=[0.2, 0.0], precincts=pr).draw(big, 4_000, np.random.default_rng(4))
    lr = np.log(x.votes[:, 0, 0] / x.votes[:, 0, 1])
    assert abs(lr.var(ddof=1) / 0.01 - 1) < 5 * math.sqrt(2 / 4_000)


# ------------------------------------------------------------------ (d) manipulation
@dataclass(frozen=True)
class AddVotes:
    """A test perturbation: adds ``k`` votes (per draw) to party 0 in unit 0."""

    k: np.ndarray

    def apply(self, election: es.Election, rng: np.random.Generator) -> es.Election:
        votes = np.array(election.votes)
        votes[:, 0, 0] += np.round(self.k).astype(np.int64)
        return election.replace(votes=votes)


def build_add(params: dict[str, np.ndarray]) -> AddVotes:
    return AddVotes(params["k"])


def test_manipulation_layer_samples_and_records_parameters() -> None:
    e = es.Election([[1_000, 1_000]], parties="AB")
    layer = Manipulation(build_add, {"k": stats.uniform(0, 100)})
    d, rec = layer.apply(
        e.replace(votes=np.broadcast_to(e.votes, (500, 1, 2))), np.random.default_rng(0)
    )
    assert (d.votes[:, 0, 0] - 1_000 == np.round(rec["k"])).all()
    assert rec["k"].min() >= 0 and rec["k"].max() < 100 and rec["k"].std() > 20
    with pytest.raises(ElectsimError, match="parameters"):
        Manipulation(build_add, {})
    with pytest.raises(ElectsimError, match="build"):
        Manipulation(lambda p: object(), {"k": 1.0}).draw(e, 2, np.random.default_rng(0))


# ------------------------------------------------------------------ composition, centre
def test_centre_on_a_counterfactual() -> None:
    e = es.Election([[6_000, 4_000]], parties="AB")
    cf = e.replace(votes=[[5_000, 5_000]])  # e.g. reported minus bought votes
    for centre in (cf, lambda x: x.replace(votes=[[5_000, 5_000]])):
        model = UncertaintyModel([CountingError(0.01)], centre=centre)
        d = model.draw(e, 2_000, np.random.default_rng(1))
        sd = math.sqrt(10_000 * 0.01 * 0.25 * 1.99)
        assert abs(d.votes[:, 0, 0].mean() - 5_000) < Z999 * sd / math.sqrt(2_000)
    with pytest.raises(ShapeMismatchError):
        UncertaintyModel(centre=es.Election([[1, 2, 3]])).centred(e)
    with pytest.raises(ElectsimError, match="centre"):
        UncertaintyModel(centre=3)  # type: ignore[arg-type]


def test_layers_have_independent_streams() -> None:
    # adding a layer does not change the draws of another (streams keyed by layer name)
    e = es.datasets.kyrgyzstan_2020_regions(0)
    a = simulate(e, LAW, 64, uncertainty=[InvalidRate(stats.uniform(0, 0.03))], rng=9)
    b = simulate(
        e, LAW, 64, uncertainty=[CountingError(), InvalidRate(stats.uniform(0, 0.03))], rng=9
    )
    assert (a.parameters["invalid_rate"] == b.parameters["invalid_rate"]).all()


FULL = UncertaintyModel(
    [
        MissingStations(es.datasets.kyrgyzstan_2020_precincts(), 61),
        Swing(0.03, 0.05),
        CountingError(),
        InvalidRate(stats.uniform(0.0, 0.02)),
        Manipulation(build_add, {"k": stats.uniform(0, 3_000)}),
    ]
)


def arrays(r: SimulationResult) -> tuple[Any, ...]:
    return (
        r.seats.tolist(),
        r.eligible.tolist(),
        r.tied.tolist(),
        {k: v.tolist() for k, v in r.parameters.items()},
    )


def test_full_model_identical_for_any_chunk_size_and_executor() -> None:
    e = es.datasets.kyrgyzstan_2020_regions(0)
    kw: dict[str, Any] = dict(uncertainty=FULL, rng=5, seed_block=16)
    runs = [simulate(e, LAW, 48, chunk_size=c, **kw) for c in (1, 20, 48)]
    assert arrays(runs[0]) == arrays(runs[1]) == arrays(runs[2])
    with ProcessPoolExecutor(max_workers=2) as pool:
        par = simulate(e, LAW, 48, chunk_size=16, executor=pool, **kw)
    assert arrays(par) == arrays(runs[0])
    assert set(runs[0].parameters) == {"missing_valid", "invalid_rate", "k"}
    # a lambda centre is applied once in the caller: the pool never has to pickle it
    centred = UncertaintyModel(FULL.layers, centre=lambda x: x)
    with ProcessPoolExecutor(max_workers=2) as pool:
        lam = simulate(e, LAW, 48, uncertainty=centred, rng=5, seed_block=16, executor=pool)
    assert arrays(lam) == arrays(runs[0])
    assert len(set(runs[0].parameters["invalid_rate"].tolist())) == 48  # they do vary


def test_dirichlet_multinomial_is_a_layer_too() -> None:
    e = es.Election([[600, 400]], parties="AB")
    d = UncertaintyModel([DirichletMultinomial(10.0), CountingError(0.01)]).draw(
        e, 100, np.random.default_rng(0)
    )
    assert d.votes.shape == (100, 1, 2) and (d.ballots == 1_000).all()


def test_bad_layers() -> None:
    with pytest.raises(ElectsimError, match="layer"):
        UncertaintyModel([object()])
    with pytest.raises(ElectsimError, match="two layers"):
        _ = UncertaintyModel([InvalidRate(0.01), InvalidRate(0.02)]).recorded_names
    with pytest.raises(ElectsimError, match="support"):
        InvalidRate(stats.norm(0.01, 0.01))
    with pytest.raises(ElectsimError, match="distribution"):
        InvalidRate(1.5)
    with pytest.raises(ElectsimError, match="distribution"):
        InvalidRate("1%")
    with pytest.raises(ElectsimError, match="rate"):
        CountingError(-0.1)
    pr = es.datasets.kyrgyzstan_2020_precincts()
    with pytest.raises(ElectsimError, match="n_stations"):
        MissingStations(pr, -1)
    with pytest.raises(UnknownNameError):
        MissingStations(pr, 2).draw(
            es.Election([[1] * 16, [1] * 16], parties=pr.parties), 2, np.random.default_rng(0)
        )
    with pytest.raises(ElectsimError, match="uncertainty"):
        simulate(
            es.Election([[1, 2]]),
            LAW.replace(national=None, regional=None),
            2,
            uncertainty=3,
            rng=0,
        )


# ------------------------------------------------------------------ issue 9: result and engine
def test_large_house_seats_do_not_overflow() -> None:
    # 40,000 seats do not fit int16 (max 32,767): seats must still sum to the house
    e = es.Election([[600, 400]], parties="AB")
    s = es.ElectoralSystem(40_000, "hare", tie_break="lowest_index")
    r = simulate(e, s, 5, uncertainty=[CountingError(0.01)], rng=0)
    assert r.seats.dtype == np.int32
    assert (r.seats.sum(axis=1) == 40_000).all() and (r.seats >= 0).all()
    assert simulate(e, s.replace(seats=120), 2, rng=0).seats.dtype == np.int16


def test_memory_is_checked_before_any_work() -> None:
    e = es.datasets.kyrgyzstan_2020()
    law = LAW.replace(regional=None)
    with pytest.raises(
        ElectsimError, match=r"n=1,000,000,000,000 draws would keep .*TB.*max_memory"
    ):
        simulate(e, law, 10**12, rng=0)
    with pytest.raises(ElectsimError, match="at most n="):
        simulate(e, law, 1_000, rng=0, max_memory=1_000)
    with pytest.raises(ElectsimError, match="max_memory"):
        simulate(e, law, 10, rng=0, max_memory=0)


def test_lot_without_rng_warns_and_reports_the_seed() -> None:
    e = es.Election([[50, 50]], parties="AB")
    s = es.ElectoralSystem(1, "hare", tie_break="lot")
    with pytest.warns(ElectsimWarning, match=r"drew the seed (\d+)") as rec:
        r = simulate(e, s, 200, seed_block=50)
    seed = int(str(rec[0].message).split("drew the seed ")[1].split(" ")[0])
    assert r.provenance["seed"] == seed
    again = simulate(e, s, 200, seed_block=50, rng=seed)  # reproduces the run, no warning
    assert again.seats.tolist() == r.seats.tolist()
    assert 0 < r.seats[:, 0].sum() < 200  # the lot did decide both ways


def test_provenance_and_html() -> None:
    e = es.datasets.kyrgyzstan_2020_regions(0)
    r = simulate(e, LAW, 4, uncertainty=[InvalidRate(stats.uniform(0, 0.02))], rng=12)
    p = r.provenance
    assert p["electsim"] == es.__version__ and p["seed"] == 12 and p["n"] == 4
    assert p["uncertainty"]["centre"] == "reported counts"
    assert p["uncertainty"]["layers"] == [
        {"layer": "invalid_rate", "distribution": "scipy.stats.uniform(0, 0.02)"}
    ]
    assert "invalid_rate" in str(r) and "seed 12" in str(r)
    assert r._repr_html_().startswith('<pre class="electsim">')
    assert "Monte Carlo: 4 draws" in r._repr_html_()


def test_dirichlet_multinomial_widens_mekenchil_about_seven_fold() -> None:
    # docs/uncertainty.md: with the regional concentrations estimated from the 2,413 stations,
    # Mekenchil's national total is ~7x wider than under a multinomial (sd 2,487 vs 349 at
    # 20,000 draws).  With m = 4,000 draws each sd has relative s.e. ~ 1/sqrt(2m) = 1.1 %, so
    # the ratio lies within 7.12 * (1 +- 5 * 0.016) = [6.55, 7.69].
    pr = es.datasets.kyrgyzstan_2020_precincts()
    e = es.datasets.kyrgyzstan_2020_regions("1.5%")
    alpha = np.asarray(es.estimate_concentration(pr, level="region"))
    g = np.random.default_rng(7)
    dm = DirichletMultinomial(alpha).draw(e, 4_000, g).national_votes[:, MCH].std()
    mn = es.Multinomial().draw(e, 4_000, g).national_votes[:, MCH].std()
    assert 6.55 < dm / mn < 7.69
    # negative control: two multinomials agree (ratio 1 within the same tolerance)
    mn2 = es.Multinomial().draw(e, 4_000, g).national_votes[:, MCH].std()
    assert abs(mn2 / mn - 1) < 5 * 0.016


def test_docs_uncertainty_python_blocks_run() -> None:
    import re

    text = (REPO_ROOT / "docs" / "uncertainty.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 2
    ns: dict[str, Any] = {}
    for block in blocks:
        exec(compile(block, "docs/uncertainty.md", "exec"), ns)
    # the first block: agnostic invalid-rate prior -> P(Mekenchil passes) ~ 0.156 (the table)
    assert ns["result"].prob_pass[MCH] == pytest.approx(0.156, abs=0.01)
    layer = Manipulation(ns["build"], {"budget_som": stats.uniform(0, 1e8)})
    assert layer.recorded_names == ("budget_som",)


# ------------------------------------------------------------------ review A8, B4, B1
@pytest.mark.parametrize("bad", ["estimate", "500", "abc", None, [[1.0]], -1.0])
def test_dirichlet_multinomial_refuses_estimate_and_non_numbers(bad: Any) -> None:
    # "estimate" is a command-line shortcut; in Python the layer points to the estimator
    with pytest.raises(ElectsimError, match="concentration") as info:
        DirichletMultinomial(bad)
    if isinstance(bad, str):
        assert "estimate_concentration(precincts, level='region')" in str(info.value)


def test_missing_stations_refuses_totals_that_already_include_the_stations() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    layer = MissingStations(pr, 61)
    rng = np.random.default_rng(0)
    # the CEC's count: 1,990,753 voters - 31,823 invalid = 1,958,930 valid ballots, more than
    # the file's stations hold, so the 61 absent stations are already in it
    with pytest.raises(ElectsimError, match="count them twice") as info:
        layer.draw(es.datasets.kyrgyzstan_2020(), 2, rng)
    assert "1,958,930" in str(info.value)
    # the completed count, through simulate (the check runs before any draw)
    with pytest.raises(ElectsimError, match="count them twice"):
        simulate(
            es.datasets.kyrgyzstan_2020_regions("1.5%", complete=True),
            LAW,
            4,
            uncertainty=[CountingError(), layer],
            rng=1,
        )
    # negative control: the file's own aggregate is accepted and grows
    base = es.datasets.kyrgyzstan_2020_regions("1.5%")
    d = layer.draw(base, 3, rng)
    assert (d.valid.sum(axis=-1) > base.valid.sum()).all()


def _example_output(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> str:
    import runpy

    path = REPO_ROOT / "examples" / "uncertainty.py"
    monkeypatch.setattr("sys.argv", [str(path)])
    capsys.readouterr()
    runpy.run_path(str(path), run_name="__main__")
    return capsys.readouterr().out


def test_uncertainty_example_numbers_and_docs(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _example_output(capsys, monkeypatch)
    rows = {}
    for line in out.splitlines():
        if len(line) > 31 and line[31:].split() and line[:31].strip() not in ("", "Layers"):
            try:
                rows[line[:31].strip()] = [float(x) for x in line[31:].split()]
            except ValueError:
                continue
    assert len(rows) == 12
    # columns: P(BUT) P(MCH) P(RES), mean seats BRM MKK KYR BUT MCH
    # the exact allocation of the same data at 1.5 % (no draw involved): 46/44/16/14/0
    fixed = es.allocate(es.datasets.kyrgyzstan_2020_regions("1.5%"), LAW).seats[:5]
    published = [float(x) for x in fixed]
    for label in ("reported count, 1.5 % invalid", "counting error 0.1 %"):
        # counting error moves a count of ~140,000 by ~16 votes; the margins are 2,587, 3,077
        assert rows[label] == [1.0, 0.0, 0.0, *published]
    # Mekenchil passes iff the invalid rate is <= 9,897.5 / (1,887,345 + 9,897.5) = 0.52168 %
    # (132,807 / 0.07 - 1,887,345 = 9,897.86 invalid ballots at most): P = 0.0052168 / 0.032
    p = 0.0052168 / 0.032
    assert binomial_ok(round(rows["invalid rate U(0, 3.2 %)"][1] * 4000), 4000, p)
    assert rows["invalid rate U(1.2, 2.0 %)"][:2] == [1.0, 0.0]  # every rate above 0.52 %
    # completed: 137,436 Mekenchil votes < 7 % of 1,968,094 valid = 137,766.58, at any rate
    assert rows["completed to CEC totals"][1] == rows["completed + invalid U(0, 3.2 %)"][1] == 0
    assert "Mekenchil has 137,436 votes" in out  # 136,276 (CEC) + 1,160 abroad
    assert "of the 1,968,094 valid votes" in out  # 1,990,753 - 31,823 + 9,164 abroad
    # vote buying only adds Birimdik votes: between no budget (46) and the expected effect of
    # the largest budget, 100 M som (48/43/16/13, es.allocate of VoteBuying(mode="expected"))
    brm, mkk, _, but, _ = rows["vote buying U(0, 100 M som)"][3:]
    assert 46 <= brm <= 48 and 43 <= mkk <= 44 and 13 <= but <= 14
    low = out.split("P(MCH passes | rate <= 0.52 %) = ")[1]
    p_low, n_low = float(low.split()[0]), int(low.split("(")[1].split()[0].replace(",", ""))
    p_high = float(low.split("P(MCH passes | rate > 0.52 %) = ")[1].split()[0])
    assert binomial_ok(n_low, 4000, p) and p_low > 0.5 > p_high
    # docs/uncertainty.md shows this run: every table row and the conditional line

    docs = (REPO_ROOT / "docs" / "uncertainty.md").read_text()
    block = docs.split("python examples/uncertainty.py")[1].split("```")[1]
    for line in out.splitlines()[1:15]:
        assert line.rstrip() in block, f"docs/uncertainty.md is stale: {line!r}"
    conditional = " ".join(next(x for x in out.splitlines() if "by the drawn" in x).split())
    assert conditional in " ".join(block.split())
