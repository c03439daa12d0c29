r"""Multi-member districts: each district elects its own magnitude by one method.

The districts are the region axis of :class:`~electsim.Election` (votes ``(*batch, D, P)``).
A :class:`DistrictSystem` says how many seats each district elects (given, or apportioned by
:class:`Magnitudes` from population, registered voters or votes), which thresholds a list must
pass -- in the district (Spain: 3 % of the valid votes of the province), nationally, or
either -- and the method used in every district.  :meth:`DistrictSystem.allocate` runs the
method **once** on the ``(N * D, P)`` stack of all districts of all elections, each row with
its own seat count, so a batch of Spanish elections (52 districts) costs one kernel call.

Decisions are exact: thresholds by integer cross-multiplication
(``electsim._exact.votes_needed``), seats by the method's exact kernel.

References
----------
Spain: Ley Orgánica 5/1985 del Régimen Electoral General (LOREG), arts. 162 (350 seats; two
per province, one each for Ceuta and Melilla, the other 248 by population, largest
remainders) and 163 (3 % of the valid votes of the district, including blank ballots; D'Hondt
in each province).  Sweden: Vallag (2005:837) ch. 14 (4 % nationally or 12 % in a
constituency).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._display import HTMLReprMixin
from .._exact import as_count_array
from .._rng import normalise_rng as _normalise_rng
from ..apportion import TIE_POLICIES, Method, TieRecord, get_method
from ..election import Election, ElectionResult
from ..errors import (
    ElectsimError,
    MissingDataError,
    ShapeMismatchError,
    TieError,
    UnknownMethodError,
    UnknownNameError,
)
from ..stages import apportion as apportion_stage
from ..stages import eligibility as eligibility_stage
from ..system import MAX_SEATS, ElectoralSystem, Threshold
from .qualification import (
    Alternative,
    ByKind,
    DistrictShare,
    alternative_qualification,
    check_alternatives,
    threshold_need,
)

__all__ = [
    "DistrictAllocation",
    "DistrictSystem",
    "DistrictTie",
    "Magnitudes",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: Election counts a :class:`Magnitudes` basis may name (read from the election, per district).
COUNT_BASES = ("registered", "ballots", "valid", "party_votes")

Qualify = Literal["all", "any"]


# ------------------------------------------------------------------------------ shared helpers
def normalise_rng(
    rng: int | np.random.Generator | None, tie_break: str
) -> np.random.Generator | None:
    """``None`` stays ``None``; an int seeds a Generator (:func:`electsim._rng.normalise_rng`).

    ``tie_break="lot"`` needs an ``rng`` here: a rule book runs several stages, and one seed
    must serve them all, so none is drawn behind the user's back.
    """
    if rng is None:
        if tie_break == "lot":
            raise ElectsimError(
                "tie_break='lot' needs an rng: pass rng= (an int seed or a numpy Generator) to "
                "allocate, so that the lots drawn in every tier can be repeated"
            )
        return None
    return _normalise_rng(rng)


def run_method(
    votes: IntArray,
    seats: IntArray,
    eligible: BoolArray,
    method: Method,
    tie_break: str,
    rng: np.random.Generator | None,
) -> tuple[IntArray, list[TieRecord]]:
    """One call of the public apportionment stage :func:`electsim.stages.apportion` on
    ``(N, P)`` rows, each with its own seat count.

    ``"raise"`` runs as ``"lowest_index"`` (what the methods do to report a tie) so that the
    caller can raise with the district's name; every tie comes back as a ``TieRecord``.
    """
    policy = "lowest_index" if tie_break == "raise" else tie_break
    ap = apportion_stage(votes, seats, eligible, method, tie_break=policy, rng=rng)
    return np.asarray(ap.seats), list(ap.ties)


def check_tie_break(tie_break: str) -> str:
    """Validate a tie policy name."""
    if tie_break not in TIE_POLICIES:
        raise UnknownMethodError(
            f"tie_break={tie_break!r} is unknown; use one of {', '.join(TIE_POLICIES)}"
        )
    return tie_break


def check_seats(value: Any, name: str, *, minimum: int = 0) -> int:
    """An exact int in ``minimum..MAX_SEATS`` (numpy integers accepted, bools refused)."""
    if isinstance(value, np.integer):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ElectsimError(f"{name}={value!r} must be an integer")
    if not minimum <= value <= MAX_SEATS:
        raise ElectsimError(f"{name}={value} must be between {minimum} and {MAX_SEATS:,}")
    return value


def per_district(
    values: Mapping[str, Any] | ArrayLike, names: Sequence[str], what: str
) -> IntArray:
    """Counts given as ``{district name: count}`` or an array ``(D,)``, as int64 ``(D,)``."""
    D = len(names)
    if isinstance(values, Mapping):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise UnknownNameError(
                f"{what} names unknown district(s) {unknown[:5]}; districts are {list(names)[:8]}"
                + ("..." if D > 8 else "")
            )
        missing = [n for n in names if n not in values]
        if missing:
            raise UnknownNameError(f"{what} lacks district(s) {missing[:5]}")
        values = [values[n] for n in names]
    arr = as_count_array(values, what)
    if arr.shape != (D,):
        raise ShapeMismatchError(f"{what} has shape {arr.shape}; expected ({D},), one per district")
    return arr


def replace_rules(obj: Any, changes: dict[str, Any]) -> Any:
    """``dataclasses.replace`` that names unknown rules in an :class:`ElectsimError`."""
    names = {f.name for f in dataclasses.fields(obj)}
    unknown = set(changes) - names
    if unknown:
        raise ElectsimError(
            f"replace() got unknown rule(s) {sorted(unknown)}; rules are {sorted(names)}"
        )
    return dataclasses.replace(obj, **changes)


def tie_row_index(row: int, batch: tuple[int, ...], D: int) -> tuple[tuple[int, ...], int]:
    """Batch index and district of a flat row of the ``(N * D, P)`` stack."""
    n, d = divmod(int(row), D)
    index = tuple(int(x) for x in np.unravel_index(n, batch)) if batch else ()
    return index, d


def frozen(a: NDArray[Any], shape: tuple[int, ...]) -> NDArray[Any]:
    """``a`` reshaped, as a read-only array."""
    out = np.ascontiguousarray(a).reshape(shape)
    out.setflags(write=False)
    return out


#: What a national qualification threshold of a district or tier system may be: one
#: :class:`~electsim.Threshold`, a :class:`~electsim.rules.ByKind` (per kind of list, read from
#: :attr:`electsim.Party.members`), one Threshold per list (a tuple of length ``P``) or None.
NationalThreshold = Threshold | ByKind | tuple[Threshold, ...] | None


def base_scope(threshold: Threshold | ByKind) -> str:
    """``threshold.base_scope``: ``"own"`` (the default) or ``"national"`` (a regional test
    on the national base); ``"own"`` for thresholds that predate the option."""
    return str(getattr(threshold, "base_scope", "own"))


def national_thresholds(
    threshold: Any, n_parties: int | None, name: str = "national_threshold"
) -> NationalThreshold:
    """Validate a national threshold: a :class:`Threshold`, a :class:`ByKind`, one Threshold
    per list, or None; errors name the parameter ``name``.

    ``base_scope="national"`` is refused, as by :class:`~electsim.ElectoralSystem`: the base
    of a national threshold is national already.
    """
    if threshold is None or isinstance(threshold, Threshold | ByKind):
        if threshold is not None and base_scope(threshold) != "own":
            raise ElectsimError(
                f"{name}={threshold!r}: base_scope='national' is for district (regional) "
                "thresholds; a national threshold's base is national already"
            )
        return threshold
    if isinstance(threshold, str | bytes) or not isinstance(threshold, Sequence):
        raise ElectsimError(
            f"{name}={threshold!r} must be a Threshold, a ByKind (per kind of list, e.g. "
            "ByKind({1: '5%', 2: '8%'}, base='valid')), a sequence of Thresholds (one per "
            "list) or None"
        )
    out = tuple(threshold)
    if not out or not all(isinstance(t, Threshold) for t in out):
        raise ElectsimError(
            f"{name}: every entry of a per-list sequence must be a Threshold (use ByKind for "
            "thresholds per kind of list and alternatives=(Exempt([...]),) for exemptions)"
        )
    for t in out:
        national_thresholds(t, None, name)
    if n_parties is not None and len(out) != n_parties:
        raise ShapeMismatchError(
            f"{name} has {len(out)} entries; the election has {n_parties} parties"
        )
    return out


def passes_national(
    election: Election, threshold: NationalThreshold, name: str = "national_threshold"
) -> BoolArray:
    """``(N, P)``: national votes reach the national threshold (alternatives not included).

    The test is the public stage :func:`electsim.stages.eligibility` run with an
    :class:`~electsim.ElectoralSystem` holding ``threshold`` as its ``national`` rule (once for
    a :class:`Threshold` or :class:`ByKind`, once per distinct threshold of a per-list
    sequence), so district and tier systems decide thresholds exactly as single-tier systems.
    """
    batch = election.batch_shape
    N = int(np.prod(batch)) if batch else 1
    P = election.n_parties
    if threshold is None:
        return np.ones((N, P), dtype=bool)
    if isinstance(threshold, Threshold | ByKind):
        stage = eligibility_stage(election, ElectoralSystem(0, "hare", national=threshold))
        return np.array(stage.passes_national, dtype=bool).reshape(N, P)  # writable copy
    per_party = national_thresholds(threshold, P, name)
    assert isinstance(per_party, tuple)
    out = np.empty((N, P), dtype=bool)
    for t in set(per_party):  # the public threshold stage, once per distinct threshold
        cols = [p for p in range(P) if per_party[p] == t]
        passed = eligibility_stage(election, ElectoralSystem(0, "hare", national=t))
        out[:, cols] = passed.passes_national.reshape(N, P)[:, cols]
    return out


def district_alternatives(election: Election, alternatives: Sequence[Alternative]) -> BoolArray:
    """``(N, D, P)``: where each list qualifies by an alternative route, district by district.

    A :class:`~electsim.rules.DistrictShare` qualifies a list in the districts where it reaches
    the share (:meth:`~electsim.rules.DistrictShare.passes_by_region`: Sweden's fixed seats);
    every other alternative (:class:`~electsim.rules.Exempt`, user rules) qualifies it in
    every district (:func:`~electsim.rules.qualification.alternative_qualification`).
    """
    batch = election.batch_shape
    N = int(np.prod(batch)) if batch else 1
    D, P = election.n_regions, election.n_parties
    share = [a for a in alternatives if isinstance(a, DistrictShare)]
    whole = [a for a in alternatives if not isinstance(a, DistrictShare)]
    out = np.zeros((N, D, P), dtype=bool)
    for a in share:
        out |= a.passes_by_region(election).reshape(N, D, P)
    if whole:
        out |= alternative_qualification(election, whole).reshape(N, 1, P)
    return out


def refuse_candidates(election: Election, who: str) -> None:
    """District systems refuse :attr:`electsim.Party.candidates` (see ``docs/rules.md``).

    A list's candidates stand in one district (one list per district in Spain, Poland,
    Norway, Sweden, the Czech Republic), so one national count says nothing about how many
    seats a list can take in each district; applying it as a national cap, or dividing it
    among districts, would be a rule no law states.
    """
    limited = [p.name for p in election.parties if p.candidates is not None]
    if limited:
        raise ElectsimError(
            f"{who}: Party.candidates is set for {limited[:5]}; a national list length has no "
            "meaning in a district system (candidates stand on one list per district), so it "
            "is not applied. Build the election's parties without candidates= (a district "
            "list longer than its district's magnitude never binds)"
        )


# --------------------------------------------------------------------------------- magnitudes
@dataclass(frozen=True, eq=False)
class Magnitudes:
    """District magnitudes apportioned from a basis by an apportionment method.

    ``total`` seats are divided among the districts: districts named in ``fixed`` get exactly
    that many; every other district first gets ``minimum`` seats, and the remaining
    ``total - sum(fixed) - minimum * (D - len(fixed))`` seats are apportioned among them by
    ``method`` in proportion to ``basis``.

    Parameters
    ----------
    total : int
        House size (sum of the magnitudes).
    basis : {"registered", "ballots", "valid", "party_votes"}, mapping or array
        A count read from the election per district (registered voters, ballots, ...), or
        counts given directly (e.g. population) as ``{district: count}`` or an array ``(D,)``.
    method : str or Method
        Any registered method (``"hare"`` for Spain's largest remainders).
    minimum : int
        Initial seats of every district not in ``fixed``.
    fixed : mapping of str to int, optional
        Districts with a magnitude fixed by law.
    tie_break : str
        Tie policy of the apportionment (default ``"raise"``).

    Examples
    --------
    Spain (LOREG art. 162): 350 seats, two per province, one each for Ceuta and Melilla, the
    other 248 by population with largest remainders.  A toy version with three provinces:

    >>> m = Magnitudes(10, {"A": 500, "B": 300, "C": 100, "Ceuta": 7}, minimum=2,
    ...                fixed={"Ceuta": 1})
    >>> m.resolve(["A", "B", "C", "Ceuta"]).tolist()
    [4, 3, 2, 1]
    """

    total: int
    basis: str | Mapping[str, int] | Any
    method: Method = "hare"  # type: ignore[assignment]
    minimum: int = 0
    fixed: Mapping[str, int] = dataclasses.field(default_factory=dict)
    tie_break: str = "raise"

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", check_seats(self.total, "total"))
        object.__setattr__(self, "minimum", check_seats(self.minimum, "minimum"))
        object.__setattr__(self, "method", get_method(self.method))
        check_tie_break(self.tie_break)
        if not isinstance(self.fixed, Mapping):
            raise ElectsimError(f"fixed={self.fixed!r} must be a mapping {{district: seats}}")
        object.__setattr__(
            self, "fixed", {str(k): check_seats(v, f"fixed[{k!r}]") for k, v in self.fixed.items()}
        )
        if isinstance(self.basis, str):
            if self.basis not in COUNT_BASES:
                raise UnknownMethodError(
                    f"basis={self.basis!r} is unknown; use one of {COUNT_BASES} or give counts"
                )
        elif isinstance(self.basis, Mapping):
            as_count_array(list(self.basis.values()), "basis")  # counts checked up front
        else:
            object.__setattr__(self, "basis", as_count_array(self.basis, "basis"))

    def resolve(self, names: Sequence[str], election: Election | None = None) -> IntArray:
        """Magnitudes ``(D,)``, or ``(N, D)`` when the basis is read from a batched election.

        Parameters
        ----------
        names : sequence of str
            District names, in the order of the election's region axis.
        election : Election, optional
            Needed when ``basis`` names an election count.

        Raises
        ------
        ElectsimError
            When the fixed and minimum seats exceed ``total``, or the districts sharing the
            rest have no basis at all.
        """
        names = list(names)
        D = len(names)
        unknown = [k for k in self.fixed if k not in names]
        if unknown:
            raise UnknownNameError(f"fixed names unknown district(s) {unknown}")
        is_fixed = np.array([n in self.fixed for n in names], dtype=bool)
        start = np.array([self.fixed.get(n, self.minimum) for n in names], dtype=np.int64)
        rest = self.total - int(start.sum())
        if rest < 0:
            raise ElectsimError(
                f"total={self.total} is below the fixed and minimum seats ({int(start.sum())})"
            )
        if isinstance(self.basis, str):
            if election is None:
                raise MissingDataError(f"basis={self.basis!r} needs the election")
            counts = election.base(self.basis, national=False)
            counts = counts.reshape(-1, D) if counts.ndim > 1 else counts.reshape(1, D)
        else:
            counts = per_district(self.basis, names, "basis").reshape(1, D)
        N = counts.shape[0]
        share = np.zeros((N, D), dtype=np.int64)
        if rest > 0 and not is_fixed.all():
            eligible = np.broadcast_to(~is_fixed, (N, D))
            if (np.where(eligible, counts, 0).sum(axis=1) == 0).any():
                raise ElectsimError(
                    f"basis: the districts sharing the {rest} apportioned seats have no counts"
                )
            share, ties = run_method(
                counts, np.full(N, rest), eligible, self.method, self.tie_break, None
            )
            if ties and self.tie_break == "raise":
                raise TieError(
                    f"Magnitudes: a tie between districts {[names[c] for c in ties[0].contenders]}"
                    " for the last seat(s); set tie_break"
                )
        elif rest > 0:
            raise ElectsimError(f"every district is fixed but {rest} seats are left over")
        out = start[None, :] + share
        batched = isinstance(self.basis, str) and election is not None and election.batch_shape
        return out if batched else out[0]


# ------------------------------------------------------------------------------ district system
@dataclass(frozen=True)
class DistrictTie:
    """A tie for the last seat(s) of one district.

    Attributes
    ----------
    index : tuple of int
        Batch index of the election (``()`` for a single election).
    district : int
        District (region axis) index; ``district_name`` its name.
    contenders, parties, n_seats, winners, resolution, stage
        As in :class:`electsim.Tie`.  National ties of an upper tier have ``district = -1``;
        ties of a levelling-seat distribution (``district = -1``, stage ``"levelling
        distribution: ..."``) are between (district, list) cells: ``contenders`` and
        ``winners`` hold ``d * P + p`` and ``parties`` reads ``"list in district"``.
    """

    index: tuple[int, ...]
    district: int
    district_name: str
    contenders: tuple[int, ...]
    parties: tuple[str, ...]
    n_seats: int
    winners: tuple[int, ...]
    resolution: str
    stage: str

    def __str__(self) -> str:
        at = f" in election {self.index}" if self.index else ""
        won = ", ".join(self.parties[self.contenders.index(w)] for w in self.winners)
        return (
            f"tie{at}, district {self.district_name!r} ({self.stage}): {self.n_seats} seat(s) "
            f"among {', '.join(self.parties)}; given to {won} by {self.resolution}"
        )


def district_ties(
    records: Sequence[TieRecord], election: Election, prefix: str = ""
) -> tuple[DistrictTie, ...]:
    """Tie records of the ``(N * D, P)`` stack as :class:`DistrictTie` objects."""
    batch, D = election.batch_shape, election.n_regions
    out = []
    for r in sorted(records, key=lambda r: r.row):
        index, d = tie_row_index(r.row, batch, D)
        out.append(
            DistrictTie(
                index,
                d,
                election.regions[d].name,
                r.contenders,
                tuple(election.parties[c].name for c in r.contenders),
                r.n_seats,
                r.winners,
                r.resolution,
                prefix + r.stage,
            )
        )
    return tuple(out)


def raise_on_ties(ties: Sequence[Any], tie_break: str) -> None:
    """The ``"raise"`` policy: refuse any tie, naming the first."""
    if ties and tie_break == "raise":
        more = f" (and {len(ties) - 1} more)" if len(ties) > 1 else ""
        raise TieError(
            f"{ties[0]}{more}. The tie policy is 'raise': choose tie_break='lowest_index', "
            "'most_votes' or 'lot' (with rng)"
        )


@dataclass(frozen=True, eq=False)
class DistrictSystem:
    """Seats allocated in each district by one method, with district and national thresholds.

    Parameters
    ----------
    magnitudes : mapping, array ``(D,)`` or Magnitudes
        Seats per district: ``{district name: seats}`` (every district of the election, by its
        region name), an int array in region order, or a :class:`Magnitudes` rule.
    method : str or Method
        The apportionment method used in every district (``"dhondt"`` for Spain,
        ``"modified_sainte_lague"`` for Norway's district seats).
    district_threshold : Threshold or ByKind, optional
        A list needs this share of the district's base to win seats *in that district*
        (Spain: ``Threshold("3%", base="valid")``); a :class:`~electsim.rules.ByKind` reads
        :attr:`~electsim.Party.members`.  With ``base_scope="national"`` the base is the
        national one: the same number of votes is needed in every district.
    national_threshold : Threshold, ByKind or sequence of Threshold, optional
        A list needs this share of the national base to win seats anywhere: one
        :class:`~electsim.Threshold` for every list, a :class:`~electsim.rules.ByKind` for
        rates per kind of list (Poland: ``ByKind({1: "5%", 2: "8%"}, base="valid")``), or
        one Threshold per list (a sequence of length ``P``, for rules that are not by kind).
        Decided by the public stage :func:`electsim.stages.eligibility`, as for an
        :class:`~electsim.ElectoralSystem` with ``national=`` the same threshold.
    qualify : {"all", "any"}
        With both thresholds: ``"all"`` (default) -- a list must pass both; ``"any"`` -- either
        suffices (Sweden: 4 % nationally *or* 12 % in the constituency).
    tie_break : {"raise", "lowest_index", "most_votes", "lot"}
        Ties for the last seat of a district; ``"lot"`` needs ``rng``.
    name, source : str
        Label and legal source.
    alternatives : sequence of Exempt, DistrictShare, ...
        Routes to eligibility for a list that fails the thresholds (the vocabulary of
        :class:`~electsim.ElectoralSystem`, :mod:`electsim.rules.qualification`):
        :class:`~electsim.rules.Exempt` lists are eligible in every district whatever their
        votes (Poland's national minorities, Kodeks wyborczy art. 197 § 1); a
        :class:`~electsim.rules.DistrictShare` makes a list eligible **in the districts where
        it reaches the share** (Sweden's fixed seats: 4 % nationally or 12 % in *that*
        constituency); any other alternative object makes it eligible in every district.

    Notes
    -----
    In each district ``d`` the method allocates ``magnitude[d]`` seats among the lists eligible
    there, using their district votes; a district where no list is eligible leaves its seats
    unfilled (reported, not an error).  The district threshold base is the district's own
    count (``Election.base(kind, national=False)``).  Eligibility in district ``d``::

        eligible[d, p] = (district and/or national tests, as ``qualify`` says)
                         or alternatives(d, p)

    :attr:`electsim.Party.candidates` is refused (an :class:`~electsim.errors.ElectsimError`
    at allocation): candidates stand on one list per district, so a national list length
    gives no per-district limit.

    Examples
    --------
    >>> from electsim import Election, Threshold
    >>> e = Election([[600, 300, 100], [200, 500, 300]], parties="ABC", regions=["N", "S"])
    >>> ds = DistrictSystem({"N": 3, "S": 2}, "dhondt")
    >>> ds.allocate(e).district_seats.tolist()
    [[2, 1, 0], [0, 1, 1]]
    >>> ds.replace(district_threshold=Threshold("35%", base="valid")).allocate(e).seats.tolist()
    [3, 2, 0]
    """

    magnitudes: Mapping[str, int] | IntArray | Magnitudes
    method: Method
    district_threshold: Threshold | ByKind | None = None
    national_threshold: NationalThreshold = None
    qualify: Qualify = "all"
    tie_break: str = "raise"
    name: str = ""
    source: str = ""
    alternatives: tuple[Alternative, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "method", get_method(self.method))
        m = self.magnitudes
        if isinstance(m, Mapping):
            object.__setattr__(
                self,
                "magnitudes",
                {str(k): check_seats(v, f"magnitudes[{k!r}]") for k, v in m.items()},
            )
        elif not isinstance(m, Magnitudes):
            arr = as_count_array(m, "magnitudes")
            if arr.ndim != 1:
                raise ShapeMismatchError(f"magnitudes has shape {arr.shape}; expected (D,)")
            if arr.size and int(arr.max()) > MAX_SEATS:
                raise ElectsimError(f"magnitudes: {int(arr.max())} is above {MAX_SEATS:,}")
            object.__setattr__(self, "magnitudes", arr)
        if self.district_threshold is not None and not isinstance(
            self.district_threshold, Threshold | ByKind
        ):
            raise ElectsimError(
                f"district_threshold={self.district_threshold!r} must be a Threshold, a ByKind "
                "or None"
            )
        object.__setattr__(
            self, "national_threshold", national_thresholds(self.national_threshold, None)
        )
        object.__setattr__(self, "alternatives", check_alternatives(self.alternatives))
        if self.qualify not in ("all", "any"):
            raise UnknownMethodError(f"qualify={self.qualify!r} is unknown; use 'all' or 'any'")
        if self.qualify == "any" and (
            self.district_threshold is None or self.national_threshold is None
        ):
            raise ElectsimError(
                "qualify='any' (either threshold suffices) needs both district_threshold and "
                "national_threshold"
            )
        check_tie_break(self.tie_break)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "source", str(self.source))

    def replace(self, **changes: Any) -> DistrictSystem:
        """A variant with some rules changed."""
        return replace_rules(self, changes)

    def describe(self) -> str:
        """One line summarising the rules."""
        if isinstance(self.magnitudes, Magnitudes):
            size = f"{self.seats} seats (magnitudes by {self.magnitudes.method.name})"
        else:
            size = f"{self.seats} seats in {len(self.magnitudes)} districts"
        parts = [size, self.method.name]
        if self.district_threshold is not None:
            parts.append(f"district {self.district_threshold}")
        nt = self.national_threshold
        if isinstance(nt, Threshold | ByKind):
            parts.append(f"national {nt}")
        elif nt is not None:
            parts.append("national thresholds per list")
        if self.district_threshold is not None and nt is not None:
            parts.append("either suffices" if self.qualify == "any" else "both needed")
        if self.alternatives:
            parts.append("or " + " or ".join(str(a) for a in self.alternatives))
        parts.append(f"ties: {self.tie_break}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" if self.name else self.describe()

    @property
    def seats(self) -> int:
        """The house size: the sum of the magnitudes (``Magnitudes.total``)."""
        m = self.magnitudes
        if isinstance(m, Magnitudes):
            return m.total
        return int(sum(m.values())) if isinstance(m, Mapping) else int(np.asarray(m).sum())

    def resolve_magnitudes(self, election: Election) -> IntArray:
        """Magnitudes for ``election``: ``(D,)``, or ``(*batch, D)`` from a batched basis."""
        names = election.region_names
        m = self.magnitudes
        if isinstance(m, Magnitudes):
            out = m.resolve(names, election)
            if out.ndim == 2:
                return out.reshape((*election.batch_shape, len(names)))
            return out
        if isinstance(m, Mapping):
            return per_district(m, names, "magnitudes")
        assert isinstance(m, np.ndarray)
        if m.shape != (len(names),):
            raise ShapeMismatchError(
                f"magnitudes has {m.shape[0]} entries; the election has {len(names)} districts"
            )
        return m

    def eligibility(self, election: Election) -> tuple[BoolArray, BoolArray, BoolArray]:
        """``(passes_national (N,P), passes_district (N,D,P), eligible (N,D,P))``.

        ``passes_national`` and ``passes_district`` are the threshold tests alone;
        ``eligible`` combines them (``qualify``) and adds the ``alternatives``
        (``district_alternatives``).
        """
        batch = election.batch_shape
        N = int(np.prod(batch)) if batch else 1
        D, P = election.n_regions, election.n_parties
        national_thresholds(self.national_threshold, P)
        pass_nat = passes_national(election, self.national_threshold)
        votes = election.votes.reshape(N, D, P)
        if self.district_threshold is not None:
            t = self.district_threshold
            if base_scope(t) == "national":  # the same need in every district
                base = np.broadcast_to(election.base(t.base).reshape(N, 1), (N, D))
            else:
                base = election.base(t.base, national=False).reshape(N, D)
            pass_d = votes >= threshold_need(t, base, election.parties)
        else:
            pass_d = np.ones((N, D, P), dtype=bool)
        if self.district_threshold is None:
            eligible = np.broadcast_to(pass_nat[:, None, :], (N, D, P)).copy()
        elif self.national_threshold is None:
            eligible = pass_d.copy()
        elif self.qualify == "any":
            eligible = pass_d | pass_nat[:, None, :]
        else:
            eligible = pass_d & pass_nat[:, None, :]
        if self.alternatives:
            eligible = eligible | district_alternatives(election, self.alternatives)
        return pass_nat, pass_d, eligible

    def allocate(
        self, election: Election, *, rng: int | np.random.Generator | None = None
    ) -> DistrictAllocation:
        """Allocate every district of every election in the batch (one method call).

        Parameters
        ----------
        election : Election
            Votes ``(*batch, D, P)``; its regions are the districts.
        rng : None, int or Generator
            Only for ``tie_break="lot"``.

        Returns
        -------
        DistrictAllocation

        Raises
        ------
        TieError
            With ``tie_break="raise"`` when a district's last seat is tied.
        """
        if not isinstance(election, Election):
            raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
        gen = normalise_rng(rng, self.tie_break)
        refuse_candidates(election, "DistrictSystem")
        batch = election.batch_shape
        N = int(np.prod(batch)) if batch else 1
        D, P = election.n_regions, election.n_parties
        mags = np.broadcast_to(self.resolve_magnitudes(election), (*batch, D)).reshape(N, D)
        pass_nat, pass_d, eligible = self.eligibility(election)
        alloc, records = run_method(
            election.votes.reshape(N * D, P),
            mags.reshape(N * D),
            eligible.reshape(N * D, P),
            self.method,
            self.tie_break,
            gen,
        )
        ties = district_ties(records, election)
        raise_on_ties(ties, self.tie_break)
        alloc = alloc.reshape(N, D, P)
        d_unfilled = mags - alloc.sum(axis=2)
        return DistrictAllocation(
            election=election,
            system=self,
            district_seats=frozen(alloc, (*batch, D, P)),
            seats=frozen(alloc.sum(axis=1), (*batch, P)),
            magnitudes=frozen(mags, (*batch, D)),
            passes_national=frozen(pass_nat, (*batch, P)),
            passes_district=frozen(pass_d, (*batch, D, P)),
            eligible=frozen(eligible, (*batch, D, P)),
            district_unfilled=frozen(d_unfilled, (*batch, D)),
            unfilled=frozen(d_unfilled.sum(axis=1), batch),
            ties=ties,
        )


# --------------------------------------------------------------------------------- the result
def seat_table(
    title: str,
    election: Election,
    district_seats: IntArray,
    magnitudes: IntArray | None,
    footer: Sequence[str] = (),
) -> str:
    """Rows = districts, columns = parties with seats (short codes), plus a total row."""
    P = election.n_parties
    totals = district_seats.sum(axis=0)
    cols = [p for p in range(P) if totals[p] > 0] or list(range(min(P, 8)))
    heads = [election.parties[p].short[:8] for p in cols]
    w = [max(4, len(h)) for h in heads]
    dw = max(8, *(min(len(r.name), 24) for r in election.regions), len("Total"))
    head = f"{'District':<{dw}}  " + "  ".join(f"{h:>{x}}" for h, x in zip(heads, w, strict=True))
    head += "  Seats"
    lines = [title, head, "-" * len(head)]
    for d, reg in enumerate(election.regions):
        name = reg.name if len(reg.name) <= 24 else reg.name[:23] + "…"
        row = "  ".join(f"{int(district_seats[d, p]):>{x}}" for p, x in zip(cols, w, strict=True))
        n = int(district_seats[d].sum()) if magnitudes is None else int(magnitudes[d])
        lines.append(f"{name:<{dw}}  {row}  {n:>5}")
    lines.append("-" * len(head))
    row = "  ".join(f"{int(totals[p]):>{x}}" for p, x in zip(cols, w, strict=True))
    lines.append(f"{'Total':<{dw}}  {row}  {int(totals.sum()):>5}")
    lines += list(footer)
    return "\n".join(lines)


def batch_summary(kind: str, result: Any) -> str:
    """Mean seats per party over a batched result (``.election``, ``.seats``, ``.ties``,
    ``.unfilled``, ``.system``)."""
    e, batch = result.election, result.election.batch_shape
    P, n = e.n_parties, int(np.prod(batch))
    title = f"{kind} allocation of {n} elections (batch shape {batch}) -- {result.system}"
    if n == 0:
        return f"{title}\n(empty batch: no seats to show)"
    mean = result.seats.reshape(n, P).mean(axis=0)
    lines = [title, f"{'Party':<24}  {'mean seats':>10}"]
    for p, m_ in zip(e.parties, mean, strict=True):
        lines.append(f"{p.name[:24]:<24}  {m_:>10.2f}")
    lines.append(
        f"ties: {len(result.ties)}; elections with unfilled seats: "
        f"{int((result.unfilled > 0).sum())}"
    )
    return "\n".join(lines)


@dataclass(frozen=True, eq=False)
class DistrictAllocation(HTMLReprMixin, ElectionResult):
    """The result of :meth:`DistrictSystem.allocate`.

    Attributes
    ----------
    election : Election
    system : DistrictSystem
    district_seats : int64 ``(*batch, D, P)``
        Seats per district and list.
    seats : int64 ``(*batch, P)``
        National totals (sum over districts).
    magnitudes : int64 ``(*batch, D)``
    passes_national : bool ``(*batch, P)``
    passes_district : bool ``(*batch, D, P)``
    eligible : bool ``(*batch, D, P)``
        May win seats in that district.
    district_unfilled : int64 ``(*batch, D)``; unfilled : int64 ``(*batch,)``
        Seats left empty (no eligible list with votes in the district).
    ties : tuple of DistrictTie
    """

    election: Election
    system: DistrictSystem
    district_seats: IntArray
    seats: IntArray
    magnitudes: IntArray
    passes_national: BoolArray
    passes_district: BoolArray
    eligible: BoolArray
    district_unfilled: IntArray
    unfilled: IntArray
    ties: tuple[DistrictTie, ...]

    def by_district(self, index: Any = None) -> dict[str, dict[str, int]]:
        """``{district: {party: seats}}`` of one election (parties with seats only)."""
        i = self._one(index)
        e = self.election
        return {
            r.name: {
                p.name: int(s)
                for p, s in zip(e.parties, self.district_seats[i][d], strict=True)
                if s
            }
            for d, r in enumerate(e.regions)
        }

    def to_records(self, index: Any = None) -> list[dict[str, Any]]:
        """One record per (district, party) of one election, JSON-serialisable.

        Keys: ``district``, ``party``, ``votes``, ``passes_district``, ``passes_national``,
        ``eligible``, ``seats``.
        """
        i = self._one(index)
        e = self.election
        out = []
        for d, r in enumerate(e.regions):
            for p, party in enumerate(e.parties):
                out.append(
                    {
                        "district": r.name,
                        "party": party.name,
                        "votes": int(e.votes[i][d, p]),
                        "passes_district": bool(self.passes_district[i][d, p]),
                        "passes_national": bool(self.passes_national[i][p]),
                        "eligible": bool(self.eligible[i][d, p]),
                        "seats": int(self.district_seats[i][d, p]),
                    }
                )
        return out

    def to_json(self, index: Any = None, **kwargs: Any) -> str:
        """:meth:`to_records` as JSON."""
        return json.dumps(self.to_records(index), ensure_ascii=False, **kwargs)

    def table(self, index: Any = None) -> str:
        """Districts x parties table of one election."""
        i = self._one(index)
        title = f"{self.election.name or 'Election'}{f' {list(i)}' if i else ''} -- {self.system}"
        foot = []
        if int(self.unfilled[i]):
            foot.append(f"Unfilled seats: {int(self.unfilled[i])}")
        foot += [str(t) for t in self.ties if t.index == i]
        return seat_table(title, self.election, self.district_seats[i], self.magnitudes[i], foot)

    def __str__(self) -> str:
        return self.table() if not self.batch_shape else batch_summary("District", self)

    def __repr__(self) -> str:
        return f"DistrictAllocation(batch_shape={self.batch_shape}, system={str(self.system)!r})"
