"""The perturbation protocol, the ledger, composition and the exact integer splitting helpers.

A *perturbation* maps results -- an :class:`~electsim.Election` (units = regions) or a
:class:`~electsim.PrecinctResults` (units = polling stations), batched or not -- and an ``rng``
to new results of the same type plus a :class:`Ledger` that accounts for every vote moved, added
or removed, every voter transported, every registration change and the money spent.  The
difference between the two results equals what the ledger says, exactly
(:meth:`Ledger.verify`).

Every mechanism has two modes: ``"expected"`` (deterministic, exact integer rounding that keeps
totals, see :func:`split_exact`) and ``"sample"`` (binomial / multinomial / hypergeometric
draws from the ``rng``).  Parameters may be arrays: they broadcast against the results' batch
shape (:func:`broadcast_batch`), so a sweep over budgets is one call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar, cast, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..election import Election, PrecinctResults
from ..errors import ElectsimError, MissingDataError, ShapeMismatchError, UnknownMethodError

__all__ = [
    "Ledger",
    "Mode",
    "Perturbation",
    "Perturbed",
    "Results",
    "broadcast_batch",
    "check_mode",
    "check_rate",
    "compose",
    "normalise_rng",
    "sample_without_replacement",
    "split_exact",
    "unit_mask",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
Results = Election | PrecinctResults
R = TypeVar("R", bound=Election | PrecinctResults)
Mode = Literal["expected", "sample"]


def check_mode(mode: str) -> Mode:
    """Validate a mode name."""
    if mode not in ("expected", "sample"):
        raise UnknownMethodError(f"mode={mode!r} is unknown; use 'expected' or 'sample'")
    return mode  # type: ignore[return-value]


def check_rate(value: ArrayLike, name: str) -> FloatArray:
    """A probability parameter (scalar or array) in [0, 1], as float64; else ElectsimError."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"{name}={value!r} is not a number or array of numbers") from exc
    if not np.isfinite(a).all() or (a < 0).any() or (a > 1).any():
        raise ElectsimError(f"{name}={value!r} must lie in [0, 1]")
    return a


def normalise_rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    """``None | int | Generator`` -> ``Generator`` (once, at the public entry point)."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int | np.integer) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise ElectsimError(f"rng={rng!r} must be None, an int seed or a numpy Generator")


def _zeros(shape: tuple[int, ...]) -> IntArray:
    return np.zeros(shape, dtype=np.int64)


#: The count arrays of a Ledger, in order.
_COUNT_FIELDS = (
    "votes_added",
    "votes_removed",
    "against_all_added",
    "against_all_removed",
    "invalid_added",
    "invalid_removed",
    "registered_added",
    "registered_removed",
    "transported_out",
    "transported_in",
    "cost_som",
)


def _field_shapes(vshape: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    """Shapes of the ledger arrays for votes of shape ``(*batch, U, P)``."""
    out = {n: vshape[:-1] for n in _COUNT_FIELDS}
    out["votes_added"] = out["votes_removed"] = vshape
    out["cost_som"] = vshape[:-2]
    return out


@dataclass(frozen=True, eq=False)
class Ledger:
    """Exact accounting of a perturbation.

    Shapes: ``U`` is the number of units (regions of an Election, stations of PrecinctResults),
    ``P`` the number of parties; every array has the results' batch shape in front.  All counts
    are non-negative ``int64``; a change is ``added - removed``.

    Attributes
    ----------
    votes_added, votes_removed : ``(*batch, U, P)``
        Party votes added (bought, stuffed, transported in) and removed (switched away,
        stolen, transported out).
    against_all_added, against_all_removed : ``(*batch, U)``
    invalid_added, invalid_removed : ``(*batch, U)``
    registered_added, registered_removed : ``(*batch, U)``
        Registration changes (Form No. 2 moves, carousel supplementary lists).
    transported_out, transported_in : ``(*batch, U)``
        Voters moved away from / into each unit (transport only).
    cost_som : ``(*batch,)`` int64
        Money spent, in som.
    mechanism : str
        The perturbation's name (``"compose(a, b)"`` for compositions).
    parts : tuple of Ledger
        The ledgers of the composed steps, in order.
    """

    votes_added: IntArray
    votes_removed: IntArray
    against_all_added: IntArray
    against_all_removed: IntArray
    invalid_added: IntArray
    invalid_removed: IntArray
    registered_added: IntArray
    registered_removed: IntArray
    transported_out: IntArray
    transported_in: IntArray
    cost_som: IntArray
    mechanism: str = ""
    parts: tuple[Ledger, ...] = field(default=())

    @classmethod
    def empty(cls, results: Results, mechanism: str = "") -> Ledger:
        """A ledger with nothing in it, shaped like ``results``."""
        v = results.votes.shape
        shapes = _field_shapes(v)
        arrays: dict[str, Any] = {n: _zeros(shapes[n]) for n in _COUNT_FIELDS}
        return cls(**arrays, mechanism=mechanism)

    @classmethod
    def from_changes(
        cls,
        results: Results,
        *,
        mechanism: str,
        votes: ArrayLike | None = None,
        against_all: ArrayLike | None = None,
        invalid: ArrayLike | None = None,
        registered: ArrayLike | None = None,
        votes_added: ArrayLike | None = None,
        votes_removed: ArrayLike | None = None,
        transported_out: ArrayLike | None = None,
        transported_in: ArrayLike | None = None,
        cost_som: ArrayLike | None = None,
    ) -> Ledger:
        """Build a ledger from signed changes (split into added/removed parts).

        ``votes`` is a signed change per unit and party; alternatively give ``votes_added`` and
        ``votes_removed`` separately (when a unit both gains and loses votes of one party, e.g.
        transport in and out).
        """
        base = cls.empty(results, mechanism)

        def split(x: ArrayLike | None, shape: tuple[int, ...]) -> tuple[IntArray, IntArray]:
            if x is None:
                return _zeros(shape), _zeros(shape)
            a = np.broadcast_to(np.asarray(x, dtype=np.int64), shape)
            return np.maximum(a, 0), np.maximum(-a, 0)

        vshape = results.votes.shape
        ushape = vshape[:-1]
        va, vr = split(votes, vshape)
        if votes_added is not None:
            va = va + np.broadcast_to(np.asarray(votes_added, dtype=np.int64), vshape)
        if votes_removed is not None:
            vr = vr + np.broadcast_to(np.asarray(votes_removed, dtype=np.int64), vshape)
        aa, ar = split(against_all, ushape)
        ia, ir = split(invalid, ushape)
        ra, rr = split(registered, ushape)

        def arr(x: ArrayLike | None, shape: tuple[int, ...]) -> IntArray:
            if x is None:
                return _zeros(shape)
            return np.broadcast_to(np.asarray(x, dtype=np.int64), shape).copy()

        return cls(
            va,
            vr,
            aa,
            ar,
            ia,
            ir,
            ra,
            rr,
            arr(transported_out, ushape),
            arr(transported_in, ushape),
            arr(cost_som, ushape[:-1]),
            mechanism,
            base.parts,
        )

    # ----------------------------------------------------------------- views
    @property
    def net_votes(self) -> IntArray:
        """Signed change of party votes, ``(*batch, U, P)``."""
        return self.votes_added - self.votes_removed

    @property
    def net_ballots(self) -> IntArray:
        """Signed change of ballots cast (party + against all + invalid), ``(*batch, U)``."""
        return (
            self.net_votes.sum(axis=-1)
            + self.against_all_added
            - self.against_all_removed
            + self.invalid_added
            - self.invalid_removed
        )

    @property
    def net_registered(self) -> IntArray:
        """Signed change of registered voters, ``(*batch, U)``."""
        return self.registered_added - self.registered_removed

    def __add__(self, other: Ledger) -> Ledger:
        """The ledger of ``self`` followed by ``other`` (same shapes)."""
        if self.votes_added.shape != other.votes_added.shape:
            raise ShapeMismatchError(
                f"cannot add ledgers of shapes {self.votes_added.shape} and "
                f"{other.votes_added.shape}"
            )
        parts = (self.parts or (self,)) + (other.parts or (other,))
        label = "compose(" + ", ".join(p.mechanism for p in parts) + ")"
        return Ledger(
            **{n: getattr(self, n) + getattr(other, n) for n in _COUNT_FIELDS},
            mechanism=label,
            parts=parts,
        )

    def verify(self, before: Results, after: Results) -> None:
        """Check that ``after - before`` equals this ledger exactly; raise ElectsimError if not.

        Also checks that no count of ``after`` is negative and that registered voters (when
        known) still cover the ballots cast.
        """
        if (np.asarray(after.votes) != np.asarray(before.votes) + self.net_votes).any():
            raise ElectsimError(f"{self.mechanism}: party votes differ from the ledger")
        pairs = [
            ("against_all", self.against_all_added - self.against_all_removed),
            ("invalid", self.invalid_added - self.invalid_removed),
            ("registered", self.net_registered),
        ]
        for name, delta in pairs:
            b, a = getattr(before, name), getattr(after, name)
            if b is None or a is None:
                if (b is None) != (a is None) or delta.any():
                    raise ElectsimError(f"{self.mechanism}: {name} changed but is unknown")
                continue
            if (a != b + delta).any():
                raise ElectsimError(f"{self.mechanism}: {name} differs from the ledger")

    def summary(self, parties: Sequence[str] | None = None) -> dict[str, Any]:
        """Totals over units (and over the batch, as means when batched), as plain Python."""
        batch_axes = tuple(range(self.cost_som.ndim))

        def tot(x: IntArray, unit_axes: tuple[int, ...]) -> Any:
            s = x.sum(axis=unit_axes) if unit_axes else x
            m = s.mean(axis=batch_axes) if batch_axes else s
            return np.asarray(m).tolist()

        u = self.cost_som.ndim
        added = tot(self.votes_added, (u,))
        removed = tot(self.votes_removed, (u,))
        out: dict[str, Any] = {"mechanism": self.mechanism}
        if parties is not None:
            out["votes_added"] = dict(zip(parties, added, strict=True))
            out["votes_removed"] = dict(zip(parties, removed, strict=True))
        else:
            out["votes_added"], out["votes_removed"] = added, removed
        out.update(
            against_all_net=tot(self.against_all_added - self.against_all_removed, (u,)),
            invalid_net=tot(self.invalid_added - self.invalid_removed, (u,)),
            registered_net=tot(self.net_registered, (u,)),
            ballots_net=tot(self.net_ballots, (u,)),
            transported=tot(self.transported_out, (u,)),
            cost_som=tot(self.cost_som, ()),
        )
        if batch_axes:
            out["note"] = "means over the batch"
        return out


@dataclass(frozen=True, eq=False)
class Perturbed:
    """The output of a perturbation: the new results (same type as the input) and the ledger."""

    election: Any  # Election | PrecinctResults, same type as the input
    ledger: Ledger
    before: Any = field(default=None, repr=False)

    def verify(self) -> None:
        """Re-check the ledger against the input and output (raises on any discrepancy)."""
        self.ledger.verify(self.before, self.election)


@runtime_checkable
class Perturbation(Protocol):
    """Anything with ``name`` and ``apply(results, rng=None) -> Perturbed``."""

    @property
    def name(self) -> str: ...

    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed: ...


@dataclass(frozen=True)
class Composition:
    """Perturbations applied in order; the ledgers add up (see :func:`compose`)."""

    steps: tuple[Any, ...]

    @property
    def name(self) -> str:
        return "compose(" + ", ".join(s.name for s in self.steps) + ")"

    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed:
        """Apply every step in order, each with its own child of ``rng``."""
        gen = normalise_rng(rng)
        children = gen.spawn(len(self.steps))
        current = election
        ledger: Ledger | None = None
        for step, child in zip(self.steps, children, strict=True):
            out = step.apply(current, rng=child)
            if ledger is not None and ledger.votes_added.shape != out.ledger.votes_added.shape:
                # a later step broadcast the batch (parameter arrays): broadcast the ledger
                ledger = _broadcast_ledger(ledger, out.ledger.votes_added.shape)
            ledger = out.ledger if ledger is None else ledger + out.ledger
            current = out.election
        assert ledger is not None
        return Perturbed(current, ledger, election)


def _broadcast_ledger(ledger: Ledger, vshape: tuple[int, ...]) -> Ledger:
    shapes = _field_shapes(vshape)
    return Ledger(
        **{n: np.broadcast_to(getattr(ledger, n), shapes[n]).copy() for n in _COUNT_FIELDS},
        mechanism=ledger.mechanism,
        parts=ledger.parts,
    )


def compose(perturbations: Sequence[Any]) -> Composition:
    """Apply perturbations in order, with one combined ledger.

    Each step receives its own independent child generator of the ``rng`` given to
    ``apply`` (``Generator.spawn``), so adding a step never changes the draws of the others.
    """
    steps = tuple(perturbations)
    if not steps:
        raise ElectsimError("compose() needs at least one perturbation")
    for s in steps:
        if not hasattr(s, "apply") or not hasattr(s, "name"):
            raise ElectsimError(f"{s!r} is not a perturbation (needs name and apply())")
    return Composition(steps)


# --------------------------------------------------------------------------- helpers
def broadcast_batch(results: R, *params: ArrayLike) -> tuple[R, list[NDArray[Any]]]:
    """Broadcast results and parameter arrays to one batch shape.

    Parameter arrays broadcast against the results' batch shape (leading dimensions): an
    unbatched election with a ``(B,)`` budget array becomes a batch of ``B`` elections.

    Returns the (possibly broadcast) results and the parameters as arrays of the batch shape.
    """
    arrays = [np.asarray(p) for p in params]
    try:
        batch: tuple[int, ...] = np.broadcast_shapes(
            results.batch_shape, *(a.shape for a in arrays)
        )
    except ValueError as exc:
        raise ShapeMismatchError(
            f"parameter shapes {[a.shape for a in arrays]} do not broadcast against the batch "
            f"shape {results.batch_shape}"
        ) from exc
    out = [np.broadcast_to(a, batch) for a in arrays]
    if batch == results.batch_shape:
        return results, out

    def bb(x: Any) -> Any:
        if x is None:
            return None
        return np.broadcast_to(x, (*batch, *x.shape[len(results.batch_shape) :]))

    fields: dict[str, Any] = {
        "votes": bb(results.votes),
        "against_all": bb(results.against_all),
        "invalid": bb(results.invalid),
        "registered": bb(results.registered),
    }
    return cast(R, results.replace(**fields)), out


def split_exact(total: ArrayLike, weights: ArrayLike, cap: ArrayLike | None = None) -> IntArray:
    """Split integer totals in proportion to weights, exactly, respecting per-cell caps.

    ``total`` has shape ``(*batch,)`` and ``weights`` ``(*batch, K)``; the result has shape
    ``(*batch, K)``, sums to ``min(total, cap.sum())`` in every row, never exceeds ``cap`` and is
    zero where the weight is zero (unless weights are all zero, then nothing is allocated).
    Rounding is largest remainder (Hare) on float quotas, ties to the lowest index; cells that
    hit their cap are frozen and the rest is re-split (water filling).  This is the
    expected-value mode's "exact integer rounding that keeps totals".

    Examples
    --------
    >>> split_exact(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> split_exact(10, [1, 1, 1], cap=[1, 9, 9]).tolist()
    [1, 5, 4]
    """
    w = np.asarray(weights, dtype=np.float64)
    t = np.asarray(total, dtype=np.int64)
    batch: tuple[int, ...] = np.broadcast_shapes(t.shape, w.shape[:-1])
    w = np.broadcast_to(w, (*batch, w.shape[-1])).reshape(-1, w.shape[-1])
    K = w.shape[1]
    t = np.broadcast_to(t, batch).reshape(-1)
    if (w < 0).any() or not np.isfinite(w).all():
        raise ElectsimError("weights must be finite and non-negative")
    if (t < 0).any():
        raise ElectsimError("total must be non-negative")
    capv = (
        np.repeat(t[:, None], K, axis=1)  # a cell never needs more than its row's total
        if cap is None
        else np.broadcast_to(np.asarray(cap, dtype=np.int64), (*batch, K)).reshape(-1, K)
    )
    capv = np.where(w > 0, capv, 0)
    out = np.zeros(w.shape, dtype=np.int64)
    left = np.minimum(t, capv.sum(axis=1))
    free = capv > out
    for _ in range(K + 1):
        rows = left > 0
        if not rows.any():
            break
        ww = np.where(free, w, 0.0)
        ws = ww.sum(axis=1)
        rows &= ws > 0
        if not rows.any():
            break
        quota = np.where(rows[:, None], ww * (left / np.where(ws > 0, ws, 1.0))[:, None], 0.0)
        base = np.floor(quota).astype(np.int64)
        base = np.minimum(base, left[:, None])
        rem = quota - base
        k = left - base.sum(axis=1)
        # largest remainders (stable: lowest index first), only among free cells
        order = np.argsort(np.where(free, -rem, np.inf), axis=1, kind="stable")
        rank = np.empty_like(order)
        np.put_along_axis(rank, order, np.broadcast_to(np.arange(K), order.shape), axis=1)
        add = base + ((rank < k[:, None]) & free)
        room = capv - out
        take = np.minimum(add, room)
        out += take
        left = left - take.sum(axis=1)
        free = capv > out
    return out.reshape(*batch, K)


def sample_without_replacement(
    rng: np.random.Generator, n: ArrayLike, counts: ArrayLike
) -> IntArray:
    """Draw ``n`` items without replacement from categories with ``counts`` (batched).

    Multivariate hypergeometric by sequential univariate draws, vectorised over the batch:
    ``n`` ``(*batch,)``, ``counts`` ``(*batch, K)`` -> ``(*batch, K)``, never above ``counts``.
    ``n`` is clipped to the total count.
    """
    c = np.asarray(counts, dtype=np.int64)
    nn = np.minimum(np.asarray(n, dtype=np.int64), c.sum(axis=-1))
    batch = np.broadcast_shapes(nn.shape, c.shape[:-1])
    c = np.broadcast_to(c, (*batch, c.shape[-1]))
    left = np.broadcast_to(nn, batch).copy()
    rest = c.sum(axis=-1)
    out = np.zeros(c.shape, dtype=np.int64)
    for k in range(c.shape[-1] - 1):
        ck = c[..., k]
        rest = rest - ck
        good = np.maximum(ck, 0)
        x = np.where(
            left > 0,
            rng.hypergeometric(good, np.maximum(rest, 0), np.maximum(left, 0))
            if left.size
            else left,
            0,
        )
        out[..., k] = x
        left = left - x
    out[..., -1] = left
    return out


def require_registered(results: Results, what: str) -> IntArray:
    """Registered voters, or a MissingDataError explaining that ``what`` needs them."""
    if results.registered is None:
        raise MissingDataError(
            f"{what} needs registered voters (abstainers = registered - ballots), but the "
            "results have registered=None; build them with registered=..."
        )
    return results.registered


def unit_mask(
    results: Results, targets: str | int | Sequence[str | int] | None
) -> NDArray[np.bool_]:
    """Boolean ``(U,)`` mask of the targeted units.

    ``None`` targets every unit.  Names are region names (for PrecinctResults: every station of
    that region) or station ids; integers are unit indices (regions of an Election, stations of
    PrecinctResults).  Unknown names raise :class:`~electsim.errors.UnknownNameError`.
    """
    from ..errors import UnknownNameError

    U = results.votes.shape[-2]
    mask = np.zeros(U, dtype=bool)
    if targets is None:
        mask[:] = True
        return mask
    items = [targets] if isinstance(targets, str | int | np.integer) else list(targets)
    region_names = [r.name for r in results.regions]
    for t in items:
        if isinstance(t, int | np.integer) and not isinstance(t, bool):
            if not 0 <= int(t) < U:
                raise UnknownNameError(f"unit index {t} is out of range 0..{U - 1}")
            mask[int(t)] = True
        elif isinstance(t, str) and t in region_names:
            r = region_names.index(t)
            if isinstance(results, PrecinctResults):
                mask |= results.region == r
            else:
                mask[r] = True
        elif (
            isinstance(t, str) and isinstance(results, PrecinctResults) and t in results.station_ids
        ):
            mask[results.station_ids.index(t)] = True
        else:
            raise UnknownNameError(
                f"unknown target {t!r}; regions are {', '.join(region_names)}"
                + (" (or station ids)" if isinstance(results, PrecinctResults) else "")
            )
    return mask
