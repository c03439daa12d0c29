"""The 2020 parliament as a function of a vote-buying budget for Birimdik.

Run: ``python examples/vote_buying.py``

Data: Kloop Media's precinct count of the 4 October 2020 election aggregated to the ten regions,
with 1.5 % invalid ballots assumed (the count does not report them; Kloop's own calculator
assumes 1.5 %).  Rules: the 2020 law (7 % of voters who took part nationally, 0.7 % in each
region, 120 seats, Hare largest remainder, 65-seat cap).

Market (``reference/models.md`` §3.2-3.3 and §8): prices from the IRI/SIAR survey of offers
(15 % under 1,000 som, 74 % 1,000-3,000 som, 11 % above; mean 1,995 som), consistent with the
1,000-3,000 som reported in 2020 (CABAR, RFE/RL); 24 % of the targeted pool receives an offer
(IRI/SIAR 2021); every offer accepted (upper bound); compliance 0.3 + 0.7 x 0.5 = 0.65
(monitoring 0.3, reciprocity 0.5 -- the latter unverified); payment up front; the budget spread
over regions in proportion to the pool.

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
    b = election.party_index(buy.buyer)
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
    for k, budget in enumerate(BUDGETS_MILLION_SOM):
        cost = int(out.ledger.cost_som[k])
        seats = " ".join(f"{int(alloc.seats[k, i]):>4}" for i in seated)
        lines.append(
            f"{budget:>14} {cost // MEAN_PRICE:>8} {int(bought[k]):>8} {cost / 1e6:>12.2f}  "
            f"{seats}  {int(pro[k]):>7} {100 * but_share[k]:>6.2f}"
        )
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
    for line in table("1. Turnout buying: abstainers paid to vote Birimdik", base, election, law):
        print(line)
    print()
    switch = base.replace(strategy="switch")
    title = "2. Vote buying: voters of the other parties paid to switch (in proportion)"
    for line in table(title, switch, election, law):
        print(line)
    print()

    draws = 1_000
    sample = base.replace(budget_som=np.full(draws, 100e6), mode="sample")
    out = sample.apply(election, rng=2020)
    out.verify()
    alloc = es.allocate(out.election, law)
    bought = out.ledger.net_votes[..., 0].sum(axis=-1)
    brm = alloc.seats[:, 0]
    lo, hi = np.percentile(bought, [5, 95])
    print(f"3. Turnout buying with 100 M som, {draws:,} draws (sample mode, rng=2020)")
    print(f"   votes bought: mean {bought.mean():,.0f}, 90 % of draws in {lo:,.0f}-{hi:,.0f}")
    values, counts = np.unique(brm, return_counts=True)
    dist = ", ".join(f"{v} seats {c / draws:.1%}" for v, c in zip(values, counts, strict=True))
    print(f"   Birimdik: {dist}")
    print(f"   spent at most {int(out.ledger.cost_som.max()):,} som of 100,000,000")


if __name__ == "__main__":
    main()
