"""Forensic detectors: hand-computed cases and independent slow (loop-based) references."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import electsim as es
from electsim import forensics as fz
from electsim.errors import ElectsimError, MissingDataError, ShapeMismatchError, UnknownNameError
from electsim.forensics._detectors import BENFORD_2BL


def small(seed: int, batch: tuple[int, ...] = (3,), S: int = 40, registered: bool = True):
    """A small random batch of station results (3 regions, 3 parties, against all)."""
    g = np.random.default_rng(seed)
    V = g.integers(5, 1500, size=(*batch, S))
    p = g.dirichlet([4, 2, 1, 0.5], size=(*batch, S))
    cats = np.stack([g.multinomial(v, q) for v, q in zip(V.ravel(), p.reshape(-1, 4), strict=True)])
    cats = cats.reshape(*batch, S, 4)
    reg = None
    inv = None
    if registered:
        inv = g.integers(0, 20, size=(*batch, S))
        reg = V + inv + g.integers(0, 1500, size=(*batch, S))
    return es.PrecinctResults(
        cats[..., :3],
        region=np.arange(S) % 3,
        regions=["N", "S", "E"],
        parties=["A", "B", "C"],
        against_all=cats[..., 3],
        invalid=inv,
        registered=reg,
    )


# ----------------------------------------------------------------------------- hand cases
def test_integer_percentages_hand_case() -> None:
    # party A's shares: 50/200 = 25 % (integer), 51/200 = 25.5 %, 333/1000 = 33.3 %,
    # 1001/2000 = 50.05 % (exactly on the 0.05 boundary: integer), 25/50 (50 % but only 50
    # voters: excluded), 995/1000 = 99.5 % (above 99 %: excluded), 300/1000 = 30 % (integer)
    votes = [[50, 150], [51, 149], [333, 667], [1001, 999], [25, 25], [995, 5], [300, 700]]
    pr = es.PrecinctResults(votes, region=[0] * 7, regions=["R"], parties=["A", "B"])
    res = fz.integer_percentages(pr, party="A", n_resamples=50, rng=0)
    assert res.statistic == 3
    assert res.station["flag"].tolist() == [True, False, False, True, False, False, True]
    # multiples of 5 only: 25 % and 30 % (50.05 % is 0.05 from 50, also a multiple of 5)
    five = fz.integer_percentages(pr, party="A", step=5, n_resamples=50, rng=0)
    assert five.statistic == 3
    narrow = fz.integer_percentages(pr, party="A", width=0.05, n_resamples=50, rng=0)
    assert narrow.statistic == 2  # 50.05 % is now 0.05 > 0.025 away


def test_integer_percentages_resampling_null_hand_case() -> None:
    # every station has exactly 100 voters: every resampled share is an integer percentage,
    # so X* = X = 5 always and p = (1 + R) / (R + 1) = 1; excess 0
    pr = es.PrecinctResults([[37, 63]] * 5, region=[0] * 5, regions=["R"])
    res = fz.integer_percentages(pr, party=0, n_resamples=20, rng=1)
    assert res.statistic == 5 and res.pvalue == 1.0 and res.details["excess"] == 0


def test_last_digits_hand_case() -> None:
    # 20 counts >= 100, all ending in 0: n = 20, e = 2, chi2 = 18**2/2 + 9 * 2**2/2 = 180
    pr = es.PrecinctResults([[100 + 10 * i, 5] for i in range(20)], region=[0] * 20, regions=["R"])
    res = fz.last_digits(pr, rng=0, n_resamples=200)
    assert res.statistic == pytest.approx(180.0)
    assert res.details["n"] == 20  # the 5s are below min_count
    assert res.pvalue == pytest.approx(1 / 201)  # no uniform draw of 20 digits is that extreme
    # digits 0..9 once each: chi2 = 0, p = 1
    flat = es.PrecinctResults([[100 + i, 1] for i in range(10)], region=[0] * 10, regions=["R"])
    assert fz.last_digits(flat, rng=0, n_resamples=50).statistic == 0.0


def test_second_digit_histogram_hand_case() -> None:
    det = fz.SecondDigits()
    # 123 -> 2, 1450 -> 4, 10 -> 0, 9 -> (excluded: one digit), 98 -> 8, 4021 -> 0
    pr = es.PrecinctResults([[123, 9], [1450, 98], [10, 4021]], region=[0] * 3, regions=["R"])
    assert det.histogram(pr).tolist() == [2, 0, 1, 0, 1, 0, 0, 0, 1, 0]
    # chi2 against a reference of uniform frequencies: n = 5, e = 0.5
    stat, detail = det.statistic(pr, np.full(10, 0.1))
    assert stat == pytest.approx((1.5**2 + 3 * 0.5**2 + 6 * 0.5**2) / 0.5)
    assert detail["mean_digit"] == pytest.approx((0 + 0 + 2 + 4 + 8) / 5)


def test_benford_second_digit_law() -> None:
    # Mebane (2006): P(d2 = 0) = 0.1197, mean 4.187
    assert BENFORD_2BL.sum() == pytest.approx(1.0)
    assert BENFORD_2BL[0] == pytest.approx(0.1197, abs=1e-4)
    assert BENFORD_2BL @ np.arange(10) == pytest.approx(4.187, abs=1e-3)


def test_extreme_and_coarse_hand_case() -> None:
    votes = [[80, 20], [79, 21], [2, 1], [1, 4], [500, 499]]
    pr = es.PrecinctResults(votes, region=[0] * 5, regions=["R"], parties=["A", "B"])
    det = fz.ExtremeStations(threshold=0.8)
    stat, d = det.statistic(pr)
    assert stat == 2 and d["flag"].tolist() == [True, False, False, True, False]  # A 80 %, B 80 %
    # coarse: A's shares 0.8 (4/5), 0.79, 2/3, 1/5, 0.5005 (within 0.001 of 1/2)
    cs, dc = fz.CoarseShares(party="A").statistic(pr)
    assert dc["flag"].tolist() == [True, False, True, True, True] and cs == 4


# ----------------------------------------------------------------------------- slow references
def slow_integer(pr: es.PrecinctResults, k: int, det: fz.IntegerPercentages) -> list[int]:
    width = Fraction(str(det.width))
    out = []
    votes = pr.votes.reshape(-1, pr.n_stations, pr.n_parties)
    valid = pr.valid.reshape(-1, pr.n_stations)
    reg = None if pr.registered is None else pr.registered.reshape(-1, pr.n_stations)
    ballots = (pr.valid + (0 if pr.invalid is None else pr.invalid)).reshape(-1, pr.n_stations)

    def hit(num: int, den: int) -> bool:
        if den < det.min_voters or Fraction(100 * num, den) > 99:
            return False
        p = Fraction(100 * num, den)
        nearest = round(p / det.step) * det.step
        return abs(p - nearest) <= width / 2

    for b in range(votes.shape[0]):
        x = 0
        for s in range(pr.n_stations):
            h = hit(int(votes[b, s, k]), int(valid[b, s]))
            if reg is not None:
                h = h or hit(int(ballots[b, s]), int(reg[b, s]))
            x += h
        out.append(x)
    return out


@pytest.mark.parametrize("step", [1, 5])
def test_integer_statistic_matches_slow_reference(step: int) -> None:
    pr = small(1)
    det = fz.IntegerPercentages(party="B", step=step, min_voters=50)
    stat, _ = det.statistic(pr)
    assert stat.tolist() == slow_integer(pr, 1, det)


def test_digit_statistics_match_slow_reference() -> None:
    pr = small(2)
    ld, sd = fz.LastDigits(min_count=10), fz.SecondDigits(min_count=10)
    ref = np.linspace(1, 2, 10) / np.linspace(1, 2, 10).sum()
    s_last, _ = ld.statistic(pr)
    s_second, _ = sd.statistic(pr, ref)
    for b in range(3):
        counts = [int(c) for c in pr.votes[b].ravel() if c >= 10]
        last = np.bincount([int(str(c)[-1]) for c in counts], minlength=10)
        second = np.bincount([int(str(c)[1]) for c in counts], minlength=10)
        n = len(counts)
        assert s_last[b] == pytest.approx(
            sum((last[d] - n / 10) ** 2 / (n / 10) for d in range(10))
        )
        expected = sum((second[d] - n * ref[d]) ** 2 / (n * ref[d]) for d in range(10))
        assert s_second[b] == pytest.approx(expected)


def test_coarse_and_extreme_match_slow_reference() -> None:
    pr = small(3)
    cs = fz.CoarseShares(party="A", max_denominator=6, tolerance=0.002)
    ex = fz.ExtremeStations(threshold=0.6, min_voters=20)
    s_cs, _ = cs.statistic(pr)
    s_ex, _ = ex.statistic(pr)
    fracs = {Fraction(a, b) for b in range(1, 7) for a in range(1, b + 1)}
    for b in range(3):
        n_cs = n_ex = 0
        for s in range(pr.n_stations):
            V = int(pr.valid[b, s])
            share = Fraction(int(pr.votes[b, s, 0]), V)
            n_cs += min(abs(share - f) for f in fracs) <= Fraction(2, 1000)
            top = max(int(x) for x in pr.votes[b, s])
            n_ex += V >= 20 and Fraction(top, V) >= Fraction(6, 10)
        assert s_cs[b] == n_cs and s_ex[b] == n_ex


def test_turnout_share_matches_slow_reference() -> None:
    pr = small(4)
    det = fz.TurnoutShare(party="A", min_voters=1)
    stat, detail = det.statistic(pr)
    for b in range(3):
        N = pr.registered[b].astype(float)
        t = (pr.valid[b] + pr.invalid[b]) / N
        w = pr.votes[b, :, 0] / pr.valid[b]
        dt, dw = np.empty(40), np.empty(40)
        for r in range(3):
            m = pr.region == r
            dt[m], dw[m] = t[m] - t[m].mean(), w[m] - w[m].mean()
        assert stat[b] == pytest.approx((dt @ dw) / np.sqrt((dt @ dt) * (dw @ dw)))
        assert detail["slope"][b] == pytest.approx((dt @ dw) / (dt @ dt))


def test_fingerprint_histogram_and_fit_match_slow_reference() -> None:
    pr = small(5)
    det = fz.Fingerprint(party="A", bins=5, min_voters=1)
    h = det.histogram(pr)
    g = np.random.default_rng(0)
    ref = g.dirichlet(np.ones(25), size=3)  # three arbitrary component histograms
    stat, _ = det.statistic(pr, ref)
    for b in range(3):
        slow = np.zeros((5, 5))
        for s in range(pr.n_stations):
            t = (pr.valid[b, s] + pr.invalid[b, s]) / pr.registered[b, s]
            w = pr.votes[b, s, 0] / pr.valid[b, s]
            slow[min(int(t * 5), 4), min(int(w * 5), 4)] += 1
        assert (h[b] == slow).all()
        # normal equations of min ||y - fi (h_i - h_c) - fe (h_e - h_c)||^2
        y = slow.ravel() / slow.sum() - ref[0]
        x1, x2 = ref[1] - ref[0], ref[2] - ref[0]
        A = np.array([[x1 @ x1, x1 @ x2], [x1 @ x2, x2 @ x2]])
        f = np.linalg.solve(A, [x1 @ y, x2 @ y])
        assert stat[b] == pytest.approx(f.sum())


# ----------------------------------------------------------------------------- data checks
def test_turnout_detectors_refuse_2020_precincts() -> None:
    pr = es.datasets.kyrgyzstan_2020_precincts()
    for run in (fz.fingerprint, fz.turnout_share):
        with pytest.raises(MissingDataError, match="integer_percentages, coarse_shares"):
            run(pr)
    with pytest.raises(MissingDataError, match="registered"):
        fz.integer_percentages(pr, turnout=True)


def test_detectors_on_batches_equal_one_by_one() -> None:
    pr = small(6)
    det = fz.IntegerPercentages(party="A")
    stat, _ = det.statistic(pr)
    for b in range(3):
        one = pr.replace(
            votes=pr.votes[b],
            against_all=pr.against_all[b],
            invalid=pr.invalid[b],
            registered=pr.registered[b],
        )
        assert det.statistic(one)[0] == stat[b]


def test_bad_detector_input() -> None:
    pr = small(7, batch=())
    with pytest.raises(UnknownNameError, match="detector 'benford'"):
        fz.get_detector("benford")
    with pytest.raises(ElectsimError, match="step"):
        fz.IntegerPercentages(step=3)
    with pytest.raises(ElectsimError, match="min_count"):
        fz.LastDigits(min_count=0)
    with pytest.raises(ElectsimError, match="unexpected keyword"):
        fz.last_digits(pr, bogus=1)
    with pytest.raises(ElectsimError, match="PrecinctResults"):
        fz.last_digits(pr.to_election())  # type: ignore[arg-type]
    with pytest.raises(ShapeMismatchError, match="null"):
        fz.second_digits(small(8), n_null=5)  # a batch needs an explicit null
    with pytest.raises(ShapeMismatchError, match="stations"):
        fz.second_digits(pr, null=fz.NullModel.fit(small(9, batch=(), S=30)), n_null=5)
    with pytest.raises(UnknownNameError, match=r"party index -1 is out of range 0\.\.2"):
        fz.integer_percentages(pr, party=-1)
    with pytest.raises(ElectsimError, match="min_count=1,000,000 leaves no counts"):
        fz.last_digits(pr, min_count=10**6)


def test_result_repr_is_short() -> None:
    r = fz.extreme_stations(small(7, batch=(), S=40), n_null=5, rng=1)
    assert repr(r).startswith("DetectorResult(detector='extreme_stations', statistic=")
    assert len(repr(r)) < 300 and "array(" not in repr(r)


def test_huge_runs_are_refused_before_any_work() -> None:
    # 40 stations x 4 options (A, B, C, against all): 160 cells per clean data set, 40
    # binomial draws per resample, 10 digit cells per multinomial; limits 5e9 draws, 2 GiB
    pr = small(7, batch=())
    with pytest.raises(ElectsimError, match=r"n_null=1,000,000,000,000 .*1.6e\+14"):
        fz.second_digits(pr, n_null=10**12)
    with pytest.raises(ElectsimError, match=r"n_resamples=1,000,000,000,000 .*4e\+13"):
        fz.integer_percentages(pr, n_resamples=10**12)
    with pytest.raises(ElectsimError, match=r"n_resamples=1,000,000,000 .*1e\+10 multinomial"):
        fz.last_digits(pr, n_resamples=10**9)
    with pytest.raises(ElectsimError, match=r"n_bootstrap=1,000,000,000 "):
        fz.fingerprint(pr, n_null=5, n_bootstrap=10**9)
    with pytest.raises(ElectsimError, match=r"n=1,000,000,000 clean data sets .* GiB"):
        fz.NullModel.fit(pr).sample(10**9)


def test_model_calibrated_result_shape_and_records() -> None:
    pr = small(10, batch=())
    res = fz.extreme_stations(pr, threshold=0.7, n_null=30, rng=1)
    assert res.null_statistics is not None and res.null_statistics.shape == (30,)
    assert res.station["null_probability"].shape == (pr.n_stations,)
    assert 1 / 31 <= res.pvalue <= 1
    rec = res.to_records()[0]
    assert rec["detector"] == "extreme_stations" and rec["statistic"] == res.statistic
    assert "extreme_stations: statistic" in str(res)
    assert res._repr_html_().startswith("<pre")
