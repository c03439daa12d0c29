r"""Vote buying: a buyer party pays voters to switch, to turn out or to stay home.

Two perturbations, following ``reference/models.md`` §3 (3.1 formal anchors, 3.2 Kyrgyz numbers,
3.3 the electsim specification, §8 defaults):

* :class:`VoteBuying` -- a vote market with a budget, prices, an offer rate, acceptance,
  compliance (monitoring and reciprocity), a payment regime, per-unit broker capacity and a
  targeting rule, for the four strategies of Gans-Morse, Mazzuca & Nichter (2014):

  ==============  ==============================  ===========================================
  ``strategy``    targeted pool in unit *u*        effect of one complier
  ==============  ==============================  ===========================================
  ``switch``      voters of the source parties     +1 buyer, -1 source party (ballots same)
  ``turnout``     abstainers                       +1 buyer, ballots +1
  ``double``      abstainers (double persuasion)   +1 buyer, ballots +1
  ``abstention``  voters of the source parties     -1 source party, ballots -1
  ==============  ==============================  ===========================================

* :class:`BoughtVotes` -- a fixed number of bought votes (no prices): ``apply`` adds them and
  :meth:`BoughtVotes.counterfactual` removes them from reported results; in expected mode
  ``apply(counterfactual(reported)) == reported`` exactly.

:meth:`VoteBuying.counterfactual` answers "what would the parliament be without the votes bought
under these parameters": it estimates the bought votes per unit by applying the market to the
reported results and removes them with :class:`BoughtVotes`.

Evidence for Kyrgyzstan 2020 (``reference/kyrgyzstan.md`` §6): offers of 1,000-3,000 som a vote
(CABAR; RFE/RL: 2,000 som in Novopokrovka, half up front), 24 % of citizens offered money or
gifts in the 2021 local elections (IRI/SIAR, n = 1,211), ballots photographed as proof, 40
criminal cases by 23 September 2020.  No estimate of the number of bought votes exists.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .._exact import RateLike, as_count_array, parse_rate
from ..election import Election, PrecinctResults
from ..errors import (
    ElectsimError,
    InvalidCountsError,
    MissingDataError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)
from ._base import (
    Ledger,
    Mode,
    Perturbed,
    broadcast_batch,
    check_mode,
    check_rate,
    normalise_rng,
    sample_without_replacement,
    split_exact,
    unit_mask,
)

__all__ = [
    "DEFAULT_ACCEPTANCE",
    "DEFAULT_MONITORING",
    "DEFAULT_OFFER_RATE",
    "DEFAULT_PRICE_SOM",
    "DEFAULT_RECIPROCITY",
    "BoughtVotes",
    "VoteBuying",
]

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Results = Election | PrecinctResults
Strategy = Literal["switch", "turnout", "double", "abstention"]
Payment = Literal["upfront", "contingent"]
Units = str | int | Sequence[str | int]

#: Offer sizes of the IRI/SIAR survey (2021 local elections, n = 1,211; reported by 24.kg 205241;
#: models.md §3.2-3.3, kyrgyzstan.md §6): under 1,000 som 15 %, 1,000-3,000 som 74 %, the
#: remaining 11 % not broken down (taken here as above 3,000 som).  Representative prices
#: [D]: 500 som for "under 1,000", 2,000 som (the middle, and RFE/RL's Novopokrovka price) for
#: "1,000-3,000", 4,000 som for "above 3,000".  Mean 1,995 som, close to models.md §8's 2,000.
DEFAULT_PRICE_SOM: tuple[tuple[int, float], ...] = ((500, 0.15), (2_000, 0.74), (4_000, 0.11))
#: Share of the targeted pool that receives an offer: 24 % of citizens were offered money or
#: gifts (IRI/SIAR 2021; models.md §3.2 and §8, range 0-0.3).
DEFAULT_OFFER_RATE = 0.24
#: Share of offers accepted [D]: no source measures it; 1.0 makes the offer rate the only limit of
#: the pool (an upper bound).  Try 0.3-1 in a sensitivity analysis.
DEFAULT_ACCEPTANCE = 1.0
#: Monitoring intensity m (photographed ballots, brokers, carousel): models.md §8, [D], range 0-1.
DEFAULT_MONITORING = 0.3
#: Reciprocity-driven compliance rho of unmonitored sellers: models.md §8, **[?]** (no Kyrgyz
#: estimate; suggested range 0.3-0.8).
DEFAULT_RECIPROCITY = 0.5

_STRATEGIES = ("switch", "turnout", "double", "abstention")
_PAYMENTS = ("upfront", "contingent")
_RULES = ("uniform", "equal", "electorate", "cheapest")
_EXCESS = ("raise", "cap")
#: Budgets above this (in som) are refused: integer arithmetic must stay exact in int64/float64.
_MAX_BUDGET = 10**15
_MAX_PRICE = 10**9
#: "No limit" for a count (unlimited budget); large, yet safe in int64 sums.
_UNLIMITED = 2**60
#: Products rate * count are rounded to this many decimals before a floor, so that e.g.
#: 0.29 * 100 (= 28.999999999999996 in binary) counts as 29.
_DECIMALS = 6


# ================================================================================ validation
def _check_strategy(strategy: str) -> None:
    if strategy not in _STRATEGIES:
        raise UnknownMethodError(
            f"strategy={strategy!r} is unknown; use one of {', '.join(map(repr, _STRATEGIES))}"
        )


def _check_party_key(key: Any, name: str) -> None:
    if isinstance(key, bool) or not isinstance(key, str | int | np.integer):
        raise ElectsimError(f"{name}={key!r} must be a party name, short code or index")


def _check_sources(sources: Any) -> None:
    if sources is None:
        return
    if isinstance(sources, str | int | np.integer) or not isinstance(sources, Sequence):
        raise ElectsimError(f"sources={sources!r} must be a list of party names or indices")
    if not sources:
        raise ElectsimError("sources=[] names no party; give None (all other parties) or names")
    for s in sources:
        _check_party_key(s, "sources")


def _check_units(units: Any, name: str) -> None:
    if units is None:
        return
    items = [units] if isinstance(units, str | int | np.integer) else units
    if isinstance(units, bool) or not isinstance(items, Sequence) or not items:
        raise ElectsimError(f"{name}={units!r} must be a unit name or index, or a non-empty list")
    for t in items:
        if isinstance(t, bool) or not isinstance(t, str | int | np.integer):
            raise ElectsimError(
                f"{name} contains {t!r}; units are region names, station ids or integer indices"
            )


def _check_counts(value: Any, name: str) -> IntArray:
    try:
        return as_count_array(value, name)
    except InvalidCountsError as exc:
        raise InvalidCountsError(f"{exc} ({name} must be non-negative integer counts)") from exc


def _budget_values(budget: Any) -> FloatArray:
    """The budget as float64; ``+inf`` (or ``None``) means unlimited."""
    if budget is None:
        return np.asarray(np.inf)
    try:
        a = np.asarray(budget, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(f"budget_som={budget!r} is not a number or array of numbers") from exc
    if np.isnan(a).any() or (a < 0).any():
        raise ElectsimError(f"budget_som={budget!r} must be non-negative (None or inf: unlimited)")
    if (np.isfinite(a) & (a > _MAX_BUDGET)).any():
        raise ElectsimError(f"budget_som={budget!r} exceeds {_MAX_BUDGET:.0e} som")
    return a


def _is_distribution(price: Any) -> bool:
    if isinstance(price, Mapping):
        return True
    return (
        isinstance(price, tuple | list)
        and len(price) > 0
        and all(isinstance(x, tuple | list) and len(x) == 2 for x in price)
    )


def _price_table(price: Any) -> tuple[IntArray, FloatArray] | None:
    """``(prices (J,), probabilities (J,))`` of a price distribution, or ``None`` if fixed."""
    if not _is_distribution(price):
        return None
    pairs = list(price.items()) if isinstance(price, Mapping) else [tuple(x) for x in price]
    if not pairs:
        raise ElectsimError("price_som={} is an empty distribution")
    try:
        values = np.array([float(p) for p, _ in pairs], dtype=np.float64)
        probs = np.array([float(w) for _, w in pairs], dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(
            f"price_som={price!r} must be ((price, probability), ...) with numbers"
        ) from exc
    if not np.isfinite(values).all() or (values <= 0).any() or (values != np.floor(values)).any():
        raise ElectsimError(f"price_som={price!r}: prices must be positive whole som")
    if (values > _MAX_PRICE).any():
        raise ElectsimError(f"price_som={price!r}: prices above {_MAX_PRICE:.0e} som")
    if len(set(values.tolist())) != len(values):
        raise ElectsimError(f"price_som={price!r} lists a price twice")
    if not np.isfinite(probs).all() or (probs < 0).any():
        raise ElectsimError(f"price_som={price!r}: probabilities must be non-negative")
    total = math.fsum(probs.tolist())
    if abs(total - 1.0) > 1e-9:
        raise ElectsimError(f"price_som={price!r}: probabilities sum to {total!r}, not 1")
    return values.astype(np.int64), probs / total


def _fixed_price(price: Any) -> IntArray:
    try:
        a = np.asarray(price, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ElectsimError(
            f"price_som={price!r} must be a number, an array of numbers or a distribution "
            "((price, probability), ...)"
        ) from exc
    if isinstance(price, bool) or not np.isfinite(a).all() or (a <= 0).any():
        raise ElectsimError(f"price_som={price!r} must be positive (whole som)")
    if (a != np.floor(a)).any():
        raise ElectsimError(f"price_som={price!r} must be whole som (som are integers)")
    if (a > _MAX_PRICE).any():
        raise ElectsimError(f"price_som={price!r} exceeds {_MAX_PRICE:.0e} som")
    return a.astype(np.int64)


def _mean_price(table: tuple[IntArray, FloatArray]) -> int:
    """Mean price rounded half up to whole som (the expected mode's price)."""
    prices, probs = table
    mean = math.fsum((prices.astype(np.float64) * probs).tolist())
    return max(1, math.floor(round(mean, _DECIMALS) + 0.5))


def _check_turnout(value: Any) -> Fraction | None:
    if value is None:
        return None
    t = parse_rate(value, "assumed_turnout")
    if t == 0:
        raise ElectsimError("assumed_turnout=0 leaves no ballots; it must lie in (0, 1]")
    return t


# ================================================================================ helpers
def _as_results(election: Any) -> Results:
    if not isinstance(election, Election | PrecinctResults):
        raise ElectsimError(
            f"election must be an Election or PrecinctResults, got {type(election).__name__}"
        )
    return election


def _ballots(res: Results) -> IntArray:
    """Voters who took part per unit ``(*batch, U)`` (invalid ballots counted when known)."""
    assert res.against_all is not None
    out = res.votes.sum(axis=-1) + res.against_all
    if res.invalid is not None:
        out = out + res.invalid
    return np.asarray(out, dtype=np.int64)


def _floor_rate(rate: FloatArray, counts: IntArray) -> IntArray:
    """``floor(rate * counts)`` with the product first rounded to ``_DECIMALS`` decimals."""
    return np.floor(np.round(rate * counts, _DECIMALS)).astype(np.int64)


def _round_rate(rate: FloatArray, counts: IntArray) -> IntArray:
    """``rate * counts`` rounded half up (after rounding to ``_DECIMALS`` decimals)."""
    return np.floor(np.round(rate * counts, _DECIMALS) + 0.5).astype(np.int64)


def _spread(total: IntArray, weights: IntArray | FloatArray, cap: IntArray) -> IntArray:
    """``split_exact`` over the unit axis (weights, cap ``(*batch, U)``, total ``(*batch,)``)."""
    return split_exact(total, weights, cap)


def _share_leftover(left: IntArray, plan: IntArray) -> IntArray:
    """Split leftover money ``(*batch,)`` over units in proportion to ``plan`` ``(*batch, U)``.

    Floors of float shares (money up to 1e15 som is exact in float64), corrected so that the
    parts never sum to more than ``left``; the few som of rounding stay unspent.
    """
    total = plan.sum(axis=-1, keepdims=True)
    share = np.where(total > 0, plan / np.maximum(total, 1), 0.0)
    left = np.maximum(left, 0)
    extra = np.minimum(np.floor(left[..., None] * share).astype(np.int64), left[..., None])
    excess = np.maximum(extra.sum(axis=-1) - left, 0)  # float rounding only: tiny
    if excess.any():
        top = np.argmax(extra, axis=-1)[..., None]
        np.put_along_axis(
            extra, top, np.take_along_axis(extra, top, axis=-1) - excess[..., None], axis=-1
        )
    return extra


def _broadcast(res: Results, *params: ArrayLike) -> tuple[Results, list[NDArray[Any]]]:
    """:func:`broadcast_batch` for either results type."""
    if isinstance(res, Election):
        return broadcast_batch(res, *params)
    return broadcast_batch(res, *params)


def _unit_param(value: ArrayLike | None, U: int, name: str) -> IntArray | None:
    """A per-unit count parameter: shape ``()``, ``(U,)`` or ``(*batch, U)``."""
    if value is None:
        return None
    a = _check_counts(value, name)
    if a.ndim and a.shape[-1] not in (1, U):
        raise ShapeMismatchError(
            f"{name} has shape {a.shape}; its last axis must be the units ({U}) or 1 "
            "(sweep over it with shape (n, 1))"
        )
    return a


def _batch_dummy(a: IntArray | None) -> IntArray:
    """A zero array with the batch part of a per-unit parameter's shape."""
    if a is None or a.ndim == 0:
        return np.zeros((), dtype=np.int64)
    return np.zeros(a.shape[:-1], dtype=np.int64)


def _per_unit(a: IntArray, batch: tuple[int, ...], U: int) -> IntArray:
    return np.broadcast_to(a, (*batch, U))


def _source_mask(res: Results, b: int, sources: Sequence[str | int] | None) -> BoolArray:
    P = res.votes.shape[-1]
    mask = np.zeros(P, dtype=bool)
    if sources is None:
        mask[:] = True
        mask[b] = False
        return mask
    for s in sources:
        k = res.party_index(s)
        if k == b:
            raise ElectsimError(
                f"sources contains the buyer {res.parties[b].name!r}; votes cannot be bought "
                "from the party that buys them"
            )
        mask[k] = True
    if not mask.any():
        raise ElectsimError("there is no source party: the buyer is the only party")
    return mask


def _targets(res: Results, units: Units | None, name: str) -> BoolArray:
    try:
        return unit_mask(res, units)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{name}: {exc}") from exc


def _abstainers(
    res: Results,
    abstainers: IntArray | None,
    turnout: Fraction | None,
    what: str,
) -> IntArray:
    """Abstainers per unit ``(*batch, U)``: registered - ballots, or the user's assumption."""
    ballots = _ballots(res)
    if res.registered is not None:
        if turnout is not None:
            raise ElectsimError(
                "assumed_turnout was given but the results have registered voters: abstainers "
                "are registered - ballots (pass abstainers= to restrict them instead)"
            )
        out = np.asarray(res.registered, dtype=np.int64) - ballots
        if abstainers is not None:
            out = np.minimum(out, abstainers)
        return out
    if abstainers is not None:
        return np.asarray(np.broadcast_to(abstainers, ballots.shape), dtype=np.int64)
    if turnout is not None:
        # registered = ballots / t, abstainers = floor(ballots * (1 - t) / t), exact
        num, den = turnout.numerator, turnout.denominator
        if int(ballots.max(initial=0)) * (den - num) < 2**62:
            return (ballots * np.int64(den - num)) // np.int64(num)
        return np.asarray((ballots.astype(object) * (den - num)) // num, dtype=np.int64)
    raise MissingDataError(
        f"{what} needs abstainers (registered - ballots), but the results have "
        "registered=None; build them with registered=..., or state an assumption with "
        "abstainers= (counts per unit) or assumed_turnout= (e.g. '56.5%')"
    )


def _return_to_sources(
    n: IntArray,
    src_votes: IntArray,
    src: BoolArray,
    mode: Mode,
    rng: np.random.Generator,
) -> IntArray:
    """Split ``n`` ``(*batch, U)`` over the source parties in proportion to their votes.

    Where the sources have no votes in a unit, the votes are split equally among them.
    Expected mode: :func:`split_exact`; sample mode: a multinomial draw.
    """
    w = src_votes.astype(np.float64)
    empty = w.sum(axis=-1) == 0
    w = np.where(empty[..., None], src.astype(np.float64), w)
    if mode == "expected":
        return split_exact(n, w, np.broadcast_to(n[..., None], w.shape))
    p = w / w.sum(axis=-1, keepdims=True)
    return np.asarray(rng.multinomial(n, p), dtype=np.int64)


def _take_from_sources(
    n: IntArray, src_votes: IntArray, mode: Mode, rng: np.random.Generator
) -> IntArray:
    """Take ``n`` ``(*batch, U)`` votes from the sources, never more than each one has.

    Expected mode: in proportion to the sources' votes (:func:`split_exact` with caps); sample
    mode: without replacement (multivariate hypergeometric), every source voter equally likely.
    """
    if mode == "expected":
        return split_exact(n, src_votes, src_votes)
    return sample_without_replacement(rng, n, src_votes)


def _pay_at_random_prices(
    rng: np.random.Generator,
    available: IntArray,
    money: IntArray,
    unlimited: BoolArray,
    prices: IntArray,
    probs: FloatArray,
) -> IntArray:
    """Pay acceptors in random order at i.i.d. random prices until the money runs out.

    ``available`` (persons willing to be paid) and ``money`` (som) have shape ``S``; returns the
    number of persons paid at each price, ``(*S, J)``.  Where ``unlimited`` every available
    person is paid.  Otherwise the broker pays one acceptor after the other and stops at the
    first whose price exceeds the money left: persons that surely fit (``money // max price``)
    are drawn in one multinomial block, the last few one by one -- a bounded number of
    vectorised rounds, none per unit or per draw.
    """
    J = len(prices)
    out = np.zeros((*available.shape, J), dtype=np.int64)
    if unlimited.any():
        out += np.where(
            unlimited[..., None], rng.multinomial(np.where(unlimited, available, 0), probs), 0
        )
    a = np.where(unlimited, 0, available).astype(np.int64)
    m = money.astype(np.int64).copy()
    pmax = int(prices.max())
    active = a > 0
    for _ in range(100_000):
        if not active.any():
            break
        bulk = np.where(active, np.minimum(a, m // pmax), 0)
        single = active & (bulk == 0)
        n = np.where(single, 1, bulk)
        draw = rng.multinomial(n, probs)
        cost = draw @ prices
        stop = single & (cost > m)
        ok = active & ~stop
        draw = np.where(ok[..., None], draw, 0)
        out += draw
        m = m - np.where(ok, cost, 0)
        a = a - np.where(ok, n, 0)
        active = ok & (a > 0)
    else:  # pragma: no cover - the loop ends after ~log(money) rounds
        raise ElectsimError("vote buying: the payment loop did not terminate")
    return out


def _apply_effect(
    res: Results,
    strategy: str,
    b: int,
    src: BoolArray,
    n: IntArray,
    mode: Mode,
    rng: np.random.Generator,
) -> IntArray:
    """Signed vote change ``(*batch, U, P)`` of ``n`` complying voters per unit."""
    votes = np.asarray(res.votes, dtype=np.int64)
    delta = np.zeros(votes.shape, dtype=np.int64)
    if strategy in ("switch", "abstention"):
        src_votes = np.where(src, votes, 0)
        delta -= _take_from_sources(n, src_votes, mode, rng)
    if strategy != "abstention":
        delta[..., b] += n
    return delta


# ================================================================================ VoteBuying
@dataclass(frozen=True)
class VoteBuying:
    r"""A vote market: a buyer pays voters to switch, to turn out, or to stay home.

    The reduced form of ``reference/models.md`` §3.3.  In each unit *u* (region of an
    :class:`~electsim.Election`, station of a :class:`~electsim.PrecinctResults`):

    1. **pool** :math:`N_u` -- the targeted cell: the voters of the source parties (``switch``,
       ``abstention``) or the abstainers (``turnout``, ``double``; registered - ballots);
    2. **offers** :math:`O_u` -- each member of the pool gets an offer with probability
       :math:`o` (``offer_rate``), at most ``capacity`` offers per unit;
    3. **payees** -- an offer is taken up with probability :math:`\pi = q` (``acceptance``)
       under ``payment="upfront"`` (every acceptor is paid), or :math:`\pi = q\,c` under
       ``"contingent"`` (only verified compliers are paid), where
       :math:`c = m + (1 - m)\,\rho` is the compliance of an acceptor under monitoring *m* and
       reciprocity :math:`\rho` (or ``compliance`` if given);
    4. **budget** -- the buyer pays payees at the price until the budget :math:`B` runs out.
       With a fixed price :math:`p` (or the mean price in expected mode) the budget pays
       :math:`n = \lfloor B / p \rfloor` persons (integer arithmetic on whole som), spread over
       units by ``targeting``, never more in a unit than its payees;
    5. **compliers** -- upfront: each paid acceptor complies with probability :math:`c`;
       contingent: the paid are the compliers.  Each complier moves one vote (table in the
       module docstring); switched and abstaining voters are drawn from the source parties in
       proportion to their local votes, never more than a party has.

    Money spent (``ledger.cost_som``) is the sum of the prices paid and never exceeds the budget.
    Turnout and double buying never exceed the abstainers; switching and abstention buying never
    take more votes from a party than it had in the unit.

    Parameters
    ----------
    buyer : str or int
        The buying party: name, short code or index.
    strategy : {"turnout", "switch", "double", "abstention"}, default "turnout"
        Gans-Morse, Mazzuca & Nichter (2014): *vote buying* (``"switch"``: source voters who
        vote switch to the buyer), *turnout buying* (abstainers are paid to vote for the buyer;
        Nichter 2008), *double persuasion* (``"double"``: abstaining supporters of other parties
        paid to vote for the buyer -- in this reduced form the same pool as turnout buying, the
        abstainers, whose preferences the data do not reveal; its higher reservation price
        :math:`r \geq -x + (c - e)` belongs in its own ``price_som``/``acceptance``),
        *abstention buying* (source voters paid to stay home: their votes and ballots are
        removed).
    budget_som : float, int, array_like or None, default None
        The buyer's money in som, ``(*batch,)``; ``None`` or ``inf``: unlimited (the offers
        limit the purchase).  Fractions of a som are dropped.  An array sweeps the budget in
        one call.
    price_som : number, array_like or distribution, default :data:`DEFAULT_PRICE_SOM`
        A fixed price in whole som (a numpy array of prices ``(*batch,)`` sweeps it), or a
        categorical distribution of offer sizes given as ``((price, probability), ...)`` or
        ``{price: probability}`` (probabilities summing to 1; a list of pairs is always read as
        a distribution).  Default: the IRI/SIAR 2021 offer
        sizes (15 % under 1,000 som, 74 % 1,000-3,000, 11 % other; represented by 500, 2,000 and
        4,000 som, mean 1,995), consistent with the 1,000-3,000 som of 2020 (CABAR; RFE/RL).
        Expected mode pays every payee the mean price rounded half up to whole som; sample
        mode draws each payee's price.
    offer_rate : float or array_like, default 0.24
        :math:`o`, the share of the targeted pool that receives an offer (IRI/SIAR 2021: 24 % of
        citizens offered money or gifts; models.md §8 range 0-0.3).
    acceptance : float or array_like, default 1.0
        :math:`q`, the share of offers accepted (reduced form).  [D] no source; 1.0 is an upper
        bound that leaves the offer rate as the only limit of the pool.
    monitoring : float or array_like, default 0.3
        :math:`m`, the chance that a seller's vote is verified (photographed ballot, broker,
        carousel).  models.md §8, [D]; range 0-1.
    reciprocity : float or array_like, default 0.5
        :math:`\rho`, the compliance of unmonitored sellers.  models.md §8, **[?]**: no Kyrgyz
        estimate; suggested range 0.3-0.8.
    compliance : float, array_like or None, default None
        :math:`c` directly; overrides :math:`m + (1 - m)\rho` when given.
    payment : {"upfront", "contingent"}, default "upfront"
        ``"upfront"``: every acceptor is paid (cost = price x acceptors; binding payments as in
        Dekel, Jackson & Wolinsky 2008).  ``"contingent"``: only verified compliers are paid
        (cost = price x compliers); it presumes :math:`m \approx 1`, which is not enforced.
    capacity : int, array_like or None, default None
        At most this many offers per unit (a broker's reach), shape ``()``, ``(U,)`` or
        ``(*batch, U)``; sweep it with shape ``(n, 1)``.
    targeting : str or sequence, default "uniform"
        How the budget is spread over units (each unit never gets more payees than it has):

        * ``"uniform"`` -- in proportion to the unit's payees (expected, or drawn in sample
          mode): every member of the targeted pool is equally likely to be bought;
        * ``"equal"`` -- the same number of payees per unit (one broker per unit with the same
          money), water-filling: what a small unit cannot absorb goes to the others;
        * ``"electorate"`` -- in proportion to registered voters, or to ballots where
          registered voters are unknown;
        * ``"cheapest"`` -- cheapest effective vote first: units are ranked by the cost per net
          vote against the buyer's main rival, :math:`\kappa_u = p / (\pi c \Delta_u)`
          (models.md §3.3), and filled in that order.  Price, acceptance and compliance are the
          same in every unit, so the rank is that of the net margin per complier
          :math:`\Delta_u`: for ``switch`` :math:`1 + r_u` (a vote switched from the rival
          counts twice), for ``abstention`` :math:`r_u`, for ``turnout``/``double`` 1, where
          :math:`r_u` is the rival's share of the source votes in the unit.  Ties go to the
          unit with more payees, then to the lower index;
        * a region name, a station id, a unit index or a list of them -- ``"equal"`` over
          those units only.
    units : str, int, sequence or None, default None
        Restrict any targeting rule to these units (region names -- for precinct results every
        station of the region --, station ids or unit indices).
    sources : sequence of str or int, optional
        The parties whose voters can be bought (``switch``, ``abstention``); default: every
        party but the buyer.  Votes are drawn from them in proportion to their local votes.
    rival : str or int, optional
        The buyer's main rival for ``targeting="cheapest"``; default: the other party with the
        most votes nationally (in each batch element).
    abstainers : int, array_like or None, default None
        Abstainers per unit for ``turnout``/``double`` when registered voters are unknown
        (shape ``()``, ``(U,)`` or ``(*batch, U)``).  When registered voters are known it caps
        the abstainers registered - ballots (e.g. to count only the buyer's supporters).
        Ignored by ``switch``/``abstention``.
    assumed_turnout : rate or None, default None
        Alternatively, when registered voters are unknown: an assumed turnout *t* in every
        unit, abstainers = :math:`\lfloor \text{ballots} \cdot (1 - t)/t \rfloor` (exact),
        e.g. ``"56.5%"`` (the CEC's national turnout on 5 October 2020).  Refused when
        registered voters are known; ignored by ``switch``/``abstention``.  Without either,
        ``turnout``/``double`` raise :class:`~electsim.errors.MissingDataError` on results
        without registered voters.
    mode : {"sample", "expected"}, default "sample"
        See Notes.

    Notes
    -----
    **Expected mode** (deterministic, exact integers).  Totals are rounded once and split over
    units by :func:`~electsim.manipulation.split_exact` (largest remainder):
    offers = :math:`\lfloor o \sum_u N_u \rfloor` split in proportion to :math:`N_u` (then
    capped by ``capacity``); payees available = :math:`\lfloor \pi \sum_u O_u \rfloor` split in
    proportion to :math:`O_u`; paid = :math:`\min(\lfloor B/p \rfloor, \text{available})` spread
    by ``targeting``; compliers (upfront) = :math:`c \cdot` paid rounded half up, split in
    proportion to the paid.  Products are rounded to 6 decimals before a floor (so
    ``0.29 * 100`` counts as 29).  Cost = :math:`p \cdot` paid.

    **Sample mode.**  :math:`O_u \sim \mathrm{Bin}(N_u, o)` (capped by ``capacity``), acceptors
    willing to be paid :math:`A_u \sim \mathrm{Bin}(O_u, \pi)`; the budget's
    :math:`\lfloor B/p \rfloor` persons are then spread by ``targeting`` over the acceptors
    actually there (the brokers buy until the money or the acceptors run out), so the sample
    mean equals the expected mode up to rounding, except within a few standard deviations of
    the point where the budget exhausts the pool (:math:`E\min \le \min E`).  With a price
    distribution each unit receives the money for its planned persons at the mean price plus
    its share of the leftover, and pays its acceptors in random order at drawn prices,
    stopping at the first whose price exceeds the money left: a unit leaves unspent less than
    the highest price if it still has acceptors, its surplus if it runs out of them (with
    thousands of small units this is a few tenths of a percent of the budget).  Compliers
    (upfront) :math:`\sim \mathrm{Bin}(\text{paid}_u, c)`; switched or abstaining voters are
    drawn without replacement from the source voters.

    The ledger records the votes moved (``votes_added`` for the buyer, ``votes_removed`` for
    the sources) and ``cost_som``; registered voters never change.

    References
    ----------
    Gans-Morse, J., Mazzuca, S., & Nichter, S. (2014). Varieties of clientelism. *American
    Journal of Political Science* 58(2), 415-432. doi:10.1111/ajps.12058.
    Nichter, S. (2008). Vote buying or turnout buying? *American Political Science Review*
    102(1), 19-31. doi:10.1017/S0003055408080106.
    Dekel, E., Jackson, M. O., & Wolinsky, A. (2008). Vote buying: general elections.
    *Journal of Political Economy* 116(2), 351-380. doi:10.1086/587624.

    Examples
    --------
    Turnout buying with 1,000 abstainers: 240 get an offer; 10,000 som at 1,000 som a vote pays
    10 of them, and with full monitoring all 10 vote for B:

    >>> import electsim as es
    >>> e = es.Election([[600, 300, 100]], registered=[2000], parties=["A", "B", "C"])
    >>> buy = VoteBuying("B", strategy="turnout", budget_som=10_000, price_som=1_000,
    ...                  monitoring=1.0, mode="expected")
    >>> out = buy.apply(e)
    >>> out.election.votes.tolist(), out.ledger.cost_som.item()
    ([[600, 310, 100]], 10000)

    A budget sweep is one call (a batch of three); the offers cap the largest budget at 240:

    >>> out = buy.replace(budget_som=[0, 5_000, 10**6]).apply(e)
    >>> out.ledger.votes_added[..., 0, 1].tolist(), out.ledger.cost_som.tolist()
    ([0, 5, 240], [0, 5000, 240000])

    Switching draws the votes from the other parties in proportion to their votes
    (600 : 100 for 7 switched votes gives 6 and 1):

    >>> sw = buy.replace(strategy="switch", budget_som=7_000, offer_rate=1.0)
    >>> sw.apply(e).election.votes.tolist()
    [[594, 307, 99]]
    """

    buyer: str | int
    strategy: Strategy = "turnout"
    budget_som: ArrayLike | None = None
    price_som: Any = DEFAULT_PRICE_SOM
    offer_rate: ArrayLike = DEFAULT_OFFER_RATE
    acceptance: ArrayLike = DEFAULT_ACCEPTANCE
    monitoring: ArrayLike = DEFAULT_MONITORING
    reciprocity: ArrayLike = DEFAULT_RECIPROCITY
    compliance: ArrayLike | None = None
    payment: Payment = "upfront"
    capacity: ArrayLike | None = None
    targeting: str | Sequence[str | int] = "uniform"
    units: Units | None = None
    sources: Sequence[str | int] | None = None
    rival: str | int | None = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        _check_party_key(self.buyer, "buyer")
        _check_strategy(self.strategy)
        _budget_values(self.budget_som)
        if _price_table(self.price_som) is None:
            _fixed_price(self.price_som)
        check_rate(self.offer_rate, "offer_rate")
        check_rate(self.acceptance, "acceptance")
        check_rate(self.monitoring, "monitoring")
        check_rate(self.reciprocity, "reciprocity")
        if self.compliance is not None:
            check_rate(self.compliance, "compliance")
        if self.payment not in _PAYMENTS:
            raise UnknownMethodError(
                f"payment={self.payment!r} is unknown; use 'upfront' or 'contingent'"
            )
        if self.capacity is not None:
            _check_counts(self.capacity, "capacity")
        if self.abstainers is not None:
            _check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        _check_turnout(self.assumed_turnout)
        t = self.targeting
        if not (isinstance(t, str) and t in _RULES):
            _check_units(t, "targeting")  # unit names, checked at apply time
            if self.units is not None:
                raise ElectsimError(
                    f"targeting={t!r} names units and units= is given too; use one of them"
                )
        _check_units(self.units, "units")
        _check_sources(self.sources)
        if self.rival is not None:
            _check_party_key(self.rival, "rival")
        check_mode(self.mode)

    # ------------------------------------------------------------------ protocol
    @property
    def name(self) -> str:
        """Short description, e.g. ``"vote_buying(turnout, Birimdik)"``."""
        return f"vote_buying({self.strategy}, {self.buyer})"

    def replace(self, **changes: Any) -> VoteBuying:
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def _rule_and_units(self) -> tuple[str, Units | None]:
        t = self.targeting
        if isinstance(t, str) and t in _RULES:
            return t, self.units
        return "equal", t

    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed:
        """Run the vote market on ``election``; see the class docstring.

        Parameters
        ----------
        election : Election or PrecinctResults
            Votes ``(*batch, U, P)``; parameter arrays broadcast against the batch.
        rng : None, int or numpy.random.Generator
            Used in sample mode.

        Returns
        -------
        Perturbed
            The new results (same type, batch shape broadcast with the parameters) and the
            ledger (votes moved, ``cost_som``).

        Raises
        ------
        UnknownNameError
            An unknown buyer, source, rival or unit.
        MissingDataError
            Turnout or double buying on results without registered voters and without an
            ``abstainers``/``assumed_turnout`` assumption.
        """
        gen = normalise_rng(rng)
        res0 = _as_results(election)
        mode = check_mode(self.mode)
        U = res0.votes.shape[-2]
        b = res0.party_index(self.buyer)
        src = _source_mask(res0, b, self.sources)
        rule, units = self._rule_and_units()
        targeted = _targets(res0, units, "targeting" if units is self.targeting else "units")
        rival = None if self.rival is None else res0.party_index(self.rival)
        if rival is not None and rival == b:
            raise ElectsimError("rival is the buyer itself")

        table = _price_table(self.price_som)
        price = (
            np.asarray(_mean_price(table)) if table is not None else _fixed_price(self.price_som)
        )
        budget = _budget_values(self.budget_som)
        o = check_rate(self.offer_rate, "offer_rate")
        q = check_rate(self.acceptance, "acceptance")
        if self.compliance is not None:
            c = check_rate(self.compliance, "compliance")
        else:
            m = check_rate(self.monitoring, "monitoring")
            rho = check_rate(self.reciprocity, "reciprocity")
            c = np.asarray(m + (1.0 - m) * rho)
        cap_u = _unit_param(self.capacity, U, "capacity")
        abst_u = _unit_param(self.abstainers, U, "abstainers")
        res, (budget, price, o, q, c, _, _) = _broadcast(
            res0, budget, price, o, q, c, _batch_dummy(cap_u), _batch_dummy(abst_u)
        )
        batch = res.batch_shape
        price = np.asarray(price, dtype=np.int64)
        votes = np.asarray(res.votes, dtype=np.int64)
        src_votes = np.where(src, votes, 0)

        # -- the targeted pool per unit
        if self.strategy in ("switch", "abstention"):
            pool = src_votes.sum(axis=-1)
        else:
            abst = None if abst_u is None else _per_unit(abst_u, batch, U)
            pool = _abstainers(
                res, abst, _check_turnout(self.assumed_turnout), f"strategy={self.strategy!r}"
            )
        pool = np.where(targeted, pool, 0).astype(np.int64)
        capacity = None if cap_u is None else _per_unit(cap_u, batch, U)

        pi = q if self.payment == "upfront" else q * c
        unlimited = ~np.isfinite(budget)
        money = np.where(unlimited, 0, np.floor(np.where(unlimited, 0, budget))).astype(np.int64)
        n_pay = np.where(unlimited, _UNLIMITED, money // price)

        # -- who can be paid: expected values, or draws
        if mode == "expected":
            offers = _spread(_floor_rate(o, pool.sum(axis=-1)), pool, pool)
            if capacity is not None:
                offers = np.minimum(offers, capacity)
            payees = _spread(_floor_rate(pi, offers.sum(axis=-1)), offers, offers)
        else:
            offers = gen.binomial(pool, o[..., None])
            if capacity is not None:
                offers = np.minimum(offers, capacity)
            payees = gen.binomial(offers, pi[..., None]).astype(np.int64)

        # -- the budget: n_pay persons spread over units by the targeting rule
        plan = self._plan(rule, n_pay, payees, res, targeted, src_votes, b, rival)
        if mode == "expected" or table is None:
            paid = plan
            cost = price * paid.sum(axis=-1)
        else:
            # random prices: each unit gets the money for its planned persons at the mean
            # price plus its share of the leftover, and pays acceptors at drawn prices
            left = money - price * plan.sum(axis=-1)
            unit_money = price[..., None] * plan + _share_leftover(left, plan)
            prices, probs = table
            by_price = _pay_at_random_prices(
                gen,
                payees,
                unit_money,
                np.broadcast_to(unlimited[..., None], payees.shape),
                prices,
                probs,
            )
            paid = by_price.sum(axis=-1)
            cost = (by_price @ prices).sum(axis=-1)
        paid = np.asarray(paid, dtype=np.int64)

        if self.payment == "contingent":
            compliers = paid
        elif mode == "expected":
            compliers = _spread(_round_rate(c, paid.sum(axis=-1)), paid, paid)
        else:
            compliers = gen.binomial(paid, c[..., None]).astype(np.int64)

        delta = _apply_effect(res, self.strategy, b, src, compliers, mode, gen)
        ledger = Ledger.from_changes(
            res, mechanism=self.name, votes=delta, cost_som=np.asarray(cost, dtype=np.int64)
        )
        return Perturbed(res.replace(votes=votes + delta), ledger, before=election)

    def _plan(
        self,
        rule: str,
        n_pay: IntArray,
        payees: IntArray,
        res: Results,
        targeted: BoolArray,
        src_votes: IntArray,
        b: int,
        rival: int | None,
    ) -> IntArray:
        """Persons to pay per unit ``(*batch, U)``: ``n_pay`` spread by the targeting rule."""
        if rule == "uniform":
            return _spread(n_pay, payees, payees)
        if rule == "equal":
            return _spread(n_pay, np.broadcast_to(targeted, payees.shape).astype(float), payees)
        if rule == "electorate":
            base = res.registered if res.registered is not None else _ballots(res)
            w = np.where(targeted, np.asarray(base, dtype=np.float64), 0.0)
            return _spread(n_pay, w, payees)
        # cheapest: greedy fill by net margin per complier against the rival
        if self.strategy in ("turnout", "double"):
            delta = np.ones(payees.shape)
        else:
            national = np.asarray(res.votes, dtype=np.int64).sum(axis=-2)
            if rival is None:
                masked = national.astype(np.float64)
                masked[..., b] = -1.0
                r_idx = np.argmax(masked, axis=-1)
            else:
                r_idx = np.full(national.shape[:-1], rival)
            r_votes = np.take_along_axis(
                src_votes, np.broadcast_to(r_idx[..., None, None], (*payees.shape, 1)), axis=-1
            )[..., 0]
            tot = src_votes.sum(axis=-1)
            share = np.where(tot > 0, r_votes / np.maximum(tot, 1), 0.0)
            delta = 1.0 + share if self.strategy == "switch" else share
        index = np.broadcast_to(np.arange(payees.shape[-1]), payees.shape)
        order = np.lexsort((index, -payees, -delta), axis=-1)
        cap_sorted = np.take_along_axis(payees, order, axis=-1)
        before = np.cumsum(cap_sorted, axis=-1) - cap_sorted
        take_sorted = np.clip(n_pay[..., None] - before, 0, cap_sorted)
        out = np.empty_like(payees)
        np.put_along_axis(out, order, take_sorted, axis=-1)
        return out

    def counterfactual(
        self, reported: Any, rng: int | np.random.Generator | None = None
    ) -> Perturbed:
        """The reported results without the votes this market would have bought.

        The bought votes per unit are estimated by applying the market to the reported results
        (pools measured on them: e.g. the reported abstainers for turnout buying, a slight
        underestimate of the pre-buying pool), then removed with :class:`BoughtVotes` --
        switched votes go back to the source parties in proportion to their reported local
        votes, turnout votes leave the buyer and the ballots, abstainers bought off come back
        to the sources.  Removals are capped where a unit could not hold them (the buyer's
        votes; the abstainers for abstention buying).  Expected mode is deterministic; sample
        mode draws both the market and the returns.  ``cost_som`` of the result is zero (no
        money moves in the counterfactual).

        Examples
        --------
        >>> import electsim as es
        >>> e = es.Election([[600, 310, 100]], registered=[2000], parties=["A", "B", "C"])
        >>> buy = VoteBuying("B", strategy="turnout", budget_som=10_000, price_som=1_000,
        ...                  monitoring=1.0, mode="expected")
        >>> buy.counterfactual(e).election.votes.tolist()
        [[600, 300, 100]]
        """
        gen = normalise_rng(rng)
        res = _as_results(reported)
        est = self.apply(res, rng=gen)
        b = res.party_index(self.buyer)
        if self.strategy == "abstention":
            bought = est.ledger.votes_removed.sum(axis=-1)
        else:
            bought = est.ledger.votes_added[..., b]
        undo = BoughtVotes(
            self.buyer,
            votes=bought,
            strategy=self.strategy,
            sources=self.sources,
            abstainers=self.abstainers,
            assumed_turnout=self.assumed_turnout,
            on_excess="cap",
            mode=self.mode,
        )
        return undo.counterfactual(res, rng=gen)


# ================================================================================ BoughtVotes
@dataclass(frozen=True)
class BoughtVotes:
    r"""A fixed number of bought votes for a party (no prices), and its exact inverse.

    Parameters
    ----------
    party : str or int
        The party the votes were bought for (name, short code or index).
    votes : int or array_like, optional
        Bought votes per unit, shape ``()`` (the same in every unit), ``(U,)`` or
        ``(*batch, U)`` (the unit axis is last; sweep with shape ``(n, 1)``).
    total : int or array_like, optional
        Alternatively the national total ``(*batch,)``, spread over the (``units``-restricted)
        units in proportion to the pool: the source parties' votes (``switch``,
        ``abstention``) or the abstainers (``turnout``, ``double``).  Exactly one of ``votes``
        and ``total`` is required.
    strategy : {"switch", "turnout", "double", "abstention"}, default "switch"
        As in :class:`VoteBuying` (``"double"`` behaves as ``"turnout"``).
    sources : sequence of str or int, optional
        Parties the votes come from (``switch``) or that lose voters (``abstention``); default
        every party but ``party``.
    units : str, int, sequence or None
        Restrict the spreading of ``total`` to these units (not allowed with ``votes``).
    abstainers, assumed_turnout :
        As in :class:`VoteBuying`: how many can turn out where registered voters are unknown.
    on_excess : {"raise", "cap"}, default "raise"
        When a unit cannot hold the votes (``apply``: more than the pool -- the sources' votes
        or the abstainers; ``counterfactual``: more than the party's votes, or, for
        abstention, than the abstainers): raise :class:`~electsim.errors.ElectsimError`, or cap
        silently at what the unit holds (the ledger records what was moved).
    mode : {"sample", "expected"}, default "sample"
        ``apply``: expected mode takes votes from the sources (and spreads ``total`` over
        units) in proportion by :func:`~electsim.manipulation.split_exact`; sample mode without
        replacement (every source voter, every pool member equally likely).
        ``counterfactual``: expected mode returns votes to the sources in proportion to their
        reported votes by ``split_exact``; sample mode by a multinomial draw.

    Notes
    -----
    **Exact round trip** (expected mode): for reported results in which each unit's bought
    votes fit (the party has them; for ``abstention`` the abstainers do),
    ``apply(counterfactual(reported).election) == reported``.  Why: the counterfactual returns
    :math:`r = \mathrm{LR}(n, s)` (largest remainder of *n* on the reported source votes *s*);
    ``apply`` then takes :math:`\mathrm{LR}(n, s + r)`.  Its quotas
    :math:`n (s_k + r_k)/(S + n) = q_k + (r_k - q_k)\,n/(S + n)` lie between :math:`q_k` and
    :math:`r_k`, so they have the same integer parts and the parties rounded up keep the larger
    remainders: :math:`\mathrm{LR}(n, s + r) = r`.  The same argument covers the spreading of
    ``total`` over units, whose pools grow by exactly the votes put back -- for turnout buying
    when abstainers are registered - ballots (with ``abstainers=`` or ``assumed_turnout`` the
    assumed pool does not grow, and the round trip is exact only per unit).  The other
    direction, ``counterfactual(apply(clean))``, restores every unit's total but may shift a
    vote between source parties (rounding).

    Examples
    --------
    >>> import electsim as es
    >>> e = es.Election([[600, 310, 90]], parties=["A", "B", "C"])
    >>> bv = BoughtVotes("B", votes=10, mode="expected")
    >>> cf = bv.counterfactual(e)
    >>> cf.election.votes.tolist()
    [[609, 300, 91]]
    >>> bv.apply(cf.election).election.votes.tolist()
    [[600, 310, 90]]
    """

    party: str | int
    votes: ArrayLike | None = None
    total: ArrayLike | None = None
    strategy: Strategy = "switch"
    sources: Sequence[str | int] | None = None
    units: Units | None = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    on_excess: Literal["raise", "cap"] = "raise"
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        _check_party_key(self.party, "party")
        if (self.votes is None) == (self.total is None):
            raise ElectsimError("give exactly one of votes= (per unit) and total= (national)")
        if self.votes is not None:
            _check_counts(self.votes, "votes")
            if self.units is not None:
                raise ElectsimError("units= restricts total=; with votes= give 0 where needed")
        if self.total is not None:
            _check_counts(self.total, "total")
        _check_strategy(self.strategy)
        _check_sources(self.sources)
        _check_units(self.units, "units")
        if self.abstainers is not None:
            _check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        _check_turnout(self.assumed_turnout)
        if self.on_excess not in _EXCESS:
            raise UnknownMethodError(
                f"on_excess={self.on_excess!r} is unknown; use 'raise' or 'cap'"
            )
        check_mode(self.mode)

    @property
    def name(self) -> str:
        """Short description, e.g. ``"bought_votes(switch, B)"``."""
        return f"bought_votes({self.strategy}, {self.party})"

    # ------------------------------------------------------------------ internals
    def _setup(
        self, election: Any
    ) -> tuple[Results, int, BoolArray, BoolArray, IntArray | None, IntArray | None, IntArray]:
        res0 = _as_results(election)
        U = res0.votes.shape[-2]
        b = res0.party_index(self.party)
        src = _source_mask(res0, b, self.sources)
        targeted = _targets(res0, self.units, "units")
        per_unit = _unit_param(self.votes, U, "votes")
        total = None if self.total is None else _check_counts(self.total, "total")
        abst_u = _unit_param(self.abstainers, U, "abstainers")
        res, _ = _broadcast(
            res0,
            _batch_dummy(per_unit),
            np.zeros(() if total is None else total.shape, dtype=np.int64),
            _batch_dummy(abst_u),
        )
        batch = res.batch_shape
        n = None if per_unit is None else np.asarray(_per_unit(per_unit, batch, U))
        tot = None if total is None else np.asarray(np.broadcast_to(total, batch))
        abst = None if abst_u is None else np.asarray(_per_unit(abst_u, batch, U))
        return res, b, src, targeted, n, tot, np.zeros((), dtype=np.int64) if abst is None else abst

    def _pool(self, res: Results, src: BoolArray, abst: IntArray, what: str) -> IntArray:
        if self.strategy in ("switch", "abstention"):
            return np.asarray(np.where(src, res.votes, 0).sum(axis=-1), dtype=np.int64)
        return _abstainers(
            res,
            None if self.abstainers is None else abst,
            _check_turnout(self.assumed_turnout),
            what,
        )

    def _excess(self, n: IntArray, cap: IntArray, what: str) -> IntArray:
        over = n > cap
        if over.any():
            if self.on_excess == "raise":
                idx = tuple(int(i) for i in np.argwhere(over)[0])
                raise ElectsimError(
                    f"{self.name}: {int(n[idx])} votes at index {idx} exceed the "
                    f"{int(cap[idx])} {what}; pass on_excess='cap' to cap them"
                )
            return np.minimum(n, cap)
        return n

    def _spread_total(
        self,
        tot: IntArray,
        pool: IntArray,
        cap: IntArray,
        targeted: BoolArray,
        gen: np.random.Generator,
        what: str,
    ) -> IntArray:
        pool = np.where(targeted, pool, 0).astype(np.int64)
        room = np.minimum(pool, cap)
        short = tot > room.sum(axis=-1)
        if short.any() and self.on_excess == "raise":
            idx = tuple(int(i) for i in np.argwhere(short)[0]) if short.ndim else ()
            raise ElectsimError(
                f"{self.name}: total={int(tot[idx])} exceeds the {int(room[idx].sum())} "
                f"{what} of the targeted units; pass on_excess='cap' to cap it"
            )
        if check_mode(self.mode) == "expected":
            return split_exact(tot, pool, room)
        return sample_without_replacement(gen, tot, room)

    # ------------------------------------------------------------------ protocol
    def apply(self, election: Any, rng: int | np.random.Generator | None = None) -> Perturbed:
        """Add the bought votes (see the class docstring); the ledger's cost is zero."""
        gen = normalise_rng(rng)
        res, b, src, targeted, n, tot, abst = self._setup(election)
        what = (
            "the source parties' votes"
            if self.strategy in ("switch", "abstention")
            else ("abstainers")
        )
        pool = self._pool(res, src, abst, f"BoughtVotes(strategy={self.strategy!r})")
        if tot is not None:
            n = self._spread_total(tot, pool, pool, targeted, gen, what)
        assert n is not None
        n = self._excess(n, pool, what)
        mode = check_mode(self.mode)
        delta = _apply_effect(res, self.strategy, b, src, n, mode, gen)
        ledger = Ledger.from_changes(res, mechanism=self.name, votes=delta)
        votes = np.asarray(res.votes, dtype=np.int64)
        return Perturbed(res.replace(votes=votes + delta), ledger, before=election)

    def counterfactual(
        self, reported: Any, rng: int | np.random.Generator | None = None
    ) -> Perturbed:
        """The reported results without the bought votes (the inverse of :meth:`apply`).

        ``switch``: the votes leave the party and go back to the sources in proportion to
        their reported local votes (equally where they have none); ``turnout``/``double``: the
        votes leave the party and the ballots; ``abstention``: the voters come back to the
        sources in proportion to their reported votes.  With ``total``, units are weighted as
        in :meth:`apply` by the *reported* pool, which makes ``apply`` the exact inverse (class
        Notes).
        """
        gen = normalise_rng(rng)
        res, b, src, targeted, n, tot, abst = self._setup(reported)
        mode = check_mode(self.mode)
        votes = np.asarray(res.votes, dtype=np.int64)
        src_votes = np.where(src, votes, 0)
        if self.strategy == "abstention":
            if res.registered is not None:
                cap = np.asarray(res.registered, dtype=np.int64) - _ballots(res)
                what = "abstainers"
            else:
                cap = np.full(votes.shape[:-1], _UNLIMITED, dtype=np.int64)
                what = "(unlimited)"
        else:
            cap = votes[..., b]
            what = f"votes of {res.parties[b].name!r}"
        if tot is not None:
            pool = self._pool(res, src, abst, f"BoughtVotes(strategy={self.strategy!r}, total=)")
            n = self._spread_total(tot, pool, cap, targeted, gen, what)
        assert n is not None
        n = self._excess(n, cap, what)
        delta = np.zeros(votes.shape, dtype=np.int64)
        if self.strategy != "abstention":
            delta[..., b] -= n
        if self.strategy in ("switch", "abstention"):
            delta += _return_to_sources(n, src_votes, src, mode, gen)
        ledger = Ledger.from_changes(res, mechanism=f"counterfactual({self.name})", votes=delta)
        return Perturbed(res.replace(votes=votes + delta), ledger, before=reported)
