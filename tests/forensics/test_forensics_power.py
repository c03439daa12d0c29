"""Null model, size (negative controls), power, fingerprint recovery and reproducibility."""

from __future__ import annotations

import functools
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from scipy import stats

import electsim as es
from electsim import forensics as fz
from electsim.errors import ElectsimError, MissingDataError, UnknownNameError
from electsim.manipulation import BallotStuffing
from electsim.sensitivity import fails, passes

ALPHA = 0.05


def template(S: int = 300, seed: int = 0, registered: bool = True) -> es.PrecinctResults:
    """Station results to fit a null model to: 3 regions, 4 parties, sizes 150-1,500."""
    g = np.random.default_rng(seed)
    region = np.arange(S) % 3
    N = g.integers(150, 1500, size=S)
    T = g.binomial(N, 0.6)
    mean = np.array([[0.45, 0.3, 0.15, 0.1], [0.3, 0.4, 0.2, 0.1], [0.5, 0.2, 0.2, 0.1]])
    p = np.stack([g.dirichlet(30 * mean[r]) for r in region])
    cats = np.stack([g.multinomial(t, q) for t, q in zip(T, p, strict=True)])
    return es.PrecinctResults(
        cats[:, :3],
        region=region,
        regions=["N", "S", "E"],
        parties=["A", "B", "C"],
        against_all=cats[:, 3],
        invalid=np.zeros(S, dtype=int) if registered else None,
        registered=N if registered else None,
    )


@pytest.fixture(scope="module")
def null() -> fz.NullModel:
    return fz.NullModel.fit(template())


def binomial_99(n: int, p: float = ALPHA) -> tuple[float, float]:
    """The central 99 % interval of a rejection rate over n independent tests of size p."""
    lo, hi = stats.binom.ppf([0.005, 0.995], n, p)
    return lo / n, hi / n


def stuffing(level: float) -> BallotStuffing:
    return BallotStuffing("A", incremental=level, extreme=level / 4, theta=0.1)


@dataclass(frozen=True)
class _Out:
    results: es.PrecinctResults


@dataclass(frozen=True)
class RoundShares:
    """Test-only fabrication: in a share ``level`` of stations, A's votes are rewritten so
    that A's share is the nearest multiple of 5 % (other lists absorb the difference)."""

    level: float

    def apply(self, pr: es.PrecinctResults, rng: Any = None) -> _Out:
        g = np.random.default_rng(rng)
        V = pr.valid
        hit = g.uniform(size=V.shape) < self.level
        target = np.rint(np.rint(20 * pr.votes[..., 0] / V) * V / 20).astype(np.int64)
        target = np.clip(target, 0, pr.votes[..., 0] + pr.votes[..., 1])
        a = np.where(hit, target, pr.votes[..., 0])
        b = pr.votes[..., 1] + pr.votes[..., 0] - a
        votes = np.stack([a, b, pr.votes[..., 2]], axis=-1)
        return _Out(pr.replace(votes=votes))


@dataclass(frozen=True)
class ZeroLastDigits:
    """Test-only fabrication: in a share ``level`` of stations every count >= 100 is rounded
    down to a multiple of 10 (the difference goes to "against all")."""

    level: float

    def apply(self, pr: es.PrecinctResults, rng: Any = None) -> _Out:
        g = np.random.default_rng(rng)
        hit = (g.uniform(size=pr.valid.shape) < self.level)[..., None] & (pr.votes >= 100)
        votes = np.where(hit, pr.votes - pr.votes % 10, pr.votes)
        aa = pr.against_all + (pr.votes - votes).sum(axis=-1)
        return _Out(pr.replace(votes=votes, against_all=aa))


# ----------------------------------------------------------------------------- null model
def test_null_model_reproduces_regional_shares(null: fz.NullModel) -> None:
    sample = null.sample(200, rng=1)
    assert sample.votes.shape == (200, 300, 3)
    assert (sample.registered == null.registered).all()
    # mean shares by region within 4 standard errors of the fitted ones
    votes = np.concatenate([sample.votes, sample.against_all[..., None]], axis=-1)
    for r in range(3):
        x = votes[:, null.template.region == r].sum(axis=1)  # (200, 4)
        share = x / x.sum(axis=1, keepdims=True)
        se = share.std(axis=0) / np.sqrt(200)
        assert np.all(np.abs(share.mean(axis=0) - null.shares[r]) < 4 * se + 1e-9)
    # turnout mean per region within 4 standard errors of the template's
    t = (sample.valid + sample.invalid) / sample.registered
    tt = null.template.valid / null.template.registered
    for r in range(3):
        m = null.template.region == r
        assert abs(t[:, m].mean() - tt[m].mean()) < 4 * t[:, m].mean(axis=1).std() / np.sqrt(200)


def test_null_model_stated_turnout_and_errors() -> None:
    pr = template(registered=False)
    m = fz.NullModel.fit(pr, turnout="60%", invalid_rate="1%")
    assert any("ASSUMPTION" in a for a in m.assumptions) and m.has_turnout
    s = m.sample(3, rng=0)
    assert s.registered is not None and s.invalid is not None
    assert "ASSUMPTION" in str(m)
    with pytest.raises(ElectsimError, match="turnout"):
        fz.NullModel.fit(template(), turnout="60%")  # registered known: nothing to state
    with pytest.raises(ElectsimError, match="turnout"):
        fz.NullModel.fit(pr, turnout="150%")
    with pytest.raises(ElectsimError, match="concentration"):
        fz.NullModel.fit(pr, concentration=-1)
    with pytest.raises(ElectsimError, match="n="):
        m.sample(0)


# ----------------------------------------------------------------------------- size
def test_size_of_every_detector_on_1000_null_data_sets(null: fz.NullModel) -> None:
    """Negative control: each detector rejects clean data at the nominal rate."""
    res = fz.power(None, null, stuffing, [0.5], n_datasets=1000, rng=11, chunk_size=500)
    lo, hi = binomial_99(1000)
    assert set(res.detectors) == set(fz.DETECTORS)
    for d, name in enumerate(res.detectors):
        assert lo <= res.size[d] <= hi, (name, res.size[d])


def test_size_of_native_nulls_on_1000_null_data_sets() -> None:
    """Negative control for the detectors' own nulls (binomial resampling, uniform digits):
    1,000 clean data sets of 100 stations, p-values randomised for ties (exact size)."""
    small_null = fz.NullModel.fit(template(S=100, seed=5))
    data = small_null.sample(1000, rng=12)
    g = np.random.default_rng(13)
    lo, hi = binomial_99(1000)
    for det in (
        fz.IntegerPercentages(n_resamples=39),
        fz.CoarseShares(n_resamples=39),
        fz.LastDigits(n_resamples=39),
    ):
        stat, _ = det.statistic(data)
        p, _ = det.native_pvalue(data, stat, g, g.uniform(size=1000))
        assert lo <= (p <= ALPHA).mean() <= hi, (det.name, (p <= ALPHA).mean())


# ----------------------------------------------------------------------------- power
def test_power_is_monotone_and_reaches_one_for_gross_stuffing(null: fz.NullModel) -> None:
    levels = [0.0, 0.02, 0.1, 0.4]
    res = fz.power(["fingerprint", "turnout_share"], null, stuffing, levels, 200, rng=3)
    for d in range(2):
        p = res.power[d]
        se = np.sqrt(0.25 / 200)
        assert all(p[i + 1] >= p[i] - 3 * se for i in range(3)), p
        assert p[-1] == 1.0
        assert p[0] < 0.12  # level 0 is the null again
    for d, name in enumerate(res.detectors):
        first = next(lv for lv, pw in zip(levels, res.power[d], strict=True) if pw >= 0.8)
        assert res.min_level[name] == first
    fpr, tpr = res.roc("fingerprint", 3)
    assert fpr[0] == tpr[0] == 0 and fpr[-1] == tpr[-1] == 1
    assert res.auc("fingerprint", 3) > 0.95 > res.auc("fingerprint", 0)


def test_integer_and_digit_tests_detect_fabrication(null: fz.NullModel) -> None:
    res = fz.power(
        ["integer_percentages", "coarse_shares"], null, RoundShares, [0.05, 0.5], 100, rng=4
    )
    assert (res.power[:, -1] == 1.0).all() and (res.power[:, 0] <= res.power[:, 1]).all()
    res2 = fz.power(["last_digits"], null, ZeroLastDigits, [0.3], 100, rng=5)
    assert res2.power[0, 0] == 1.0
    # stuffing leaves digits alone: the digit tests have no more power than their size
    res3 = fz.power(["last_digits", "second_digits"], null, stuffing, [0.2], 200, rng=6)
    assert (res3.power < 0.15).all()


def test_fingerprint_recovers_klimek_fraud_shares(null: fz.NullModel) -> None:
    big = fz.NullModel.fit(template(S=3000, seed=9))
    data = big.sample(1, rng=7)
    fi, fe = 0.2, 0.05
    out = BallotStuffing("A", incremental=fi, extreme=fe, theta=0.1).apply(data, rng=8)
    res = fz.fingerprint(out.election, null=big, n_null=20, rng=9)
    assert res.fi_interval[0, 0] <= fi <= res.fi_interval[0, 1], (res.fi, res.fi_interval)
    assert res.fe_interval[0, 0] <= fe <= res.fe_interval[0, 1], (res.fe, res.fe_interval)
    assert res.pvalue[0] < 0.05
    clean = fz.fingerprint(data, null=big, n_null=20, rng=9)
    assert clean.fi_interval[0, 0] <= 0.02 and clean.fe_interval[0, 0] <= 0.01


# ----------------------------------------------------------------------------- reproducibility
def test_same_seed_same_power_for_any_chunking_and_executor(null: fz.NullModel) -> None:
    run = functools.partial(
        fz.power,
        ["integer_percentages", "second_digits", "fingerprint"],
        null,
        stuffing,
        [0.05, 0.2],
        30,
        rng=2024,
        seed_block=4,
    )
    ref = run(chunk_size=30)
    for kw in ({"chunk_size": 1}, {"chunk_size": 7}):
        assert np.array_equal(run(**kw).pvalues, ref.pvalues)
    with ProcessPoolExecutor(2) as ex:
        assert np.array_equal(run(chunk_size=7, executor=ex).pvalues, ref.pvalues)
    assert not np.array_equal(run(chunk_size=30, rng=2025).pvalues, ref.pvalues)


def test_detectability_reports_seat_changes() -> None:
    pr = template(S=120, seed=3)
    m = fz.NullModel.fit(pr)
    law = es.ElectoralSystem(20, "hare", national=es.Threshold("20%"), tie_break="lowest_index")
    res = fz.detectability(
        m,
        functools.partial(_shift, "C"),
        [0, 20_000],
        law,
        detectors=["extreme_stations"],
        n_datasets=20,
        rng=1,
    )
    # moving 20,000 votes to C lifts it over 20 % and changes the seats in every data set
    assert res.seat_change is not None and res.seat_change.tolist() == [0.0, 1.0]
    assert res.decisive_yet_undetectable(detected=1.01) == [20_000.0]
    assert "P(any seat)" in str(res)
    rec = res.to_records()
    assert rec[2]["p_any_seat_moves"] == 1.0 and rec[0]["level"] is None


def test_detectability_target_is_a_threshold_crossing_not_any_seat_move() -> None:
    pr = template(S=120, seed=3)
    m = fz.NullModel.fit(pr)
    law = es.ElectoralSystem(20, "hare", national=es.Threshold("25%"), tie_break="lowest_index")
    levels = [1_200, 20_000]
    res = fz.detectability(
        m,
        functools.partial(_shift, "C"),
        levels,
        law,
        target=[fails("A"), passes("C")],
        detectors=["extreme_stations"],
        n_datasets=20,
        rng=1,
    )
    # Independent check of the crossing on clean data sets of the same model: about 59,000
    # ballots with C at 18-22 %; 1,200 votes from A (10 per station) add 2 points and stay
    # below 25 % while A keeps over 25 %; 20,000 votes lift C above 25 % in every data set.
    clean = m.sample(200, 5)
    ballots = clean.valid.sum(axis=-1) + clean.invalid.sum(axis=-1)
    a, c = clean.votes[..., 0].sum(axis=-1), clean.votes[..., 2].sum(axis=-1)
    assert ((c + 1_200) / ballots).max() < 0.25 < ((c + 20_000) / ballots).min()
    assert ((a - 1_200) / ballots).min() > 0.25
    assert res.target_clean == 0.0
    assert res.target_reached is not None and res.target_crossed is not None
    assert res.target_reached.tolist() == [0.0, 1.0]
    assert res.target_crossed.tolist() == [0.0, 1.0]
    # ... while 1,200 votes already move a remainder seat in some data sets
    assert res.seat_change is not None and res.seat_change[0] > 0
    assert res.decisive_yet_undetectable(detected=1.01) == [20_000.0]
    assert "P(crossed)" in str(res) and "C passes the threshold" in str(res)
    assert res.to_records()[2]["p_crossed"] == 1.0
    assert len(repr(res)) < 300 and "target=" in repr(res)  # no p-value arrays in the repr
    # a callable target on batched Allocations gives the same answer (over several chunks)
    res2 = fz.detectability(
        m,
        functools.partial(_shift, "C"),
        levels,
        law,
        target=_c_passes,
        detectors=["extreme_stations"],
        n_datasets=20,
        rng=1,
        chunk_size=4,
        seed_block=4,
    )
    assert res2.target_crossed is not None and res2.target_crossed.tolist() == [0.0, 1.0]
    with pytest.raises(UnknownNameError, match="party"):
        fz.detectability(m, stuffing, [0.1], law, target=fails("Z"), n_datasets=20)
    with pytest.raises(ElectsimError, match="target"):
        fz.detectability(m, stuffing, [0.1], law, target=3, n_datasets=20)
    with pytest.raises(ElectsimError, match="system"):
        fz.power(None, m, stuffing, [0.1], 20, target=fails("A"))


def _c_passes(after: es.Allocation, before: es.Allocation) -> Any:
    return after.passes_national[:, 2]


def _shift(party: str, level: float) -> Any:
    @dataclass(frozen=True)
    class Shift:
        def apply(self, pr: es.PrecinctResults, rng: Any = None) -> _Out:
            k = pr.party_index(party)
            per = int(level) // pr.n_stations
            take = np.minimum(pr.votes[..., 0], per)
            votes = pr.votes.copy()
            votes[..., 0] -= take
            votes[..., k] += take
            return _Out(pr.replace(votes=votes))

    return Shift()


def test_power_bad_input(null: fz.NullModel) -> None:
    with pytest.raises(UnknownNameError, match="detector"):
        fz.power(["nope"], null, stuffing, [0.1], 20)
    with pytest.raises(ElectsimError, match="levels"):
        fz.power(None, null, stuffing, [], 20)
    with pytest.raises(ElectsimError, match="alpha"):
        fz.power(None, null, stuffing, [0.1], 20, alpha=1.5)
    with pytest.raises(ElectsimError, match="n_datasets"):
        fz.power(None, null, stuffing, [0.1], 1)
    with pytest.raises(ElectsimError, match="1/alpha = 20"):
        fz.power(None, null, stuffing, [0.1], 19)
    with pytest.raises(ElectsimError, match="calibration"):
        fz.power(None, null, stuffing, [0.1], 20, calibration="magic")
    no_turnout = fz.NullModel.fit(template(registered=False))
    with pytest.raises(MissingDataError, match="turnout"):
        fz.power(["fingerprint"], no_turnout, stuffing, [0.1], 20)
    law = es.ElectoralSystem(20, "hare")
    with pytest.raises(MissingDataError, match="invalid_rate"):
        fz.detectability(no_turnout, stuffing, [0.1], law)


def test_power_refuses_bad_factories_and_huge_runs_up_front(null: fz.NullModel) -> None:
    with pytest.raises(ElectsimError, match=r"manipulation_factory\(0.1\) returned int"):
        fz.power(None, null, lambda lv: 3, [0.1], 20, rng=1)
    with pytest.raises(ElectsimError, match=r"manipulation_factory\(-0.1\) failed.*incremental"):
        fz.power(None, null, stuffing, [-0.1], 20, rng=1)
    with pytest.raises(ElectsimError, match=r"n_datasets=1,000,000,000 .* simulated cells"):
        fz.power(None, null, stuffing, [0.1], 10**9, rng=1)
