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

The core every mechanism shares (``docs/models.md``, section 1): one abstainer rule
(:func:`abstainers_of`), one rounding rule (:func:`round_half_up`, :func:`split_exact`), one set
of samplers (:func:`sample_without_replacement`, :func:`sample_multinomial`), shared validators,
and :func:`renamed_parameters` for the deprecated v0.1 names.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, Protocol, TypeVar, cast, runtime_checkable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from .._exact import RateLike, as_count_array, parse_rate
from .._rng import normalise_rng  # the shared one; re-exported for the mechanisms
from ..election import Election, PrecinctResults
from ..errors import (
    ElectsimError,
    InvalidCountsError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
)

__all__ = [
    "Ledger",
    "Mode",
    "Perturbation",
    "Perturbed",
    "Results",
    "abstainers_of",
    "ballots_of",
    "broadcast_batch",
    "check_mode",
    "check_rate",
    "compose",
    "expected_counts",
    "finish",
    "floor_rate",
    "normalise_rng",
    "renamed_parameters",
    "round_half_up",
    "sample_multinomial",
    "sample_without_replacement",
    "split_exact",
    "unit_mask",
]

#: Products above this bound are computed with Python integers (object arrays) instead of int64.
_INT64_SAFE = 2**62
#: Decimals kept before rounding a float product (rate x count): 0.29 * 100 is
#: 28.999999999999996 in binary and must count as 29, 0.5 * 5 = 2.5 must round up.
_DECIMALS = 9

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
    """A probability parameter (scalar or array) in [0, 1], as float64; else ElectsimError.

    A scalar may be written as :func:`~electsim._exact.parse_rate` accepts it (``"30%"``,
    ``"3/10"``, ``Fraction(3, 10)``), like ``assumed_turnout``.

    >>> float(check_rate("30%", "leakage"))
    0.3
    """
    if isinstance(value, str | Fraction | Decimal):
        return np.asarray(float(parse_rate(value, name)))
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"{name}={value!r} is not a number or array of numbers") from exc
    if not np.isfinite(a).all() or (a < 0).any() or (a > 1).any():
        raise ElectsimError(f"{name}={value!r} must lie in [0, 1]")
    return a


def check_results(election: Any) -> Election | PrecinctResults:
    """Accept an :class:`~electsim.Election` or :class:`~electsim.PrecinctResults`."""
    if not isinstance(election, Election | PrecinctResults):
        raise ElectsimError(
            f"election must be an Election or PrecinctResults, got {type(election).__name__}"
        )
    return election


def check_party(party: Any, name: str = "party") -> None:
    """A party given by name, short code or index (resolved against the results at apply)."""
    if isinstance(party, bool) or not isinstance(party, str | int | np.integer):
        raise ElectsimError(f"{name}={party!r} must be a party name, short code or index")


def check_counts(value: Any, name: str) -> IntArray:
    """Non-negative integer counts (scalar or array) as int64; floats such as 2.5 are refused."""
    try:
        return as_count_array(value, name)
    except InvalidCountsError as exc:
        raise InvalidCountsError(f"{exc} ({name} must be non-negative integer counts)") from exc


def check_nonnegative(value: ArrayLike, name: str, *, upper: float | None = None) -> FloatArray:
    """A finite non-negative parameter (scalar or array) as float64, optionally ``<= upper``."""
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"{name}={value!r} is not a number or array of numbers") from exc
    if isinstance(value, bool) or not np.isfinite(a).all() or (a < 0).any():
        raise ElectsimError(f"{name}={value!r} must be finite and non-negative")
    if upper is not None and (a > upper).any():
        raise ElectsimError(f"{name}={value!r} must not exceed {upper}")
    return a


def check_turnout(value: RateLike | None, name: str = "assumed_turnout") -> Fraction | None:
    """An assumed turnout: an exact rate in (0, 1], or ``None``."""
    if value is None:
        return None
    t = parse_rate(value, name)
    if t <= 0:
        raise ElectsimError(f"{name}={value!r} leaves no ballots; it must lie in (0, 1]")
    return t


def round_half_up(x: ArrayLike) -> IntArray:
    """Expected counts (floats) rounded half up to int64, the one rounding rule of electsim.

    The value is first rounded to 9 decimals, so that a product such as ``0.5 * 5`` or
    ``0.1 * 25`` (2.5 exactly in decimal, 2.4999999999999996 or 2.5000000000000004 in binary)
    rounds as the decimal number the user meant.

    Examples
    --------
    >>> round_half_up([0.5, 1.5, 2.4999999999999996, 2.49]).tolist()
    [1, 2, 3, 2]
    """
    a = np.asarray(x, dtype=np.float64)
    if not np.isfinite(a).all():
        raise ElectsimError("cannot round NaN or infinite expected counts")
    return np.floor(np.round(a, _DECIMALS) + 0.5).astype(np.int64)


def floor_rate(rate: ArrayLike, counts: ArrayLike) -> IntArray:
    """``floor(rate * counts)`` after rounding the product to 9 decimals (0.29 * 100 -> 29).

    Examples
    --------
    >>> floor_rate(0.29, 100).item()
    29
    """
    prod = np.asarray(rate, dtype=np.float64) * np.asarray(counts, dtype=np.float64)
    return np.floor(np.round(prod, _DECIMALS)).astype(np.int64)


def expected_counts(expected: FloatArray, cap: ArrayLike, n_batch: int) -> IntArray:
    """Exact integer rounding of expected counts over all cells of each batch element.

    ``expected`` and ``cap`` have shape ``(*batch, *cells)`` with ``n_batch`` leading batch
    axes.  The total of every batch element is rounded half up (:func:`round_half_up`), then
    split over the cells in proportion to ``expected`` by largest remainder, never above
    ``cap`` (:func:`split_exact`).  Each cell gets the floor or the ceiling of its rescaled
    expectation, and the total is the rounded expected total (or the sum of the caps).
    """
    batch = expected.shape[:n_batch]
    cells = expected.shape[n_batch:]
    flat_w = expected.reshape(*batch, -1)
    flat_c = np.broadcast_to(np.asarray(cap, dtype=np.int64), expected.shape).reshape(*batch, -1)
    total = round_half_up(flat_w.sum(axis=-1))
    out = split_exact(total, flat_w, flat_c)
    return out.reshape(*batch, *cells)


def ballots_of(results: Results, what: str) -> IntArray:
    """Voters who took part per unit ``(*batch, U)``: party votes + against all + invalid.

    Invalid ballots unknown (station results built without them) raise
    :class:`~electsim.errors.MissingDataError`: every mechanism that needs the ballots (to
    know the abstainers, or to add invalid ballots) asks for an explicit assumption
    (``results.replace(invalid=...)``, e.g. 0) instead of silently assuming one.
    """
    if results.invalid is None:
        raise MissingDataError(
            f"{what} needs the ballots cast per unit, but these results have invalid=None "
            "(unknown); state an assumption with results.replace(invalid=...) (e.g. 0)"
        )
    assert results.against_all is not None
    out = np.asarray(results.votes, dtype=np.int64).sum(axis=-1) + results.against_all
    return np.asarray(out + results.invalid, dtype=np.int64)


def abstainers_of(
    results: Results,
    *,
    abstainers: ArrayLike | None,
    assumed_turnout: RateLike | None,
    what: str,
) -> IntArray:
    """Abstainers per unit ``(*batch, U)``: the one abstainer rule of every mechanism.

    1. Registered voters known: ``registered - ballots``.  ``abstainers=`` may restrict them
       (an array not above them, e.g. to count only some group); ``assumed_turnout=`` is
       refused (the data already say the turnout).
    2. Registered voters unknown: ``abstainers=`` (counts per unit, shape ``()``, ``(U,)`` or
       ``(*batch, U)``), or ``assumed_turnout=`` *t* in every unit, giving the exact
       ``floor(ballots * (1 - t) / t)``.
    3. Neither: :class:`~electsim.errors.MissingDataError`.

    Ballots are needed by rules 1 and the turnout assumption; unknown invalid ballots then raise
    (``ballots_of``).  ``abstainers`` and ``assumed_turnout`` together are refused.

    Examples
    --------
    >>> import electsim as es
    >>> e = es.Election([[60, 40]], parties="AB")
    >>> abstainers_of(e, abstainers=None, assumed_turnout="50%", what="demo").tolist()
    [100]
    """
    if abstainers is not None and assumed_turnout is not None:
        raise ElectsimError(f"{what}: give abstainers= or assumed_turnout=, not both")
    U = results.votes.shape[-2]
    batch = results.batch_shape
    a_user = None
    if abstainers is not None:
        a_user = check_counts(abstainers, "abstainers")
        if a_user.ndim and a_user.shape[-1] not in (1, U):
            raise ShapeMismatchError(
                f"abstainers has shape {a_user.shape}; its last axis must be the units ({U})"
            )
        try:
            a_user = np.broadcast_to(a_user, (*batch, U))
        except ValueError as exc:
            raise ShapeMismatchError(
                f"abstainers has shape {a_user.shape}; expected ({U},) or {(*batch, U)}"
            ) from exc
    t = check_turnout(assumed_turnout)
    if results.registered is not None:
        if t is not None:
            raise ElectsimError(
                f"{what}: assumed_turnout was given but the results have registered voters: "
                "abstainers are registered - ballots (pass abstainers= to restrict them)"
            )
        room = np.asarray(results.registered, dtype=np.int64) - ballots_of(results, what)
        if a_user is None:
            return np.asarray(np.broadcast_to(room, (*batch, U)), dtype=np.int64)
        if (a_user > room).any():
            raise ElectsimError(
                f"{what}: abstainers= exceeds registered - ballots in some unit; with "
                "registered voters known the assumption may only be smaller"
            )
        return np.asarray(a_user, dtype=np.int64)
    if a_user is not None:
        return np.asarray(a_user, dtype=np.int64)
    if t is not None:
        ballots = ballots_of(results, what)
        num, den = t.numerator, t.denominator
        if int(ballots.max(initial=0)) * (den - num) < _INT64_SAFE:
            return (ballots * np.int64(den - num)) // np.int64(num)
        return np.asarray((ballots.astype(object) * (den - num)) // num, dtype=np.int64)
    raise MissingDataError(
        f"{what} needs abstainers (registered - ballots), but the results have "
        "registered=None; build them with registered=..., or state an assumption with "
        "abstainers= (counts per unit) or assumed_turnout= (e.g. '56.5%')"
    )


_C = TypeVar("_C", bound=type)


def renamed_parameters(**old_to_new: str) -> Callable[[_C], _C]:
    """Class decorator: accept old keyword names for one release, with a DeprecationWarning.

    ``@renamed_parameters(buyer="party")`` makes ``Cls(buyer=x)`` mean ``Cls(party=x)`` and
    warn; giving both names raises :class:`~electsim.errors.ElectsimError`.
    """

    def wrap(cls: _C) -> _C:
        init = cls.__init__  # type: ignore[misc]

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            for old, new in old_to_new.items():
                if old in kwargs:
                    if new in kwargs:
                        raise ElectsimError(f"give {new}= only ({old}= is its deprecated name)")
                    warnings.warn(
                        f"{cls.__name__}({old}=...) is deprecated; use {new}= (the old name "
                        "will be removed in the next release)",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            init(self, *args, **kwargs)

        cls.__init__ = __init__  # type: ignore[misc]
        return cls

    return wrap


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


@dataclass(frozen=True, eq=False, repr=False)
class Ledger(HTMLReprMixin):
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

        def ints(x: ArrayLike, name: str, shape: tuple[int, ...]) -> IntArray:
            a = np.asarray(x)
            if a.dtype == bool or a.dtype.kind not in "iuf":
                raise InvalidCountsError(f"Ledger.from_changes: {name} must be integers")
            if a.dtype.kind == "f" and (~np.isfinite(a) | (a != np.floor(a))).any():
                raise InvalidCountsError(
                    f"Ledger.from_changes: {name} has non-integer values (e.g. 0.5); a ledger "
                    "counts whole votes and som (round before building it)"
                )
            try:
                return np.broadcast_to(a.astype(np.int64), shape)
            except ValueError as exc:
                raise ShapeMismatchError(
                    f"Ledger.from_changes: {name} has shape {a.shape}, expected {shape}"
                ) from exc

        def split(x: ArrayLike | None, shape: tuple[int, ...]) -> tuple[IntArray, IntArray]:
            if x is None:
                return _zeros(shape), _zeros(shape)
            a = ints(x, "a change", shape)
            return np.maximum(a, 0), np.maximum(-a, 0)

        vshape = results.votes.shape
        ushape = vshape[:-1]
        va, vr = split(votes, vshape)
        if votes_added is not None:
            va = va + ints(votes_added, "votes_added", vshape)
        if votes_removed is not None:
            vr = vr + ints(votes_removed, "votes_removed", vshape)
        aa, ar = split(against_all, ushape)
        ia, ir = split(invalid, ushape)
        ra, rr = split(registered, ushape)

        def arr(x: ArrayLike | None, shape: tuple[int, ...]) -> IntArray:
            if x is None:
                return _zeros(shape)
            return ints(x, "a count", shape).copy()

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
        for name in ("votes", "against_all", "invalid", "registered"):
            x = getattr(after, name)
            if x is not None and (np.asarray(x) < 0).any():
                raise ElectsimError(f"{self.mechanism}: negative {name} after the perturbation")
        if after.registered is not None:
            took_part = np.asarray(after.votes).sum(axis=-1) + np.asarray(after.against_all)
            if after.invalid is not None:
                took_part = took_part + after.invalid
            if (took_part > after.registered).any():
                raise ElectsimError(
                    f"{self.mechanism}: more ballots than registered voters after the perturbation"
                )

    def __repr__(self) -> str:
        t = self._totals()
        batch = self.cost_som.shape
        return (
            f"Ledger({self.mechanism!r}, batch={batch}, votes +{t['added']:,}/-{t['removed']:,}"
            f", ballots {t['ballots']:+,}, registered {t['registered']:+,}, "
            f"transported {t['transported']:,}, cost {t['cost']:,} som)"
        )

    def _totals(self) -> dict[str, int]:
        """Totals over every unit and batch element (plain ints)."""
        return {
            "added": int(self.votes_added.sum()),
            "removed": int(self.votes_removed.sum()),
            "ballots": int(self.net_ballots.sum()),
            "registered": int(self.net_registered.sum()),
            "transported": int(self.transported_out.sum()),
            "cost": int(self.cost_som.sum()),
            "invalid": int((self.invalid_added - self.invalid_removed).sum()),
            "against_all": int((self.against_all_added - self.against_all_removed).sum()),
        }

    def __str__(self) -> str:
        t = self._totals()
        n = int(np.prod(self.cost_som.shape)) if self.cost_som.ndim else 1
        head = f"Ledger: {self.mechanism or '(unnamed)'}"
        if self.cost_som.ndim:
            head += f" -- batch {self.cost_som.shape}, totals over all {n:,} elements"
        rows = [
            ("party votes added", t["added"]),
            ("party votes removed", t["removed"]),
            ("against all (net)", t["against_all"]),
            ("invalid ballots (net)", t["invalid"]),
            ("ballots (net)", t["ballots"]),
            ("registered voters (net)", t["registered"]),
            ("voters transported", t["transported"]),
            ("money spent (som)", t["cost"]),
        ]
        return "\n".join([head] + [f"  {k:<24} {v:>16,}" for k, v in rows])

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


@dataclass(frozen=True, eq=False, repr=False)
class Perturbed(HTMLReprMixin):
    """The output of a perturbation: the new results (same type as the input) and the ledger.

    ``repr``/``str`` show a summary (the results' shape and the ledger's totals), never the
    arrays; the arrays are ``election`` and the fields of ``ledger``.
    """

    election: Any  # Election | PrecinctResults, same type as the input
    ledger: Ledger
    before: Any = field(default=None, repr=False)

    def __str__(self) -> str:
        e = self.election
        kind = type(e).__name__
        shape = "x".join(map(str, e.votes.shape))
        return f"Perturbed {kind} (votes {shape})\n{self.ledger}"

    def __repr__(self) -> str:
        e = self.election
        return f"Perturbed({type(e).__name__} votes{tuple(e.votes.shape)}, ledger={self.ledger!r})"

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
def finish(
    original: Results,
    results: Results,
    mechanism: str,
    d_votes: IntArray,
    d_aa: IntArray | None,
    d_inv: IntArray | None,
    cost: IntArray | None,
) -> Perturbed:
    """New results from signed changes ``(*batch, U, P)`` / ``(*batch, U)``, with the ledger."""
    fields: dict[str, Any] = {"votes": results.votes + d_votes}
    if d_aa is not None:
        assert results.against_all is not None
        fields["against_all"] = results.against_all + d_aa
    if d_inv is not None:
        assert results.invalid is not None
        fields["invalid"] = results.invalid + d_inv
    ledger = Ledger.from_changes(
        results,
        mechanism=mechanism,
        votes=d_votes,
        against_all=d_aa,
        invalid=d_inv,
        cost_som=None if cost is None else np.reshape(cost, results.batch_shape),
    )
    return Perturbed(results.replace(**fields), ledger, before=original)


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


def _exact_weights(w: FloatArray) -> NDArray[Any]:
    """Float weights as exact integers with the same ratios (int64, or Python ints).

    Integer-valued weights below 2**53 stay as they are; otherwise every weight is a dyadic
    rational ``m * 2**e`` (``m`` a 53-bit integer) and all are scaled by the same power of two,
    which keeps every ratio exactly.
    """
    if w.size == 0 or ((w == np.floor(w)).all() and float(w.max(initial=0.0)) < 2.0**53):
        return w.astype(np.int64)
    mant, exp = np.frexp(w)
    m = (mant * 2.0**53).astype(np.int64)  # exact: |mant| < 1 has 53 significant bits
    e = exp.astype(np.int64) - 53
    e0 = int(e[m > 0].min()) if (m > 0).any() else 0
    shift = np.where(m > 0, e - e0, 0)
    out = np.empty(w.shape, dtype=object)
    flat_m, flat_s, flat_o = m.ravel(), shift.ravel(), out.ravel()
    for i in range(flat_m.size):  # Python ints: exact whatever the spread of the weights
        flat_o[i] = int(flat_m[i]) << int(flat_s[i])
    return out


def split_exact(total: ArrayLike, weights: ArrayLike, cap: ArrayLike | None = None) -> IntArray:
    """Split integer totals in proportion to weights, exactly, respecting per-cell caps.

    ``total`` has shape ``(*batch,)`` and ``weights`` ``(*batch, K)``; the result has shape
    ``(*batch, K)``, sums to ``min(total, cap.sum())`` in every row, never exceeds ``cap`` and is
    zero where the weight is zero (unless weights are all zero, then nothing is allocated).
    Rounding is largest remainder (Hare) on the exact quotas ``total * w_k / sum(w)`` -- integer
    arithmetic on the weights read exactly (floats as the binary numbers they are), Python
    integers where int64 could overflow -- with ties to the lowest index; cells that hit their
    cap are frozen and the rest is re-split (water filling).  This is the expected-value mode's
    "exact integer rounding that keeps totals".

    Raises
    ------
    InvalidCountsError
        ``total`` or ``cap`` not non-negative integers (a float such as 2.5 is refused, never
        truncated).
    ElectsimError
        Negative, NaN or infinite weights.

    Examples
    --------
    >>> split_exact(10, [1, 1, 1]).tolist()
    [4, 3, 3]
    >>> split_exact(10, [1, 1, 1], cap=[1, 9, 9]).tolist()
    [1, 5, 4]
    >>> split_exact(2**62, [1, 1, 1]).tolist()
    [1537228672809129302, 1537228672809129301, 1537228672809129301]
    """
    w = np.asarray(weights, dtype=np.float64)
    if w.ndim == 0:
        raise ShapeMismatchError("weights need a last axis (the cells to split over)")
    if (w < 0).any() or not np.isfinite(w).all():
        raise ElectsimError("weights must be finite and non-negative")
    t = as_count_array(total, "total")
    batch: tuple[int, ...] = np.broadcast_shapes(t.shape, w.shape[:-1])
    K = w.shape[-1]
    w = np.broadcast_to(w, (*batch, K)).reshape(-1, K)
    t = np.broadcast_to(t, batch).reshape(-1)
    if cap is None:
        capv = np.repeat(t[:, None], K, axis=1)  # a cell never needs more than its row's total
    else:
        c = as_count_array(cap, "cap")
        capv = np.broadcast_to(c, (*batch, K)).reshape(-1, K)
        capv = np.minimum(capv, t[:, None])
    capv = np.where(w > 0, capv, 0)
    if t.size and K and int(t.max()) * K >= _INT64_SAFE:  # Python integers: no overflow
        capv, t = capv.astype(object), t.astype(object)
    out = np.zeros(w.shape, dtype=capv.dtype)
    left = np.minimum(t, capv.sum(axis=1))
    free = capv > out
    for _ in range(K + 1):
        add, rows = _largest_remainder_step(w, left, free)
        if not rows.any():
            break
        take = np.minimum(add, capv - out)
        out = out + take
        left = left - take.sum(axis=1)
        free = capv > out
    return np.asarray(out, dtype=np.int64).reshape(*batch, K)


def _largest_remainder_step(
    w: FloatArray, left: NDArray[Any], free: NDArray[np.bool_]
) -> tuple[NDArray[Any], NDArray[np.bool_]]:
    """Largest-remainder split of ``left`` ``(N,)`` over the free cells of ``w`` ``(N, K)``.

    Rows are first computed with float64 quotas and accepted only with a certificate: every
    remainder is farther than the float error bound from 0 and 1 (the floors are exact), and the
    k-th and (k+1)-th largest remainders differ by more than twice the bound (the rounded-up
    cells are the right ones).  The other rows -- exact ties, near-ties, huge totals -- are
    recomputed with integers on the weights read exactly (:func:`_exact_weights`).
    """
    K = w.shape[1]
    ww = np.where(free, w, 0.0)
    ws = ww.sum(axis=1)
    rows = (left > 0) & (ws > 0)
    add = np.zeros(w.shape, dtype=left.dtype)
    if not rows.any():
        return add, rows
    pos = free & (ww > 0)
    lf = np.where(rows, left, 0).astype(np.float64)
    small = lf < 2.0**50
    q = ww * (lf / np.where(rows, ws, 1.0))[:, None]
    base = np.floor(q)
    rem = q - base
    # relative error of a quota: the sum of K terms and a product and a division, << (K + 4) eps
    err = ((K + 4) * 2.0**-52 * q.max(axis=1, initial=0.0))[:, None]
    # a floor is exact when the quota is farther than err from an integer above 0 (a quota in
    # [0, 1 - err) floors to 0 whatever its error: true quotas are never negative)
    floor_ok = ((rem > err) | (base == 0)) & (rem < 1.0 - err)
    ok = rows & small & np.where(pos, floor_ok, True).all(axis=1)
    basei = np.where(small[:, None], base, 0.0).astype(np.int64)
    k = np.where(small, lf, 0.0).astype(np.int64) - basei.sum(axis=1)
    npos = pos.sum(axis=1)
    ok &= (k >= 0) & (k <= npos)
    key = np.where(pos, rem, -1.0)
    if K > 1:
        # the cells whose remainder is within 2 err of the k-th largest are the only ones whose
        # order is uncertain; if they all have the same weight their true remainders are equal
        # too, and the stable sort gives them to the lowest index, as the exact rule does
        desc = -np.sort(-key, axis=1)
        kth = np.take_along_axis(desc, np.clip(k - 1, 0, K - 1)[:, None], axis=1)
        near = pos & (np.abs(rem - kth) <= 2.0 * err)
        same = np.where(near, ww, np.inf).min(axis=1) == np.where(near, ww, -np.inf).max(axis=1)
        ok &= (k == 0) | (k >= npos) | same
    order = np.argsort(-key, axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(K), order.shape), axis=1)
    fast = basei + ((rank < k[:, None]) & pos)
    add[ok] = fast[ok]
    bad = rows & ~ok
    if bad.any():
        add[bad] = _exact_step(w[bad], left[bad], free[bad])
    return add, rows


def _exact_step(w: FloatArray, left: NDArray[Any], free: NDArray[np.bool_]) -> NDArray[Any]:
    """:func:`_largest_remainder_step` in exact integer arithmetic (rows with ``left > 0``)."""
    K = w.shape[1]
    W = _exact_weights(np.where(free, w, 0.0))
    big = W.dtype == object or left.dtype == object
    if not big:
        big = int(left.max()) * max(int(W.max(initial=0)), 1) * K >= _INT64_SAFE
    if big:
        W, left = W.astype(object), left.astype(object)
    ws = W.sum(axis=1)
    den = np.where(ws > 0, ws, 1)
    num = W * left[:, None]
    base = num // den[:, None]
    rem = num - base * den[:, None]  # remainders share the row's denominator
    k = (left - base.sum(axis=1)).astype(np.int64)
    # largest remainders (ties: lowest index), only among cells with weight
    pos = free & (W > 0)
    order = np.argsort(np.where(pos, -rem, 1), axis=1, kind="stable")
    rank = np.empty_like(order)
    np.put_along_axis(rank, order, np.broadcast_to(np.arange(K), order.shape), axis=1)
    return base + ((rank < k[:, None]) & pos)


def sample_without_replacement(
    rng: np.random.Generator, n: ArrayLike, counts: ArrayLike
) -> IntArray:
    """Draw ``n`` items without replacement from categories with ``counts`` (batched).

    Multivariate hypergeometric, exact: a binary tree over the ``K`` categories, each level one
    vectorised univariate hypergeometric draw (``ceil(log2 K)`` levels, no loop over the batch
    or the categories).  ``n`` ``(*batch,)``, ``counts`` ``(*batch, K)`` -> ``(*batch, K)``,
    never above ``counts``.  ``n`` above the total count draws everything (the result is then
    ``counts``): callers that must not exceed a pool rely on this.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sample_without_replacement(rng, 10, [3, 4]).tolist()
    [3, 4]
    """
    c = as_count_array(counts, "counts")
    nn = as_count_array(n, "n")
    batch = np.broadcast_shapes(nn.shape, c.shape[:-1])
    D = c.shape[-1]
    c2 = np.broadcast_to(c, (*batch, D)).reshape(-1, D)
    n2 = np.minimum(np.broadcast_to(nn, batch).reshape(-1), c2.sum(axis=-1))
    N = c2.shape[0]
    L = int(np.ceil(np.log2(D))) if D > 1 else 0
    padded = np.zeros((N, 1 << L), dtype=np.int64)
    padded[:, :D] = c2
    levels = [padded]
    for _ in range(L):
        levels.append(levels[-1].reshape(N, -1, 2).sum(axis=-1))
    levels.reverse()  # levels[l] has shape (N, 2**l)
    x = n2[:, None]
    for lev in range(L):
        child = levels[lev + 1]
        good, bad = child[:, 0::2], child[:, 1::2]
        draw = rng.hypergeometric(good, bad, x) if x.size else x
        draw = np.where(x > 0, draw, 0)
        x = np.stack([draw, x - draw], axis=-1).reshape(N, -1)
    return np.ascontiguousarray(x[:, :D], dtype=np.int64).reshape(*batch, D)


def sample_multinomial(rng: np.random.Generator, n: ArrayLike, weights: ArrayLike) -> IntArray:
    """Multinomial draws of ``n`` ``(*batch,)`` over ``weights`` ``(*batch, K)`` (batched).

    Weights need not be normalised; a row whose weights are all zero draws nothing.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> sample_multinomial(rng, [5, 7], [[1, 0], [0, 0]]).tolist()
    [[5, 0], [0, 0]]
    """
    w = np.asarray(weights, dtype=np.float64)
    nn = as_count_array(n, "n")
    batch = np.broadcast_shapes(nn.shape, w.shape[:-1])
    w = np.broadcast_to(w, (*batch, w.shape[-1]))
    ws = w.sum(axis=-1, keepdims=True)
    p = np.where(ws > 0, w / np.where(ws > 0, ws, 1.0), 0.0)
    p[..., -1] = np.where(ws[..., 0] > 0, np.clip(1.0 - p[..., :-1].sum(axis=-1), 0.0, 1.0), 0)
    p = p / np.where(p.sum(axis=-1, keepdims=True) > 0, p.sum(axis=-1, keepdims=True), 1.0)
    draws = np.where(ws[..., 0] > 0, np.broadcast_to(nn, batch), 0)
    safe = np.where(ws > 0, p, 1.0 / p.shape[-1])
    return np.asarray(rng.multinomial(draws, safe), dtype=np.int64)


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
