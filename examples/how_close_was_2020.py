"""How close was the 2020 result?  The smallest manipulations that would have changed it.

Run: ``python examples/how_close_was_2020.py``

Data: (1) the CEC's preliminary national results of 5 October 2020 (1,990,753 voters who took
part) under the 2020 law without the regional test (the national data
has no regions); (2) Kloop Media's precinct count aggregated to the ten regions with 1.5 %
invalid ballots assumed (the count does not report them), under the full 2020 law (7 % of
voters who took part nationally, 0.7 % in each region, Hare, cap 65) -- used for the regional
targets.

Cost: switched votes are priced by a switching market (``VoteBuying``): 2,000 som per paid
voter, the price offered in 2020 (RFE/RL, village Novopokrovka), with the default vote-choice
compliance 0.65 -> 2,000 / 0.65 = 3,077 som per delivered vote (an ASSUMPTION; see
docs/models.md).  Added, removed and invalidated ballots are commission fraud: counted in
ballots, with no price ("-").  Percentages are of the voters who took part.

Each row is a :func:`electsim.sensitivity.tipping.tipping_point` with the actions named in the
row; every plan is verified by applying it, re-allocating, and checking that one vote less on
any action does not reach the target.  Threshold rows are optimal over all plans with those
actions (integer program); seat rows are optimal over single-action plans and over
threshold-crossing plans plus one action (an upper bound on the true minimum).
"""

from __future__ import annotations

from collections.abc import Sequence

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


#: Switched votes are bought: 2,000 som a paid voter, compliance 0.65 (defaults, ASSUMPTION).
MARKET = VoteBuying(BRM, strategy="switch", price_som=2_000)


def main() -> None:
    cec = kyrgyzstan_2020()
    national = law_2020().replace(regional=None)
    qualifying = [BRM, MKK, KYR, BUT]
    pro_gov_to_opposition = [Switch(b, sources=[BRM, MKK]) for b in (MCH, RES)]
    rows: list[tuple[str, Target, Sequence[Action]]] = [
        ("BUT out: invalidate BUT ballots", fails(BUT), [Remove(BUT, invalidate=True)]),
        ("BUT out: remove BUT ballots", fails(BUT), [Remove(BUT)]),
        ("BUT out: add ballots for BRM", fails(BUT), [Add(BRM)]),
        ("MCH in: switch BRM -> MCH", passes(MCH), [Switch(MCH, sources=BRM)]),
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
            [Switch(b, sources=[a for a in qualifying if a != b]) for b in qualifying],
        ),
    ]
    head = f"{'Target and actions':<46} {'votes':>9} {'% ballots':>8} {'som':>15}  seats"
    print("CEC preliminary results, 5 Oct 2020 (national; 1,990,753 voters took part)")
    print(head)
    print("-" * len(head))
    for label, target, actions in rows:
        print(row(label, tipping_point(cec, national, target, actions, market=MARKET)))

    regional = kyrgyzstan_2020_regions(invalid_rate="1.5%")
    law = law_2020()
    print()
    print("Kloop precinct count by region, 1.5 % invalid assumed (full 2020 law)")
    print(head)
    print("-" * len(head))
    print(
        row(
            "MCH qualifies: switch BRM -> MCH, any region",
            tipping_point(regional, law, qualifies(MCH), Switch(MCH, sources=BRM), market=MARKET),
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
