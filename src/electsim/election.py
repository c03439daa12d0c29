"""The data model: parties, regions, elections (batched) and polling-station results.

All counts are integers (``int64``); shares are derived, never stored.  Arrays hold indices only;
names live in :attr:`Election.parties` and :attr:`Election.regions`.  Every array an election holds
is a private read-only copy: nothing the user passed is mutated, and an election cannot be changed
after it was validated (use :meth:`Election.replace`).
"""

from __future__ import annotations

import csv
import dataclasses
import difflib
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._exact import RateLike, as_count_array, parse_rate
from .errors import ElectsimError, InvalidCountsError, ShapeMismatchError, UnknownNameError

__all__ = ["Election", "Party", "PrecinctResults", "Region", "lookup_index"]

IntArray = NDArray[np.int64]

#: Column names with a fixed meaning in the CSV formats (every other column is a party).
RESERVED_COLUMNS = ("region", "against_all", "invalid", "registered", "in_regional_threshold")


#: The largest ``Party.members`` / ``Party.candidates`` accepted (far above any real list).
_MAX_LIST_SIZE = 10**9


@dataclass(frozen=True, slots=True)
class Party:
    """A party list.

    Parameters
    ----------
    name : str
        Full name, unique within an election.
    short : str, optional
        Short code for tables (defaults to ``name``), unique within an election.
    color : str, optional
        A matplotlib colour for plots.
    bloc : str, optional
        Political bloc (e.g. ``"pro-government"``), used by :func:`electsim.metrics.bloc_seats`.
    members : int
        How many parties stand on this list: 1 (default) for a single party, 2 or more for a
        coalition list.  Per-kind thresholds (:class:`electsim.rules.ByKind`) read it.
    candidates : int, optional
        The list's length.  A list never receives more seats than it has candidates; the seats
        it cannot fill go on to the other lists.  ``None`` (default): no limit.

    Examples
    --------
    >>> p = Party("PS-Spolu", members=2, candidates=150)
    >>> p.members, p.candidates
    (2, 150)
    """

    name: str
    short: str = ""
    color: str | None = None
    bloc: str | None = None
    members: int = 1
    candidates: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ElectsimError(f"Party name={self.name!r} must be a non-empty string")
        if not self.short:
            object.__setattr__(self, "short", self.name)
        for attr, low in (("members", 1), ("candidates", 0)):
            value = getattr(self, attr)
            if value is None and attr == "candidates":
                continue
            if isinstance(value, np.integer):
                value = int(value)
                object.__setattr__(self, attr, value)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ElectsimError(
                    f"Party {self.name!r}: {attr}={value!r} must be an integer >= {low}"
                )
            if value > _MAX_LIST_SIZE:
                raise ElectsimError(
                    f"Party {self.name!r}: {attr}={value} is above {_MAX_LIST_SIZE:,}"
                )


@dataclass(frozen=True, slots=True)
class Region:
    """A unit of the regional threshold (an oblast, a city) or a unit outside it.

    Parameters
    ----------
    name : str
        Unique within an election.
    in_regional_threshold : bool
        ``False`` for units whose votes count nationally but that are not tested by a regional
        threshold -- e.g. polling stations abroad in Kyrgyzstan, or the single national unit of
        an election without a regional breakdown.
    """

    name: str
    in_regional_threshold: bool = True

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ElectsimError(f"Region name={self.name!r} must be a non-empty string")
        flag = self.in_regional_threshold
        if isinstance(flag, np.bool_):
            object.__setattr__(self, "in_regional_threshold", bool(flag))
        elif not isinstance(flag, bool):
            # a string such as "false" is truthy: never guess, refuse
            raise ElectsimError(
                f"Region {self.name!r}: in_regional_threshold={flag!r} must be True or False"
            )


#: The single unit of an election given without a regional breakdown.
NATIONAL = Region("National", in_regional_threshold=False)


def _check_totals(
    votes: IntArray, against_all: IntArray, invalid: IntArray, registered: IntArray | None
) -> None:
    """Refuse counts whose national totals would overflow int64 (checked exactly)."""
    R, P = votes.shape[-2], votes.shape[-1]
    bound = 2**62
    big = [int(votes.max()) * R * P if votes.size else 0]
    big += [int(x.max()) * R if x.size else 0 for x in (against_all, invalid)]
    if registered is not None:
        big.append(int(registered.max()) * R if registered.size else 0)
    if sum(big) < bound:
        return
    total = votes.astype(object).sum(axis=(-2, -1)) + against_all.astype(object).sum(axis=-1)
    total = total + invalid.astype(object).sum(axis=-1)
    worst = max([*np.ravel(total).tolist(), 0])
    if registered is not None:
        worst = max([worst, *np.ravel(registered.astype(object).sum(axis=-1)).tolist()])
    if worst >= bound:
        raise InvalidCountsError(
            f"votes: national totals reach {worst}, beyond the int64-safe bound 2**62"
        )


def _as_parties(parties: Iterable[Party | str] | None, n: int) -> tuple[Party, ...]:
    if parties is None:
        return tuple(Party(f"Party {i + 1}", f"P{i + 1}") for i in range(n))
    out = tuple(p if isinstance(p, Party) else Party(str(p)) for p in parties)
    if len(out) != n:
        raise ShapeMismatchError(
            f"parties has {len(out)} entries but the vote array has {n} party columns"
        )
    for attr in ("name", "short"):
        seen: set[str] = set()
        for p in out:
            key = getattr(p, attr)
            if key in seen:
                raise UnknownNameError(f"parties contains the duplicate {attr} {key!r}")
            seen.add(key)
    return out


def _as_regions(regions: Iterable[Region | str] | None, n: int) -> tuple[Region, ...]:
    if regions is None:
        if n == 1:
            return (NATIONAL,)
        return tuple(Region(f"Region {i + 1}") for i in range(n))
    out = tuple(r if isinstance(r, Region) else Region(str(r)) for r in regions)
    if len(out) != n:
        raise ShapeMismatchError(
            f"regions has {len(out)} entries but the vote array has {n} region rows"
        )
    names = [r.name for r in out]
    dup = {x for x in names if names.count(x) > 1}
    if dup:
        raise UnknownNameError(f"regions contains the duplicate name {sorted(dup)[0]!r}")
    return out


def freeze_arrays(state: dict[str, Any]) -> None:
    """Make the numpy arrays among ``state``'s values read-only (for ``__setstate__``: pickle
    drops the flag, and electsim's result objects promise read-only arrays)."""
    for value in state.values():
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


class ReadOnlyArrays:
    """Mixin of electsim's frozen result classes: the numpy arrays of an unpickled object are
    read-only again, like the original's (pickle does not keep the flag)."""

    def __setstate__(self, state: dict[str, Any]) -> None:
        freeze_arrays(state)
        self.__dict__.update(state)


def batch_index(batch: tuple[int, ...], index: Any, what: str = "result") -> tuple[int, ...]:
    """Validate ``index`` into the batch shape ``batch`` (``()`` for a single election): an
    int or a tuple addressing every batch axis, negative indices allowed."""
    if not batch:
        if index not in (None, ()):
            raise ElectsimError(f"this {what} is not batched; omit index")
        return ()
    if index is None:
        raise ElectsimError(f"this {what} has batch shape {batch}; pass index= to pick one")
    idx = index if isinstance(index, tuple) else (index,)
    if len(idx) != len(batch):
        raise ElectsimError(f"index={index!r} must address all batch axes {batch}")
    out = []
    for i, n in zip(idx, batch, strict=True):
        if isinstance(i, bool) or not isinstance(i, int | np.integer) or not -n <= int(i) < n:
            raise ElectsimError(f"index={index!r} is out of range for the batch shape {batch}")
        out.append(int(i) % n)
    return tuple(out)


class ElectionResult(ReadOnlyArrays):
    """Mixin of the results of :func:`electsim.allocate` and the rule books: read-only arrays
    after unpickling, the election's national ``votes`` and its ``batch_shape``."""

    election: Election

    @property
    def votes(self) -> NDArray[np.int64]:
        """National list votes ``(*batch, P)``."""
        return self.election.national_votes

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions."""
        return self.election.batch_shape

    def _one(self, index: Any) -> tuple[int, ...]:
        return batch_index(self.batch_shape, index, "allocation")


def _fold(name: str) -> str:
    """Case- and spacing-insensitive form of a name (for matching only)."""
    return " ".join(name.casefold().split())


def lookup_index(
    names: Sequence[str], key: Any, what: str = "party", aliases: Sequence[str] = ()
) -> int:
    """Position of ``key`` in ``names``: the one place names are matched.

    Parameters
    ----------
    names : sequence of str
        The names, in column (or row) order.
    key : str or int
        A name, an alias (e.g. a party's short code, same position as in ``names``), or an
        index (negative indices count from the end).
    what : str
        What is looked up, for messages (``"party"``, ``"region"``).
    aliases : sequence of str, optional
        Alternative names, one per entry of ``names`` (e.g. party short codes).

    Matching is exact first (name, then alias), then case- and spacing-insensitive when that
    is unambiguous.  An unknown name raises :class:`~electsim.errors.UnknownNameError` with
    "did you mean ...?" suggestions (:func:`difflib.get_close_matches`).

    Examples
    --------
    >>> lookup_index(["Birimdik", "Mekenchil"], "birimdik")
    0
    >>> lookup_index(["Birimdik", "Mekenchil"], "Mekenchill")
    Traceback (most recent call last):
    ...
    electsim.errors.UnknownNameError: unknown party 'Mekenchill'; did you mean 'Mekenchil'? ...
    """
    n = len(names)
    if isinstance(key, int | np.integer) and not isinstance(key, bool | np.bool_):
        if not -n <= int(key) < n:
            raise UnknownNameError(f"{what} index {key} is out of range 0..{n - 1}")
        return int(key) % n
    if not isinstance(key, str):
        raise UnknownNameError(
            f"{what}={key!r} has type {type(key).__name__}; give a {what} name or an index"
        )
    for pool in (names, aliases):
        if key in pool:
            return list(pool).index(key)
    folded = _fold(key)
    hits = sorted(
        {i for pool in (names, aliases) for i, x in enumerate(pool) if _fold(x) == folded}
    )
    if len(hits) == 1:
        return hits[0]
    if len(hits) > 1:
        raise UnknownNameError(
            f"{what} {key!r} matches several names when case is ignored: "
            f"{[names[i] for i in hits]}; give the exact name"
        )
    candidates = [*names, *(a for a in aliases if a not in names)]
    by_fold = {_fold(c): c for c in candidates}
    close = difflib.get_close_matches(folded, list(by_fold), n=3, cutoff=0.6)
    hint = f"did you mean {' or '.join(repr(by_fold[c]) for c in close)}? " if close else ""
    shown = ", ".join(names) if n <= 30 else ", ".join(names[:30]) + f", ... ({n} in all)"
    raise UnknownNameError(f"unknown {what} {key!r}; {hint}known: {shown}")


@dataclass(frozen=True, eq=False)
class Election:
    """Results of one list-PR election, or of a batch of them.

    Parameters
    ----------
    votes : array_like of int, shape ``(*batch, R, P)``
        Votes for each of ``P`` party lists in each of ``R`` regions.  A 1-D array ``(P,)`` is
        taken as national-only data (``R = 1``).
    against_all : array_like of int, shape ``(*batch, R)``, optional
        Ballots marked "against all": they count in turnout and in the ``"valid"`` base but never
        win seats.  Default zeros.
    invalid : array_like of int, shape ``(*batch, R)``, optional
        Invalid (spoiled) ballots: they count among the voters who took part.  Default zeros.
    registered : array_like of int, shape ``(*batch, R)``, optional
        Registered voters, or ``None`` when unknown (then the ``"registered"`` threshold base is
        unavailable).  Must be at least the ballots in each region.
    parties : sequence of Party or str, length ``P``, optional
    regions : sequence of Region or str, length ``R``, optional
        Default: a single non-regional unit ``"National"`` when ``R = 1``, else ``"Region i"``.
    name, source : str
        Description and provenance, shown in tables.

    Notes
    -----
    Scalars and arrays of lower rank broadcast against the batch: e.g. ``against_all`` of shape
    ``(R,)`` with ``votes`` of shape ``(N, R, P)`` is the same in every draw.  Derived views:

    * ``ballots`` = party votes + against all + invalid ("voters who took part"),
    * ``valid`` = party votes + against all,
    * ``party_total`` = party votes,

    each per region ``(*batch, R)``; the ``national_*`` variants sum over regions.

    Examples
    --------
    >>> e = Election([600, 300, 100], against_all=[20], invalid=[30], parties=["A", "B", "C"])
    >>> e.national_ballots.item(), e.national_valid.item(), e.batch_shape
    (1050, 1020, ())
    """

    votes: IntArray
    against_all: IntArray | None = None
    invalid: IntArray | None = None
    registered: IntArray | None = None
    parties: tuple[Party, ...] = field(default=())
    regions: tuple[Region, ...] = field(default=())
    name: str = ""
    source: str = ""

    def __init__(
        self,
        votes: ArrayLike,
        against_all: ArrayLike | None = None,
        invalid: ArrayLike | None = None,
        registered: ArrayLike | None = None,
        parties: Iterable[Party | str] | None = None,
        regions: Iterable[Region | str] | None = None,
        name: str = "",
        source: str = "",
    ) -> None:
        v = as_count_array(votes, "votes")
        if v.ndim == 0:
            raise ShapeMismatchError("votes must have at least one axis (parties)")
        if v.ndim == 1:
            v = v.reshape(1, -1)
            v.setflags(write=False)
        R, P = v.shape[-2], v.shape[-1]
        if P == 0:
            raise ShapeMismatchError("votes has no party column")
        if R == 0:
            raise ShapeMismatchError("votes has no region row")
        batch = v.shape[:-2]

        def per_region(x: ArrayLike | None, pname: str) -> IntArray | None:
            if x is None:
                return None
            a = as_count_array(x, pname)
            if (a.ndim == 0 and R != 1 and int(a) != 0) or (a.ndim > 0 and a.shape[-1] != R):
                # never stretch one number over several regions: a national figure given to a
                # regional election would be multiplied by R (a scalar 0, "none", is fine)
                raise ShapeMismatchError(
                    f"{pname} has shape {a.shape}; its last axis must have one entry per "
                    f"region (R = {R}), with optional batch axes in front"
                )
            try:
                b = np.broadcast_to(a, (*batch, R))
            except ValueError as exc:
                raise ShapeMismatchError(
                    f"{pname} has shape {a.shape}; expected {(*batch, R)} (batch, regions) "
                    f"to match votes of shape {v.shape}"
                ) from exc
            b = np.ascontiguousarray(b)
            b.setflags(write=False)
            return b

        aa = per_region(against_all, "against_all")
        inv = per_region(invalid, "invalid")
        reg = per_region(registered, "registered")
        zeros = np.zeros((*batch, R), dtype=np.int64)
        zeros.setflags(write=False)
        aa = zeros if aa is None else aa
        inv = zeros if inv is None else inv
        _check_totals(v, aa, inv, reg)
        object.__setattr__(self, "votes", v)
        object.__setattr__(self, "against_all", aa)
        object.__setattr__(self, "invalid", inv)
        object.__setattr__(self, "registered", reg)
        object.__setattr__(self, "parties", _as_parties(parties, P))
        object.__setattr__(self, "regions", _as_regions(regions, R))
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "source", str(source))
        if reg is not None:
            short = reg < self.ballots
            if short.any():
                idx = np.argwhere(short)[0]
                n_ballots = int(self.ballots[tuple(idx)])
                raise ElectsimError(
                    f"registered={int(reg[tuple(idx)])} is below the {n_ballots} "
                    f"ballots cast at index {tuple(int(i) for i in idx)} "
                    f"(region {self.regions[int(idx[-1])].name!r})"
                )

    # ------------------------------------------------------------------ shape
    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions (``()`` for a single election)."""
        return tuple(self.votes.shape[:-2])

    @property
    def n_parties(self) -> int:
        """Number of party lists ``P``."""
        return int(self.votes.shape[-1])

    @property
    def n_regions(self) -> int:
        """Number of regions ``R``."""
        return int(self.votes.shape[-2])

    @property
    def has_regional_breakdown(self) -> bool:
        """Whether at least one region takes part in a regional threshold."""
        return any(r.in_regional_threshold for r in self.regions)

    @property
    def party_names(self) -> tuple[str, ...]:
        """Party names, in column order."""
        return tuple(p.name for p in self.parties)

    @property
    def region_names(self) -> tuple[str, ...]:
        """Region names, in row order."""
        return tuple(r.name for r in self.regions)

    # ----------------------------------------------------------- derived views
    @property
    def party_total(self) -> IntArray:
        """Sum of party votes per region, ``(*batch, R)``."""
        return np.einsum("...rp->...r", self.votes)

    @property
    def valid(self) -> IntArray:
        """Party votes + against all per region, ``(*batch, R)``."""
        return self.base("valid", national=False)

    @property
    def ballots(self) -> IntArray:
        """Voters who took part (party votes + against all + invalid), ``(*batch, R)``."""
        return self.base("ballots", national=False)

    @property
    def national_votes(self) -> IntArray:
        """Party votes summed over regions, ``(*batch, P)``."""
        return np.einsum("...rp->...p", self.votes)

    @property
    def national_against_all(self) -> IntArray:
        """Against-all ballots nationally, ``(*batch,)``."""
        assert self.against_all is not None
        return self.against_all.sum(axis=-1)

    @property
    def national_invalid(self) -> IntArray:
        """Invalid ballots nationally, ``(*batch,)``."""
        assert self.invalid is not None
        return self.invalid.sum(axis=-1)

    @property
    def national_party_total(self) -> IntArray:
        """Sum of all party votes nationally, ``(*batch,)``."""
        return self.votes.sum(axis=(-2, -1))

    @property
    def national_valid(self) -> IntArray:
        """Party votes + against all nationally, ``(*batch,)``."""
        return self.national_party_total + self.national_against_all

    @property
    def national_ballots(self) -> IntArray:
        """Voters who took part nationally, ``(*batch,)``."""
        return self.national_valid + self.national_invalid

    @property
    def national_registered(self) -> IntArray | None:
        """Registered voters nationally ``(*batch,)``, or ``None`` when unknown."""
        return None if self.registered is None else self.registered.sum(axis=-1)

    def base(
        self, kind: str, *, national: bool = True, party_total: IntArray | None = None
    ) -> IntArray:
        """Threshold base: ``"ballots"``, ``"valid"``, ``"party_votes"`` or ``"registered"``.

        Returns ``(*batch,)`` when ``national`` else ``(*batch, R)``.  ``party_total`` may pass
        the per-region party totals ``(*batch, R)`` when the caller has them already (saves a
        pass over the vote tensor).

        Raises
        ------
        UnknownMethodError
            For an unknown ``kind``.
        MissingDataError
            For ``"registered"`` when the election has no registered-voter counts.
        """
        from .errors import MissingDataError, UnknownMethodError

        assert self.against_all is not None and self.invalid is not None
        parties = self.party_total if party_total is None else party_total
        if kind == "ballots":
            out = parties + self.against_all + self.invalid
        elif kind == "valid":
            out = parties + self.against_all
        elif kind == "party_votes":
            out = parties
        elif kind == "registered":
            if self.registered is None:
                raise MissingDataError(
                    "base='registered' needs registered voters, but this election has "
                    "registered=None; pass registered= when building it"
                )
            out = self.registered
        else:
            raise UnknownMethodError(
                f"base={kind!r} is unknown; use 'ballots', 'valid', 'party_votes' or 'registered'"
            )
        return out.sum(axis=-1) if national else out

    def shares(self, base: str = "valid") -> NDArray[np.float64]:
        """National party shares of a base, as floats (descriptive only), ``(*batch, P)``."""
        b = self.base(base).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return self.national_votes / b[..., None]

    # --------------------------------------------------------------- indexing
    def party_index(self, party: str | int) -> int:
        """Column index of a party given by name, short code or index.

        Names match exactly first, then ignoring case and spacing; an unknown name raises
        :class:`~electsim.errors.UnknownNameError` with "did you mean ...?" suggestions (see
        :func:`lookup_index`).
        """
        return lookup_index(self.party_names, party, "party", [p.short for p in self.parties])

    def region_index(self, region: str | int) -> int:
        """Row index of a region given by name or index."""
        return lookup_index(self.region_names, region, "region")

    def select(self, index: Any) -> Election:
        """Select along the batch dimensions with numpy indexing, e.g. ``e.select(3)``.

        Examples
        --------
        >>> e = Election([[[5, 3]], [[1, 9]]])      # a batch of two
        >>> e.select(1).votes.tolist()
        [[1, 9]]
        """
        if not self.batch_shape:
            raise ShapeMismatchError("select() needs an election with batch dimensions")
        idx = index if isinstance(index, tuple) else (index,)
        if any(i is Ellipsis for i in idx):
            raise ShapeMismatchError("select() does not accept Ellipsis; index batch axes only")
        if len(idx) > len(self.batch_shape):
            raise ShapeMismatchError(
                f"index {index!r} has more axes than the batch shape {self.batch_shape}"
            )
        full = (*idx, Ellipsis)
        assert self.against_all is not None and self.invalid is not None
        try:
            votes = self.votes[full]
            parts = [x[full] for x in (self.against_all, self.invalid)]
            reg = None if self.registered is None else self.registered[full]
        except (IndexError, TypeError, ValueError) as exc:
            raise ShapeMismatchError(
                f"select(index={index!r}) does not fit the batch shape {self.batch_shape}: {exc}"
            ) from exc
        return Election(
            votes,
            parts[0],
            parts[1],
            reg,
            self.parties,
            self.regions,
            self.name,
            self.source,
        )

    def replace(self, **changes: Any) -> Election:
        """A copy with some fields replaced (validated again).

        Examples
        --------
        >>> e = Election([600, 300, 100])
        >>> e.replace(invalid=[50]).national_ballots.item()
        1050
        """
        fields = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        unknown = set(changes) - set(fields)
        if unknown:
            raise ElectsimError(
                f"replace() got unknown field(s) {sorted(unknown)}; fields are {sorted(fields)}"
            )
        fields.update(changes)
        return Election(**fields)

    def national(self) -> Election:
        """The same election with regions summed into one national unit (``R = 1``)."""
        assert self.against_all is not None and self.invalid is not None
        reg = None if self.registered is None else self.registered.sum(-1, keepdims=True)
        return Election(
            self.national_votes[..., None, :],
            self.national_against_all[..., None],
            self.national_invalid[..., None],
            reg,
            self.parties,
            (NATIONAL,),
            self.name,
            self.source,
        )

    def __repr__(self) -> str:
        """Compact: sizes and ballots (per election: the range over a batch, never its sum)."""
        label = f"{self.name!r}, " if self.name else ""
        ballots = self.national_ballots
        if not self.batch_shape:
            tail = f"ballots={int(ballots):,}"
        elif ballots.size == 0:
            tail = f"batch_shape={self.batch_shape} (empty)"
        else:
            lo, hi = int(ballots.min()), int(ballots.max())
            span = f"{lo:,}" if lo == hi else f"{lo:,}..{hi:,}"
            tail = f"batch_shape={self.batch_shape}, ballots per election {span}"
        return f"Election({label}{self.n_parties} parties, {self.n_regions} regions, {tail})"

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled arrays are read-only again (pickle does not keep the flag)."""
        freeze_arrays(state)
        self.__dict__.update(state)

    # ------------------------------------------------------------ constructors
    @classmethod
    def from_mapping(
        cls,
        votes: Mapping[str, int] | Mapping[str, Mapping[str, int]],
        *,
        against_all: int | Mapping[str, int] | None = None,
        invalid: int | Mapping[str, int] | None = None,
        registered: int | Mapping[str, int] | None = None,
        parties: Sequence[Party] | None = None,
        regions: Sequence[Region] | None = None,
        name: str = "",
        source: str = "",
    ) -> Election:
        """Build a single election from ``{party: votes}`` or ``{region: {party: votes}}``.

        Parties missing from a region's mapping get 0 votes there.  ``parties``/``regions``
        optionally give metadata objects; their names must match the mapping keys.

        Examples
        --------
        >>> e = Election.from_mapping({"A": 600, "B": 400}, against_all=10)
        >>> e.party_names, e.national_valid.item()
        (('A', 'B'), 1010)
        >>> e = Election.from_mapping({"North": {"A": 5, "B": 1}, "South": {"B": 7}})
        >>> e.votes.tolist()
        [[5, 1], [0, 7]]
        """
        if not isinstance(votes, Mapping) or not votes:
            raise ElectsimError("votes must be a non-empty mapping")
        nested = all(isinstance(x, Mapping) for x in votes.values())
        if not nested and any(isinstance(x, Mapping) for x in votes.values()):
            raise ShapeMismatchError("votes mixes regions (mappings) and parties (counts)")
        if nested:
            by_region = _named(votes, "votes (region keys)")
            region_names = list(by_region)
            subs = {r: _named(sub, f"votes[{r!r}] (party keys)") for r, sub in by_region.items()}
            party_names: list[str] = []
            for sub in subs.values():
                party_names += [p for p in sub if p not in party_names]
            rows = [[sub.get(p, 0) for p in party_names] for sub in subs.values()]
        else:
            flat = _named(votes, "votes (party keys)")
            region_names = [NATIONAL.name]
            party_names = list(flat)
            rows = [list(flat.values())]
        if parties is not None:
            by_name = {p.name: p for p in parties}
            missing = [p for p in party_names if p not in by_name]
            if missing:
                raise UnknownNameError(f"parties lacks metadata for {missing}")
            party_objs: list[Party | str] = [by_name[p] for p in party_names]
        else:
            party_objs = list(party_names)
        if regions is not None:
            rmap = {r.name: r for r in regions}
            missing = [r for r in region_names if r not in rmap]
            if missing:
                raise UnknownNameError(f"regions lacks metadata for {missing}")
            region_objs: list[Region | str] = [rmap[r] for r in region_names]
        elif nested:
            region_objs = list(region_names)
        else:
            region_objs = [NATIONAL]

        def col(x: int | Mapping[str, int] | None, pname: str) -> list[int] | None:
            if x is None:
                return None
            if isinstance(x, Mapping):
                named = _named(x, f"{pname} (region keys)")
                unknown = set(named) - set(region_names)
                if unknown:
                    raise UnknownNameError(f"{pname} names unknown region(s) {sorted(unknown)}")
                return [named.get(r, 0) for r in region_names]
            if len(region_names) != 1:
                raise ShapeMismatchError(f"{pname} must be a {{region: count}} mapping")
            return [x]

        return cls(
            rows,
            col(against_all, "against_all"),
            col(invalid, "invalid"),
            col(registered, "registered"),
            party_objs,
            region_objs,
            name,
            source,
        )

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        *,
        parties: Sequence[Party] | None = None,
        name: str = "",
        source: str = "",
    ) -> Election:
        """Read an election from a CSV file in electsim's wide format.

        Format: UTF-8 (a byte-order mark is accepted), a header row, one row per region,
        separated by commas, semicolons (as European spreadsheets write) or tabs -- detected
        from the file.  Reserved columns (all optional, exactly these lower-case names):
        ``region`` (the region's name; without it the file must have one row, the national
        total), ``against_all``, ``invalid``, ``registered`` (empty cells mean unknown; then the
        whole column must be empty), ``in_regional_threshold`` (``true``/``false``/``1``/``0``/
        ``yes``/``no``, default true; e.g. ``false`` for votes cast abroad).  Every other column
        is a party, headed by its name, in the order of the file.  Lines whose cells are all
        empty are skipped.

        Counts are read as exact integers from their text, never through a float: plain digits
        (``85``), optionally with a zero fraction (``85.0``, as spreadsheets export whole
        numbers).  ``85.5``, ``85.0000000000000001``, ``1e3``, ``-1``, thousands separators
        (``1,234``, ``1 234``) and empty cells are refused.

        Raises
        ------
        ElectsimError
            The file cannot be read or is not UTF-8 (with the line of the first bad byte); a
            header wider than :data:`MAX_CSV_COLUMNS`; an empty header cell (e.g. a trailing
            separator); a header that looks like a reserved column but is not spelled as one
            (``against-all``, ``Invalid``, ``Region``, ``spoiled``, ...), which is never read
            as a party; rows with more or fewer fields than the header; cells that are not
            counts.  Every problem found is listed with its line number, in one error.
        UnknownNameError
            Duplicate columns; a party column without metadata in ``parties``.

        Examples
        --------
        >>> import tempfile, os
        >>> text = "region,A,B,against_all,invalid\\nNorth,60,40,5,1\\nSouth,10,90,0,2\\n"
        >>> with tempfile.TemporaryDirectory() as d:
        ...     p = os.path.join(d, "e.csv")
        ...     with open(p, "w") as fh:
        ...         _ = fh.write(text)
        ...     e = Election.from_csv(p)
        >>> e.region_names, e.national_votes.tolist(), e.national_ballots.item()
        (('North', 'South'), [70, 130], 208)
        """
        problems: list[str] = []  # every problem found, reported together with line numbers
        header, rows = _read_csv(path, problems)
        where = str(path)
        party_cols = [c for c in header if c not in RESERVED_COLUMNS]
        if not party_cols:
            raise ElectsimError(f"{where}: no party columns (reserved: {RESERVED_COLUMNS})")
        if "region" not in header and len(rows) != 1 and not problems:
            raise ShapeMismatchError(
                f"{where}: {len(rows)} data rows but no 'region' column; a file without regions "
                "must have exactly one row (the national totals)"
            )
        votes = [[_cell_count(r, c, problems) for c in party_cols] for r in rows]
        cols = {
            c: _optional_column(rows, c, problems) for c in ("against_all", "invalid", "registered")
        }
        region_objs: list[Region | str] = [NATIONAL]
        if "region" in header:
            region_objs = []
            for r in rows:
                label = r.cells["region"]
                if not label:
                    problems.append(f"line {r.line}: empty region name")
                flag = _parse_bool(r.cells.get("in_regional_threshold", ""), r.line, problems)
                region_objs.append(Region(label or "?", flag))
        _raise_problems(where, problems)
        party_objs: list[Party | str] = list(party_cols)
        if parties is not None:
            plist = list(parties)
            names, shorts = [p.name for p in plist], [p.short for p in plist]
            try:
                party_objs = [plist[lookup_index(names, c, "party", shorts)] for c in party_cols]
            except UnknownNameError as exc:
                raise UnknownNameError(
                    f"{where}: parties has no metadata for a column (matched by name or short "
                    f"code): {exc}"
                ) from exc
        return cls(
            votes,
            cols["against_all"],
            cols["invalid"],
            cols["registered"],
            party_objs,
            region_objs,
            name or Path(path).stem,
            source or str(path),
        )


#: The widest CSV file :meth:`Election.from_csv` reads (columns); wider files are refused
#: before any parsing work.
MAX_CSV_COLUMNS = 10_000

#: Separators :meth:`Election.from_csv` recognises, in order of preference.
CSV_DELIMITERS = (",", ";", "\t")

#: Header spellings (compared without case, spaces, dashes or underscores) that look like a
#: reserved column: refused with a suggestion instead of being read as a party.
_RESERVED_LOOKALIKES = {
    **{c.replace("_", ""): c for c in RESERVED_COLUMNS},
    "against": "against_all",
    "againstallcandidates": "against_all",
    "noneoftheabove": "against_all",
    "invalidballots": "invalid",
    "invalidvotes": "invalid",
    "spoiled": "invalid",
    "spoilt": "invalid",
    "spoiledballots": "invalid",
    "registeredvoters": "registered",
    "electorate": "registered",
    "regionname": "region",
    "oblast": "region",
    "regionalthreshold": "in_regional_threshold",
}

_COUNT_TEXT = re.compile(r"\+?([0-9]+)(?:\.0*)?")
_GROUPED_TEXT = re.compile(r"[0-9]{1,3}(?:[ ,.'\u00a0\u202f][0-9]{3})+")


@dataclass(frozen=True)
class _Row:
    line: int  # physical line number in the file (1-based) where the record ends
    cells: dict[str, str]


def _raise_problems(where: str, problems: list[str]) -> None:
    if not problems:
        return
    shown = problems[:12]
    more = f"\n  ... and {len(problems) - len(shown)} more" if len(problems) > len(shown) else ""
    raise ElectsimError(
        f"{where}: {len(problems)} problem(s) in the CSV file:\n  " + "\n  ".join(shown) + more
    )


def _decode_csv(path: str | Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ElectsimError(f"cannot read CSV path={str(path)!r}: {exc}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise ElectsimError(
            f"{path}: line {line}: byte 0x{raw[exc.start]:02x} is not valid UTF-8; electsim "
            "reads UTF-8 CSV files only (save as 'CSV UTF-8', or convert the file, e.g. "
            "iconv -f cp1251 -t utf-8)"
        ) from exc


def _sniff_delimiter(text: str, where: str) -> str:
    """The separator that splits the header into several fields and every sampled line alike."""
    sample = [ln for ln in text.splitlines()[:50] if ln.strip()]
    if not sample:
        raise ElectsimError(f"{where}: empty file (no header row)")
    widest = max(sample[0].count(d) for d in CSV_DELIMITERS) + 1
    if widest > MAX_CSV_COLUMNS:
        raise ElectsimError(
            f"{where}: line 1: the header has about {widest:,} columns, more than "
            f"MAX_CSV_COLUMNS={MAX_CSV_COLUMNS:,}; is this an election in electsim's wide format "
            "(one column per party)?"
        )
    split: list[str] = []
    regular: list[str] = []
    for d in CSV_DELIMITERS:
        widths = [len(r) for r in csv.reader(sample, delimiter=d)]
        if widths[0] > 1:
            split.append(d)
            if all(w == widths[0] for w in widths if w):
                regular.append(d)
    if len(regular) == 1:
        return regular[0]
    if not split:
        return ","  # one column: a single party, no region
    if len(regular) > 1:
        names = " and ".join(repr(d) for d in regular)
        raise ElectsimError(
            f"{where}: cannot tell the separator: {names} both split every line into the same "
            "number of fields; use one separator only (party names with a comma must be quoted)"
        )
    return split[0]  # no separator is regular: the row checks report the bad lines


def _read_csv(path: str | Path, problems: list[str]) -> tuple[list[str], list[_Row]]:
    """Header and rows of well-formed lines; structural problems are appended to ``problems``."""
    where = str(path)
    text = _decode_csv(path)
    delimiter = _sniff_delimiter(text, where)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] = []
    rows: list[_Row] = []
    try:
        for record in reader:
            if not header:
                if not any(c.strip() for c in record):
                    continue
                header = [h.strip() for h in record]
                _check_header(header, reader.line_num, problems)
                continue
            if not any(c.strip() for c in record):
                continue  # blank line, or separators only
            if len(record) != len(header):
                kind = "an extra field" if len(record) > len(header) else "a missing field"
                problems.append(
                    f"line {reader.line_num}: {len(record)} fields but the header has "
                    f"{len(header)} ({kind}"
                    + (", a trailing separator?)" if len(record) > len(header) else ")")
                )
                continue
            rows.append(
                _Row(reader.line_num, {h: c.strip() for h, c in zip(header, record, strict=True)})
            )
    except csv.Error as exc:
        problems.append(f"line {reader.line_num}: {exc}")
    if not header:
        raise ElectsimError(f"{where}: empty file (no header row)")
    if not rows:
        _raise_problems(where, problems)
        raise ElectsimError(f"{where}: no data rows")
    return header, rows


def _check_header(header: list[str], line: int, problems: list[str]) -> None:
    for j, h in enumerate(header):
        if not h:
            last = " (a trailing separator?)" if j == len(header) - 1 else ""
            problems.append(f"line {line}: column {j + 1} of the header is empty{last}")
            continue
        if h in RESERVED_COLUMNS:
            continue
        folded = re.sub(r"[\s_\-.]", "", h.casefold())
        reserved = _RESERVED_LOOKALIKES.get(folded)
        if reserved is not None:
            problems.append(
                f"line {line}: column {h!r} looks like the reserved column {reserved!r}; "
                f"rename it to {reserved!r} (reserved names are exact and lower case) -- it is "
                "not read as a party"
            )
    counts: dict[str, int] = {}
    for h in header:
        counts[h] = counts.get(h, 0) + 1
    dup = sorted(h for h, n in counts.items() if h and n > 1)
    if dup and not problems:
        raise UnknownNameError(f"line {line}: duplicate column(s) {dup}")
    if dup:
        problems.append(f"line {line}: duplicate column(s) {dup}")


def _cell_count(row: _Row, column: str, problems: list[str]) -> int:
    """The exact integer in a cell (0 after recording a problem)."""
    text = row.cells[column]
    m = _COUNT_TEXT.fullmatch(text)
    if m is not None and len(m.group(1)) <= 19:
        return int(m.group(1))
    if m is not None:
        why = "is too large for a count (more than 19 digits)"
    elif not text:
        why = "is empty"
    elif _GROUPED_TEXT.fullmatch(text):
        why = "has a thousands separator; write plain digits"
    elif re.fullmatch(r"[+-]?[0-9]*[.,]?[0-9]+(?:[eE][+-]?[0-9]+)?", text):
        why = "is not a non-negative whole number (counts are exact integers: 12 or 12.0)"
    else:
        why = "is not a count"
    problems.append(f"line {row.line}, column {column!r}: {text[:40]!r} {why}")
    return 0


def _optional_column(rows: list[_Row], column: str, problems: list[str]) -> list[int] | None:
    cells = [r.cells.get(column, "") for r in rows]
    if all(c == "" for c in cells):
        return None
    empty = [r.line for r, c in zip(rows, cells, strict=True) if c == ""]
    if empty:
        problems.append(
            f"column {column!r} is filled in some rows and empty on line(s) "
            f"{', '.join(map(str, empty[:10]))}: fill every row, or leave the whole column empty"
        )
        return None
    return [_cell_count(r, column, problems) for r in rows]


def _parse_bool(text: str, line: int, problems: list[str]) -> bool:
    t = text.strip().lower()
    if t in ("", "true", "1", "yes"):
        return True
    if t in ("false", "0", "no"):
        return False
    problems.append(f"line {line}, column 'in_regional_threshold': {text!r} is not true/false")
    return True


def _named(mapping: Mapping[Any, Any], what: str) -> dict[str, Any]:
    """``mapping`` with its keys as names: ``str`` keys as they are, ``int`` keys as their
    decimal text; any other key type, or two keys with the same name (``1`` and ``"1"``), is
    refused."""
    out: dict[str, Any] = {}
    original: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(key, bool | np.bool_) or not isinstance(key, str | int | np.integer):
            raise UnknownNameError(f"{what}: key {key!r} must be a name (str) or an int")
        name = key if isinstance(key, str) else str(int(key))
        if name in out:
            raise UnknownNameError(
                f"{what}: the keys {original[name]!r} and {key!r} both name {name!r}"
            )
        out[name], original[name] = value, key
    return out


def invalid_from_rate(valid: ArrayLike, invalid_rate: Any) -> NDArray[np.int64]:
    """Invalid ballots implied by an assumed share of invalid ballots among all ballots.

    With rate ``r`` of the ballots invalid, ``invalid = valid * r / (1 - r)``, rounded half up
    exactly (integer arithmetic on the rate's ``Fraction``).

    Parameters
    ----------
    valid : array_like of int
        Valid ballots (party votes + against all), any shape.
    invalid_rate : rate
        ``"1.5%"``, ``Fraction``, ``Decimal`` or float in ``[0, 1)``.

    Returns
    -------
    ndarray of int64, the shape of ``valid``

    >>> invalid_from_rate([985, 100], "1.5%").tolist()  # 985 * 15 / 985 = 15; 100 * 15 / 985
    [15, 2]
    """
    r = parse_rate(invalid_rate, "invalid_rate")
    if r >= 1:
        raise ElectsimError(f"invalid_rate={invalid_rate!r} must be below 100 %")
    ratio = r / (1 - r)
    a, b = ratio.numerator, ratio.denominator
    v = np.asarray(valid).astype(object)
    return np.asarray((2 * v * a + b) // (2 * b)).astype(np.int64)  # round half up, exact


@dataclass(frozen=True, eq=False)
class PrecinctResults:
    """Results per polling station (optionally batched), aggregated exactly by :meth:`to_election`.

    Parameters
    ----------
    votes : array_like of int, shape ``(*batch, K, P)``
        Party votes at each of ``K`` polling stations.
    region : array_like of int, shape ``(K,)``
        Index into ``regions`` of each station's region (the same in every batch element).
    regions : sequence of Region or str
    parties : sequence of Party or str, length ``P``
    against_all : array_like of int, shape ``(*batch, K)``, optional (default zeros)
    invalid : array_like of int, shape ``(*batch, K)``, optional
        ``None`` means *unknown* (not zero): :meth:`to_election` then asks for an explicit
        assumption.
    registered : array_like of int, shape ``(*batch, K)``, optional
    extra : mapping of str to array_like, shape ``(K,)``, optional
        Further per-station columns kept as read-only float arrays (e.g. ``"form2_share"``);
        descriptive, they never enter a seat decision.
    station_ids : sequence of str, optional
    name, source : str

    Examples
    --------
    >>> pr = PrecinctResults([[5, 1], [2, 2], [0, 9]], region=[0, 0, 1], regions=["N", "S"])
    >>> pr.to_election(invalid_rate=0).votes.tolist()
    [[7, 3], [0, 9]]
    """

    votes: IntArray
    region: IntArray
    regions: tuple[Region, ...]
    parties: tuple[Party, ...]
    against_all: IntArray
    invalid: IntArray | None
    registered: IntArray | None
    extra: Mapping[str, NDArray[np.float64]]
    station_ids: tuple[str, ...]
    name: str
    source: str

    def __init__(
        self,
        votes: ArrayLike,
        region: ArrayLike,
        regions: Iterable[Region | str],
        parties: Iterable[Party | str] | None = None,
        against_all: ArrayLike | None = None,
        invalid: ArrayLike | None = None,
        registered: ArrayLike | None = None,
        extra: Mapping[str, ArrayLike] | None = None,
        station_ids: Sequence[str] | None = None,
        name: str = "",
        source: str = "",
    ) -> None:
        v = as_count_array(votes, "votes")
        if v.ndim < 2:
            raise ShapeMismatchError(
                f"votes must have shape (*batch, stations, parties), got {v.shape}"
            )
        K, P = v.shape[-2], v.shape[-1]
        batch = v.shape[:-2]
        regs = tuple(r if isinstance(r, Region) else Region(str(r)) for r in regions)
        _as_regions(regs, len(regs))  # duplicate check
        reg_idx = as_count_array(region, "region")
        if reg_idx.shape != (K,):
            raise ShapeMismatchError(f"region has shape {reg_idx.shape}; expected ({K},)")
        if K and int(reg_idx.max()) >= len(regs):
            raise UnknownNameError(
                f"region contains index {int(reg_idx.max())} but only {len(regs)} regions exist"
            )

        def col(x: ArrayLike | None, pname: str) -> IntArray | None:
            if x is None:
                return None
            a = as_count_array(x, pname)
            if (a.ndim == 0 and int(a) != 0) or (a.ndim > 0 and a.shape[-1] != K):
                raise ShapeMismatchError(
                    f"{pname} has shape {a.shape}; its last axis must have one entry per "
                    f"station (K = {K})"
                )
            try:
                b = np.ascontiguousarray(np.broadcast_to(a, (*batch, K)))
            except ValueError as exc:
                raise ShapeMismatchError(
                    f"{pname} has shape {a.shape}; expected {(*batch, K)}"
                ) from exc
            b.setflags(write=False)
            return b

        aa = col(against_all, "against_all")
        if aa is None:
            aa = np.zeros((*batch, K), dtype=np.int64)
            aa.setflags(write=False)
        extras: dict[str, NDArray[np.float64]] = {}
        for key, val in (extra or {}).items():
            arr = np.array(val, dtype=np.float64)
            if arr.shape != (K,):
                raise ShapeMismatchError(f"extra[{key!r}] has shape {arr.shape}; expected ({K},)")
            arr.setflags(write=False)
            extras[str(key)] = arr
        if isinstance(station_ids, str | bytes):
            raise ElectsimError(
                f"station_ids={station_ids!r} must be a sequence of ids, one per station, "
                "not a single string"
            )
        ids = tuple(str(s) for s in station_ids) if station_ids is not None else ()
        if ids and len(ids) != K:
            raise ShapeMismatchError(f"station_ids has {len(ids)} entries; expected {K}")
        if len(set(ids)) != len(ids):
            seen: set[str] = set()
            dup = next(x for x in ids if x in seen or seen.add(x))  # type: ignore[func-returns-value]
            raise UnknownNameError(f"station_ids contains the duplicate id {dup!r}")
        object.__setattr__(self, "votes", v)
        object.__setattr__(self, "region", reg_idx)
        object.__setattr__(self, "regions", regs)
        object.__setattr__(self, "parties", _as_parties(parties, P))
        object.__setattr__(self, "against_all", aa)
        object.__setattr__(self, "invalid", col(invalid, "invalid"))
        object.__setattr__(self, "registered", col(registered, "registered"))
        object.__setattr__(self, "extra", MappingProxyType(extras))
        object.__setattr__(self, "station_ids", ids)
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "source", str(source))
        if self.registered is not None:
            took_part = self.valid + (0 if self.invalid is None else self.invalid)
            if (self.registered < took_part).any():
                idx = tuple(int(i) for i in np.argwhere(self.registered < took_part)[0])
                raise ElectsimError(f"registered is below the ballots cast at station index {idx}")

    @property
    def batch_shape(self) -> tuple[int, ...]:
        """Leading batch dimensions (``()`` for one set of results)."""
        return tuple(self.votes.shape[:-2])

    @property
    def n_stations(self) -> int:
        """Number of polling stations ``K``."""
        return int(self.votes.shape[-2])

    @property
    def n_parties(self) -> int:
        """Number of party lists ``P``."""
        return int(self.votes.shape[-1])

    @property
    def party_names(self) -> tuple[str, ...]:
        """Party names, in column order."""
        return tuple(p.name for p in self.parties)

    def party_index(self, party: str | int) -> int:
        """Column index of a party given by name, short code or index (as
        :meth:`Election.party_index`: case-insensitive, with suggestions)."""
        return lookup_index(self.party_names, party, "party", [p.short for p in self.parties])

    @property
    def valid(self) -> IntArray:
        """Party votes + against all per station, ``(*batch, K)``."""
        return self.votes.sum(axis=-1) + self.against_all

    @property
    def ballots(self) -> IntArray:
        """Voters who took part per station (valid + invalid), ``(*batch, K)``.

        Raises
        ------
        MissingDataError
            When the stations' invalid ballots are unknown (``invalid is None``).
        """
        from .errors import MissingDataError

        if self.invalid is None:
            raise MissingDataError(
                "ballots needs the stations' invalid ballots, which these results do not have; "
                "use valid, or to_election(invalid_rate=...) to state an assumption"
            )
        return self.valid + self.invalid

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["extra"] = dict(self.extra)  # a mappingproxy does not pickle
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled arrays are read-only again, and ``extra`` a read-only mapping."""
        state = dict(state)
        freeze_arrays(state)
        freeze_arrays(state["extra"])
        state["extra"] = MappingProxyType(state["extra"])
        self.__dict__.update(state)

    def _onehot(self) -> IntArray:
        m = np.zeros((self.n_stations, len(self.regions)), dtype=np.int64)
        m[np.arange(self.n_stations), self.region] = 1
        return m

    def _by_region(self, x: IntArray, axis_tail: int) -> IntArray:
        """Sum ``x`` over stations into regions (exact integer matrix product)."""
        oh = self._onehot()
        if axis_tail:  # (..., K, P) -> (..., R, P)
            return np.einsum("...kp,kr->...rp", x, oh)
        return np.einsum("...k,kr->...r", x, oh)

    def to_election(self, invalid_rate: RateLike | None = None) -> Election:
        """Aggregate the stations exactly into one election with a row per region.

        Parameters
        ----------
        invalid_rate : rate, optional
            Required when the stations' invalid ballots are unknown (``invalid is None``): the
            assumed share of invalid ballots among the voters who took part, applied per region
            as ``invalid = round(valid * r / (1 - r))`` (round half up, exact integers).  Pass
            ``0`` to assume no invalid ballots.  Refused when invalid ballots are known.

        Raises
        ------
        MissingDataError
            When invalid ballots are unknown and no ``invalid_rate`` is given.
        """
        from .errors import MissingDataError

        votes = self._by_region(self.votes, 1)
        aa = self._by_region(self.against_all, 0)
        if self.invalid is not None:
            if invalid_rate is not None:
                raise ElectsimError(
                    "invalid_rate was given but these results have invalid-ballot counts"
                )
            inv = self._by_region(self.invalid, 0)
        else:
            if invalid_rate is None:
                raise MissingDataError(
                    "these station results do not include invalid ballots; state an assumption "
                    "with to_election(invalid_rate=...), e.g. invalid_rate=0 or '1.5%'"
                )
            inv = invalid_from_rate(votes.sum(axis=-1) + aa, invalid_rate)
        reg = None if self.registered is None else self._by_region(self.registered, 0)
        return Election(votes, aa, inv, reg, self.parties, self.regions, self.name, self.source)

    def replace(self, **changes: Any) -> PrecinctResults:
        """A copy with some fields replaced (validated again)."""
        names = (
            "votes",
            "region",
            "regions",
            "parties",
            "against_all",
            "invalid",
            "registered",
            "extra",
            "station_ids",
            "name",
            "source",
        )
        unknown = set(changes) - set(names)
        if unknown:
            raise ElectsimError(
                f"replace() got unknown field(s) {sorted(unknown)}; fields are {sorted(names)}"
            )
        fields = {n: getattr(self, n) for n in names}
        fields["extra"] = dict(self.extra)
        fields["station_ids"] = self.station_ids or None
        fields.update(changes)
        return PrecinctResults(**fields)

    def __repr__(self) -> str:
        batch = f", batch_shape={self.batch_shape}" if self.batch_shape else ""
        return (
            f"PrecinctResults({self.name!r}, {self.n_stations} stations, "
            f"{len(self.parties)} parties, {len(self.regions)} regions{batch})"
        )
