"""Reform: abolishing Form No. 2 ("vote where convenient") -- transport on vs off.

Run: ``python examples/reform_form2_abolished.py [--plot FILE]``

In 2020 a voter could re-register at another polling station with Form No. 2; election monitors
said this left the system open to vote buying, and the bill of October 2020 scrapped it.  After
the abolition Bishkek's list lost about 80,000 voters and Osh city's about 30,000 (CEC chair,
https://24.kg/english/176788_Presidential_elections_2473_polling_stations_to_operate_on_election_day/
; 2021 law, §7).  264,270 Form No. 2 applications were filed by 14 Sep 2020
(https://24.kg/english/165075__Number_of_voters_grows_by_704118_for_five_years_in_Kyrgyzstan/ ).

"Off" is the reported result.  "On" moves voters with
:class:`electsim.manipulation.Transport` (expected-value mode: exact, deterministic integers)
from the seven oblasts, in proportion to their electorate, into Bishkek and Osh city (80 : 30):
110,000 (the abolition figures) and 264,270 (the applications).  A moved voter would have
abstained at home with probability 0.6, votes at the destination with probability 0.95
(Transport's defaults, docs/models.md) and, with compliance 0.65 (= m + (1 - m) rho with
m = 0.3, rho = 0.5, docs/models.md), votes for Birimdik; compliance 0 is pure transport.

Data and assumptions: transport needs regions, so only Kloop's precinct count aggregated to
regions is used (the CEC's national figures have no regional breakdown), with 1.5 % invalid
ballots ASSUMED (not reported; Kloop's calculator).  Registered voters are not in these data:
ASSUMED from a uniform turnout of 56.5 % (the CEC's national turnout, 1,990,753 of 3,523,554,
https://for.kg/news-669682-ru.html).  The reported results already contain whatever Form No. 2
did in 2020, so "on" rows are the effect of that many *more* moved voters.  2020 law: 120 seats,
Hare, 7 % nationally and 0.7 % in each region (base ballots), cap 65.

``--plot FILE`` saves side-by-side hemicycles of off and the 110,000 rows (needs matplotlib).
"""

from __future__ import annotations

import argparse

import numpy as np

import electsim as es
from electsim.manipulation import Transport

INVALID_RATE = "1.5%"
TURNOUT = "56.5%"  # CEC national turnout, 5 Oct 2020
VOLUMES = np.array([110_000, 264_270])
COMPLIANCE = np.array([[0.0], [0.65]])  # (2, 1) x volumes (2,) -> a batch of (2, 2)
OBLASTS = ["Batken", "Jalal-Abad", "Issyk-Kul", "Naryn", "Osh oblast", "Talas", "Chui"]


def row(label: str, a: es.Allocation, extra_ballots: int) -> str:
    """One table row: seats, pro-government seats, wasted votes, majorities, regional fails."""
    parties = a.election.parties
    seats, pro, simple, two, wasted = es.report.summary(a)
    out = a.passes_national & ~a.passes_regional
    lost = ", ".join(p.short for p, o in zip(parties, out, strict=True) if o) or "-"
    return (
        f"{label:<38} {extra_ballots:>+8,} {seats:<28} {pro:>4} {wasted:>7.1%} {simple:>4} "
        f"{two:>4}  {lost}"
    )


def header() -> str:
    h = (
        f"{'scenario':<38} {'dBallots':>8} {'seats':<28} {'pro':>4} {'wasted':>7} "
        f"{'61?':>4} {'80?':>4}  out by region"
    )
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)
    move = Transport(
        voters=VOLUMES,
        origins=OBLASTS,
        destinations={"Bishkek city": 80, "Osh city": 30},
        party="Birimdik",
        compliance=COMPLIANCE,
        assumed_turnout=TURNOUT,
        mode="expected",
    )
    moved = move.apply(regional)
    moved.verify()
    batch = es.allocate(moved.election, law)

    print("Form No. 2 abolished (off) vs kept (on: voters moved into Bishkek and Osh city)")
    print(f"Data: {regional.name}")
    print(f"ASSUMPTIONS: {INVALID_RATE} of ballots invalid; registered = ballots / {TURNOUT}")
    print("turnout in every region.  2020 law.  pro = pro-government bloc (BRM + MKK + KYR);")
    print("wasted = ballots electing nobody (incl. against all and invalid) of all ballots;")
    print("61? / 80? = simple / two-thirds majority of 120 for the pro-government bloc;")
    print("out by region = above 7 % nationally but below 0.7 % in some region.\n")
    print(header())
    off = es.allocate(regional, law)
    print(row("off: Form No. 2 abolished", off, 0))
    plots: dict[str, es.Allocation] = {"Form No. 2 off": off}
    for i, compliance in enumerate(COMPLIANCE[:, 0]):
        for j, volume in enumerate(VOLUMES):
            a = es.allocate(moved.election.select((i, j)), law)
            assert np.array_equal(a.seats, batch.seats[i, j])  # batch == one by one
            who = f"{compliance:.2f} BRM" if compliance else "0 (pure)"
            extra = int(a.election.national_ballots - regional.national_ballots)
            print(row(f"on: {int(volume):,} moved, compl. {who}", a, extra))
            if volume == 110_000:
                plots[f"on, 110,000, compliance {compliance:.2f}"] = a
    print()
    print("dBallots = national ballots added: moved voters who vote at the destination minus")
    print("those who would have voted at home.  Votes abroad are never moved.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
