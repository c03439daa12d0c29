"""Tipping points: the minimum manipulation that changes an outcome.

A *plan* is a non-negative integer amount ``x_a`` for each allowed action ``a`` (an action with
``units=None`` on regional data is one action per region, and a switch one per source party).
Every action is linear in its amount, so the results after a plan are ``counts + sum_a x_a * d_a``
exactly.  The cost of a plan is ``sum_a x_a`` votes, and ``sum_a x_a * cost_a`` som over the
priced actions: an action's ``cost_som``, or the som per delivered vote of a
:class:`~electsim.manipulation.VoteBuying` market (``market=``) for the action that market buys.
Commission fraud (ballots added, removed or invalidated) is counted in ballots
(:attr:`TippingPoint.unpriced`), never as payments to voters unless the user prices it
(``docs/models.md``, "Prices of tipping points").

What is optimal (and what is not):

* **threshold targets** (:func:`passes`, :func:`fails`, :func:`qualifies`) are conjunctions of
  linear inequalities in integer votes, e.g. adding ``x`` ballots for ``b`` under the base
  ballots passes iff ``den (v_b + x) >= num (B + x)`` with ``rate = num/den``.  They are solved by
  an integer program (:func:`scipy.optimize.milp`, one integer variable per action and region,
  ``mip_rel_gap = 0``).  HiGHS works in floating point, so the rounded solution is re-checked
  with Python integers and, should a row be violated, that row is tightened by one vote and the
  program solved again: the plan always satisfies the target exactly, and it is **optimal over
  all plans** up to the solver's optimality proof (coefficients are small integers);
* **seat targets** (:func:`gains_seat`, :func:`loses_seat`, :func:`bloc_reaches`,
  :func:`bloc_loses`, :func:`any_change`): seats are not monotone in the votes, so the exact
  method is exhaustion.  When the plans with at most ``max_votes`` votes number at most
  ``plan_limit`` they are all evaluated (batched :func:`~electsim.allocate` calls, chunked):
  **optimal over all plans**.  Otherwise the search is **optimal over single-action plans**
  (every integer amount of every action evaluated, in lock-step chunks, up to the best cost
  found so far) and over *threshold-crossing plans*: the cheapest MILP plan that flips the
  eligibility of up to three of the five parties cheapest to flip (out of or into the
  parliament), followed by one action at any amount (again exhaustively).  A cheaper plan
  mixing several actions in another way may exist, so the result is then an upper bound; the
  result says which guarantee applies (``TippingPoint.optimal_over``).

Bounds: an action never takes more votes than the cell it draws from holds; without
``max_votes``, an :class:`Add` is bounded by the unused register (``registered - ballots``)
when registered voters are known, else by the national ballots.  Plans applied are exact
array edits recorded in a :class:`~electsim.manipulation.Ledger`, not the manipulation models:
those spread an amount over regions and sources by their own rules, whereas a tipping plan
fixes every vote per region and party.

Every returned plan is *minimal at the margin*: one vote less on any action does not reach the
target (:meth:`TippingPoint.verify` checks this by applying the plans).  A plan that reaches a
seat target only through an exact tie is not counted when the tie policy is ``"raise"`` or
``"lot"`` (the outcome would be undecided).
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass, field
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from .._display import HTMLReprMixin
from .._exact import parse_rate
from ..allocate import Allocation, allocate
from ..election import Election
from ..errors import ElectsimError, MissingDataError, UnknownMethodError
from ..manipulation import Ledger
from ..system import ElectoralSystem, Threshold, plain_threshold

__all__ = [
    "SOM_PER_VOTE",
    "Action",
    "Add",
    "Move",
    "PlanStep",
    "Remove",
    "Switch",
    "Target",
    "TippingPoint",
    "any_change",
    "bloc_loses",
    "bloc_reaches",
    "fails",
    "gains_seat",
    "loses_seat",
    "passes",
    "qualifies",
    "tipping_point",
]

IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
Key = str | int

#: A price of one bought vote in som, 2,000 som: the price offered in 2020 (RFE/RL,
#: Novopokrovka).  It is a price per *paid voter*; per delivered vote divide by the delivery
#: rate (:attr:`~electsim.manipulation.VoteBuying.som_per_vote`).  No action uses it by default.
SOM_PER_VOTE = 2000

_CHUNK = 1 << 16
#: Seat targets: eligibility flips combined (the cheapest few, in subsets of up to three).
_TOP_FLIPS = 5

Cost = int | Fraction


# --------------------------------------------------------------------------- actions
def _check_cost(cost: Any) -> Fraction | None:
    """``cost_som``: ``None`` (unpriced) or a non-negative number of som per unit of action."""
    if cost is None:
        return None
    if isinstance(cost, bool):
        raise ElectsimError(f"cost_som={cost!r} must be a non-negative number of som")
    try:
        f = parse_rate(int(cost) if isinstance(cost, np.integer) else cost, "cost_som",
                       allow_above_one=True)  # fmt: skip
    except ElectsimError as exc:
        raise ElectsimError(f"cost_som={cost!r} must be a non-negative number of som") from exc
    if f < 0:
        raise ElectsimError(f"cost_som={cost!r} must be non-negative")
    return f


def _units(units: Key | Sequence[Key] | None) -> tuple[Key, ...] | None:
    if units is None:
        return None
    if isinstance(units, str | int | np.integer):
        return (units,)
    out = tuple(units)
    if not out:
        raise ElectsimError("units=[] names no region; give None (every region) or names")
    return out


def _legacy_init(
    old_positional: tuple[str, ...], renames: dict[str, str], n_positional: int
) -> Any:
    """Accept the v0.1 signature (positional arguments, old names) with a DeprecationWarning."""

    def wrap(cls: Any) -> Any:
        init = cls.__init__

        @functools.wraps(init)
        def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
            old_used = []
            if len(args) > n_positional:
                for name, value in zip(old_positional, args, strict=False):
                    if name in kwargs:
                        raise ElectsimError(f"{cls.__name__}: {name} given twice")
                    kwargs[name] = value
                old_used.append(f"positional arguments ({', '.join(old_positional)})")
                args = ()
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise ElectsimError(f"give {new}= only ({old}= is its deprecated name)")
                    kwargs[new] = kwargs.pop(old)
                    old_used.append(f"{old}= (now {new}=)")
            if old_used:
                warnings.warn(
                    f"{cls.__name__}: {'; '.join(old_used)} are deprecated; use party= "
                    "(positional) and the keywords sources=, units=, origin=, destination=, "
                    "cost_som= (the old forms will be removed in the next release)",
                    DeprecationWarning,
                    stacklevel=2,
                )
            init(self, *args, **kwargs)

        cls.__init__ = __init__
        return cls

    return wrap


@_legacy_init(
    ("from_party", "to_party", "region", "som"),
    {"from_party": "sources", "to_party": "party", "region": "units", "som": "cost_som"},
    1,
)
@dataclass(frozen=True)
class Switch:
    """Switch votes from ``sources`` to ``party`` (the ballot count does not change).

    One unit moves one vote.  ``sources`` is a party or a list of them (default: every other
    party), ``units`` a region or a list (default: every region); each source in each region
    is one action of the plan.  ``cost_som`` is the price of one switched vote (``None``:
    priced by ``tipping_point(..., market=...)`` when the market buys switches, else unpriced).
    The v0.1 form ``Switch(from_party, to_party, region, som)`` is deprecated.
    """

    party: Key
    _: KW_ONLY
    sources: Key | Sequence[Key] | None = None
    units: Key | Sequence[Key] | None = None
    cost_som: Cost | None = None

    def __post_init__(self) -> None:
        _check_cost(self.cost_som)
        _units(self.units)
        if self.sources is not None:
            _parties(self.sources)

    def __str__(self) -> str:
        src = "others" if self.sources is None else ", ".join(map(str, _parties(self.sources)))
        return f"switch {src} -> {self.party}"


@_legacy_init(("party", "region", "som"), {"region": "units", "som": "cost_som"}, 1)
@dataclass(frozen=True)
class Add:
    """Add ballots marked for ``party`` (stuffing, carousel): votes and ballots grow by one.

    Commission fraud: counted in ballots and unpriced unless ``cost_som`` is given (or a
    turnout-buying ``market`` prices it as bought turnout).
    """

    party: Key
    _: KW_ONLY
    units: Key | Sequence[Key] | None = None
    cost_som: Cost | None = None

    def __post_init__(self) -> None:
        _check_cost(self.cost_som)
        _units(self.units)

    def __str__(self) -> str:
        return f"add ballots for {self.party}"


@_legacy_init(("party", "region", "invalidate", "som"), {"region": "units", "som": "cost_som"}, 1)
@dataclass(frozen=True)
class Remove:
    """Remove ballots of ``party``; ``invalidate=True`` turns them into invalid ballots instead.

    Removal lowers every base; invalidation keeps the ballot in the ``"ballots"`` base (and in
    ``"registered"``) but takes it out of ``"valid"`` and ``"party_votes"``.  Invalidation is
    commission fraud (never priced by a market); removal is priced by an abstention-buying
    ``market`` (paid abstention), else unpriced unless ``cost_som`` is given.
    """

    party: Key
    _: KW_ONLY
    units: Key | Sequence[Key] | None = None
    invalidate: bool = False
    cost_som: Cost | None = None

    def __post_init__(self) -> None:
        _check_cost(self.cost_som)
        _units(self.units)
        if not isinstance(self.invalidate, bool):
            raise ElectsimError(f"invalidate={self.invalidate!r} must be True or False")

    def __str__(self) -> str:
        return f"{'invalidate' if self.invalidate else 'remove'} ballots of {self.party}"


@_legacy_init(
    ("from_region", "to_region", "party", "som"),
    {"from_region": "origin", "to_region": "destination", "som": "cost_som"},
    1,
)
@dataclass(frozen=True)
class Move:
    """Transport voters of ``party`` from ``origin`` to ``destination`` (national totals fixed).

    When registered voters are known, their registration moves with them (Form No. 2).
    Unpriced unless ``cost_som`` (per moved voter) is given.
    """

    party: Key
    _: KW_ONLY
    origin: Key
    destination: Key
    cost_som: Cost | None = None

    def __post_init__(self) -> None:
        _check_cost(self.cost_som)

    def __str__(self) -> str:
        return f"move {self.party} voters {self.origin} -> {self.destination}"


Action = Switch | Add | Remove | Move


@dataclass(frozen=True)
class _Atom:
    """One action in one region, as exact direction vectors (per unit of the action)."""

    action: Action
    region: int | None
    dv: IntArray  # (R, P)
    di: IntArray  # (R,)
    dreg: IntArray  # (R,)
    cost: Fraction | None  # som per unit, None: unpriced


def _market_cost(action: Action, market: Any, election: Election) -> Fraction | None:
    """The market's som per delivered vote for the action it buys, else ``None``.

    A market buys votes for ``market.party`` only: a :class:`Switch` or :class:`Add` for another
    party, or a paid abstention (:class:`Remove`) of the market's own party, is refused.
    """
    if market is None:
        return None
    strategy = market.strategy
    if strategy == "double":
        raise ElectsimError(
            "a double-persuasion market adds ballots for other parties too; it prices no single "
            "tipping action -- give cost_som= explicitly"
        )
    buys = (
        (strategy == "switch" and isinstance(action, Switch))
        or (strategy == "turnout" and isinstance(action, Add))
        or (strategy == "abstention" and isinstance(action, Remove) and not action.invalidate)
    )
    if not buys:
        return None
    buyer = election.party_index(market.party)
    own = election.party_index(action.party) == buyer
    if isinstance(action, Remove) and own:
        raise ElectsimError(
            f"market={market.name} pays voters of other parties to stay home; it cannot price "
            f"{action} (votes of its own party {market.party!r}) -- give cost_som= explicitly"
        )
    if not isinstance(action, Remove) and not own:
        raise ElectsimError(
            f"market={market.name} buys votes for {market.party!r}, not for {action.party!r}; "
            f"it cannot price {action} -- use a market with party={action.party!r} or give "
            "cost_som= explicitly"
        )
    return Fraction(market.som_per_vote)


def _atoms(election: Election, actions: Action | Sequence[Action], market: Any) -> list[_Atom]:
    R, P = election.n_regions, election.n_parties
    out: list[_Atom] = []
    if isinstance(actions, Switch | Add | Remove | Move):
        actions = [actions]
    if not actions:
        raise ElectsimError("actions must contain at least one Switch, Add, Remove or Move")
    for act in actions:
        if not isinstance(act, Switch | Add | Remove | Move):
            raise ElectsimError(f"{act!r} is not an action (Switch, Add, Remove or Move)")
        explicit = _check_cost(act.cost_som)
        cost = explicit if explicit is not None else _market_cost(act, market, election)
        if isinstance(act, Move):
            a, b = election.region_index(act.origin), election.region_index(act.destination)
            if a == b:
                raise ElectsimError(f"Move origin and destination are both {act.origin!r}")
            k = election.party_index(act.party)
            dv = np.zeros((R, P), np.int64)
            dv[a, k], dv[b, k] = -1, 1
            dreg = np.zeros(R, np.int64)
            if election.registered is not None:
                dreg[a], dreg[b] = -1, 1
            out.append(_Atom(act, None, dv, np.zeros(R, np.int64), dreg, cost))
            continue
        names = _units(act.units)
        regions = range(R) if names is None else [election.region_index(u) for u in names]
        b = election.party_index(act.party)
        if isinstance(act, Switch):
            if act.sources is None:
                sources = [k for k in range(P) if k != b]
            else:
                sources = [election.party_index(k) for k in _parties(act.sources)]
            if b in sources:
                raise ElectsimError(f"Switch: sources include the party {act.party!r} itself")
        for r in regions:
            if isinstance(act, Switch):
                for k in sources:
                    dv = np.zeros((R, P), np.int64)
                    dv[r, k], dv[r, b] = -1, 1
                    out.append(_Atom(act, r, dv, np.zeros(R, np.int64), np.zeros(R, np.int64),
                                     cost))  # fmt: skip
                continue
            dv = np.zeros((R, P), np.int64)
            di = np.zeros(R, np.int64)
            if isinstance(act, Add):
                dv[r, b] = 1
            else:
                dv[r, b] = -1
                if act.invalidate:
                    di[r] = 1
            out.append(_Atom(act, r, dv, di, np.zeros(R, np.int64), cost))
    return out


# --------------------------------------------------------------------------- targets
TargetKind = Literal[
    "passes",
    "fails",
    "qualifies",
    "gains_seat",
    "loses_seat",
    "bloc_reaches",
    "bloc_loses",
    "any_change",
]
_THRESHOLD_KINDS = ("passes", "fails", "qualifies")


@dataclass(frozen=True)
class Target:
    """An outcome to reach; build it with :func:`passes`, :func:`gains_seat`, ... ."""

    kind: TargetKind
    parties: tuple[Key, ...] = ()
    region: Key | None = None
    bloc: str | None = None
    seats: int | None = None

    def __post_init__(self) -> None:
        kinds = TargetKind.__args__  # type: ignore[attr-defined]
        if self.kind not in kinds:
            raise UnknownMethodError(f"target kind={self.kind!r} is unknown; use one of {kinds}")

    def __str__(self) -> str:
        who = ", ".join(map(str, self.parties))
        where = f" in {self.region}" if self.region is not None else " nationally"
        text = {
            "passes": f"{who} pass{'es' if len(self.parties) == 1 else ''} the threshold{where}",
            "fails": f"{who} fail{'s' if len(self.parties) == 1 else ''} the threshold{where}",
            "qualifies": f"{who} qualif{'ies' if len(self.parties) == 1 else 'y'} "
            "(national and every regional threshold)",
            "gains_seat": f"{who} gains a seat",
            "loses_seat": f"{who} loses a seat",
            "bloc_reaches": f"bloc {self.bloc} reaches {self.seats} seats",
            "bloc_loses": f"bloc {self.bloc} falls below {self.seats} seats",
            "any_change": "any change of the composition",
        }
        return text[self.kind]


def _parties(party: Key | Sequence[Key]) -> tuple[Key, ...]:
    if isinstance(party, str | int | np.integer):
        return (party,)
    out = tuple(party)
    if not out:
        raise ElectsimError("party must name at least one party")
    return out


def passes(party: Key | Sequence[Key], region: Key | None = None) -> Target:
    """Every party given passes the national threshold (``region=None``) or the regional one."""
    return Target("passes", _parties(party), region)


def fails(party: Key | Sequence[Key], region: Key | None = None) -> Target:
    """Every party given fails the national threshold (``region=None``) or the regional one."""
    return Target("fails", _parties(party), region)


def qualifies(party: Key | Sequence[Key]) -> Target:
    """Every party given passes the national threshold and the regional one in every region."""
    return Target("qualifies", _parties(party))


def gains_seat(party: Key) -> Target:
    """The party wins more seats than in the reported result."""
    return Target("gains_seat", (party,))


def loses_seat(party: Key) -> Target:
    """The party wins fewer seats than in the reported result."""
    return Target("loses_seat", (party,))


def _check_seats(seats: Any) -> int:
    if isinstance(seats, bool) or not isinstance(seats, int | np.integer) or seats < 0:
        raise ElectsimError(f"seats={seats!r} must be a non-negative integer")
    return int(seats)


def bloc_reaches(bloc: str, seats: int) -> Target:
    """The parties with ``Party.bloc == bloc`` hold at least ``seats`` seats together."""
    return Target("bloc_reaches", bloc=bloc, seats=_check_seats(seats))


def bloc_loses(bloc: str, seats: int) -> Target:
    """The parties with ``Party.bloc == bloc`` hold fewer than ``seats`` seats together."""
    return Target("bloc_loses", bloc=bloc, seats=_check_seats(seats))


def any_change() -> Target:
    """Any party's seat count differs from the reported result (the robustness margin)."""
    return Target("any_change")


# --------------------------------------------------------------------------- results
def _half_up(x: Fraction) -> int:
    """A non-negative Fraction rounded half up to whole som."""
    return int((x + Fraction(1, 2)) // 1)


@dataclass(frozen=True)
class PlanStep:
    """``amount`` units of ``action`` in ``region`` (from ``source`` for a switch).

    ``som`` is the cost in whole som (rounded half up), ``None`` for an unpriced action
    (commission fraud such as added or invalidated ballots, counted in ballots only).
    """

    action: Action
    region: str | None
    amount: int
    som: int | None
    source: str | None = None

    def __str__(self) -> str:
        where = f" in {self.region}" if self.region is not None else ""
        frm = f" (from {self.source})" if self.source is not None else ""
        unit = "ballots" if isinstance(self.action, Add | Remove) else "votes"
        cost = "unpriced" if self.som is None else f"{self.som:,} som"
        return f"{self.action}{frm}{where}: {self.amount:,} {unit} ({cost})"


@dataclass(frozen=True, eq=False, repr=False)
class TippingPoint(HTMLReprMixin):
    """The result of :func:`tipping_point`.

    Attributes
    ----------
    target : Target
    achievable : bool
        ``False`` when no plan within the bounds reaches the target (then ``plan`` is empty and
        the totals are ``None``).
    plan : tuple of PlanStep
        The non-zero amounts.
    votes : int or None
        Total votes manipulated.
    percent_of_ballots : float or None
        ``100 * votes / national ballots`` before manipulation (descriptive).
    som : int or None
        Cost of the priced steps in whole som (rounded half up; 0 when no step is priced).
        Actions are priced by their ``cost_som`` or by the ``market`` given to
        :func:`tipping_point`; commission fraud (added, removed or invalidated ballots) is
        never priced as payments to voters unless the user says so.
    unpriced : int or None
        Units of the plan without a price (ballots added/removed/invalidated, unpriced
        switches or moves), reported in ballots or votes, never in som.
    before, after : Allocation
        Allocations of the reported result and of the manipulated one (``after`` is ``None``
        when not achievable).
    optimal_over : str
        What the plan is guaranteed optimal over (see the module docstring).
    """

    target: Target
    achievable: bool
    plan: tuple[PlanStep, ...]
    votes: int | None
    percent_of_ballots: float | None
    som: int | None
    before: Allocation
    after: Allocation | None
    optimal_over: str
    election: Election = field(repr=False)
    system: ElectoralSystem = field(repr=False)
    _atoms: tuple[_Atom, ...] = field(repr=False, default=())
    _x: tuple[int, ...] = field(repr=False, default=())
    unpriced: int | None = None

    def to_records(self) -> list[dict[str, Any]]:
        """One plain-Python record per plan step."""
        return [
            {
                "target": str(self.target),
                "action": str(s.action),
                "region": s.region,
                "source": s.source,
                "votes": s.amount,
                "som": s.som,
            }
            for s in self.plan
        ]

    def __repr__(self) -> str:
        if not self.achievable:
            return f"TippingPoint({str(self.target)!r}, not achievable)"
        return (
            f"TippingPoint({str(self.target)!r}, votes={self.votes:,}, som={self.som:,}, "
            f"unpriced={self.unpriced:,}, steps={len(self.plan)}, optimal over "
            f"{self.optimal_over!r})"
        )

    def verify(self) -> None:
        """Apply the plan, re-allocate and prove the target reached and the plan minimal.

        The plan is applied as exact array edits recorded in a
        :class:`~electsim.manipulation.Ledger` (:meth:`~electsim.manipulation.Ledger.from_changes`,
        checked with :meth:`~electsim.manipulation.Ledger.verify`); then, for every action with
        a positive amount, the plan with one vote less on it is applied and must *not* reach
        the target.

        Raises
        ------
        ElectsimError
            If the target is not achievable, not reached, or reached with one vote less.
        """
        if not self.achievable:
            raise ElectsimError(f"nothing to verify: {self.target} is not achievable")
        ctx = _Context(self.election, self.system, self.target, list(self._atoms))
        x = np.array(self._x, dtype=np.int64)
        after, ledger = ctx.apply(x)
        ledger.verify(self.election, after)
        if not ctx.reached_one(after):
            raise ElectsimError(f"the plan does not reach the target {self.target}")
        for a in np.flatnonzero(x):
            y = x.copy()
            y[a] -= 1
            if ctx.reached_one(ctx.apply(y)[0]):
                raise ElectsimError(
                    f"the plan is not minimal: one vote less on {self._atoms[a].action} "
                    f"still reaches {self.target}"
                )

    def __str__(self) -> str:
        head = f"Tipping point: {self.target}"
        if not self.achievable:
            return head + "\n  not achievable with the given actions and bounds"
        lines = [head]
        lines += [f"  {s}" for s in self.plan] or ["  (already reached: no manipulation)"]
        priced = f"{self.som:,} som"
        if self.unpriced:
            priced += f" + {self.unpriced:,} unpriced (commission fraud / no price given)"
        lines.append(
            f"  total: {self.votes:,} votes = {self.percent_of_ballots:.3f} % of ballots; {priced}"
        )
        assert self.after is not None
        names = [p.short for p in self.election.parties]
        s0, s1 = self.before.seats.tolist(), self.after.seats.tolist()
        changed = [f"{n} {a}->{b}" for n, a, b in zip(names, s0, s1, strict=True) if a != b]
        lines.append("  seats: " + (", ".join(changed) if changed else "unchanged"))
        lines.append(f"  optimal over: {self.optimal_over}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- machinery
class _Context:
    """Baseline counts, action directions and the exact target test, for batched plans."""

    def __init__(
        self, election: Election, system: ElectoralSystem, target: Target, atoms: list[_Atom]
    ) -> None:
        system.require_plain("tipping points", election)
        self.e = election
        self.system = system
        self.target = target
        self.atoms = atoms
        self.undecided_ties = system.tie_break in ("raise", "lot")
        self.search_system = (
            system.replace(tie_break="lowest_index") if self.undecided_ties else system
        )
        assert election.against_all is not None and election.invalid is not None
        self.v0 = election.votes
        self.aa0 = election.against_all
        self.inv0 = election.invalid
        self.reg0 = election.registered
        self.DV = np.stack([a.dv for a in atoms])  # (A, R, P)
        self.DI = np.stack([a.di for a in atoms])  # (A, R)
        self.DREG = np.stack([a.dreg for a in atoms])  # (A, R)
        self.cost = [a.cost for a in atoms]
        self.priced = np.array([c is not None for c in self.cost])
        self.before = allocate(election, self.search_system)
        self.s0 = self.before.seats
        t = target
        self.ks = [election.party_index(p) for p in t.parties]
        self.r = None if t.region is None else election.region_index(t.region)
        if t.kind in ("passes", "fails") and self.r is None and system.national is None:
            raise MissingDataError(f"target {t}: the system has no national threshold")
        if t.kind in ("passes", "fails") and self.r is not None:
            if system.regional is None:
                raise MissingDataError(f"target {t}: the system has no regional threshold")
            if not election.regions[self.r].in_regional_threshold:
                raise MissingDataError(
                    f"target {t}: region {election.regions[self.r].name!r} is not in the "
                    "regional test"
                )
        if t.kind in ("bloc_reaches", "bloc_loses"):
            self.bloc = np.array([p.bloc == t.bloc for p in election.parties])
            if not self.bloc.any():
                blocs = sorted({str(p.bloc) for p in election.parties if p.bloc})
                raise ElectsimError(f"bloc={t.bloc!r} has no party; blocs: {blocs}")
            if t.seats is not None and t.seats > system.seats:
                raise ElectsimError(f"seats={t.seats} exceeds the house size {system.seats}")

    def plan_cost(self, x: IntArray) -> Fraction:
        """Exact som of the priced amounts of plan ``x``."""
        return sum(
            (Fraction(int(n)) * c for n, c in zip(x.tolist(), self.cost, strict=True) if c),
            Fraction(0),
        )

    # ---------------------------------------------------------------- applying plans
    def counts(self, X: IntArray) -> tuple[IntArray, IntArray, IntArray | None, BoolArray]:
        """Votes, invalid, registered after plans ``X`` (N, A), and which rows are feasible."""
        votes = self.v0 + np.einsum("na,arp->nrp", X, self.DV)
        inv = self.inv0 + X @ self.DI
        reg = None if self.reg0 is None else self.reg0 + X @ self.DREG
        ok = (votes >= 0).all(axis=(1, 2))
        if reg is not None:
            ballots = votes.sum(axis=2) + self.aa0 + inv
            ok &= (reg >= ballots).all(axis=1)
        return votes, inv, reg, ok

    def apply(self, x: IntArray) -> tuple[Election, Ledger]:
        """One plan as an Election and its Ledger (exact array edits)."""
        votes, inv, reg, ok = self.counts(x[None, :])
        if not ok[0]:
            raise ElectsimError("the plan needs more votes than a cell holds")
        after = self.e.replace(
            votes=votes[0], invalid=inv[0], registered=None if reg is None else reg[0]
        )
        ledger = Ledger.from_changes(
            self.e,
            mechanism="tipping_point",
            votes=votes[0] - self.v0,
            invalid=inv[0] - self.inv0,
            registered=None if reg is None or self.reg0 is None else reg[0] - self.reg0,
            cost_som=_half_up(self.plan_cost(x)),
        )
        return after, ledger

    def reached_alloc(self, a: Allocation) -> BoolArray:
        t, ks = self.target, self.ks
        if t.kind == "passes":
            if self.r is None:
                return np.asarray(a.passes_national[:, ks].all(axis=1))
            return np.asarray(~a.failed_regions[:, self.r, ks].any(axis=1))
        if t.kind == "fails":
            if self.r is None:
                return np.asarray(~a.passes_national[:, ks].any(axis=1))
            return np.asarray(a.failed_regions[:, self.r, ks].all(axis=1))
        if t.kind == "qualifies":
            return np.asarray(a.eligible[:, ks].all(axis=1))
        seats = a.seats
        if t.kind == "gains_seat":
            out = seats[:, ks[0]] > self.s0[ks[0]]
        elif t.kind == "loses_seat":
            out = seats[:, ks[0]] < self.s0[ks[0]]
        elif t.kind == "bloc_reaches":
            out = seats[:, self.bloc].sum(axis=1) >= t.seats
        elif t.kind == "bloc_loses":
            out = seats[:, self.bloc].sum(axis=1) < t.seats
        else:
            out = (seats != self.s0).any(axis=1)
        if self.undecided_ties and a.ties:
            out = out & ~a.tied
        return np.asarray(out)

    def reached(self, X: IntArray) -> BoolArray:
        """Whether each plan (row of ``X``) reaches the target; infeasible plans do not."""
        out = np.zeros(len(X), dtype=bool)
        for start in range(0, len(X), _CHUNK):
            chunk = X[start : start + _CHUNK]
            votes, inv, reg, ok = self.counts(chunk)
            if not ok.any():
                continue
            e = Election(
                votes[ok],
                self.aa0,
                inv[ok],
                None if reg is None else reg[ok],
                self.e.parties,
                self.e.regions,
            )
            out[start : start + len(chunk)][ok] = self.reached_alloc(
                allocate(e, self.search_system)
            )
        return out

    def reached_one(self, e: Election) -> bool:
        """Whether one (unbatched) election reaches the target."""
        batched = Election(
            e.votes[None], e.against_all, e.invalid, e.registered, e.parties, e.regions
        )
        return bool(self.reached_alloc(allocate(batched, self.search_system))[0])

    # ---------------------------------------------------------------- linear rows
    def upper_bounds(self, max_votes: int | None) -> IntArray:
        """Per-atom bound: the cells it draws from, the register, ``max_votes``."""
        default = int(self.e.national_ballots) if max_votes is None else max_votes
        ub = np.full(len(self.atoms), default, dtype=np.int64)
        for i, a in enumerate(self.atoms):
            neg = a.dv < 0
            if neg.any():
                ub[i] = min(ub[i], int(self.v0[neg].min()))
            if self.reg0 is not None:
                ballots = self.e.ballots
                grow = (a.dv.sum(axis=1) + a.di - a.dreg) > 0
                if grow.any():
                    ub[i] = min(ub[i], int((self.reg0 - ballots)[grow].min()))
        return ub

    def _threshold_row(
        self, k: int, thr: Threshold, region: int | None, want_pass: bool
    ) -> tuple[list[int], int | None, int | None]:
        """``lo <= sum_a coef_a x_a <= hi`` for party k passing / failing ``thr``."""
        sl = slice(None) if region is None else slice(region, region + 1)
        # the base: of the region, or of the whole country (a regional threshold on the
        # national base, base_scope="national")
        bsl = slice(None) if thr.base_scope == "national" else sl
        num, den = thr.rate.numerator, thr.rate.denominator
        v = int(self.v0[sl, k].sum())
        party = self.v0[bsl].sum()
        aa, inv = int(self.aa0[bsl].sum()), int(self.inv0[bsl].sum())
        base = {
            "party_votes": int(party),
            "valid": int(party) + aa,
            "ballots": int(party) + aa + inv,
            "registered": None if self.reg0 is None else int(self.reg0[bsl].sum()),
        }[thr.base]
        if base is None:
            raise MissingDataError("base='registered' needs registered voters")
        coefs = []
        for a in self.atoms:
            dvk = int(a.dv[sl, k].sum())
            dparty = int(a.dv[bsl].sum())
            db = {
                "party_votes": dparty,
                "valid": dparty,
                "ballots": dparty + int(a.di[bsl].sum()),
                "registered": int(a.dreg[bsl].sum()),
            }[thr.base]
            coefs.append(den * dvk - num * db)
        gap = num * base - den * v  # pass iff sum coef x >= gap (inclusive) / gap + 1 (strict)
        if want_pass:
            return coefs, gap + (0 if thr.inclusive else 1), None
        return coefs, None, gap - (1 if thr.inclusive else 0)

    def threshold_rows(
        self, k: int, kind: str, region: int | None
    ) -> list[tuple[list[int], int | None, int | None]]:
        national = plain_threshold(self.system.national, "tipping points")
        regional = plain_threshold(self.system.regional, "tipping points")
        if kind == "qualifies":
            rows = []
            if national is not None:
                rows.append(self._threshold_row(k, national, None, True))
            if regional is not None:
                for r, reg in enumerate(self.e.regions):
                    if reg.in_regional_threshold:
                        rows.append(self._threshold_row(k, regional, r, True))
            return rows
        thr = national if region is None else regional
        assert thr is not None
        return [self._threshold_row(k, thr, region, kind == "passes")]

    def feasibility_rows(
        self, max_votes: int | None
    ) -> list[tuple[list[int], int | None, int | None]]:
        rows: list[tuple[list[int], int | None, int | None]] = []
        neg = (self.DV < 0).any(axis=0)
        for r, p in zip(*np.nonzero(neg), strict=True):
            rows.append(([int(c) for c in self.DV[:, r, p]], -int(self.v0[r, p]), None))
        if self.reg0 is not None:
            ballots = self.e.ballots
            grow = self.DV.sum(axis=2) + self.DI - self.DREG  # (A, R)
            for r in range(self.e.n_regions):
                if (grow[:, r] > 0).any():
                    rows.append(
                        ([int(c) for c in grow[:, r]], None, int(self.reg0[r] - ballots[r]))
                    )
        if max_votes is not None:
            rows.append(([1] * len(self.atoms), None, max_votes))
        return rows


def _milp(
    cost: NDArray[np.float64],
    rows: list[tuple[list[int], int | None, int | None]],
    ub: IntArray,
) -> IntArray | None:
    """Cheapest integer plan satisfying ``rows`` exactly, or None when infeasible."""
    from scipy.optimize import (  # type: ignore[import-untyped]
        Bounds,
        LinearConstraint,
        milp,
    )

    rows = list(rows)
    n = len(cost)
    for _ in range(8):
        A = np.array([r[0] for r in rows], dtype=np.float64).reshape(len(rows), n)
        lo = np.array([-np.inf if r[1] is None else r[1] for r in rows], dtype=np.float64)
        hi = np.array([np.inf if r[2] is None else r[2] for r in rows], dtype=np.float64)
        res = milp(
            cost,
            constraints=LinearConstraint(A, lo, hi) if rows else None,
            integrality=np.ones(n),
            bounds=Bounds(np.zeros(n), ub.astype(np.float64)),
            options={"mip_rel_gap": 0.0},
        )
        if res.x is None:
            return None
        x = np.round(res.x).astype(np.int64)
        x = np.clip(x, 0, ub)
        bad = None
        for i, (c, lo_i, hi_i) in enumerate(rows):  # exact check in Python integers
            val = sum(int(ci) * int(xi) for ci, xi in zip(c, x.tolist(), strict=True))
            if (lo_i is not None and val < lo_i) or (hi_i is not None and val > hi_i):
                bad = i
                break
        if bad is None:
            return x
        c, lo_i, hi_i = rows[bad]  # floating tolerance: tighten the violated row by one
        rows[bad] = (c, None if lo_i is None else lo_i + 1, None if hi_i is None else hi_i - 1)
    raise ElectsimError("the integer program did not converge to an exact plan")


def _count_plans(ub: IntArray, max_votes: int, limit: int) -> int:
    """Integer points of ``0 <= x <= ub`` with ``sum x <= max_votes``, capped at ``limit + 1``."""
    if min(max_votes, int(ub.max(initial=0))) > limit:
        return limit + 1
    m = min(max_votes, int(ub.sum()))
    ways = np.zeros(m + 1, dtype=np.int64)
    ways[0] = 1
    idx = np.arange(m + 1)
    for u in ub.tolist():
        cum = np.concatenate([[0], np.cumsum(ways)])
        ways = np.minimum(cum[idx + 1] - cum[np.maximum(idx - min(u, m), 0)], limit + 1)
    return int(min(ways.sum(), limit + 1))


def _all_plans(ub: IntArray, max_votes: int) -> IntArray:
    plans = np.zeros((1, 0), dtype=np.int64)
    for u in ub.tolist():
        used = plans.sum(axis=1)
        parts = []
        for v in range(min(u, max_votes) + 1):
            keep = plans[used + v <= max_votes]
            parts.append(np.column_stack([keep, np.full(len(keep), v, dtype=np.int64)]))
        plans = np.concatenate(parts)
    return plans


def _trim(ctx: _Context, x: IntArray) -> IntArray:
    """Decrement amounts while the target stays reached (minimality at the margin)."""
    x = x.copy()
    changed = True
    while changed:
        changed = False
        for a in np.flatnonzero(x):
            y = x.copy()
            y[a] -= 1
            if ctx.reached(y[None])[0]:
                x, changed = y, True
    return x


def tipping_point(
    election: Election,
    system: ElectoralSystem,
    target: Target,
    actions: Action | Sequence[Action],
    *,
    minimise: Literal["votes", "som"] = "votes",
    max_votes: int | None = None,
    plan_limit: int = 200_000,
    market: Any = None,
) -> TippingPoint:
    """The cheapest manipulation that reaches ``target`` using ``actions``.

    Parameters
    ----------
    election : Election
        One election (no batch axes).
    system : ElectoralSystem
    target : Target
        From :func:`passes`, :func:`fails`, :func:`qualifies`, :func:`gains_seat`,
        :func:`loses_seat`, :func:`bloc_reaches`, :func:`bloc_loses` or :func:`any_change`.
    actions : Switch, Add, Remove or Move, or a sequence of them
        An action with ``units=None`` may be used in every region (one variable per region,
        and per source party for a switch).
    minimise : {"votes", "som"}
        The cost: total votes, or total som (``sum amount * som per unit``; every action must
        then be priced).
    market : VoteBuying, optional
        Prices the actions it buys at its :attr:`~electsim.manipulation.VoteBuying.som_per_vote`
        (price, compliances and leakage -> som per delivered vote): a ``"switch"`` market
        prices :class:`Switch`, a ``"turnout"`` market :class:`Add` (bought turnout), an
        ``"abstention"`` market :class:`Remove` without ``invalidate``.  An action's own
        ``cost_som`` takes precedence.  Invalidated ballots (commission fraud) are never priced
        by a market.  Without a price an action is counted in votes/ballots only.  A market
        buys for its own ``party``: a :class:`Switch` or :class:`Add` for another party, or a
        paid abstention of its own party, raises ``ElectsimError``.
    max_votes : int, optional
        At most this many votes in total.  Default: no bound beyond the votes available (an
        :class:`Add` without registered voters is bounded by the national ballots).
    plan_limit : int
        Seat targets: evaluate every plan when there are at most this many (exact optimum).

    Returns
    -------
    TippingPoint
        ``achievable=False`` when no plan within the bounds reaches the target.

    Raises
    ------
    ElectsimError
        Unknown party/region/bloc (``UnknownNameError``), a target the rules cannot express
        (``MissingDataError``, e.g. a national threshold target without one), a batched election,
        or bad parameters.

    Notes
    -----
    See the module docstring for what is optimal.  Threshold crossings are exact integer
    inequalities, e.g. adding ``x`` ballots for ``b`` under base ballots ``B``:
    ``v_b + x >= r (B + x)  <=>  x >= ceil((r B - v_b) / (1 - r))``; switching leaves ``B``
    unchanged: ``x >= ceil(r B) - v_b``.

    Examples
    --------
    The five largest lists of 2020 (the others folded into "against all"): Mekenchil needs
    ``ceil(0.07 * 1,990,753) - 136,276 = 139,353 - 136,276 = 3,077`` switched votes.

    >>> from electsim import Election, ElectoralSystem, Threshold
    >>> e = Election([487_685, 475_372, 174_317, 141_940, 136_276], against_all=[543_340],
    ...              invalid=[31_823], parties=["BRM", "MKK", "KYR", "BUT", "MCH"])
    >>> s = ElectoralSystem(120, "hare", national=Threshold("7%"))
    >>> tp = tipping_point(e, s, passes("MCH"), Switch("MCH", sources="BRM"))
    >>> tp.votes, tp.som, tp.unpriced
    (3077, 0, 3077)

    Priced by a switching market at 2,000 som a paid voter and compliance 0.65
    (``som_per_vote`` = 2,000 / 0.65 = 3,076.9 som a delivered vote):

    >>> from electsim.manipulation import VoteBuying
    >>> market = VoteBuying("MCH", strategy="switch", price_som=2_000)
    >>> tp = tipping_point(e, s, passes("MCH"), Switch("MCH", sources="BRM"), market=market)
    >>> tp.som, tp.unpriced                 # 3,077 x 40,000 / 13 = 9,467,692.3
    (9467692, 0)
    >>> tp.verify()
    """
    if not isinstance(election, Election):
        raise ElectsimError(f"election must be an Election, got {type(election).__name__}")
    if not isinstance(system, ElectoralSystem):
        raise ElectsimError(f"system must be an ElectoralSystem, got {type(system).__name__}")
    if election.batch_shape:
        raise ElectsimError("tipping_point needs one election; select() one from the batch")
    if not isinstance(target, Target):
        raise ElectsimError(f"target={target!r} must be a Target (e.g. passes('A'))")
    if minimise not in ("votes", "som"):
        raise UnknownMethodError(f"minimise={minimise!r} is unknown; use 'votes' or 'som'")
    if max_votes is not None and (
        isinstance(max_votes, bool) or not isinstance(max_votes, int) or max_votes < 0
    ):
        raise ElectsimError(f"max_votes={max_votes!r} must be a non-negative integer")
    atoms = _atoms(election, actions, market)
    ctx = _Context(election, system, target, atoms)
    ub = ctx.upper_bounds(max_votes)
    if minimise == "som":
        if not ctx.priced.all():
            bad = next(a.action for a in atoms if a.cost is None)
            raise ElectsimError(
                f"minimise='som' needs a price for every action; {bad} has none (give "
                "cost_som= or a market= that buys it)"
            )
        cost = np.array([float(a.cost or 0) for a in atoms])
    else:
        cost = np.ones(len(atoms))
    zero = np.zeros(len(atoms), dtype=np.int64)

    x: IntArray | None
    if ctx.reached(zero[None])[0]:
        x, how = zero, "already reached"
    elif target.kind in _THRESHOLD_KINDS:
        rows = ctx.feasibility_rows(max_votes)
        for k in ctx.ks:
            rows += ctx.threshold_rows(k, target.kind, ctx.r)
        x, how = _milp(cost, rows, ub), "all plans (integer program)"
    else:
        x, how = _seat_search(ctx, cost, ub, max_votes, plan_limit)
    if x is not None:
        x = _trim(ctx, x)
    return _result(ctx, target, x, how)


def _seat_search(
    ctx: _Context,
    cost: NDArray[np.float64],
    ub: IntArray,
    max_votes: int | None,
    plan_limit: int,
) -> tuple[IntArray | None, str]:
    A = len(ctx.atoms)
    M = int(ub.sum()) if max_votes is None else max_votes
    if _count_plans(ub, M, plan_limit) <= plan_limit:
        X = _all_plans(ub, M)
        hit = np.flatnonzero(ctx.reached(X))
        if not hit.size:
            return None, "all plans (exhaustive)"
        c = X[hit] @ cost
        i_best = hit[np.lexsort((X[hit].sum(axis=1), c))[0]]
        return X[i_best], "all plans (exhaustive)"

    best: tuple[float, IntArray] | None = None

    def consider(start: IntArray) -> None:
        """Best of ``start + t e_a`` over every action ``a`` and every ``t`` (lock-step scan)."""
        nonlocal best
        base_cost = float(start @ cost)
        if best is not None and base_cost >= best[0]:
            return
        if ctx.reached(start[None])[0]:
            best = (base_cost, start.copy())
            return
        room = ub - start
        if max_votes is not None:
            room = np.minimum(room, max_votes - int(start.sum()))
        lo, width = 1, 256
        while True:
            if best is not None:
                budget = best[0] - base_cost
                with np.errstate(divide="ignore"):
                    lim = np.where(cost > 0, np.floor(budget / np.maximum(cost, 1e-300)), np.inf)
                room = np.minimum(room, np.minimum(lim, np.iinfo(np.int64).max)).astype(np.int64)
            active = np.flatnonzero(room >= lo)
            if active.size == 0:
                return
            hi = lo + width - 1
            rows = []
            for a in active:
                ts = np.arange(lo, min(hi, int(room[a])) + 1, dtype=np.int64)
                X = np.repeat(start[None], len(ts), axis=0)
                X[:, a] += ts
                rows.append(X)
            X = np.concatenate(rows)
            hit = np.flatnonzero(ctx.reached(X))
            if hit.size:
                c = X[hit] @ cost
                i = hit[np.lexsort((X[hit].sum(axis=1), c))[0]]
                if best is None or float(X[i] @ cost) < best[0]:
                    best = (float(X[i] @ cost), X[i].copy())
            lo = hi + 1
            width = min(2 * width, max(256, 4 * _CHUNK // len(active)))

    zero = np.zeros(A, dtype=np.int64)
    consider(zero)
    # threshold-crossing plans: flip the eligibility of up to three parties (MILP), then one
    # action at any amount on top
    el = ctx.before.eligible
    flips: list[tuple[float, list[tuple[int, str, int | None]]]] = []
    base_rows = ctx.feasibility_rows(max_votes)
    for k in range(ctx.e.n_parties):
        options: list[tuple[str, int | None]] = []
        if el[k]:
            if ctx.system.national is not None:
                options.append(("fails", None))
            if ctx.system.regional is not None:
                options += [
                    ("fails", r)
                    for r, reg in enumerate(ctx.e.regions)
                    if reg.in_regional_threshold and not ctx.before.failed_regions[r, k]
                ]
        else:
            options.append(("qualifies", None))
        cheapest: tuple[float, list[tuple[int, str, int | None]]] | None = None
        for kind, r in options:
            x = _milp(cost, base_rows + ctx.threshold_rows(k, kind, r), ub)
            if x is not None and (cheapest is None or float(x @ cost) < cheapest[0]):
                cheapest = (float(x @ cost), [(k, kind, r)])
        if cheapest is not None:
            flips.append(cheapest)
    flips.sort(key=lambda f: f[0])
    top = [f[1][0] for f in flips[:_TOP_FLIPS]]
    starts: dict[tuple[int, ...], IntArray] = {}
    for size in (1, 2, 3):
        for combo in itertools.combinations(top, size):
            rows = list(base_rows)
            for k, kind, r in combo:
                rows += ctx.threshold_rows(k, kind, r)
            x = _milp(cost, rows, ub)
            if x is not None:
                starts.setdefault(tuple(x.tolist()), x)
    for x in sorted(starts.values(), key=lambda s: float(s @ cost)):  # cheapest first
        consider(x)
    if best is None:
        return None, "single-action plans and threshold-crossing plans"
    return best[1], "single-action plans and threshold-crossing plans (+ one action)"


def _result(ctx: _Context, target: Target, x: IntArray | None, how: str) -> TippingPoint:
    e = ctx.e
    if x is None:
        return TippingPoint(
            target, False, (), None, None, None, ctx.before, None, how, e, ctx.system,
            tuple(ctx.atoms), (),
        )  # fmt: skip
    names = [p.name for p in e.parties]

    def source(atom: _Atom) -> str | None:
        if not isinstance(atom.action, Switch):
            return None
        return names[int(np.flatnonzero((atom.dv < 0).any(axis=0))[0])]

    steps = tuple(
        PlanStep(
            a.action,
            None if a.region is None else e.regions[a.region].name,
            int(n),
            None if a.cost is None else _half_up(int(n) * a.cost),
            source(a),
        )
        for a, n in zip(ctx.atoms, x.tolist(), strict=True)
        if n > 0
    )
    after_e, _ = ctx.apply(x)
    after = allocate(after_e, ctx.search_system)
    votes = int(x.sum())
    ballots = int(e.national_ballots)
    return TippingPoint(
        target=target,
        achievable=True,
        plan=steps,
        votes=votes,
        percent_of_ballots=float(Fraction(100 * votes, ballots)) if ballots else 0.0,
        som=_half_up(ctx.plan_cost(x)),
        before=ctx.before,
        after=after,
        optimal_over=how,
        election=e,
        system=ctx.system,
        _atoms=tuple(ctx.atoms),
        _x=tuple(int(v) for v in x),
        unpriced=int(x[~ctx.priced].sum()),
    )
