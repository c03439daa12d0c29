r"""A layered uncertainty model for :func:`electsim.simulate`: each layer says what it represents.

A reported count is uncertain for several distinct reasons, and they are not equally large.
:class:`UncertaintyModel` composes named, optional *layers*; each layer maps a batch of draws
``(size, R, P)`` to a new batch and may record the parameters it sampled per draw (kept in
:attr:`~electsim.SimulationResult.parameters`, so a result can be conditioned on them):

* :class:`CountingError` -- ballots misread or misrecorded at the count: local and small;
* :class:`InvalidRate` -- missing data: the share of invalid ballots, unknown, as a
  distribution;
* :class:`MissingStations` -- missing data: polling stations absent from a station-level file,
  imputed by resampling the stations that are present (hot deck);
* :class:`Swing` -- re-run variability: a hierarchical logit-normal model with a national swing,
  regional and station effects and party-specific dispersion;
* :class:`Manipulation` -- a manipulation whose parameters are distributions;
* :class:`DirichletMultinomial` -- lasting geography: the between-station spread of shares
  turned into regional noise (not count uncertainty; see its docstring);
* :class:`Multinomial` -- the sampling noise of a survey of the region's voters.

Draws are centred on the reported counts, or on any counterfactual: ``centre=`` takes an
:class:`~electsim.Election` or a callable ``election -> Election`` (e.g. the reported counts
minus bought votes).  The layers are applied in the order given; the documented order is
missing data (:class:`MissingStations`), re-run variability (:class:`Swing`), counting error,
invalid ballots (:class:`InvalidRate`, which derives the invalid ballots from the valid ones),
manipulation.  ``docs/uncertainty.md`` discusses every default.

Randomness: every layer draws from its own stream, derived from the caller's generator and the
layer's name, so adding or removing one layer does not change the draws of the others (common
random numbers), and :func:`~electsim.simulate` stays identical for any chunk size or executor.

Examples
--------
>>> import numpy as np, electsim as es
>>> from scipy import stats
>>> e = es.Election([[600, 300, 100]], parties="ABC")
>>> model = UncertaintyModel([CountingError(0.01), InvalidRate(stats.uniform(0.0, 0.04))])
>>> d = model.draw(e, 4, np.random.default_rng(0))
>>> d.valid.ravel().tolist(), bool((d.invalid <= 42).all())
([1000, 1000, 1000, 1000], True)
"""

from __future__ import annotations

import abc
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .election import Election, PrecinctResults
from .errors import ElectsimError, ShapeMismatchError, UnknownNameError

__all__ = [
    "CountingError",
    "DirichletMultinomial",
    "InvalidRate",
    "Layer",
    "Manipulation",
    "MissingStations",
    "Multinomial",
    "Swing",
    "UncertaintyModel",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Recorded = dict[str, NDArray[Any]]


# ----------------------------------------------------------------------------- helpers
def _categories(election: Election) -> IntArray:
    """Counts ``(*batch, R, P + 2)``: party votes, against all, invalid."""
    assert election.against_all is not None and election.invalid is not None
    aa = np.broadcast_to(election.against_all, election.votes.shape[:-1])
    inv = np.broadcast_to(election.invalid, election.votes.shape[:-1])
    return np.concatenate([election.votes, aa[..., None], inv[..., None]], axis=-1)


def _to_election(counts: IntArray, template: Election, *, keep_registered: bool = True) -> Election:
    """Counts ``(B, R, P + 2)`` -> a batched Election with the template's metadata."""
    P = template.n_parties
    return Election(
        counts[..., :P],
        counts[..., P],
        counts[..., P + 1],
        template.registered if keep_registered else None,
        template.parties,
        template.regions,
        template.name,
        template.source,
    )


def _multinomial(rng: np.random.Generator, n: IntArray, p: FloatArray) -> IntArray:
    r"""Multinomial draws ``(*shape, C)`` with trials ``n`` ``(*shape,)`` and shares ``p``.

    Vectorised over ``shape`` by the conditional-binomial decomposition
    :math:`X_k \mid X_{<k} \sim \mathrm{Bin}(n - \sum_{j<k} X_j,\ p_k / \sum_{j \ge k} p_j)`
    (exact; one ``Generator.binomial`` call per category instead of one multinomial call per
    row).
    """
    C = p.shape[-1]
    out = np.empty((*n.shape, C), dtype=np.int64)
    left = n.astype(np.int64).copy()
    tail = np.cumsum(p[..., ::-1], axis=-1)[..., ::-1]  # sum_{j >= k} p_j
    for k in range(C - 1):
        q = np.divide(p[..., k], tail[..., k], out=np.zeros_like(p[..., k]), where=tail[..., k] > 0)
        x = rng.binomial(left, np.clip(q, 0.0, 1.0))
        out[..., k] = x
        left -= x
    out[..., C - 1] = left
    return out


def _batch(election: Election, size: int) -> Election:
    """``election`` (unbatched) repeated ``size`` times as a batch ``(size, R, P)``."""
    c = _categories(election)
    return _to_election(np.ascontiguousarray(np.broadcast_to(c, (size, *c.shape))), election)


def _stream(rng: np.random.Generator, name: str, occurrence: int) -> np.random.Generator:
    """An independent generator for layer ``name`` (its ``occurrence``-th copy) from ``rng``.

    Keyed by the layer's name, so that the other layers' streams do not depend on which layers
    are present.  Derived from ``rng``'s seed sequence (no draws are taken from ``rng``).
    """
    seq = getattr(rng.bit_generator, "seed_seq", None)
    key = (0x4C41, zlib.crc32(name.encode()), occurrence)
    if isinstance(seq, np.random.SeedSequence):
        child = np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, *key))
        return np.random.default_rng(child)
    return np.random.default_rng([int(rng.integers(0, 2**63)), *key])  # pragma: no cover


def _check_distribution(dist: Any, name: str, lo: float, hi: float | None) -> Any:
    """A frozen scipy distribution (``.ppf``) or a number (a point mass); checks the support."""
    if isinstance(dist, int | float | np.integer | np.floating) and not isinstance(dist, bool):
        value = float(dist)
        if not np.isfinite(value) or value < lo or (hi is not None and value >= hi):
            raise ElectsimError(f"{name}={dist!r} must lie in [{lo}, {hi})")
        return value
    if not callable(getattr(dist, "ppf", None)):
        raise ElectsimError(
            f"{name}={dist!r} must be a number or a frozen scipy.stats distribution (with .ppf), "
            "e.g. scipy.stats.uniform(0.0, 0.03)"
        )
    try:
        ends = np.asarray(dist.ppf(np.array([0.0, 1.0])), dtype=np.float64)
    except Exception as exc:  # any failure means an unusable distribution
        raise ElectsimError(f"{name}: {dist!r}.ppf failed: {exc}") from exc
    if ends.shape != (2,) or np.isnan(ends).any() or ends[0] < lo:
        raise ElectsimError(f"{name}={_describe_value(dist)} must have support within [{lo}, ...)")
    if hi is not None and not ends[1] < hi:
        raise ElectsimError(
            f"{name}={_describe_value(dist)} must have support below {hi} (its upper end is "
            f"{ends[1]}); truncate it, e.g. scipy.stats.truncnorm or scipy.stats.beta"
        )
    return dist


def _sample(dist: Any, rng: np.random.Generator, size: int) -> FloatArray:
    """``size`` draws by inversion (``ppf`` of uniforms from ``rng``: reproducible)."""
    u = rng.random(size)
    if isinstance(dist, float):
        return np.full(size, dist)
    return np.asarray(dist.ppf(u), dtype=np.float64)


def _describe_value(value: Any) -> Any:
    """A JSON-friendly description of a parameter (numbers, arrays, scipy distributions)."""
    d = getattr(value, "dist", None)
    if d is not None and hasattr(value, "args"):
        args = ", ".join(
            [repr(a) for a in value.args] + [f"{k}={v!r}" for k, v in value.kwds.items()]
        )
        return f"scipy.stats.{d.name}({args})"
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    if isinstance(value, np.integer | np.floating):
        return value.item()
    return repr(value)


def _round_half_up(x: FloatArray) -> IntArray:
    return np.floor(x + 0.5).astype(np.int64)


@dataclass(frozen=True)
class _Stations:
    """What the layers need from a :class:`~electsim.PrecinctResults` (picklable)."""

    name: str
    counts: IntArray  # (K, P + 1): party votes, against all
    region: IntArray  # (K,)
    region_names: tuple[str, ...]
    domestic: NDArray[np.bool_]  # (K,): the station's region is in the regional threshold

    @classmethod
    def of(cls, precincts: Any) -> _Stations:
        if not isinstance(precincts, PrecinctResults) or precincts.batch_shape:
            raise ElectsimError("precincts must be PrecinctResults without batch axes")
        flags = np.array([r.in_regional_threshold for r in precincts.regions])
        return cls(
            precincts.name or repr(precincts),
            np.concatenate([precincts.votes, precincts.against_all[:, None]], axis=1),
            np.asarray(precincts.region, dtype=np.int64),
            tuple(r.name for r in precincts.regions),
            flags[precincts.region],
        )

    def units(self, batch: Election) -> IntArray:
        """The batch unit of every station: regions matched by name, or the single unit."""
        if batch.n_regions == 1:
            return np.zeros(self.region.size, dtype=np.int64)
        names = [r.name for r in batch.regions]
        try:
            m = np.array([names.index(r) for r in self.region_names], dtype=np.int64)
        except ValueError as exc:
            raise UnknownNameError(
                f"precincts regions {list(self.region_names)} do not match the election's "
                f"regions {names}"
            ) from exc
        return m[self.region]


class _DropsPrecincts:
    """Pickles without the ``precincts`` field (kept as a :class:`_Stations` summary)."""

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["precincts"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


# ----------------------------------------------------------------------------- protocol
@runtime_checkable
class Layer(Protocol):
    """One layer of an :class:`UncertaintyModel`.

    ``apply(batch, rng) -> (batch', recorded)``: ``batch`` is an :class:`~electsim.Election` of
    batch shape ``(size,)``; ``recorded`` maps names to per-draw arrays ``(size,)`` of sampled
    parameters (may be empty).  ``recorded_names`` lists those names; ``describe()`` returns the
    layer's parameters as plain data (for provenance).
    """

    name: str

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]: ...

    @property
    def recorded_names(self) -> tuple[str, ...]: ...

    def describe(self) -> dict[str, Any]: ...


class _LayerBase(abc.ABC):
    """Shared ``describe``/``recorded_names``/``draw`` of the built-in layers."""

    name: str = "layer"
    _params: tuple[str, ...] = ()

    @property
    def recorded_names(self) -> tuple[str, ...]:
        return ()

    def describe(self) -> dict[str, Any]:
        """The layer's name and parameters as plain data."""
        out: dict[str, Any] = {"layer": self.name}
        for p in self._params:
            out[p] = _describe_value(getattr(self, p))
        return out

    @abc.abstractmethod
    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """The layer applied to a batch of elections; returns it and the recorded draws."""

    def check(self, centre: Election) -> None:
        """Refuse a centre the layer cannot be applied to (before any draw); default: accept."""
        return None

    def draw(self, election: Election, size: int, rng: np.random.Generator) -> Election:
        """``size`` draws of this layer alone around ``election`` (batch shape ``(size,)``)."""
        _check_single(election)
        self.check(election)
        return self.apply(_batch(election, size), rng)[0]


def _check_single(election: Election) -> None:
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if election.batch_shape:
        raise ShapeMismatchError(
            f"election has batch shape {election.batch_shape}; the uncertainty model needs one "
            "election (its draws make the batch)"
        )


# ----------------------------------------------------------------------------- legacy models
@dataclass(frozen=True)
class Multinomial(_LayerBase):
    r"""Multinomial resampling of each region's ballots with its observed shares.

    In region :math:`r` with :math:`n_r` ballots and observed counts :math:`c_{rk}` over the
    ``P + 2`` categories (parties, against all, invalid):
    :math:`X_r \sim \mathrm{Mult}(n_r, c_r / n_r)`, independently across regions.  Ballots per
    region stay fixed; registered voters (if known) are kept.

    What it represents: the sampling noise of a random sample of :math:`n_r` voters -- a survey,
    not a count.  A completed count is not a sample of its voters, so this is *not* a model of
    count uncertainty; it is kept as the smallest noise one can add (e.g. to break exact ties).

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> e = es.Election([[60, 40]], parties=["A", "B"])
    >>> d = Multinomial().draw(e, 3, np.random.default_rng(0))
    >>> d.votes.shape, d.ballots.ravel().tolist()
    ((3, 1, 2), [100, 100, 100])
    """

    name = "multinomial"

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Redraw every row of ``batch`` around its own shares."""
        c = _categories(batch)
        n = c.sum(axis=-1)
        p = c / np.maximum(n, 1)[..., None]
        return _to_election(_multinomial(rng, n, p), batch), {}


@dataclass(frozen=True)
class DirichletMultinomial(_LayerBase):
    r"""Overdispersed resampling: Dirichlet-multinomial around each region's observed shares.

    :math:`\pi_r \sim \mathrm{Dirichlet}(\alpha_r\, p_r)`, then
    :math:`X_r \sim \mathrm{Mult}(n_r, \pi_r)`, so
    :math:`E X_{rk} = n_r p_{rk}` and
    :math:`\mathrm{Var}\, X_{rk} = n_r p_{rk}(1 - p_{rk})\,(n_r + \alpha_r)/(1 + \alpha_r)`
    (Mosimann 1962).  :math:`\alpha \to \infty` is the multinomial.

    What it represents: with :math:`\alpha_r` from :func:`~electsim.estimate_concentration`
    (``level="region"``) it turns the *between-station spread of shares* -- lasting geography:
    stations differ because their voters differ -- into noise on each regional total, as if
    every station were redrawn independently.  That is not uncertainty about the count.  On the
    2020 stations it makes Mekenchil's national total about seven times wider than a
    multinomial; it keeps the invalid ballots' share and each region's ballots fixed, has no
    national swing (regions are independent), and is centred on the reported counts.  Use
    :class:`Swing` for re-run variability and :class:`InvalidRate`/:class:`MissingStations` for
    the missing data (``docs/uncertainty.md``).

    Parameters
    ----------
    concentration : float or array_like ``(R,)``
        :math:`\alpha_r > 0`, one for all regions or one per region.  There is no
        ``"estimate"`` shortcut: the layer does not know the stations, so estimate them
        explicitly, ``DirichletMultinomial(estimate_concentration(precincts, level="region"))``
        (what ``electsim simulate --concentration estimate`` does with the bundled 2020
        stations); a string is refused with that advice.

    References
    ----------
    Mosimann, J. E. (1962). On the compound multinomial distribution, the multivariate
    beta-distribution, and correlations among proportions. *Biometrika* 49, 65-82.

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> e = es.Election([[600, 400]], parties=["A", "B"])
    >>> d = DirichletMultinomial(10.0).draw(e, 2000, np.random.default_rng(1))
    >>> bool(abs(d.votes[:, 0, 0].mean() - 600) < 10)    # unbiased
    True
    """

    concentration: ArrayLike
    name = "dirichlet_multinomial"
    _params = ("concentration",)

    def __post_init__(self) -> None:
        if isinstance(self.concentration, str):
            raise ElectsimError(
                f"concentration={self.concentration!r}: DirichletMultinomial takes numbers; to "
                "estimate them from polling stations, pass "
                "electsim.estimate_concentration(precincts, level='region') (e.g. precincts = "
                "electsim.datasets.kyrgyzstan_2020_precincts() for kyrgyzstan_2020_regions)"
            )
        try:
            a = np.asarray(self.concentration, dtype=np.float64)
        except (TypeError, ValueError):
            a = np.array(np.nan)
        if a.ndim > 1 or not (np.all(a > 0) and np.all(~np.isnan(a))):
            raise ElectsimError(
                f"concentration={self.concentration!r} must be a positive number or a 1-D array "
                "of positive numbers (one per region)"
            )

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Redraw every row of ``batch`` around its own shares."""
        c = _categories(batch)
        R = c.shape[-2]
        a = np.asarray(self.concentration, dtype=np.float64)
        if a.ndim == 1 and a.shape[0] != R:
            raise ShapeMismatchError(
                f"concentration has {a.shape[0]} entries; the election has {R} regions"
            )
        a = np.broadcast_to(a, (R,))
        n = c.sum(axis=-1)
        p = c / np.maximum(n, 1)[..., None]
        inf = np.isinf(a)[:, None]
        shape = np.where(inf, 0.0, a[:, None] * p)
        g = rng.standard_gamma(shape)
        tot = g.sum(axis=-1, keepdims=True)
        pi = np.where(inf, p, g / np.where(tot > 0, tot, 1.0))
        return _to_election(_multinomial(rng, n, pi), batch), {}


# ----------------------------------------------------------------------------- (a) counting
@dataclass(frozen=True)
class CountingError(_LayerBase):
    r"""Counting error: each ballot is misrecorded independently with a small probability.

    In each unit, :math:`E_{k} \sim \mathrm{Bin}(c_{k}, \varepsilon)` ballots of category
    :math:`k` (parties, against all, invalid) are misrecorded and re-assigned to categories in
    proportion to the unit's counts, :math:`(E_1, \dots) \to \mathrm{Mult}(\sum_k E_k, c/n)`.
    The unit's ballots stay fixed and the expected counts are unchanged; the noise on a count
    :math:`c_k` has variance about :math:`2 \varepsilon c_k (1 - c_k/n)`.

    What it represents: local, independent, small mistakes of counting and transcription --
    not station heterogeneity (lasting geography) and not fraud.

    Parameters
    ----------
    rate : float, default 0.001
        :math:`\varepsilon`.  ASSUMPTION: 0.1 % of ballots; try 0.0001-0.01.  Recounts of
        complete hand or machine counts usually move totals by hundredths of a percent
        (Ansolabehere, Burden, Mayer & Stewart 2018), below the default.

    References
    ----------
    Ansolabehere, S., Burden, B. C., Mayer, K. R., & Stewart, C. (2018). Learning from recounts.
    *Election Law Journal* 17(2), 100-116.

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> d = CountingError(0.01).draw(es.Election([[700, 300]], parties="AB"), 5,
    ...                              np.random.default_rng(0))
    >>> d.ballots.ravel().tolist()
    [1000, 1000, 1000, 1000, 1000]
    """

    rate: float = 0.001
    name = "counting_error"
    _params = ("rate",)

    def __post_init__(self) -> None:
        _check_distribution(self.rate, "rate", 0.0, 1.0)

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Misrecord ``Bin(c, rate)`` ballots per category and re-assign them by the shares."""
        c = _categories(batch)
        n = c.sum(axis=-1)
        err = rng.binomial(c, float(self.rate))
        p = c / np.maximum(n, 1)[..., None]
        out = c - err + _multinomial(rng, err.sum(axis=-1), p)
        return _to_election(out, batch), {}


# ----------------------------------------------------------------------------- (b) missing
@dataclass(frozen=True)
class InvalidRate(_LayerBase):
    r"""Missing data: the share of invalid ballots, unknown, drawn from a distribution.

    Each draw takes one rate :math:`r \sim` ``distribution`` and sets the invalid ballots of
    every unit to :math:`\mathrm{round}(v_u\, r / (1 - r))` (round half up; :math:`v_u` the
    unit's valid ballots), so that invalid ballots are the share :math:`r` of the voters who
    took part -- the rule of :meth:`~electsim.PrecinctResults.to_election`, with the rate
    random.  Invalid ballots already in the batch are replaced.  Records ``invalid_rate``.

    What it represents: a count that does not report invalid ballots (the 2020 precinct file).
    On that file Mekenchil passes 7 % of the voters who took part if and only if the rate is at
    most about 0.5217 % (9,897 invalid ballots), so :math:`P(\text{pass})` is the probability
    the distribution gives to that interval.

    Parameters
    ----------
    distribution : float or frozen scipy.stats distribution
        Support within ``[0, 1)``.  No default: the user states it.  For 2020: the CEC's 5
        October figures imply 1.60 % (31,823 of 1,990,753, a derived number), Kloop's own
        calculator assumes 1.5 %; ``scipy.stats.uniform(0.0, 0.032)`` (none to twice the CEC
        ratio) is an agnostic ASSUMPTION, ``scipy.stats.uniform(0.012, 0.008)`` a CEC-informed
        one.

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> from scipy import stats
    >>> layer = InvalidRate(stats.uniform(0.01, 0.01))
    >>> d, rec = layer.apply(es.Election([[990, 0]], parties="AB").replace(
    ...     votes=np.array([[[990, 0]]] * 3)), np.random.default_rng(0))
    >>> bool(((d.invalid >= 10) & (d.invalid <= 20)).all()), rec["invalid_rate"].shape
    (True, (3,))
    """

    distribution: Any
    name = "invalid_rate"
    _params = ("distribution",)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "distribution", _check_distribution(self.distribution, "distribution", 0.0, 1.0)
        )

    @property
    def recorded_names(self) -> tuple[str, ...]:
        return ("invalid_rate",)

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Draw one rate per draw; derive every unit's invalid ballots from its valid ones."""
        size = batch.votes.shape[0]
        r = _sample(self.distribution, rng, size)
        q = r / (1.0 - r)
        valid = np.asarray(batch.valid, dtype=np.float64)
        invalid = _round_half_up(valid * q.reshape((size,) + (1,) * (valid.ndim - 1)))
        return batch.replace(invalid=invalid), {"invalid_rate": r}


@dataclass(frozen=True)
class MissingStations(_DropsPrecincts, _LayerBase):
    r"""Missing data: polling stations absent from the file, imputed from the stations present.

    Each draw adds ``n_stations`` stations drawn with replacement from the ``precincts`` (the
    *hot deck*; by default only stations of regions in the regional threshold, i.e. not abroad),
    each to its own region.  Their party and against-all votes are added as recorded; their
    invalid ballots are the region's invalid share (exact rounding), and registered voters become
    unknown (``None``).  Records ``missing_valid`` (valid ballots added).

    What it represents: ignorance of what the absent stations contained, assuming they resemble
    the stations present (missing completely at random).  For 2020 the CEC's own totals show
    they did not quite: the votes missing from the precinct file are 5.7 % Mekenchil against
    7.0 % in the file (:func:`~electsim.datasets.kyrgyzstan_2020_reconciliation`), so this layer
    is the *optimistic* view of the missing stations for Mekenchil.

    Parameters
    ----------
    precincts : PrecinctResults
        The stations present (no batch axes).  Their regions must be the election's regions
        (matched by name), or the election must have a single unit.
    n_stations : int
        Stations absent.  For 2020: 61 = 2,429 stations in the CEC's count of 5 October minus
        the 2,368 domestic stations of the file (``kyrgyzstan_2020_reconciliation().stations``).
    domestic_only : bool, default True
        Draw only from stations of regions with ``in_regional_threshold`` (not abroad).

    Raises
    ------
    ElectsimError
        Before any draw, if a unit of the election has more valid ballots than all the file's
        stations of that unit (:meth:`check`): its totals already include the absent stations
        (e.g. ``kyrgyzstan_2020()``, the CEC's count), which would be counted twice.

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> pr = es.PrecinctResults([[60, 40], [10, 90]], region=[0, 0], regions=["R"], invalid=[0, 0])
    >>> layer = MissingStations(pr, 3)
    >>> d = layer.draw(pr.to_election(), 4, np.random.default_rng(0))
    >>> d.valid.ravel().tolist()   # two stations of 100, plus three more
    [500, 500, 500, 500]
    """

    precincts: PrecinctResults | None
    n_stations: int
    domestic_only: bool = True
    name = "missing_stations"
    _params = ("n_stations", "domestic_only")

    def __post_init__(self) -> None:
        st = _Stations.of(self.precincts)
        object.__setattr__(self, "_stations", st)
        n = self.n_stations
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0 or n > 10**6:
            raise ElectsimError(f"n_stations={n!r} must be an integer in [0, 1,000,000]")
        keep = st.domestic if self.domestic_only else np.ones(st.region.size, dtype=bool)
        pool = np.flatnonzero(keep & (st.counts.sum(axis=1) > 0))
        if not pool.size:
            raise ElectsimError("precincts: no station to impute from")
        object.__setattr__(self, "_pool", pool)

    @property
    def recorded_names(self) -> tuple[str, ...]:
        return ("missing_valid",)

    def describe(self) -> dict[str, Any]:
        """Name, parameters and the station file imputed from."""
        return {**super().describe(), "precincts": self.__dict__["_stations"].name}

    def check(self, centre: Election) -> None:
        """Refuse an election whose totals already exceed the stations' aggregate.

        Imputing absent stations only makes sense on the aggregate of the station file: if a
        unit of ``centre`` already has more valid ballots than all the file's stations of that
        unit, its totals include stations absent from the file (e.g. the CEC's count of
        ``kyrgyzstan_2020()``), and adding them again would count them twice.
        """
        _check_single(centre)
        st: _Stations = self.__dict__["_stations"]
        unit = st.units(centre)
        have = np.bincount(unit, weights=st.counts.sum(axis=1), minlength=centre.n_regions)
        valid = np.asarray(centre.valid, dtype=np.int64).reshape(-1)
        over = np.flatnonzero(valid > np.rint(have).astype(np.int64))
        if over.size:
            r = int(over[0])
            raise ElectsimError(
                f"MissingStations: unit {centre.regions[r].name!r} of the election has "
                f"{int(valid[r]):,} valid ballots, more than the {int(have[r]):,} of all "
                f"{st.name}'s stations there: its totals already include stations absent from "
                "the file (e.g. the CEC's count), so imputing them would count them twice. Use "
                "the stations' own aggregate (e.g. kyrgyzstan_2020_regions) as the election"
            )

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Add ``n_stations`` resampled stations to every draw."""
        st: _Stations = self.__dict__["_stations"]
        pool: IntArray = self.__dict__["_pool"]
        size, R, P = batch.votes.shape[0], batch.n_regions, batch.n_parties
        if st.counts.shape[1] != P + 1:
            raise ShapeMismatchError(
                f"precincts have {st.counts.shape[1] - 1} parties, the election {P}"
            )
        unit = st.units(batch)
        pick = pool[rng.integers(0, pool.size, size=(size, int(self.n_stations)))]
        flat = (np.arange(size)[:, None] * R + unit[pick]).ravel()
        rows = st.counts[pick.ravel()]
        cols = [np.bincount(flat, weights=rows[:, k], minlength=size * R) for k in range(P + 1)]
        added = np.rint(np.stack(cols, axis=-1)).astype(np.int64).reshape(size, R, P + 1)
        c = _categories(batch)
        valid = c[..., :-1].sum(axis=-1)
        add_valid = added.sum(axis=-1)
        # invalid ballots of the added stations: the unit's share, exact (round half up)
        add_inv = (2 * add_valid * c[..., -1] + valid) // np.maximum(2 * valid, 1)
        out = c.copy()
        out[..., :-1] += added
        out[..., -1] += add_inv
        e = _to_election(out, batch, keep_registered=False)
        return e, {"missing_valid": add_valid.sum(axis=-1)}


# ----------------------------------------------------------------------------- (c) re-run
@dataclass(frozen=True)
class Swing(_DropsPrecincts, _LayerBase):
    r"""Re-run variability: a hierarchical logit-normal model of the shares.

    For draw :math:`d`, unit :math:`r` and category :math:`k` (parties and against all), the
    valid ballots of the unit, :math:`v_r`, are redrawn as
    :math:`X_{dr} \sim \mathrm{Mult}(v_r, \pi_{dr})` with

    .. math::
        \log \pi_{drk} = \log p_{rk} + \eta_{dk} + u_{drk} + w_{drk} - \log Z_{dr},
        \quad \eta_{dk} \sim N(0, \sigma^{\mathrm{nat}\,2}_k),\
        u_{drk} \sim N(0, \sigma^{\mathrm{reg}\,2}_k),\
        w_{drk} \sim N(0, h_r\, \sigma^{\mathrm{st}\,2}_k),

    :math:`p_r` the centre's shares and :math:`Z_{dr}` the normaliser.  :math:`\eta` is the
    *national swing*, shared by every unit of a draw (it correlates the regions);
    :math:`u` are regional effects; :math:`w` is the aggregate of independent station effects
    :math:`e_s \sim N(0, \sigma^{\mathrm{st}\,2})` over the unit's stations to first order,
    :math:`\sum_s (n_s/N_r) e_s`, with :math:`h_r = \sum_s n_s^2 / N_r^2` from ``precincts``.
    Invalid ballots and each unit's valid ballots are kept (combine with :class:`InvalidRate`).

    What it represents: how the same electorate might have voted on another day -- the
    uncertainty of a re-run, not of the count.  The dispersions are statements of belief.

    Parameters
    ----------
    national, regional, station : float or array_like ``(P,)`` or ``(P + 1,)``
        Standard deviations on the log-share scale, one for all parties or one per party (the
        last entry of a ``(P + 1,)`` array is against all; with ``(P,)`` against all gets 0).
        ASSUMPTIONS, not estimates: ``national=0.03`` (one sd moves a party's share by about
        3 % of itself, 7 % -> 6.79-7.21 %; try 0.01-0.10), ``regional=0.05`` (try 0.02-0.20),
        ``station=0.0`` (try 0.1-0.5; needs ``precincts``).
    precincts : PrecinctResults, optional
        Station sizes for :math:`h_r` (regions matched by name, or a single-unit election).

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> e = es.Election([[50_000, 30_000, 20_000]], parties="ABC")
    >>> d = Swing(national=0.1, regional=0.0).draw(e, 2_000, np.random.default_rng(0))
    >>> float(np.round(d.votes[:, 0, 0].mean() / 1000))    # centred (to first order)
    50.0
    """

    national: ArrayLike = 0.03
    regional: ArrayLike = 0.05
    station: ArrayLike = 0.0
    precincts: PrecinctResults | None = field(default=None, repr=False)
    name = "swing"
    _params = ("national", "regional", "station")

    def __post_init__(self) -> None:
        for p in ("national", "regional", "station"):
            a = np.asarray(getattr(self, p), dtype=np.float64)
            if a.ndim > 1 or not np.isfinite(a).all() or (a < 0).any() or (a > 5).any():
                raise ElectsimError(
                    f"{p}={getattr(self, p)!r} must be a standard deviation in [0, 5] "
                    "(one number or one per party)"
                )
        if self.precincts is not None:
            object.__setattr__(self, "_stations", _Stations.of(self.precincts))
        elif np.any(np.asarray(self.station) > 0):
            raise ElectsimError("station > 0 needs precincts=... (the station sizes)")

    def _sd(self, name: str, P: int) -> FloatArray:
        a = np.asarray(getattr(self, name), dtype=np.float64)
        if a.ndim == 0:
            return np.full(P + 1, float(a))
        if a.shape[0] == P:
            return np.append(a, 0.0)
        if a.shape[0] == P + 1:
            return a
        raise ShapeMismatchError(f"{name} has {a.shape[0]} entries; expected 1, {P} or {P + 1}")

    def _h(self, batch: Election) -> FloatArray:
        st: _Stations | None = getattr(self, "_stations", None)
        R = batch.n_regions
        if st is None:
            return np.zeros(R)
        unit = st.units(batch)
        n = st.counts.sum(axis=1).astype(np.float64)
        tot = np.bincount(unit, weights=n, minlength=R)
        sq = np.bincount(unit, weights=n * n, minlength=R)
        return np.asarray(sq / np.maximum(tot, 1.0) ** 2, dtype=np.float64)

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Redraw every unit's valid ballots with swung shares."""
        c = _categories(batch)
        size, R, C = c.shape
        P = C - 2
        nat, reg, st = (self._sd(p, P) for p in ("national", "regional", "station"))
        valid = c[..., :-1]
        v = valid.sum(axis=-1)
        with np.errstate(divide="ignore"):
            logp = np.log(valid / np.maximum(v, 1)[..., None])
        eta = rng.standard_normal((size, 1, C - 1)) * nat
        u = rng.standard_normal((size, R, C - 1)) * reg
        w = rng.standard_normal((size, R, C - 1)) * st * np.sqrt(self._h(batch))[:, None]
        z = logp + eta + u + w
        top = np.max(z, axis=-1, keepdims=True)
        z -= np.where(np.isfinite(top), top, 0.0)
        pi = np.exp(z)
        pi /= np.maximum(pi.sum(axis=-1, keepdims=True), 1e-300)
        out = np.concatenate([_multinomial(rng, v, pi), c[..., -1:]], axis=-1)
        return _to_election(out, batch), {}


# ----------------------------------------------------------------------------- (d) manipulation
@dataclass(frozen=True)
class Manipulation(_LayerBase):
    r"""A manipulation whose parameters are distributions.

    Each draw samples every parameter from its distribution (inversion: ``ppf`` of uniforms from
    the layer's stream); ``build(params)`` receives ``{name: float array (size,)}`` and returns
    any perturbation with ``.apply(election, rng)`` returning an object with ``.election`` (every
    class of :mod:`electsim.manipulation`, with the arrays as batched parameters), which is
    applied to the batch.  Records every parameter.

    What it represents: uncertainty about how much manipulation happened, e.g. a budget between
    0 and 400 million som.

    Parameters
    ----------
    build : callable ``params -> perturbation``
        Must be picklable for a process pool (a module-level function, not a lambda).
    parameters : mapping ``{name: number or frozen scipy.stats distribution}``

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> from scipy import stats
    >>> from electsim.manipulation import BallotStuffing
    >>> layer = Manipulation(
    ...     lambda p: BallotStuffing("A", incremental=p["f"], mode="expected"),
    ...     {"f": stats.uniform(0.0, 0.1)},
    ... )
    >>> e = es.Election([[500, 300]], against_all=[0], registered=[2_000], parties="AB")
    >>> d, rec = layer.apply(e.replace(votes=np.array([[[500, 300]]] * 4)),
    ...                      np.random.default_rng(0))
    >>> rec["f"].shape, bool((d.votes[:, 0, 0] >= 500).all())
    ((4,), True)
    """

    build: Callable[[dict[str, FloatArray]], Any]
    parameters: Mapping[str, Any]
    name = "manipulation"

    def __post_init__(self) -> None:
        if not callable(self.build):
            raise ElectsimError(f"build={self.build!r} must be callable: params -> perturbation")
        if not isinstance(self.parameters, Mapping) or not self.parameters:
            raise ElectsimError("parameters must be a non-empty mapping {name: distribution}")
        checked = {}
        for k, v in self.parameters.items():
            if not isinstance(k, str) or not k:
                raise ElectsimError(f"parameter name {k!r} must be a non-empty string")
            checked[k] = _check_distribution(v, f"parameters[{k!r}]", -np.inf, None)
        object.__setattr__(self, "parameters", checked)

    @property
    def recorded_names(self) -> tuple[str, ...]:
        return tuple(self.parameters)

    def describe(self) -> dict[str, Any]:
        """Name, the builder and the parameter distributions."""
        return {
            "layer": self.name,
            "build": getattr(self.build, "__qualname__", repr(self.build)),
            "parameters": {k: _describe_value(v) for k, v in self.parameters.items()},
        }

    def apply(self, batch: Election, rng: np.random.Generator) -> tuple[Election, Recorded]:
        """Sample the parameters, build the perturbation and apply it."""
        size = batch.votes.shape[0]
        params = {k: _sample(d, rng, size) for k, d in self.parameters.items()}
        pert = self.build(params)
        if not callable(getattr(pert, "apply", None)):
            raise ElectsimError(f"build returned {pert!r}; it must have .apply(election, rng)")
        out = pert.apply(batch, rng)
        e = getattr(out, "election", out)
        if not isinstance(e, Election) or e.votes.shape != batch.votes.shape:
            raise ShapeMismatchError(
                f"the perturbation returned {type(out).__name__}; expected an Election (or "
                f"Perturbed) with votes of shape {batch.votes.shape}"
            )
        return e, params


# ----------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class UncertaintyModel:
    r"""Layers applied in order to draws centred on the reported counts or a counterfactual.

    Parameters
    ----------
    layers : sequence of Layer
        Applied in the order given (see the module docstring for the documented order).  Two
        layers with the same name get independent streams.
    centre : Election or callable ``election -> Election``, optional
        What the draws are centred on: the reported counts (default), another election with the
        same parties and regions, or a function of the reported counts (e.g. a counterfactual
        without bought votes, ``lambda e: BoughtVotes(...).counterfactual(e)``).  Must be
        picklable for a process pool.

    Examples
    --------
    >>> import numpy as np, electsim as es
    >>> e = es.Election([[600, 400]], parties="AB")
    >>> m = UncertaintyModel([Swing(0.05, 0.0)], centre=lambda x: x.replace(votes=[[500, 500]]))
    >>> d = m.draw(e, 1_000, np.random.default_rng(0))
    >>> bool(abs(d.votes[:, 0, 0].mean() - 500) < 5)
    True
    """

    layers: Sequence[Any] = ()
    centre: Election | Callable[[Election], Election] | None = None

    def __post_init__(self) -> None:
        layers = tuple(self.layers)
        for layer in layers:
            if not (
                callable(getattr(layer, "apply", None))
                and isinstance(getattr(layer, "name", None), str)
            ):
                raise ElectsimError(
                    f"{layer!r} is not an uncertainty layer (needs .name and "
                    ".apply(batch, rng) -> (batch, recorded))"
                )
        object.__setattr__(self, "layers", layers)
        if self.centre is not None and not (
            isinstance(self.centre, Election) or callable(self.centre)
        ):
            raise ElectsimError(
                f"centre={self.centre!r} must be an Election or a callable election -> Election"
            )

    @property
    def name(self) -> str:
        """``"+"``-joined layer names."""
        return "+".join(layer.name for layer in self.layers) or "none"

    @property
    def recorded_names(self) -> tuple[str, ...]:
        """Names of the per-draw parameters the layers record (checked for clashes)."""
        names: list[str] = []
        for layer in self.layers:
            for n in getattr(layer, "recorded_names", ()):
                if n in names:
                    raise ElectsimError(f"two layers record a parameter named {n!r}")
                names.append(n)
        return tuple(names)

    def centred(self, election: Election) -> Election:
        """The centre of the draws for ``election`` (checked)."""
        _check_single(election)
        if self.centre is None:
            return election
        c = self.centre if isinstance(self.centre, Election) else self.centre(election)
        c = getattr(c, "election", c)
        if not isinstance(c, Election):
            raise ElectsimError(f"centre gave {type(c).__name__}; expected an Election")
        if c.batch_shape or c.votes.shape != election.votes.shape:
            raise ShapeMismatchError(
                f"centre has votes of shape {c.votes.shape}; expected {election.votes.shape} "
                "(same parties and regions, no batch axes)"
            )
        return c

    def describe(self) -> dict[str, Any]:
        """The layers' descriptions and the centre, as plain data."""
        centre = "reported counts"
        if isinstance(self.centre, Election):
            centre = self.centre.name or "an Election"
        elif self.centre is not None:
            centre = getattr(self.centre, "__qualname__", repr(self.centre))
        return {
            "centre": centre,
            "layers": [
                layer.describe() if hasattr(layer, "describe") else {"layer": layer.name}
                for layer in self.layers
            ],
        }

    def draw_centred(
        self, centre: Election, size: int, rng: np.random.Generator
    ) -> tuple[Election, Recorded]:
        """``size`` draws around an already centred election, with the recorded parameters."""
        for layer in self.layers:
            check = getattr(layer, "check", None)
            if callable(check):
                check(centre)
        batch = _batch(centre, size)
        recorded: Recorded = {}
        seen: dict[str, int] = {}
        for layer in self.layers:
            k = seen.get(layer.name, 0)
            seen[layer.name] = k + 1
            batch, rec = layer.apply(batch, _stream(rng, layer.name, k))
            recorded.update(rec)
        return batch, recorded

    def draw(self, election: Election, size: int, rng: np.random.Generator) -> Election:
        """``size`` draws: an Election of batch shape ``(size,)``."""
        return self.draw_centred(self.centred(election), size, rng)[0]
