"""Monte Carlo engine: reproducibility across chunkings and executors, exact cases, estimators."""

from __future__ import annotations

import math
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pytest

import electsim as es
from electsim.errors import ElectsimError, TieError, UnknownNameError
from electsim.manipulation import VoteBuying
from electsim.simulate import (
    DirichletMultinomial,
    Multinomial,
    SimulationResult,
    estimate_concentration,
    simulate,
)

from _support import REPO_ROOT, Z999, binomial_ok, run_script

ROOT = REPO_ROOT


def small_election() -> es.Election:
    parties = [
        es.Party("A", bloc="gov"),
        es.Party("B", bloc="gov"),
        es.Party("C", bloc="opp"),
        es.Party("D"),
    ]
    # D (1,240 votes, about 6.9 % of ballots) sits at the 7 % national and 5 % regional lines
    votes = [[4_000, 3_000, 700, 620], [2_000, 3_500, 400, 320], [1_000, 1_000, 1_500, 300]]
    return es.Election(votes, against_all=[50, 40, 30], invalid=[20, 10, 5], parties=parties)


SYSTEM = es.ElectoralSystem(
    21,
    "hare",
    national=es.Threshold("7%"),
    regional=es.Threshold("5%"),
    tie_break="lot",
)
BUY = VoteBuying(
    party="C", strategy="turnout", budget_som=400_000, assumed_turnout=0.5, mode="sample"
)


def arrays(r: SimulationResult) -> tuple[Any, ...]:
    return (r.seats.tolist(), r.eligible.tolist(), r.tied.tolist())


# ------------------------------------------------------------------ reproducibility
@pytest.mark.parametrize("model", [Multinomial(), DirichletMultinomial(300.0)])
def test_identical_for_any_chunk_size(model: Any) -> None:
    e = small_election()
    kw: dict[str, Any] = dict(uncertainty=model, perturbation=BUY, rng=42, seed_block=4)
    runs = [simulate(e, SYSTEM, 50, chunk_size=c, **kw) for c in (1, 7, 50)]
    assert arrays(runs[0]) == arrays(runs[1]) == arrays(runs[2])
    # the draws do vary (otherwise identity would be trivial)
    assert len({tuple(row) for row in runs[0].seats.tolist()}) > 1


def test_identical_serial_and_process_pool() -> None:
    e = small_election()
    kw: dict[str, Any] = dict(uncertainty=Multinomial(), perturbation=BUY, rng=7, seed_block=8)
    serial = simulate(e, SYSTEM, 100, chunk_size=16, **kw)
    with ProcessPoolExecutor(max_workers=2) as pool:
        parallel = simulate(e, SYSTEM, 100, chunk_size=24, executor=pool, max_pending=2, **kw)
    assert arrays(serial) == arrays(parallel)


def test_same_seed_same_result_different_seeds_differ() -> None:
    e = small_election()
    a = simulate(e, SYSTEM, 300, uncertainty=Multinomial(), rng=1)
    b = simulate(e, SYSTEM, 300, uncertainty=Multinomial(), rng=1)
    c = simulate(e, SYSTEM, 300, uncertainty=Multinomial(), rng=2)
    assert arrays(a) == arrays(b)
    assert a.seats.tolist() != c.seats.tolist()
    # a Generator seeds the entropy reproducibly too
    g1 = simulate(e, SYSTEM, 50, uncertainty=Multinomial(), rng=np.random.default_rng(5))
    g2 = simulate(e, SYSTEM, 50, uncertainty=Multinomial(), rng=np.random.default_rng(5))
    assert arrays(g1) == arrays(g2)


def test_common_random_numbers_across_perturbation() -> None:
    # the count stream does not depend on the perturbation: with a zero budget the perturbed
    # run equals the unperturbed one draw for draw
    e = small_election()
    base = simulate(e, SYSTEM, 64, uncertainty=Multinomial(), rng=3, seed_block=16)
    zero = simulate(
        e,
        SYSTEM,
        64,
        uncertainty=Multinomial(),
        perturbation=BUY.replace(budget_som=0),
        rng=3,
        seed_block=16,
    )
    assert arrays(base) == arrays(zero)


def test_no_uncertainty_no_perturbation_is_the_allocation() -> None:
    e = small_election()
    r = simulate(e, SYSTEM, 10, rng=0)
    expected = es.allocate(e, SYSTEM, rng=0).seats.tolist()
    assert r.seats.tolist() == [expected] * 10


# ------------------------------------------------------------------ exactly computable cases
def test_party_far_from_every_threshold_passes_with_probability_one() -> None:
    # A has 40 % of 10,000 ballots; a 5 % threshold is 500 votes: under multinomial noise
    # (sd = sqrt(10,000 * 0.4 * 0.6) = 49 votes) A is 71 sd above it -- P(fail) < 1e-1000.
    # D has 0.5 % (50 votes): it would need 9 sd to pass.
    e = es.Election([[4_000, 3_500, 2_450, 50]], parties="ABCD")
    s = es.ElectoralSystem(10, "hare", national=es.Threshold("5%"), tie_break="lot")
    r = simulate(e, s, 5_000, uncertainty=Multinomial(), rng=0)
    assert r.prob_pass.tolist() == [1.0, 1.0, 1.0, 0.0]
    assert r.seat_distribution("D")[0] == 1.0


@pytest.mark.parametrize("method", ["hare", "dhondt"])
def test_symmetric_two_party_race_splits_evenly(method: str) -> None:
    # A and B have identical expected shares, one seat: by symmetry of Mult(n, (1/2, 1/2)) and
    # of the lot, P(A wins) = 1/2 exactly.
    e = es.Election([[5_000, 5_000]], parties="AB")
    s = es.ElectoralSystem(1, method, tie_break="lot")
    n = 4_000
    r = simulate(e, s, n, uncertainty=Multinomial(), rng=11)
    wins = int(r.seats[:, 0].sum())
    assert r.seats.sum(axis=1).tolist() == [1] * n
    assert binomial_ok(wins, n, 0.5)
    # negative control: a wrong expected probability fails the same check
    assert not binomial_ok(wins, n, 0.56)
    assert not binomial_ok(wins, n, 0.44)


def test_exact_tie_is_split_by_lot_evenly() -> None:
    # no count noise: every draw is the same exact tie, decided by the block's tie stream
    e = es.Election([[50, 50]], parties="AB")
    s = es.ElectoralSystem(1, "hare", tie_break="lot")
    n = 3_000
    r = simulate(e, s, n, rng=5, seed_block=100)
    assert r.n_ties == n
    wins = int(r.seats[:, 0].sum())
    assert binomial_ok(wins, n, 0.5)
    assert not binomial_ok(wins, n, 0.56)
    with pytest.raises(TieError):
        simulate(e, s.replace(tie_break="raise"), 5)


def test_multinomial_moments() -> None:
    # n = 1000, p = (0.3, 0.5, 0.2): Var X_A = 1000 * 0.3 * 0.7 = 210,
    # Var X_C = 1000 * 0.2 * 0.8 = 160, Cov(X_A, X_C) = -1000 * 0.3 * 0.2 = -60
    e = es.Election([[300, 500]], against_all=[200], parties="AB")
    d = Multinomial().draw(e, 40_000, np.random.default_rng(8))
    a = d.votes[:, 0, 0].astype(float)
    c = np.asarray(d.against_all)[:, 0].astype(float)
    m = 40_000
    assert abs(a.mean() - 300) < Z999 * math.sqrt(210 / m)
    assert abs(a.var(ddof=1) / 210 - 1) < 5 * math.sqrt(2 / m)
    assert abs(c.var(ddof=1) / 160 - 1) < 5 * math.sqrt(2 / m)
    assert abs(np.cov(a, c)[0, 1] / -60 - 1) < 0.05
    # negative control: a Poisson variance (300) fails the same check
    assert abs(a.var(ddof=1) / 300 - 1) > 5 * math.sqrt(2 / m)
    assert (d.ballots == 1000).all() and not np.asarray(d.invalid).any()


def test_dirichlet_multinomial_variance_matches_formula() -> None:
    # Var X_A = n p (1-p) (n + a)/(1 + a) = 1000 * 0.3 * 0.7 * 1010/11 = 19,281.8
    e = es.Election([[300, 700]], parties="AB")
    d = DirichletMultinomial(10.0).draw(e, 20_000, np.random.default_rng(3))
    x = d.votes[:, 0, 0].astype(float)
    target = 1000 * 0.3 * 0.7 * 1010 / 11
    # the relative s.e. of a sample variance is sqrt((kurtosis - 1)/m); Beta(3, 7) scaled has
    # excess kurtosis about -0.1, so 5 s.e. with the normal value sqrt(2/m) = 1 % is ample.
    rel = abs(x.var(ddof=1) / target - 1)
    assert rel < 5 * math.sqrt(2 / 20_000)
    # negative control: the multinomial variance 210 is nowhere near
    assert abs(x.var(ddof=1) / 210 - 1) > 50
    assert d.ballots.ravel().tolist() == [1000] * 20_000


# ------------------------------------------------------------------ the estimator
def simulate_stations(
    alpha: float, sizes: np.ndarray, p: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    pi = rng.dirichlet(alpha * p, size=len(sizes))
    return np.stack([rng.multinomial(int(n), q) for n, q in zip(sizes, pi, strict=True)])


def test_estimate_concentration_recovers_a_known_concentration() -> None:
    rng = np.random.default_rng(2020)
    alpha = 30.0
    rho_true = 1 / (1 + alpha)
    p = np.array([0.35, 0.3, 0.15, 0.1, 0.06, 0.04])
    region = np.repeat([0, 1], 150)
    estimates = []
    for _ in range(30):
        sizes = rng.integers(200, 1500, size=300)
        x = simulate_stations(alpha, sizes, p, rng)
        pr = es.PrecinctResults(
            x[:, :-1], region=region, regions=["R1", "R2"], against_all=x[:, -1]
        )
        estimates.append(1 / (1 + estimate_concentration(pr)))
    est = np.array(estimates)
    half = Z999 * est.std(ddof=1) / math.sqrt(len(est))  # 99.9 % CI of the mean estimate
    assert abs(est.mean() - rho_true) <= half
    # negative control: alpha = 40 (rho = 1/41) lies outside the same interval
    assert abs(est.mean() - 1 / 41) > half


def test_estimate_concentration_hand_example_and_levels() -> None:
    # stations (50, 50), (60, 40), (40, 60): X^2 = 0 + 4 + 4 = 8, C - 1 = 1, A = S - 1 = 2,
    # a_s = 1/3, Q = 3 * 100 * 99 = 29,700, B = 3 * [(2/3)^2 * 99 + (1/3) * 19,800/300] = 198,
    # rho = (8 - 2)/198 = 1/33, alpha = 32.
    pr = es.PrecinctResults([[50, 50], [60, 40], [40, 60]], region=[0, 0, 0], regions=["R"])
    assert estimate_concentration(pr) == pytest.approx(32.0)
    # level "region": phi = 1 + rho * Q/N = 1 + 29,700/(33 * 300) = 4,
    # alpha_R = (N - phi)/(phi - 1) = 296/3
    assert estimate_concentration(pr, level="region") == pytest.approx([296 / 3])
    assert estimate_concentration(pr, pooled=False) == pytest.approx([32.0])
    with pytest.raises(ElectsimError, match="level"):
        estimate_concentration(pr, level="nation")
    with pytest.raises(ElectsimError, match="precincts"):
        estimate_concentration(small_election())  # type: ignore[arg-type]


def test_regional_concentration_matches_sum_of_station_counts() -> None:
    # the total of independent DM(n_s, p, alpha) stations has variance N p (1-p) phi_bar; the
    # regional concentration is defined to reproduce it: check by simulation
    rng = np.random.default_rng(9)
    sizes = rng.integers(100, 600, size=40)
    p = np.array([0.2, 0.8])
    alpha = 20.0
    rho = 1 / (1 + alpha)
    N = sizes.sum()
    phi = 1 + rho * (sizes * (sizes - 1)).sum() / N
    alpha_r = (N - phi) / (phi - 1)
    m = 4_000
    pis = rng.beta(alpha * p[0], alpha * p[1], size=(m, 40))
    totals = rng.binomial(sizes, pis).sum(axis=1)
    target = N * 0.2 * 0.8 * (N + alpha_r) / (1 + alpha_r)
    assert abs(totals.var(ddof=1) / target - 1) < 5 * math.sqrt(2 / m)


def test_kyrgyz_precincts_overdispersed() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    a = estimate_concentration(pr)
    per = np.asarray(estimate_concentration(pr, pooled=False))
    reg = np.asarray(estimate_concentration(pr, level="region"))
    assert isinstance(a, float) and 1 < a < 1_000  # far from multinomial (alpha = inf)
    assert per.shape == reg.shape == (10,)
    assert np.all(reg > a)  # a region's total is less dispersed than one station


# ------------------------------------------------------------------ the result object
def test_result_summaries_match_hand_counts() -> None:
    parties = (es.Party("A", bloc="gov"), es.Party("B", bloc="gov"), es.Party("C"))
    seats = np.array([[60, 1, 59], [61, 20, 39], [80, 0, 40], [50, 30, 40]], dtype=np.int16)
    elig = seats > 0
    r = SimulationResult(parties, 120, seats, elig, np.array([False, True, False, False]))
    assert r.mean_seats.tolist() == [62.75, 12.75, 44.5]
    assert r.prob_pass.tolist() == [1.0, 0.75, 1.0]
    # gov seats 61, 81, 80, 80: simple majority (61) in all 4, two thirds (80) in 3
    assert r.prob_majority("gov") == 1.0
    assert r.prob_majority("gov", "two_thirds") == 0.75
    assert r.prob_majority(["A"]) == 0.5  # 61 and 80
    dist = r.seat_distribution("B")
    assert dist.shape == (121,) and dist[0] == 0.25 and dist.sum() == pytest.approx(1.0)
    assert r.quantiles([0.5]).tolist() == [[60, 1, 40]]  # inverted cdf: 2nd of 4 sorted
    assert r.n_ties == 1
    recs = r.to_records()
    assert recs[0]["party"] == "A" and recs[0]["median"] == 60
    text = str(r)
    assert "4 draws" in text and "62.75" in text
    with pytest.raises(UnknownNameError):
        r.seat_distribution("Z")
    with pytest.raises(UnknownNameError):
        r.prob_majority("nobody")


def test_perturbation_factory_draws_parameters() -> None:
    # a distribution over the budget: each block builds a VoteBuying with random budgets
    e = small_election()

    def factory(rng: np.random.Generator, size: int) -> VoteBuying:
        return BUY.replace(budget_som=rng.uniform(0, 2_000_000, size=size))

    a = simulate(
        e,
        SYSTEM,
        40,
        uncertainty=Multinomial(),
        perturbation=factory,
        rng=1,
        seed_block=8,
        chunk_size=8,
    )
    b = simulate(
        e,
        SYSTEM,
        40,
        uncertainty=Multinomial(),
        perturbation=factory,
        rng=1,
        seed_block=8,
        chunk_size=40,
    )
    assert arrays(a) == arrays(b)
    base = simulate(e, SYSTEM, 40, uncertainty=Multinomial(), rng=1, seed_block=8)
    assert a.mean_seats[2] >= base.mean_seats[2]  # buying for C never costs C seats on average


def test_progress_bar_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    simulate(small_election(), SYSTEM, 20, rng=0, seed_block=5, chunk_size=5, progress=True)
    err = capsys.readouterr().err
    assert "100.0%" in err and "20/20 draws" in err


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n": 0}, "n=0"),
        ({"n": 10, "chunk_size": 0}, "chunk_size"),
        ({"n": 10, "rng": "x"}, "rng"),
        ({"n": 10, "uncertainty": 3}, "uncertainty"),
        ({"n": 10, "perturbation": 3}, "perturbation"),
    ],
)
def test_bad_input(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ElectsimError, match=match):
        simulate(small_election(), SYSTEM, **kwargs)


def test_bad_concentration() -> None:
    with pytest.raises(ElectsimError, match="concentration"):
        DirichletMultinomial(-1.0)
    with pytest.raises(ElectsimError, match="regions"):
        DirichletMultinomial([1.0, 2.0]).draw(small_election(), 2, np.random.default_rng(0))


# ------------------------------------------------------------------ the example
def test_uncertainty_example_runs() -> None:
    proc = run_script(
        ROOT / "examples" / "uncertainty.py", "--n", "1000", timeout=300, warnings_as_errors=False
    )
    rows = {}
    for line in proc.stdout.splitlines():
        parts = line.rsplit(maxsplit=8)
        if len(parts) == 9 and parts[1].replace(".", "").isdigit():
            rows[parts[0].strip()] = [float(x) for x in parts[1:]]
    # the reported count with 1.5 % invalid: 46/44/16/14, Mekenchil out (fails by 9,898+ invalid)
    assert rows["reported count, 1.5 % invalid"] == [1, 0, 0, 46, 44, 16, 14, 0]
    # counting error alone changes nothing at these margins
    assert rows["counting error 0.1 %"][:2] == [1.0, 0.0]
    # invalid rate U(0, 3.2 %) alone: P(MCH) = P(rate < 0.52168 %) = 0.0052168/0.032 = 0.163
    p = 0.0052168 / 0.032
    assert abs(rows["invalid rate U(0, 3.2 %)"][1] - p) <= Z999 * math.sqrt(p * (1 - p) / 1000)
    assert rows["invalid rate U(1.2, 2.0 %)"][1] == 0.0  # entirely above the crossing
    # completed to the CEC's totals Mekenchil (137,436) is below 7 % of 1,968,094 valid votes
    # (137,766.58) whatever the invalid rate
    assert rows["completed + invalid U(0, 3.2 %)"][1] == 0.0
    assert "fails at any invalid rate" in proc.stdout
