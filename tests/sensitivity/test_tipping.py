"""Tipping points: hand-computed threshold crossings, brute force on small elections, example."""

from __future__ import annotations

import dataclasses
import itertools
import math
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from electsim import Election, ElectoralSystem, Party, Threshold, allocate
from electsim.datasets import kyrgyzstan_2020_regions
from electsim.errors import ElectsimError, MissingDataError, UnknownNameError
from electsim.presets import kyrgyzstan_2020 as law_2020
from electsim.sensitivity.tipping import (
    Action,
    Add,
    Move,
    Remove,
    Switch,
    Target,
    any_change,
    bloc_loses,
    bloc_reaches,
    fails,
    gains_seat,
    loses_seat,
    passes,
    qualifies,
    tipping_point,
)

from _support import REPO_ROOT

BRM, MKK, KYR, BUT, MCH = (
    "Birimdik",
    "Mekenim Kyrgyzstan",
    "Kyrgyzstan",
    "Butun Kyrgyzstan",
    ("Mekenchil"),
)


@pytest.fixture(scope="module")
def national_law() -> ElectoralSystem:
    return law_2020().replace(regional=None)


# ----------------------------------------------------------------- 2020, by hand
# CEC preliminary results, 5 Oct 2020 (for.kg/news-669682-ru.html): B = 1,990,753 voters took part,
# Mekenchil 136,276, Butun Kyrgyzstan 141,940; 7 % of B = 139,352.71, so 139,353 votes pass.
def test_mekenchil_switch_3077(cec: Election, national_law: ElectoralSystem) -> None:
    # switching keeps B: x = 139,353 - 136,276 = 3,077
    tp = tipping_point(cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)])
    # no price given: the plan is counted in votes only
    assert (tp.votes, tp.som, tp.unpriced) == (3077, 0, 3077)
    assert tp.after is not None and tp.after.by_party()[MCH] == 12
    tp.verify()


def test_mekenchil_add_3309(cec: Election, national_law: ElectoralSystem) -> None:
    # adding x ballots: 100 (136,276 + x) >= 7 (1,990,753 + x)  <=>  93 x >= 13,935,271 - 13,627,600
    # = 307,671  <=>  x >= 3,308.29  ->  3,309 (not 3,312: 307,671 / 93 = 3,308.29)
    assert math.ceil(Fraction(7 * 1_990_753 - 100 * 136_276, 93)) == 3309
    tp = tipping_point(cec, national_law, passes(MCH), [Add(MCH)])
    assert tp.votes == 3309
    tp.verify()


def test_butun_fails(cec: Election, national_law: ElectoralSystem) -> None:
    # invalidating keeps B: 141,940 - x <= 139,352  <=>  x >= 141,940 - 139,353 + 1 = 2,588
    tp = tipping_point(cec, national_law, fails(BUT), [Remove(BUT, invalidate=True)])
    assert tp.votes == 2588
    assert tp.after is not None and tp.after.by_party()[BUT] == 0
    tp.verify()
    # removing lowers B too: 100 (141,940 - x) < 7 (1,990,753 - x)  <=>  93 x > 14,194,000 -
    # 13,935,271 = 258,729  <=>  x > 2,782.03  ->  2,783
    assert tipping_point(cec, national_law, fails(BUT), [Remove(BUT)]).votes == 2783
    # adding ballots for Birimdik dilutes: 100 * 141,940 < 7 (B + x)  <=>  x > 258,729 / 7
    # = 36,961.29  ->  36,962
    assert tipping_point(cec, national_law, fails(BUT), [Add(BRM)]).votes == 36962
    # removal and dilution together: removal alone is cheapest (93 vs 7 per vote in the row)
    both = tipping_point(cec, national_law, fails(BUT), [Remove(BUT), Add(BRM)])
    assert both.votes == 2783


def test_two_parties_fail_is_the_sum(cec: Election, national_law: ElectoralSystem) -> None:
    # Kyrgyzstan 174,317: x >= 174,317 - 139,352 = 34,965; Butun 2,588 (invalidation keeps B)
    acts = [Remove(BUT, invalidate=True), Remove(KYR, invalidate=True)]
    tp = tipping_point(cec, national_law, fails([BUT, KYR]), acts)
    assert tp.votes == 2588 + 34965
    assert {s.amount for s in tp.plan} == {2588, 34965}
    tp.verify()


def test_minimise_som_changes_the_plan(cec: Election, national_law: ElectoralSystem) -> None:
    acts: list[Action] = [Switch(MCH, sources=BRM, cost_som=2000), Add(MCH, cost_som=500)]
    by_votes = tipping_point(cec, national_law, passes(MCH), acts)
    by_som = tipping_point(cec, national_law, passes(MCH), acts, minimise="som")
    assert (by_votes.votes, by_votes.som) == (3077, 3077 * 2000)
    assert (by_som.votes, by_som.som) == (3309, 3309 * 500)


def test_regional_2020_hand_computed() -> None:
    e = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    law = law_2020()
    k = e.party_index(MCH)
    B, v = int(e.national_ballots), int(e.national_votes[k])
    need = -(-7 * B // 100)  # ceil(0.07 B)
    # Mekenchil passes every region already; only the national threshold binds
    tp = tipping_point(e, law, qualifies(MCH), Switch(MCH, sources=BRM))
    assert tp.votes == need - v
    tp.verify()
    tp = tipping_point(e, law, qualifies(MCH), Add(MCH))
    assert tp.votes == math.ceil(Fraction(7 * B - 100 * v, 93))
    tp.verify()
    # Butun out through the 0.7 % test in Talas: invalidation keeps the region's ballots
    r = e.region_index("Talas")
    b, vr = int(e.ballots[r]), int(e.votes[r, e.party_index(BUT)])
    need_r = -(-7 * b // 1000)
    tp = tipping_point(
        e, law, fails(BUT, region="Talas"), Remove(BUT, units="Talas", invalidate=True)
    )
    assert tp.votes == vr - need_r + 1
    assert tp.after is not None and tp.after.by_party()[BUT] == 0
    tp.verify()


def test_seat_targets_verify_on_2020(cec: Election, national_law: ElectoralSystem) -> None:
    tp = tipping_point(cec, national_law, gains_seat(BUT), [Switch(BUT, sources=BRM)])
    tp.verify()
    assert tp.votes is not None and 0 < tp.votes < 3000
    # single action, exhaustive: every smaller amount fails the target
    ts = np.arange(tp.votes)
    votes = np.repeat(cec.votes[None], len(ts), axis=0)
    votes[:, 0, 0] -= ts
    votes[:, 0, 3] += ts
    batch = Election(votes, cec.against_all, cec.invalid, None, cec.parties, cec.regions)
    seats = allocate(batch, national_law.replace(tie_break="lowest_index")).seats
    assert (seats[:, 3] <= 13).all()
    tp = tipping_point(
        cec,
        national_law,
        bloc_loses("pro-government", 80),
        [Switch(MCH, sources=BRM), Switch(MCH, sources=MKK)],
    )
    tp.verify()
    assert tp.after is not None
    assert int(tp.after.seats[:3].sum()) < 80 <= int(tp.before.seats[:3].sum())


def test_already_reached_and_impossible(cec: Election, national_law: ElectoralSystem) -> None:
    tp = tipping_point(cec, national_law, passes(BRM), [Switch(MCH, sources=BRM)])
    assert tp.achievable and tp.votes == 0 and tp.plan == ()
    tp.verify()
    assert "already reached" in str(tp)
    no = tipping_point(cec, national_law, passes(MCH), [Remove(MCH)])
    assert not no.achievable and no.votes is None
    assert "not achievable" in str(no)
    with pytest.raises(ElectsimError, match="not achievable"):
        no.verify()
    capped = tipping_point(
        cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)], max_votes=3076
    )
    assert not capped.achievable


def test_bad_input(cec: Election, national_law: ElectoralSystem) -> None:
    with pytest.raises(UnknownNameError):
        tipping_point(cec, national_law, passes("Nobody"), [Add(MCH)])
    with pytest.raises(UnknownNameError):
        tipping_point(cec, national_law, passes(MCH), [Add("Nobody")])
    with pytest.raises(UnknownNameError):
        tipping_point(cec, national_law, passes(MCH), [Add(MCH, units="Mars")])
    with pytest.raises(MissingDataError):
        tipping_point(cec, national_law, passes(MCH, region="National"), [Add(MCH)])
    with pytest.raises(MissingDataError):
        tipping_point(cec, national_law.replace(national=None), passes(MCH), [Add(MCH)])
    with pytest.raises(ElectsimError, match="bloc"):
        tipping_point(cec, national_law, bloc_loses("martians", 61), [Add(MCH)])
    with pytest.raises(ElectsimError, match="actions"):
        tipping_point(cec, national_law, passes(MCH), [])
    with pytest.raises(ElectsimError, match="minimise"):
        tipping_point(cec, national_law, passes(MCH), [Add(MCH)], minimise="money")  # type: ignore[arg-type]
    with pytest.raises(ElectsimError, match="max_votes"):
        tipping_point(cec, national_law, passes(MCH), [Add(MCH)], max_votes=-1)
    with pytest.raises(ElectsimError, match="cost_som"):
        Add(MCH, cost_som=-5)
    with pytest.raises(ElectsimError, match="seats"):
        bloc_reaches("pro-government", -1)
    with pytest.raises(ElectsimError, match="Target"):
        tipping_point(cec, national_law, "passes", [Add(MCH)])  # type: ignore[arg-type]


# ----------------------------------------------------------------- brute force
def _apply_by_hand(e: Election, plan: list[tuple[Action, int | None, int]]) -> Election | None:
    """Apply (action, region index, amount) triples with plain Python lists; None if infeasible."""
    votes = e.votes.tolist()
    inv = e.invalid.tolist()  # type: ignore[union-attr]
    names = list(e.party_names)
    rnames = list(e.region_names)
    for act, r, n in plan:
        if isinstance(act, Switch):
            votes[r][names.index(str(act.sources))] -= n
            votes[r][names.index(str(act.party))] += n
        elif isinstance(act, Add):
            votes[r][names.index(str(act.party))] += n
        elif isinstance(act, Remove):
            votes[r][names.index(str(act.party))] -= n
            if act.invalidate:
                inv[r] += n
        elif isinstance(act, Move):
            k = names.index(str(act.party))
            votes[rnames.index(str(act.origin))][k] -= n
            votes[rnames.index(str(act.destination))][k] += n
    if min(min(row) for row in votes) < 0:
        return None
    return e.replace(votes=votes, invalid=inv)


def _reached_by_hand(target: Target, before: Election, after: Election, s: ElectoralSystem) -> bool:
    names = list(after.party_names)
    if target.kind in ("passes", "fails", "qualifies"):

        def ok(k: int, r: int | None, t: Threshold) -> bool:
            v = int(after.votes[:, k].sum()) if r is None else int(after.votes[r, k])
            b = int(after.ballots.sum()) if r is None else int(after.ballots[r])
            return Fraction(v) >= t.rate * b  # inclusive thresholds of ballots

        ks = [names.index(str(p)) for p in target.parties]
        r = None if target.region is None else list(after.region_names).index(str(target.region))
        assert s.national is not None and s.regional is not None
        if target.kind == "qualifies":
            regions = [i for i, x in enumerate(after.regions) if x.in_regional_threshold]
            return all(
                ok(k, None, s.national) and all(ok(k, i, s.regional) for i in regions) for k in ks
            )
        t = s.national if r is None else s.regional
        want = target.kind == "passes"
        return all(ok(k, r, t) == want for k in ks)
    lot = s.replace(tie_break="lowest_index")
    a0, a1 = allocate(before, lot), allocate(after, lot)
    if a1.ties:
        return False  # undecided under the "raise" policy
    s0, s1 = a0.seats.tolist(), a1.seats.tolist()
    if target.kind == "any_change":
        return s0 != s1
    if target.kind in ("gains_seat", "loses_seat"):
        k = names.index(str(target.parties[0]))
        return s1[k] > s0[k] if target.kind == "gains_seat" else s1[k] < s0[k]
    bloc = sum(x for x, p in zip(s1, after.parties, strict=True) if p.bloc == target.bloc)
    assert target.seats is not None
    return bloc >= target.seats if target.kind == "bloc_reaches" else bloc < target.seats


def _brute_force(
    e: Election, s: ElectoralSystem, target: Target, actions: list[Action], bound: int
) -> int | None:
    """Fewest votes over every plan with at most ``bound`` votes (actions expanded per region)."""
    atoms: list[tuple[Action, int | None]] = []
    for act in actions:
        if isinstance(act, Move):
            atoms.append((act, None))
        else:
            region = act.units
            rs = range(e.n_regions) if region is None else [e.region_index(region)]
            atoms += [(act, r) for r in rs]
    best = None
    for amounts in itertools.product(range(bound + 1), repeat=len(atoms)):
        total = sum(amounts)
        if total > bound or (best is not None and total >= best):
            continue
        after = _apply_by_hand(e, [(a, r, n) for (a, r), n in zip(atoms, amounts, strict=True)])
        if after is not None and _reached_by_hand(target, e, after, s):
            best = total
    return best


def _small_election(rng: np.random.Generator) -> Election:
    votes = rng.integers(0, 11, size=(2, 3))
    votes[:, 0] += 6  # party A is always sizeable
    return Election(
        votes,
        against_all=rng.integers(0, 3, size=2),
        invalid=rng.integers(0, 3, size=2),
        parties=[Party("A", bloc="gov"), Party("B", bloc="gov"), Party("C", bloc="opp")],
        regions=["North", "South"],
    )


SMALL = ElectoralSystem(
    5, "hare", national=Threshold("20%"), regional=Threshold("10%"), cap=4, tie_break="raise"
)

ACTION_POOL: list[Action] = [
    Switch("C", sources="A"),
    Switch("C", sources="B", units="South"),
    Add("C"),
    Add("B", units="North"),
    Remove("A", invalidate=True),
    Remove("B"),
    Move("C", origin="North", destination="South"),
    Move("A", origin="South", destination="North"),
]

TARGETS = [
    passes("C"),
    fails("A"),
    passes("C", region="North"),
    fails("B", region="South"),
    qualifies(["B", "C"]),
    gains_seat("C"),
    loses_seat("A"),
    bloc_loses("gov", 3),
    bloc_reaches("opp", 2),
    any_change(),
]


@pytest.mark.parametrize("seed", range(3))
def test_equals_brute_force_on_small_elections(seed: int) -> None:
    rng = np.random.default_rng(seed)
    e = _small_election(rng)
    bound = 5
    singles = [[a] for a in ACTION_POOL]
    pairs = [list(p) for p in itertools.combinations(ACTION_POOL, 2)]
    chosen = singles + [pairs[i] for i in rng.choice(len(pairs), size=6, replace=False)]
    checked = 0
    for target in TARGETS:
        for actions in chosen:
            try:
                allocate(e, SMALL)
            except ElectsimError:
                pytest.skip("the baseline election has a tie")
            ref = _brute_force(e, SMALL, target, actions, bound)
            tp = tipping_point(e, SMALL, target, actions, max_votes=bound)
            assert tp.achievable == (ref is not None), (target, actions)
            if ref is not None:
                assert tp.votes == ref, (target, actions, str(tp))
                tp.verify()
                checked += 1
    assert checked > 20  # the test exercised reachable targets


def test_heuristic_path_matches_brute_force_for_single_actions() -> None:
    # plan_limit=0 forces the line-search path (no full enumeration): with one action it is
    # exhaustive over that action, hence exact
    rng = np.random.default_rng(11)
    e = _small_election(rng)
    for target in (gains_seat("C"), loses_seat("A"), any_change(), bloc_loses("gov", 3)):
        for act in (Switch("C", sources="A", units="North"), Add("C", units="South")):
            ref = _brute_force(e, SMALL, target, [act], 12)
            tp = tipping_point(e, SMALL, target, [act], max_votes=12, plan_limit=0)
            assert tp.votes == ref, (target, act)
            if ref is not None:
                tp.verify()


def test_a_tie_is_undecided_under_raise_but_decided_under_lowest_index() -> None:
    # one seat, B 4 votes vs A 6: one switched vote makes 5:5, a tie; two make B win outright
    e = Election([4, 6], parties=["B", "A"])
    act = [Switch("B", sources="A")]
    raise_ = ElectoralSystem(1, "hare", tie_break="raise")
    assert tipping_point(e, raise_, gains_seat("B"), act).votes == 2
    lowest = raise_.replace(tie_break="lowest_index")  # the tie goes to B (index 0)
    tp = tipping_point(e, lowest, gains_seat("B"), act)
    assert tp.votes == 1
    tp.verify()
    assert tipping_point(e, raise_, gains_seat("B"), act, plan_limit=0).votes == 2


def test_move_changes_regional_shares_only() -> None:
    # North: A 90, B 6 (ballots 100 with 4 invalid); South: A 50, B 50.  B needs 10 % in North:
    # moving x B-voters South -> North: 6 + x >= 0.1 (100 + x)  <=>  0.9 x >= 4  ->  x = 5
    e = Election([[90, 6], [50, 50]], invalid=[4, 0], parties=["A", "B"], regions=["N", "S"])
    s = ElectoralSystem(10, "hare", national=Threshold("5%"), regional=Threshold("10%"))
    tp = tipping_point(e, s, passes("B", region="N"), Move("B", origin="S", destination="N"))
    assert tp.votes == 5 and tp.after is not None
    assert tp.after.election.national_votes.tolist() == e.national_votes.tolist()
    tp.verify()


def test_verify_catches_wrong_plans(cec: Election, national_law: ElectoralSystem) -> None:
    tp = tipping_point(cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)])
    with pytest.raises(ElectsimError, match="not minimal"):
        dataclasses.replace(tp, _x=(3078,)).verify()
    with pytest.raises(ElectsimError, match="does not reach"):
        dataclasses.replace(tp, _x=(3076,)).verify()
    with pytest.raises(ElectsimError, match="kind"):
        Target("wins")  # type: ignore[arg-type]


def test_to_records_and_str(cec: Election, national_law: ElectoralSystem) -> None:
    tp = tipping_point(cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)])
    rec = tp.to_records()
    assert rec == [
        {
            "target": "Mekenchil passes the threshold nationally",
            "action": "switch Birimdik -> Mekenchil",
            "region": "National",
            "source": "Birimdik",
            "votes": 3077,
            "som": None,
        }
    ]
    text = str(tp)
    assert "3,077 votes" in text and "MCH 0->12" in text


# ----------------------------------------------------------------- the example
def test_example_how_close_was_2020() -> None:
    script = REPO_ROOT / "examples" / "how_close_was_2020.py"
    proc = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    # hand-computed above: 2,588 / 2,783 / 36,962 / 3,077 / 3,309 votes; ballots (commission
    # fraud) unpriced, switches at 2,000 / 0.65 som a vote: 3,077 x 40,000 / 13 = 9,467,692.3;
    # % of 1,990,753 ballots: 100 * 2,588 / 1,990,753 = 0.130, 3,077 -> 0.155
    assert (
        "BUT out: invalidate BUT ballots                    2,588    0.130               -" in out
    )
    assert (
        "BUT out: remove BUT ballots                        2,783    0.140               -" in out
    )
    assert (
        "BUT out: add ballots for BRM                      36,962    1.857               -" in out
    )
    assert (
        "MCH in: switch BRM -> MCH                          3,077    0.155       9,467,692" in out
    )
    assert (
        "MCH in: add ballots for MCH                        3,309    0.166               -" in out
    )
    # Mekenchil in gives it 12 seats (hand: as in test_mekenchil_switch_3077)
    assert "MCH+12" in out
    # any change by switching among the four qualifying lists (Q = 1,279,314 votes, Hare quota
    # q = Q / 120 = 10,660.95; Q is unchanged by switches among them).  Remainders in votes:
    # BRM 487,685 - 45 q = 7,942.25, MKK 475,372 - 44 q = 6,290.2 (the two extra seats),
    # KYR 174,317 - 16 q = 3,741.8, BUT 141,940 - 13 q = 3,347.65.  The cheapest overtaking is
    # MKK -> KYR: 3,741.8 + x > 6,290.2 - x  <=>  x > 1,274.2  ->  1,275 (MKK -> BUT needs 1,472,
    # MKK -> BRM 2,549; no whole quota is crossed that early)
    line = "any change: switch among BRM/MKK/KYR/BUT           1,275    0.064       3,923,077"
    assert line + "  MKK-1 KYR+1" in out


# ----------------------------------------------------------------- prices and vocabulary
def test_tipping_cost_equals_the_markets_som_per_vote(
    cec: Election, national_law: ElectoralSystem
) -> None:
    from electsim.manipulation import VoteBuying

    market = VoteBuying(
        MCH, strategy="switch", price_som=2_000, compliance=0.5, leakage=0.2, mode="expected"
    )
    # som per delivered vote = 2,000 / (0.8 x 0.5) = 5,000 (hand)
    assert market.som_per_vote == 5_000
    tp = tipping_point(cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)], market=market)
    assert (tp.votes, tp.som, tp.unpriced) == (3077, 3077 * 5_000, 0)
    # the market itself, applied with the money of the plan, buys the same number of votes
    bought = market.replace(budget_som=tp.som, offer_rate=1.0, sources=[BRM]).apply(cec)
    assert bought.ledger.votes_added[..., cec.party_index(MCH)].sum() == 3077
    # commission fraud is counted in ballots, never priced by the market
    inv = tipping_point(
        cec, national_law, fails(BUT), [Remove(BUT, invalidate=True)], market=market
    )
    assert (inv.votes, inv.som, inv.unpriced) == (2588, 0, 2588)
    assert "unpriced" in str(inv) and len(repr(inv)) < 300
    # an explicit price wins over the market; minimise="som" needs every action priced
    explicit = tipping_point(
        cec, national_law, fails(BUT), [Remove(BUT, invalidate=True, cost_som=100)]
    )
    assert explicit.som == 258_800
    with pytest.raises(ElectsimError, match="needs a price"):
        tipping_point(cec, national_law, fails(BUT), [Remove(BUT)], minimise="som")
    with pytest.raises(ElectsimError, match="double"):
        tipping_point(
            cec, national_law, passes(MCH), [Add(MCH)], market=market.replace(strategy="double")
        )


def test_old_action_signatures_warn_and_mean_the_same(
    cec: Election, national_law: ElectoralSystem
) -> None:
    with pytest.warns(DeprecationWarning, match="deprecated"):
        old = Switch(BRM, MCH, None, 2000)  # type: ignore[misc]
    assert old == Switch(MCH, sources=BRM, cost_som=2000)
    with pytest.warns(DeprecationWarning):
        assert Switch(from_party=BRM, to_party=MCH) == Switch(MCH, sources=BRM)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning):
        assert Remove(BUT, "Talas", True) == Remove(BUT, units="Talas", invalidate=True)  # type: ignore[misc]
    with pytest.warns(DeprecationWarning):
        assert Add(MCH, som=5) == Add(MCH, cost_som=5)  # type: ignore[call-arg]
    with pytest.warns(DeprecationWarning):
        assert Move("N", "S", "A") == Move("A", origin="N", destination="S")  # type: ignore[misc]
    with pytest.warns(DeprecationWarning):
        tp = tipping_point(cec, national_law, passes(MCH), [Switch(BRM, MCH, som=2000)])  # type: ignore[misc]
    assert tp.som == 3077 * 2000


def test_a_market_prices_only_the_votes_of_its_own_party(
    cec: Election, national_law: ElectoralSystem
) -> None:
    # review B5: a Birimdik market used to price a switch to Mekenchil (9,467,692 som)
    from electsim.manipulation import VoteBuying

    brm_market = VoteBuying(BRM, strategy="switch", price_som=2_000)
    with pytest.raises(ElectsimError, match="buys votes for 'Birimdik', not for 'Mekenchil'"):
        tipping_point(cec, national_law, passes(MCH), [Switch(MCH, sources=BRM)], market=brm_market)
    with pytest.raises(ElectsimError, match="buys votes for"):
        tipping_point(
            cec,
            national_law,
            passes(MCH),
            [Add(MCH)],
            market=brm_market.replace(strategy="turnout"),
        )
    # a paid abstention market stays home the voters of other parties, never its own
    abst = VoteBuying(BUT, strategy="abstention", price_som=2_000)
    with pytest.raises(ElectsimError, match="own party"):
        tipping_point(cec, national_law, fails(BUT), [Remove(BUT)], market=abst)
    # the market of the right party prices it: 3,077 x 2,000 / 0.65 = 9,467,692.3 (hand)
    tp = tipping_point(
        cec,
        national_law,
        passes(MCH),
        [Switch(MCH, sources=BRM)],
        market=VoteBuying(MCH, strategy="switch", price_som=2_000),
    )
    assert tp.som == 9_467_692
    # an action the market does not buy stays unpriced rather than refused
    inv = tipping_point(
        cec, national_law, fails(BUT), [Remove(BUT, invalidate=True)], market=brm_market
    )
    assert (inv.som, inv.unpriced) == (0, 2588)
