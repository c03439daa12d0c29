r"""Forensic detectors, vectorised over polling stations and over a batch of data sets.

Every detector is a small frozen dataclass (its options) with

* ``statistic(precincts, reference) -> (stat, detail)``: ``stat`` of shape ``(*batch,)``, larger
  meaning more anomalous; ``detail`` a dict of arrays (per station ``(*batch, S)`` or summary);
* ``reference(null_sample, rng)``: what the statistic needs from clean data (e.g. the expected
  second-digit frequencies), or ``None``;
* for detectors with a null of their own (``native = True``): ``native_pvalue(precincts, stat,
  rng)``.

The module-level functions (:func:`integer_percentages`, ...) run one detector on data and
return a :class:`DetectorResult`.  Detectors without a null of their own are calibrated on a
:class:`~electsim.forensics.NullModel` (fitted to the data unless one is given): the p-value is
``(1 + #{null statistics >= statistic}) / (n_null + 1)``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray
from scipy import stats as sps  # type: ignore[import-untyped]

from .._display import HTMLReprMixin
from .._rng import normalise_rng
from ..election import PrecinctResults
from ..errors import ElectsimError, MissingDataError, ShapeMismatchError, UnknownNameError
from ._null import NullModel, check_work

__all__ = [
    "DETECTORS",
    "CoarseShares",
    "DetectorResult",
    "ExtremeStations",
    "Fingerprint",
    "FingerprintResult",
    "IntegerPercentages",
    "LastDigits",
    "SecondDigits",
    "TurnoutShare",
    "coarse_shares",
    "extreme_stations",
    "fingerprint",
    "get_detector",
    "integer_percentages",
    "last_digits",
    "second_digits",
    "turnout_share",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Benford's second-digit law, P(d2 = d) = sum_k log10(1 + 1/(10k + d)) (shown for reference
#: only: vote counts do not follow it, so the tests calibrate on the clean generator).
BENFORD_2BL = np.array(
    [sum(np.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10)]
)

#: Klimek et al. (2012): the width of the extreme-fraud intensity, x = 1 - |N(0, 0.075)|.
KLIMEK_EXTREME_WIDTH = 0.075


# ----------------------------------------------------------------------------- helpers
def _check_precincts(precincts: Any) -> PrecinctResults:
    if not isinstance(precincts, PrecinctResults):
        raise ElectsimError(f"precincts must be PrecinctResults, got {type(precincts).__name__}")
    return precincts


def _party_index(pr: PrecinctResults, party: str | int | None) -> int:
    """A party's column; ``None``: the party with the most votes over all stations and data."""
    if party is None:
        return int(np.argmax(pr.votes.reshape(-1, pr.n_parties).sum(axis=0)))
    if isinstance(party, int | np.integer) and not isinstance(party, bool) and party < 0:
        raise UnknownNameError(
            f"party index {party} is out of range 0..{pr.n_parties - 1} (negative indices are "
            "refused: give a name or a column number)"
        )
    return pr.party_index(party)


def _ballots(pr: PrecinctResults) -> IntArray:
    """Ballots cast per station: valid + invalid (when known)."""
    return pr.valid + (0 if pr.invalid is None else pr.invalid)


def _positive_int(value: Any, name: str, lo: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < lo:
        raise ElectsimError(f"{name}={value!r} must be an integer >= {lo}")
    return int(value)


def _rate(value: Any, name: str, lo: float = 0.0, hi: float = 1.0) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"{name}={value!r} is not a number") from exc
    if not np.isfinite(x) or not lo < x <= hi:
        raise ElectsimError(f"{name}={value!r} must lie in ({lo}, {hi}]")
    return x


def _needs_turnout(pr: PrecinctResults, name: str) -> None:
    if pr.registered is None:
        runs = ", ".join(n for n, d in DETECTORS.items() if not d.needs_turnout)
        raise MissingDataError(
            f"{name} needs registered voters (turnout), which these station results do not "
            f"have; detectors that run without them: {runs}.  (For simulations, "
            "NullModel.fit(..., turnout='56.5%') states a turnout.)"
        )


def _by_batch_bincount(idx: IntArray, weights: FloatArray | None, nbins: int) -> FloatArray:
    """Per-batch histograms: ``idx`` ``(*batch, n)`` of bin indices (``-1`` = skip)."""
    batch = idx.shape[:-1]
    nb = int(np.prod(batch)) if batch else 1
    flat = idx.reshape(nb, -1)
    w = None if weights is None else np.broadcast_to(weights, idx.shape).reshape(nb, -1)
    keep = flat >= 0
    rows = np.broadcast_to(np.arange(nb)[:, None], flat.shape)
    lin = (rows * nbins + flat)[keep]
    out = np.bincount(lin, None if w is None else w[keep], minlength=nb * nbins)
    return out.reshape(*batch, nbins).astype(np.float64)


def _mc_pvalue(stat: FloatArray, null: FloatArray, u: FloatArray | None = None) -> FloatArray:
    """Monte Carlo p-value along the first axis of ``null``.

    ``(1 + #{null >= stat}) / (n + 1)``; with uniforms ``u`` (shape of ``stat``) ties are
    randomised, ``(#{null > stat} + u (1 + #{null == stat})) / (n + 1)``, which is exactly
    uniform under the null even for discrete statistics.
    """
    tol = 1e-12 * np.maximum(1.0, np.abs(stat[None, ...]))
    ge = (null >= stat[None, ...] - tol).sum(axis=0)
    if u is None:
        return np.asarray((1.0 + ge) / (null.shape[0] + 1.0), dtype=np.float64)
    gt = (null > stat[None, ...] + tol).sum(axis=0)
    return np.asarray((gt + u * (1.0 + ge - gt)) / (null.shape[0] + 1.0), dtype=np.float64)


def _resampled(R: int, size: int, draw: Any, budget: int = 2_000_000) -> FloatArray:
    """``R`` resampled statistics ``(R, *batch)`` from ``draw(r)``, in slices of about
    ``budget`` station draws (memory bound)."""
    per = max(1, budget // max(1, size))
    return np.concatenate([draw(min(per, R - start)) for start in range(0, R, per)])


_FEWER = "use fewer (1,000 give a p-value to about +-0.01; 10,000 to +-0.003)"


def _digit_counts(pr: PrecinctResults, parties: tuple[str | int, ...] | None) -> IntArray:
    """The counts the digit tests look at: party votes ``(*batch, S, P')``."""
    if parties is None:
        return pr.votes
    idx = [_party_index(pr, p) for p in parties]
    return pr.votes[..., idx]


class _Detector:
    """Defaults shared by the detectors: no turnout needed, calibrated on the null model, and
    no reference from clean data."""

    needs_turnout: ClassVar[bool] = False
    native: ClassVar[bool] = False

    def reference(self, null: PrecinctResults, rng: np.random.Generator) -> Any:
        """What the statistic needs from clean data (``None``: nothing)."""
        return None


# ----------------------------------------------------------------------------- detectors
@dataclass(frozen=True)
class IntegerPercentages(_Detector):
    r"""Integer percentages (Kobak, Shpilkin & Pshenichnikov 2016, Ann. Appl. Stat. 10:54).

    A station is *integer* when the party's share :math:`100\,v/V` (and, when registered voters
    are known, the turnout :math:`100\,T/N`) lies within ``width``/2 percentage points of a
    multiple of ``step`` (1: integer percentages; 5: multiples of five).  Stations with at
    least ``min_voters`` valid votes (registered voters for turnout) and a percentage of at most
    99 count.  Statistic: the number :math:`X` of integer stations (decided in exact integer
    arithmetic).  Null (native): each station resampled as :math:`v^* \sim \mathrm{Bin}(V,
    v/V)`, :math:`T^* \sim \mathrm{Bin}(N, T/N)` (``n_resamples`` times); p-value
    :math:`(1 + \#\{X^* \ge X\})/(R + 1)`.
    """

    party: str | int | None = None
    min_voters: int = 100
    width: float = 0.1
    step: int = 1
    turnout: bool | None = None
    n_resamples: int = 1000

    name: ClassVar[str] = "integer_percentages"
    native: ClassVar[bool] = True
    null_description: ClassVar[str] = (
        "binomial resampling of every station's own counts (Kobak et al. 2016)"
    )

    def __post_init__(self) -> None:
        _positive_int(self.min_voters, "min_voters")
        _positive_int(self.step, "step")
        _positive_int(self.n_resamples, "n_resamples")
        if self.step not in (1, 2, 5, 10):
            raise ElectsimError(f"step={self.step!r} must be 1, 2, 5 or 10 percentage points")
        _rate(self.width, "width", 0.0, 1.0)

    def _use_turnout(self, pr: PrecinctResults) -> bool:
        if self.turnout and pr.registered is None:
            _needs_turnout(pr, "integer_percentages(turnout=True)")
        return pr.registered is not None if self.turnout is None else bool(self.turnout)

    def _hits(self, num: IntArray, den: IntArray) -> BoolArray:
        """``100 num / den`` within width/2 of a multiple of ``step`` and ``<= 99`` (exact)."""
        w = Fraction(str(self.width)) if not isinstance(self.width, Fraction) else self.width
        m = self.step * den
        d = np.mod(100 * num, np.maximum(m, 1))
        dist = np.minimum(d, m - d)
        return (
            (den >= self.min_voters)
            & (2 * dist * w.denominator <= w.numerator * den)
            & (100 * num <= 99 * den)
        )

    def _flags(self, v: IntArray, V: IntArray, T: IntArray | None, N: IntArray | None) -> Any:
        hit = self._hits(v, V)
        if T is not None and N is not None:
            hit = hit | self._hits(T, N)
        return hit

    def statistic(self, pr: PrecinctResults, ref: Any = None) -> tuple[FloatArray, dict[str, Any]]:
        k = _party_index(pr, self.party)
        use_t = self._use_turnout(pr)
        T = _ballots(pr) if use_t else None
        flags = self._flags(pr.votes[..., k], pr.valid, T, pr.registered if use_t else None)
        return flags.sum(axis=-1).astype(np.float64), {"flag": flags}

    def native_pvalue(
        self,
        pr: PrecinctResults,
        stat: FloatArray,
        rng: np.random.Generator,
        u: FloatArray | None = None,
    ) -> tuple[FloatArray, dict[str, Any]]:
        k = _party_index(pr, self.party)
        use_t = self._use_turnout(pr)
        v, V = pr.votes[..., k], pr.valid
        pv = np.divide(v, V, out=np.zeros(v.shape), where=V > 0)
        T = N = pt = None
        if use_t:
            T, N = _ballots(pr), pr.registered
            assert N is not None
            pt = np.divide(T, N, out=np.zeros(T.shape), where=N > 0)

        def draw(r: int) -> FloatArray:
            vs = rng.binomial(V, pv, size=(r, *v.shape))
            ts = None if T is None else rng.binomial(N, pt, size=(r, *v.shape))  # type: ignore[arg-type]
            return np.asarray(self._flags(vs, V, ts, N).sum(axis=-1), dtype=np.float64)

        R = self.n_resamples
        check_work("n_resamples", R, float(R) * v.size, "binomial station draws", _FEWER)
        null = _resampled(R, v.size, draw)
        mean, sd = null.mean(axis=0), null.std(axis=0, ddof=1) if R > 1 else 0 * stat
        z = np.divide(stat - mean, sd, out=np.zeros_like(stat), where=sd > 0)
        return _mc_pvalue(stat, null, u), {"expected": mean, "excess": stat - mean, "z": z}


@dataclass(frozen=True)
class CoarseShares(_Detector):
    r"""Shares at simple fractions (after Rozenas 2017, Political Analysis 25:41).

    A station is *coarse* when the party's share :math:`v/V` lies within ``tolerance`` of a
    fraction :math:`a/b` with :math:`1 \le a \le b \le` ``max_denominator`` (1/2, 2/3, 3/4, 1,
    ...): the shares a person writing numbers would pick.  Statistic: the number of coarse
    stations.  Null (native): a resampled share per station, :math:`p^* \sim
    \mathrm{Beta}(v + \tfrac12, V - v + \tfrac12)`, :math:`v^* \sim \mathrm{Bin}(V, p^*)` --
    each station keeps its own denominator (so the arithmetic that makes 1/2 common in small
    stations stays in the null) but spikes are smoothed away.  This is Rozenas's resampling
    logic with a per-station Jeffreys posterior instead of his fitted beta-binomial mixture,
    and a count at exact fractions instead of a kernel density.
    """

    party: str | int | None = None
    max_denominator: int = 10
    tolerance: float = 0.001
    min_voters: int = 1
    n_resamples: int = 1000

    name: ClassVar[str] = "coarse_shares"
    native: ClassVar[bool] = True
    null_description: ClassVar[str] = (
        "per-station resampling of shares from a Jeffreys posterior (after Rozenas 2017)"
    )

    def __post_init__(self) -> None:
        _positive_int(self.max_denominator, "max_denominator", 2)
        _positive_int(self.min_voters, "min_voters")
        _positive_int(self.n_resamples, "n_resamples")
        _rate(self.tolerance, "tolerance", 0.0, 0.1)

    def _flags(self, v: Any, V: IntArray) -> BoolArray:
        s = np.divide(v, V, out=np.zeros(np.shape(v)), where=V > 0)
        best = np.full(s.shape, np.inf)
        for b in range(1, self.max_denominator + 1):
            a = np.clip(np.rint(s * b), 1, b)
            best = np.minimum(best, np.abs(s - a / b))
        return (self.min_voters <= V) & (V > 0) & (best <= self.tolerance + 1e-12)

    def statistic(self, pr: PrecinctResults, ref: Any = None) -> tuple[FloatArray, dict[str, Any]]:
        k = _party_index(pr, self.party)
        flags = self._flags(pr.votes[..., k], pr.valid)
        return flags.sum(axis=-1).astype(np.float64), {"flag": flags}

    def native_pvalue(
        self,
        pr: PrecinctResults,
        stat: FloatArray,
        rng: np.random.Generator,
        u: FloatArray | None = None,
    ) -> tuple[FloatArray, dict[str, Any]]:
        k = _party_index(pr, self.party)
        v, V = pr.votes[..., k], pr.valid

        def draw(r: int) -> FloatArray:
            p = rng.beta(v + 0.5, V - v + 0.5, size=(r, *v.shape))
            return np.asarray(self._flags(rng.binomial(V, p), V).sum(axis=-1), dtype=np.float64)

        R = self.n_resamples
        check_work("n_resamples", R, float(R) * v.size, "beta-binomial station draws", _FEWER)
        null = _resampled(R, v.size, draw)
        return _mc_pvalue(stat, null, u), {"expected": null.mean(axis=0)}


@dataclass(frozen=True)
class LastDigits(_Detector):
    r"""Uniformity of last digits (Beber & Scacco 2012, Political Analysis 20:211).

    The last digits of the counts of ``parties`` (default: every party list) that are at least
    ``min_count``.  Statistic: Pearson's :math:`\chi^2 = \sum_d (n_d - n/10)^2 / (n/10)`.
    p-value (native): Monte Carlo from ``n_resamples`` multinomial draws of ``n`` uniform
    digits (exact as ``n_resamples`` grows); the asymptotic :math:`\chi^2_9` p-value is in
    ``details["chi2_pvalue"]``.  The uniform null holds when counts spread over many tens;
    ``min_count`` keeps out small counts, whose last digits are not uniform.
    """

    parties: tuple[str | int, ...] | None = None
    min_count: int = 100
    n_resamples: int = 1000

    name: ClassVar[str] = "last_digits"
    native: ClassVar[bool] = True
    null_description: ClassVar[str] = "uniform last digits (multinomial Monte Carlo)"

    def __post_init__(self) -> None:
        _positive_int(self.min_count, "min_count", 10)
        _positive_int(self.n_resamples, "n_resamples")

    def histogram(self, pr: PrecinctResults) -> FloatArray:
        """Last-digit frequencies ``(*batch, 10)`` of the counts >= ``min_count``."""
        c = _digit_counts(pr, self.parties)
        c = c.reshape(*c.shape[:-2], -1)
        d = np.where(c >= self.min_count, c % 10, -1)
        return _by_batch_bincount(d, None, 10)

    def statistic(self, pr: PrecinctResults, ref: Any = None) -> tuple[FloatArray, dict[str, Any]]:
        h = self.histogram(pr)
        n = h.sum(axis=-1)
        e = n / 10.0
        chi2 = np.divide(
            ((h - e[..., None]) ** 2).sum(axis=-1), e, out=np.zeros_like(n), where=e > 0
        )
        return chi2, {
            "digits": h,
            "n": n,
            "expected": np.full_like(chi2, 9.0),  # E chi2 under uniform digits
            "chi2_pvalue": sps.chi2.sf(chi2, 9),
        }

    def native_pvalue(
        self,
        pr: PrecinctResults,
        stat: FloatArray,
        rng: np.random.Generator,
        u: FloatArray | None = None,
    ) -> tuple[FloatArray, dict[str, Any]]:
        n = self.histogram(pr).sum(axis=-1).astype(np.int64)
        if (n == 0).any():
            raise ElectsimError(
                f"last_digits: min_count={self.min_count:,} leaves no counts to test "
                f"(largest count: {int(_digit_counts(pr, self.parties).max()):,}); lower it"
            )
        R = self.n_resamples
        check_work("n_resamples", R, float(R) * n.size * 10, "multinomial digit cells", _FEWER)
        e = n / 10.0

        def draw(r: int) -> FloatArray:
            draws = rng.multinomial(n, np.full(10, 0.1), size=(r, *n.shape))
            return np.divide(
                ((draws - e[..., None]) ** 2).sum(axis=-1),
                e,
                out=np.zeros(draws.shape[:-1]),
                where=e > 0,
            )

        null = _resampled(R, n.size * 10, draw)
        return _mc_pvalue(stat, null, u), {}


@dataclass(frozen=True)
class SecondDigits(_Detector):
    r"""Second digits of vote counts (Mebane's 2BL test), calibrated on the clean generator.

    The second digits of the counts of ``parties`` (default: every list) that are at least
    ``min_count`` (so have two digits).  Statistic: :math:`\chi^2 = \sum_d (n_d - n e_d)^2 /
    (n e_d)` against the frequencies :math:`e_d` *expected under the null model* (estimated
    from clean simulated data), not Benford's law, which vote counts need not follow (Mebane
    2007; Deckert, Myagkov & Ordeshook 2011).  The null distribution of the statistic is
    simulated from the same clean generator.  ``details`` also has the mean second digit (2BL's
    classic statistic; Benford: 4.187).

    .. warning:: Not a valid level-alpha test when the null model is fitted to the very data
       tested (the default of :func:`second_digits` and of ``examples/forensics_2020.py``):
       in that fit-then-test procedure it rejects clean data at about twice alpha -- measured
       0.09 (600 data sets, 300 stations) and 0.10 (300 data sets, the 2,413 stations of
       2020) at alpha = 0.05, n_null = 19; we state 0.15 as an upper bound (checked in
       ``tests/forensics/test_forensics_fitted_size.py``).  Read its p-values as roughly
       halved evidence.  With a null model fitted elsewhere, or in :func:`power` (whose
       leave-one-out calibration is exact), this does not apply.
    """

    parties: tuple[str | int, ...] | None = None
    min_count: int = 10

    name: ClassVar[str] = "second_digits"
    null_description: ClassVar[str] = "second-digit chi-square simulated from the null model"

    def __post_init__(self) -> None:
        _positive_int(self.min_count, "min_count", 10)

    def histogram(self, pr: PrecinctResults) -> FloatArray:
        """Second-digit frequencies ``(*batch, 10)`` of the counts >= ``min_count``."""
        c = _digit_counts(pr, self.parties)
        c = c.reshape(*c.shape[:-2], -1)
        div = np.ones_like(c)  # 10 ** (number of digits - 2), exact in integers
        top = int(c.max()) if c.size else 0
        k = 2
        while k < 19 and 10**k <= top:
            div = np.where(c >= 10**k, 10 ** (k - 1), div)
            k += 1
        d2 = (c // div) % 10
        return _by_batch_bincount(np.where(c >= self.min_count, d2, -1), None, 10)

    def reference(self, null: PrecinctResults, rng: np.random.Generator) -> FloatArray:
        h = self.histogram(null).reshape(-1, 10).sum(axis=0)
        if h.sum() == 0:
            raise ElectsimError(f"second_digits: no count reaches min_count={self.min_count}")
        return np.maximum(h / h.sum(), 1e-12)

    def statistic(
        self, pr: PrecinctResults, ref: FloatArray | None
    ) -> tuple[FloatArray, dict[str, Any]]:
        if ref is None:
            raise ElectsimError("second_digits needs the null model's digit frequencies")
        h = self.histogram(pr)
        n = h.sum(axis=-1)
        e = n[..., None] * ref
        chi2 = np.divide((h - e) ** 2, e, out=np.zeros_like(h), where=e > 0).sum(axis=-1)
        mean = np.divide(h @ np.arange(10.0), n, out=np.full_like(n, np.nan), where=n > 0)
        return chi2, {"digits": h, "n": n, "mean_digit": mean, "expected_frequency": ref}


def _klimek_transform(
    a: FloatArray, w: FloatArray, x: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """Klimek et al. (2012) fraud of intensity ``x`` on turnout ``a`` and winner share ``w``.

    Stuffing adds ``x (1 - a)`` of the registered voters for the winner; stealing moves
    ``x**alpha`` of the others' votes to the winner.
    """
    a2 = a + x * (1 - a)
    w2 = np.divide(
        a * w + x * (1 - a) + x**alpha * a * (1 - w), a2, out=np.ones_like(a2), where=a2 > 0
    )
    return a2, np.clip(w2, 0.0, 1.0)


def _halfnormal_below_one(rng: np.random.Generator, width: float, size: int) -> FloatArray:
    """|N(0, width)| conditioned on (0, 1), by inversion."""
    top = sps.norm.cdf(1.0 / width) - 0.5
    u = rng.uniform(0.0, top, size)
    return np.asarray(np.clip(sps.norm.ppf(0.5 + u) * width, 1e-9, 1 - 1e-9))


@dataclass(frozen=True)
class Fingerprint(_Detector):
    r"""The election fingerprint of Klimek, Yegorov, Hanel & Thurner (2012, PNAS 109:16469).

    The 2-D histogram (``bins`` x ``bins``) of stations over turnout :math:`T/N` and the winner's
    share :math:`v/V` (stations with at least ``min_voters`` registered).  The fitted fraud
    shares: the histogram is modelled as the mixture :math:`(1 - f_i - f_e) h_c + f_i h_i +
    f_e h_e` of the clean fingerprint :math:`h_c` (from the null model), and of the same
    stations after Klimek's incremental fraud (intensity :math:`x = |N(0, \theta)|`) and
    extreme fraud (:math:`x = 1 - |N(0, 0.075)|`): stuffing :math:`x(N - T)` ballots for the
    winner and moving :math:`x^\alpha` of the others' votes to it.  :math:`f_i, f_e` are the
    least-squares mixture weights (a linear fit; the 2012 paper grid-searches the same
    model); the statistic is :math:`\hat f_i + \hat f_e` (unconstrained), and the reported
    shares are clipped to :math:`f \ge 0`, :math:`f_i + f_e \le 1`.  ``theta`` and ``alpha``
    are ASSUMPTIONS (Klimek's grid used :math:`\alpha \in \{0.5, 1\}`; try
    :math:`\theta` 0.05-0.3).

    Fit-then-test (null model fitted to the tested data): conservative, measured size 0.022
    over 600 data sets at alpha = 0.05.
    """

    party: str | int | None = None
    bins: int = 20
    min_voters: int = 100
    theta: float = 0.1
    alpha: float = 1.0
    n_bootstrap: int = 200

    name: ClassVar[str] = "fingerprint"
    needs_turnout: ClassVar[bool] = True
    null_description: ClassVar[str] = "fitted fraud share f_i + f_e simulated from the null model"

    def __post_init__(self) -> None:
        _positive_int(self.bins, "bins", 2)
        _positive_int(self.min_voters, "min_voters")
        _positive_int(self.n_bootstrap, "n_bootstrap")
        _rate(self.theta, "theta", 0.0, 10.0)
        _rate(self.alpha, "alpha", 0.0, 100.0)

    def points(self, pr: PrecinctResults) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Turnout, winner share and the inclusion mask, each ``(*batch, S)``."""
        _needs_turnout(pr, self.name)
        k = _party_index(pr, self.party)
        N = pr.registered
        assert N is not None
        T, V = _ballots(pr), pr.valid
        a = np.divide(T, N, out=np.zeros(T.shape), where=N > 0)
        w = np.divide(pr.votes[..., k], V, out=np.zeros(T.shape), where=V > 0)
        return a, w, (self.min_voters <= N) & (V > 0)

    def _cells(self, a: FloatArray, w: FloatArray, keep: BoolArray) -> IntArray:
        b = self.bins
        ia = np.clip((a * b).astype(np.int64), 0, b - 1)
        iw = np.clip((w * b).astype(np.int64), 0, b - 1)
        return np.where(keep, ia * b + iw, -1)

    def histogram(self, pr: PrecinctResults) -> FloatArray:
        """Station counts ``(*batch, bins, bins)``: axis -2 turnout, axis -1 winner share."""
        a, w, keep = self.points(pr)
        h = _by_batch_bincount(self._cells(a, w, keep), None, self.bins**2)
        return h.reshape(*h.shape[:-1], self.bins, self.bins)

    def reference(self, null: PrecinctResults, rng: np.random.Generator) -> FloatArray:
        a, w, keep = self.points(null)
        a, w = a[keep], w[keep]
        if a.size == 0:
            raise ElectsimError("fingerprint: no station has min_voters registered voters")
        xi = _halfnormal_below_one(rng, self.theta, a.size)
        xe = 1.0 - np.abs(rng.normal(0.0, KLIMEK_EXTREME_WIDTH, a.size))
        xe = np.clip(xe, 0.0, 1.0)
        one = np.ones(a.size, dtype=bool)
        hs = [self._cells(a, w, one)]
        for x in (xi, xe):
            hs.append(self._cells(*_klimek_transform(a, w, x, self.alpha), one))
        comps = np.stack([np.bincount(c, minlength=self.bins**2) / a.size for c in hs])
        return comps  # (3, bins**2): clean, incremental, extreme

    def _fit(self, h: FloatArray, ref: FloatArray) -> FloatArray:
        """Least-squares (f_i, f_e) for normalised histograms ``h`` ``(..., cells)``."""
        X = np.stack([ref[1] - ref[0], ref[2] - ref[0]], axis=1)  # (cells, 2)
        y = h - ref[0]
        coef, *_ = np.linalg.lstsq(X, np.moveaxis(y.reshape(-1, y.shape[-1]), -1, 0), rcond=None)
        return np.moveaxis(coef, 0, -1).reshape(*h.shape[:-1], 2)

    @staticmethod
    def _clip(f: FloatArray) -> FloatArray:
        f = np.clip(f, 0.0, 1.0)
        s = f.sum(axis=-1, keepdims=True)
        return np.where(s > 1, f / np.maximum(s, 1e-300), f)

    def statistic(
        self, pr: PrecinctResults, ref: FloatArray | None
    ) -> tuple[FloatArray, dict[str, Any]]:
        if ref is None:
            raise ElectsimError("fingerprint needs the null model's clean fingerprint")
        h = self.histogram(pr)
        flat = h.reshape(*h.shape[:-2], -1)
        n = flat.sum(axis=-1, keepdims=True)
        f = self._fit(np.divide(flat, n, out=np.zeros_like(flat), where=n > 0), ref)
        fc = self._clip(f)
        return f.sum(axis=-1), {"histogram": h, "fi": fc[..., 0], "fe": fc[..., 1]}

    def bootstrap(
        self, h: FloatArray, ref: FloatArray, rng: np.random.Generator, level: float = 0.95
    ) -> tuple[FloatArray, FloatArray]:
        """Percentile intervals ``(*batch, 2)`` for f_i and f_e: stations resampled."""
        flat = h.reshape(*h.shape[:-2], -1)
        n = flat.sum(axis=-1).astype(np.int64)
        p = np.divide(flat, n[..., None], out=np.zeros_like(flat), where=n[..., None] > 0)
        B = self.n_bootstrap
        check_work("n_bootstrap", B, float(B) * flat.size, "histogram cells", _FEWER)
        norm = np.maximum(n, 1)[..., None]

        def draw(r: int) -> FloatArray:
            draws = rng.multinomial(n, p, size=(r, *n.shape)).astype(np.float64)
            return np.asarray(self._clip(self._fit(draws / norm, ref)))

        f = _resampled(B, flat.size, draw)
        q = [(1 - level) / 2, (1 + level) / 2]
        fi = np.moveaxis(np.quantile(f[..., 0], q, axis=0), 0, -1)
        fe = np.moveaxis(np.quantile(f[..., 1], q, axis=0), 0, -1)
        return fi, fe


@dataclass(frozen=True)
class TurnoutShare(_Detector):
    r"""Turnout/share association within regions, and Shpilkin's excess-votes estimate.

    Statistic: the pooled within-region correlation of station turnout :math:`T/N` and the
    party's share :math:`v/V` (both centred on their region means; stations with at least
    ``min_voters`` registered), one-sided: stuffing and turnout buying for a party make it
    positive.  ``details["excess_votes"]`` is Shpilkin's estimate: ballots binned by turnout
    (1-point bins); the *clean* turnout is the peak of the ballots-weighted turnout
    distribution; the party's ratio to the other lists at or below the peak is extrapolated to
    higher turnouts, and the party's votes above that are the excess.

    Fit-then-test (null model fitted to the tested data): size within the binomial interval
    of alpha (measured 0.047 over 600 data sets at alpha = 0.05).
    """

    party: str | int | None = None
    min_voters: int = 100

    name: ClassVar[str] = "turnout_share"
    needs_turnout: ClassVar[bool] = True
    null_description: ClassVar[str] = "within-region correlation simulated from the null model"

    def __post_init__(self) -> None:
        _positive_int(self.min_voters, "min_voters")

    def statistic(self, pr: PrecinctResults, ref: Any = None) -> tuple[FloatArray, dict[str, Any]]:
        _needs_turnout(pr, self.name)
        k = _party_index(pr, self.party)
        N = pr.registered
        assert N is not None
        T, V = _ballots(pr), pr.valid
        v = pr.votes[..., k]
        keep = ((self.min_voters <= N) & (V > 0)).astype(np.float64)
        t = np.divide(T, N, out=np.zeros(T.shape), where=N > 0)
        w = np.divide(v, V, out=np.zeros(T.shape), where=V > 0)
        R = len(pr.regions)
        oh = np.zeros((pr.n_stations, R))
        oh[np.arange(pr.n_stations), pr.region] = 1.0
        cnt = keep @ oh
        tm = np.divide((t * keep) @ oh, cnt, out=np.zeros_like(cnt), where=cnt > 0) @ oh.T
        wm = np.divide((w * keep) @ oh, cnt, out=np.zeros_like(cnt), where=cnt > 0) @ oh.T
        dt, dw = (t - tm) * keep, (w - wm) * keep
        sxy, sxx, syy = (dt * dw).sum(-1), (dt * dt).sum(-1), (dw * dw).sum(-1)
        den = np.sqrt(sxx * syy)
        corr = np.divide(sxy, den, out=np.zeros_like(sxy), where=den > 0)
        slope = np.divide(sxy, sxx, out=np.zeros_like(sxy), where=sxx > 0)
        # Shpilkin: 1-point turnout bins
        ib = np.where(keep > 0, np.clip((t * 100).astype(np.int64), 0, 100), -1)
        ballots_b = _by_batch_bincount(ib, T.astype(np.float64), 101)
        party_b = _by_batch_bincount(ib, v.astype(np.float64), 101)
        others_b = _by_batch_bincount(ib, (V - v).astype(np.float64), 101)
        peak = np.argmax(ballots_b, axis=-1)
        below = np.arange(101) <= peak[..., None]
        ratio = np.divide(
            (party_b * below).sum(-1),
            (others_b * below).sum(-1),
            out=np.zeros(peak.shape),
            where=(others_b * below).sum(-1) > 0,
        )
        excess = (np.maximum(party_b - ratio[..., None] * others_b, 0) * ~below).sum(-1)
        return corr, {
            "slope": slope,
            "excess_votes": excess,
            "clean_turnout": (peak + 0.5) / 100,
        }


@dataclass(frozen=True)
class ExtremeStations(_Detector):
    r"""Stations where one party has at least ``threshold`` of the valid votes.

    ``party=None`` counts stations where *any* list reaches the threshold.  Statistic: the
    number of such stations (with at least ``min_voters`` valid votes); its null distribution
    and each station's probability of being extreme come from the null model.

    Fit-then-test (null model fitted to the tested data): conservative, measured size 0.013
    (600 data sets, 300 stations) and 0.033 (300 data sets, 2020 geometry) at alpha = 0.05.
    """

    party: str | int | None = None
    threshold: float = 0.8
    min_voters: int = 1

    name: ClassVar[str] = "extreme_stations"
    null_description: ClassVar[str] = "count of extreme stations simulated from the null model"

    def __post_init__(self) -> None:
        _rate(self.threshold, "threshold", 0.0, 1.0)
        _positive_int(self.min_voters, "min_voters")

    def statistic(self, pr: PrecinctResults, ref: Any = None) -> tuple[FloatArray, dict[str, Any]]:
        V = pr.valid
        v = (
            pr.votes.max(axis=-1)
            if self.party is None
            else pr.votes[..., pr.party_index(self.party)]
        )
        th = Fraction(str(self.threshold))  # exact: v / V >= threshold
        flags = (self.min_voters <= V) & (V > 0) & (v * th.denominator >= th.numerator * V)
        return flags.sum(axis=-1).astype(np.float64), {"flag": flags}


DETECTORS: dict[str, Any] = {
    d.name: d
    for d in (
        IntegerPercentages,
        CoarseShares,
        LastDigits,
        SecondDigits,
        Fingerprint,
        TurnoutShare,
        ExtremeStations,
    )
}


def get_detector(spec: Any) -> Any:
    """A detector instance from a name (default options) or an instance (returned as is)."""
    if isinstance(spec, str):
        if spec not in DETECTORS:
            raise UnknownNameError(f"detector {spec!r} is unknown; choose from {sorted(DETECTORS)}")
        return DETECTORS[spec]()
    if all(hasattr(spec, a) for a in ("statistic", "reference", "name", "native")):
        return spec
    raise ElectsimError(f"{spec!r} is not a detector (a name or a detector object)")


# ----------------------------------------------------------------------------- results
def _fmt(x: Any) -> str:
    a = np.asarray(x)
    if a.ndim == 0:
        v = float(a)
        return f"{v:.4g}" if abs(v) < 1e5 else f"{v:,.0f}"
    return f"array{a.shape}"


@dataclass(frozen=True, eq=False)
class DetectorResult(HTMLReprMixin):
    """The outcome of one detector on one data set (or a batch of data sets).

    Attributes
    ----------
    detector : str
    statistic, pvalue : float or ndarray ``(*batch,)``
        Larger statistics are more anomalous; the p-value is one-sided.
    null : str
        What the p-value was calibrated on.
    details : mapping
        Detector-specific summaries (e.g. ``expected``, ``excess``, ``z``, ``digits``).
    station : mapping
        Per-station arrays ``(*batch, S)``: ``flag`` (the station counts toward the
        statistic) and, for model-calibrated detectors, ``null_probability`` (how often the
        station is flagged in clean data).
    null_statistics : ndarray ``(n_null,)`` or None
        The simulated null distribution (model-calibrated detectors).
    options : mapping
        The detector's options.
    station_ids : tuple of str
    """

    detector: str
    statistic: Any
    pvalue: Any
    null: str
    details: Mapping[str, Any] = field(default_factory=dict)
    station: Mapping[str, Any] = field(default_factory=dict)
    null_statistics: FloatArray | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    station_ids: tuple[str, ...] = ()

    def flagged(self) -> list[str]:
        """Ids of the flagged stations (one data set only)."""
        flag = self.station.get("flag")
        if flag is None or np.ndim(flag) != 1:
            return []
        idx = np.flatnonzero(flag)
        return [self.station_ids[i] if self.station_ids else str(i) for i in idx]

    def to_records(self) -> list[dict[str, Any]]:
        """One record (one data set) or one per batch element: statistic, p-value, summaries."""
        stat = np.atleast_1d(np.asarray(self.statistic, dtype=float))
        pv = np.atleast_1d(np.asarray(self.pvalue, dtype=float))
        out = []
        for i in range(stat.size):
            rec: dict[str, Any] = {
                "detector": self.detector,
                "statistic": float(stat.flat[i]),
                "pvalue": float(pv.flat[i]),
                "null": self.null,
            }
            for key, val in self.details.items():
                a = np.asarray(val)
                if a.shape == np.shape(self.statistic):
                    rec[key] = float(np.atleast_1d(a).flat[i])
            out.append(rec)
        return out

    def to_json(self) -> str:
        """The records as JSON."""
        return json.dumps(self.to_records(), indent=2)

    def __repr__(self) -> str:
        """Short: the per-station arrays and null statistics are attributes, not repr."""
        return (
            f"{type(self).__name__}(detector={self.detector!r}, statistic={_fmt(self.statistic)}, "
            f"pvalue={_fmt(self.pvalue)}, null={self.null!r})"
        )

    def __str__(self) -> str:
        lines = [f"{self.detector}: statistic {_fmt(self.statistic)}, p = {_fmt(self.pvalue)}"]
        lines.append(f"  null: {self.null}")
        for key, val in self.details.items():
            if np.ndim(val) == np.ndim(self.statistic) == 0:
                lines.append(f"  {key}: {_fmt(val)}")
        flagged = self.flagged()
        if flagged:
            shown = ", ".join(flagged[:10]) + (" ..." if len(flagged) > 10 else "")
            lines.append(f"  flagged stations ({len(flagged)}): {shown}")
        return "\n".join(lines)


@dataclass(frozen=True, eq=False, repr=False)
class FingerprintResult(DetectorResult):
    """A :class:`DetectorResult` with the fingerprint and the fitted fraud shares.

    Attributes
    ----------
    histogram : ndarray ``(*batch, bins, bins)``
        Stations per (turnout, winner share) cell; axis -2 turnout.
    fi, fe : float or ndarray ``(*batch,)``
        Fitted incremental and extreme fraud shares.
    fi_interval, fe_interval : ndarray ``(*batch, 2)``
        95 % station-bootstrap percentile intervals.
    """

    histogram: FloatArray | None = None
    fi: Any = None
    fe: Any = None
    fi_interval: FloatArray | None = None
    fe_interval: FloatArray | None = None

    def __str__(self) -> str:
        text = super().__str__()
        if np.ndim(self.fi) == 0 and self.fi_interval is not None and self.fe_interval is not None:
            text += (
                f"\n  f_i = {float(self.fi):.3f} [{self.fi_interval[0]:.3f}, "
                f"{self.fi_interval[1]:.3f}], f_e = {float(self.fe):.3f} "
                f"[{self.fe_interval[0]:.3f}, {self.fe_interval[1]:.3f}]"
            )
        return text


# ----------------------------------------------------------------------------- running
def _options(det: Any) -> dict[str, Any]:
    from dataclasses import fields

    return {f.name: getattr(det, f.name) for f in fields(det)}


def _null_statistics(
    det: Any, null: NullModel, n_null: int, g: np.random.Generator, chunk: int = 50
) -> tuple[Any, FloatArray, FloatArray | None]:
    """Reference (from the first chunk), null statistics ``(n_null,)`` and flag frequencies."""
    ref = None
    stats: list[FloatArray] = []
    flag_sum: FloatArray | None = None
    done = 0
    while done < n_null:
        size = min(chunk, n_null - done)
        sample = null.sample(size, g)
        if ref is None:
            ref = det.reference(sample, g)
        s, d = det.statistic(sample, ref)
        stats.append(s)
        if "flag" in d:
            f = d["flag"].sum(axis=0).astype(np.float64)
            flag_sum = f if flag_sum is None else flag_sum + f
        done += size
    freq = None if flag_sum is None else flag_sum / n_null
    return ref, np.concatenate(stats), freq


def run_detector(
    det: Any,
    precincts: PrecinctResults,
    *,
    null: NullModel | None = None,
    n_null: int = 200,
    rng: int | np.random.Generator | None = None,
) -> DetectorResult:
    """Run one detector with its calibration (native, or on ``null``; see the module doc)."""
    pr = _check_precincts(precincts)
    det = get_detector(det)
    if det.needs_turnout:
        _needs_turnout(pr, det.name)
    g = normalise_rng(rng)
    common: dict[str, Any] = {
        "detector": det.name,
        "options": _options(det),
        "station_ids": pr.station_ids,
    }
    if det.native:
        stat, detail = det.statistic(pr, None)
        pv, more = det.native_pvalue(pr, stat, g)
        detail = {**detail, **more}
        station = {"flag": detail.pop("flag")} if "flag" in detail else {}
        return DetectorResult(
            **common,
            statistic=_scalar(stat),
            pvalue=_scalar(pv),
            null=det.null_description,
            details={k: _scalar(v) for k, v in detail.items()},
            station=station,
        )
    n_null = _positive_int(n_null, "n_null")
    check_work(
        "n_null",
        n_null,
        float(n_null) * pr.n_stations * (pr.n_parties + 1),
        "simulated station x option cells",
        "use fewer clean data sets (200 give p-values down to 1/201; 1,000 to 1/1001)",
    )
    if null is None:
        if pr.batch_shape:
            raise ShapeMismatchError(
                f"{det.name}: batched results need an explicit null= (a NullModel)"
            )
        null = NullModel.fit(pr)
    if not isinstance(null, NullModel):
        raise ElectsimError(f"null must be a NullModel, got {type(null).__name__}")
    if null.n_stations != pr.n_stations or null.template.n_parties != pr.n_parties:
        raise ShapeMismatchError(
            f"null model has {null.n_stations} stations and {null.template.n_parties} parties; "
            f"the data have {pr.n_stations} and {pr.n_parties}"
        )
    if det.needs_turnout and not null.has_turnout:
        raise MissingDataError(f"{det.name}: the null model has no turnout")
    ref, nulls, freq = _null_statistics(det, null, n_null, g)
    stat, detail = det.statistic(pr, ref)
    pv = _mc_pvalue(stat, nulls[(slice(None),) + (None,) * np.ndim(stat)])
    station = {}
    if "flag" in detail:
        station["flag"] = detail.pop("flag")
        if freq is not None:
            station["null_probability"] = freq
    detail["null_mean"] = np.full(np.shape(stat), nulls.mean())
    common.update(
        statistic=_scalar(stat),
        pvalue=_scalar(pv),
        null=det.null_description + f" ({n_null} clean data sets)",
        station=station,
        null_statistics=nulls,
    )
    if det.name == "fingerprint":
        h = detail.pop("histogram")
        fi_ci, fe_ci = det.bootstrap(h, ref, g)
        return FingerprintResult(
            **common,
            details={k: _scalar(v) for k, v in detail.items()},
            histogram=h,
            fi=_scalar(detail["fi"]),
            fe=_scalar(detail["fe"]),
            fi_interval=fi_ci,
            fe_interval=fe_ci,
        )
    return DetectorResult(**common, details={k: _scalar(v) for k, v in detail.items()})


def _scalar(x: Any) -> Any:
    a = np.asarray(x)
    return a.item() if a.ndim == 0 else a


_RUN_DOC = """

    Parameters
    ----------
    precincts : PrecinctResults
        Station results ``(*batch, S, P)``.
    null : NullModel, optional
        Model-calibrated detectors only: the clean generator; default ``NullModel.fit(precincts)``.
    n_null : int, default 200
        Clean data sets simulated for the null distribution (model-calibrated detectors).
    rng : None, int or numpy.random.Generator
    **options
        The detector's options (see :class:`{cls}`).

    Returns
    -------
    {result}
"""


def _make(cls: Any, result: str = "DetectorResult") -> Any:
    def run(
        precincts: PrecinctResults,
        *,
        null: NullModel | None = None,
        n_null: int = 200,
        rng: int | np.random.Generator | None = None,
        **options: Any,
    ) -> Any:
        try:
            det = cls(**options)
        except TypeError as exc:
            raise ElectsimError(f"{cls.name}: {exc}") from exc
        return run_detector(det, precincts, null=null, n_null=n_null, rng=rng)

    run.__name__ = run.__qualname__ = cls.name
    first = (cls.__doc__ or "").strip().split("\n")[0]
    run.__doc__ = (
        f"{first}\n\n    Runs :class:`{cls.__name__}` (formulas and references there)."
        + _RUN_DOC.format(cls=cls.__name__, result=result)
    )
    return run


integer_percentages = _make(IntegerPercentages)
coarse_shares = _make(CoarseShares)
last_digits = _make(LastDigits)
second_digits = _make(SecondDigits)
fingerprint = _make(Fingerprint, "FingerprintResult")
turnout_share = _make(TurnoutShare)
extreme_stations = _make(ExtremeStations)
