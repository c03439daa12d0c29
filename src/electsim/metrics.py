"""Descriptive metrics of an allocation: wasted votes, disproportionality, party-system size,
bloc seats, majorities and voting power.

Every metric is *array-first and batched*: votes and seats have shape ``(*batch, P)`` (leading
batch dimensions -- Monte Carlo draws, sweep points -- and ``P`` parties) and results have shape
``(*batch,)``, computed without Python loops over the batch.  Results are always ``ndarray``; an
unbatched input (shape ``(P,)``) gives a 0-d array, which prints, formats and converts with
``float()`` / ``int()`` like a scalar.

Every function also accepts an *allocation* in place of the arrays (duck-typed, see
:class:`AllocationLike`): its national party votes ``allocation.votes``, its seats
``allocation.seats``, the against-all and invalid ballots of ``allocation.election``, the party
blocs of ``allocation.election.parties`` and the house size ``allocation.system.seats``.

========================================  ===================================================
Wasted votes                              :func:`wasted_votes`, :func:`wasted_vote_share`
Disproportionality (percentage points)    :func:`gallagher`, :func:`loosemore_hanby`,
                                          :func:`sainte_lague_index`
Effective number of parties               :func:`laakso_taagepera`, :func:`golosov`
Blocs and majorities                      :func:`bloc_seats`, :func:`majority_threshold`,
                                          :func:`has_majority`
Voting power (exact, per game)            :func:`banzhaf`, :func:`shapley_shubik`
========================================  ===================================================

Floats describe results here; the only decisions (majority thresholds, power indices) are made
with integers and :class:`~fractions.Fraction`.  Metrics that are undefined for an element of a
batch (no ballots, no seats allocated) are ``NaN`` for that element, without a warning: in batch
work a degenerate draw (nobody passes the threshold) is data, not an error.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal, NamedTuple, Protocol, TypeAlias, cast, overload

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._exact import as_count_array, parse_rate
from .election import lookup_index
from .errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)

__all__ = [
    "AllocationLike",
    "banzhaf",
    "bloc_seats",
    "gallagher",
    "golosov",
    "has_majority",
    "laakso_taagepera",
    "loosemore_hanby",
    "majority_threshold",
    "sainte_lague_index",
    "shapley_shubik",
    "wasted_vote_share",
    "wasted_votes",
]


# --------------------------------------------------------------------------------------------
# The allocation contract (duck typing: allocate.py is not imported here)
# --------------------------------------------------------------------------------------------


class _PartyLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def bloc(self) -> str | None: ...


class _ElectionLike(Protocol):
    @property
    def national_against_all(self) -> ArrayLike: ...

    @property
    def national_invalid(self) -> ArrayLike: ...

    @property
    def parties(self) -> Sequence[_PartyLike]: ...


class _SystemLike(Protocol):
    @property
    def seats(self) -> int: ...


class AllocationLike(Protocol):
    """What the metrics read from an allocation (``electsim.allocate.Allocation`` satisfies it).

    Attributes
    ----------
    seats : int64 array, shape ``(*batch, P)``
    votes : int64 array, shape ``(*batch, P)``
        National party votes.
    election
        With ``national_against_all`` and ``national_invalid`` (int64, ``(*batch,)``) and
        ``parties`` (a sequence of ``P`` objects with ``.name`` and ``.bloc``).
    system
        With ``seats``: the house size (int).
    """

    @property
    def seats(self) -> ArrayLike: ...

    @property
    def votes(self) -> ArrayLike: ...

    @property
    def election(self) -> _ElectionLike: ...

    @property
    def system(self) -> _SystemLike: ...


CountsLike: TypeAlias = "ArrayLike | AllocationLike"
Base = Literal["party_votes", "valid", "ballots"]
By = Literal["votes", "seats"]
MajorityKind: TypeAlias = "Literal['simple', 'two_thirds'] | Fraction | Decimal | int"

_BASES: tuple[str, ...] = ("party_votes", "valid", "ballots")
_BYS: tuple[str, ...] = ("votes", "seats")
_KINDS: tuple[str, ...] = ("simple", "two_thirds")


def _is_allocation(obj: object) -> bool:
    """Duck-typed test for the allocation contract (arrays and sequences never match)."""
    return not isinstance(obj, np.ndarray | list | tuple) and all(
        hasattr(obj, attr) for attr in ("seats", "votes", "election")
    )


class _Counts(NamedTuple):
    votes: NDArray[np.int64]  # (*batch, P)
    seats: NDArray[np.int64]  # (*batch, P)
    against_all: NDArray[np.int64]  # (*batch,)
    invalid: NDArray[np.int64]  # (*batch,)


def _batch_counts(value: ArrayLike, name: str, batch: tuple[int, ...]) -> NDArray[np.int64]:
    """Validate per-election counts and broadcast them to the batch shape ``batch``."""
    arr = as_count_array(value, name)
    try:
        fits = np.broadcast_shapes(arr.shape, batch) == batch
    except ValueError:
        fits = False
    if not fits:
        raise ShapeMismatchError(
            f"{name} has shape {arr.shape}, which does not broadcast to the batch shape {batch} "
            "of the votes (shape (*batch, P)); give one count per election"
        )
    return np.broadcast_to(arr, batch)


def _votes_seats(
    votes: CountsLike,
    seats: ArrayLike | None,
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> _Counts:
    """Extract and validate ``(votes, seats, against_all, invalid)`` from arrays or an allocation.

    With arrays, omitted ``against_all`` / ``invalid`` are zero.  With an allocation, the three
    optional arguments must be omitted (they are read from the allocation).
    """
    if _is_allocation(votes):
        alloc = cast(AllocationLike, votes)
        for pname, given in (("seats", seats), ("against_all", against_all), ("invalid", invalid)):
            if given is not None:
                raise ElectsimError(
                    f"{pname}= was given together with an allocation; an allocation already "
                    f"holds it -- pass either an allocation alone or arrays"
                )
        v = as_count_array(alloc.votes, "allocation.votes")
        s = as_count_array(alloc.seats, "allocation.seats")
        aa_value: ArrayLike = alloc.election.national_against_all
        inv_value: ArrayLike = alloc.election.national_invalid
        names = (
            "allocation.votes",
            "allocation.seats",
            "allocation.election.national_against_all",
            "allocation.election.national_invalid",
        )
    else:
        if seats is None:
            raise ElectsimError(
                "seats is required when votes is an array; pass seats of shape (*batch, P), "
                "or an allocation as the only argument"
            )
        v = as_count_array(cast(ArrayLike, votes), "votes")
        s = as_count_array(seats, "seats")
        aa_value = 0 if against_all is None else against_all
        inv_value = 0 if invalid is None else invalid
        names = ("votes", "seats", "against_all", "invalid")
    if v.ndim == 0 or v.shape[-1] == 0:
        raise ShapeMismatchError(
            f"{names[0]} has shape {v.shape}; it must have shape (*batch, P) with P >= 1 parties"
        )
    if s.shape != v.shape:
        raise ShapeMismatchError(
            f"{names[1]} has shape {s.shape} but {names[0]} has shape {v.shape}; "
            "they must have the same shape (*batch, P)"
        )
    batch = v.shape[:-1]
    aa = _batch_counts(aa_value, names[2], batch)
    inv = _batch_counts(inv_value, names[3], batch)
    return _Counts(v, s, aa, inv)


def _shares(counts: NDArray[np.int64]) -> NDArray[np.float64]:
    """Shares along the last axis, ``NaN`` where the total is 0 (no warning)."""
    total = counts.sum(axis=-1, keepdims=True)
    out = np.full(counts.shape, np.nan)
    np.divide(counts, total, out=out, where=total > 0)
    return out


# --------------------------------------------------------------------------------------------
# Wasted votes
# --------------------------------------------------------------------------------------------


def wasted_votes(
    votes: CountsLike,
    seats: ArrayLike | None = None,
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> NDArray[np.int64]:
    """Number of ballots that elected nobody.

    ``wasted = Σ_{i: s_i = 0} v_i + against_all + invalid``: the votes of every party that won
    no seat, plus the against-all ballots and the invalid ballots.  This is the "votes for
    unrepresented parties" definition used in threshold debates; surplus votes of represented
    parties (the efficiency-gap notion) are *not* counted.

    Parameters
    ----------
    votes : array_like of int, shape ``(*batch, P)``, or an allocation
        National party votes.  Given an allocation, pass nothing else: votes, seats, against-all
        and invalid ballots are read from it.
    seats : array_like of int, shape ``(*batch, P)``
        Seats won; required with arrays.
    against_all, invalid : array_like of int, shape ``(*batch,)`` or broadcastable, optional
        Against-all and invalid ballots; ``0`` when omitted.

    Returns
    -------
    ndarray of int64, shape ``(*batch,)``

    Raises
    ------
    ElectsimError
        Invalid counts (negative, NaN, fractional), mismatched shapes, or ``seats`` /
        ``against_all`` / ``invalid`` given together with an allocation.

    See Also
    --------
    wasted_vote_share : the same count as a share of the ballots.

    Examples
    --------
    >>> wasted_votes([50, 30, 20, 5], [6, 4, 0, 0], against_all=10, invalid=5)
    array(40)
    >>> wasted_votes([[50, 30, 20], [50, 30, 20]], [[6, 4, 0], [5, 3, 2]]).tolist()
    [20, 0]
    """
    c = _votes_seats(votes, seats, against_all, invalid)
    lost = np.where(c.seats == 0, c.votes, 0).sum(axis=-1)
    return np.asarray(lost + c.against_all + c.invalid, dtype=np.int64)


def wasted_vote_share(
    votes: CountsLike,
    seats: ArrayLike | None = None,
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Share of the ballots (voters who took part) that elected nobody.

    .. math:: w = \\frac{\\sum_{i: s_i = 0} v_i + a + n}{\\sum_i v_i + a + n}

    with party votes ``v``, seats ``s``, against-all ballots ``a`` and invalid ballots ``n``; the
    denominator is the number of ballots, the base of the Kyrgyz threshold.  A fraction in
    ``[0, 1]`` (not percent).  If no party won a seat, every ballot is wasted (``1.0``).

    Parameters
    ----------
    votes, seats, against_all, invalid
        As in :func:`wasted_votes` (arrays, or an allocation alone).

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        ``NaN``, without a warning, where there are no ballots at all.

    Examples
    --------
    Parties C and D won nothing: (20 + 5 + 10 + 5) / (105 + 10 + 5) = 40 / 120.

    >>> round(float(wasted_vote_share([50, 30, 20, 5], [6, 4, 0, 0], 10, 5)), 4)
    0.3333
    >>> wasted_vote_share([[0, 0], [1, 3]], [[0, 0], [0, 2]]).tolist()
    [nan, 0.25]
    """
    c = _votes_seats(votes, seats, against_all, invalid)
    lost = np.where(c.seats == 0, c.votes, 0).sum(axis=-1) + c.against_all + c.invalid
    ballots = c.votes.sum(axis=-1) + c.against_all + c.invalid
    out = np.full(ballots.shape, np.nan)
    np.divide(lost, ballots, out=out, where=ballots > 0)
    return out


# --------------------------------------------------------------------------------------------
# Disproportionality
# --------------------------------------------------------------------------------------------


def _share_pairs(
    votes: CountsLike,
    seats: ArrayLike | None,
    base: str,
    against_all: ArrayLike | None,
    invalid: ArrayLike | None,
) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
    """Vote and seat shares over the lines of ``base``, plus a mask of defined elements.

    Returns ``(v, s, defined)``: ``v`` and ``s`` of shape ``(*batch, L)`` where ``L`` is ``P``
    (``base="party_votes"``), ``P + 1`` (``"valid"``: + against all) or ``P + 2``
    (``"ballots"``: + against all + invalid); ``defined`` of shape ``(*batch,)``.
    """
    if not isinstance(base, str) or base not in _BASES:
        raise UnknownMethodError(f"base={base!r} is not known; use one of {list(_BASES)}")
    if not _is_allocation(votes):
        needed = {
            "party_votes": (),
            "valid": ("against_all",),
            "ballots": ("against_all", "invalid"),
        }
        for pname, given in (("against_all", against_all), ("invalid", invalid)):
            if pname in needed[base] and given is None:
                raise MissingDataError(
                    f"base={base!r} needs {pname}= (one count per election, shape (*batch,)); "
                    "pass it, or use base='party_votes'"
                )
            if pname not in needed[base] and given is not None:
                raise ElectsimError(
                    f"{pname}= is not used with base={base!r}; it is only used with "
                    + ("base='ballots'" if pname == "invalid" else "base='valid' or 'ballots'")
                )
    c = _votes_seats(votes, seats, against_all, invalid)
    batch = c.votes.shape[:-1]
    lines = [c.votes]
    if base in ("valid", "ballots"):
        lines.append(c.against_all[..., None])
    if base == "ballots":
        lines.append(c.invalid[..., None])
    v_counts = np.concatenate(lines, axis=-1) if len(lines) > 1 else c.votes
    extra = v_counts.shape[-1] - c.seats.shape[-1]
    s_counts = np.concatenate([c.seats, np.zeros((*batch, extra), dtype=np.int64)], axis=-1)
    defined = (v_counts.sum(axis=-1) > 0) & (c.seats.sum(axis=-1) > 0)
    return _shares(v_counts), _shares(s_counts), defined


def gallagher(
    votes: CountsLike,
    seats: ArrayLike | None = None,
    *,
    base: Base = "party_votes",
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Gallagher's least-squares index of disproportionality, in percentage points.

    .. math:: \\mathrm{LSq} = \\sqrt{\\tfrac12 \\sum_i (V_i - S_i)^2}

    with vote and seat shares ``V_i``, ``S_i`` in percent.  ``0`` is perfect proportionality;
    the maximum is 100.

    Parameters
    ----------
    votes : array_like of int, shape ``(*batch, P)``, or an allocation
        Party votes (an allocation supplies everything; pass no other array).
    seats : array_like of int, shape ``(*batch, P)``
        Seats won; required with arrays.
    base : {'party_votes', 'valid', 'ballots'}
        Denominator of the vote shares.  ``'party_votes'`` (default): the sum of party votes,
        as in most of the literature.  ``'valid'``: party votes + against-all ballots, and the
        against-all line enters the index as one more line with zero seats.  ``'ballots'``:
        party votes + against all + invalid ballots, with against all and invalid as two
        zero-seat lines.  With these two bases, vote shares still sum to 1 over the lines, so the
        bounds of the index are unchanged; the ballots that elected nobody now count as
        disproportionality.  Seat shares are always of the seats allocated.
    against_all, invalid : array_like of int, shape ``(*batch,)``, optional
        Required (with arrays) exactly when ``base`` needs them.

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        ``NaN`` where the base is 0 or no seat was allocated (no warning).

    References
    ----------
    M. Gallagher (1991), "Proportionality, disproportionality and electoral systems",
    *Electoral Studies* 10(1): 33-51. doi:10.1016/0261-3794(91)90004-C

    Examples
    --------
    Shares (50, 30, 20) % against (60, 30, 10) %: sqrt((10² + 0² + 10²) / 2) = 10.

    >>> gallagher([50, 30, 20], [6, 3, 1])
    array(10.)
    >>> round(float(gallagher([50, 30, 20], [6, 3, 1], base="valid", against_all=25)), 2)
    20.88
    """
    v, s, defined = _share_pairs(votes, seats, base, against_all, invalid)
    out = 100.0 * np.sqrt(0.5 * np.sum((v - s) ** 2, axis=-1))
    return np.asarray(np.where(defined, out, np.nan), dtype=np.float64)


def loosemore_hanby(
    votes: CountsLike,
    seats: ArrayLike | None = None,
    *,
    base: Base = "party_votes",
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Loosemore-Hanby index of disproportionality, in percentage points.

    .. math:: D = \\tfrac12 \\sum_i |V_i - S_i|

    with vote and seat shares in percent: the share of seats held by over-represented lines.

    Parameters
    ----------
    votes, seats, base, against_all, invalid
        As in :func:`gallagher`; ``base`` sets the denominator of the vote shares
        (``'party_votes'``, ``'valid'`` or ``'ballots'``).

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        In ``[0, 100]``; ``NaN`` where the base is 0 or no seat was allocated.

    References
    ----------
    J. Loosemore and V. J. Hanby (1971), "The theoretical limits of maximum distortion: some
    analytic expressions for electoral systems", *British Journal of Political Science* 1(4):
    467-477. doi:10.1017/S000712340000925X

    Examples
    --------
    ``(|50 - 60| + |30 - 30| + |20 - 10|) / 2 = 10``:

    >>> loosemore_hanby([50, 30, 20], [6, 3, 1])
    array(10.)
    >>> loosemore_hanby([[50, 30, 20], [5, 3, 2]], [[6, 3, 1], [5, 3, 2]]).tolist()
    [10.0, 0.0]
    """
    v, s, defined = _share_pairs(votes, seats, base, against_all, invalid)
    out = 50.0 * np.sum(np.abs(v - s), axis=-1)
    return np.asarray(np.where(defined, out, np.nan), dtype=np.float64)


def sainte_lague_index(
    votes: CountsLike,
    seats: ArrayLike | None = None,
    *,
    base: Base = "party_votes",
    against_all: ArrayLike | None = None,
    invalid: ArrayLike | None = None,
) -> NDArray[np.float64]:
    """Sainte-Laguë index of disproportionality (chi-square form), in percentage points.

    .. math:: \\mathrm{SL} = \\sum_{i: V_i > 0} \\frac{(S_i - V_i)^2}{V_i}

    with vote and seat shares in percent (so ``SL = 100 Σ (s_i - v_i)² / v_i`` with fractional
    shares).  A line with no votes and no seats contributes nothing; a line with no votes but
    seats makes the index ``inf`` (infinitely disproportional -- not silently skipped).

    Parameters
    ----------
    votes, seats, base, against_all, invalid
        As in :func:`gallagher`; ``base`` sets the denominator of the vote shares
        (``'party_votes'``, ``'valid'`` or ``'ballots'``).

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        ``NaN`` where the base is 0 or no seat was allocated.

    References
    ----------
    A. Sainte-Laguë (1910), "La représentation proportionnelle et la méthode des moindres
    carrés", *Annales scientifiques de l'École Normale Supérieure* 27: 529-542;
    Gallagher (1991), doi:10.1016/0261-3794(91)90004-C (its use as an index).

    Examples
    --------
    100 × (0.1²/0.5 + 0 + 0.1²/0.2) = 100 × (0.02 + 0.05) = 7:

    >>> round(float(sainte_lague_index([50, 30, 20], [6, 3, 1])), 10)
    7.0
    >>> sainte_lague_index([10, 0], [1, 1])
    array(inf)
    """
    v, s, defined = _share_pairs(votes, seats, base, against_all, invalid)
    ratio = np.zeros(v.shape)
    np.divide((s - v) ** 2, v, out=ratio, where=v > 0)
    terms = np.where(v > 0, ratio, np.where(s > 0, np.inf, 0.0))
    out = 100.0 * np.sum(terms, axis=-1)
    return np.asarray(np.where(defined, out, np.nan), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Effective number of parties
# --------------------------------------------------------------------------------------------


def _enp_counts(counts: CountsLike, by: str | None) -> NDArray[np.int64]:
    if _is_allocation(counts):
        alloc = cast(AllocationLike, counts)
        which = "seats" if by is None else by
        if not isinstance(which, str) or which not in _BYS:
            raise UnknownMethodError(f"by={by!r} is not known; use one of {list(_BYS)}")
        name = f"allocation.{which}"
        arr = as_count_array(alloc.seats if which == "seats" else alloc.votes, name)
    else:
        if by is not None:
            raise ElectsimError(
                f"by={by!r} only applies when counts is an allocation; with an array, pass the "
                "vote or seat counts themselves"
            )
        name = "counts"
        arr = as_count_array(cast(ArrayLike, counts), name)
    if arr.ndim == 0 or arr.shape[-1] == 0:
        raise ShapeMismatchError(
            f"{name} has shape {arr.shape}; it must have shape (*batch, P) with P >= 1 parties"
        )
    return arr


def laakso_taagepera(counts: CountsLike, *, by: By | None = None) -> NDArray[np.float64]:
    """Laakso-Taagepera effective number of parties.

    .. math:: N = 1 \\big/ \\sum_i p_i^2, \\qquad p_i = c_i / \\sum_j c_j

    ``N`` equals ``n`` for ``n`` equal parties and 1 for a single party.  Applied to votes it is
    the effective number of electoral parties, to seats the effective number of parliamentary
    parties.

    Parameters
    ----------
    counts : array_like of int, shape ``(*batch, P)``, or an allocation
        Vote or seat counts.
    by : {'seats', 'votes'}, optional
        Only with an allocation: which counts to use; default ``'seats'`` (the parliament).

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        ``NaN`` where all counts are 0.

    References
    ----------
    M. Laakso and R. Taagepera (1979), "'Effective' number of parties: a measure with
    application to West Europe", *Comparative Political Studies* 12(1): 3-27.
    doi:10.1177/001041407901200101

    Examples
    --------
    Shares (0.5, 0.3, 0.2): 1 / (0.25 + 0.09 + 0.04) = 1 / 0.38.

    >>> round(float(laakso_taagepera([50, 30, 20])), 4)
    2.6316
    >>> laakso_taagepera([[1, 1, 1, 1], [7, 0, 0, 0]]).tolist()
    [4.0, 1.0]
    """
    p = _shares(_enp_counts(counts, by))
    return np.asarray(1.0 / np.sum(p * p, axis=-1), dtype=np.float64)


def golosov(counts: CountsLike, *, by: By | None = None) -> NDArray[np.float64]:
    """Golosov's effective number of parties.

    .. math:: N = \\sum_i \\frac{p_i}{p_i + p_1^2 - p_i^2}

    where ``p_1`` is the largest share.  Like :func:`laakso_taagepera` it is ``n`` for ``n``
    equal parties and 1 for a single party, but it discounts small parties beside a dominant
    one more strongly.

    Parameters
    ----------
    counts : array_like of int, shape ``(*batch, P)``, or an allocation
        Vote or seat counts.
    by : {'seats', 'votes'}, optional
        Only with an allocation: which counts to use; default ``'seats'``.

    Returns
    -------
    ndarray of float64, shape ``(*batch,)``
        ``NaN`` where all counts are 0.

    References
    ----------
    G. V. Golosov (2010), "The effective number of parties: a new approach", *Party Politics*
    16(2): 171-192. doi:10.1177/1354068809339538

    Examples
    --------
    Shares (0.75, 0.25): 0.75/0.75 + 0.25/(0.25 + 0.5625 - 0.0625) = 1 + 1/3.

    >>> round(float(golosov([3, 1])), 6)
    1.333333
    >>> golosov([[2, 2, 2], [0, 5, 0]]).tolist()
    [3.0, 1.0]
    """
    p = _shares(_enp_counts(counts, by))
    p1_sq = np.max(p, axis=-1, keepdims=True) ** 2
    denom = p + p1_sq - p * p
    # p_i = 0 contributes 0; a row without counts is all NaN and its sum stays NaN.
    terms = np.where(np.isnan(p), np.nan, 0.0)
    np.divide(p, denom, out=terms, where=p > 0)
    return np.asarray(np.sum(terms, axis=-1), dtype=np.float64)


# --------------------------------------------------------------------------------------------
# Blocs and majorities
# --------------------------------------------------------------------------------------------


def _bloc_mask(parties: Sequence[_PartyLike], bloc: str, n_parties: int) -> NDArray[np.bool_]:
    if len(parties) != n_parties:
        raise ShapeMismatchError(
            f"allocation.election.parties has {len(parties)} parties but allocation.seats has "
            f"{n_parties} columns"
        )
    mask = np.array([p.bloc == bloc for p in parties], dtype=bool)
    if not mask.any():
        known = sorted({p.bloc for p in parties if p.bloc is not None})
        allowed = f"the known blocs are {known}" if known else "no party has a bloc"
        raise UnknownNameError(f"bloc={bloc!r} is not the bloc of any party; {allowed}")
    return mask


def _member_mask(bloc: ArrayLike, n_parties: int) -> NDArray[np.bool_]:
    arr = np.asarray(bloc)
    if arr.size == 0 and arr.ndim == 1:
        return np.zeros(n_parties, dtype=bool)
    if arr.dtype == bool:
        if arr.shape != (n_parties,):
            raise ShapeMismatchError(
                f"bloc is a boolean mask of shape {arr.shape}; it must have shape "
                f"({n_parties},), one entry per party"
            )
        return arr.copy()
    if arr.dtype.kind not in "iu" or arr.ndim != 1:
        raise ElectsimError(
            f"bloc={bloc!r} is not a bloc name (with an allocation), a boolean mask of shape "
            f"({n_parties},) or a 1-d sequence of party indices"
        )
    bad = (arr < 0) | (arr >= n_parties)
    if bad.any():
        raise ElectsimError(
            f"bloc contains the party index {int(arr[bad][0])}; indices must be in "
            f"[0, {n_parties - 1}]"
        )
    if np.unique(arr).size != arr.size:
        raise ElectsimError(f"bloc={arr.tolist()} repeats a party index; list each party once")
    mask = np.zeros(n_parties, dtype=bool)
    mask[arr] = True
    return mask


def bloc_seats(seats: CountsLike, bloc: str | ArrayLike) -> NDArray[np.int64]:
    """Seats held by a bloc of parties.

    Parameters
    ----------
    seats : array_like of int, shape ``(*batch, P)``, or an allocation
    bloc : str, or array_like of bool ``(P,)``, or sequence of int or str ``(k,)``
        A bloc name (only with an allocation): the parties whose ``.bloc`` equals it.  Or the
        members themselves: a boolean mask over the parties, distinct party indices in
        ``[0, P)``, or (only with an allocation) party names or short codes, matched as
        :meth:`electsim.Election.party_index` does (case-insensitively, with "did you mean"
        suggestions), as :meth:`electsim.SimulationResult.bloc_seats` accepts them.  An empty
        list is the empty bloc (0 seats).

    Returns
    -------
    ndarray of int64, shape ``(*batch,)``

    Raises
    ------
    UnknownNameError
        A bloc name no party has; the message lists the known blocs.
    ElectsimError
        A name with a seat array, a mask of the wrong length, indices out of range or repeated.

    Examples
    --------
    >>> bloc_seats([[40, 30, 20, 30], [61, 20, 19, 20]], [True, False, True, False]).tolist()
    [60, 80]
    >>> bloc_seats([40, 30, 20, 30], [1, 3])
    array(60)
    """
    if _is_allocation(seats):
        alloc = cast(AllocationLike, seats)
        s = as_count_array(alloc.seats, "allocation.seats")
        name = "allocation.seats"
    else:
        s = as_count_array(cast(ArrayLike, seats), "seats")
        name = "seats"
    if s.ndim == 0 or s.shape[-1] == 0:
        raise ShapeMismatchError(
            f"{name} has shape {s.shape}; it must have shape (*batch, P) with P >= 1 parties"
        )
    n_parties = s.shape[-1]
    if isinstance(bloc, str):
        if not _is_allocation(seats):
            raise ElectsimError(
                f"bloc={bloc!r} is a bloc name, which needs an allocation (party blocs live in "
                "election.parties); with a seat array give a boolean mask of shape (P,) or "
                "party indices"
            )
        mask = _bloc_mask(cast(AllocationLike, seats).election.parties, bloc, n_parties)
    elif _has_names(bloc):
        if not _is_allocation(seats):
            raise ElectsimError(
                f"bloc={bloc!r} names parties, which needs an allocation (names live in "
                "election.parties); with a seat array give party indices or a boolean mask"
            )
        parties = cast(AllocationLike, seats).election.parties
        names = [p.name for p in parties]
        shorts = [str(getattr(p, "short", p.name)) for p in parties]
        members = [lookup_index(names, m, "party", shorts) for m in cast(Sequence[Any], bloc)]
        mask = _member_mask(members, n_parties)
    else:
        mask = _member_mask(bloc, n_parties)
    return np.asarray(np.sum(s, axis=-1, where=mask), dtype=np.int64)


def _has_names(bloc: object) -> bool:
    """Whether ``bloc`` is a list/tuple of members with at least one party name among them."""
    return isinstance(bloc, list | tuple) and any(isinstance(m, str) for m in bloc)


def _majority_fraction(kind: object) -> Fraction | None:
    """``None`` for ``'simple'`` (strictly more than half), else the qualified fraction."""
    if isinstance(kind, str):
        if kind == "simple":
            return None
        if kind == "two_thirds":
            return Fraction(2, 3)
        raise UnknownMethodError(
            f"kind={kind!r} is not known; use one of {list(_KINDS)} or an exact fraction "
            "such as Fraction(3, 5)"
        )
    if isinstance(kind, bool) or not isinstance(kind, Fraction | Decimal | int | np.integer):
        raise ElectsimError(
            f"kind={kind!r} has type {type(kind).__name__}; use one of {list(_KINDS)} or an exact "
            "Fraction/Decimal in (0, 1] (floats are refused: 2/3 has no exact float)"
        )
    frac = parse_rate(kind, "kind")
    if frac <= 0:
        raise ElectsimError(f"kind={kind!r} must be a fraction in (0, 1]")
    return frac


@overload
def majority_threshold(house_size: int, kind: MajorityKind = ...) -> int: ...


@overload
def majority_threshold(house_size: ArrayLike, kind: MajorityKind = ...) -> NDArray[np.int64]: ...


def majority_threshold(
    house_size: int | ArrayLike, kind: MajorityKind = "simple"
) -> int | NDArray[np.int64]:
    """Smallest number of seats that forms a majority of a house of ``S`` seats.

    - ``'simple'``: strictly more than half, ``floor(S/2) + 1`` (61 of 120, 51 of 101).
    - ``'two_thirds'``: at least two thirds, ``ceil(2S/3)`` (80 of 120, 68 of 101).
    - an exact fraction ``q`` (``Fraction`` or ``Decimal`` in ``(0, 1]``): at least ``q`` of the
      house, the smallest integer ``m >= q·S``, i.e. ``ceil(q·S)``.  Note that
      ``Fraction(1, 2)`` gives 60 of 120 (half, which can tie), not the simple majority 61.

    Integer arithmetic only (``ceil(p·S/q) = -((-p·S) // q)``).  The majority is of the whole
    house (all ``S`` members), not of those present or of the seats filled.

    Parameters
    ----------
    house_size : int or array_like of int
        ``S >= 1``; an array gives one threshold per element.
    kind : {'simple', 'two_thirds'} or Fraction or Decimal

    Returns
    -------
    int, or ndarray of int64 with the shape of ``house_size``

    Examples
    --------
    >>> majority_threshold(120), majority_threshold(120, "two_thirds")
    (61, 80)
    >>> majority_threshold(101), majority_threshold(101, "two_thirds")
    (51, 68)
    >>> majority_threshold(120, Fraction(3, 5))
    72
    >>> majority_threshold([120, 101, 90]).tolist()
    [61, 51, 46]
    """
    frac = _majority_fraction(kind)
    if isinstance(house_size, int | np.integer) and not isinstance(house_size, bool):
        size = int(house_size)
        if size < 1:
            raise ElectsimError(f"house_size={size} must be a positive number of seats")
        if frac is None:
            return size // 2 + 1
        return -((-frac.numerator * size) // frac.denominator)
    sizes = as_count_array(house_size, "house_size")
    if sizes.size and int(sizes.min()) < 1:
        raise ElectsimError(
            f"house_size contains {int(sizes.min())}; house sizes must be positive numbers of seats"
        )
    if frac is None:
        return np.asarray(sizes // 2 + 1, dtype=np.int64)
    num, den = frac.numerator, frac.denominator
    biggest = int(sizes.max()) if sizes.size else 0
    if num * biggest < 2**62:
        return np.asarray(-((-np.int64(num) * sizes) // np.int64(den)), dtype=np.int64)
    exact = -((-num * sizes.astype(object)) // den)  # Python integers: exact, no overflow
    return np.asarray(exact, dtype=np.int64)


def has_majority(
    seats: CountsLike,
    house_size: int | ArrayLike | None = None,
    kind: MajorityKind = "simple",
) -> NDArray[np.bool_]:
    """Whether a seat count reaches a majority of the house.

    ``seats >= majority_threshold(house_size, kind)``, elementwise and exact.

    Parameters
    ----------
    seats : array_like of int, any shape, or an allocation
        Seat counts, e.g. ``bloc_seats(...)`` of shape ``(*batch,)``.  An allocation means its
        party seats ``(*batch, P)``: which party alone holds a majority.
    house_size : int or array_like of int, broadcastable with ``seats``
        The number of seats in the house (not the seats filled).  Required with arrays; with an
        allocation it defaults to ``allocation.system.seats``.
    kind : {'simple', 'two_thirds'} or Fraction or Decimal
        See :func:`majority_threshold`.

    Returns
    -------
    ndarray of bool, shape of ``seats`` broadcast with ``house_size``

    Raises
    ------
    ElectsimError
        Invalid counts, a missing or non-positive ``house_size``, an unknown ``kind``, or a seat
        count larger than the house.

    Examples
    --------
    >>> has_majority([60, 61, 79, 80], 120).tolist()
    [False, True, True, True]
    >>> has_majority([60, 61, 79, 80], 120, "two_thirds").tolist()
    [False, False, False, True]
    """
    if _is_allocation(seats):
        alloc = cast(AllocationLike, seats)
        s = as_count_array(alloc.seats, "allocation.seats")
        name = "allocation.seats"
        if house_size is None:
            house_size = alloc.system.seats
    else:
        s = as_count_array(cast(ArrayLike, seats), "seats")
        name = "seats"
        if house_size is None:
            raise MissingDataError(
                "house_size is required with a seat array (the number of seats in the house, "
                "e.g. 120)"
            )
    threshold = majority_threshold(house_size, kind)
    sizes = np.asarray(house_size, dtype=np.int64)
    try:
        too_many = s > sizes
    except ValueError as exc:
        raise ShapeMismatchError(
            f"{name} has shape {s.shape} and house_size has shape {sizes.shape}; they must "
            "broadcast together"
        ) from exc
    if np.any(too_many):
        raise ElectsimError(
            f"{name} contains {int(np.broadcast_to(s, too_many.shape)[too_many][0])} seats, more "
            f"than the house size {int(np.broadcast_to(sizes, too_many.shape)[too_many][0])}"
        )
    return np.asarray(s >= threshold, dtype=bool)


# --------------------------------------------------------------------------------------------
# Power indices (exact, by dynamic programming over integer weights)
# --------------------------------------------------------------------------------------------


def _validate_game(weights: CountsLike, quota: int) -> tuple[list[int], int]:
    if _is_allocation(weights):
        w = as_count_array(cast(AllocationLike, weights).seats, "allocation.seats")
        name = "allocation.seats"
    else:
        w = as_count_array(cast(ArrayLike, weights), "weights")
        name = "weights"
    if w.ndim != 1 or w.size == 0:
        raise ShapeMismatchError(
            f"{name} has shape {w.shape}; power indices are per game and need a 1-d array of "
            "P >= 1 weights (select a single draw of a batch first)"
        )
    if isinstance(quota, bool) or not isinstance(quota, int | np.integer):
        raise ElectsimError(
            f"quota={quota!r} has type {type(quota).__name__}; it must be a positive integer "
            "(a number of seats, e.g. 61)"
        )
    total = int(w.sum())
    if not 1 <= int(quota) <= total:
        raise ElectsimError(
            f"quota={int(quota)} must be in [1, {total}] (1 to the total weight): "
            + ("no coalition could win" if int(quota) > total else "the empty coalition would win")
        )
    return [int(x) for x in w], int(quota)


def _count_dtype(n_players: int) -> type:
    """int64 while subset counts (<= 2**n) cannot overflow, else exact Python integers."""
    return np.int64 if n_players <= 62 else object


def _remove_player(table: NDArray[Any], weight: int) -> NDArray[Any]:
    """Undo one player of positive ``weight`` from a subset-count table.

    ``table[..., w]`` counts subsets by total weight ``w`` (and, for a 2-d table, by size along
    the first axis).  Adding a player maps ``t`` to ``t[k, w] + t[k-1, w-weight]``; this inverts
    it block by block of ``weight`` columns, exactly in integers.
    """
    out = table.copy()
    limit = table.shape[-1]
    for start in range(weight, limit, weight):
        stop = min(start + weight, limit)
        if table.ndim == 1:
            out[start:stop] = table[start:stop] - out[start - weight : stop - weight]
        else:
            out[1:, start:stop] = table[1:, start:stop] - out[:-1, start - weight : stop - weight]
    return out


def banzhaf(weights: CountsLike, quota: int, *, normalized: bool = True) -> tuple[Fraction, ...]:
    """Exact Banzhaf power index of a weighted voting game.

    Player ``i`` is a *swing* in a coalition ``C ∌ i`` of the other players when ``C`` loses and
    ``C ∪ {i}`` wins: ``w(C) < q <= w(C) + w_i``.  With ``η_i`` swings,

    - ``normalized=True`` (Banzhaf 1965): ``β_i = η_i / Σ_j η_j``, summing to 1;
    - ``normalized=False`` (absolute Banzhaf, Penrose measure): ``β'_i = η_i / 2^(P-1)``, the
      probability that ``i`` is decisive when every other player votes yes or no with
      probability 1/2.

    Parameters
    ----------
    weights : array_like of int, shape ``(P,)``, or an allocation with no batch dimensions
        Non-negative integer weights (seats).  Players with weight 0 are dummies (index 0).
    quota : int
        Weight a coalition needs to win, in ``[1, Σ w]`` (e.g. ``majority_threshold(120)``).
        Quotas of at most half the total (improper games, where two disjoint coalitions can
        both win) are allowed.
    normalized : bool

    Returns
    -------
    tuple of Fraction, length ``P``
        Exact; for floats use ``np.array(banzhaf(w, q), dtype=float)``.

    Raises
    ------
    ElectsimError
        Negative or non-integer weights, a non-integer quota, or a quota outside
        ``[1, Σ w]``.

    Notes
    -----
    Computed by dynamic programming over integer weights, not by enumerating the ``2^P``
    coalitions: ``c[w]``, the number of coalitions of total weight ``w < q``, is built once by
    the generating function ``Π_j (1 + x^{w_j})`` truncated at degree ``q``; for each distinct
    weight, one player of that weight is divided out exactly, and the swings are
    ``Σ_{w=q-w_i}^{q-1} c_{-i}[w]``.  Cost ``O(P·q)`` array operations; counts are int64 while
    ``P <= 62`` and Python integers beyond, so the result is exact for any ``P``.

    References
    ----------
    J. F. Banzhaf III (1965), "Weighted voting doesn't work: a mathematical analysis",
    *Rutgers Law Review* 19(2): 317-343.
    S. J. Brams and P. J. Affuso (1976), "Power and size: a new paradox", *Theory and Decision*
    7: 29-56 (generating functions).
    T. Matsui and Y. Matsui (2000), "A survey of algorithms for calculating power indices of
    weighted majority games", *J. Oper. Res. Soc. Japan* 43(1): 71-86.
    doi:10.15807/jorsj.43.71

    Examples
    --------
    Weights (4, 2, 1), quota 5: winning {A,B}, {A,C}, {A,B,C}; A swings in all three, B only
    in {A,B}, C only in {A,C}: (3, 1, 1) / 5.

    >>> banzhaf([4, 2, 1], 5)
    (Fraction(3, 5), Fraction(1, 5), Fraction(1, 5))
    >>> banzhaf([4, 2, 1], 5, normalized=False)
    (Fraction(3, 4), Fraction(1, 4), Fraction(1, 4))
    """
    w, q = _validate_game(weights, quota)
    active = [x for x in w if x > 0]
    n = len(active)
    table: NDArray[Any] = np.zeros(q, dtype=_count_dtype(n))
    table[0] = 1
    for wj in active:
        if wj < q:
            table[wj:] = table[wj:] + table[: q - wj]
    swings_by_weight: dict[int, int] = {}
    for wi in set(active):
        others = _remove_player(table, wi)
        swings_by_weight[wi] = int(others[max(0, q - wi) : q].sum())
    swings = [swings_by_weight.get(x, 0) if x > 0 else 0 for x in w]
    if normalized:
        total = sum(swings)  # > 0: some player turns the losing empty set into the winning whole
        return tuple(Fraction(x, total) for x in swings)
    return tuple(Fraction(x, 2 ** (n - 1)) for x in swings)


def shapley_shubik(weights: CountsLike, quota: int) -> tuple[Fraction, ...]:
    """Exact Shapley-Shubik power index of a weighted voting game.

    The share of the ``P!`` orderings of the players in which player ``i`` is *pivotal* (turns
    the coalition of its predecessors from losing to winning):

    .. math:: φ_i = \\sum_{C ∌ i:\\; w(C) < q <= w(C) + w_i} \\frac{|C|!\\,(n - |C| - 1)!}{n!}

    Values are non-negative and sum to 1.  Players with weight 0 are dummies (index 0) and do
    not change the others' values, so they are left out of ``n``.

    Parameters
    ----------
    weights : array_like of int, shape ``(P,)``, or an allocation with no batch dimensions
        Non-negative integer weights (seats).
    quota : int
        Weight a coalition needs to win, in ``[1, Σ w]``.

    Returns
    -------
    tuple of Fraction, length ``P``
        Exact; for floats use ``np.array(shapley_shubik(w, q), dtype=float)``.

    Raises
    ------
    ElectsimError
        As for :func:`banzhaf`.

    Notes
    -----
    Dynamic programming over integer weights and coalition sizes: ``C[k, w]``, the number of
    coalitions of ``k`` players with total weight ``w < q``, from the bivariate generating
    function ``Π_j (1 + y x^{w_j})``; one player per distinct weight is divided out exactly.
    Cost ``O(P·q)`` operations on ``(P+1)``-row arrays, never ``P!`` or ``2^P``.

    References
    ----------
    L. S. Shapley and M. Shubik (1954), "A method for evaluating the distribution of power in a
    committee system", *American Political Science Review* 48(3): 787-792. doi:10.2307/1951053
    I. Mann and L. S. Shapley (1962), *Values of large games VI: evaluating the Electoral
    College exactly*, RAND Memorandum RM-3158-PR (generating functions).

    Examples
    --------
    Weights (50, 49, 1), quota 51: in the 6 orderings, B is pivotal only in A-B-C, C only in
    A-C-B, A in the other four.

    >>> shapley_shubik([50, 49, 1], 51)
    (Fraction(2, 3), Fraction(1, 6), Fraction(1, 6))
    """
    w, q = _validate_game(weights, quota)
    active = [x for x in w if x > 0]
    n = len(active)
    table: NDArray[Any] = np.zeros((n + 1, q), dtype=_count_dtype(n))
    table[0, 0] = 1
    for wj in active:
        if wj < q:
            table[1:, wj:] = table[1:, wj:] + table[:-1, : q - wj]
    fact = [math.factorial(k) for k in range(n + 1)]
    value_by_weight: dict[int, Fraction] = {}
    for wi in set(active):
        others = _remove_player(table, wi)
        pivots = others[:, max(0, q - wi) : q].sum(axis=1)  # by coalition size k = 0..n
        num = sum(int(pivots[k]) * fact[k] * fact[n - 1 - k] for k in range(n))
        value_by_weight[wi] = Fraction(num, fact[n])
    return tuple(value_by_weight.get(x, Fraction(0)) if x > 0 else Fraction(0) for x in w)
