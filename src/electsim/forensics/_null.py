r"""The clean-election generator: the null hypothesis of every forensic p-value.

:class:`NullModel` is fitted to one set of polling-station results and draws clean data sets
with the same station geometry (stations, regions, parties, station sizes):

* **registration and turnout** -- when registered voters are known (or a turnout is stated),
  station ``s`` in region ``r`` has ballots :math:`T_s \sim \mathrm{BetaBinomial}(N_s, a_r, b_r)`
  (beta parameters fitted per region by the method of moments, the binomial part of the variance
  removed); invalid ballots, when known, :math:`\sim \mathrm{Bin}(T_s, \iota_r)` with the
  region's invalid rate.  Without registration the valid votes :math:`V_s` are kept as observed.
* **shares** -- the categories (party lists, against all) of station ``s`` are
  :math:`X_s \sim \mathrm{DirichletMultinomial}(V_s, \alpha\,p_r)`: the region's shares
  :math:`p_r` (region effects) with station-level overdispersion :math:`\alpha`, estimated by
  :func:`electsim.estimate_concentration` (pooled, station level).

Turnout and shares are independent given the region, and every station is an independent draw:
that is what "clean" means here.  Whatever a detector flags is a departure from *this* model --
which may be fraud, or a feature of honest elections the model lacks (e.g. districts within
regions, ethnic bloc voting, turnout that rises with a party's support).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from .._exact import parse_rate
from .._rng import normalise_rng
from ..election import PrecinctResults
from ..errors import ElectsimError, ShapeMismatchError
from ..simulate import estimate_concentration
from ..uncertainty import _multinomial

__all__ = ["NullModel"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: ASSUMPTION: spread (standard deviation) of station turnout around a stated mean when
#: registered voters are unknown; try 0.05 - 0.15.
DEFAULT_TURNOUT_SD = 0.10

#: Largest clean sample one :meth:`NullModel.sample` call may build (bytes, all arrays).
MAX_SAMPLE_BYTES = 2 * 1024**3

#: Most random station draws one forensic computation may take (a calibration on
#: ``n_null`` clean data sets, ``n_resamples`` Monte Carlo resamples, ``n_bootstrap``
#: bootstrap replicates): above it the run would take hours, so it is refused up front.
MAX_DRAWS = 5e9


def check_work(name: str, value: int, draws: float, what: str, advice: str) -> None:
    """Refuse a computation of more than :data:`MAX_DRAWS` station draws, before it starts."""
    if draws > MAX_DRAWS:
        raise ElectsimError(
            f"{name}={value:,} means about {draws:.3g} {what}, more than the limit "
            f"{MAX_DRAWS:.0e} (hours of work); {advice}"
        )


def _beta_moments(mean: FloatArray, var: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Beta parameters with the given mean and variance (variance clipped to be feasible)."""
    mean = np.clip(mean, 1e-6, 1 - 1e-6)
    var = np.clip(var, 1e-8, mean * (1 - mean) * (1 - 1e-6))
    k = mean * (1 - mean) / var - 1.0
    return mean * k, (1 - mean) * k


@dataclass(frozen=True, eq=False)
class NullModel(HTMLReprMixin):
    """A clean-election generator with a fixed station geometry (see the module docstring).

    Build it with :meth:`fit`; draw data sets with :meth:`sample`.

    Attributes
    ----------
    template : PrecinctResults
        The stations it was fitted to (geometry, names, the observed sizes).
    shares : ndarray ``(R, P + 1)``
        Mean shares of the party lists and "against all" of valid votes in each region.
    concentration : float
        Dirichlet-multinomial concentration :math:`\\alpha` of one station's shares.
    registered : ndarray ``(S,)`` or None
        Registered voters per station (observed, or derived from a stated turnout).
    turnout_beta : ndarray ``(R, 2)`` or None
        Beta parameters of station turnout per region.
    invalid_rate : ndarray ``(R,)`` or None
        Invalid ballots per ballot cast, per region (when the data have invalid counts).
    assumptions : tuple of str
        Everything stated rather than estimated.
    """

    template: PrecinctResults
    shares: FloatArray
    concentration: float
    registered: IntArray | None = None
    turnout_beta: FloatArray | None = None
    invalid_rate: FloatArray | None = None
    assumptions: tuple[str, ...] = field(default=())

    @classmethod
    def fit(
        cls,
        precincts: PrecinctResults,
        *,
        concentration: float | None = None,
        turnout: Any = None,
        turnout_sd: float = DEFAULT_TURNOUT_SD,
        invalid_rate: Any = None,
    ) -> NullModel:
        """Fit the generator to one (unbatched) set of station results.

        Parameters
        ----------
        precincts : PrecinctResults
            No batch axes; at least two stations with votes.
        concentration : float, optional
            Station-level :math:`\\alpha`; default: :func:`electsim.estimate_concentration`.
        turnout : rate, optional
            Only when registered voters are unknown: a stated mean turnout (e.g. ``"56.5%"``,
            the CEC's national figure for 2020).  Registration is then
            ``N_s = round(V_s / turnout)`` and station turnout is drawn from a beta
            distribution with this mean and standard deviation ``turnout_sd``.  Both are
            ASSUMPTIONS, recorded in :attr:`assumptions`.
        turnout_sd : float, default 0.10
            ASSUMPTION (try 0.05-0.15): spread of the stated turnout across stations.
        invalid_rate : rate, optional
            Only with a stated ``turnout`` on data without invalid ballots: invalid ballots
            per ballot cast (ASSUMPTION; default 0).  Samples then carry invalid counts, which
            the manipulation models need to know the ballots cast.

        Examples
        --------
        >>> import electsim as es
        >>> pr = es.PrecinctResults([[50, 50], [60, 40], [40, 60]], region=[0, 0, 0], regions=["R"])
        >>> m = NullModel.fit(pr)
        >>> round(m.concentration, 6), m.shares.round(3).tolist()
        (32.0, [[0.5, 0.5, 0.0]])
        >>> m.sample(4, rng=0).votes.shape
        (4, 3, 2)
        """
        if not isinstance(precincts, PrecinctResults):
            raise ElectsimError(
                f"precincts must be PrecinctResults, got {type(precincts).__name__}"
            )
        if precincts.batch_shape:
            raise ShapeMismatchError(
                f"NullModel.fit needs one set of results; got batch shape {precincts.batch_shape}"
            )
        if precincts.n_stations < 2:
            raise ElectsimError("precincts: the null model needs at least two stations")
        pr = precincts
        R = len(pr.regions)
        cats = np.concatenate([pr.votes, pr.against_all[:, None]], axis=1).astype(np.float64)
        tot = np.zeros((R, cats.shape[1]))
        np.add.at(tot, pr.region, cats)
        rsum = tot.sum(axis=1, keepdims=True)
        shares = np.divide(tot, rsum, out=np.zeros_like(tot), where=rsum > 0)
        notes: list[str] = []
        if concentration is None:
            conc = float(estimate_concentration(pr))
        else:
            conc = float(concentration)
            if not np.isfinite(conc) or conc <= 0:
                raise ElectsimError(f"concentration={concentration!r} must be a positive number")
            notes.append(f"station concentration alpha = {conc:g} (stated)")
        registered = None if pr.registered is None else np.array(pr.registered)
        ballots = pr.valid + (0 if pr.invalid is None else pr.invalid)
        tb = None
        if turnout is not None:
            if registered is not None:
                raise ElectsimError(
                    "turnout= is for data without registered voters; these data have them"
                )
            t = float(parse_rate(turnout, "turnout"))
            if not 0 < t < 1:
                raise ElectsimError(f"turnout={turnout!r} must lie strictly between 0 and 100 %")
            sd = float(turnout_sd)
            if not np.isfinite(sd) or not 0 < sd < np.sqrt(t * (1 - t)):
                raise ElectsimError(
                    f"turnout_sd={turnout_sd!r} must be positive and below sqrt(t(1-t))"
                )
            registered = np.maximum(np.rint(ballots / t), ballots).astype(np.int64)
            a, b = _beta_moments(np.full(R, t), np.full(R, sd**2))
            tb = np.stack([a, b], axis=1)
            notes.append(
                f"ASSUMPTION: registered voters unknown; turnout {t:.1%} with station sd "
                f"{sd:.2f} (registered = valid / turnout)"
            )
        elif registered is not None:
            n = registered.astype(np.float64)
            ok = n > 0
            tr = np.divide(ballots, n, out=np.zeros_like(n), where=ok)
            mean = np.zeros(R)
            var = np.zeros(R)
            for r in range(R):
                sel = ok & (pr.region == r)
                if sel.sum() == 0:
                    mean[r], var[r] = 0.5, 0.01
                    continue
                mean[r] = tr[sel].mean()
                binom = (tr[sel] * (1 - tr[sel]) / n[sel]).mean()
                var[r] = tr[sel].var() - binom if sel.sum() > 1 else 1e-4
            a, b = _beta_moments(mean, var)
            tb = np.stack([a, b], axis=1)
        inv_rate = None
        if invalid_rate is not None and (turnout is None or pr.invalid is not None):
            raise ElectsimError(
                "invalid_rate= is only for a stated turnout on data without invalid ballots"
            )
        if turnout is not None and pr.invalid is None:
            r_inv = float(
                parse_rate(invalid_rate if invalid_rate is not None else 0, "invalid_rate")
            )
            if not 0 <= r_inv < 1:
                raise ElectsimError(f"invalid_rate={invalid_rate!r} must lie in [0, 100 %)")
            inv_rate = np.full(R, r_inv)
            notes.append(f"ASSUMPTION: invalid ballots {r_inv:.1%} of ballots cast")
        elif pr.invalid is not None and registered is not None:
            ti = np.zeros(R)
            tt = np.zeros(R)
            np.add.at(ti, pr.region, pr.invalid)
            np.add.at(tt, pr.region, ballots)
            inv_rate = np.divide(ti, tt, out=np.zeros(R), where=tt > 0)
        for arr in (shares, registered, tb, inv_rate):
            if arr is not None:
                arr.setflags(write=False)
        return cls(pr, shares, conc, registered, tb, inv_rate, tuple(notes))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickle support (process pools): the template travels as its constructor fields."""
        pr = self.template
        fields = {
            n: getattr(pr, n)
            for n in ("votes", "region", "regions", "parties", "against_all", "invalid")
        }
        fields.update(
            registered=pr.registered,
            extra=dict(pr.extra),
            station_ids=pr.station_ids or None,
            name=pr.name,
            source=pr.source,
        )
        rest = (
            self.shares,
            self.concentration,
            self.registered,
            self.turnout_beta,
            self.invalid_rate,
            self.assumptions,
        )
        return _rebuild, (fields, *rest)

    # ------------------------------------------------------------------ sampling
    @property
    def n_stations(self) -> int:
        """Number of polling stations."""
        return self.template.n_stations

    @property
    def has_turnout(self) -> bool:
        """Whether samples carry registered voters (turnout detectors can run)."""
        return self.registered is not None

    def sample(self, n: int, rng: int | np.random.Generator | None = None) -> PrecinctResults:
        """Draw ``n`` clean data sets: :class:`PrecinctResults` of batch shape ``(n,)``.

        Memory: about ``n * S * (P + 1) * 24`` bytes; calls above ``MAX_SAMPLE_BYTES`` (2 GiB)
        are refused -- draw in chunks for large ``n``.
        """
        if not isinstance(n, int | np.integer) or isinstance(n, bool) or n < 1:
            raise ElectsimError(f"n={n!r} must be an integer >= 1")
        need = float(n) * self.n_stations * (self.template.n_parties + 1) * 24
        if need > MAX_SAMPLE_BYTES:
            per = max(1, int(MAX_SAMPLE_BYTES // (need / float(n))))
            raise ElectsimError(
                f"n={int(n):,} clean data sets of {self.n_stations:,} stations need about "
                f"{need / 1024**3:,.3g} GiB, more than {MAX_SAMPLE_BYTES / 1024**3:g} GiB; "
                f"sample in chunks of at most {per:,} (forensics.power does this for you)"
            )
        g = normalise_rng(rng)
        pr = self.template
        S, P = pr.n_stations, pr.n_parties
        reg = pr.region
        invalid = None
        registered = None
        if self.registered is not None and self.turnout_beta is not None:
            registered = np.broadcast_to(self.registered, (int(n), S))
            ab = self.turnout_beta[reg]
            p_t = g.beta(ab[:, 0], ab[:, 1], size=(int(n), S))
            ballots = g.binomial(registered, p_t)
            if self.invalid_rate is not None:
                invalid = g.binomial(ballots, self.invalid_rate[reg])
                valid = ballots - invalid
            else:
                valid = ballots
        else:
            valid = np.broadcast_to(pr.valid, (int(n), S))
            invalid = pr.invalid
        alpha = self.concentration * self.shares[reg]  # (S, C)
        gam = g.standard_gamma(alpha, size=(int(n), S, P + 1))
        tot = gam.sum(axis=-1, keepdims=True)
        pi = np.where(tot > 0, gam / np.where(tot > 0, tot, 1.0), self.shares[reg])
        counts = _multinomial(g, np.ascontiguousarray(valid), pi)
        return pr.replace(
            votes=counts[..., :P],
            against_all=counts[..., P],
            invalid=invalid,
            registered=registered,
        )

    def __str__(self) -> str:
        pr = self.template
        lines = [
            f"NullModel fitted to {pr.name or 'station results'}: {pr.n_stations:,} stations, "
            f"{len(pr.regions)} regions, {pr.n_parties} parties",
            f"  shares: Dirichlet-multinomial around regional means, station concentration "
            f"alpha = {self.concentration:.3g}",
        ]
        if self.turnout_beta is None:
            lines.append("  turnout: not modelled (valid votes per station kept as observed)")
        else:
            m = self.turnout_beta[:, 0] / self.turnout_beta.sum(axis=1)
            lines.append(
                f"  turnout: beta-binomial per region, means {m.min():.1%} - {m.max():.1%}"
            )
        lines += [f"  {a}" for a in self.assumptions]
        return "\n".join(lines)


def _rebuild(fields: dict[str, Any], *rest: Any) -> NullModel:
    return NullModel(PrecinctResults(**fields), *rest)
