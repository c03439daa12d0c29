"""Method registry, tie records and the tie policies shared by every apportionment method."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np
from numpy.typing import NDArray

from ..errors import ElectsimError, UnknownMethodError

__all__ = [
    "TIE_POLICIES",
    "Method",
    "MethodKernel",
    "MethodReference",
    "TieBreak",
    "TieRecord",
    "available_methods",
    "blocked",
    "get_method",
    "register",
    "resolve_tie",
]

TieBreak = Literal["raise", "lowest_index", "most_votes", "lot"]
TIE_POLICIES: tuple[str, ...] = ("raise", "lowest_index", "most_votes", "lot")

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class TieRecord:
    """One tie inside a method run: ``n_seats`` seats had to be split among ``contenders``.

    Attributes
    ----------
    row : int
        Flat index of the election in the batch (``np.unravel_index`` gives the batch index).
    contenders : tuple of int
        Party indices with exactly equal claims (equal remainders or equal averages).
    n_seats : int
        How many of them get a seat (fewer than ``len(contenders)``).
    winners : tuple of int
        The parties that got those seats.
    resolution : str
        The policy that decided (``"lowest_index"``, ``"most_votes"``, ``"lot"``, or
        ``"most_votes, then lowest_index"`` when votes were equal too).
    stage : str
        Where it happened (``"remainder"``, ``"overallocation"``, ``"average"``, ``"first seat"``).
    round : int
        The seat-cap round (0 = the first run of the method; r > 0 = the r-th re-allocation
        after parties were held to a cap), set by :func:`electsim.stages.apportion`.
    """

    row: int
    contenders: tuple[int, ...]
    n_seats: int
    winners: tuple[int, ...]
    resolution: str
    stage: str = ""
    round: int = 0


def resolve_tie(
    contenders: Sequence[int],
    n_seats: int,
    votes: Sequence[int],
    policy: str,
    rng: np.random.Generator | None,
) -> tuple[tuple[int, ...], str]:
    """Choose ``n_seats`` winners among tied ``contenders`` by ``policy``.

    ``"raise"`` is not handled here (callers collect the tie and raise once); it resolves like
    ``"lowest_index"`` so a result can still be reported in the error.
    """
    c = sorted(int(i) for i in contenders)
    if policy in ("lowest_index", "raise"):
        return tuple(c[:n_seats]), "lowest_index"
    if policy == "most_votes":
        ranked = sorted(c, key=lambda i: (-int(votes[i]), i))
        resolution = "most_votes"
        if n_seats < len(ranked) and int(votes[ranked[n_seats - 1]]) == int(votes[ranked[n_seats]]):
            resolution = "most_votes, then lowest_index"
        return tuple(sorted(ranked[:n_seats])), resolution
    if policy == "lot":
        if rng is None:
            raise ElectsimError("tie_break='lot' needs an rng (pass rng= to allocate)")
        picked = rng.choice(np.asarray(c), size=n_seats, replace=False)
        return tuple(sorted(int(i) for i in picked)), "lot"
    raise UnknownMethodError(f"tie_break={policy!r} is unknown; use one of {TIE_POLICIES}")


class MethodKernel(Protocol):
    """Batch kernel ``(votes (N,P), seats (N,), eligible (N,P), tie_break, rng)``.

    Returns ``(alloc (N,P), ties)``.
    """

    def __call__(
        self,
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]: ...


class MethodReference(Protocol):
    """Slow exact reference for one election: ``(votes, seats, eligible, tie_break, rng)``."""

    def __call__(
        self,
        votes: Sequence[int],
        seats: int,
        eligible: Sequence[bool],
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[list[int], list[TieRecord]]: ...


@dataclass(frozen=True)
class Method:
    """An apportionment method: a fast batch kernel and a slow exact reference.

    Attributes
    ----------
    name : str
        Registry name (``"hare"``, ``"dhondt"``, ...).
    family : {"quota", "divisor", "custom"}
    kernel : MethodKernel
        Vectorised over a batch of elections ``(N, P)``.
    reference : MethodReference or None
        Exact per-election implementation (``Fraction``/integers), used by tests and as the
        fall-back for near-ties in float-screened kernels.
    description : str
        One line, with the quota or divisor formula.
    gives_every_party_a_seat : bool
        True for divisor methods with ``d(0) = 0`` (Adams, Dean, Huntington-Hill).

    Calling a method runs its kernel; rows whose vote total reaches ``2**62`` are refused with
    an :class:`~electsim.errors.ElectsimError` (the kernels work in int64).
    """

    name: str
    family: Literal["quota", "divisor", "custom"]
    kernel: MethodKernel
    reference: MethodReference | None
    description: str = ""
    aliases: tuple[str, ...] = ()
    gives_every_party_a_seat: bool = False

    def __reduce__(self) -> str | tuple[Any, ...]:
        """Registered methods pickle by name (their kernels are closures)."""
        if _REGISTRY.get(self.name) is self:
            return (get_method, (self.name,))
        raise ElectsimError(
            f"method {self.name!r} is not registered and cannot be pickled; register() it"
        )

    def __repr__(self) -> str:
        return f"Method({self.name!r}, family={self.family!r})"

    def __call__(
        self,
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str = "raise",
        rng: np.random.Generator | None = None,
    ) -> tuple[IntArray, list[TieRecord]]:
        if seats.size and not 0 <= int(seats.min()) <= int(seats.max()) <= MAX_KERNEL_SEATS:
            raise ElectsimError(
                f"seats: {int(seats.max())} is outside 0..{MAX_KERNEL_SEATS:,}, the house sizes "
                "the kernels allocate exactly"
            )
        P = votes.shape[-1]
        if votes.size and int(votes.max()) * P >= 2**62:
            totals = np.asarray(votes, dtype=object).sum(axis=-1)
            if max(np.ravel(totals).tolist()) >= 2**62:
                raise ElectsimError(
                    "votes: a row's total reaches 2**62; the kernels work in int64 and refuse it"
                )
        return self.kernel(votes, seats, eligible, tie_break, rng)


#: Largest house size the kernels accept (the same bound as ``electsim.system.MAX_SEATS``).
MAX_KERNEL_SEATS = 10**9

#: Rows per block in the batch kernels: blocks of ~1 MB keep the elementwise passes in cache.
BLOCK_ROWS = 8192


def blocked(kernel: MethodKernel) -> MethodKernel:
    """Run a batch kernel over blocks of :data:`BLOCK_ROWS` rows (memory tiling, not a loop
    over elections: results are identical for any block size)."""

    def run(
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]:
        N = votes.shape[0]
        if N <= BLOCK_ROWS:
            return kernel(votes, seats, eligible, tie_break, rng)
        out = np.empty(votes.shape, dtype=np.int64)
        ties: list[TieRecord] = []
        for lo in range(0, N, BLOCK_ROWS):
            hi = min(lo + BLOCK_ROWS, N)
            a, t = kernel(votes[lo:hi], seats[lo:hi], eligible[lo:hi], tie_break, rng)
            out[lo:hi] = a
            ties += [
                TieRecord(x.row + lo, x.contenders, x.n_seats, x.winners, x.resolution, x.stage)
                for x in t
            ]
        return out, ties

    return run


_REGISTRY: dict[str, Method] = {}
_ALIASES: dict[str, str] = {}


def register(method: Method) -> Method:
    """Add a method to the registry under its name and aliases (names must be new)."""
    for key in (method.name, *method.aliases):
        if key in _REGISTRY or key in _ALIASES:
            raise ElectsimError(f"method name {key!r} is already registered")
    _REGISTRY[method.name] = method
    for a in method.aliases:
        _ALIASES[a] = method.name
    return method


def available_methods(family: str | None = None) -> tuple[str, ...]:
    """Names of the registered methods, optionally of one family (``"quota"``/``"divisor"``)."""
    return tuple(n for n, m in _REGISTRY.items() if family is None or m.family == family)


def _normalise(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return plain.strip().lower().replace("-", "_").replace(" ", "_").replace("'", "")


def get_method(method: str | Method | Callable[..., object]) -> Method:
    """Look a method up by name (or alias), or wrap a callable.

    A callable ``f(votes, seats) -> alloc`` receives ``votes`` of shape ``(N, P)`` (ineligible
    parties' votes set to 0) and ``seats`` of shape ``(N,)`` and must return non-negative
    integers of shape ``(N, P)`` that sum to ``seats`` and give nothing to zero-vote parties;
    electsim checks this and raises otherwise.  Custom methods report no ties.

    Raises
    ------
    UnknownMethodError
        Listing the valid names.

    Examples
    --------
    >>> get_method("dhondt").family
    'divisor'
    >>> get_method("Jefferson").name
    'dhondt'
    """
    if isinstance(method, Method):
        return method
    if isinstance(method, str):
        key = _normalise(method)
        key = _ALIASES.get(key, key)
        if key in _REGISTRY:
            return _REGISTRY[key]
        raise UnknownMethodError(
            f"method={method!r} is unknown; valid names: {', '.join(sorted(_REGISTRY))} "
            f"(aliases: {', '.join(sorted(_ALIASES))})"
        )
    if callable(method):
        return _custom(method)
    raise UnknownMethodError(f"method={method!r} is neither a method name nor a callable")


def _custom(fn: Callable[..., object]) -> Method:
    def kernel(
        votes: IntArray,
        seats: IntArray,
        eligible: BoolArray,
        tie_break: str,
        rng: np.random.Generator | None,
    ) -> tuple[IntArray, list[TieRecord]]:
        v = np.where(eligible, votes, 0)
        v.setflags(write=False)
        out = np.asarray(fn(v, seats.copy()))
        if out.shape != votes.shape:
            raise ElectsimError(f"custom method returned shape {out.shape}; expected {votes.shape}")
        if out.dtype.kind not in "iu":
            raise ElectsimError(f"custom method returned dtype {out.dtype}; expected integers")
        out = out.astype(np.int64)
        has_votes = v.sum(axis=-1) > 0
        want = np.where(has_votes, seats, 0)
        if (out < 0).any() or (out.sum(axis=-1) != want).any() or (out[v == 0] != 0).any():
            raise ElectsimError(
                "custom method returned an invalid allocation (negative seats, wrong total, "
                "or seats for a party without votes)"
            )
        return out, []

    name = getattr(fn, "__name__", "custom")
    return Method(
        name=str(name),
        family="custom",
        kernel=kernel,
        reference=None,
        description=f"user method {name}",
    )
