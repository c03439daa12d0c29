"""plan, Audit and simulate: sizes, verdicts, empirical risk (with a negative control) and
reproducibility for any chunking."""

from __future__ import annotations

import json
import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import electsim as es
from electsim import Election, ElectoralSystem, Threshold, audit
from electsim.errors import ElectsimError, UnknownMethodError, UnknownNameError

# 10,000 ballots; 7 % = 700 votes: C passes with 720 (margin 20 votes).
REPORTED = Election([5000, 3500, 720], against_all=[380], invalid=[400], parties="ABC")
SYSTEM = ElectoralSystem(10, "hare", national=Threshold("7%"))
# the worst case: 21 of C's ballots were really invalid -> C has 699 < 700 and fails, the
# outcome flips (one vote fewer than the threshold)
FLIPPED = Election([5000, 3500, 699], against_all=[380], invalid=[421], parties="ABC")


def test_flipped_election_really_flips() -> None:
    assert es.allocate(REPORTED, SYSTEM).seats.tolist() == [5, 4, 1]
    assert es.allocate(FLIPPED, SYSTEM).seats.tolist() == [6, 4, 0]
    A = audit.assertions(REPORTED, SYSTEM)
    assert not A.holds_on(audit.ballot_categories(FLIPPED)[1]).all()


def test_plan_sizes_and_outputs() -> None:
    p = audit.plan(REPORTED, SYSTEM, 0.05, kind="comparison")
    assert p.driver.description == "C passes >= 7% of ballots nationally"
    # comparison needs far fewer ballots than polling; a smaller risk limit needs more
    q = audit.plan(REPORTED, SYSTEM, 0.05, kind="polling")
    assert p.initial < q.initial <= REPORTED.national_ballots.item()
    assert audit.plan(REPORTED, SYSTEM, 0.01, kind="comparison").initial > p.initial
    # errors cost ballots: with 1 maximal overstatement per 1,000 the size grows
    assert audit.plan(REPORTED, SYSTEM, 0.05, error_rate=0.001).expected > p.initial
    recs = p.to_records()
    assert len(recs) == len(p.assertions) and {"initial", "expected"} <= set(recs[0])
    d = json.loads(p.to_json())
    assert d["initial"] == p.initial and d["driver"] == p.driver.description
    assert "Driven by: C passes" in str(p) and "<pre" in p._repr_html_()


def test_plan_zero_error_comparison_size_by_hand() -> None:
    """Kaplan-Kolmogorov on a no-discrepancy sample: T_n = prod (B0 + g)/(mu_j + g) with
    mu_j = (N/2 - (j-1) B0)/(N - j + 1); the first n with T_n >= 20, computed here directly."""
    A = audit.assertions(REPORTED, SYSTEM)
    a = A.closest()
    g = 0.25
    b0 = 1 / (2 - float(a.diluted_margin))
    N = 10_000
    logT, n = 0.0, 0
    while logT < math.log(20):
        n += 1
        mu = (N / 2 - (n - 1) * b0) / (N - n + 1)
        logT += math.log((b0 + g) / (mu + g))
    p = audit.plan(
        REPORTED,
        SYSTEM,
        0.05,
        kind="comparison",
        test="kaplan_kolmogorov",
        gamma=g,
        assertion_set=A,
    )
    row = next(r for r in p.rows if r.assertion is a)
    assert row.initial == n


def test_audit_stops_confirms_and_escalates() -> None:
    A = audit.Audit(REPORTED, SYSTEM, kind="comparison")
    _, counts = audit.ballot_categories(REPORTED)
    order = np.random.default_rng(0).permutation(np.repeat(np.arange(len(counts)), counts))
    for start in range(0, 4000, 500):  # feed the sample in batches as it is drawn
        batch = order[start : start + 500]
        A.observe(cvr=batch, paper=batch)
        if A.status == "stop":
            break
    assert A.status == "stop" and A.n_examined <= 2000
    # a discrepancy raises the p-value of the assertion it overstates
    B = audit.Audit(REPORTED, SYSTEM, kind="comparison", max_ballots=50)
    B.observe(cvr=["C"] * 50, paper=["invalid"] * 50)
    assert B.status == "escalate"
    k = [a.description for a in B.assertions].index("C passes >= 7% of ballots nationally")
    assert B.pvalues[k] == 1.0
    P = audit.Audit(REPORTED, SYSTEM, kind="polling", test="kaplan_wald")
    P.observe(["A", "B", "C"])
    assert P.n_examined == 3 and "CONTINUE" in str(P)
    with pytest.raises(UnknownNameError, match="unknown ballot category"):
        P.observe(["D"])
    with pytest.raises(ElectsimError, match="pairs"):
        A.observe(["A"])


def test_simulated_risk_is_at_most_alpha_and_negative_control_exceeds_it() -> None:
    alpha = 0.05
    for kind in ("comparison", "polling"):
        r = audit.simulate(REPORTED, SYSTEM, 1000, true=FLIPPED, kind=kind, rng=3)
        assert not r.outcome_correct
        lo, _ = r.risk_interval(0.99)
        assert lo <= alpha  # the data do not contradict risk <= alpha
    # negative control: a naive comparison audit with half the true upper bound, which clips
    # maximal overstatements to 0, confirms the wrong outcome far more often than alpha
    bad = audit.simulate(REPORTED, SYSTEM, 1000, true=FLIPPED, rng=3, u_factor=0.5)
    assert bad.risk_interval(0.99)[0] > alpha


def test_simulate_correct_outcome_workload_and_reproducibility() -> None:
    r = audit.simulate(REPORTED, SYSTEM, 300, kind="polling", rng=7, seed_block=64)
    assert r.outcome_correct and r.risk is None and r.risk_interval() is None
    assert 0 < r.p_confirm <= 1 and r.examined.min() >= 1
    same = audit.simulate(
        REPORTED,
        SYSTEM,
        300,
        kind="polling",
        rng=7,
        seed_block=64,
        chunk_size=64,
        executor=ThreadPoolExecutor(2),
    )
    assert np.array_equal(r.examined, same.examined)
    assert np.array_equal(r.confirmed, same.confirmed)
    other = audit.simulate(REPORTED, SYSTEM, 300, kind="polling", rng=8, seed_block=64)
    assert not np.array_equal(r.examined, other.examined)
    assert json.loads(r.to_json())["audits"] == 300 and "P(confirm)" in str(r)


def test_kyrgyzstan_2020_plan_and_worst_case_flip() -> None:
    e = es.datasets.kyrgyzstan_2020()
    law = es.presets.kyrgyzstan_2020().replace(regional=None)
    p = audit.plan(e, law, 0.05, kind="comparison")
    assert 1_000 < p.initial < 20_000  # a few thousand ballots of 1,990,753
    # the worst case: 2,588 of Butun Kyrgyzstan's ballots were really invalid (the minimal
    # manipulation that flips it below 7 %, README); a comparison audit rarely confirms
    i = e.party_index("Butun Kyrgyzstan")
    v = e.votes.copy()
    v[0, i] -= 2588
    flipped = e.replace(votes=v, invalid=e.invalid + 2588)
    r = audit.simulate(e, law, 100, true=flipped, kind="comparison", rng=1)
    assert not r.outcome_correct
    assert r.risk_interval(0.99)[0] <= 0.05


def test_bad_input() -> None:
    with pytest.raises(UnknownMethodError, match="kind"):
        audit.plan(REPORTED, SYSTEM, kind="batches")
    with pytest.raises(ElectsimError, match="PrecinctResults"):  # batch audits need stations
        audit.plan(REPORTED, SYSTEM, kind="batch")
    with pytest.raises(UnknownMethodError, match="test"):
        audit.plan(REPORTED, SYSTEM, test="bravo")
    with pytest.raises(ElectsimError, match="risk_limit"):
        audit.plan(REPORTED, SYSTEM, 1.5)
    with pytest.raises(ElectsimError, match="manifest"):
        audit.simulate(REPORTED, SYSTEM, 10, true=Election([1, 2, 3], parties="ABC"))
    with pytest.raises(ElectsimError, match="n="):
        audit.simulate(REPORTED, SYSTEM, 0)
    with pytest.raises(ElectsimError, match="seed_block"):
        audit.simulate(REPORTED, SYSTEM, 10, seed_block=10**9)
    with pytest.raises(ElectsimError, match="negative control"):
        audit.simulate(REPORTED, SYSTEM, 10, kind="polling", u_factor=0.5)
