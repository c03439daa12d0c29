r"""Power of forensic detectors against a manipulation, next to the seats it moves.

Protocol (for every level :math:`\theta` of a manipulation, with common random numbers):

1. draw ``n_datasets`` clean data sets from the :class:`~electsim.forensics.NullModel`;
2. apply ``manipulation_factory(level)`` to the *same* clean data sets at every level;
3. run every detector on the clean and on the manipulated data sets;
4. p-values: with ``calibration="null"`` (default) a statistic is ranked among the statistics
   of the *other* clean data sets (leave one out, ties broken by a uniform :math:`u`:
   :math:`p = (\#\{j \ne r: s_j > t_r\} + u\,(1 + \#\{j \ne r: s_j = t_r\})) / n`, exactly
   uniform under the null by exchangeability); with ``calibration="native"``
   detectors that have a null of their own (integer percentages, coarse shares, last digits)
   use it, which also tests that null;
5. size = rejection rate on the clean data sets, power = rejection rate at each level, both
   with Clopper-Pearson intervals; with a ``system`` (stations aggregated to regions, then
   :func:`~electsim.allocate`): P(any seat moves) -- the seats differ from the same clean data
   set's, which a one-seat largest-remainder shift already satisfies -- and, with a
   ``target`` (e.g. ``fails("Butun Kyrgyzstan")`` from :mod:`electsim.sensitivity`), the
   probability that the manipulated data set reaches that outcome.

Reproducibility: data set ``i`` belongs to seed block ``i // seed_block``; block ``b`` draws
from ``SeedSequence(entropy, spawn_key=(1, b))`` (children: clean data, native nulls, one per
level), so results do not depend on ``chunk_size`` or the executor.  Detector references (e.g.
the clean fingerprint) come from ``n_reference`` data sets of ``spawn_key=(0,)``.
"""

from __future__ import annotations

import json
import sys
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats as sps  # type: ignore[import-untyped]

from .._display import HTMLReprMixin
from ..allocate import Allocation, allocate
from ..election import PrecinctResults
from ..errors import ElectsimError, MissingDataError
from ..sensitivity import Target
from ..simulate import _entropy, _Progress, _system_spec
from ..system import ElectoralSystem
from ._detectors import DETECTORS, get_detector
from ._null import NullModel

__all__ = ["PowerResult", "clopper_pearson", "detectability", "power"]

FloatArray = NDArray[np.float64]

#: Power at which a level counts as detected (:attr:`PowerResult.min_level`).
DETECTED_POWER = 0.8

#: Most simulated station x option cells a :func:`power` run may draw (``n_datasets * (L + 1)
#: * S * (P + 1)``); the 2,413-station benchmark (1,000 data sets, 10 levels) uses 4.5e8.
MAX_POWER_CELLS = 5e10


def clopper_pearson(k: ArrayLike, n: int, level: float = 0.95) -> FloatArray:
    """Exact binomial interval ``(..., 2)`` for ``k`` successes in ``n`` trials.

    >>> clopper_pearson(0, 10).round(4).tolist()
    [0.0, 0.3085]
    """
    k = np.asarray(k, dtype=np.float64)
    a = (1 - level) / 2
    lo = np.where(k > 0, sps.beta.ppf(a, k, n - k + 1), 0.0)
    hi = np.where(k < n, sps.beta.ppf(1 - a, k + 1, n - k), 1.0)
    return np.stack([lo, hi], axis=-1)


def _block_streams(entropy: int, block: int, n_levels: int) -> list[np.random.Generator]:
    ss = np.random.SeedSequence(entropy, spawn_key=(1, block))
    return [np.random.default_rng(s) for s in ss.spawn(2 + n_levels)]


def _results_of(out: Any) -> PrecinctResults:
    res = getattr(out, "results", None)
    if res is None:
        res = getattr(out, "election", None)
    if not isinstance(res, PrecinctResults):
        raise ElectsimError(
            "the manipulation must return PrecinctResults (.results or .election) when applied "
            f"to PrecinctResults; got {type(res).__name__}"
        )
    return res


def _allocation(
    pr: PrecinctResults, system: ElectoralSystem, invalid_rate: Any
) -> tuple[Allocation, Any]:
    e = pr.to_election(invalid_rate=None if pr.invalid is not None else invalid_rate)
    return allocate(e, system), e


#: an outcome target: a sensitivity Target, a callable ``(after, before) -> bool (n,)`` on
#: batched Allocations, or a list of them (reached when any one is reached)
OutcomeTarget = Any


def _target_label(target: OutcomeTarget) -> str:
    if isinstance(target, list | tuple):
        return " or ".join(_target_label(t) for t in target)
    if isinstance(target, Target):
        return str(target)
    return str(getattr(target, "__name__", target))


def _check_target(target: OutcomeTarget, template: PrecinctResults) -> None:
    """Refuse unknown parties, regions or types before any simulation."""
    items = list(target) if isinstance(target, list | tuple) else [target]
    if not items:
        raise ElectsimError("target is an empty list; give at least one outcome")
    for t in items:
        if isinstance(t, Target):
            for p in t.parties:
                template.party_index(p)  # raises UnknownNameError
            regions = tuple(r.name for r in template.regions)
            if t.region is not None and t.region not in regions:
                raise ElectsimError(
                    f"target {t}: region {t.region!r} is unknown; regions: {regions}"
                )
        elif not callable(t):
            raise ElectsimError(
                f"target={t!r} must be a sensitivity Target (fails(...), passes(...), "
                "any_change(), ...), a callable (after, before) -> bool array, or a list of them"
            )


def _target_hits(
    target: OutcomeTarget, after: Allocation, before: Allocation, election: Any
) -> NDArray[np.bool_]:
    """Whether each data set of the batched ``after`` reaches ``target`` (``before``: the
    same clean data sets, for seat-relative targets); ``(C, n)``, one row per listed outcome."""
    if isinstance(target, list | tuple):
        return np.concatenate([_target_hits(t, after, before, election) for t in target])
    return _one_target_hits(target, after, before, election)[None]


def _one_target_hits(
    target: OutcomeTarget, after: Allocation, before: Allocation, election: Any
) -> NDArray[np.bool_]:
    if not isinstance(target, Target):
        hit = np.asarray(target(after, before), dtype=bool)
        n = after.seats.shape[0]
        if hit.shape != (n,):
            raise ElectsimError(
                f"target {_target_label(target)} returned shape {hit.shape}, not ({n},)"
            )
        return hit
    ks = [election.party_index(p) for p in target.parties]
    r = None if target.region is None else election.region_index(target.region)
    kind = target.kind
    if kind == "passes":
        if r is None:
            return np.asarray(after.passes_national[:, ks].all(axis=1))
        return np.asarray(~after.failed_regions[:, r, ks].any(axis=1))
    if kind == "fails":
        if r is None:
            return np.asarray(~after.passes_national[:, ks].any(axis=1))
        return np.asarray(after.failed_regions[:, r, ks].all(axis=1))
    if kind == "qualifies":
        return np.asarray(after.eligible[:, ks].all(axis=1))
    s1, s0 = after.seats, before.seats
    if kind == "gains_seat":
        return np.asarray(s1[:, ks[0]] > s0[:, ks[0]])
    if kind == "loses_seat":
        return np.asarray(s1[:, ks[0]] < s0[:, ks[0]])
    if kind in ("bloc_reaches", "bloc_loses"):
        bloc = np.array([p.bloc == target.bloc for p in election.parties])
        tot = s1[:, bloc].sum(axis=1)
        return np.asarray(tot >= target.seats if kind == "bloc_reaches" else tot < target.seats)
    return np.asarray((s1 != s0).any(axis=1))


def _power_chunk(
    null: NullModel,
    detectors: Sequence[Any],
    refs: Sequence[Any],
    factory: Callable[[Any], Any],
    levels: Sequence[Any],
    system_spec: Any,
    invalid_rate: Any,
    native: bool,
    entropy: int,
    blocks: Sequence[tuple[int, int]],
    target: OutcomeTarget = None,
) -> tuple[FloatArray, FloatArray, NDArray[np.bool_] | None, FloatArray, NDArray[np.bool_] | None]:
    """Statistics, native p-values, tie uniforms ``(L + 1, D, size)``; seat changes ``(L,
    size)``; target reached ``(L + 1, C, size)`` (row 0: the clean data sets)."""
    system = None
    if system_spec is not None:
        system = (
            system_spec
            if isinstance(system_spec, ElectoralSystem)
            else ElectoralSystem(**system_spec)
        )
    L, D = len(levels), len(detectors)
    stats, pvals, changed, tie_u, reached = [], [], [], [], []
    for b, size in blocks:
        streams = _block_streams(entropy, b, L)
        clean = null.sample(size, streams[0])
        st = np.full((L + 1, D, size), np.nan)
        pv = np.full((L + 1, D, size), np.nan)
        ch = np.zeros((L, size), dtype=bool)
        n_out = len(target) if isinstance(target, list | tuple) else 1
        hit = np.zeros((L + 1, n_out, size), dtype=bool)
        base = None if system is None else _allocation(clean, system, invalid_rate)
        data = [clean]
        for i, level in enumerate(levels):
            data.append(_results_of(factory(level).apply(clean, rng=streams[2 + i])))
        g_native = streams[1]
        tie_u.append(g_native.uniform(size=(L + 1, D, size)))
        for i, pr in enumerate(data):
            for d, (det, ref) in enumerate(zip(detectors, refs, strict=True)):
                s, _ = det.statistic(pr, ref)
                st[i, d] = np.broadcast_to(s, (size,))
                if native and det.native:
                    u = g_native.uniform(size=size)
                    pv[i, d] = det.native_pvalue(pr, st[i, d], g_native, u)[0]
            if system is not None and base is not None:
                after, e = base if i == 0 else _allocation(pr, system, invalid_rate)
                if i:
                    ch[i - 1] = (after.seats != base[0].seats).any(axis=-1)
                if target is not None:
                    hit[i] = _target_hits(target, after, base[0], e)
        stats.append(st)
        pvals.append(pv)
        changed.append(ch)
        reached.append(hit)
    return (
        np.concatenate(stats, axis=-1),
        np.concatenate(pvals, axis=-1),
        None if system is None else np.concatenate(changed, axis=-1),
        np.concatenate(tie_u, axis=-1),
        None if target is None else np.concatenate(reached, axis=-1),
    )


def _loo_pvalues(stats: FloatArray, u: FloatArray) -> FloatArray:
    """Leave-one-out p-values ``(L + 1, n)`` of one detector's statistics (row 0 = clean).

    ``p = (#{j != r: s_j > t_r} + u (1 + #{j != r: s_j == t_r})) / n``: ties randomised with
    the uniforms ``u``, so that row 0 is exactly uniform on (0, 1] by exchangeability.
    """
    null = stats[0]
    n = null.size
    srt = np.sort(null)
    tol = 1e-12 * np.maximum(1.0, np.abs(stats))
    ge = n - np.searchsorted(srt, stats - tol, side="left")  # #{j: s_j >= t}, incl. own
    gt = n - np.searchsorted(srt, stats + tol, side="right")  # #{j: s_j > t}, incl. own
    own_ge = null[None, :] >= stats - tol
    own_gt = null[None, :] > stats + tol
    ge, gt = ge - own_ge, gt - own_gt
    return np.asarray((gt + u * (1.0 + ge - gt)) / n, dtype=np.float64)


@dataclass(frozen=True, eq=False)
class PowerResult(HTMLReprMixin):
    """Size, power and ROC curves of detectors against a manipulation (see :func:`power`).

    Attributes
    ----------
    detectors : tuple of str
    levels : ndarray ``(L,)``
        The manipulation levels, in the order given.
    alpha : float
    n_datasets : int
    pvalues : ndarray ``(D, L + 1, n)``
        Row 0 of axis 1: the clean data sets; row ``1 + l``: level ``l``.
    statistics : ndarray ``(D, L + 1, n)``
    size, size_interval : ``(D,)``, ``(D, 2)``
        Rejection rate at ``alpha`` on clean data (95 % Clopper-Pearson interval).
    power, power_interval : ``(D, L)``, ``(D, L, 2)``
    seat_change, seat_change_interval : ``(L,)``, ``(L, 2)`` or None
        P(any seat moves): the seats differ from the same clean data set's (a one-seat
        largest-remainder shift counts) -- with a ``system`` only.
    target : str or None
        Label of the outcome target (``target=`` of :func:`power`).
    target_reached, target_interval : ``(L,)``, ``(L, 2)`` or None
        P(the manipulated data set reaches the target), 95 % Clopper-Pearson interval.
    target_clean, target_clean_interval : float, ``(2,)`` or None
        The same on the clean data sets (the base rate a level must exceed).
    target_crossed, target_crossed_interval : ``(L,)``, ``(L, 2)`` or None
        P(crossed): some listed outcome is reached by the manipulated data set but not by the
        same clean one -- the manipulation's own effect, net of clean-data noise.
    calibration : str
    null : str
        Description of the null model.
    manipulation : str
    """

    detectors: tuple[str, ...]
    levels: FloatArray
    alpha: float
    n_datasets: int
    pvalues: FloatArray
    statistics: FloatArray
    size: FloatArray
    size_interval: FloatArray
    power: FloatArray
    power_interval: FloatArray
    seat_change: FloatArray | None = None
    seat_change_interval: FloatArray | None = None
    target: str | None = None
    target_reached: FloatArray | None = None
    target_interval: FloatArray | None = None
    target_clean: float | None = None
    target_clean_interval: FloatArray | None = None
    target_crossed: FloatArray | None = None
    target_crossed_interval: FloatArray | None = None
    calibration: str = "null"
    null: str = ""
    manipulation: str = ""
    notes: tuple[str, ...] = field(default=())

    def _d(self, detector: str | int) -> int:
        if isinstance(detector, int | np.integer) and not isinstance(detector, bool):
            return int(detector)
        if detector not in self.detectors:
            raise ElectsimError(f"detector {detector!r} is not in {self.detectors}")
        return self.detectors.index(str(detector))

    @property
    def min_level(self) -> dict[str, float | None]:
        """Per detector: the first level (in the order given) detected with >= 80 % power."""
        out: dict[str, float | None] = {}
        for d, name in enumerate(self.detectors):
            hit = np.flatnonzero(self.power[d] >= DETECTED_POWER)
            out[name] = float(self.levels[hit[0]]) if hit.size else None
        return out

    def roc(self, detector: str | int, level: int) -> tuple[FloatArray, FloatArray]:
        """ROC curve ``(fpr, tpr)`` of ``detector`` against level index ``level``.

        Thresholds run over every observed p-value: ``fpr(c) = P(p_clean <= c)``,
        ``tpr(c) = P(p_level <= c)``; both curves start at (0, 0) and end at (1, 1).
        """
        d = self._d(detector)
        p0, p1 = self.pvalues[d, 0], self.pvalues[d, 1 + int(level)]
        c = np.unique(np.concatenate([p0, p1]))
        fpr = np.searchsorted(np.sort(p0), c, side="right") / p0.size
        tpr = np.searchsorted(np.sort(p1), c, side="right") / p1.size
        return np.concatenate([[0.0], fpr, [1.0]]), np.concatenate([[0.0], tpr, [1.0]])

    def auc(self, detector: str | int, level: int) -> float:
        """Area under :meth:`roc` (trapezoidal)."""
        fpr, tpr = self.roc(detector, level)
        return float(np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2))

    def decisive_yet_undetectable(
        self, decisive: float = 0.5, detected: float = 0.5
    ) -> list[float]:
        """Levels where P(outcome) >= ``decisive`` and every detector's power < ``detected``.

        The outcome is P(crossed) of the ``target`` when one was given, else "any seat moves".
        """
        outcome = self.target_crossed if self.target_crossed is not None else self.seat_change
        if outcome is None:
            raise MissingDataError("no seat outcomes: run detectability() or power(system=...)")
        ok = (outcome >= decisive) & (self.power.max(axis=0) < detected)
        return [float(x) for x in self.levels[ok]]

    def to_records(self) -> list[dict[str, Any]]:
        """One record per level (level 0 = clean: the size), with power and its interval."""
        recs = []
        for i in range(len(self.levels) + 1):
            rec: dict[str, Any] = {"level": None if i == 0 else float(self.levels[i - 1])}
            if self.seat_change is not None:
                rec["p_any_seat_moves"] = 0.0 if i == 0 else float(self.seat_change[i - 1])
            if self.target_reached is not None and self.target_clean is not None:
                rec["p_target"] = self.target_clean if i == 0 else float(self.target_reached[i - 1])
            if self.target_crossed is not None:
                rec["p_crossed"] = 0.0 if i == 0 else float(self.target_crossed[i - 1])
            for d, name in enumerate(self.detectors):
                if i == 0:
                    rec[name] = float(self.size[d])
                    rec[name + "_lo"], rec[name + "_hi"] = map(float, self.size_interval[d])
                else:
                    rec[name] = float(self.power[d, i - 1])
                    lo, hi = self.power_interval[d, i - 1]
                    rec[name + "_lo"], rec[name + "_hi"] = float(lo), float(hi)
            recs.append(rec)
        return recs

    def to_json(self) -> str:
        """Records, minimum detected levels and settings as JSON."""
        return json.dumps(
            {
                "alpha": self.alpha,
                "n_datasets": self.n_datasets,
                "calibration": self.calibration,
                "manipulation": self.manipulation,
                "target": self.target,
                "min_level_80pct_power": self.min_level,
                "records": self.to_records(),
            },
            indent=2,
        )

    def __repr__(self) -> str:
        """Short: p-values and statistics are attributes, not repr."""
        return (
            f"PowerResult(detectors={self.detectors!r}, levels={self.levels.tolist()!r}, "
            f"n_datasets={self.n_datasets}, alpha={self.alpha:g}, target={self.target!r})"
        )

    def __str__(self) -> str:
        names = list(self.detectors)
        w = max(8, *(len(n) for n in names))
        sc, tg = self.seat_change is not None, self.target_reached is not None
        head = f"{'level':>12}" + ("  P(any seat)" if sc else "")
        head += "  P(target)  P(crossed)" if tg else ""
        head += "".join(f"  {n:>{w}}" for n in names)
        lines = [
            f"Power at alpha = {self.alpha:g} over {self.n_datasets:,} data sets "
            f"({self.calibration} calibration)"
            + (f": {self.manipulation}" if self.manipulation else ""),
            head,
            "-" * len(head),
        ]
        row = f"{'clean (size)':>12}" + ("  " + " " * 11 if sc else "")
        if tg:
            row += f"  {self.target_clean:>9.3f}" + " " * 12
        row += "".join(f"  {self.size[d]:>{w}.3f}" for d in range(len(names)))
        lines.append(row)
        for i, lv in enumerate(self.levels):
            row = f"{lv:>12.4g}"
            if self.seat_change is not None:
                row += f"  {self.seat_change[i]:>11.3f}"
            if self.target_reached is not None:
                row += f"  {self.target_reached[i]:>9.3f}"
                if self.target_crossed is not None:
                    row += f"  {self.target_crossed[i]:>10.3f}"
            row += "".join(f"  {self.power[d, i]:>{w}.3f}" for d in range(len(names)))
            lines.append(row)
        mins = ", ".join(
            f"{k}: {'-' if v is None else f'{v:g}'}" for k, v in self.min_level.items()
        )
        lines.append(f"first level with >= 80 % power -- {mins}")
        lines += list(self.notes)
        return "\n".join(lines)


def _check_levels(levels: ArrayLike) -> FloatArray:
    try:
        lv = np.asarray(levels, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"levels={levels!r} must be numbers") from exc
    if lv.ndim != 1 or lv.size == 0 or not np.isfinite(lv).all():
        raise ElectsimError(f"levels={levels!r} must be a non-empty 1-D list of finite numbers")
    return lv


def _int_param(value: Any, name: str, lo: int = 1) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < lo:
        raise ElectsimError(f"{name}={value!r} must be an integer >= {lo}")
    return int(value)


def power(
    detectors: Sequence[Any] | None,
    null: NullModel,
    manipulation_factory: Callable[[Any], Any],
    levels: ArrayLike,
    n_datasets: int = 1000,
    alpha: float = 0.05,
    rng: int | np.random.Generator | None = None,
    *,
    chunk_size: int = 100,
    executor: Executor | None = None,
    progress: bool = False,
    calibration: str = "null",
    system: ElectoralSystem | None = None,
    invalid_rate: Any = None,
    target: OutcomeTarget = None,
    n_reference: int = 10,
    seed_block: int = 25,
    max_pending: int = 4,
) -> PowerResult:
    r"""Size, power and ROC curves of forensic detectors against a manipulation.

    See the module docstring for the protocol and its reproducibility.

    Parameters
    ----------
    detectors : sequence of str or detector objects, or None
        Names (``"integer_percentages"``, ...) or configured detectors
        (``IntegerPercentages(step=5)``); ``None``: every detector the null model's data allow.
    null : NullModel
        The clean-election generator (the null hypothesis).
    manipulation_factory : callable
        ``level -> perturbation`` with ``.apply(results, rng)`` returning an object whose
        ``.results`` or ``.election`` is the manipulated :class:`~electsim.PrecinctResults`
        (e.g. a class of :mod:`electsim.manipulation`).  With an ``executor`` it must pickle
        (a top-level function or ``functools.partial``, not a lambda).
    levels : sequence of float
        Manipulation levels, increasing (the first one with 80 % power is reported).
    n_datasets : int, default 1000
        Clean data sets (each manipulated at every level); at least ``1 / alpha``, since a
        p-value ranked among ``n`` clean data sets is at least ``1 / n``.
    alpha : float, default 0.05
        Significance level of every test.
    rng : None, int or numpy.random.Generator
    chunk_size : int, default 100
        Data sets per task (rounded up to whole seed blocks); bounds memory at about
        ``chunk_size * S * (P + 1) * 16 * (L + 1)`` bytes.  Does not change the result.
    executor : concurrent.futures.Executor, optional
        E.g. ``ProcessPoolExecutor(2)`` or a Dask ``client.get_executor()``.
    progress : bool, default False
        A progress bar on stderr.
    calibration : {"null", "native"}
        See the module docstring.
    system : ElectoralSystem, optional
        Also estimate P(any seat moves) per level (as :func:`detectability`).
    invalid_rate : rate, optional
        Needed with ``system`` when the data have no invalid ballots (see
        :meth:`~electsim.PrecinctResults.to_election`).
    target : outcome, optional
        With ``system``: also estimate P(the manipulated data set reaches this outcome), e.g.
        ``fails("Butun Kyrgyzstan")`` or ``passes("Mekenchil")`` (threshold crossings),
        ``bloc_reaches(...)``, ``gains_seat(...)`` from :mod:`electsim.sensitivity` (seat
        targets compare with the same clean data set); a callable ``(after, before) -> bool
        array (n,)`` on batched :class:`~electsim.Allocation` objects; or a list of these
        (reached when any one is).  The clean-data rate is reported too.
    n_reference : int, default 10
        Clean data sets for the detectors' references (expected digit frequencies, clean
        fingerprint).
    seed_block : int, default 25
        Data sets per seed block (changing it changes the draws).
    max_pending : int, default 4
        Chunks in flight with an executor.

    Returns
    -------
    PowerResult

    Raises
    ------
    ElectsimError
        Bad parameters, a factory that does not build a perturbation, or a run whose work
        (``n_datasets * (L + 1) * S * (P + 1)`` simulated cells) exceeds
        ``MAX_POWER_CELLS`` (5e10) -- refused before any simulation, with the estimate.
    """
    if not isinstance(null, NullModel):
        raise ElectsimError(f"null must be a NullModel, got {type(null).__name__}")
    if not callable(manipulation_factory):
        raise ElectsimError("manipulation_factory must be a callable level -> perturbation")
    lv = _check_levels(levels)
    n = _int_param(n_datasets, "n_datasets", 2)
    chunk_size = _int_param(chunk_size, "chunk_size")
    n_reference = _int_param(n_reference, "n_reference")
    seed_block = _int_param(seed_block, "seed_block")
    max_pending = _int_param(max_pending, "max_pending")
    a = float(alpha)
    if not 0 < a < 1:
        raise ElectsimError(f"alpha={alpha!r} must lie strictly between 0 and 1")
    if calibration not in ("null", "native"):
        raise ElectsimError(f"calibration={calibration!r} is unknown; use 'null' or 'native'")
    if n * a < 1 - 1e-12:
        raise ElectsimError(
            f"n_datasets={n} is too small for alpha={a:g}: p-values ranked among {n} clean data "
            f"sets cannot fall to alpha unless n_datasets >= 1/alpha = {1 / a:g}"
        )
    if system is not None and not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if target is not None:
        if system is None:
            raise ElectsimError("target= needs a system= to allocate seats")
        _check_target(target, null.template)
    cells = float(n) * (lv.size + 1) * null.n_stations * (null.template.n_parties + 1)
    if cells > MAX_POWER_CELLS:
        raise ElectsimError(
            f"n_datasets={n:,} with {lv.size} levels on {null.n_stations:,} stations x "
            f"{null.template.n_parties + 1} options is {cells:.3g} simulated cells, more than "
            f"the limit {MAX_POWER_CELLS:.0e} (hours of work); use fewer data sets or levels "
            "(1,000 data sets give power within about +-3 points)"
        )
    for lvl in lv[:1]:
        try:
            probe = manipulation_factory(float(lvl))
        except ElectsimError as exc:
            raise ElectsimError(f"manipulation_factory({float(lvl):g}) failed: {exc}") from exc
        if not callable(getattr(probe, "apply", None)):
            raise ElectsimError(
                f"manipulation_factory({float(lvl):g}) returned {type(probe).__name__}, not a "
                "perturbation with .apply(results, rng) (e.g. an electsim.manipulation model)"
            )
    samples_have_invalid = null.template.invalid is not None or null.invalid_rate is not None
    if system is not None and not samples_have_invalid and invalid_rate is None:
        raise MissingDataError(
            "the stations have no invalid ballots: give invalid_rate= (e.g. '1.5%') to "
            "aggregate them to regions for the seats"
        )
    if detectors is None:
        dets = [
            DETECTORS[k]() for k in DETECTORS if null.has_turnout or not DETECTORS[k].needs_turnout
        ]
    else:
        dets = [get_detector(d) for d in detectors]
        if not dets:
            raise ElectsimError("detectors is empty")
    for det in dets:
        if det.needs_turnout and not null.has_turnout:
            raise MissingDataError(
                f"{det.name} needs turnout, but the null model has no registered voters; "
                "fit it with NullModel.fit(..., turnout='56.5%') to state one"
            )
    names = tuple(d.name for d in dets)
    if len(set(names)) != len(names):
        raise ElectsimError(f"detectors {names} contain duplicates")
    entropy = _entropy(rng)
    g_ref = np.random.default_rng(np.random.SeedSequence(entropy, spawn_key=(0,)))
    ref_sample = null.sample(n_reference, g_ref)
    refs = [d.reference(ref_sample, g_ref) for d in dets]

    n_blocks = -(-n // seed_block)
    per_chunk = max(1, -(-chunk_size // seed_block))
    chunks = [
        [(b, min(seed_block, n - b * seed_block)) for b in range(c, min(c + per_chunk, n_blocks))]
        for c in range(0, n_blocks, per_chunk)
    ]
    L, D = lv.size, len(dets)
    stats = np.empty((L + 1, D, n))
    npv = np.empty((L + 1, D, n))
    tie_u = np.empty((L + 1, D, n))
    changed = np.zeros((L, n), dtype=bool) if system is not None else None
    n_out = len(target) if isinstance(target, list | tuple) else 1
    reached = np.zeros((L + 1, n_out, n), dtype=bool) if target is not None else None
    bar = _Progress(n, sys.stderr) if progress else None
    done = 0

    def store(chunk: list[tuple[int, int]], out: tuple[Any, ...]) -> None:
        nonlocal done
        start = chunk[0][0] * seed_block
        stop = start + sum(s for _, s in chunk)
        stats[..., start:stop], npv[..., start:stop] = out[0], out[1]
        tie_u[..., start:stop] = out[3]
        if changed is not None:
            changed[:, start:stop] = out[2]
        if reached is not None:
            reached[..., start:stop] = out[4]
        done += stop - start
        if bar is not None:
            bar.update(done)

    native = calibration == "native"
    spec = None if system is None else (system if executor is None else _system_spec(system))
    args = (null, dets, refs, manipulation_factory, list(lv), spec, invalid_rate, native, entropy)
    if executor is None:
        for chunk in chunks:
            store(chunk, _power_chunk(*args, chunk, target))
    else:
        pending: deque[tuple[list[tuple[int, int]], Future[Any]]] = deque()
        for chunk in chunks:
            if len(pending) >= max_pending:
                c, f = pending.popleft()
                store(c, f.result())
            pending.append((chunk, executor.submit(_power_chunk, *args, chunk, target)))
        while pending:
            c, f = pending.popleft()
            store(c, f.result())

    pvalues = np.empty((D, L + 1, n))
    for d, det in enumerate(dets):
        pvalues[d] = npv[:, d] if native and det.native else _loo_pvalues(stats[:, d], tie_u[:, d])
    rej = (pvalues <= a).sum(axis=-1)
    size = rej[:, 0] / n
    pw = rej[:, 1:] / n
    sc = sci = None
    if changed is not None:
        k = changed.sum(axis=-1)
        sc, sci = k / n, clopper_pearson(k, n)
    tr = tri = tc = tci = tx = txi = None
    if reached is not None:
        k_t = reached.any(axis=1).sum(axis=-1)
        tr, tri = k_t[1:] / n, clopper_pearson(k_t[1:], n)
        tc, tci = float(k_t[0] / n), clopper_pearson(k_t[0], n)
        k_x = (reached[1:] & ~reached[:1]).any(axis=1).sum(axis=-1)
        tx, txi = k_x / n, clopper_pearson(k_x, n)
    notes = []
    if system is not None:
        notes.append(
            "P(any seat): any party's seats differ from those of the same clean data set "
            "(a one-seat remainder shift counts)"
        )
    if target is not None:
        notes.append(
            f"P(target): {_target_label(target)} (clean row: its base rate); P(crossed): "
            "reached by the manipulated data set but not by the same clean one"
        )
    for arr in (lv, pvalues, stats):
        arr.setflags(write=False)
    return PowerResult(
        detectors=names,
        levels=lv,
        alpha=a,
        n_datasets=n,
        pvalues=pvalues,
        statistics=np.moveaxis(stats, 1, 0),
        size=size,
        size_interval=clopper_pearson(rej[:, 0], n),
        power=pw,
        power_interval=clopper_pearson(rej[:, 1:], n),
        seat_change=sc,
        seat_change_interval=sci,
        target=None if target is None else _target_label(target),
        target_reached=tr,
        target_interval=tri,
        target_clean=tc,
        target_clean_interval=tci,
        target_crossed=tx,
        target_crossed_interval=txi,
        calibration=calibration,
        null=str(null),
        manipulation=getattr(manipulation_factory, "__name__", ""),
        notes=tuple(notes),
    )


def detectability(
    null: NullModel,
    manipulation_factory: Callable[[Any], Any],
    levels: ArrayLike,
    system: ElectoralSystem,
    *,
    detectors: Sequence[Any] | None = None,
    invalid_rate: Any = None,
    target: OutcomeTarget = None,
    n_datasets: int = 200,
    alpha: float = 0.05,
    rng: int | np.random.Generator | None = None,
    **kwargs: Any,
) -> PowerResult:
    """Decisive yet undetectable? Outcome probabilities and each detector's power, per level.

    :func:`power` with a ``system``: for every manipulation level, P(any seat moves) -- the
    manipulated data set's seats differ from those of the same clean data set (stations
    aggregated to regions under ``invalid_rate``, then :func:`~electsim.allocate`); a single
    remainder seat moving counts, so this is not a threshold crossing -- and, with ``target``
    (e.g. ``[fails("Butun Kyrgyzstan"), passes("Mekenchil")]``), P(the outcome is reached)
    with its clean base rate, next to every detector's power.
    :meth:`PowerResult.decisive_yet_undetectable` lists the levels that reach the target (or
    move a seat, without target) but that no detector would notice.  Other keyword arguments
    go to :func:`power`.  Use a deterministic ``tie_break`` (e.g. ``"lowest_index"``) in
    ``system``: random draws can tie.
    """
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    return power(
        detectors,
        null,
        manipulation_factory,
        levels,
        n_datasets,
        alpha,
        rng,
        system=system,
        invalid_rate=invalid_rate,
        target=target,
        **kwargs,
    )
