"""Form No. 2 at the reported scale: voters moved into Bishkek and Osh city, 2020.

Run: ``python examples/form2_transport.py [--compliance 0.65] [--party Birimdik] [--draws 200]``

What it does
------------
Moves voters registered in the seven oblasts (in proportion to their electorate) onto the lists
of Bishkek city and Osh city -- "vote where convenient", Form No. 2 -- and prints what that does
to the regional 0.7 % thresholds (which parties fail in which regions) and to the national
composition of the 120-seat parliament under the 2020 law.  Each moved voter would have
abstained at home with probability 0.6, votes at the destination with probability 0.95 and, with
probability ``compliance``, votes for ``party`` instead of the home preference
(:class:`electsim.manipulation.transport.Transport`).  All volumes and both compliance levels
are one batched call.

Volumes
-------
* 25,000 and 50,000: intermediate points;
* 110,000 = 80,000 into Bishkek + 30,000 into Osh: the voters the two cities lost when Form
  No. 2 was abolished (CEC chair, https://24.kg/english/176788_Presidential_elections_2473_polling_stations_to_operate_on_election_day/);
  the same 80 : 30 ratio splits every volume between the two cities;
* 264,270: Form No. 2 applications by 14 Sep 2020, 7.5 % of the list
  (https://24.kg/english/165075__Number_of_voters_grows_by_704118_for_five_years_in_Kyrgyzstan/);
* 400,000: "more than 400 thousand" address changes (CEC, https://novosti.kg/kg/borshajkom-shajloo-tilkesinin-daregin-almashtyruuda-koldonula-turchu-2-formasyn-koldonuu-jerezhelerin-k-ch-t-nietinde/).

Data and assumptions
--------------------
* Results: Kloop's precinct count of 29 Oct 2020 aggregated to regions,
  ``kyrgyzstan_2020_regions(invalid_rate="1.5%")`` (1.5 % invalid ballots: Kloop's calculator).
* Registered voters are NOT in that data.  ASSUMPTION: in every region the registered voters
  are ``ceil(ballots / 0.565)``, i.e. the CEC's national turnout of 56.50 % (1,990,753 of
  3,523,554, 5 Oct 2020, https://for.kg/news-669682-ru.html) applied uniformly.  Real turnout
  varied (Batken 50.3 %, Osh city 68.3 %: 24.kg 167503); the lists only decide how the volume
  is split over the oblasts and cap what an origin can lose.
* The reported results already contain whatever Form No. 2 did in 2020.  The rows show the
  effect of moving that many *more* voters; by symmetry they are also the size of the effect a
  transport of that scale can have had.
* Behaviour of moved voters (docs/models.md, "Transport"; all ASSUMPTIONS): turnout 0.95 (they
  were re-registered in order to vote; try 0.8-1), would have abstained at home 0.6 (no Kyrgyz
  estimate; try 0.5-0.7), compliance 0 (pure transport) and ``--compliance`` (default 0.65 =
  m + (1 - m) rho with the vote-buying defaults m = 0.3, rho = 0.5).  The seats with compliance
  are what these assumptions imply: an upper bound when fewer moved voters comply or turn out.
* Table 1 uses the expected-value mode (exact, deterministic integers); the last column,
  "P(BUT)", is the share of ``--draws`` sampled draws in which Butun Kyrgyzstan keeps its seats.
"""

from __future__ import annotations

import argparse

import numpy as np

import electsim as es
from electsim.manipulation.transport import Transport

INVALID_RATE = "1.5%"
NATIONAL_TURNOUT = 0.565  # CEC, 5 Oct 2020: 1,990,753 / 3,523,554
VOLUMES = np.array([0, 25_000, 50_000, 110_000, 264_270, 400_000])
DESTINATIONS = {"Bishkek city": 80_000, "Osh city": 30_000}  # weights: the abolition figures
OBLASTS = ["Batken", "Jalal-Abad", "Issyk-Kul", "Naryn", "Osh oblast", "Talas", "Chui"]
SHOWN = ["BRM", "MKK", "KYR", "BUT", "MCH"]
REGION_ABBREV = {
    "Bishkek city": "Bishkek",
    "Osh city": "Osh c.",
    "Osh oblast": "Osh obl.",
}


def assumed_election() -> es.Election:
    """The regional results with the documented registered-voter assumption."""
    e = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)
    registered = np.ceil(e.ballots / NATIONAL_TURNOUT).astype(np.int64)
    return e.replace(registered=registered)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--party", "--buyer", default="Birimdik", help="party the moved voters are paid for"
    )
    ap.add_argument("--compliance", type=float, default=0.65, help="P(vote for the party)")
    ap.add_argument("--turnout", type=float, default=0.95, help="turnout of moved voters")
    ap.add_argument("--abstain-at-home", type=float, default=0.6, help="share not voting at home")
    ap.add_argument("--draws", type=int, default=200, help="sampled draws for P(BUT)")
    ap.add_argument("--seed", type=int, default=2020)
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    e = assumed_election()
    compliance = np.array([[0.0], [args.compliance]])  # (2, 1) x volumes (6,) -> batch (2, 6)
    common = dict(
        voters=VOLUMES,
        origins=OBLASTS,
        destinations=DESTINATIONS,
        turnout=args.turnout,
        abstain_at_home=args.abstain_at_home,
        party=args.party,
        compliance=compliance,
    )
    out = Transport(**common, mode="expected").apply(e)
    out.verify()
    alloc = es.allocate(out.election, law)
    base = es.allocate(e, law)

    # draws as a leading batch axis: turnout of shape (draws, 1, 1) -> batch (draws, 2, 6)
    draws = {**common, "turnout": np.full((args.draws, 1, 1), args.turnout)}
    sampled = Transport(**draws, mode="sample").apply(e, rng=args.seed)
    but = e.party_index("BUT")
    p_but = (es.allocate(sampled.election, law).seats[..., but] > 0).mean(axis=0)

    party = e.parties[e.party_index(args.party)].short
    ib, io = e.region_index("Bishkek city"), e.region_index("Osh city")
    print("Form No. 2 transport from the 7 oblasts into Bishkek and Osh city (80 : 30)")
    print(f"Data: Kloop regional count, {INVALID_RATE} invalid assumed; registered ASSUMED =")
    print(f"ceil(ballots / {NATIONAL_TURNOUT}) per region.  Moved voters: turnout {args.turnout},")
    print(
        f"abstain at home {args.abstain_at_home}, party {party}; compliance 0 and {args.compliance}"
    )
    print("(expected-value mode; P(BUT) from sampled draws).  The seats with compliance > 0 are")
    print("UPPER BOUNDS under these assumptions (every moved voter turns out with prob. 0.95 and")
    print("complies with prob. compliance); see docs/models.md.\n")
    print("1. National composition (2020 law: 7 % national, 0.7 % in each of 9 regions)\n")
    head = (
        f"{'compl.':>6} {'moved':>8} {'dReg Bish':>10} {'dReg Osh':>9} {'reg total':>10} "
        f"{'ballots':>10} {'dBallots':>9} {'BUT %':>6} "
        + " ".join(f"{s:>4}" for s in SHOWN)
        + f" {'P(BUT)':>7}"
    )
    print(head)
    print("-" * len(head))
    idx = [e.party_index(s) for s in SHOWN]
    for i in range(2):
        for j, v in enumerate(VOLUMES):
            el = out.election.select((i, j))
            d_reg = out.ledger.net_registered[i, j]
            ballots = int(el.national_ballots)
            share = 100 * el.national_votes[but] / ballots
            seats = " ".join(f"{int(alloc.seats[i, j, k]):>4}" for k in idx)
            print(
                f"{compliance[i, 0]:>6.2f} {int(v):>8,} {int(d_reg[ib]):>+10,} "
                f"{int(d_reg[io]):>+9,} {int(el.national_registered):>10,} {ballots:>10,} "
                f"{ballots - int(e.national_ballots):>+9,} {share:>6.2f} {seats} "
                f"{p_but[i, j]:>7.2f}"
            )
        print()

    print("2. Regional 0.7 % thresholds: parties failing at least one region")
    print("   (number of regions failed; changes against no transport listed below)\n")
    fail0 = base.failed_regions  # (R, P)
    parties = [p for p in range(e.n_parties) if alloc.failed_regions[..., p].any()]
    head = f"{'compl.':>6} {'moved':>8}  " + " ".join(f"{e.parties[p].short:>4}" for p in parties)
    print(head)
    print("-" * len(head))
    for i in range(2):
        for j, v in enumerate(VOLUMES):
            f = alloc.failed_regions[i, j]
            counts = " ".join(f"{int(f[:, p].sum()):>4}" for p in parties)
            print(f"{compliance[i, 0]:>6.2f} {int(v):>8,}  {counts}")
            changes = []
            for p in parties:
                for r in range(e.n_regions):
                    if f[r, p] != fail0[r, p]:
                        name = REGION_ABBREV.get(e.regions[r].name, e.regions[r].name)
                        verb = "now fails" if f[r, p] else "now passes"
                        changes.append(f"{e.parties[p].short} {verb} {name}")
            if changes:
                print(" " * 18 + "; ".join(changes))
        print()
    print("Parties that fail the national 7 % never win seats, whatever their regional status;")
    print("the regional test decides seats only for a party above 7 % nationally.")


if __name__ == "__main__":
    main()
