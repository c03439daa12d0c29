r"""Monte Carlo of election outcomes: count uncertainty, manipulation, allocation -- at scale.

:func:`simulate` draws ``n`` elections around an observed one, optionally perturbs each draw
with a manipulation model, allocates the seats of every draw in batches and keeps only compact
outputs (seats, eligibility, ties), so memory stays bounded whatever ``n``.

Uncertainty: ``uncertainty=`` takes a list of *layers* from :mod:`electsim.uncertainty`, each
named, optional and documented with what it represents --
:class:`~electsim.uncertainty.CountingError` (a count's local mistakes),
:class:`~electsim.uncertainty.InvalidRate` and :class:`~electsim.uncertainty.MissingStations`
(missing data), :class:`~electsim.uncertainty.Swing` (re-run variability: national swing,
regional and station effects), and
:class:`~electsim.uncertainty.Manipulation` (manipulation parameters as distributions) -- or an
:class:`~electsim.uncertainty.UncertaintyModel` that also sets the ``centre`` of the draws (the
reported counts or a counterfactual).  The older single models remain:

* :class:`Multinomial` -- :math:`X_r \sim \mathrm{Mult}(n_r, p_r)`: survey sampling noise;
* :class:`DirichletMultinomial` -- :math:`\pi_r \sim \mathrm{Dir}(\alpha_r p_r)`,
  :math:`X_r \sim \mathrm{Mult}(n_r, \pi_r)`: with :func:`estimate_concentration` it measures
  lasting geography (the between-station spread), not uncertainty about a count.

``docs/uncertainty.md`` explains the layers, their defaults and which of them drives the 2020
answer.

Reproducibility
---------------
Randomness is defined per *seed block* of ``seed_block`` consecutive draws: block ``b`` uses
``np.random.SeedSequence(entropy, spawn_key=(b,))`` -- the ``b``-th child of
``SeedSequence(entropy).spawn(...)`` -- split into three independent streams (counts,
perturbation, ties); every uncertainty layer draws from its own stream, derived from the
counts stream and the layer's name.  Work is done in whole blocks, so the result is identical
for every ``chunk_size`` and every executor.  The separate streams give common random
numbers: switching the perturbation (or one layer) on or off does not change the other draws.

Scaling out
-----------
``executor=`` takes any :class:`concurrent.futures.Executor`; every task is the top-level
function ``_run_chunk`` with picklable arguments.  A ``ProcessPoolExecutor`` uses the cores
of one machine; a Dask cluster is used the same way, without electsim depending on Dask::

    from dask.distributed import Client
    client = Client("scheduler-address:8786")
    result = simulate(election, system, 10**7, executor=client.get_executor())
"""

from __future__ import annotations

import dataclasses
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Protocol, TextIO

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._display import HTMLReprMixin
from .allocate import allocate
from .election import Election, Party, PrecinctResults
from .errors import ElectsimError, ElectsimWarning, ShapeMismatchError, UnknownNameError
from .metrics import majority_threshold
from .system import ElectoralSystem
from .uncertainty import DirichletMultinomial, Multinomial, UncertaintyModel, _batch

__all__ = [
    "DirichletMultinomial",
    "Multinomial",
    "SimulationResult",
    "UncertaintyModel",
    "estimate_concentration",
    "simulate",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]


# ----------------------------------------------------------------------------- count models
class _DrawModel(Protocol):
    """The older protocol: ``draw(election, size, rng) -> Election`` of batch shape ``(size,)``."""

    def draw(self, election: Election, size: int, rng: np.random.Generator) -> Election: ...


def estimate_concentration(
    precincts: PrecinctResults, *, pooled: bool = True, level: str = "station"
) -> float | FloatArray:
    r"""Method-of-moments estimate of the Dirichlet-multinomial concentration.

    Model: the counts of station :math:`s` in region :math:`r` (categories: party lists and
    against all, the ones with votes in the region) are
    :math:`X_s \sim \mathrm{DirMult}(n_s, p_r, \alpha)`, so
    :math:`\mathrm{Var}\, X_{sk} = n_s p_k (1 - p_k)\,\varphi_s` with
    :math:`\varphi_s = (n_s + \alpha)/(1 + \alpha) = 1 + (n_s - 1)\rho`, where
    :math:`\rho = 1/(1 + \alpha)` is the intra-class correlation.

    With :math:`N = \sum_s n_s`, :math:`\hat p_k = \sum_s X_{sk}/N` and Pearson's statistic
    :math:`X^2 = \sum_s \sum_k (X_{sk} - n_s \hat p_k)^2 / (n_s \hat p_k)` over the
    :math:`S` stations and :math:`C` categories of a region, exact second moments give

    .. math::
        E X^2 \approx (C - 1)\,(A + B\rho), \quad A = S - 1, \quad
        B = \sum_s \Big[(1 - a_s)^2 (n_s - 1) + a_s \frac{Q - n_s(n_s - 1)}{N}\Big],

    with :math:`a_s = n_s/N` and :math:`Q = \sum_t n_t (n_t - 1)` (the approximation is the
    :math:`\hat p_k` in the denominator).  Solving for :math:`\rho` gives the estimator
    :math:`\hat\rho = (X^2/(C - 1) - A)/B`, pooled over regions as
    :math:`\sum_r [X^2_r - (C_r - 1) A_r] / \sum_r (C_r - 1) B_r`.  With equal station sizes
    it is the familiar :math:`\hat\varphi = X^2/\mathrm{df}` of McCullagh & Nelder (1989, §4.5)
    solved for :math:`\rho`.  :math:`\hat\rho` is clipped to :math:`[10^{-12}, 1)`.

    Parameters
    ----------
    precincts : PrecinctResults
        One set of station results (no batch axes).
    pooled : bool, default True
        One :math:`\rho` for all regions (True) or one per region (False; a region with fewer
        than two stations gives ``nan``).
    level : {"station", "region"}, default "station"
        ``"station"``: :math:`\hat\alpha = 1/\hat\rho - 1`, the concentration of one station's
        count.  ``"region"``: the concentration :math:`\alpha_r` of a *regional total* for
        :class:`DirichletMultinomial` on regional data.  A region's total is a sum of
        independent station counts, with variance :math:`N_r p(1-p)\,\bar\varphi_r`,
        :math:`\bar\varphi_r = 1 + \rho \sum_s n_s (n_s - 1)/N_r`; matching
        :math:`(N_r + \alpha_r)/(1 + \alpha_r) = \bar\varphi_r` gives
        :math:`\alpha_r = (N_r - \bar\varphi_r)/(\bar\varphi_r - 1)`.  Always an array
        ``(R,)``.  (Station sizes are valid votes: the station data have no invalid ballots.)

    Returns
    -------
    float, or ndarray of float64 ``(R,)``

    References
    ----------
    Mosimann, J. E. (1962). *Biometrika* 49, 65-82.  McCullagh, P. & Nelder, J. A. (1989).
    *Generalized Linear Models*, 2nd ed., §4.5 (over-dispersion, :math:`X^2/\mathrm{df}`).

    Examples
    --------
    >>> import electsim as es
    >>> pr = es.PrecinctResults([[50, 50], [60, 40], [40, 60]], region=[0, 0, 0], regions=["R"])
    >>> round(float(estimate_concentration(pr)), 6)    # X^2 = 8, A = 2, B = 198: rho = 6/198
    32.0
    """
    if not isinstance(precincts, PrecinctResults):
        raise ElectsimError(f"precincts must be PrecinctResults, got {type(precincts).__name__}")
    if precincts.batch_shape:
        raise ShapeMismatchError("precincts must have no batch axes")
    if level not in ("station", "region"):
        raise ElectsimError(f"level={level!r} is unknown; use 'station' or 'region'")
    x = np.concatenate([precincts.votes, precincts.against_all[:, None]], axis=1).astype(np.float64)
    R = len(precincts.regions)
    num = np.full(R, np.nan)
    den = np.full(R, np.nan)
    sizes_q = np.zeros(R)
    totals = np.zeros(R)
    for r in range(R):
        xs = x[precincts.region == r]
        n = xs.sum(axis=1)
        xs, n = xs[n > 0], n[n > 0]
        N = n.sum()
        totals[r] = N
        sizes_q[r] = float((n * (n - 1)).sum())
        if len(n) < 2:
            continue
        p = xs.sum(axis=0) / N
        keep = p > 0
        xs, p = xs[:, keep], p[keep]
        C = int(keep.sum())
        if C < 2:
            continue
        e = n[:, None] * p[None, :]
        chi2 = float(((xs - e) ** 2 / e).sum())
        a = n / N
        A = len(n) - 1.0
        B = float(((1 - a) ** 2 * (n - 1) + a * (sizes_q[r] - n * (n - 1)) / N).sum())
        num[r] = chi2 - (C - 1) * A
        den[r] = (C - 1) * B
    if pooled:
        ok = ~np.isnan(num)
        if not ok.any():
            raise ElectsimError("precincts: no region has two stations with votes")
        rho: FloatArray | float = float(np.clip(num[ok].sum() / den[ok].sum(), 1e-12, 1 - 1e-12))
    else:
        rho = np.clip(num / den, 1e-12, 1 - 1e-12)
    if level == "station":
        out = 1.0 / np.asarray(rho) - 1.0
        return float(out) if pooled else out
    phi = 1.0 + np.asarray(rho) * sizes_q / np.maximum(totals, 1)
    return np.asarray((totals - phi) / (phi - 1.0), dtype=np.float64)


# ----------------------------------------------------------------------------- the engine
PerturbationFactory = Callable[[np.random.Generator, int], Any]

#: Default bound on the memory the kept outputs of one :func:`simulate` call may take.
MAX_MEMORY = 4 * 2**30


def _entropy(rng: int | np.random.Generator | None) -> int:
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63))
    if rng is None:
        return int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ElectsimError(f"rng={rng!r} must be a non-negative int seed")
        return int(rng)
    raise ElectsimError(f"rng={rng!r} must be None, an int seed or a numpy Generator")


def _block_generators(entropy: int, block: int) -> list[np.random.Generator]:
    """Counts, perturbation and tie streams of seed block ``block``."""
    ss = np.random.SeedSequence(entropy, spawn_key=(block,))
    return [np.random.default_rng(s) for s in ss.spawn(3)]


def _seat_dtype(house_size: int) -> type[np.signedinteger[Any]]:
    """The smallest of int16/int32/int64 that holds ``house_size`` seats."""
    if house_size <= np.iinfo(np.int16).max:
        return np.int16
    if house_size <= np.iinfo(np.int32).max:
        return np.int32
    return np.int64


def _system_spec(system: ElectoralSystem) -> ElectoralSystem | dict[str, Any]:
    """A picklable description of ``system``: registered methods travel by name."""
    try:
        from .apportion import get_method

        by_name = get_method(system.method.name)
    except ElectsimError:
        return system
    if by_name is not system.method and by_name != system.method:
        return system  # a user-wrapped method: must pickle by itself
    inner = system.alliance_method
    if inner is not None:
        try:
            if get_method(inner.name) != inner:
                return system
        except ElectsimError:
            return system
    spec: dict[str, Any] = {f.name: getattr(system, f.name) for f in dataclasses.fields(system)}
    spec["method"] = system.method.name
    spec["alliance_method"] = None if inner is None else inner.name
    return spec


ChunkOutput = tuple[NDArray[Any], NDArray[np.bool_], NDArray[np.bool_], dict[str, NDArray[Any]]]


def _arr(x: NDArray[np.int64] | None) -> NDArray[np.int64]:
    assert x is not None  # an Election always has against_all and invalid
    return x


def _run_chunk(
    election: Election,
    system_spec: ElectoralSystem | dict[str, Any],
    uncertainty: UncertaintyModel | _DrawModel | None,
    perturbation: Any,
    entropy: int,
    blocks: Sequence[tuple[int, int]],
) -> ChunkOutput:
    """Simulate whole seed blocks ``(block index, draws)``; top-level so that it pickles.

    ``election`` is already centred (:meth:`UncertaintyModel.centred`).
    """
    system = (
        system_spec if isinstance(system_spec, ElectoralSystem) else ElectoralSystem(**system_spec)
    )
    parts: list[Election] = []
    recorded: list[dict[str, NDArray[Any]]] = []
    tie_gens: list[np.random.Generator] = []
    for b, size in blocks:
        g_counts, g_pert, g_tie = _block_generators(entropy, b)
        tie_gens.append(g_tie)
        rec: dict[str, NDArray[Any]] = {}
        if uncertainty is None:
            e = _batch(election, size)
        elif isinstance(uncertainty, UncertaintyModel):
            e, rec = uncertainty.draw_centred(election, size, g_counts)
        else:
            e = uncertainty.draw(election, size, g_counts)
        if perturbation is not None:
            pert = perturbation
            if not hasattr(pert, "apply"):
                pert = perturbation(g_pert, size)
            e = pert.apply(e, g_pert).election
        parts.append(e)
        recorded.append(rec)
    votes = np.concatenate([p.votes for p in parts])
    aa = np.concatenate([np.broadcast_to(_arr(p.against_all), p.votes.shape[:-1]) for p in parts])
    inv = np.concatenate([np.broadcast_to(_arr(p.invalid), p.votes.shape[:-1]) for p in parts])
    regs = [p.registered for p in parts]
    reg = None
    if all(r is not None for r in regs):
        reg = np.concatenate(
            [
                np.broadcast_to(np.asarray(r), p.votes.shape[:-1])
                for r, p in zip(regs, parts, strict=True)
            ]
        )
    batch = Election(votes, aa, inv, reg, election.parties, election.regions)
    lot = system.tie_break == "lot"
    a = allocate(batch, system, rng=np.random.default_rng(0) if lot else None)
    seats = a.seats.copy()
    tied = a.tied.copy()
    if lot and tied.any():
        # re-draw every tied row with its own block's tie stream: identical for any chunking
        start = 0
        for (_, size), g in zip(blocks, tie_gens, strict=True):
            rows = np.flatnonzero(tied[start : start + size]) + start
            if rows.size:
                sub = Election(
                    votes[rows],
                    aa[rows],
                    inv[rows],
                    None if reg is None else reg[rows],
                    election.parties,
                    election.regions,
                )
                seats[rows] = allocate(sub, system, rng=g).seats
            start += size
    params = {k: np.concatenate([r[k] for r in recorded]) for k in recorded[0]}
    return seats.astype(_seat_dtype(system.seats)), a.eligible.copy(), tied, params


class _Progress:
    """A dependency-free progress bar on a text stream."""

    def __init__(self, total: int, stream: TextIO, width: int = 30) -> None:
        self.total, self.stream, self.width = total, stream, width
        self.t0 = time.perf_counter()

    def update(self, done: int) -> None:
        frac = done / self.total if self.total else 1.0
        fill = round(frac * self.width)
        rate = done / max(time.perf_counter() - self.t0, 1e-9)
        self.stream.write(
            f"\r[{'#' * fill}{'.' * (self.width - fill)}] {100 * frac:5.1f}% "
            f"{done:,}/{self.total:,} draws, {rate:,.0f}/s"
        )
        if done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _as_model(uncertainty: Any) -> UncertaintyModel | _DrawModel | None:
    """``None``, a list of layers, one layer, an :class:`UncertaintyModel` or a ``draw`` model."""
    if uncertainty is None or isinstance(uncertainty, UncertaintyModel):
        return uncertainty
    if isinstance(uncertainty, list | tuple):
        return UncertaintyModel(uncertainty)
    if callable(getattr(uncertainty, "apply", None)) and isinstance(
        getattr(uncertainty, "name", None), str
    ):
        return UncertaintyModel([uncertainty])
    if callable(getattr(uncertainty, "draw", None)):
        return uncertainty
    raise ElectsimError(
        f"uncertainty={uncertainty!r} must be a layer, a list of layers, an UncertaintyModel, "
        "or an object with a draw(election, size, rng) method"
    )


def _fmt_bytes(x: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if x < 1000 or unit == "PB":
            return f"{x:,.1f} {unit}"
        x /= 1000
    return f"{x:,.1f} PB"  # pragma: no cover


def _describe(obj: Any) -> Any:
    if obj is None:
        return None
    if hasattr(obj, "describe"):
        return obj.describe()
    return getattr(obj, "__qualname__", None) or repr(obj)


def simulate(
    election: Election,
    system: ElectoralSystem,
    n: int,
    *,
    uncertainty: Any = None,
    perturbation: Any = None,
    rng: int | np.random.Generator | None = None,
    chunk_size: int = 10_000,
    seed_block: int = 1024,
    executor: Executor | None = None,
    max_pending: int = 8,
    progress: bool = False,
    max_memory: int = MAX_MEMORY,
) -> SimulationResult:
    """Monte Carlo of the seats: ``n`` draws of counts, perturbation and allocation.

    Each draw: (1) counts from ``uncertainty`` (or the reported counts), (2) the
    ``perturbation`` applied to them, (3) the seats under ``system``.  Draws are processed in
    chunks, each allocated with one batched :func:`~electsim.allocate` call; only seats
    ``(n, P)``, eligibility ``(n, P)``, a tie flag ``(n,)`` and the layers' recorded parameters
    ``(n,)`` are kept.

    Parameters
    ----------
    election : Election
        One election (no batch axes), regional or national.
    system : ElectoralSystem
        With ``tie_break="raise"`` a tie in any draw raises :class:`~electsim.errors.TieError`;
        use ``"lot"`` (drawn from the block's tie stream) or a deterministic rule.
    n : int
        Number of draws, ``>= 1``.
    uncertainty : layer, list of layers, UncertaintyModel, or object with ``draw``, optional
        A list is ``UncertaintyModel(list)`` (layers of :mod:`electsim.uncertainty`:
        :class:`~electsim.uncertainty.CountingError`, :class:`~electsim.uncertainty.InvalidRate`,
        :class:`~electsim.uncertainty.MissingStations`, :class:`~electsim.uncertainty.Swing`,
        :class:`~electsim.uncertainty.Manipulation`, :class:`DirichletMultinomial`,
        :class:`Multinomial`); an :class:`~electsim.uncertainty.UncertaintyModel` may also set
        the ``centre`` of the draws.  Any other object with
        ``draw(election, size, rng) -> Election`` (batch shape ``(size,)``) is used as is.
    perturbation : perturbation or callable, optional
        Any object with ``.apply(election, rng)`` returning a ``Perturbed`` (from
        :mod:`electsim.manipulation`), applied to each batch of draws; or a callable
        ``(rng, size) -> perturbation`` building one with parameter arrays of shape ``(size,)``.
        (:class:`~electsim.uncertainty.Manipulation` does the same as a layer, recording the
        sampled parameters.)
    rng : None, int or numpy.random.Generator
        The seed entropy (a Generator contributes one 63-bit integer); reported in
        ``result.provenance["seed"]``.  ``None`` with ``tie_break="lot"`` warns
        (:class:`~electsim.errors.ElectsimWarning`) and names the seed drawn.
    chunk_size : int, default 10_000
        Draws per task (memory bound); rounded up to whole seed blocks.  Does not change the
        result.
    seed_block : int, default 1024
        Draws per seed block (see the module docstring).  Changing it changes the draws.
    executor : concurrent.futures.Executor, optional
        Runs the chunks (e.g. ``ProcessPoolExecutor(2)``, or a Dask ``client.get_executor()``);
        at most ``max_pending`` chunks are in flight.  Does not change the result.  Layers,
        centres and factories must then be picklable (no lambdas).
    progress : bool, default False
        A progress bar on stderr.
    max_memory : int, default 4 GiB
        Bound, in bytes, on the kept outputs; a larger request raises before any work.

    Returns
    -------
    SimulationResult

    Raises
    ------
    ElectsimError
        Bad arguments, or outputs above ``max_memory`` (the message gives the estimate and the
        largest ``n`` that fits).

    Examples
    --------
    >>> import electsim as es
    >>> e = es.Election([[5_000, 4_000, 1_000]], parties=["A", "B", "C"])
    >>> s = es.ElectoralSystem(10, "hare", national=es.Threshold("5%"), tie_break="lot")
    >>> res = simulate(e, s, 2_000, uncertainty=Multinomial(), rng=1)
    >>> res.prob_pass.tolist(), res.mean_seats.round(1).tolist()
    ([1.0, 1.0, 1.0], [5.0, 4.0, 1.0])
    """
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if election.batch_shape:
        raise ShapeMismatchError(
            f"election has batch shape {election.batch_shape}; simulate() needs one election"
        )
    for name, val, lo in (
        ("n", n, 1),
        ("chunk_size", chunk_size, 1),
        ("seed_block", seed_block, 1),
        ("max_pending", max_pending, 1),
        ("max_memory", max_memory, 1),
    ):
        if not isinstance(val, int | np.integer) or isinstance(val, bool) or val < lo:
            raise ElectsimError(f"{name}={val!r} must be an integer >= {lo}")
    model = _as_model(uncertainty)
    if perturbation is not None and not (hasattr(perturbation, "apply") or callable(perturbation)):
        raise ElectsimError(
            f"perturbation={perturbation!r} must have .apply(election, rng) or be a callable "
            "(rng, size) -> perturbation"
        )
    recorded = model.recorded_names if isinstance(model, UncertaintyModel) else ()
    P = election.n_parties
    dtype = _seat_dtype(system.seats)
    per_draw = P * (np.dtype(dtype).itemsize + 1) + 1 + 8 * len(recorded)
    need = int(n) * per_draw
    if need > max_memory:
        fit = max(1, int(max_memory) // per_draw)
        raise ElectsimError(
            f"n={int(n):,} draws would keep {_fmt_bytes(need)} of outputs ({per_draw} bytes a "
            f"draw: seats and eligibility of {P} parties, a tie flag, {len(recorded)} recorded "
            f"parameters), above max_memory={_fmt_bytes(max_memory)}. Run at most n={fit:,} "
            "draws per call (with different seeds, combining the summaries), or raise max_memory"
        )
    entropy = _entropy(rng)
    if rng is None and system.tie_break == "lot":
        warnings.warn(
            f"simulate(): tie_break='lot' without rng; drew the seed {entropy} (pass "
            f"rng={entropy} to reproduce this run)",
            ElectsimWarning,
            stacklevel=2,
        )
    centre = election
    if isinstance(model, UncertaintyModel):
        centre = model.centred(election)
        # workers get the centred election and a model without the (maybe unpicklable) centre
        work_model: UncertaintyModel | _DrawModel | None = UncertaintyModel(model.layers)
    else:
        work_model = model
    n, seed_block = int(n), int(seed_block)
    n_blocks = -(-n // seed_block)
    per_chunk = max(1, -(-int(chunk_size) // seed_block))
    seats = np.empty((n, P), dtype=dtype)
    eligible = np.empty((n, P), dtype=bool)
    tied = np.empty(n, dtype=bool)
    params: dict[str, NDArray[Any]] = {}
    bar = _Progress(n, sys.stderr) if progress else None
    done = 0

    def chunks() -> Iterator[list[tuple[int, int]]]:
        for c in range(0, n_blocks, per_chunk):
            yield [
                (b, min(seed_block, n - b * seed_block))
                for b in range(c, min(c + per_chunk, n_blocks))
            ]

    def store(chunk: list[tuple[int, int]], out: ChunkOutput) -> None:
        nonlocal done
        start = chunk[0][0] * seed_block
        stop = start + sum(s for _, s in chunk)
        seats[start:stop], eligible[start:stop], tied[start:stop] = out[:3]
        for k, v in out[3].items():
            if k not in params:
                params[k] = np.empty(n, dtype=v.dtype)
            params[k][start:stop] = v
        done += stop - start
        if bar is not None:
            bar.update(done)

    args: tuple[Any, ...]
    if executor is None:
        args = (centre, system, work_model, perturbation, entropy)
        for chunk in chunks():
            store(chunk, _run_chunk(*args, chunk))
    else:
        args = (centre, _system_spec(system), work_model, perturbation, entropy)
        pending: deque[tuple[list[tuple[int, int]], Future[Any]]] = deque()
        for chunk in chunks():
            if len(pending) >= max_pending:
                c, f = pending.popleft()
                store(c, f.result())
            pending.append((chunk, executor.submit(_run_chunk, *args, chunk)))
        while pending:
            c, f = pending.popleft()
            store(c, f.result())
    for arr in (seats, eligible, tied, *params.values()):
        arr.setflags(write=False)
    from . import __version__

    provenance = {
        "electsim": __version__,
        "election": election.name,
        "system": str(system),
        "n": n,
        "seed": entropy,
        "seed_block": seed_block,
        "uncertainty": _describe(model),
        "perturbation": _describe(perturbation),
    }
    return SimulationResult(
        parties=election.parties,
        house_size=system.seats,
        seats=seats,
        eligible=eligible,
        tied=tied,
        parameters=params,
        provenance=provenance,
    )


# ----------------------------------------------------------------------------- the result
@dataclass(frozen=True, eq=False)
class SimulationResult(HTMLReprMixin):
    """Compact outputs of :func:`simulate`.

    Attributes
    ----------
    parties : tuple of Party
    house_size : int
    seats : int array ``(n, P)``
        int16, or int32/int64 for a house above 32,767 seats.
    eligible : bool array ``(n, P)``
        Passed every threshold in the draw.
    tied : bool array ``(n,)``
        The draw met a tie (resolved by the system's ``tie_break``).
    parameters : dict of str to array ``(n,)``
        Per-draw parameters recorded by the uncertainty layers (e.g. ``"invalid_rate"``), so
        outcomes can be conditioned on them.
    provenance : dict
        How the result was made: ``electsim`` version, ``election``, ``system``, ``n``,
        ``seed`` (the entropy: ``rng=seed`` reproduces the run), ``seed_block``,
        ``uncertainty`` (centre and layers with their parameters), ``perturbation``.
    """

    parties: tuple[Party, ...]
    house_size: int
    seats: NDArray[np.signedinteger[Any]]
    eligible: NDArray[np.bool_]
    tied: NDArray[np.bool_]
    parameters: Mapping[str, NDArray[Any]] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of draws."""
        return int(self.seats.shape[0])

    @property
    def party_names(self) -> tuple[str, ...]:
        """Party names, in column order."""
        return tuple(p.name for p in self.parties)

    @property
    def n_ties(self) -> int:
        """Number of draws that met a tie."""
        return int(self.tied.sum())

    def _index(self, party: str | int) -> int:
        if isinstance(party, int | np.integer) and not isinstance(party, bool):
            if 0 <= int(party) < len(self.parties):
                return int(party)
        else:
            for i, p in enumerate(self.parties):
                if party in (p.name, p.short) and party:
                    return i
        raise UnknownNameError(f"party={party!r} is not one of {list(self.party_names)}")

    @property
    def mean_seats(self) -> FloatArray:
        """Mean seats per party ``(P,)``."""
        return np.asarray(self.seats.mean(axis=0, dtype=np.float64))

    @property
    def prob_pass(self) -> FloatArray:
        """P(eligible) per party ``(P,)``: the share of draws in which it passed every threshold."""
        return np.asarray(self.eligible.mean(axis=0, dtype=np.float64))

    def seat_distribution(self, party: str | int) -> FloatArray:
        """P(seats = k) for ``k = 0 .. house_size``, shape ``(house_size + 1,)``."""
        i = self._index(party)
        counts = np.bincount(self.seats[:, i].astype(np.int64), minlength=self.house_size + 1)
        return np.asarray(counts / self.n, dtype=np.float64)

    def quantiles(self, q: ArrayLike = (0.05, 0.5, 0.95)) -> NDArray[np.int64]:
        """Seat quantiles per party ``(len(q), P)`` ("inverted_cdf": always a seat count)."""
        qa = np.asarray(q, dtype=np.float64)
        if qa.ndim > 1 or (qa < 0).any() or (qa > 1).any():
            raise ElectsimError(f"q={q!r} must be probabilities in [0, 1]")
        out = np.quantile(self.seats, qa, axis=0, method="inverted_cdf")
        return np.asarray(out, dtype=np.int64)

    def bloc_seats(self, bloc: str | Sequence[str | int]) -> IntArray:
        """Seats of a bloc in each draw ``(n,)``: a bloc name (parties' ``.bloc``) or members."""
        if isinstance(bloc, str):
            members = [i for i, p in enumerate(self.parties) if p.bloc == bloc]
            if not members:
                known = sorted({p.bloc for p in self.parties if p.bloc})
                raise UnknownNameError(f"bloc={bloc!r} is unknown; blocs are {known}")
        else:
            members = sorted({self._index(m) for m in bloc})
        return np.asarray(self.seats[:, members].sum(axis=1, dtype=np.int64))

    def prob_majority(
        self, bloc: str | Sequence[str | int], kind: str | Fraction = "simple"
    ) -> float:
        """P(bloc seats >= :func:`~electsim.metrics.majority_threshold` (house_size, kind))."""
        need = majority_threshold(self.house_size, kind)  # type: ignore[arg-type]
        return float((self.bloc_seats(bloc) >= need).mean())

    def to_records(self) -> list[dict[str, Any]]:
        """One plain-Python dict per party: mean, sd, 5/50/95 % quantiles, P(pass), P(seats>0)."""
        q = self.quantiles((0.05, 0.5, 0.95))
        sd = self.seats.std(axis=0, dtype=np.float64)
        pos = (self.seats > 0).mean(axis=0)
        return [
            {
                "party": p.name,
                "mean_seats": float(self.mean_seats[i]),
                "sd_seats": float(sd[i]),
                "q05": int(q[0, i]),
                "median": int(q[1, i]),
                "q95": int(q[2, i]),
                "prob_pass": float(self.prob_pass[i]),
                "prob_seat": float(pos[i]),
            }
            for i, p in enumerate(self.parties)
        ]

    def __str__(self) -> str:
        head = f"{'Party':<32}{'mean':>7}{'sd':>6}{'5%':>5}{'50%':>5}{'95%':>5}{'P(pass)':>9}"
        lines = [f"Monte Carlo: {self.n:,} draws, {self.house_size} seats, {self.n_ties} ties"]
        model = self.provenance.get("uncertainty")
        if isinstance(model, dict):
            names = [str(layer.get("layer")) for layer in model.get("layers", [])]
            lines.append(
                f"Uncertainty: {' + '.join(names) or 'none'}, centred on {model.get('centre')}; "
                f"seed {self.provenance.get('seed')}"
            )
        elif "seed" in self.provenance:
            lines.append(f"Uncertainty: {model or 'none'}; seed {self.provenance['seed']}")
        lines.append(head)
        lines.append("-" * len(head))
        for r in self.to_records():
            lines.append(
                f"{r['party'][:31]:<32}{r['mean_seats']:>7.2f}{r['sd_seats']:>6.2f}"
                f"{r['q05']:>5}{r['median']:>5}{r['q95']:>5}{r['prob_pass']:>9.4f}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"SimulationResult(n={self.n}, parties={len(self.parties)}, seats={self.house_size})"
