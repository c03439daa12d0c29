"""The 2020 parliament as a function of a vote-buying budget for Birimdik.

Run: ``python examples/vote_buying.py``

Data: Kloop Media's precinct count of the 4 October 2020 election aggregated to the ten regions,
with 1.5 % invalid ballots assumed (the count does not report them; Kloop's own calculator
assumes 1.5 %).  Rules: the 2020 law (7 % of voters who took part nationally, 0.7 % in each
region, 120 seats, Hare largest remainder, 65-seat cap).

Market (docs/models.md, "Vote buying"): prices from the IRI/SIAR survey of offers in the 2021
local elections (15 % under 1,000 som, 74 % 1,000-3,000 som, 11 % above; mean 1,995 som),
consistent with the 1,000-3,000 som reported in 2020 (CABAR.asia, RFE/RL); 24 % of the targeted
pool receives an offer (ASSUMPTION: the survey's share of citizens offered money or gifts by any
party); every offer accepted and no payment leaks to loyal voters (ASSUMPTIONS: upper bounds);
turnout compliance 0.9, vote-choice compliance 0.3 + 0.7 x 0.5 = 0.65 (ASSUMPTIONS); payment up
front; turnout buying targets Birimdik's own supporters among the abstainers (its share of each
region's valid votes), double persuasion the other abstainers.

Per som spent the numbers are upper bounds under these assumptions: real acceptance below 1
and leakage above 0 (Stokes et al. 2013) buy fewer votes for the same money; table 5 shows how
fast the result moves with leakage.  But the offer rate of 0.24 also caps how many voters can
be bought at all: in turnout buying it binds from 200 M som on (the offers to Birimdik's
abstaining supporters run out after 175.6 M som, so the 200 M and 400 M rows are the same and
are NOT upper bounds).  Each table says which rows the offer rate limits; table 4 repeats
turnout buying with offer_rate=1 (every targeted abstainer offered), the upper bound of what a
budget can buy in this model: 400 M som then gives Birimdik 61 seats instead of 50.

ASSUMPTION: the precinct count has no registered voters, so turnout buying needs an assumed
pool of abstainers.  We take the CEC's national turnout of 5 October 2020 -- 1,990,753 of
3,523,554 registered voters took part, 56.5 % (for.kg 669682) -- in every region:
abstainers = floor(ballots x (1/0.565 - 1)) = floor(ballots x 87/113).  Real turnout ranged
from 50.3 % (Batken) to 68.3 % (Osh city).

Both tables are the expected-value mode (deterministic); the last lines draw the market
1,000 times at one budget (sample mode).
"""

from __future__ import annotations

import numpy as np

import electsim as es
from electsim import metrics
from electsim.manipulation.vote_buying import DEFAULT_PRICE_SOM, VoteBuying

BUDGETS_MILLION_SOM = (0, 10, 25, 50, 100, 200, 400)
INVALID_RATE = "1.5%"  # Kloop's calculator (damagedBulletin: 1.5)
ASSUMED_TURNOUT = "56.5%"  # CEC, 5 Oct 2020: 1,990,753 / 3,523,554
MEAN_PRICE = 1_995  # 0.15 x 500 + 0.74 x 2,000 + 0.11 x 4,000 som


def table(title: str, buy: VoteBuying, election: es.Election, law: es.ElectoralSystem) -> list[str]:
    budgets = np.array(BUDGETS_MILLION_SOM, dtype=np.float64) * 1e6
    out = buy.replace(budget_som=budgets).apply(election)  # one batched call
    out.verify()
    alloc = es.allocate(out.election, law)  # one batched allocation
    b = election.party_index(buy.party)
    prices = [p for p, _ in DEFAULT_PRICE_SOM]
    bought = out.ledger.net_votes[..., b].sum(axis=-1)
    seated = [i for i in range(election.n_parties) if alloc.seats[:, i].any()]
    shorts = [election.parties[i].short for i in seated]
    pro = metrics.bloc_seats(alloc, "pro-government")
    but = election.party_index("Butun Kyrgyzstan")
    but_share = out.election.national_votes[:, but] / out.election.national_ballots
    lines = [title, ""]
    header = (
        f"{'budget (M som)':>14} {'paid':>8} {'bought':>8} {'cost (M som)':>12}  "
        + " ".join(f"{s:>4}" for s in shorts)
        + f"  {'pro-gov':>7} {'BUT %':>6}"
    )
    lines += [header, "-" * len(header)]
    capped = []
    for k, budget in enumerate(BUDGETS_MILLION_SOM):
        cost = int(out.ledger.cost_som[k])
        seats = " ".join(f"{int(alloc.seats[k, i]):>4}" for i in seated)
        lines.append(
            f"{budget:>14} {cost // MEAN_PRICE:>8} {int(bought[k]):>8} {cost / 1e6:>12.2f}  "
            f"{seats}  {int(pro[k]):>7} {100 * but_share[k]:>6.2f}"
        )
        if budget * 1e6 - cost >= max(prices):  # money left that could pay one more voter
            capped.append(str(budget))
    if capped:
        lines.append(
            f"   rows {', '.join(capped)} M som: the offers ran out before the money "
            f"(offer rate {float(buy.offer_rate):.2f});"
        )
        lines.append("   these rows are NOT upper bounds")
    else:
        lines.append(f"   the offer rate {float(buy.offer_rate):.2f} limits no row")
    return lines


def main() -> None:
    law = es.presets.kyrgyzstan_2020()
    election = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)
    assert DEFAULT_PRICE_SOM == ((500, 0.15), (2_000, 0.74), (4_000, 0.11))
    base = VoteBuying(
        "Birimdik",
        strategy="turnout",
        assumed_turnout=ASSUMED_TURNOUT,
        mode="expected",
    )
    print("Vote buying for Birimdik: the 2020 parliament as a function of the budget")
    print(f"(Kloop precinct count, {INVALID_RATE} invalid ballots assumed; 2020 law; expected")
    print(f"values; abstainers assumed from a {ASSUMED_TURNOUT} turnout in every region)")
    print("paid = persons paid, bought = net votes gained by Birimdik, pro-gov = Birimdik +")
    print("Mekenim Kyrgyzstan + Kyrgyzstan (61 seats = majority, 80 = two thirds); BUT % =")
    print("Butun Kyrgyzstan's share of the voters who took part (excluded below 7 %)\n")
    print("Per som spent these are UPPER BOUNDS under the stated assumptions (every offer")
    print("accepted, no payment leaking to loyal voters), but the assumed offer rate (0.24)")
    print("caps how many voters can be bought: rows where the offers run out are not upper")
    print("bounds (table 4: offer_rate=1); see docs/models.md.\n")
    tables = [
        ("1. Turnout buying: Birimdik's non-voting supporters paid to vote", base),
        (
            "2. Vote buying: voters of the other parties paid to switch",
            base.replace(strategy="switch"),
        ),
        (
            "3. Double persuasion: other abstainers paid to vote Birimdik",
            base.replace(strategy="double"),
        ),
        (
            "4. Turnout buying with offer_rate=1 (every targeted abstainer offered)",
            base.replace(offer_rate=1.0),
        ),
    ]
    for title, buy in tables:
        som = float(buy.som_per_vote)
        for line in table(f"{title}; {som:,.0f} som a delivered vote", buy, election, law):
            print(line)
        print()
    print(
        "5. Leakage (share of payments reaching loyal Birimdik voters), turnout buying, 100 M som"
    )
    leak = base.replace(budget_som=100e6, leakage=np.array([0.0, 0.3, 0.6]))
    out = leak.apply(election)
    alloc = es.allocate(out.election, law)
    for k, lk in enumerate((0.0, 0.3, 0.6)):
        b = int(out.ledger.net_votes[k, :, 0].sum())
        som = float(base.replace(leakage=lk).som_per_vote)
        print(
            f"   leakage {lk:.1f}: {b:>7,} votes bought ({som:>6,.0f} som a vote), Birimdik "
            f"{int(alloc.seats[k, 0])} seats"
        )
    print()

    draws = 1_000
    sample = base.replace(budget_som=np.full(draws, 100e6), mode="sample")
    out = sample.apply(election, rng=2020)
    out.verify()
    alloc = es.allocate(out.election, law)
    bought = out.ledger.net_votes[..., 0].sum(axis=-1)
    brm = alloc.seats[:, 0]
    lo, hi = np.percentile(bought, [5, 95])
    print(f"6. Turnout buying with 100 M som, {draws:,} draws (sample mode, rng=2020)")
    print(f"   votes bought: mean {bought.mean():,.0f}, 90 % of draws in {lo:,.0f}-{hi:,.0f}")
    values, counts = np.unique(brm, return_counts=True)
    dist = ", ".join(f"{v} seats {c / draws:.1%}" for v, c in zip(values, counts, strict=True))
    print(f"   Birimdik: {dist}")
    print(f"   spent at most {int(out.ledger.cost_som.max()):,} som of 100,000,000")


if __name__ == "__main__":
    main()
