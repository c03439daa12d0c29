"""How close was the 2020 result?  The smallest manipulations that would have changed it.

Run: ``python examples/how_close_was_2020.py``

Data: (1) the CEC's preliminary national results of 5 October 2020 (1,990,753 voters who took
part; https://for.kg/news-669682-ru.html) under the 2020 law without the regional test (the
national data have no regions) -- first as published, which leaves out the 45 polling stations
abroad, then with those stations added from Kloop Media's precinct file
(``kyrgyzstan_2020(abroad=True, ...)``; their invalid ballots are not reported, so 0 and 1.6 %
are assumed); (2) Kloop Media's precinct count aggregated to the ten regions with 1.5 % invalid
ballots assumed (the count does not report them), under the full 2020 law (7 % of voters who
took part nationally, 0.7 % in each region, Hare, cap 65) -- used for the regional targets.

The first table gives the margins over 7 % exactly (votes minus 7 % of the voters who took
part): the votes abroad more than double Butun Kyrgyzstan's margin (2,587.29 -> 6,070.81) and
move a seat from Mekenim Kyrgyzstan to Butun Kyrgyzstan.

Cost: switched votes are priced by a switching market (``VoteBuying``): 2,000 som per paid
voter, the price offered in 2020 (RFE/RL, village Novopokrovka:
https://www.rferl.org/a/reports-of-vote-buying-and-criminal-finances-cast-ominous-shadow-over-kyrgyz-elections/30818886.html),
with the default vote-choice compliance 0.65 -> 2,000 / 0.65 = 3,077 som per delivered vote (an
ASSUMPTION; see docs/models.md), given to each switch as its ``cost_som`` because some rows
switch votes to several parties and a market buys for one.  Added, removed and invalidated
ballots are commission fraud: counted in ballots, with no price ("-").  Percentages are of
the voters who took part.

Each row is a :func:`electsim.sensitivity.tipping.tipping_point` with the actions named in the
row; every plan is verified by applying it, re-allocating, and checking that one vote less on
any action does not reach the target.  Threshold rows are optimal over all plans with those
actions (integer program); seat rows are optimal over single-action plans and over
threshold-crossing plans plus one action (an upper bound on the true minimum).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from electsim import Election, ElectoralSystem, allocate
from electsim.datasets import kyrgyzstan_2020, kyrgyzstan_2020_regions
from electsim.manipulation import VoteBuying
from electsim.presets import kyrgyzstan_2020 as law_2020
from electsim.sensitivity.tipping import (
    Action,
    Add,
    Remove,
    Switch,
    Target,
    TippingPoint,
    any_change,
    bloc_loses,
    fails,
    passes,
    qualifies,
    tipping_point,
)

BRM, MKK, KYR, BUT, MCH, RES = (
    "Birimdik",
    "Mekenim Kyrgyzstan",
    "Kyrgyzstan",
    "Butun Kyrgyzstan",
    "Mekenchil",
    "Respublika",
)


def row(label: str, tp: TippingPoint) -> str:
    tp.verify()
    assert tp.votes is not None and tp.percent_of_ballots is not None and tp.som is not None
    assert tp.after is not None
    names = [p.short for p in tp.election.parties]
    s0, s1 = tp.before.seats.tolist(), tp.after.seats.tolist()
    change = " ".join(f"{n}{b - a:+d}" for n, a, b in zip(names, s0, s1, strict=True) if a != b)
    som = "-" if tp.unpriced else f"{tp.som:,}"
    return f"{label:<46} {tp.votes:>9,} {tp.percent_of_ballots:>8.3f} {som:>15}  {change}"


#: Switched votes are bought: 2,000 som a paid voter, compliance 0.65 (defaults, ASSUMPTION):
#: the market's som per delivered vote, 2,000 / 0.65 = 40,000/13.  A market buys for one party,
#: so the switches of rows that favour several parties carry this price as their own cost_som.
SOM_PER_VOTE = VoteBuying(MCH, strategy="switch", price_som=2_000).som_per_vote


def switch(party: str, sources: str | list[str]) -> Switch:
    """Votes switched to ``party``, bought in the switching market."""
    return Switch(party, sources=sources, cost_som=SOM_PER_VOTE)


def margins(national: ElectoralSystem) -> None:
    """Margins over 7 % of the voters who took part, with and without the stations abroad."""
    data: list[tuple[str, Election]] = [
        ("CEC, without the 45 stations abroad", kyrgyzstan_2020()),
        ("CEC + abroad, 0 % invalid abroad", kyrgyzstan_2020(True, abroad_invalid_rate=0)),
        ("CEC + abroad, 1.6 % invalid abroad", kyrgyzstan_2020(True, abroad_invalid_rate="1.6%")),
    ]
    head = (
        f"{'Data':<37}{'took part':>10}{'7 %':>12}{'BUT margin':>12}{'MCH margin':>12}"
        f"{'BUT out':>9}  seats BRM/MKK/KYR/BUT"
    )
    print("Margins over 7 % of the voters who took part (votes - 7 % of the ballots, exact)")
    print(head)
    print("-" * len(head))
    for label, e in data:
        need = Fraction(7, 100) * e.national_ballots.item()
        but = e.national_votes[e.party_index(BUT)].item() - need
        mch = e.national_votes[e.party_index(MCH)].item() - need
        tp = tipping_point(e, national, fails(BUT), [Remove(BUT, invalidate=True)])
        tp.verify()
        seats = "/".join(str(s) for s in allocate(e, national).seats[:4].tolist())
        print(
            f"{label:<37}{e.national_ballots.item():>10,}{float(need):>12,.2f}"
            f"{float(but):>+12,.2f}{float(mch):>+12,.2f}{tp.votes:>9,}  {seats}"
        )
    print("(BUT out: the fewest invalidated Butun Kyrgyzstan ballots that push it below 7 %.)")
    print()


def main() -> None:
    cec = kyrgyzstan_2020()
    national = law_2020().replace(regional=None)
    margins(national.replace(tie_break="lowest_index"))
    qualifying = [BRM, MKK, KYR, BUT]
    pro_gov_to_opposition = [switch(b, [BRM, MKK]) for b in (MCH, RES)]
    rows: list[tuple[str, Target, Sequence[Action]]] = [
        ("BUT out: invalidate BUT ballots", fails(BUT), [Remove(BUT, invalidate=True)]),
        ("BUT out: remove BUT ballots", fails(BUT), [Remove(BUT)]),
        ("BUT out: add ballots for BRM", fails(BUT), [Add(BRM)]),
        ("MCH in: switch BRM -> MCH", passes(MCH), [switch(MCH, BRM)]),
        ("MCH in: add ballots for MCH", passes(MCH), [Add(MCH)]),
        (
            "pro-gov < 80 seats: switch BRM/MKK -> MCH/RES",
            bloc_loses("pro-government", 80),
            pro_gov_to_opposition,
        ),
        (
            "pro-gov < 61 seats: switch BRM/MKK -> MCH/RES",
            bloc_loses("pro-government", 61),
            pro_gov_to_opposition,
        ),
        (
            "any change: switch among BRM/MKK/KYR/BUT",
            any_change(),
            [switch(b, [a for a in qualifying if a != b]) for b in qualifying],
        ),
    ]
    head = f"{'Target and actions':<46} {'votes':>9} {'% ballots':>8} {'som':>15}  seats"
    print("CEC preliminary results, 5 Oct 2020 (national; 1,990,753 voters took part)")
    print(head)
    print("-" * len(head))
    for label, target, actions in rows:
        print(row(label, tipping_point(cec, national, target, actions)))

    regional = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    law = law_2020()
    print()
    print("Kloop precinct count by region, 1.5 % invalid assumed (full 2020 law)")
    print(head)
    print("-" * len(head))
    print(
        row(
            "MCH qualifies: switch BRM -> MCH, any region",
            tipping_point(regional, law, qualifies(MCH), switch(MCH, BRM)),
        )
    )
    print(
        row(
            "MCH qualifies: add MCH ballots, any region",
            tipping_point(regional, law, qualifies(MCH), Add(MCH)),
        )
    )
    best = min(
        (
            tipping_point(
                regional, law, fails(BUT, region=r.name), Remove(BUT, units=r.name, invalidate=True)
            )
            for r in regional.regions
            if r.in_regional_threshold
        ),
        key=lambda tp: tp.votes if tp.votes is not None else 10**12,
    )
    region = best.target.region
    print(row(f"BUT out in {region}: invalidate BUT ballots", best))


if __name__ == "__main__":
    main()
