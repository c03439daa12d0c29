r"""Batch-level comparison audits with polling stations as batches.

A sampled station's paper ballots are counted by hand and the hand count is compared with the
station's reported tally.  For an assertion with assorter :math:`h` (values in :math:`[0, u]`),
station ``k`` with :math:`n_k` ballots has the *overstatement*

.. math::  \omega_k = \sum_{b \in k} h(\mathrm{reported}_b) - \sum_{b \in k} h(\mathrm{paper}_b)
           = \sum_c (r_{kc} - a_{kc})\, h_c

(reported minus audited category counts; the pairing of ballots does not matter).  The paper
ballots of station ``k`` can only be in the categories of its region, so
:math:`\omega_k \le e_k = \sum_c r_{kc} h_c - n_k \min_{c \in \text{region}} h_c`, the station's
**error bound**, and its **taint** is :math:`\tau_k = \omega_k / e_k \le 1`.

Sampling and the score
----------------------
Stations are drawn **with replacement** (independently, station ``k`` with probability
:math:`\pi_k`; a station drawn twice is counted once, its hand count reused).  With
:math:`Y = \omega_k / \pi_k`, :math:`E[Y] = \sum_k \omega_k`, and the assertion holds exactly
when :math:`\sum_k \omega_k < M = N v / 2` (``v`` the reported assorter margin).  With
:math:`c = \max_k e_k / \pi_k` each draw scores

.. math::  x = \frac{1 - Y/c}{2 - 2M/c} \in [0, u_x],

which is non-negative and has mean > 1/2 exactly when the assertion holds (SHANGRLA's batch
comparison assorter, Stark 2020; with batches of one ballot and uniform sampling it is the
ballot-level comparison assorter).  Any of the sequential tests then applies with the constant
null mean 1/2 (with replacement).  Designs (:data:`SAMPLINGS`):

* ``"uniform"``: :math:`\pi_k = 1/K`, :math:`c = K \max_k e_k`;
* ``"pps_size"``: :math:`\pi_k = n_k / N` (probability proportional to ballots);
* ``"pps_error"``: :math:`\pi_k \propto \max_a e_{ak} / M_a`, the station's largest error bound
  in units of each assertion's margin (Stark's MACRO, 2008/2009); for a single assertion
  :math:`c = U = \sum_k e_k` and :math:`x = (1 - \tau_k)/(2 - 2M/U)`, so Kaplan-Markov with
  :math:`\gamma \to 0` gives Stark's PPS Kaplan-Markov p-value
  :math:`\prod_j (1 - 1/U_M)/(1 - \tau_j)` with :math:`U_M = U/M` (Stark 2009, 2010), and with
  no error the audit needs :math:`n = \lceil \log\alpha / \log(1 - M/U) \rceil` draws.

Reported tallies without invalid ballots (e.g. the bundled 2020 precincts) need an explicit
``invalid_rate`` ASSUMPTION, applied per station as in
:meth:`~electsim.election.PrecinctResults.to_election` (round half up); the reported election
of the audit is the sum of these stations.  A hand count must have the station's reported
number of ballots (the ballot manifest): a station whose count of ballots differs is an error
this module does not model.

References
----------
Stark, P. B. (2008). Conservative statistical post-election audits. *Annals of Applied
Statistics* 2(2), 550-581.
Stark, P. B. (2009). Risk-limiting postelection audits: conservative P-values from common
probability inequalities. *IEEE Trans. Inf. Forensics Security* 4(4), 1005-1014.
Stark, P. B. (2010). Super-simple simultaneous single-ballot risk-limiting audits.
*EVT/WOTE 2010*.
Stark, P. B. (2020). Sets of half-average nulls generate risk-limiting audits: SHANGRLA.
*Financial Cryptography Workshops*, LNCS 12063, 319-336.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..election import Election, PrecinctResults, invalid_from_rate
from ..errors import ElectsimError, MissingDataError, UnknownMethodError, UnknownNameError
from ..system import ElectoralSystem
from ._assertions import AssertionSet, assertions

__all__ = ["SAMPLINGS", "BatchDesign", "batch_design", "station_categories"]

#: Batch sampling designs.
SAMPLINGS: dict[str, str] = {
    "uniform": "every station equally likely",
    "pps_size": "probability proportional to the station's ballots",
    "pps_error": "probability proportional to the station's error bound (MACRO)",
}


def station_categories(
    precincts: PrecinctResults, invalid_rate: Any = None
) -> tuple[PrecinctResults, NDArray[np.int64]]:
    """The stations with invalid ballots filled in, and their ballot-category counts ``(K, C)``.

    Categories as in :func:`electsim.audit.ballot_categories` of ``precincts.to_election()``.
    ``invalid_rate`` (required when the stations' invalid ballots are unknown) is applied per
    station: ``invalid = round(valid * r / (1 - r))``, round half up, exact.

    >>> from electsim import PrecinctResults
    >>> pr = PrecinctResults([[5, 1], [2, 2], [0, 9]], region=[0, 0, 1], regions=["N", "S"])
    >>> station_categories(pr, invalid_rate=0)[1].tolist()
    [[5, 1, 0, 0, 0, 0, 0, 0], [2, 2, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 9, 0, 0]]
    """
    if not isinstance(precincts, PrecinctResults):
        raise ElectsimError(f"a batch audit takes PrecinctResults, got {type(precincts).__name__}")
    if precincts.batch_shape:
        raise ElectsimError(f"precincts has batch shape {precincts.batch_shape}; give one set")
    if precincts.invalid is None:
        if invalid_rate is None:
            raise MissingDataError(
                "these station results do not include invalid ballots; state an assumption "
                "with invalid_rate=..., e.g. invalid_rate='1.5%'"
            )
        inv = invalid_from_rate(precincts.valid, invalid_rate)
        precincts = precincts.replace(invalid=inv)
    elif invalid_rate is not None:
        raise ElectsimError("invalid_rate was given but these results have invalid-ballot counts")
    assert precincts.invalid is not None
    K, P = precincts.n_stations, precincts.n_parties
    C = len(precincts.regions) * (P + 2)
    out = np.zeros((K, C), dtype=np.int64)
    cols = precincts.region[:, None] * (P + 2) + np.arange(P + 2)
    out[np.arange(K)[:, None], cols] = np.concatenate(
        [precincts.votes, precincts.against_all[:, None], precincts.invalid[:, None]], axis=1
    )
    return precincts, out


@dataclass(frozen=True)
class BatchDesign:
    """A batch-level comparison audit's design: stations, sampling, error bounds and scores.

    Attributes
    ----------
    assertions : AssertionSet
        Of the reported election (the sum of the stations).
    precincts : PrecinctResults
        The reported stations (invalid ballots filled in under the stated assumption).
    counts : int64 array ``(K, C)``
        Reported ballots per station and category.
    sampling : str
        One of :data:`SAMPLINGS`.
    probabilities : float array ``(K,)``
        :math:`\\pi_k`, the chance that a draw picks station ``k``.
    bounds : float array ``(A, K)``
        Error bounds :math:`e_{ak}` (assorter units: ballots times ``h``).
    scale : float array ``(A,)``
        :math:`c_a = \\max_k e_{ak}/\\pi_k`.
    """

    assertions: AssertionSet
    precincts: PrecinctResults
    counts: NDArray[np.int64]
    sampling: str
    probabilities: NDArray[np.float64]
    bounds: NDArray[np.float64]
    scale: NDArray[np.float64]

    @property
    def sizes(self) -> NDArray[np.int64]:
        """Ballots per station ``(K,)``."""
        return np.asarray(self.counts.sum(axis=1))

    @property
    def n_stations(self) -> int:
        """Number of stations ``K``."""
        return int(self.counts.shape[0])

    @property
    def margins(self) -> NDArray[np.float64]:
        """:math:`M_a = N v_a / 2`, each assertion's margin in assorter units ``(A,)``."""
        N = self.assertions.n_ballots
        return np.array([N * float(a.margin) / 2 for a in self.assertions])

    @property
    def denominators(self) -> NDArray[np.float64]:
        """:math:`2 - 2M_a/c_a` ``(A,)``; the no-error score is its inverse."""
        return np.asarray(2 - 2 * self.margins / self.scale)

    @property
    def upper(self) -> NDArray[np.float64]:
        """Upper bound :math:`u_x` of each assertion's score (largest understatement)."""
        return self.score_upper()

    def score_upper(self, u_factor: float = 1.0) -> NDArray[np.float64]:
        """:attr:`upper` with :math:`c` multiplied by ``u_factor`` (negative controls)."""
        H = self.assertions.scores
        R = len(self.precincts.regions)
        hmax = H.reshape(H.shape[0], R, -1).max(axis=2)[:, self.precincts.region]  # (A, K)
        rep = (self.counts @ H.T).T  # (A, K)
        under = self.sizes[None, :] * hmax - rep
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.where(self.probabilities > 0, under / self.probabilities, 0.0)
        c = self._scaled(u_factor)
        return np.asarray((1 + y.max(axis=1) / c) / (2 - 2 * self.margins / c))

    def _scaled(self, u_factor: float) -> NDArray[np.float64]:
        c = self.scale
        if u_factor == 1.0:
            return c
        return np.asarray(np.maximum(c * u_factor, np.minimum(c, 2 * self.margins)))

    def station_index(self, stations: ArrayLike) -> NDArray[np.intp]:
        """Indices of stations given by index (int) or station id (str)."""
        arr = np.asarray(stations).reshape(-1)
        K = self.n_stations
        if arr.dtype.kind in "iu":
            if arr.size and (arr.min() < 0 or arr.max() >= K):
                raise ElectsimError(f"stations: indices must be in [0, {K})")
            return arr.astype(np.intp)
        index = {s: i for i, s in enumerate(self.precincts.station_ids)}
        try:
            return np.array([index[str(s)] for s in arr], dtype=np.intp)
        except KeyError as exc:
            raise UnknownNameError(f"stations: unknown station id {exc.args[0]!r}") from None

    def audited_counts(self, stations: NDArray[np.intp], tallies: ArrayLike) -> NDArray[np.int64]:
        """Category counts ``(n, C)`` of hand counts ``(n, P + 2)`` (party votes, against all,
        invalid) of the given stations; each must have the station's reported ballots."""
        P = self.precincts.n_parties
        t = np.asarray(tallies)
        if t.ndim == 1:
            t = t[None, :]
        if t.shape != (stations.size, P + 2):
            raise ElectsimError(
                f"tallies has shape {t.shape}; expected ({stations.size}, {P + 2}): per station "
                "the votes of each party, against all, invalid"
            )
        if t.dtype.kind not in "iu" or (t < 0).any():
            raise ElectsimError("tallies must be non-negative integers")
        n = t.sum(axis=1)
        bad = np.flatnonzero(n != self.sizes[stations])
        if bad.size:
            k = int(stations[bad[0]])
            raise ElectsimError(
                f"the hand count of station index {k} has {int(n[bad[0]])} ballots; its report "
                f"has {int(self.sizes[k])} (a ballot-count discrepancy is not modelled)"
            )
        out = np.zeros((stations.size, self.counts.shape[1]), dtype=np.int64)
        cols = self.precincts.region[stations][:, None] * (P + 2) + np.arange(P + 2)
        out[np.arange(stations.size)[:, None], cols] = t
        return out

    def overstatements(
        self, stations: NDArray[np.intp], audited: NDArray[np.int64]
    ) -> NDArray[np.float64]:
        """:math:`\\omega_{ak}` ``(A, n)`` of the given stations with audited counts ``(n, C)``."""
        H = self.assertions.scores
        diff = (self.counts[stations] - audited).astype(float)
        return np.asarray(H @ diff.T)

    def taints(self, stations: NDArray[np.intp], audited: NDArray[np.int64]) -> NDArray[np.float64]:
        """:math:`\\tau_{ak} = \\omega_{ak}/e_{ak}` ``(A, n)`` (0 where the bound is 0)."""
        w = self.overstatements(stations, audited)
        e = self.bounds[:, stations]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(e > 0, w / e, 0.0)

    def scores(
        self,
        stations: NDArray[np.intp],
        audited: NDArray[np.int64],
        *,
        u_factor: float = 1.0,
    ) -> NDArray[np.float64]:
        r"""Per-draw scores :math:`x` ``(A, n)`` (see the module docstring).

        ``u_factor`` (NEGATIVE CONTROLS ONLY) multiplies :math:`c` (but not below
        :math:`\min(c, 2M)`, which keeps the no-error score finite) and clips the scores to the
        range that implies, as a naive audit would.
        """
        w = self.overstatements(stations, audited)
        c = self._scaled(u_factor)[:, None]
        den = 2 - 2 * self.margins[:, None] / c
        x = (1 - w / self.probabilities[stations][None, :] / c) / den
        return np.asarray(np.maximum(x, 0.0))  # exact arithmetic gives x >= 0; rounding only

    def expected_stations(self, draws: ArrayLike) -> NDArray[np.float64]:
        r"""Expected distinct stations after ``draws`` draws:
        :math:`\sum_k 1 - (1 - \pi_k)^n`."""
        n = np.asarray(draws, dtype=float)[..., None]
        return np.asarray((1 - (1 - self.probabilities) ** n).sum(axis=-1))

    def expected_ballots(self, draws: ArrayLike) -> NDArray[np.float64]:
        r"""Expected ballots hand counted after ``draws`` draws:
        :math:`\sum_k n_k (1 - (1 - \pi_k)^n)`."""
        n = np.asarray(draws, dtype=float)[..., None]
        return np.asarray(((1 - (1 - self.probabilities) ** n) * self.sizes).sum(axis=-1))


def batch_design(
    precincts: PrecinctResults,
    system: ElectoralSystem,
    *,
    sampling: str = "pps_error",
    invalid_rate: Any = None,
    assertion_set: AssertionSet | None = None,
) -> BatchDesign:
    """Design a batch-level comparison audit of ``allocate(precincts.to_election(), system)``.

    Parameters
    ----------
    precincts : PrecinctResults
        The reported station tallies (one set, no batch axes).
    system : ElectoralSystem
    sampling : {"pps_error", "pps_size", "uniform"}
        See :data:`SAMPLINGS` and the module docstring.
    invalid_rate : rate, optional
        ASSUMPTION required when the stations' invalid ballots are unknown.
    assertion_set : AssertionSet, optional
        Precomputed assertions of the aggregated election.

    Returns
    -------
    BatchDesign

    Examples
    --------
    Three stations, one D'Hondt seat, assorter ``h`` = 1 for A, 0 for B; margin
    :math:`M = (160 - 90)/2 = 35`; error bounds = A's votes (60, 30, 70), :math:`U = 160`:

    >>> from electsim import ElectoralSystem, PrecinctResults
    >>> pr = PrecinctResults([[60, 40], [30, 20], [70, 30]], region=[0, 0, 0], regions=["R"],
    ...                      parties="AB", invalid=[0, 0, 0])
    >>> d = batch_design(pr, ElectoralSystem(1, "dhondt"))
    >>> d.bounds.tolist(), d.scale.tolist(), d.margins.tolist()
    ([[60.0, 30.0, 70.0]], [160.0], [35.0])
    """
    if sampling not in SAMPLINGS:
        raise UnknownMethodError(
            f"sampling={sampling!r} is unknown; use one of {sorted(SAMPLINGS)}"
        )
    pr, counts = station_categories(precincts, invalid_rate)
    election: Election = pr.to_election()
    A = assertions(election, system) if assertion_set is None else assertion_set
    if A.n_ballots != int(counts.sum()) or len(A.labels) != counts.shape[1]:
        raise ElectsimError("assertion_set does not belong to these stations")
    H = A.scores  # (A, C)
    R = len(pr.regions)
    hmin = H.reshape(H.shape[0], R, -1).min(axis=2)[:, pr.region]  # (A, K)
    sizes = counts.sum(axis=1)
    rep = (counts @ H.T).T  # (A, K)
    bounds = np.maximum(rep - sizes[None, :] * hmin, 0.0)
    K = counts.shape[0]
    if int(sizes.sum()) == 0:
        raise ElectsimError("the stations have no ballots")
    if sampling == "uniform":
        pi = np.full(K, 1.0 / K)
    elif sampling == "pps_size":
        pi = sizes / sizes.sum()
    else:
        N = A.n_ballots
        M = np.array([N * float(a.margin) / 2 for a in A])
        ok = M > 0
        rel = bounds[ok] / M[ok, None] if ok.any() else bounds
        e = rel.max(axis=0)
        pi = e / e.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(pi > 0, bounds / pi, 0.0)
    if ((pi == 0) & (bounds > 0).any(axis=0)).any():  # pragma: no cover - by construction
        raise ElectsimError("a station that could hide errors can never be drawn")
    scale = ratio.max(axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    for arr in (pi, bounds, scale):
        arr.setflags(write=False)
    return BatchDesign(A, pr, counts, sampling, pi, bounds, scale)
