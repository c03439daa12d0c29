"""Batch-level comparison audits with polling stations as batches: hand-computed error bounds,
taints and p-values (Stark 2009/2010 PPS Kaplan-Markov), the closed-form planned size,
empirical risk on a worst-case true election with a negative control, and sampling designs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import electsim as es
from electsim import ElectoralSystem, PrecinctResults, Threshold, audit
from electsim.errors import ElectsimError, MissingDataError, UnknownMethodError, UnknownNameError

# Three stations, one D'Hondt seat: the single assertion "A's seat 1 beats B's seat 1" has
# g = b_A - b_B, assorter h = 1 for A, 0 for B (u = 1).  N = 250, A 160, B 90:
# reported mean 0.64, margin v = 0.28, M = N v / 2 = 35 (half the vote margin).
TOY = PrecinctResults(
    [[60, 40], [30, 20], [70, 30]], region=[0, 0, 0], regions=["R"], parties="AB", invalid=[0] * 3
)
ONE_SEAT = ElectoralSystem(1, "dhondt")


def test_toy_bounds_probabilities_and_scale_by_hand() -> None:
    d = audit.batch_design(TOY, ONE_SEAT, sampling="pps_error")
    # error bound e_k = sum of h over the station's reported ballots - n_k * min h = A's votes
    assert d.bounds.tolist() == [[60.0, 30.0, 70.0]]
    assert d.margins.tolist() == [35.0]
    # PPS by error bound: pi = e / U, U = 160; c = U
    assert d.probabilities.tolist() == pytest.approx([60 / 160, 30 / 160, 70 / 160])
    assert d.scale.tolist() == [160.0]
    # PPS by size: pi = (100, 50, 100)/250, c = max(60/0.4, 30/0.2, 70/0.4) = 175
    assert audit.batch_design(TOY, ONE_SEAT, sampling="pps_size").scale.tolist() == [175.0]
    # uniform: c = 3 * max e = 210
    assert audit.batch_design(TOY, ONE_SEAT, sampling="uniform").scale.tolist() == [210.0]


def test_toy_taint_and_kaplan_markov_pvalue_by_hand() -> None:
    """Stark (2009), Stark (2010): with PPS by error bound, the Kaplan-Markov p-value after
    draws with taints tau_j is prod_j (1 - 1/U_M)/(1 - tau_j), U_M = U/M = 160/35.
    Station 1 counted as reported (tau = 0), station 2 by hand A 25, B 25: overstatement
    30 - 25 = 5, taint 5/30 = 1/6.  P = (1 - 35/160)^2 / (5/6) = 0.732421875."""
    d = audit.batch_design(TOY, ONE_SEAT, sampling="pps_error")
    idx = np.array([0, 1])
    hand = d.audited_counts(idx, [[60, 40, 0, 0], [25, 25, 0, 0]])
    assert d.overstatements(idx, hand).tolist() == [[0.0, 5.0]]
    assert d.taints(idx, hand)[0].tolist() == pytest.approx([0.0, 1 / 6])
    # scores x = (1 - tau)/(2 - 2M/U): 1/1.5625 = 0.64 and (5/6)/1.5625
    x = d.scores(idx, hand)
    assert x[0].tolist() == pytest.approx([0.64, (5 / 6) / 1.5625])
    au = audit.Audit(TOY, ONE_SEAT, kind="batch", test="kaplan_markov", gamma=1e-12, max_draws=50)
    au.observe(
        stations=["1", "2"] if TOY.station_ids else [0, 1], tallies=[[60, 40, 0, 0], [25, 25, 0, 0]]
    )
    assert au.pvalues[0] == pytest.approx(0.78125**2 / (5 / 6), rel=1e-9)
    assert au.n_examined == 2 and au.n_stations_counted == 2 and au.n_ballots_counted == 150
    # uniform sampling: x = (1 - K w / c) / (2 - 2M/c) = (1 - 15/210) * 0.6 for station 2
    du = audit.batch_design(TOY, ONE_SEAT, sampling="uniform")
    assert du.scores(np.array([1]), hand[1:]).item() == pytest.approx((13 / 14) * 0.6)


def test_planned_draws_closed_form_and_expected_ballots() -> None:
    """No error, PPS by error bound, Kaplan-Markov (gamma -> 0): the smallest n with
    (1 - M/U)^n <= alpha (Stark 2009): alpha 5 %: log(0.05)/log(0.78125) = 12.1 -> 13;
    alpha 1 %: 18.7 -> 19."""
    p5, p1 = audit.plans(
        TOY, ONE_SEAT, [0.05, 0.01], kind="batch", test="kaplan_markov", gamma=1e-12,
        max_draws=1000,
    )  # fmt: skip
    assert (p5.initial, p1.initial) == (13, 19)
    # expected ballots of the distinct stations in 13 draws with replacement:
    # sum_k n_k (1 - (1 - pi_k)^13) = 246.36 -> 247
    pi = [0.375, 0.1875, 0.4375]
    want = sum(n * (1 - (1 - q) ** 13) for n, q in zip([100, 50, 100], pi, strict=True))
    assert p5.initial_ballots == math.ceil(want) == 247
    assert p5.initial_stations == pytest.approx(sum(1 - (1 - q) ** 13 for q in pi))
    d = p5.to_dict()
    assert d["sampling"] == "pps_error" and d["initial_ballots"] == 247
    assert "13 draws" in str(p5) and "3 stations" in str(p5)
    # the default budget is K draws: this toy then needs a full hand count
    full = audit.plan(TOY, ONE_SEAT, 0.05, kind="batch", test="kaplan_markov", gamma=1e-12)
    assert full.full_count and full.initial_ballots == 250


def _stations(sizes: np.ndarray) -> PrecinctResults:
    """40 stations; C has 7.5 % of each station's ballots, just above a 7 % threshold."""
    votes = []
    for n in sizes:
        c = (3 * int(n) + 20) // 40  # 7.5 %, rounded half up
        a = int(n) // 2
        votes.append([a, n - a - c - 10, c])
    v = np.array(votes)
    return PrecinctResults(
        v, region=np.zeros(len(sizes), int), regions=["R"], parties="ABC", invalid=sizes - v.sum(1)
    )


SIZES = 100 + (np.arange(40) * 37) % 300
REPORTED = _stations(SIZES)
SYSTEM = ElectoralSystem(10, "hare", national=Threshold("7%"))


def _worst_case() -> PrecinctResults:
    """C's votes in the stations where it has most were really invalid ballots, just enough
    to push C one vote below 7 %: the errors sit in two stations (taint 1 and less)."""
    v, inv = REPORTED.votes.copy(), np.asarray(REPORTED.invalid).copy()
    need = int(v[:, 2].sum()) - math.floor(0.07 * int(SIZES.sum()))
    for k in np.argsort(-v[:, 2], kind="stable"):
        take = min(need, int(v[k, 2]))
        v[k, 2] -= take
        inv[k] += take
        need -= take
        if need == 0:
            break
    return REPORTED.replace(votes=v, invalid=inv)


def test_worst_case_flips_with_errors_in_two_stations() -> None:
    true = _worst_case()
    assert es.allocate(REPORTED.to_election(), SYSTEM).seats.tolist() == [5, 4, 1]
    assert es.allocate(true.to_election(), SYSTEM).seats.tolist() == [6, 4, 0]
    assert int((true.votes != REPORTED.votes).any(axis=1).sum()) == 2


@pytest.mark.parametrize(
    ("sampling", "test"),
    [("uniform", "alpha"), ("pps_error", "alpha"), ("pps_size", "kaplan_markov")],
)
def test_simulated_risk_at_most_alpha_on_the_worst_case(sampling: str, test: str) -> None:
    r = audit.simulate(
        REPORTED, SYSTEM, 1000, true=_worst_case(), kind="batch", sampling=sampling, test=test,
        rng=11, max_draws=2000,
    )  # fmt: skip
    assert not r.outcome_correct
    lo, hi = r.risk_interval(0.99)
    assert lo <= 0.05  # the data do not contradict risk <= alpha
    assert hi > 0.0  # and the case is a worst case: some audits do confirm (risk near alpha)
    assert r.p_confirm > 0.01


def test_negative_control_naive_error_scale_exceeds_alpha() -> None:
    """A naive batch audit with half the error scale c (clipping large overstatements to the
    range that implies) confirms the wrong outcome far more often than alpha."""
    bad = audit.simulate(
        REPORTED, SYSTEM, 1000, true=_worst_case(), kind="batch", sampling="uniform",
        rng=11, max_draws=2000, u_factor=0.5,
    )  # fmt: skip
    assert bad.risk_interval(0.99)[0] > 0.05
    assert "NEGATIVE CONTROL" in str(bad)


def test_sampling_designs_order_and_equal_sizes() -> None:
    draws = {
        s: audit.plan(REPORTED, SYSTEM, 0.05, kind="batch", sampling=s, max_draws=5000).initial
        for s in ("uniform", "pps_size", "pps_error")
    }
    # PPS by error bound has the smallest error scale c (= U for one assertion), so it needs
    # the fewest draws; uniform sampling of unequal stations needs the most
    assert draws["pps_error"] <= draws["pps_size"] < draws["uniform"]
    # with equal station sizes, uniform and PPS by size are the same design
    eq = _stations(np.full(40, 250))
    u = audit.plan(eq, SYSTEM, 0.05, kind="batch", sampling="uniform", max_draws=5000)
    s = audit.plan(eq, SYSTEM, 0.05, kind="batch", sampling="pps_size", max_draws=5000)
    assert u.initial == s.initial


def test_audit_stops_at_the_planned_draws_and_simulate_agrees() -> None:
    p = audit.plan(REPORTED, SYSTEM, 0.05, kind="batch", max_draws=2000)
    au = audit.Audit(REPORTED, SYSTEM, kind="batch", max_draws=2000)
    drawn = au.draw(2000, rng=5)
    assert np.array_equal(drawn, au.draw(2000, rng=5))
    tallies = np.concatenate(
        [REPORTED.votes, REPORTED.against_all[:, None], np.asarray(REPORTED.invalid)[:, None]],
        axis=1,
    )
    for k in drawn:  # hand counts equal to the report: stops at exactly the planned draws
        au.observe(stations=[k], tallies=tallies[k])
        if au.status == "stop":
            break
    assert au.status == "stop" and au.n_examined == p.initial
    assert "STOP" in str(au) and "stations" in str(au)
    r = audit.simulate(REPORTED, SYSTEM, 200, kind="batch", rng=2, max_draws=2000)
    assert r.outcome_correct and r.p_confirm == 1.0
    assert r.examined.max() <= p.initial + math.ceil(0.01 * p.initial)  # checkpoints
    assert (r.ballots <= SIZES.sum()).all() and r.to_dict()["sampling"] == "pps_error"


def test_simulate_batch_reproducible_for_any_chunking() -> None:
    kw = {"true": _worst_case(), "kind": "batch", "rng": 4, "max_draws": 500, "seed_block": 64}
    a = audit.simulate(REPORTED, SYSTEM, 256, **kw)
    b = audit.simulate(REPORTED, SYSTEM, 256, chunk_size=64, **kw)
    assert np.array_equal(a.examined, b.examined) and np.array_equal(a.confirmed, b.confirmed)


def test_bad_input() -> None:
    au = audit.Audit(TOY, ONE_SEAT, kind="batch", max_draws=10)
    with pytest.raises(ElectsimError, match="ballots"):
        au.observe(stations=[0], tallies=[[60, 30, 0, 0]])  # 90 ballots, 100 reported
    au.observe(stations=[0], tallies=[[60, 40, 0, 0]])
    with pytest.raises(ElectsimError, match="already counted"):
        au.observe(stations=[0], tallies=[[50, 50, 0, 0]])
    with pytest.raises(ElectsimError, match="shape"):
        au.observe(stations=[0, 1], tallies=[[60, 40, 0, 0]])
    with pytest.raises(ElectsimError, match="hand counts"):
        au.observe(["A"])
    with pytest.raises(ElectsimError, match="indices"):
        au.observe(stations=[7], tallies=[[60, 40, 0, 0]])
    with pytest.raises(ElectsimError, match="PrecinctResults"):
        audit.plan(TOY.to_election(), ONE_SEAT, kind="batch")
    with pytest.raises(ElectsimError, match="kind='batch'"):
        audit.plan(TOY, ONE_SEAT, kind="comparison")
    with pytest.raises(UnknownMethodError, match="sampling"):
        audit.plan(TOY, ONE_SEAT, kind="batch", sampling="random")
    with pytest.raises(ElectsimError, match="max_draws"):
        audit.plan(TOY, ONE_SEAT, kind="batch", max_draws=0)
    with pytest.raises(MissingDataError, match="invalid_rate"):
        audit.plan(TOY.replace(invalid=None), ONE_SEAT, kind="batch")
    with pytest.raises(ElectsimError, match="manifest"):
        audit.simulate(
            REPORTED, SYSTEM, 10, kind="batch", true=REPORTED.replace(invalid=REPORTED.invalid + 1)
        )
    named = TOY.replace(station_ids=["a", "b", "c"])
    with pytest.raises(UnknownNameError, match="station id"):
        audit.Audit(named, ONE_SEAT, kind="batch").observe(stations=["z"], tallies=[[1, 1, 0, 0]])


def test_kyrgyzstan_2020_precincts_batch_plan() -> None:
    """2,413 stations at 1.5 % invalid ballots assumed: the closest assertion (Mekenchil below
    7 % of ballots, diluted margin 0.14 %) needs thousands of draws even with PPS."""
    pr = es.datasets.kyrgyzstan_2020_precincts()
    law = es.presets.kyrgyzstan_2020()
    p = audit.plan(pr, law, 0.05, kind="batch", invalid_rate="1.5%", max_draws=50_000)
    assert p.driver.description == "Mekenchil fails >= 7% of ballots nationally"
    assert 2_413 < p.initial < 50_000 and not p.full_count
    assert p.initial_ballots < p.n_ballots


def test_cli_batch_audit(capsys: pytest.CaptureFixture[str]) -> None:
    from electsim.cli import main

    assert main(["audit", "--kind", "batch", "--no-regional"]) != 0
    assert "--kind batch audits polling stations" in capsys.readouterr().err
    assert main(["audit", "--no-regional", "--sampling", "uniform"]) != 0
    assert "--kind batch only" in capsys.readouterr().err
    regions = ["--dataset", "kyrgyzstan_2020_regions", "--invalid-rate", "1.5%"]
    assert main(["audit", "--kind", "batch", *regions, "--plot", "never.png"]) != 0
    assert "--plot" in capsys.readouterr().err
    code = main(
        [
            "audit", "--kind", "batch", "--dataset", "kyrgyzstan_2020_regions",
            "--invalid-rate", "1.5%", "--sampling", "pps_size", "--max-draws", "50000",
            "--format", "json",
        ]
    )  # fmt: skip
    assert code == 0
    d = json.loads(capsys.readouterr().out)
    assert d["kind"] == "batch" and d["sampling"] == "pps_size" and d["stations"] == 2413
