"""Electoral rules: thresholds, seat caps and the electoral system that combines them."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from ._exact import RateLike, parse_rate
from .apportion import TIE_POLICIES, Method, get_method
from .apportion._base import MAX_KERNEL_SEATS
from .errors import AmbiguousRateWarning, ElectsimError, UnknownMethodError

if TYPE_CHECKING:
    from .rules.qualification import Alternative, ByKind

__all__ = [
    "BASES",
    "BASE_SCOPES",
    "MAJORITY_CLAUSES",
    "MAX_SEATS",
    "ElectoralSystem",
    "SeatCap",
    "Threshold",
]

#: The largest house (and seat cap) electsim allocates.  Seat counts must stay exact in the
#: float-screened batch kernels (far below 2**53) and ``votes * seats`` products within the
#: int64-safe range for realistic vote counts; no legislature comes near this bound.
MAX_SEATS = MAX_KERNEL_SEATS

Base = Literal["ballots", "valid", "party_votes", "registered"]

#: Threshold bases and what they count.
BASES: dict[str, str] = {
    "ballots": "voters who took part: party votes + against all + invalid (Kyrgyz law)",
    "valid": "valid ballots: party votes + against all (Venice Commission recommendation)",
    "party_votes": "the sum of party votes (what most peer libraries use)",
    "registered": "registered voters (Kyrgyzstan 2010)",
}


BaseScope = Literal["own", "national"]

#: Where the base of a regional threshold is counted.
BASE_SCOPES: dict[str, str] = {
    "own": "each region's own base (rate of the region's ballots, valid votes, ...)",
    "national": (
        "the national base: the same number of votes, rate of the national base, in every "
        "region of the test (Kyrgyzstan 2007)"
    ),
}


@dataclass(frozen=True, init=False)
class Threshold:
    """A legal threshold: a party needs ``rate`` of ``base`` to qualify.

    Parameters
    ----------
    rate : Fraction, Decimal, str, float or int
        ``"7%"``, ``Fraction(7, 100)``, ``Decimal("0.07")`` or ``0.07``; stored as an exact
        :class:`~fractions.Fraction` (floats via their shortest decimal ``repr``; see
        ``electsim._exact.parse_rate``).
    base : {"ballots", "valid", "party_votes", "registered"}
        What the rate is a share of; see :data:`BASES`.  Default ``"ballots"`` (voters who took
        part), the base of Kyrgyz law.
    inclusive : bool
        ``True`` (default): a party with exactly ``rate * base`` votes passes ("7 % or more").
        ``False``: it must exceed it.
    base_scope : {"own", "national"}
        Where the base of a *regional* threshold is counted (see :data:`BASE_SCOPES`).
        ``"own"`` (default): in each region (``rate`` of the region's own base).
        ``"national"``: in the whole country, so a list needs the same absolute number of
        votes, ``rate`` of the national base, in every region of the regional test -- the
        Kyrgyz rule of 2007 (0.5 % of the national registered electorate in each region).
        Only meaningful for ``ElectoralSystem(regional=...)``: a national threshold with
        ``base_scope="national"`` is refused by :class:`ElectoralSystem` (its base is already
        national; the option there would suggest a rule that does not exist).

    Notes
    -----
    The test is exact: ``votes * den >= num * base`` with ``rate = num / den``.  With
    ``base_scope="national"`` the national base is the sum of the regional bases over *all*
    regions (also those outside the regional test, e.g. voters abroad), as for a national
    threshold, and the need ``ceil(rate * base)`` is one number per election.

    Examples
    --------
    >>> t = Threshold("7%")
    >>> t.rate, t.base, t.inclusive
    (Fraction(7, 100), 'ballots', True)
    >>> Threshold(0.05, base="valid")
    Threshold('5%', base='valid')
    >>> t = Threshold("0.5%", base="registered", base_scope="national")
    >>> t, str(t)
    (Threshold('0.5%', base='registered', base_scope='national'), '>= 0.5% of national registered')

    A bare number above one half is almost always a percentage typed without ``%``; it is
    taken as a fraction (``0.7`` is 70 %) with an
    :class:`~electsim.errors.AmbiguousRateWarning`.  Strings with ``%``, ``"7/10"`` and
    ``Fraction`` values never warn.
    """

    rate: Fraction
    base: Base
    inclusive: bool
    base_scope: BaseScope = "own"  # class default: objects pickled before the option load

    def __init__(
        self,
        rate: RateLike,
        base: Base = "ballots",
        inclusive: bool = True,
        base_scope: BaseScope = "own",
    ) -> None:
        if base not in BASES:
            raise UnknownMethodError(f"base={base!r} is unknown; use one of {sorted(BASES)}")
        if not isinstance(inclusive, bool):
            raise ElectsimError(f"inclusive={inclusive!r} must be True or False")
        check_base_scope(base_scope)
        value = parse_rate(rate, "rate")
        bare = isinstance(rate, int | float | Decimal | np.number) or (
            isinstance(rate, str) and "%" not in rate and "/" not in rate
        )
        if bare and not isinstance(rate, bool) and value > Fraction(1, 2):
            warnings.warn(
                f"Threshold(rate={rate!r}) means {_fraction_percent(value)} of {base}; "
                f"if you meant {rate}%, write Threshold('{rate}%')",
                AmbiguousRateWarning,
                stacklevel=2,
            )
        object.__setattr__(self, "rate", value)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "inclusive", inclusive)
        object.__setattr__(self, "base_scope", base_scope)

    @property
    def percent(self) -> str:
        """The rate as a percentage string, exact when it terminates (``'7%'``, ``'0.7%'``)."""
        return _fraction_percent(self.rate)

    def __repr__(self) -> str:
        extra = "" if self.inclusive else ", inclusive=False"
        if self.base_scope != "own":
            extra += f", base_scope={self.base_scope!r}"
        return f"Threshold({self.percent!r}, base={self.base!r}{extra})"

    def __str__(self) -> str:
        op = ">=" if self.inclusive else ">"
        return f"{op} {self.percent} of {scoped_base(self.base, self.base_scope)}"


def check_base_scope(base_scope: Any) -> None:
    """Refuse a ``base_scope`` that is not one of :data:`BASE_SCOPES`."""
    if not isinstance(base_scope, str) or base_scope not in BASE_SCOPES:
        raise UnknownMethodError(
            f"base_scope={base_scope!r} is unknown; use one of {sorted(BASE_SCOPES)}"
        )


def scoped_base(base: str, base_scope: str) -> str:
    """The base as displayed: ``"registered"`` or ``"national registered"``."""
    return base if base_scope == "own" else f"national {base}"


def plain_threshold(t: Any, what: str) -> Threshold | None:
    """``t`` when it is a single-rate :class:`Threshold` (or None); a per-kind threshold is
    refused with an :class:`~electsim.errors.ElectsimError` naming ``what``."""
    if t is None or isinstance(t, Threshold):
        return t
    raise ElectsimError(f"{what} does not model the per-kind threshold {t!r}")


def _fraction_percent(f: Fraction) -> str:
    """Exact percentage text when it terminates within 11 decimals, else ``'num/den%'``.

    A fraction too long to print exactly (over 60 digits) is shown rounded, marked ``~``.

    >>> _fraction_percent(Fraction(7, 1000)), _fraction_percent(Fraction(1, 3))
    ('0.7%', '100/3%')
    """
    p = f * 100
    for digits in range(0, 12):
        scaled = p * 10**digits
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**digits)
            return (f"{whole}.{frac:0{digits}d}" if digits else str(whole)) + "%"
    if max(p.numerator.bit_length(), p.denominator.bit_length()) > 200:
        return f"~{float(p):.12g}%"
    return f"{p.numerator}/{p.denominator}%"


CapPolicy = Literal["reallocate"]


@dataclass(frozen=True)
class SeatCap:
    """At most ``max_seats`` seats per party.

    Parameters
    ----------
    max_seats : int
        The cap (65 in Kyrgyzstan 2020).
    policy : {"reallocate"}
        What happens to the seats above the cap.  ``"reallocate"`` (the only policy so far): a
        capped party keeps the cap and the remaining seats are allocated among the other
        eligible parties by the same method, repeated until no party exceeds the cap.  If every
        eligible party is capped, the seats left are reported as unfilled.  Kyrgyz law does not
        spell out the redistribution (election law Art. 64); this is the reading that keeps the
        method's own logic.
    """

    max_seats: int
    policy: CapPolicy = "reallocate"

    def __post_init__(self) -> None:
        if isinstance(self.max_seats, np.integer):
            object.__setattr__(self, "max_seats", int(self.max_seats))
        if isinstance(self.max_seats, bool) or not isinstance(self.max_seats, int):
            raise ElectsimError(f"cap max_seats={self.max_seats!r} must be an integer")
        if not 1 <= self.max_seats <= MAX_SEATS:
            raise ElectsimError(
                f"cap max_seats={self.max_seats} must be between 1 and MAX_SEATS={MAX_SEATS:,}"
            )
        if self.policy != "reallocate":
            raise UnknownMethodError(f"cap policy={self.policy!r} is unknown; use 'reallocate'")


MissingRegions = Literal["raise", "skip"]

#: Majority clauses :class:`ElectoralSystem` knows (see :mod:`electsim.rules.majority`).
MAJORITY_CLAUSES: dict[str, str] = {
    "dutch": (
        "a list with more than half of the votes cast for all lists but not more than half "
        "of the seats gets one more seat, taken from the list that won the last residual "
        "seat (Netherlands, Kieswet art. P 9)"
    ),
}

AllianceSpec = tuple[tuple[str | int, ...], ...]


@dataclass(frozen=True)
class ElectoralSystem:
    """A complete list-PR rule set.

    Parameters
    ----------
    seats : int
        House size (seats allocated by this tier).
    method : str, Method or callable
        An apportionment method name (see :func:`electsim.apportion.available_methods`), a
        :class:`~electsim.apportion.Method`, or a callable (see
        :func:`electsim.apportion.get_method`).  Stored resolved.
    national : Threshold or ByKind, optional
        National threshold on national votes; a :class:`~electsim.rules.ByKind` sets one rate
        per kind of list (party, coalition of k parties; :attr:`electsim.Party.members`).
    regional : Threshold or ByKind, optional
        A threshold every party must pass in *every* region flagged ``in_regional_threshold``
        (the base is computed per region, or once for the whole country with
        ``base_scope="national"``: the same number of votes in every region).
    cap : int or SeatCap, optional
        Per-party seat cap.  Independently of it, a list never gets more seats than
        :attr:`electsim.Party.candidates` (when given); the seats it cannot fill go on to the
        other lists as the cap's seats do.
    tie_break : {"raise", "lowest_index", "most_votes", "lot"}
        How exact ties for the last seat(s) are resolved.  ``"raise"`` (default) refuses to
        guess; ``"lot"`` uses the ``rng`` passed to :func:`electsim.allocate`.  Every tie is
        reported in the :class:`~electsim.Allocation` whatever the policy.
    alternatives : sequence of DistrictShare, Exempt, ...
        Alternative qualification (:mod:`electsim.rules.qualification`): a list that fails
        ``national``/``regional`` still qualifies if it meets any of them.
    alliances : sequence of sequences of party names (or indices)
        Apparentment / surplus agreements (:mod:`electsim.rules.alliances`): each alliance
        takes part in the allocation as one list with the votes of its *eligible* members, and
        its seats are then divided among those members.  Names are resolved per election
        (case-insensitively, also by short code); a party may be in one alliance only.
    alliance_method : str, Method or callable, optional
        The method dividing an alliance's seats among its members; default ``method``.
    majority_clause : {"dutch"}, optional
        A majority clause applied after the allocation (:mod:`electsim.rules.majority`); see
        :data:`MAJORITY_CLAUSES`.  Needs a divisor or largest-remainder method and cannot be
        combined with ``alliances``.
    missing_regions : {"raise", "skip"}
        What to do when ``regional`` is set but the election has no region in the regional
        test (national-only data): ``"raise"`` (default) a
        :class:`~electsim.errors.MissingDataError`; ``"skip"`` the regional test with an
        :class:`~electsim.errors.ElectsimWarning` and ``Allocation.regional_skipped = True``.
    name, source : str
        Label and legal source.

    Examples
    --------
    >>> s = ElectoralSystem(120, "hare", national=Threshold("7%"), cap=65)
    >>> s.replace(national=Threshold("5%", base="valid")).national
    Threshold('5%', base='valid')
    """

    seats: int
    method: Method
    national: Threshold | ByKind | None = None
    regional: Threshold | ByKind | None = None
    cap: SeatCap | None = None
    tie_break: str = "raise"
    missing_regions: MissingRegions = "raise"
    name: str = ""
    source: str = ""
    alternatives: tuple[Alternative, ...] = ()
    alliances: AllianceSpec = ()
    alliance_method: Method | None = None
    majority_clause: str | None = None

    def __init__(
        self,
        seats: int,
        method: str | Method | Callable[..., Any],
        national: Threshold | ByKind | None = None,
        regional: Threshold | ByKind | None = None,
        cap: int | SeatCap | None = None,
        tie_break: str = "raise",
        missing_regions: MissingRegions = "raise",
        name: str = "",
        source: str = "",
        alternatives: Any = (),
        alliances: Any = (),
        alliance_method: str | Method | Callable[..., Any] | None = None,
        majority_clause: str | None = None,
    ) -> None:
        from .rules.alliances import check_alliances
        from .rules.majority import check_majority_clause
        from .rules.qualification import ByKind, check_alternatives

        if isinstance(seats, np.integer):
            seats = int(seats)
        if isinstance(cap, np.integer):
            cap = int(cap)
        if isinstance(seats, bool) or not isinstance(seats, int) or seats < 0:
            raise ElectsimError(f"seats={seats!r} must be a non-negative integer")
        if seats > MAX_SEATS:
            raise ElectsimError(
                f"seats={seats} is above MAX_SEATS={MAX_SEATS:,}, the largest house electsim "
                "allocates (seat counts must stay exact in the batch kernels)"
            )
        for pname, t in (("national", national), ("regional", regional)):
            if t is not None and not isinstance(t, Threshold | ByKind):
                raise ElectsimError(
                    f"{pname}={t!r} must be a Threshold (e.g. Threshold('7%')), a ByKind or None"
                )
        if national is not None and national.base_scope != "own":
            raise ElectsimError(
                f"national={national!r}: base_scope='national' is an option of the regional "
                "threshold (a national threshold's base is national already); drop it here, "
                "or pass the threshold as regional="
            )
        if cap is not None and not isinstance(cap, SeatCap):
            cap = SeatCap(cap)
        if tie_break not in TIE_POLICIES:
            raise UnknownMethodError(
                f"tie_break={tie_break!r} is unknown; use one of {', '.join(TIE_POLICIES)}"
            )
        if missing_regions not in ("raise", "skip"):
            raise UnknownMethodError(
                f"missing_regions={missing_regions!r} is unknown; use 'raise' or 'skip'"
            )
        resolved = get_method(method)
        alts = check_alternatives(alternatives)
        blocs = check_alliances(alliances)
        inner = None if alliance_method is None else get_method(alliance_method)
        if inner is not None and not blocs:
            raise ElectsimError("alliance_method is set but alliances is empty")
        clause = check_majority_clause(majority_clause, resolved, blocs)
        object.__setattr__(self, "seats", seats)
        object.__setattr__(self, "method", resolved)
        object.__setattr__(self, "national", national)
        object.__setattr__(self, "regional", regional)
        object.__setattr__(self, "cap", cap)
        object.__setattr__(self, "tie_break", tie_break)
        object.__setattr__(self, "missing_regions", missing_regions)
        object.__setattr__(self, "name", str(name))
        object.__setattr__(self, "source", str(source))
        object.__setattr__(self, "alternatives", alts)
        object.__setattr__(self, "alliances", blocs)
        object.__setattr__(self, "alliance_method", inner)
        object.__setattr__(self, "majority_clause", clause)

    def replace(self, **changes: Any) -> ElectoralSystem:
        """A variant with some rules changed: ``system.replace(national=Threshold("5%"))``."""
        names = {f.name for f in dataclasses.fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ElectsimError(
                f"replace() got unknown rule(s) {sorted(unknown)}; rules are {sorted(names)}"
            )
        current = {n: getattr(self, n) for n in names}
        current.update(changes)
        return ElectoralSystem(**current)

    def require_plain(self, what: str, election: Any = None) -> None:
        """Refuse the single-tier rules ``what`` does not model, with a clear error.

        Analyses that reason about one threshold rate and one list tier (tipping points,
        threshold breakpoints, audit assertions, per-element rates) call this first, so a
        per-kind threshold, an alternative qualification, an alliance, a majority clause or
        (with ``election``) a candidate limit is never silently ignored.

        Raises
        ------
        ElectsimError
            Naming the rule and ``what``.
        """
        used = []
        for key in ("national", "regional"):
            if getattr(self, key) is not None and not isinstance(getattr(self, key), Threshold):
                used.append(f"{key}={getattr(self, key)!r} (a per-kind threshold)")
        if self.alternatives:
            used.append("alternatives")
        if self.alliances:
            used.append("alliances")
        if self.majority_clause is not None:
            used.append("majority_clause")
        if any(
            getattr(p, "candidates", None) is not None for p in getattr(election, "parties", ())
        ):
            used.append("candidate limits (Party.candidates)")
        if used:
            raise ElectsimError(
                f"{what} does not model {', '.join(used)}; use allocate() (and simulate/sweep "
                "over it) for these rules, or drop them with system.replace(...)"
            )

    def describe(self) -> str:
        """One line summarising the rules."""
        parts = [f"{self.seats} seats", self.method.name]
        if self.national is not None:
            parts.append(f"national {self.national}")
        if self.regional is not None:
            parts.append(f"every region {self.regional}")
        if self.cap is not None:
            parts.append(f"cap {self.cap.max_seats}")
        if self.alternatives:
            parts.append("or " + " or ".join(str(a) for a in self.alternatives))
        if self.alliances:
            inner = f" ({self.alliance_method.name} within)" if self.alliance_method else ""
            blocs = "; ".join("+".join(map(str, a)) for a in self.alliances)
            parts.append(f"alliances {blocs}{inner}")
        if self.majority_clause is not None:
            parts.append(f"{self.majority_clause} majority clause")
        parts.append(f"ties: {self.tie_break}")
        return ", ".join(parts)

    def __str__(self) -> str:
        return f"{self.name}: {self.describe()}" if self.name else self.describe()

    def __repr__(self) -> str:
        """Compact: the rules, with the method by name (no kernel functions)."""
        parts = [str(self.seats), repr(self.method.name)]
        for key in ("national", "regional"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key}={value!r}")
        if self.cap is not None:
            parts.append(f"cap={self.cap.max_seats}")
        if self.tie_break != "raise":
            parts.append(f"tie_break={self.tie_break!r}")
        if self.missing_regions != "raise":
            parts.append(f"missing_regions={self.missing_regions!r}")
        if self.alternatives:
            parts.append(f"alternatives={self.alternatives!r}")
        if self.alliances:
            parts.append(f"alliances={[list(a) for a in self.alliances]!r}")
        if self.alliance_method is not None:
            parts.append(f"alliance_method={self.alliance_method.name!r}")
        if self.majority_clause is not None:
            parts.append(f"majority_clause={self.majority_clause!r}")
        if self.name:
            parts.append(f"name={self.name!r}")
        return f"ElectoralSystem({', '.join(parts)})"
