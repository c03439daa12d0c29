r"""Sequential tests of "the population mean of a bounded assorter is at most 1/2".

Each function takes samples ``x`` of shape ``(..., n)`` -- any number of independent audits on
the leading axes, draws in the order drawn on the last axis -- values in ``[0, u]``, and returns
the *running p-values* ``p[..., j]`` after ``j + 1`` draws (non-increasing; an audit may stop
as soon as ``p <= alpha``).  Each test builds a nonnegative supermartingale :math:`T_j` under
the null and reports :math:`p_j = \min(1, 1/\max_{k \le j} T_k)` (Ville's inequality).

Null means.  Testing :math:`\mu \le t` (``t = 1/2`` for SHANGRLA assertions) on a sample drawn
*without replacement* from ``N`` items, the mean of the items not yet drawn, if the null mean
were exactly ``t``, is

.. math::  \mu_j = \frac{N t - S_{j-1}}{N - j + 1},\qquad S_{j-1} = x_1 + \dots + x_{j-1};

with replacement (``N=None``) :math:`\mu_j = t`.  When :math:`\mu_j < 0` the null is impossible
and the p-value is 0 from then on; when :math:`\mu_j > u` (ALPHA) the term is 0, as in
SHANGRLA.

Tests
-----
* :func:`alpha` -- ALPHA (Stark 2023), SHANGRLA's default:
  :math:`T_j = \prod_i \left(\frac{x_i}{\mu_i}\frac{\eta_i - \mu_i}{u - \mu_i} +
  \frac{u - \eta_i}{u - \mu_i}\right)` with the "truncated shrinkage" estimate
  :math:`\eta_i = \min\!\big(u(1-\epsilon),\ \max\big(\frac{d\,\eta_0 + S_{i-1}}{d + i - 1},
  \ \mu_i + \frac{c}{\sqrt{d + i - 1}}\big)\big)`, ``c = (eta0 - t)/2``.
* :func:`kaplan_wald` -- :math:`T_j = \prod_i \big(1 - \gamma + \gamma x_i/\mu_i\big)`,
  :math:`0 < \gamma \le 1` (Stark & Teague 2014, eq. for the Kaplan-Wald P-value).
* :func:`kaplan_markov` -- :math:`T_j = \prod_i (x_i + \gamma)/(t + \gamma)`, sampling with
  replacement (Stark 2009, "MICRO"; Stark & Teague 2014).
* :func:`kaplan_kolmogorov` -- :math:`T_j = \prod_i (x_i + \gamma)/(\mu_i + \gamma)`, the
  Kaplan-Markov martingale with the without-replacement null means (Stark & Teague 2014;
  Blom et al. 2021 use it for their D'Hondt and Hamiltonian audits).

References
----------
Stark, P. B. (2009). Risk-limiting postelection audits: conservative P-values from common
probability inequalities. *IEEE Trans. Inf. Forensics Security* 4(4), 1005-1014.
Stark, P. B. & Teague, V. (2014). Verifiable European elections: risk-limiting audits for
D'Hondt and its relatives. *USENIX JETS* 3(1), 18-39.
Stark, P. B. (2023). ALPHA: Audit that learns from previously hand-audited ballots. *Annals of
Applied Statistics* 17(1), 641-679. https://arxiv.org/abs/2201.02707
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..errors import ElectsimError

__all__ = ["TESTS", "alpha", "kaplan_kolmogorov", "kaplan_markov", "kaplan_wald", "null_means"]

FloatArray = NDArray[np.float64]
_EPS = float(np.finfo(float).eps)


def _check(x: ArrayLike, u: float, N: int | None, t: float) -> FloatArray:
    a = np.asarray(x, dtype=float)
    if a.ndim == 0:
        raise ElectsimError("x must have at least one axis (the draws)")
    if not np.isfinite(a).all() or (a < 0).any():
        raise ElectsimError("x must hold finite non-negative assorter values")
    if not (np.isfinite(u) and u > 0):
        raise ElectsimError(f"u={u!r} must be a positive finite upper bound")
    if not 0 < t < u:
        raise ElectsimError(f"t={t!r} must lie strictly between 0 and u={u}")
    if N is not None:
        if isinstance(N, bool) or not isinstance(N, int | np.integer) or N < 1:
            raise ElectsimError(f"N={N!r} must be a positive integer (population size) or None")
        if a.shape[-1] > N:
            raise ElectsimError(
                f"{a.shape[-1]} draws without replacement from a population of N={N}"
            )
    return a


def null_means(
    x: ArrayLike, N: int | None, t: float = 0.5, *, S0: float = 0.0, j0: int = 0
) -> FloatArray:
    r"""The null means :math:`\mu_j` before each draw (see the module docstring).

    ``S0`` and ``j0`` are the sum and the number of draws *before* ``x`` (to continue a
    sequence in chunks).

    >>> null_means([1.0, 0.0, 1.0], N=4, t=0.5).tolist()
    [0.5, 0.3333333333333333, 0.5]
    """
    a = np.asarray(x, dtype=float)
    if N is None:
        return np.full(a.shape, float(t))
    S_prev = S0 + np.cumsum(a, axis=-1) - a
    j = j0 + np.arange(1, a.shape[-1] + 1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((N * t - S_prev) / (N - j + 1), dtype=float)


def log_terms(
    test: str,
    x: FloatArray,
    *,
    u: float,
    N: int | None,
    t: float = 0.5,
    S0: float = 0.0,
    j0: int = 0,
    **params: float,
) -> FloatArray:
    r"""Log of each draw's factor of the test's :math:`T` (no input checks; internal).

    ``S0``, ``j0``: sum and count of the draws before ``x``; ``params`` as in the public
    functions (all given).  ``cumsum`` of the result is :math:`\log T` after ``j0``.
    """
    mu = null_means(x, N, t, S0=S0, j0=j0)
    with np.errstate(divide="ignore", invalid="ignore"):
        if test == "alpha":
            eta0, d = params["eta0"], params["d"]
            S_prev = S0 + np.cumsum(x, axis=-1) - x
            j = j0 + np.arange(1, x.shape[-1] + 1)
            c = (eta0 - t) / 2
            eta = np.maximum((d * eta0 + S_prev) / (d + j - 1), mu + c / np.sqrt(d + j - 1))
            eta = np.minimum(u * (1 - _EPS), eta)
            term = x / mu * (eta - mu) / (u - mu) + (u - eta) / (u - mu)
            term = np.where(mu >= u, 0.0, term)
            term = np.where(mu <= 0, np.inf, term)
        elif test == "kaplan_wald":
            g = params["gamma"]
            term = np.where(mu <= 0, np.inf, 1 - g + g * x / mu)
        else:  # Kaplan-Markov (mu = t) and Kaplan-Kolmogorov
            g = params["gamma"]
            term = np.where(mu + g <= 0, np.inf, (x + g) / (mu + g))
    return _log(np.maximum(term, 0.0))


def _pvalues(log_terms: FloatArray) -> FloatArray:
    with np.errstate(invalid="ignore"):
        logT = np.cumsum(log_terms, axis=-1)
    logT = np.where(np.isnan(logT), np.inf, logT)  # inf + (-inf): the null was already rejected
    run = np.maximum.accumulate(logT, axis=-1)
    with np.errstate(over="ignore"):
        return np.minimum(1.0, np.exp(-run))


def _log(v: FloatArray) -> FloatArray:
    with np.errstate(divide="ignore"):
        return np.log(v)


def alpha(
    x: ArrayLike,
    *,
    u: float,
    N: int | None = None,
    t: float = 0.5,
    eta0: float | None = None,
    d: float = 100.0,
) -> FloatArray:
    r"""Running p-values of the ALPHA supermartingale test (Stark 2023).

    Parameters
    ----------
    x : array_like ``(..., n)``
        Assorter values in draw order, in ``[0, u]``.
    u : float
        The assorter's upper bound.
    N : int, optional
        Population size for sampling without replacement; ``None`` = with replacement.
    t : float
        The null mean (1/2 for SHANGRLA assertions).
    eta0 : float, optional
        The initial guess of the true mean, in ``(t, u]`` (SHANGRLA uses the reported assorter
        mean); default ``(t + u)/2``.
    d : float
        Weight of ``eta0`` against the observed mean (SHANGRLA's default 100).

    Returns
    -------
    float array ``(..., n)``

    Examples
    --------
    Every draw equal to ``u = 1`` (hand computation: :math:`\eta_1 = 0.9`, first term
    :math:`\frac{1}{0.5}\cdot\frac{0.4}{0.5} + \frac{0.1}{0.5} = 1.8`):

    >>> alpha([1.0], u=1.0, eta0=0.9).round(6).tolist()
    [0.555556]
    """
    a = _check(x, u, N, t)
    if eta0 is None:
        eta0 = t + (u - t) / 2
    if not t < eta0 <= u:
        raise ElectsimError(f"eta0={eta0!r} must be in (t, u] = ({t}, {u}]")
    if not d > 0:
        raise ElectsimError(f"d={d!r} must be positive")
    return _pvalues(log_terms("alpha", a, u=u, N=N, t=t, eta0=eta0, d=d))


def kaplan_wald(
    x: ArrayLike, *, u: float, N: int | None = None, t: float = 0.5, gamma: float = 0.1
) -> FloatArray:
    r"""Running p-values of the Kaplan-Wald test: :math:`T_j = \prod (1 - \gamma + \gamma
    x_i/\mu_i)`.

    ``gamma`` in ``(0, 1]`` is the fraction bet on each draw (ASSUMPTION: default 0.1; the
    best value grows with the margin and shrinks with ``u``).

    >>> kaplan_wald([1.0, 1.0], u=1.0, gamma=0.5).tolist()   # 1/(1.5), 1/(1.5**2)
    [0.6666666666666666, 0.4444444444444444]
    """
    a = _check(x, u, N, t)
    if not 0 < gamma <= 1:
        raise ElectsimError(f"gamma={gamma!r} must be in (0, 1]")
    return _pvalues(log_terms("kaplan_wald", a, u=u, N=N, t=t, gamma=gamma))


def kaplan_markov(
    x: ArrayLike, *, u: float, N: int | None = None, t: float = 0.5, gamma: float = 0.01
) -> FloatArray:
    r"""Running p-values of the Kaplan-Markov test: :math:`T_j = \prod (x_i + \gamma)/(t +
    \gamma)`.

    Valid for sampling with replacement (``N`` must be None); ``gamma > 0`` (ASSUMPTION:
    default 0.01).

    >>> kaplan_markov([1.0, 0.5], u=1.0, gamma=1e-12).round(6).tolist()
    [0.5, 0.5]
    """
    a = _check(x, u, N, t)
    if N is not None:
        raise ElectsimError(
            "kaplan_markov assumes sampling with replacement (N=None); "
            "use kaplan_kolmogorov for sampling without replacement"
        )
    if not gamma > 0:
        raise ElectsimError(f"gamma={gamma!r} must be positive")
    return _pvalues(log_terms("kaplan_markov", a, u=u, N=None, t=t, gamma=gamma))


def kaplan_kolmogorov(
    x: ArrayLike, *, u: float, N: int | None = None, t: float = 0.5, gamma: float = 0.01
) -> FloatArray:
    r"""Running p-values of the Kaplan-Kolmogorov test: :math:`T_j = \prod (x_i +
    \gamma)/(\mu_i + \gamma)`.

    With ``N=None`` it is :func:`kaplan_markov`.  ``gamma > 0`` (ASSUMPTION: default 0.01).

    >>> kaplan_kolmogorov([1.0, 1.0], u=1.0, N=4, gamma=1.0).round(6).tolist()  # 2/1.5, 2/(4/3)
    [0.75, 0.5]
    """
    a = _check(x, u, N, t)
    if not gamma > 0:
        raise ElectsimError(f"gamma={gamma!r} must be positive")
    return _pvalues(log_terms("kaplan_kolmogorov", a, u=u, N=N, t=t, gamma=gamma))


#: Test name -> function.
TESTS: dict[str, Any] = {
    "alpha": alpha,
    "kaplan_wald": kaplan_wald,
    "kaplan_markov": kaplan_markov,
    "kaplan_kolmogorov": kaplan_kolmogorov,
}
