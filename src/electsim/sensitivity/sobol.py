r"""Global sensitivity analysis: Sobol first- and total-order indices with bootstrap intervals.

:func:`sobol` wraps :func:`scipy.stats.sobol_indices` (Saltelli et al. 2010 design and
estimators) for a *vectorised* model: the model receives a batch of parameter points as a
``{name: array (m,)}`` mapping and returns all outputs for the batch at once, so an electsim model
builds one batch of perturbed elections and allocates them in one call.  Bootstrap intervals
(BCa, as ``scipy.stats.bootstrap`` computes them, with an O(n) jackknife) are computed here from
the same evaluations with the caller's ``rng``, so a seeded analysis is reproducible.

Seats are step functions of thresholds and of manipulation; Sobol indices are :math:`L^2`
variance decompositions and need no smoothness, the steps only slow the convergence.  Always read
the indices with their intervals.

Electsim models:

* :func:`allocate_national_rates` -- seats for a batch in which every element has its own
  national threshold rate (exact integer eligibility per element, one apportionment call);
* :func:`seats_function` -- a ready-made model: optional perturbation built from the parameter
  arrays, optional national-rate parameter, outputs = seats of chosen parties and bloc-majority
  indicators.

References
----------
Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M., & Tarantola, S. (2010).
Variance based sensitivity analysis of model output. Design and estimator for the total
sensitivity index. *Computer Physics Communications* 181(2), 259-270.
doi:10.1016/j.cpc.2009.09.018.
Saltelli, A., Ratto, M., Andres, T., et al. (2008). *Global Sensitivity Analysis. The Primer*.
Wiley.  doi:10.1002/9780470725184.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import stats  # type: ignore[import-untyped]

from .._display import HTMLReprMixin
from .._rng import normalise_rng
from ..allocate import allocate
from ..election import Election
from ..errors import ElectsimError, ShapeMismatchError, UnknownNameError
from ..metrics import MajorityKind, majority_threshold
from ..stages import apportion, eligibility
from ..system import ElectoralSystem

__all__ = ["SobolResult", "allocate_national_rates", "seats_function", "sobol"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
Model = Callable[[dict[str, FloatArray]], Any]

#: Memory budget (float64 elements) of one bootstrap batch: ~32 MB.
_BATCH_ELEMENTS = 4_000_000

#: How far an index estimate or interval end may fall outside [0, 1] before it is flagged
#: (small excursions are the sampling error of an index near 0 or 1).
RANGE_TOLERANCE = 0.05

#: An output whose most frequent value covers at least this share of the sample points is
#: flagged as near-constant: its variance rests on a handful of points.
NEAR_CONSTANT_SHARE = 0.99


# ==================================================================================== result
@dataclass(frozen=True, eq=False)
class SobolResult(HTMLReprMixin):
    r"""Sobol indices of every output with respect to every parameter, with intervals.

    Attributes
    ----------
    outputs : tuple of str
        Output names, length ``s``.
    parameters : tuple of str
        Parameter names, length ``d`` (in the order of the ``parameters`` mapping).
    first_order : float array ``(s, d)``
        :math:`S_i = V[E(Y \mid X_i)] / V(Y)`, Saltelli et al. (2010) estimator
        :math:`\frac{1}{n}\sum_j f(B)_j (f(A_B^{(i)})_j - f(A)_j) / \hat V`.
    total_order : float array ``(s, d)``
        :math:`S_{Ti} = E[V(Y \mid X_{\sim i})] / V(Y)`, Jansen estimator
        :math:`\frac{1}{2n}\sum_j (f(A)_j - f(A_B^{(i)})_j)^2 / \hat V`.
    first_order_interval, total_order_interval : float array ``(s, d, 2)``
        Bootstrap confidence intervals ``[low, high]`` (BCa; percentile where BCa is undefined,
        e.g. an index that is exactly 0 in every resample, giving ``[0, 0]``).
    mean, variance : float array ``(s,)``
        Mean and variance of each output over the ``2n`` independent points (A and B).
    variance_interval : float array ``(s, 2)``
        Bootstrap interval of the variance.
    n : int
        Base sample size (power of 2); the model was evaluated at ``n (d + 2)`` points.
    confidence_level : float
    n_resamples : int
    out_of_range : bool array ``(s, d)``
        The estimate or an end of its interval (first or total order) lies outside
        :math:`[-0.05, 1.05]`: the estimate is not reliable at this ``n`` (an index is a share of
        variance and lies in [0, 1]).  Shown with ``!`` in ``str()``.
    mode_share : float array ``(s,)``
        Share of the ``2n`` points of A and B at which the output takes its most frequent value.
    near_constant : bool array ``(s,)``
        ``mode_share >= 0.99`` or zero variance: the output hardly varies, its indices rest on a
        few points and are not meaningful (``str()`` prints ``--``).

    Notes
    -----
    Indices of an output with zero variance are 0.  Small negative estimates are sampling
    error.  Outputs that are step functions (seats) converge slowly: widen ``n`` until the
    intervals answer the question.
    """

    outputs: tuple[str, ...]
    parameters: tuple[str, ...]
    first_order: FloatArray
    total_order: FloatArray
    first_order_interval: FloatArray
    total_order_interval: FloatArray
    mean: FloatArray
    variance: FloatArray
    variance_interval: FloatArray
    n: int
    confidence_level: float
    n_resamples: int
    out_of_range: NDArray[np.bool_] = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    mode_share: FloatArray = field(default_factory=lambda: np.zeros(0))
    near_constant: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def flagged(self) -> bool:
        """Whether any index is out of range or any output near-constant."""
        return bool(np.any(self.out_of_range) or np.any(self.near_constant))

    @property
    def n_evaluations(self) -> int:
        """Model evaluations: ``n (d + 2)``."""
        return self.n * (len(self.parameters) + 2)

    def _pos(self, output: str | int, parameter: str | int) -> tuple[int, int]:
        def find(key: str | int, names: tuple[str, ...], what: str) -> int:
            if isinstance(key, str):
                if key not in names:
                    raise UnknownNameError(f"{what}={key!r} is unknown; known: {list(names)}")
                return names.index(key)
            if isinstance(key, bool) or not isinstance(key, int) or not 0 <= key < len(names):
                raise ElectsimError(f"{what}={key!r} must be a name or an index < {len(names)}")
            return key

        return find(output, self.outputs, "output"), find(parameter, self.parameters, "parameter")

    def index(self, output: str | int, parameter: str | int) -> dict[str, float]:
        """The indices of one (output, parameter) pair with their intervals (plain floats)."""
        i, j = self._pos(output, parameter)
        return {
            "first_order": float(self.first_order[i, j]),
            "first_order_low": float(self.first_order_interval[i, j, 0]),
            "first_order_high": float(self.first_order_interval[i, j, 1]),
            "total_order": float(self.total_order[i, j]),
            "total_order_low": float(self.total_order_interval[i, j, 0]),
            "total_order_high": float(self.total_order_interval[i, j, 1]),
        }

    def _flag(self, i: int, j: int) -> str:
        if self.near_constant.size and self.near_constant[i]:
            return "near-constant output"
        if self.out_of_range.size and self.out_of_range[i, j]:
            return "out of range"
        return ""

    def to_records(self) -> list[dict[str, Any]]:
        """One plain-Python record per (output, parameter) pair (JSON-serialisable).

        Keys: ``output``, ``parameter``, ``first_order``, ``first_order_low``,
        ``first_order_high``, ``total_order``, ``total_order_low``, ``total_order_high``,
        ``output_mean``, ``output_variance``, ``flag`` (``""``, ``"out of range"`` or
        ``"near-constant output"``).
        """
        out: list[dict[str, Any]] = []
        for i, o in enumerate(self.outputs):
            for j, p in enumerate(self.parameters):
                rec: dict[str, Any] = {"output": o, "parameter": p}
                rec.update(self.index(i, j))
                rec["output_mean"] = float(self.mean[i])
                rec["output_variance"] = float(self.variance[i])
                rec["flag"] = self._flag(i, j)
                out.append(rec)
        return out

    def __str__(self) -> str:
        wo = max(6, *(len(o) for o in self.outputs))
        wp = max(9, *(len(p) for p in self.parameters))
        pct = f"{100 * self.confidence_level:g} %"
        head = (
            f"{'Output':<{wo}}  {'Parameter':<{wp}}  {'S1':>6}  {pct + ' interval':<17}  "
            f"{'ST':>6}  {pct + ' interval':<17}"
        )
        lines = [
            f"Sobol indices: n = {self.n}, {self.n_evaluations:,} model evaluations, "
            f"{self.n_resamples} bootstrap resamples",
            head,
            "-" * len(head),
        ]

        def num(x: float) -> str:
            return f"{x:6.3f}" if -RANGE_TOLERANCE <= x <= 1 + RANGE_TOLERANCE else f"{'!':>6}"

        def iv(a: FloatArray) -> str:
            return f"[{num(a[0])}, {num(a[1])}]"

        notes: list[str] = []
        for i, o in enumerate(self.outputs):
            for j, p in enumerate(self.parameters):
                flag = self._flag(i, j)
                if flag == "near-constant output":
                    lines.append(f"{o:<{wo}}  {p:<{wp}}  {'--':>6}  {'':<17}  {'--':>6}")
                    continue
                mark = "  !" if flag else ""
                lines.append(
                    f"{o:<{wo}}  {p:<{wp}}  {num(self.first_order[i, j])}  "
                    f"{iv(self.first_order_interval[i, j]):<17}  {num(self.total_order[i, j])}  "
                    f"{iv(self.total_order_interval[i, j]):<17}{mark}"
                )
        lines.append("-" * len(head))
        for i, o in enumerate(self.outputs):
            line = f"{o:<{wo}}  mean {self.mean[i]:.4g}, variance {self.variance[i]:.4g}"
            if self.near_constant.size and self.near_constant[i]:
                line += (
                    f"; near-constant ({100 * self.mode_share[i]:.1f} % of points share one "
                    "value): indices not meaningful"
                )
            lines.append(line)
        if self.out_of_range.size and np.any(self.out_of_range & ~self.near_constant[:, None]):
            notes.append(
                "! an estimate or interval end outside [0, 1] (beyond sampling error): not "
                "reliable at this n; increase n"
            )
        lines.extend(notes)
        return "\n".join(line.rstrip() for line in lines)

    def __repr__(self) -> str:
        return f"SobolResult(outputs={self.outputs!r}, parameters={self.parameters!r}, n={self.n})"


# ================================================================================ validation
def _check_parameters(parameters: Any) -> tuple[tuple[str, ...], list[Any]]:
    if not isinstance(parameters, Mapping):
        raise ElectsimError(
            f"parameters must be a mapping {{name: scipy.stats frozen distribution}}, "
            f"got {type(parameters).__name__}"
        )
    if len(parameters) == 0:
        raise ElectsimError("parameters is empty; give at least one {name: distribution}")
    names: list[str] = []
    dists: list[Any] = []
    for name, dist in parameters.items():
        if not isinstance(name, str) or not name:
            raise ElectsimError(f"parameter name {name!r} must be a non-empty string")
        ppf = getattr(dist, "ppf", None)
        if not callable(ppf):
            raise ElectsimError(
                f"parameter {name!r}: {dist!r} is not a distribution; give a frozen scipy.stats "
                "distribution with a .ppf method, e.g. scipy.stats.uniform(0.03, 0.06)"
            )
        try:
            probe = np.asarray(ppf(np.array([0.25, 0.5, 0.75])), dtype=np.float64)
        except Exception as exc:  # any failure means an unusable distribution
            raise ElectsimError(f"parameter {name!r}: {dist!r}.ppf failed: {exc}") from exc
        if probe.shape != (3,) or not np.all(np.isfinite(probe)):
            raise ElectsimError(
                f"parameter {name!r}: {dist!r} must be a univariate distribution with finite "
                "quantiles"
            )
        names.append(name)
        dists.append(dist)
    return tuple(names), dists


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise ElectsimError(f"n={n!r} must be an int (a power of 2)")
    n = int(n)
    if n < 16 or n & (n - 1):
        raise ElectsimError(f"n={n} must be a power of 2, at least 16 (e.g. 1024)")
    return n


def _check_outputs(outputs: Any) -> tuple[str, ...] | None:
    if outputs is None:
        return None
    if isinstance(outputs, str):
        outputs = (outputs,)
    if not isinstance(outputs, Sequence) or not all(isinstance(o, str) for o in outputs):
        raise ElectsimError(f"outputs={outputs!r} must be a sequence of output names (str)")
    if len(outputs) == 0 or len(set(outputs)) != len(outputs):
        raise ElectsimError(f"outputs={list(outputs)!r} must be non-empty with distinct names")
    return tuple(outputs)


class _Recorder:
    """Calls the user's model with named parameter arrays; checks and records its outputs."""

    def __init__(
        self, function: Model, names: tuple[str, ...], outputs: tuple[str, ...] | None
    ) -> None:
        self.function = function
        self.names = names
        self.requested = outputs
        self.outputs: tuple[str, ...] | None = None

    def __call__(self, x: FloatArray) -> FloatArray:
        m = x.shape[1]
        params = {name: np.array(x[i], dtype=np.float64) for i, name in enumerate(self.names)}
        y = self.function(params)
        if isinstance(y, Mapping):
            keys = tuple(str(k) for k in y)
            wanted = self.requested if self.requested is not None else keys
            missing = [o for o in wanted if o not in y]
            if missing:
                raise ElectsimError(
                    f"outputs {missing!r} are not among the function's outputs {list(keys)}"
                )
            arrays = [self._as_float(y[o], f"output {o!r}") for o in wanted]
            for o, a in zip(wanted, arrays, strict=True):
                if a.shape != (m,):
                    raise ShapeMismatchError(
                        f"function output {o!r} has shape {a.shape}; expected ({m},) for a batch "
                        f"of {m} parameter points"
                    )
            arr = np.stack(arrays) if arrays else np.zeros((0, m))
            names = tuple(wanted)
        else:
            arr = self._as_float(y, "function output")
            if arr.ndim == 1:
                arr = arr[None, :]
            if arr.ndim != 2 or arr.shape[1] != m:
                raise ShapeMismatchError(
                    f"function output has shape {np.shape(y)}; expected ({m},) or (s, {m}) for a "
                    f"batch of {m} parameter points"
                )
            s = arr.shape[0]
            if self.requested is not None:
                if len(self.requested) != s:
                    raise ShapeMismatchError(
                        f"outputs={list(self.requested)!r} names {len(self.requested)} outputs "
                        f"but the function returned {s}"
                    )
                names = self.requested
            else:
                names = ("y",) if s == 1 else tuple(f"y{k}" for k in range(s))
        if self.outputs is None:
            self.outputs = names
        elif names != self.outputs:
            raise ShapeMismatchError(
                f"the function returned outputs {list(names)} after {list(self.outputs)}; "
                "it must return the same outputs for every batch"
            )
        bad = ~np.isfinite(arr)
        if bad.any():
            k = int(np.argwhere(bad)[0][0])
            raise ElectsimError(
                f"function output {self.outputs[k]!r} contains NaN or infinite values"
            )
        return arr

    @staticmethod
    def _as_float(value: Any, what: str) -> FloatArray:
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError) as exc:
            raise ElectsimError(f"{what} could not be read as an array: {exc}") from exc
        if arr.dtype.kind not in "biuf":
            raise ElectsimError(f"{what} has dtype {arr.dtype}; outputs must be numbers")
        return np.asarray(arr, dtype=np.float64)


# ==================================================================================== sobol
def _frozen_bool(a: NDArray[Any]) -> NDArray[np.bool_]:
    out = np.array(a, dtype=bool)
    out.setflags(write=False)
    return out


def _indices(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray, idx: IntArray) -> FloatArray:
    """Saltelli (2010) S1, Jansen ST and the variance for resampled point indices.

    ``f_a, f_b (s, n)``, ``f_ab (d, s, n)``, ``idx (*batch, n)`` -> ``(2 s d + s, *batch)``.
    """
    a = f_a[:, idx]  # (s, *b, n)
    b = f_b[:, idx]
    ab = f_ab[:, :, idx]  # (d, s, *b, n)
    var = 0.5 * (np.var(a, axis=-1) + np.var(b, axis=-1))  # == np.var([a, b], axis=(0, -1))
    var += 0.25 * (a.mean(axis=-1) - b.mean(axis=-1)) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = np.mean(b * (ab - a), axis=-1) / var  # (d, s, *b)
        st = 0.5 * np.mean((a - ab) ** 2, axis=-1) / var
    s1[~np.isfinite(s1)] = 0.0
    st[~np.isfinite(st)] = 0.0
    d, s = f_ab.shape[:2]
    tail = idx.shape[:-1]
    s1 = np.swapaxes(s1, 0, 1).reshape((s * d, *tail))  # (s, d) order
    st = np.swapaxes(st, 0, 1).reshape((s * d, *tail))
    return np.concatenate([s1, st, var.reshape((s, *tail))])


def _jackknife(f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray) -> FloatArray:
    """Leave-one-out values of :func:`_indices`, ``(2 s d + s, n)``, in O(n) from running sums.

    Every estimator is a ratio of means over the rows of A, B and :math:`A_B`, so leaving out
    row *j* subtracts row *j*'s terms from the totals.
    """
    n = f_a.shape[1]
    m = n - 1
    t1 = f_b * (f_ab - f_a)  # (d, s, n)
    t2 = 0.5 * (f_a - f_ab) ** 2
    s1_num = (t1.sum(axis=-1, keepdims=True) - t1) / m
    st_num = (t2.sum(axis=-1, keepdims=True) - t2) / m
    tot = f_a + f_b  # (s, n)
    tot2 = f_a**2 + f_b**2
    mu = (tot.sum(axis=-1, keepdims=True) - tot) / (2 * m)
    var = (tot2.sum(axis=-1, keepdims=True) - tot2) / (2 * m) - mu**2  # (s, n)
    with np.errstate(divide="ignore", invalid="ignore"):
        s1 = s1_num / var
        st = st_num / var
    s1[~np.isfinite(s1)] = 0.0
    st[~np.isfinite(st)] = 0.0
    d, s = f_ab.shape[:2]
    s1 = np.swapaxes(s1, 0, 1).reshape(s * d, n)
    st = np.swapaxes(st, 0, 1).reshape(s * d, n)
    return np.concatenate([s1, st, var])


def _quantile_rows(dist: FloatArray, p: FloatArray) -> FloatArray:
    """Row-wise linear-interpolation quantiles (numpy's default, Hyndman-Fan type 7)."""
    srt = np.sort(dist, axis=-1)
    h = (srt.shape[1] - 1) * np.clip(p, 0.0, 1.0)
    lo = np.floor(h).astype(np.intp)
    hi = np.minimum(lo + 1, srt.shape[1] - 1)
    rows = np.arange(srt.shape[0])
    return np.asarray(srt[rows, lo] + (h - lo) * (srt[rows, hi] - srt[rows, lo]))


def _bca(
    estimate: FloatArray, dist: FloatArray, jack: FloatArray, alpha: float
) -> tuple[FloatArray, FloatArray]:
    """BCa interval (Efron & Tibshirani 1993, §14.3), as in ``scipy.stats.bootstrap``.

    ``estimate (k,)``, bootstrap distribution ``(k, R)``, jackknife values ``(k, n)``.  Rows
    where BCa is undefined (a degenerate distribution) get the percentile interval.
    """
    from scipy.special import ndtr, ndtri  # type: ignore[import-untyped]

    with np.errstate(all="ignore"):
        below = (dist < estimate[:, None]).sum(axis=1) + (dist <= estimate[:, None]).sum(axis=1)
        z0 = ndtri(below / (2 * dist.shape[1]))
        n = jack.shape[1]
        u = (n - 1) * (jack.mean(axis=1, keepdims=True) - jack)
        a = (np.sum(u**3, axis=1) / n**3) / 6 / (np.sum(u**2, axis=1) / n**2) ** 1.5
        z = float(ndtri(alpha))
        a1 = ndtr(z0 + (z0 + z) / (1 - a * (z0 + z)))
        a2 = ndtr(z0 + (z0 - z) / (1 - a * (z0 - z)))
    bad = ~(np.isfinite(a1) & np.isfinite(a2))
    a1 = np.where(bad, alpha, a1)
    a2 = np.where(bad, 1 - alpha, a2)
    return _quantile_rows(dist, a1), _quantile_rows(dist, a2)


def sobol(
    function: Model,
    parameters: Mapping[str, Any],
    *,
    n: int = 1024,
    outputs: Sequence[str] | str | None = None,
    n_resamples: int = 999,
    confidence_level: float = 0.95,
    rng: int | np.random.Generator | None = None,
) -> SobolResult:
    r"""Sobol first- and total-order indices of a vectorised model, with bootstrap intervals.

    Parameters
    ----------
    function : callable ``(params) -> array (s, m) or (m,) or {name: array (m,)}``
        Evaluates a batch of ``m`` parameter points at once: ``params`` maps each parameter name
        to a float array ``(m,)`` (integer distributions give whole-number floats).  Outputs
        must be finite; booleans count as 0/1 (an indicator's variance is
        :math:`p(1 - p)`).  It is called three times (the A, B and :math:`A_B` designs of
        Saltelli 2010) and must be deterministic: use ``mode="expected"`` perturbations or
        fixed seeds (common random numbers) inside it.
    parameters : mapping ``{name: frozen distribution}``
        Independent input distributions with a ``ppf``, e.g. ``scipy.stats.uniform(0.03,
        0.06)`` (3-9 %) or ``scipy.stats.randint(0, 3)``.
    n : int, default 1024
        Base sample size, a power of 2 (>= 16); the model sees ``n (d + 2)`` points.
    outputs : str or sequence of str, optional
        Output names (an array-valued function), or the outputs to keep and their order (a
        mapping-valued function).  Default: ``"y"`` / ``"y0", "y1", ...``, or all keys.
    n_resamples : int, default 999
        Bootstrap resamples of the ``n`` point indices.
    confidence_level : float, default 0.95
    rng : None, int or numpy.random.Generator
        Seeds the scrambled Sobol design and the bootstrap; normalised once.

    Returns
    -------
    SobolResult

    Raises
    ------
    ElectsimError
        Empty or non-mapping ``parameters``, a parameter that is not a distribution (named),
        ``n`` not a power of 2, a bad output (shape, NaN, names), bad bootstrap settings.

    Notes
    -----
    The design, sampling and point estimates are :func:`scipy.stats.sobol_indices`
    (``method="saltelli_2010"``).  Intervals are bootstrap BCa intervals computed as
    :func:`scipy.stats.bootstrap` does (Efron & Tibshirani 1993, §14.3), resampling the ``n``
    rows of A, B and :math:`A_B` together with the caller's ``rng``; the jackknife behind the
    acceleration is computed in O(n) from running sums (scipy's generic jackknife costs
    O(n^2) and dominates the run time for n >= 4096).  Where BCa is undefined (a degenerate
    bootstrap distribution, e.g. a parameter the output does not depend on, whose indices are
    exactly 0 in every resample) the percentile interval is used.
    The variance :math:`\hat V` and mean are taken over the ``2n`` points of A and B.

    Examples
    --------
    A linear model :math:`Y = X_1 + 2 X_2` with independent uniforms has
    :math:`S_1 = 1/5`, :math:`S_2 = 4/5` (variances 1 : 4) and no interactions:

    >>> from scipy.stats import uniform
    >>> res = sobol(lambda p: p["x1"] + 2 * p["x2"], {"x1": uniform(), "x2": uniform()},
    ...             n=1024, n_resamples=99, rng=1)
    >>> res.first_order.round(2).tolist(), res.total_order.round(2).tolist()
    ([[0.2, 0.8]], [[0.2, 0.8]])
    """
    if not callable(function):
        raise ElectsimError(f"function={function!r} must be callable: params -> outputs")
    names, dists = _check_parameters(parameters)
    n = _check_n(n)
    wanted = _check_outputs(outputs)
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, int | np.integer):
        raise ElectsimError(f"n_resamples={n_resamples!r} must be an int >= 10")
    if int(n_resamples) < 10:
        raise ElectsimError(f"n_resamples={n_resamples} must be at least 10")
    if (
        isinstance(confidence_level, bool)
        or not isinstance(confidence_level, int | float | np.floating)
        or not 0 < float(confidence_level) < 1
    ):
        raise ElectsimError(f"confidence_level={confidence_level!r} must be in (0, 1)")
    gen = normalise_rng(rng)

    rec = _Recorder(function, names, wanted)
    calls: list[FloatArray] = []

    def func(x: FloatArray) -> FloatArray:
        y = rec(np.asarray(x, dtype=np.float64))
        calls.append(y.copy())  # scipy centres its arrays in place
        # scipy 1.17 squeezes the indices and fails on a 0-d result (one output, one
        # parameter): give it the single output twice and keep the first copy
        return np.vstack([y, y]) if y.shape[0] == 1 else y

    res = stats.sobol_indices(func=func, n=n, dists=dists, rng=gen)
    assert rec.outputs is not None
    out_names = rec.outputs
    s, d = len(out_names), len(names)
    f_a, f_b, f_ab_flat = calls
    mode_share = np.array(
        [np.unique(row, return_counts=True)[1].max() / row.size for row in np.hstack([f_a, f_b])]
    )
    # scipy evaluates the d pages of A_B as columns (page-minor): (s, n*d) -> (d, s, n)
    f_ab = np.moveaxis(f_ab_flat.reshape(s, n, d), -1, 0)
    # centre as scipy does (Sobol & Levitan 1999), so the bootstrap statistic at the full sample
    # reproduces scipy's point estimates exactly
    mean = np.concatenate([f_a, f_b], axis=1).mean(axis=1)
    f_a, f_b, f_ab = f_a - mean[:, None], f_b - mean[:, None], f_ab - mean[:, None]
    s_pad = 2 if s == 1 else s
    first = np.asarray(res.first_order, dtype=np.float64).reshape(s_pad, d)[:s]
    total = np.asarray(res.total_order, dtype=np.float64).reshape(s_pad, d)[:s]

    full = _indices(f_a, f_b, f_ab, np.arange(n))
    dist = np.empty((full.shape[0], int(n_resamples)))
    batch = max(1, _BATCH_ELEMENTS // ((d + 2) * s * n))
    for start in range(0, int(n_resamples), batch):
        stop = min(start + batch, int(n_resamples))
        dist[:, start:stop] = _indices(f_a, f_b, f_ab, gen.integers(0, n, (stop - start, n)))
    low, high = _bca(full, dist, _jackknife(f_a, f_b, f_ab), (1 - float(confidence_level)) / 2)
    sd = s * d
    ci = np.stack([low, high], axis=-1)  # (2 sd + s, 2)

    def freeze(a: NDArray[Any]) -> FloatArray:
        out = np.array(a, dtype=np.float64)
        out.setflags(write=False)
        return out

    lo_all = np.minimum(ci[:sd, 0], ci[sd : 2 * sd, 0]).reshape(s, d)
    hi_all = np.maximum(ci[:sd, 1], ci[sd : 2 * sd, 1]).reshape(s, d)
    lo_all = np.minimum(lo_all, np.minimum(first, total))
    hi_all = np.maximum(hi_all, np.maximum(first, total))
    out_of_range = (lo_all < -RANGE_TOLERANCE) | (hi_all > 1 + RANGE_TOLERANCE)
    variance = full[2 * sd :]
    near_constant = (mode_share >= NEAR_CONSTANT_SHARE) | (variance <= 0)
    return SobolResult(
        outputs=out_names,
        parameters=names,
        first_order=freeze(first),
        total_order=freeze(total),
        first_order_interval=freeze(ci[:sd].reshape(s, d, 2)),
        total_order_interval=freeze(ci[sd : 2 * sd].reshape(s, d, 2)),
        mean=freeze(mean),
        variance=freeze(full[2 * sd :]),
        variance_interval=freeze(ci[2 * sd :]),
        n=n,
        confidence_level=float(confidence_level),
        n_resamples=int(n_resamples),
        out_of_range=_frozen_bool(out_of_range),
        mode_share=freeze(mode_share),
        near_constant=_frozen_bool(near_constant),
    )


# ============================================================================ electsim models
def allocate_national_rates(
    election: Election,
    system: ElectoralSystem,
    rates: ArrayLike,
    *,
    denominator: int = 10**6,
    rng: int | np.random.Generator | None = None,
) -> IntArray:
    r"""Seats when every element of a batch has its own national threshold rate.

    Element *k* is allocated under ``system`` with the national rate replaced by the exact
    fraction :math:`t_k = \mathrm{round}(r_k \cdot D) / D` (``D = denominator``): a party passes
    when its votes reach :math:`\lceil t_k B_k \rceil` (inclusive threshold) or exceed
    :math:`\lfloor t_k B_k \rfloor` (strict), with :math:`B_k` the threshold base, in integer
    arithmetic.  The regional threshold, the method, the cap and the tie policy are those of
    ``system``.  One apportionment call for the whole batch.

    Parameters
    ----------
    election : Election
        Unbatched (the same votes for every rate) or with batch shape ``(N,)``.
    system : ElectoralSystem
        Must have a national threshold (its base and inclusiveness are kept).
    rates : array_like of float, shape ``(N,)``
        Rates in ``[0, 1]``, quantised to multiples of ``1/denominator`` (round half to even):
        with the default :math:`10^{-6}` a rate moves by at most :math:`5 \cdot 10^{-7}`, i.e.
        at most one vote per two million of base.
    denominator : int, default 10**6
    rng : None, int or numpy.random.Generator
        For ``tie_break="lot"``.

    Returns
    -------
    int64 array ``(N, P)``

    Raises
    ------
    TieError
        ``system.tie_break == "raise"`` and a tie occurred.

    Examples
    --------
    Five largest lists of 2020 (others folded into ``against_all``; base 1,990,753 ballots).
    Mekenchil's 136,276 votes pass 6.8 % (needs 135,372) but not 7 %:

    >>> import electsim as es
    >>> e = es.Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...                 invalid=[31_823], parties="ABCDE")
    >>> s = es.ElectoralSystem(120, "hare", national=es.Threshold("7%"))
    >>> allocate_national_rates(e, s, [0.07, 0.068]).tolist()
    [[46, 45, 16, 13, 0], [41, 40, 15, 12, 12]]
    """
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if system.national is None:
        raise ElectsimError(
            "system has no national threshold; give one (its base and inclusiveness are used, "
            "its rate is replaced by each element's rate)"
        )
    if not isinstance(rates, Fraction | Decimal | str) and np.ndim(rates) != 1:
        raise ShapeMismatchError(f"rates has shape {np.shape(rates)}; expected (N,)")
    N = len(rates)  # type: ignore[arg-type]
    if isinstance(election, Election) and election.batch_shape not in ((), (N,)):
        raise ShapeMismatchError(
            f"election has batch shape {election.batch_shape}; expected () or ({N},) for {N} rates"
        )
    el = eligibility(election, system, national_rate=rates, rate_denominator=denominator)
    gen = normalise_rng(rng) if (system.tie_break == "lot" or rng is not None) else None
    res = apportion(
        el.votes,
        system.seats,
        el.eligible,
        system.method,
        cap=None if system.cap is None else system.cap.max_seats,
        tie_break=system.tie_break,
        rng=gen,
        parties=election.party_names,
    )
    return res.seats


def seats_function(
    election: Election,
    system: ElectoralSystem,
    *,
    parties: Sequence[str | int] = (),
    majorities: Sequence[tuple[str, MajorityKind]] = (),
    national_rate: str | None = None,
    perturb: Callable[[Election, dict[str, FloatArray]], Any] | None = None,
    rng: int | np.random.Generator | None = None,
) -> Callable[[dict[str, FloatArray]], dict[str, FloatArray]]:
    r"""A vectorised electsim model for :func:`sobol`: seats and bloc majorities.

    For a batch of ``m`` parameter points the model (1) builds the perturbed batch
    ``perturb(election, params)`` (an :class:`~electsim.Election` or a
    :class:`~electsim.manipulation.Perturbed` of batch shape ``(m,)``), (2) allocates it -- with
    :func:`allocate_national_rates` when ``national_rate`` names the parameter holding the
    national threshold rate, else with :func:`~electsim.allocate` -- and (3) returns the outputs.

    Parameters
    ----------
    election : Election
        Unbatched.
    system : ElectoralSystem
    parties : sequence of str or int
        Parties whose seats are outputs, named ``"seats <name>"``.
    majorities : sequence of ``(bloc, kind)``
        Indicator outputs ``1[bloc seats >= majority_threshold(seats, kind)]``, named e.g.
        ``"pro-government >= 80"`` for ``("pro-government", "two_thirds")`` in a 120-seat house.
    national_rate : str, optional
        Parameter holding the national threshold rate (a fraction, e.g. 0.07), quantised to
        :math:`10^{-6}` (see :func:`allocate_national_rates`).
    perturb : callable ``(election, params) -> Election | Perturbed``, optional
        Builds the batch from the parameter arrays, e.g. a
        :class:`~electsim.manipulation.VoteBuying` with ``budget_som=params["budget"]`` in
        ``mode="expected"`` (deterministic, as Sobol estimation requires).
    rng : None, int or numpy.random.Generator
        For ``tie_break="lot"`` only.

    Returns
    -------
    callable ``params -> {output name: float array (m,)}``

    Examples
    --------
    >>> import electsim as es
    >>> e = es.datasets.kyrgyzstan_2020()
    >>> s = es.presets.kyrgyzstan_2020().replace(regional=None, tie_break="lowest_index")
    >>> f = seats_function(e, s, parties=["Butun Kyrgyzstan"], national_rate="threshold")
    >>> f({"threshold": np.array([0.07, 0.072])})["seats Butun Kyrgyzstan"].tolist()
    [13.0, 0.0]
    """
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if election.batch_shape:
        raise ShapeMismatchError(
            f"election has batch shape {election.batch_shape}; give one (unbatched) election"
        )
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if national_rate is not None:
        if not isinstance(national_rate, str):
            raise ElectsimError(f"national_rate={national_rate!r} must be a parameter name")
        if system.national is None:
            raise ElectsimError(
                f"national_rate={national_rate!r} needs a system with a national threshold"
            )
    gen = normalise_rng(rng) if rng is not None else None  # normalised once, shared by calls
    if perturb is not None and not callable(perturb):
        raise ElectsimError(f"perturb={perturb!r} must be callable: (election, params) -> batch")
    if isinstance(parties, str):
        parties = [parties]
    cols = [election.party_index(p) for p in parties]
    names = [f"seats {election.parties[c].name}" for c in cols]
    masks: list[tuple[NDArray[np.bool_], int]] = []
    blocs = {p.bloc for p in election.parties if p.bloc is not None}
    for item in majorities:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise ElectsimError(f"majorities item {item!r} must be a pair (bloc, kind)")
        bloc, kind = item
        if bloc not in blocs:
            raise UnknownNameError(f"bloc {bloc!r} is unknown; known: {sorted(blocs)}")
        need = majority_threshold(system.seats, kind)
        masks.append((np.array([p.bloc == bloc for p in election.parties]), need))
        names.append(f"{bloc} >= {need}")
    if not names:
        raise ElectsimError("give at least one output: parties=[...] or majorities=[...]")
    if len(set(names)) != len(names):
        raise ElectsimError(f"outputs repeat: {names}")

    def model(params: dict[str, FloatArray]) -> dict[str, FloatArray]:
        m = len(next(iter(params.values())))
        batch = election
        if perturb is not None:
            out = perturb(election, params)
            batch = getattr(out, "election", out)
            if not isinstance(batch, Election):
                raise ElectsimError(
                    f"perturb returned {type(out).__name__}; expected an Election or Perturbed"
                )
            if batch.batch_shape not in ((), (m,)):
                raise ShapeMismatchError(
                    f"perturb returned batch shape {batch.batch_shape}; expected ({m},)"
                )
        if national_rate is not None:
            if national_rate not in params:
                raise UnknownNameError(
                    f"national_rate={national_rate!r} is not a parameter; known: {list(params)}"
                )
            seats = allocate_national_rates(batch, system, params[national_rate], rng=gen)
        else:
            seats = np.broadcast_to(allocate(batch, system, rng=gen).seats, (m, batch.n_parties))
        res: dict[str, FloatArray] = {}
        for name, c in zip(names, cols, strict=False):
            res[name] = seats[:, c].astype(np.float64)
        for name, (mask, need) in zip(names[len(cols) :], masks, strict=True):
            res[name] = (seats[:, mask].sum(axis=1) >= need).astype(np.float64)
        return res

    return model
