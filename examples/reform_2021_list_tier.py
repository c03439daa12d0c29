"""Reform: the 2021 system's 54-seat list tier (5 % / 0.5 %) applied to the 2020 votes.

Run: ``python examples/reform_2021_list_tier.py [--plot FILE]``

The Constitution of April 2021 cut the house to 90 seats, and the election law of 26/27 August
2021 elects 54 of them by open-list PR in one nationwide district and 36 in
single-member districts; the July 2021 draft set the list thresholds at 5 % nationally and
0.5 % per region, and "one party can take 54 seats" (no cap) (2021 law;
https://interfax.com/newsroom/top-stories/72607/ ,
https://24.kg/english/202399_Parties_registered_six_months_before_elections_to_be_able_to_run/ ).
:func:`electsim.presets.kyrgyzstan_2021_list_tier` assumes Hare largest remainder and the
ballots base as in 2020.  The 36 district seats are outside this model: the table shows the
list tier alone (majorities of its 54 seats: simple 28, two-thirds 36), next to the 2020 law
for comparison.

* CEC preliminary national figures of 5 Oct 2020 (no regional breakdown: national test only).
* Kloop's precinct count aggregated to regions, 1.5 % invalid ballots ASSUMED (not reported;
  Kloop's own calculator assumes 1.5 %), with the 0.5 % regional threshold.

``--plot FILE`` saves side-by-side hemicycles of the 2020 law and the list tier on the CEC
data (needs matplotlib).
"""

from __future__ import annotations

import argparse

import electsim as es
from electsim import metrics

INVALID_RATE = "1.5%"


def row(label: str, a: es.Allocation) -> str:
    """One table row: seats, pro-government seats and share, wasted votes, majorities."""
    seats, pro, simple, two, wasted = es.report.summary(a)
    house = a.system.seats
    return (
        f"{label:<37} {house:>5} {seats:<42} {pro:>4} {pro / house:>6.1%} {wasted:>7.1%} "
        f"{simple:>5} {two:>5}"
    )


def header() -> str:
    h = (
        f"{'scenario':<37} {'house':>5} {'seats':<42} {'pro':>4} {'pro %':>6} {'wasted':>7} "
        f"{'simp?':>5} {'2/3?':>5}"
    )
    return h + "\n" + "-" * len(h)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--plot", metavar="FILE", help="save side-by-side hemicycles to FILE")
    args = ap.parse_args()

    law = es.presets.kyrgyzstan_2020()
    tier = es.presets.kyrgyzstan_2021_list_tier()
    cec = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("The 2021 list tier (54 seats, Hare, 5 % + 0.5 % per region, no cap) on the 2020 votes")
    print("pro = pro-government bloc (BRM + MKK + KYR); wasted = ballots electing nobody (incl.")
    print("against all and invalid) of all ballots; simp? / 2/3? = simple / two-thirds majority")
    maj = metrics.majority_threshold
    sizes = "; ".join(f"{n} seats: {maj(n)} / {maj(n, 'two_thirds')}" for n in (120, 54))
    print(f"of the house for the pro-government bloc ({sizes}).")
    print(f"Precinct data: ASSUMPTION {INVALID_RATE} of ballots invalid (not reported).\n")
    print(header())
    plots: dict[str, es.Allocation] = {}
    for data, election, national_only in (("CEC", cec, True), ("precincts", regional, False)):
        for label, system in (
            ("2020 law, 120 seats", law),
            ("2021 list tier, 54 seats", tier),
            ("2021 thresholds, 120 seats", tier.replace(seats=120, cap=65)),
        ):
            if national_only:
                system = system.replace(regional=None)
            a = es.allocate(election, system)
            print(row(f"{data}: {label}", a))
            if data == "CEC" and label != "2021 thresholds, 120 seats":
                plots[label] = a
        print()
    print("CEC: national test only (no regional breakdown); precincts: regional test on.")
    print("'2021 thresholds, 120 seats': 5 % + 0.5 % with the 2020 house and cap, to separate")
    print("the effect of the thresholds from that of the smaller tier.")

    if args.plot:
        from electsim.plotting import compare

        fig = compare(plots)
        fig.savefig(args.plot)


if __name__ == "__main__":
    main()
