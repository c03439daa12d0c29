"""Ballot stuffing and vote stealing: the fraud model of Klimek, Yegorov, Hanel & Thurner (2012).

Klimek et al. (PNAS 109:16469, 2012) model a fraudulent polling station by one *fraud
intensity* ``x`` in ``(0, 1)``.  A share ``f_i`` of the stations commits *incremental* fraud
with ``x ~ |N(0, theta)|`` (redrawn until ``0 < x < 1``), a share ``f_e`` *extreme* fraud with
``x = 1 - |N(0, 0.075)|``; the rest are clean.  In a frauded station the beneficiary ``b``
receives

* **ballot stuffing** from non-voters: ``floor(x * (N - T))`` ballots, ``N`` registered, ``T``
  ballots cast -- turnout rises;
* **vote stealing** ("deliberate wrong counting"): ``round(x**alpha * v_k)`` votes moved from
  every other option ``k`` to ``b`` -- turnout unchanged.

This module generalises the model to K parties (see :class:`BallotStuffing`; equations and
defaults in ``docs/models.md``, "Ballot stuffing and vote stealing").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import integrate, special  # type: ignore[import-untyped]

from .._exact import RateLike
from ..election import Election, PrecinctResults
from ..errors import ElectsimError, MissingDataError, ShapeMismatchError, UnknownMethodError
from ._base import (
    Mode,
    Perturbed,
    abstainers_of,
    broadcast_batch,
    check_counts,
    check_mode,
    check_nonnegative,
    check_party,
    check_rate,
    check_results,
    check_turnout,
    expected_counts,
    finish,
    normalise_rng,
    unit_mask,
)

__all__ = [
    "KLIMEK_EXTREME_WIDTH",
    "BallotStuffing",
    "extreme_moment",
    "halfnormal_moment",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Units = str | int | Sequence[str | int] | None

#: Width of the half-normal that keeps extreme fraud just below 100 % (Klimek et al. 2012, as
#: ported in ``kkalininMI/EFToolkit:R/ComputeKlimekModel.R``; fixed in their model).
KLIMEK_EXTREME_WIDTH = 0.075

_SQRT2 = math.sqrt(2.0)
#: Smallest width used in computations (smaller positive widths behave as this one).
_TINY = 1e-100


# ------------------------------------------------------------------- intensity moments
def halfnormal_moment(theta: ArrayLike, alpha: ArrayLike) -> FloatArray:
    """``E[x**alpha]`` for ``x ~ |N(0, theta)|`` truncated to ``(0, 1)`` (closed form).

    With ``z = 1 / (2 theta**2)`` and ``P`` the regularised lower incomplete gamma function,

    .. math::

        E[x^\\alpha] = (2\\theta^2)^{\\alpha/2}
            \\frac{\\Gamma((\\alpha+1)/2)\\,P((\\alpha+1)/2, z)}{\\Gamma(1/2)\\,P(1/2, z)} .

    ``theta = 0`` gives ``x = 0`` and a moment of 0 (also for ``alpha = 0``: no intensity, no
    fraud).  Broadcasts over array arguments.

    Examples
    --------
    >>> round(float(halfnormal_moment(0.1, 1.0)), 6)      # ~ 0.1 * sqrt(2 / pi)
    0.079788
    >>> float(halfnormal_moment(0.3, 0.0))
    1.0
    """
    th = np.asarray(theta, dtype=np.float64)
    al = np.asarray(alpha, dtype=np.float64)
    th, al = np.broadcast_arrays(th, al)
    pos = th > 0
    # widths below 1e-100 are clipped (the moment is then ~0 for alpha > 0 anyway)
    t = np.where(pos, np.maximum(th, _TINY), 1.0)
    z = 1.0 / (2.0 * t * t)
    s = (al + 1.0) / 2.0
    with np.errstate(divide="ignore"):
        log_m = (
            (al / 2.0) * np.log(2.0 * t * t)
            + special.gammaln(s)
            + np.log(special.gammainc(s, z))
            - special.gammaln(0.5)
            - np.log(special.gammainc(0.5, z))
        )
    return np.where(pos, np.exp(log_m), 0.0)


def extreme_moment(width: ArrayLike, alpha: ArrayLike) -> FloatArray:
    """``E[x**alpha]`` for extreme fraud, ``x = 1 - y``, ``y ~ |N(0, width)|`` truncated to (0, 1).

    Computed by adaptive quadrature (:func:`scipy.integrate.quad`) once per distinct
    ``(width, alpha)`` pair; ``width = 0`` gives ``x = 1`` and a moment of 1.

    Examples
    --------
    >>> round(float(extreme_moment(0.075, 1.0)), 4)      # 1 - 0.075 * sqrt(2 / pi)
    0.9402
    """
    w = np.asarray(width, dtype=np.float64)
    al = np.asarray(alpha, dtype=np.float64)
    w, al = np.broadcast_arrays(w, al)
    out = np.ones(w.shape, dtype=np.float64)
    pairs = np.stack([w.ravel(), al.ravel()], axis=-1)
    uniq, inverse = np.unique(pairs, axis=0, return_inverse=True)
    values = np.ones(len(uniq))
    for i, (wi, ai) in enumerate(uniq):
        if wi <= 0:
            continue
        # substitute y = w s: E[(1 - w s)^a] under the standard half-normal truncated to
        # s < 1 / w, well scaled for every width
        upper = min(1.0 / max(wi, _TINY), 40.0)

        def f(s: float, wi: float = wi, ai: float = ai) -> float:
            return float(max(1.0 - wi * s, 0.0) ** ai * math.exp(-s * s / 2.0))

        num = integrate.quad(f, 0.0, upper, epsabs=0.0, epsrel=1e-11, limit=200)[0]
        den = math.sqrt(math.pi / 2.0) * math.erf(upper / _SQRT2)
        values[i] = num / den
    out.ravel()[:] = values[inverse.ravel()]
    return out


def sample_truncated_halfnormal(
    rng: np.random.Generator, width: FloatArray, shape: tuple[int, ...]
) -> FloatArray:
    """``|N(0, width)|`` truncated to ``[0, 1]`` by inverse CDF (vectorised; width 0 -> 0)."""
    w = np.broadcast_to(width, shape)
    pos = w > 0
    ws = np.where(pos, np.maximum(w, _TINY), 1.0)
    u = rng.random(shape)
    y = ws * _SQRT2 * special.erfinv(u * special.erf(1.0 / (ws * _SQRT2)))
    return np.where(pos, np.clip(y, 0.0, 1.0), 0.0)


# ------------------------------------------------------------------------- the mechanism
@dataclass(frozen=True)
class BallotStuffing:
    """Klimek et al.'s (2012) incremental and extreme fraud with vote stealing, K parties.

    In every targeted unit (a polling station of a :class:`~electsim.PrecinctResults`):

    * with probability ``f_i`` (``incremental``) the station is frauded incrementally with
      intensity ``x ~ |N(0, theta)|`` truncated to ``(0, 1)`` (``intensity="halfnormal"``,
      Klimek's model) or ``x = theta`` (``intensity="fixed"``);
    * with probability ``f_e`` (``extreme``) it is frauded extremely with
      ``x = 1 - |N(0, sigma_e)|`` truncated to ``(0, 1)``, ``sigma_e = extreme_width`` --
      turnout pushed to about 100 %;
    * otherwise it is clean (``f_i + f_e <= 1``).

    A frauded station with intensity ``x``, ``A = N - T`` abstainers (registered minus
    ballots cast) and ``v_k`` votes for every *other* option ``k`` (the other parties, and
    "against all" when ``include_against_all``) changes as

    .. math::

        s &\\sim \\mathrm{Binomial}(A, x) \\quad\\text{ballots stuffed for } b,\\\\
        t_k &\\sim \\mathrm{Binomial}(v_k, x^{\\alpha}) \\quad\\text{votes stolen from } k,

    ``b`` gains ``s + sum_k t_k`` (``stealing="switch"``); turnout rises by ``s`` only.  These
    are Klimek's ``W += floor(x (N - W - O))`` and ``W += round(x**alpha O)``, ``O -= ...``
    with binomial count noise around the same conditional means.
    ``theta`` is thus the *width* of the incremental intensity, and ``alpha`` the *exponent*
    that turns an intensity into a stealing share, exactly as in Klimek et al. (2012).

    Parameters
    ----------
    party : str or int
        The beneficiary ``b`` (name, short code or index; checked at :meth:`apply`).
    incremental : float or array, default 0
        ``f_i``, share of stations with incremental fraud.  Default 0 (no fraud); range to
        try 0-0.6.
    extreme : float or array, default 0
        ``f_e``, share of stations with extreme fraud.  Default 0 (no fraud); range 0-0.1;
        Turkey 2018 about 0.085 of units, PLOS ONE 18:e0293239).
    theta : float or array, default 0.1
        Incremental intensity: the half-normal width (``intensity="halfnormal"``; Klimek's
        ``theta`` is fitted per election; ASSUMPTION 0.1, try 0.01-0.2;
        ``E[x] = 0.0798`` at 0.1), or the fixed share ``x`` in [0, 1]
        (``intensity="fixed"``).
    alpha : float or array, default 1
        Stealing exponent, ``>= 0``: a station of intensity ``x`` loses the share ``x**alpha``
        of the other options' votes (Klimek's ``alpha``; default 1, range to try 0.5-5).
        Larger ``alpha`` steals less.  ``alpha = 0`` steals everything in frauded stations.
    intensity : {"halfnormal", "fixed"}, default "halfnormal"
        Distribution of the incremental intensity (Klimek's, or a fixed ``x = theta``).
    extreme_width : float or array, default 0.075
        ``sigma_e`` of extreme fraud (Klimek's fixed 0.075); 0 gives ``x = 1``
        (every abstainer stuffed, every other vote stolen when ``alpha > 0``).
    stealing : {"switch", "invalidate", "none"}, default "switch"
        What happens to stolen votes: moved to ``b`` (Klimek's "deliberate wrong counting"),
        turned into invalid ballots ("destruction": turnout unchanged, valid votes reduced;
        an electsim extension), or no stealing at all.
    include_against_all : bool, default True
        Whether "against all" ballots are stolen like other parties' votes (Klimek's ``O`` is
        every vote not for the winner).  Invalid ballots are never stolen.
    units : str, int or sequence, optional
        Units that may be frauded (region names -- every station of that region for
        PrecinctResults --, station ids or unit indices); default every unit.  Other units are
        never touched.
    abstainers : array_like of int, shape ``(U,)`` or ``(*batch, U)``, optional
        Explicit assumption of the abstainers per unit, required when ``registered`` is unknown
        (otherwise :class:`~electsim.errors.MissingDataError`).  When registered voters are
        known it must not exceed ``registered - ballots``.
    mode : {"sample", "expected"}, default "sample"

    Notes
    -----
    **Sample mode, stations** (PrecinctResults): per batch element and station, a uniform draw
    decides clean / incremental / extreme, the intensity is drawn by inverse CDF, then the
    binomial draws above.  Non-targeted stations draw nothing.

    **Expected mode**: per unit, stuffed ``= p_s A`` and stolen ``= p_t v_k`` with the
    station-averaged rates

    .. math::

        p_s = f_i E[x_i] + f_e E[x_e], \\qquad p_t = f_i E[x_i^\\alpha] + f_e E[x_e^\\alpha]

    (:func:`halfnormal_moment`, :func:`extreme_moment`; see :meth:`expected_rates`).  Integer
    rounding: the total of stuffed ballots (over units) and the total of stolen votes (over
    units and source options) of each batch element are rounded half up, then split over the
    cells by largest remainder, capped at the abstainers / the votes a party had
    (:func:`~electsim.manipulation._base.split_exact`).

    **Regions** (:class:`~electsim.Election`): a region is not a polling station, so the model
    is applied in expectation over its stations: the same formulas on regional totals.  Because
    ``p_s`` and ``p_t`` are the same in every station of a region, ``sum_i p_s A_i = p_s A``:
    the regional expected mode equals the aggregated station-level expectation (up to the
    integer rounding).  Sample mode on regions draws ``Binomial(A, p_s)`` and
    ``Binomial(v_k, p_t)`` -- the right mean, but without the between-station clustering of the
    fraud (its variance is understated); for that, perturb a PrecinctResults and aggregate with
    ``to_election``.

    Guarantees: stuffed ballots never exceed the abstainers of a unit, stolen votes never exceed
    what an option had, non-targeted units are unchanged, and turnout rises only where ballots
    were stuffed.  No money is involved (``cost_som`` = 0).

    Examples
    --------
    Two stations of 1,000 registered voters; all stations frauded incrementally with a fixed
    intensity ``x = 0.5`` and ``alpha = 1``: half of the abstainers are stuffed and half of the
    other party's votes are moved to A.

    >>> import electsim as es
    >>> pr = es.PrecinctResults([[300, 300], [100, 500]], region=[0, 0], regions=["R"],
    ...                         parties=["A", "B"], invalid=[0, 0], registered=[1000, 1000])
    >>> stuff = BallotStuffing("A", incremental=1.0, theta=0.5, intensity="fixed",
    ...                        mode="expected")
    >>> out = stuff.apply(pr)
    >>> out.election.votes.tolist()       # A: 300 + 200 + 150, 100 + 200 + 250
    [[650, 150], [550, 250]]
    >>> out.ledger.net_ballots.tolist()   # turnout up by the stuffed ballots only
    [200, 200]
    >>> out.verify()

    A sweep over the share of extremely frauded stations is one call (a batch of 3); with
    ``extreme_width=0`` a frauded station's 400 abstainers all become ballots for A:

    >>> sweep = BallotStuffing("A", extreme=np.array([0.0, 0.5, 1.0]), extreme_width=0.0,
    ...                        stealing="none", mode="expected").apply(pr)
    >>> sweep.election.votes[:, :, 0].sum(axis=1).tolist()
    [400, 800, 1200]
    """

    party: str | int
    incremental: ArrayLike = 0.0
    extreme: ArrayLike = 0.0
    theta: ArrayLike = 0.1
    alpha: ArrayLike = 1.0
    intensity: Literal["halfnormal", "fixed"] = "halfnormal"
    extreme_width: ArrayLike = KLIMEK_EXTREME_WIDTH
    stealing: Literal["switch", "invalidate", "none"] = "switch"
    include_against_all: bool = True
    units: Units = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        check_party(self.party)
        fi = check_rate(self.incremental, "incremental")
        fe = check_rate(self.extreme, "extreme")
        try:
            total = fi + fe
        except ValueError as exc:
            raise ShapeMismatchError(
                f"incremental (shape {fi.shape}) and extreme (shape {fe.shape}) do not broadcast"
            ) from exc
        if (total > 1.0 + 1e-12).any():
            raise ElectsimError(
                f"incremental + extreme = {np.max(total)} exceeds 1: a station is frauded "
                "incrementally, extremely or not at all"
            )
        if self.intensity not in ("halfnormal", "fixed"):
            raise UnknownMethodError(
                f"intensity={self.intensity!r} is unknown; use 'halfnormal' or 'fixed'"
            )
        check_nonnegative(self.theta, "theta", upper=1.0 if self.intensity == "fixed" else None)
        check_nonnegative(self.alpha, "alpha")
        check_nonnegative(self.extreme_width, "extreme_width")
        if self.stealing not in ("switch", "invalidate", "none"):
            raise UnknownMethodError(
                f"stealing={self.stealing!r} is unknown; use 'switch', 'invalidate' or 'none'"
            )
        if not isinstance(self.include_against_all, bool | np.bool_):
            raise ElectsimError(
                f"include_against_all={self.include_against_all!r} must be True or False"
            )
        if self.abstainers is not None:
            check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        check_turnout(self.assumed_turnout)
        check_mode(self.mode)

    @property
    def name(self) -> str:
        """Short label, e.g. ``"stuffing(Birimdik)"``."""
        return f"stuffing({self.party})"

    def expected_rates(self) -> tuple[FloatArray, FloatArray]:
        """Station-averaged shares ``(p_s, p_t)``: of abstainers stuffed, of votes stolen.

        ``p_s = f_i E[x_i] + f_e E[x_e]``, ``p_t = f_i E[x_i**alpha] + f_e E[x_e**alpha]``
        (``p_t = 0`` when ``stealing="none"``), broadcast over array parameters.

        Examples
        --------
        >>> ps, pt = BallotStuffing("A", incremental=0.5, theta=0.2, intensity="fixed",
        ...                         alpha=2.0).expected_rates()
        >>> round(float(ps), 6), round(float(pt), 6)     # 0.5 * 0.2, 0.5 * 0.2**2
        (0.1, 0.02)
        """
        fi = check_rate(self.incremental, "incremental")
        fe = check_rate(self.extreme, "extreme")
        th = np.asarray(self.theta, dtype=np.float64)
        al = np.asarray(self.alpha, dtype=np.float64)
        sw = np.asarray(self.extreme_width, dtype=np.float64)
        return _rates(fi, fe, th, al, sw, self.intensity, self.stealing)

    # ------------------------------------------------------------------------- apply
    def apply(
        self, election: Election | PrecinctResults, rng: int | np.random.Generator | None = None
    ) -> Perturbed:
        """Stuff ballots and steal votes; return the new results and the ledger.

        Parameters
        ----------
        election : Election or PrecinctResults, batched or not
        rng : None, int or numpy Generator
            Used in sample mode only (normalised once).

        Returns
        -------
        Perturbed
            Results of the input's type, batch shape = the input's broadcast against the
            parameter arrays; ledger with ``votes`` (``b`` gains, other parties lose),
            ``against_all`` (lost when stolen), ``invalid`` (``stealing="invalidate"``).

        Raises
        ------
        UnknownNameError
            Unknown party or unit.
        MissingDataError
            Registered voters unknown and no ``abstainers`` assumption; or invalid ballots of
            stations unknown (needed for the abstainers or by ``stealing="invalidate"``).
        """
        original: Any = check_results(election)  # Any: broadcast_batch's TypeVar is constrained
        gen = normalise_rng(rng)
        b = original.party_index(self.party)
        mask = unit_mask(original, self.units)
        results, (fi, fe, th, al, sw) = broadcast_batch(
            original,
            check_rate(self.incremental, "incremental"),
            check_rate(self.extreme, "extreme"),
            np.asarray(self.theta, dtype=np.float64),
            np.asarray(self.alpha, dtype=np.float64),
            np.asarray(self.extreme_width, dtype=np.float64),
        )
        batch = results.batch_shape
        nb = len(batch)
        U = results.votes.shape[-2]
        if self.stealing == "invalidate" and results.invalid is None:
            raise MissingDataError(
                "stealing='invalidate' adds invalid ballots, but these results have "
                "invalid=None (unknown); pass results.replace(invalid=...) first"
            )
        abstainers = self._abstainers(results)
        others = [k for k in range(results.votes.shape[-1]) if k != b]
        sources = results.votes[..., others]  # (*batch, U, S)
        if self.include_against_all:
            assert results.against_all is not None
            sources = np.concatenate([sources, results.against_all[..., None]], axis=-1)
        steal = self.stealing != "none"
        m = mask.astype(np.float64)

        if self.mode == "expected":
            ps, pt = (np.broadcast_to(r, batch) for r in self.expected_rates())
            stuffed = expected_counts(ps[..., None] * abstainers * m, abstainers, nb)
            if steal:
                stolen = expected_counts(pt[..., None, None] * sources * m[:, None], sources, nb)
            else:
                stolen = np.zeros(sources.shape, dtype=np.int64)
        elif isinstance(results, Election):
            ps, pt = (np.broadcast_to(r, batch) for r in self.expected_rates())
            stuffed = gen.binomial(abstainers, ps[..., None] * m)
            stolen = (
                gen.binomial(sources, (pt[..., None] * m)[..., None])
                if steal
                else np.zeros(sources.shape, dtype=np.int64)
            )
        else:
            shape = (*batch, U)
            u = gen.random(shape)
            fi_u, fe_u = fi[..., None], fe[..., None]
            inc = mask & (u < fi_u)
            ext = mask & ~inc & (u < fi_u + fe_u)
            if self.intensity == "fixed":
                x_inc = np.broadcast_to(th[..., None], shape)
            else:
                x_inc = sample_truncated_halfnormal(gen, th[..., None], shape)
            x_ext = 1.0 - sample_truncated_halfnormal(gen, sw[..., None], shape)
            x = np.where(inc, x_inc, np.where(ext, x_ext, 0.0))
            stuffed = gen.binomial(abstainers, x)
            if steal:
                with np.errstate(divide="ignore", invalid="ignore"):
                    q = np.where(x > 0, np.power(x, al[..., None]), 0.0)
                stolen = gen.binomial(sources, q[..., None])
            else:
                stolen = np.zeros(sources.shape, dtype=np.int64)

        stuffed = np.asarray(stuffed, dtype=np.int64)
        stolen = np.asarray(stolen, dtype=np.int64)
        d_votes = np.zeros(results.votes.shape, dtype=np.int64)
        d_votes[..., others] = -stolen[..., : len(others)]
        d_aa = -stolen[..., len(others)] if self.include_against_all else None
        gained = stuffed
        d_inv = None
        if self.stealing == "switch":
            gained = gained + stolen.sum(axis=-1)
        elif self.stealing == "invalidate":
            d_inv = stolen.sum(axis=-1)
        d_votes[..., b] = gained
        return finish(original, results, self.name, d_votes, d_aa, d_inv, None)

    def _abstainers(self, results: Election | PrecinctResults) -> IntArray:
        """Abstainers ``(*batch, U)`` by the one abstainer rule (``abstainers_of``)."""
        return abstainers_of(
            results,
            abstainers=self.abstainers,
            assumed_turnout=self.assumed_turnout,
            what="ballot stuffing",
        )


def _rates(
    fi: FloatArray,
    fe: FloatArray,
    th: FloatArray,
    al: FloatArray,
    sw: FloatArray,
    intensity: str,
    stealing: str,
) -> tuple[FloatArray, FloatArray]:
    """``(p_s, p_t)`` of :meth:`BallotStuffing.expected_rates`, broadcast."""
    if intensity == "fixed":
        e_inc = th
        with np.errstate(divide="ignore", invalid="ignore"):
            e_inc_a = np.where(th > 0, np.power(th, al), 0.0)
    else:
        e_inc = halfnormal_moment(th, 1.0)
        e_inc_a = halfnormal_moment(th, al)
    e_ext = extreme_moment(sw, 1.0)
    e_ext_a = extreme_moment(sw, al)
    ps = fi * e_inc + fe * e_ext
    pt = fi * e_inc_a + fe * e_ext_a
    if stealing == "none":
        pt = np.zeros(np.shape(pt))
    # quadrature and float sums can exceed 1 by an ulp (e.g. 1.0000000000000002 for extreme
    # fraud with alpha = 0): these are probabilities, clipped to [0, 1]
    ps = np.clip(ps, 0.0, 1.0)
    pt = np.clip(pt, 0.0, 1.0)
    return np.asarray(ps, dtype=np.float64), np.asarray(pt, dtype=np.float64)
