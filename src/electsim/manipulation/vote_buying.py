r"""Vote buying: a party pays voters to switch, to turn out, or to stay home.

Two perturbations (the model, its equations and the sources of every default are in
``docs/models.md``, section "Vote buying"):

* :class:`VoteBuying` -- a vote market with a budget, prices, an offer rate, acceptance, two
  compliances (turnout and vote choice), broker leakage, a payment regime, per-unit broker
  capacity and a targeting rule, for the four strategies of Gans-Morse, Mazzuca & Nichter (2014):

  ==============  =========================================  ====================================
  ``strategy``    targeted pool in unit *u*                   effect of one paid, targeted voter
  ==============  =========================================  ====================================
  ``switch``      voters of the source parties                with prob. *c*: +1 party, -1 source
  ``turnout``     the party's supporters among abstainers     with prob. *t*: +1 party, +1 ballot
  ``double``      the other abstainers (non-supporters)       with prob. *t* turns out (+1 ballot);
                                                              then with prob. *c* +1 party, else
                                                              votes as the unit's other voters
  ``abstention``  voters of the source parties                with prob. *t*: -1 source, -1 ballot
  ==============  =========================================  ====================================

  A share ``leakage`` of the payments reaches voters who would have voted for the party
  anyway (Stokes, Dunning, Nazareno & Brusco 2013): they cost money and change nothing.

* :class:`BoughtVotes` -- a fixed number of bought votes (no prices): ``apply`` adds them and
  :meth:`BoughtVotes.counterfactual` removes them from reported results; in expected mode
  ``apply(counterfactual(reported)) == reported`` exactly.

Evidence for Kyrgyzstan 2020: offers of 1,000-3,000 som a vote (CABAR.asia; RFE/RL: 2,000 som
in Novopokrovka, half up front); in a survey of the 2021 *local* elections (IRI/SIAR,
n = 1,211) 24 % of citizens said they had been offered money or gifts -- by any party;
ballots photographed as proof; 40 criminal cases by 23 September 2020.  No estimate of the
number of bought votes exists, so every budget -> votes conversion here is conditional on the
assumed rates.  With ``leakage=0`` and ``acceptance=1`` (the defaults) each som buys as many
votes as the model allows; but the default ``offer_rate=0.24`` also caps how many voters are
reached, so once a budget exhausts the offers it is *not* an upper bound: use
``offer_rate=1`` for the upper bound of what a budget can buy.
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

from .._exact import RateLike, parse_rate
from ..election import Election, PrecinctResults
from ..errors import (
    ElectsimError,
    ShapeMismatchError,
    UnknownMethodError,
    UnknownNameError,
)
from ._base import (
    Ledger,
    Mode,
    Perturbed,
    abstainers_of,
    ballots_of,
    broadcast_batch,
    check_counts,
    check_mode,
    check_party,
    check_rate,
    check_results,
    check_turnout,
    floor_rate,
    normalise_rng,
    renamed_parameters,
    round_half_up,
    sample_multinomial,
    sample_without_replacement,
    split_exact,
    unit_mask,
)

__all__ = [
    "DEFAULT_ACCEPTANCE",
    "DEFAULT_LEAKAGE",
    "DEFAULT_MONITORING",
    "DEFAULT_OFFER_RATE",
    "DEFAULT_PRICE_SOM",
    "DEFAULT_RECIPROCITY",
    "DEFAULT_TURNOUT_COMPLIANCE",
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

#: Offer sizes reported by the IRI/SIAR survey of the 2021 local elections (n = 1,211; 24.kg):
#: under 1,000 som 15 %, 1,000-3,000 som 74 %, the remaining 11 % not broken down (taken here as
#: above 3,000 som).  ASSUMPTION: each band is represented by one price -- 500, 2,000 (the
#: middle, and RFE/RL's Novopokrovka price of 2020) and 4,000 som; mean 1,995 som.
DEFAULT_PRICE_SOM: tuple[tuple[int, float], ...] = ((500, 0.15), (2_000, 0.74), (4_000, 0.11))
#: Share of the targeted pool that receives an offer.  0.24 is the share of *citizens* offered
#: money or gifts *by any party* in the 2021 local elections (IRI/SIAR survey), not one buyer's
#: reach among its targets in a parliamentary election: ASSUMPTION, try 0.05-0.3.
DEFAULT_OFFER_RATE = 0.24
#: Share of offers accepted.  ASSUMPTION (no source): 1.0 is an upper bound; try 0.3-1.
DEFAULT_ACCEPTANCE = 1.0
#: Monitoring intensity m (photographed ballots, brokers, carousel).  ASSUMPTION: 0.3, try 0-1.
DEFAULT_MONITORING = 0.3
#: Vote-choice compliance of unmonitored sellers (reciprocity rho; Finan & Schechter 2012 find
#: reciprocity-driven compliance in Paraguay, no Kyrgyz estimate).  ASSUMPTION: 0.5, try 0.3-0.8.
DEFAULT_RECIPROCITY = 0.5
#: Turnout compliance t: a paid voter turns out (``turnout``, ``double``) or stays home
#: (``abstention``).  Turnout is observable (Nichter 2008; Gans-Morse, Mazzuca & Nichter 2014),
#: so it suffers little from the secret ballot.  ASSUMPTION: 0.9, try 0.7-1.
DEFAULT_TURNOUT_COMPLIANCE = 0.9
#: Share of payments reaching voters who would have voted for the party anyway (brokers pay
#: loyalists: Stokes, Dunning, Nazareno & Brusco 2013).  Default 0 makes every conversion an
#: upper bound.  ASSUMPTION: try 0.2-0.7.
DEFAULT_LEAKAGE = 0.0

_STRATEGIES = ("switch", "turnout", "double", "abstention")
_PAYMENTS = ("upfront", "contingent")
_RULES = ("uniform", "equal", "electorate", "cheapest")
_EXCESS = ("raise", "cap")
#: Budgets above this (in som) are refused: integer arithmetic must stay exact in int64/float64.
_MAX_BUDGET = 10**15
_MAX_PRICE = 10**9
#: "No limit" for a count (unlimited budget); large, yet safe in int64 sums.
_UNLIMITED = 2**60


# ================================================================================ validation
def _check_strategy(strategy: str) -> None:
    if strategy not in _STRATEGIES:
        raise UnknownMethodError(
            f"strategy={strategy!r} is unknown; use one of {', '.join(map(repr, _STRATEGIES))}"
        )


def _check_sources(sources: Any) -> None:
    if sources is None:
        return
    if isinstance(sources, str | int | np.integer):
        check_party(sources, "sources")
        return
    if not isinstance(sources, Sequence):
        raise ElectsimError(f"sources={sources!r} must be a party or a list of parties")
    if not sources:
        raise ElectsimError("sources=[] names no party; give None (all other parties) or names")
    for s in sources:
        check_party(s, "sources")


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
    return max(1, int(round_half_up(mean)))


# ================================================================================ helpers
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
    a = check_counts(value, name)
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


def _source_mask(
    res: Results, b: int, sources: str | int | Sequence[str | int] | None
) -> BoolArray:
    P = res.votes.shape[-1]
    mask = np.zeros(P, dtype=bool)
    if sources is None:
        mask[:] = True
        mask[b] = False
        return mask
    if isinstance(sources, str | int | np.integer):
        sources = [sources]  # one party, as Switch(sources=...) accepts it
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
    return sample_multinomial(rng, n, w)


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
def _scalar_fraction(value: Any, name: str) -> Fraction:
    """A scalar rate as an exact Fraction (floats through their shortest repr)."""
    if np.ndim(value) != 0:
        raise ElectsimError(f"{name} is an array; a som-per-vote figure needs scalar parameters")
    if isinstance(value, str | Fraction):
        return parse_rate(value, name)
    return parse_rate(float(np.asarray(value)), name)


def _comply(n: IntArray, rate: FloatArray, mode: Mode, rng: np.random.Generator) -> IntArray:
    """Of ``n`` ``(*batch, U)`` persons, those who comply with probability ``rate`` ``(*batch,)``.

    Expected mode: the batch total ``rate * sum(n)`` rounded half up, split over units in
    proportion to ``n`` (never above it); sample mode: a binomial draw per unit.
    """
    if mode == "expected":
        return split_exact(round_half_up(rate * n.sum(axis=-1)), n, n)
    return np.asarray(rng.binomial(n, rate[..., None]), dtype=np.int64)


@renamed_parameters(buyer="party")
@dataclass(frozen=True)
class VoteBuying:
    r"""A vote market: a party pays voters to switch, to turn out, or to stay home.

    The model and the sources of its defaults: ``docs/models.md`` ("Vote buying").  In each
    unit *u* (region of an :class:`~electsim.Election`, station of a
    :class:`~electsim.PrecinctResults`):

    1. **pool** :math:`N_u` -- ``switch``/``abstention``: the voters of the source parties;
       ``turnout``: the party's supporters among the abstainers,
       :math:`S_u = \lfloor s_u A_u \rfloor`; ``double``: the other abstainers,
       :math:`A_u - S_u` (:math:`A_u` by the abstainer rule,
       :func:`~electsim.manipulation.abstainers_of`; :math:`s_u` = ``supporter_share``, by
       default the party's share of the unit's valid votes -- an ASSUMPTION: abstainers lean as
       the unit's voters do);
    2. **offers** :math:`O_u` -- each member of the pool gets an offer with probability
       :math:`o` (``offer_rate``), at most ``capacity`` offers per unit;
    3. **acceptors** :math:`P_u` -- an offer is taken up with probability :math:`\pi = q`
       (``acceptance``) under ``payment="upfront"``, or :math:`\pi = q\,d` under
       ``"contingent"`` (only those who deliver are paid; :math:`d` below);
    4. **leakage** -- brokers also pay loyal voters (who would have voted for the party
       anyway): :math:`L_u = \ell/(1-\ell)\,P_u`, at most the party's votes in the unit, so
       that a share :math:`\ell` (``leakage``) of the payments changes nothing;
    5. **budget** -- the party pays :math:`n = \lfloor B / p \rfloor` persons (price *p*, budget
       *B*), spread over units by ``targeting``, never more in a unit than its candidates
       :math:`P_u + L_u`; the paid are split into targeted and loyal (expected: in proportion;
       sample: without replacement);
    6. **delivery** -- a paid targeted voter delivers with probability :math:`d`: ``switch``
       :math:`c` (vote-choice ``compliance``, default :math:`m + (1 - m)\rho`), ``turnout`` and
       ``abstention`` :math:`t` (``turnout_compliance``), ``double`` :math:`t` then :math:`c`.
       A double-persuasion voter who turns out but does not comply votes as the unit's other
       voters (other parties, against all, invalid), adding a ballot to them and to every
       threshold base.

    Money spent (``ledger.cost_som``) is the sum of the prices paid and never exceeds the
    budget.  Nothing creates voters: turnout and double buying never exceed the abstainers,
    switching and abstention buying never take more votes from a party than it had.

    Parameters
    ----------
    party : str or int
        The buying party: name, short code or index (``buyer=`` is its deprecated name).
    strategy : {"turnout", "switch", "double", "abstention"}, default "turnout"
        Gans-Morse, Mazzuca & Nichter (2014): vote buying (``"switch"``), turnout buying of
        the party's own non-voting supporters (``"turnout"``; Nichter 2008), double
        persuasion of non-supporting abstainers (``"double"``), abstention buying of source
        voters (``"abstention"``).
    budget_som : float, int, array_like or None, default None
        The money in som, ``(*batch,)``; ``None`` or ``inf``: unlimited (the offers limit the
        purchase).  Fractions of a som are dropped.
    price_som : number, array_like or distribution, default :data:`DEFAULT_PRICE_SOM`
        A fixed price in whole som (an array sweeps it), or a distribution of offer sizes
        ``((price, probability), ...)`` or ``{price: probability}``.  Expected mode pays the
        mean price rounded half up; sample mode draws each payee's price.
    offer_rate : float or array_like, default 0.24
        :math:`o`.  ASSUMPTION (see :data:`DEFAULT_OFFER_RATE`: 0.24 is a survey share of
        citizens offered money or gifts by any party in 2021 local elections).  It caps the
        pool: with a large budget the offers run out before the money, so ``offer_rate=1``
        is the upper bound.  Every rate parameter also accepts strings such as ``"30%"``.
    acceptance : float or array_like, default 1.0
        :math:`q`.  ASSUMPTION; 1.0 is an upper bound.
    monitoring, reciprocity : float or array_like, default 0.3 and 0.5
        :math:`m` and :math:`\rho`, giving the vote-choice compliance
        :math:`c = m + (1 - m)\rho` (0.65) unless ``compliance`` is given.  ASSUMPTIONS.
    compliance : float, array_like or None, default None
        :math:`c`, the vote-choice compliance directly.
    turnout_compliance : float or array_like, default 0.9
        :math:`t`, the probability that a paid voter turns out (or, for abstention, stays
        home).  ASSUMPTION, try 0.7-1.
    leakage : float or array_like in [0, 1), default 0
        :math:`\ell`, the share of payments reaching voters who would have voted for the party
        anyway (Stokes et al. 2013).  0 gives an upper bound; try 0.2-0.7.
    supporter_share : float, array_like or None, default None
        :math:`s`, the party's supporters as a share of the abstainers (``turnout``,
        ``double``), ``(*batch,)``; default: the party's share of each unit's valid votes.
    payment : {"upfront", "contingent"}, default "upfront"
        ``"upfront"``: every acceptor is paid; ``"contingent"``: only voters who deliver
        (and loyal voters, who vote for the party anyway) are paid.
    capacity : int, array_like or None, default None
        At most this many offers per unit, shape ``()``, ``(U,)`` or ``(*batch, U)``.
    targeting : str or sequence, default "uniform"
        ``"uniform"`` (in proportion to the candidates), ``"equal"`` (the same number per unit,
        water-filling), ``"electorate"`` (in proportion to registered voters, else ballots),
        ``"cheapest"`` (units ranked by net margin per delivered vote against the ``rival``:
        :math:`1 + r_u` for switch, :math:`r_u` for abstention, 1 otherwise, :math:`r_u` the
        rival's share of the source votes), or unit names/indices (``"equal"`` over them).
    units : str, int, sequence or None, default None
        Restrict any targeting rule to these units.
    sources : str, int or sequence of them, optional
        The party, or parties, whose voters can be bought (``switch``, ``abstention``);
        default every party but ``party``.
    rival : str or int, optional
        The main rival for ``targeting="cheapest"``; default the other party with most votes.
    abstainers, assumed_turnout :
        The abstainer rule where registered voters are unknown (counts per unit, or a turnout
        such as ``"56.5%"``); see :func:`~electsim.manipulation._base.abstainers_of`.
    mode : {"sample", "expected"}, default "sample"
        Expected: deterministic exact integers (every total rounded half up once and split by
        :func:`~electsim.manipulation.split_exact`); sample: binomial and hypergeometric draws.

    Notes
    -----
    :attr:`som_per_vote` is the market's expected cost of one delivered vote,
    :math:`p / ((1 - \ell)\,d)` (upfront) or :math:`p / (1 - \ell)` (contingent) -- the price
    a tipping-point analysis should use (:func:`~electsim.sensitivity.tipping_point`,
    ``market=``).  With a price distribution, sample mode pays acceptors in random order at
    drawn prices until each unit's money runs out.

    References
    ----------
    Gans-Morse, J., Mazzuca, S., & Nichter, S. (2014). Varieties of clientelism. *American
    Journal of Political Science* 58(2), 415-432. doi:10.1111/ajps.12058.
    Nichter, S. (2008). Vote buying or turnout buying? *American Political Science Review*
    102(1), 19-31. doi:10.1017/S0003055408080106.
    Stokes, S. C., Dunning, T., Nazareno, M., & Brusco, V. (2013). *Brokers, Voters, and
    Clientelism*. Cambridge University Press.

    Examples
    --------
    Turnout buying: 1,000 abstainers, of whom B's supporters are 300 (B has 30 % of the
    votes); 10,000 som at 1,000 som pays 10 of them, and 9 turn out (t = 0.9):

    >>> import electsim as es
    >>> e = es.Election([[600, 300, 100]], registered=[2000], parties=["A", "B", "C"])
    >>> buy = VoteBuying("B", strategy="turnout", budget_som=10_000, price_som=1_000,
    ...                  mode="expected")
    >>> out = buy.apply(e)
    >>> out.election.votes.tolist(), out.ledger.cost_som.item()
    ([[600, 309, 100]], 10000)
    >>> float(buy.som_per_vote)        # 1,000 / 0.9
    1111.111111111111
    """

    party: str | int
    strategy: Strategy = "turnout"
    budget_som: ArrayLike | None = None
    price_som: Any = DEFAULT_PRICE_SOM
    offer_rate: ArrayLike = DEFAULT_OFFER_RATE
    acceptance: ArrayLike = DEFAULT_ACCEPTANCE
    monitoring: ArrayLike = DEFAULT_MONITORING
    reciprocity: ArrayLike = DEFAULT_RECIPROCITY
    compliance: ArrayLike | None = None
    turnout_compliance: ArrayLike = DEFAULT_TURNOUT_COMPLIANCE
    leakage: ArrayLike = DEFAULT_LEAKAGE
    supporter_share: ArrayLike | None = None
    payment: Payment = "upfront"
    capacity: ArrayLike | None = None
    targeting: str | Sequence[str | int] = "uniform"
    units: Units | None = None
    sources: str | int | Sequence[str | int] | None = None
    rival: str | int | None = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        check_party(self.party)
        _check_strategy(self.strategy)
        _budget_values(self.budget_som)
        if _price_table(self.price_som) is None:
            _fixed_price(self.price_som)
        for name in ("offer_rate", "acceptance", "monitoring", "reciprocity"):
            check_rate(getattr(self, name), name)
        if self.compliance is not None:
            check_rate(self.compliance, "compliance")
        check_rate(self.turnout_compliance, "turnout_compliance")
        if (check_rate(self.leakage, "leakage") >= 1).any():
            raise ElectsimError(
                f"leakage={self.leakage!r} must be below 1 (at 1 every payment reaches a loyal "
                "voter and nothing is bought)"
            )
        if self.supporter_share is not None:
            check_rate(self.supporter_share, "supporter_share")
        if self.payment not in _PAYMENTS:
            raise UnknownMethodError(
                f"payment={self.payment!r} is unknown; use 'upfront' or 'contingent'"
            )
        if self.capacity is not None:
            check_counts(self.capacity, "capacity")
        if self.abstainers is not None:
            check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        check_turnout(self.assumed_turnout)
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
            check_party(self.rival, "rival")
        check_mode(self.mode)

    # ------------------------------------------------------------------ protocol
    @property
    def name(self) -> str:
        """Short description, e.g. ``"vote_buying(turnout, Birimdik)"``."""
        return f"vote_buying({self.strategy}, {self.party})"

    def replace(self, **changes: Any) -> VoteBuying:
        """A copy with some parameters changed (validated again)."""
        return dataclasses.replace(self, **changes)

    def _vote_compliance(self) -> FloatArray:
        if self.compliance is not None:
            return check_rate(self.compliance, "compliance")
        m = check_rate(self.monitoring, "monitoring")
        rho = check_rate(self.reciprocity, "reciprocity")
        return np.asarray(m + (1.0 - m) * rho)

    @property
    def delivery_rate(self) -> Fraction:
        r"""Expected votes delivered per person paid (exact; scalar parameters only).

        Upfront: :math:`(1 - \ell)\,d`; contingent: :math:`1 - \ell`, with :math:`d = c`
        (switch), :math:`t` (turnout, abstention) or :math:`t c` (double).  A delivered vote
        is one vote gained by the party (switch, turnout, double) or one vote lost by a source
        party (abstention).

        Examples
        --------
        >>> VoteBuying("A", strategy="switch", compliance=0.5, leakage=0.2).delivery_rate
        Fraction(2, 5)
        """
        lk = _scalar_fraction(self.leakage, "leakage")
        if self.payment == "contingent":
            return 1 - lk
        t = _scalar_fraction(self.turnout_compliance, "turnout_compliance")
        if self.compliance is not None:
            c = _scalar_fraction(self.compliance, "compliance")
        else:
            m = _scalar_fraction(self.monitoring, "monitoring")
            c = m + (1 - m) * _scalar_fraction(self.reciprocity, "reciprocity")
        d = {"switch": c, "turnout": t, "abstention": t, "double": t * c}[self.strategy]
        return (1 - lk) * d

    @property
    def price_per_person(self) -> int:
        """The price of one paid person in whole som (the mean of a price distribution)."""
        table = _price_table(self.price_som)
        if table is not None:
            return _mean_price(table)
        p = _fixed_price(self.price_som)
        if p.ndim:
            raise ElectsimError("price_som is an array; a som-per-vote figure needs one price")
        return int(p)

    @property
    def som_per_vote(self) -> Fraction:
        r"""Expected som per delivered vote, exactly: ``price_per_person / delivery_rate``.

        This is what one vote costs in this market -- the figure a tipping point should be
        priced at (``tipping_point(..., market=...)``).  Offers and acceptance limit how many
        votes can be bought, not what each costs.

        Examples
        --------
        >>> VoteBuying("A", strategy="switch", price_som=2_000).som_per_vote  # 2,000 / 0.65
        Fraction(40000, 13)
        """
        rate = self.delivery_rate
        if rate == 0:
            raise ElectsimError(f"{self.name} delivers no votes (delivery rate 0)")
        return Fraction(self.price_per_person) / rate

    def _rule_and_units(self) -> tuple[str, Units | None]:
        t = self.targeting
        if isinstance(t, str) and t in _RULES:
            return t, self.units
        return "equal", t

    def _pool(
        self, res: Results, votes: IntArray, src_votes: IntArray, b: int, share: FloatArray | None
    ) -> IntArray:
        """The targeted pool per unit ``(*batch, U)`` (step 1 of the class docstring)."""
        if self.strategy in ("switch", "abstention"):
            return np.asarray(src_votes.sum(axis=-1), dtype=np.int64)
        A = abstainers_of(
            res,
            abstainers=self.abstainers,
            assumed_turnout=self.assumed_turnout,
            what=f"VoteBuying(strategy={self.strategy!r})",
        )
        if share is not None:
            S = np.minimum(floor_rate(share[..., None], A), A)
        else:
            assert res.against_all is not None
            valid = votes.sum(axis=-1) + np.asarray(res.against_all, dtype=np.int64)
            S = np.where(valid > 0, A * votes[..., b] // np.maximum(valid, 1), 0)
        return np.asarray(S if self.strategy == "turnout" else A - S, dtype=np.int64)

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
            ledger (votes moved, ballots added to other options by double persuasion,
            ``cost_som``).

        Raises
        ------
        UnknownNameError
            An unknown party, source, rival or unit.
        MissingDataError
            Turnout or double buying without registered voters and without an
            ``abstainers``/``assumed_turnout`` assumption, or with unknown invalid ballots.
        """
        gen = normalise_rng(rng)
        res0 = check_results(election)
        mode = check_mode(self.mode)
        U = res0.votes.shape[-2]
        b = res0.party_index(self.party)
        src = _source_mask(res0, b, self.sources)
        rule, units = self._rule_and_units()
        targeted = _targets(res0, units, "targeting" if units is self.targeting else "units")
        rival = None if self.rival is None else res0.party_index(self.rival)
        if rival is not None and rival == b:
            raise ElectsimError("rival is the buying party itself")

        table = _price_table(self.price_som)
        price = (
            np.asarray(_mean_price(table)) if table is not None else _fixed_price(self.price_som)
        )
        budget = _budget_values(self.budget_som)
        share0 = None if self.supporter_share is None else check_rate(self.supporter_share, "share")
        cap_u = _unit_param(self.capacity, U, "capacity")
        abst_u = _unit_param(self.abstainers, U, "abstainers")
        res, (budget, price, o, q, c, t, lk, share, _, _) = _broadcast(
            res0,
            budget,
            price,
            check_rate(self.offer_rate, "offer_rate"),
            check_rate(self.acceptance, "acceptance"),
            self._vote_compliance(),
            check_rate(self.turnout_compliance, "turnout_compliance"),
            check_rate(self.leakage, "leakage"),
            np.zeros(()) if share0 is None else share0,
            _batch_dummy(cap_u),
            _batch_dummy(abst_u),
        )
        batch = res.batch_shape
        price = np.asarray(price, dtype=np.int64)
        votes = np.asarray(res.votes, dtype=np.int64)
        src_votes = np.where(src, votes, 0)

        # 1. the targeted pool
        pool = self._pool(res, votes, src_votes, b, None if share0 is None else share)
        pool = np.where(targeted, pool, 0).astype(np.int64)
        capacity = None if cap_u is None else _per_unit(cap_u, batch, U)

        deliver = {"switch": c, "turnout": t, "abstention": t, "double": t * c}[self.strategy]
        pi = q if self.payment == "upfront" else q * deliver
        unlimited = ~np.isfinite(budget)
        money = np.where(unlimited, 0, np.floor(np.where(unlimited, 0, budget))).astype(np.int64)
        n_pay = np.where(unlimited, _UNLIMITED, money // price)

        # 2-3. offers and acceptors: expected values, or draws
        if mode == "expected":
            offers = _spread(floor_rate(o, pool.sum(axis=-1)), pool, pool)
            if capacity is not None:
                offers = np.minimum(offers, capacity)
            payees = _spread(floor_rate(pi, offers.sum(axis=-1)), offers, offers)
        else:
            offers = gen.binomial(pool, o[..., None])
            if capacity is not None:
                offers = np.minimum(offers, capacity)
            payees = gen.binomial(offers, pi[..., None]).astype(np.int64)
        # 4. loyal voters reached by the brokers' leakage (at most the party's voters)
        ratio = lk / (1.0 - lk)
        loyal = np.minimum(round_half_up(ratio[..., None] * payees), votes[..., b])
        loyal = np.where(targeted, loyal, 0).astype(np.int64)
        cands = payees + loyal

        # 5. the budget: n_pay persons spread over units by the targeting rule
        plan = self._plan(rule, n_pay, cands, res, targeted, src_votes, b, rival)
        if mode == "expected" or table is None:
            paid = plan
            cost = price * paid.sum(axis=-1)
        else:
            left = money - price * plan.sum(axis=-1)
            unit_money = price[..., None] * plan + _share_leftover(left, plan)
            prices, probs = table
            by_price = _pay_at_random_prices(
                gen,
                cands,
                unit_money,
                np.broadcast_to(unlimited[..., None], cands.shape),
                prices,
                probs,
            )
            paid = by_price.sum(axis=-1)
            cost = (by_price @ prices).sum(axis=-1)
        paid = np.asarray(paid, dtype=np.int64)
        both = np.stack([payees, loyal], axis=-1)
        if mode == "expected":
            reached = split_exact(paid, both, both)[..., 0]
        else:
            reached = sample_without_replacement(gen, paid, both)[..., 0]

        # 6. delivery and its effect on the counts
        delta, d_other = self._effect(res, mode, gen, b, src, src_votes, reached, c, t)
        fields: dict[str, Any] = {"votes": votes + delta}
        d_aa = d_inv = None
        if d_other is not None:
            assert res.against_all is not None
            d_aa = d_other[..., 0]
            fields["against_all"] = res.against_all + d_aa
            if res.invalid is not None:
                d_inv = d_other[..., 1]
                fields["invalid"] = res.invalid + d_inv
        ledger = Ledger.from_changes(
            res,
            mechanism=self.name,
            votes=delta,
            against_all=d_aa,
            invalid=d_inv,
            cost_som=np.asarray(cost, dtype=np.int64),
        )
        return Perturbed(res.replace(**fields), ledger, before=election)

    def _effect(
        self,
        res: Results,
        mode: Mode,
        gen: np.random.Generator,
        b: int,
        src: BoolArray,
        src_votes: IntArray,
        reached: IntArray,
        c: FloatArray,
        t: FloatArray,
    ) -> tuple[IntArray, IntArray | None]:
        """Vote change ``(*batch, U, P)`` and, for double persuasion, the ballots of the
        non-compliers for against all and invalid ``(*batch, U, 2)``."""
        votes = np.asarray(res.votes, dtype=np.int64)
        delta = np.zeros(votes.shape, dtype=np.int64)
        contingent = self.payment == "contingent"
        s = self.strategy
        if s == "switch":
            k = reached if contingent else _comply(reached, c, mode, gen)
            delta -= _take_from_sources(k, src_votes, mode, gen)
            delta[..., b] += k
            return delta, None
        if s == "abstention":
            k = reached if contingent else _comply(reached, t, mode, gen)
            delta -= _take_from_sources(k, src_votes, mode, gen)
            return delta, None
        turned_out = reached if contingent else _comply(reached, t, mode, gen)
        if s == "turnout":
            delta[..., b] += turned_out
            return delta, None
        k = turned_out if contingent else _comply(turned_out, c, mode, gen)
        delta[..., b] += k
        # double persuasion: non-compliers who turned out vote as the unit's other voters
        rest = turned_out - k
        assert res.against_all is not None
        inv = np.zeros(res.against_all.shape, np.int64) if res.invalid is None else res.invalid
        others = np.concatenate(
            [np.where(np.arange(votes.shape[-1]) == b, 0, votes), res.against_all[..., None],
             np.asarray(inv)[..., None]],
            axis=-1,
        )  # fmt: skip
        if res.invalid is None:
            others[..., -1] = 0
        nat = others.sum(axis=-2, keepdims=True)  # units without other voters: national shares
        w = np.where((others.sum(axis=-1) > 0)[..., None], others, nat)
        if mode == "expected":
            split = split_exact(rest, w)
        else:
            split = sample_multinomial(gen, rest, w)
        P = votes.shape[-1]
        delta += split[..., :P]
        return delta, split[..., P:]

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
            base = (
                res.registered
                if res.registered is not None
                else ballots_of(res, "targeting='electorate'")
            )
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
        (pools measured on them), then removed with :class:`BoughtVotes` -- switched votes go
        back to the source parties in proportion to their reported local votes, turnout votes
        leave the party and the ballots, abstainers bought off come back to the sources (never
        more than the abstainer rule allows).  For double persuasion the ballots the
        non-compliers cast for other options are removed too (never more than a cell holds).
        ``cost_som`` of the result is zero (no money moves in the counterfactual).

        Examples
        --------
        >>> import electsim as es
        >>> e = es.Election([[600, 310, 100]], registered=[2000], parties=["A", "B", "C"])
        >>> buy = VoteBuying("B", strategy="turnout", budget_som=10_000, price_som=1_000,
        ...                  turnout_compliance=1.0, mode="expected")
        >>> buy.counterfactual(e).election.votes.tolist()
        [[600, 300, 100]]
        """
        gen = normalise_rng(rng)
        res = check_results(reported)
        est = self.apply(res, rng=gen)
        b = res.party_index(self.party)
        if self.strategy == "abstention":
            bought = est.ledger.votes_removed.sum(axis=-1)
        else:
            bought = est.ledger.votes_added[..., b]
        undo = BoughtVotes(
            self.party,
            votes=bought,
            strategy="turnout" if self.strategy == "double" else self.strategy,
            sources=self.sources,
            abstainers=self.abstainers,
            assumed_turnout=self.assumed_turnout,
            on_excess="cap",
            mode=self.mode,
        )
        out = undo.counterfactual(est.before if est.before is res else res, rng=gen)
        if self.strategy != "double":
            return out
        # the non-compliers' ballots for the other options
        cf = out.election
        votes = np.asarray(cf.votes, dtype=np.int64)
        extra = est.ledger.votes_added.copy()
        extra[..., b] = 0
        extra = np.broadcast_to(extra, votes.shape)
        take_v = np.minimum(extra, votes)
        fields: dict[str, Any] = {"votes": votes - take_v}
        assert cf.against_all is not None
        take_aa = np.minimum(np.broadcast_to(est.ledger.against_all_added, cf.against_all.shape),
                             cf.against_all)  # fmt: skip
        fields["against_all"] = cf.against_all - take_aa
        take_inv = None
        if cf.invalid is not None:
            take_inv = np.minimum(
                np.broadcast_to(est.ledger.invalid_added, cf.invalid.shape), cf.invalid
            )
            fields["invalid"] = cf.invalid - take_inv
        second = Ledger.from_changes(
            cf,
            mechanism="counterfactual(double: other ballots)",
            votes=-take_v,
            against_all=-take_aa,
            invalid=None if take_inv is None else -take_inv,
        )
        ledger = out.ledger + second
        return Perturbed(cf.replace(**fields), ledger, before=reported)


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
        As in :class:`VoteBuying`.  ``"turnout"`` and ``"double"`` both add new ballots for
        the party, bounded by the abstainers: a fixed number of bought votes does not say who
        the voters were (the ballots that double-persuasion non-compliers cast for other
        options belong to :meth:`VoteBuying.counterfactual`).
    sources : str, int or sequence of them, optional
        Parties the votes come from (``switch``) or that lose voters (``abstention``); default
        every party but ``party``.
    units : str, int, sequence or None
        Restrict the spreading of ``total`` to these units (not allowed with ``votes``).
    abstainers, assumed_turnout :
        The abstainer rule (:func:`~electsim.manipulation._base.abstainers_of`): how many can
        turn out (``apply`` of turnout/double) or come back (``counterfactual`` of abstention)
        where registered voters are unknown.  Without registered voters and without either
        assumption these raise :class:`~electsim.errors.MissingDataError`.
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
    sources: str | int | Sequence[str | int] | None = None
    units: Units | None = None
    abstainers: ArrayLike | None = None
    assumed_turnout: RateLike | None = None
    on_excess: Literal["raise", "cap"] = "raise"
    mode: Mode = "sample"

    def __post_init__(self) -> None:
        check_party(self.party)
        if (self.votes is None) == (self.total is None):
            raise ElectsimError("give exactly one of votes= (per unit) and total= (national)")
        if self.votes is not None:
            check_counts(self.votes, "votes")
            if self.units is not None:
                raise ElectsimError("units= restricts total=; with votes= give 0 where needed")
        if self.total is not None:
            check_counts(self.total, "total")
        _check_strategy(self.strategy)
        _check_sources(self.sources)
        _check_units(self.units, "units")
        if self.abstainers is not None:
            check_counts(self.abstainers, "abstainers")
        if self.abstainers is not None and self.assumed_turnout is not None:
            raise ElectsimError("give abstainers= or assumed_turnout=, not both")
        check_turnout(self.assumed_turnout)
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
        res0 = check_results(election)
        U = res0.votes.shape[-2]
        b = res0.party_index(self.party)
        src = _source_mask(res0, b, self.sources)
        targeted = _targets(res0, self.units, "units")
        per_unit = _unit_param(self.votes, U, "votes")
        total = None if self.total is None else check_counts(self.total, "total")
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
        return abstainers_of(
            res, abstainers=self.abstainers, assumed_turnout=self.assumed_turnout, what=what
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
            # the voters who come back were abstainers: never more than the abstainer rule allows
            cap = abstainers_of(
                res,
                abstainers=self.abstainers,
                assumed_turnout=self.assumed_turnout,
                what="BoughtVotes(strategy='abstention').counterfactual",
            )
            what = "abstainers"
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
