"""The 2020 Jogorku Kenesh election under its own rules and under three reforms.

Run: ``python examples/kyrgyzstan_2020.py``

1. The CEC's preliminary national figures of 5 October 2020 under the 2020 law (7 % of voters
   who took part, 120 seats, Hare largest remainder, 65-seat cap).  These national figures have no
   regional breakdown, so the 0.7 % regional test is run on the later precinct count (Kloop Media,
   29 Oct 2020), with an explicit assumption on invalid ballots that count does not report.
2. Wasted votes, disproportionality (Gallagher), effective number of parties and majorities.
3. The same under three reforms: a 5 % threshold (the 2021 bill); 3 % (the October 2020 bill);
   and 7 % of *valid* votes instead of all ballots (the Venice Commission's recommendation).
"""

from __future__ import annotations

import electsim as es
from electsim import metrics

INVALID_RATE = "1.5%"  # assumption of Kloop's own calculator (damagedBulletin: 1.5)


def summary(label: str, a: es.Allocation) -> str:
    seats = {p.short: int(s) for p, s in zip(a.election.parties, a.seats, strict=True) if s}
    pro = int(metrics.bloc_seats(a, "pro-government"))
    return (
        f"{label:<38} {' '.join(f'{k} {v}' for k, v in seats.items()):<58} "
        f"{float(metrics.wasted_vote_share(a)):>7.1%} {float(metrics.gallagher(a)):>6.2f} "
        f"{float(metrics.laakso_taagepera(a, by='seats')):>5.2f} {pro:>4} "
        f"{'yes' if metrics.has_majority(pro, 120) else 'no':>4} "
        f"{'yes' if metrics.has_majority(pro, 120, kind='two_thirds') else 'no':>4}"
    )


def main() -> None:
    law = es.presets.kyrgyzstan_2020()
    national = es.datasets.kyrgyzstan_2020()
    regional = es.datasets.kyrgyzstan_2020_regions(invalid_rate=INVALID_RATE)

    print("1. The 2020 parliament from the CEC's preliminary figures (5 Oct 2020)")
    print("   (national data: the regional 0.7 % test needs regional data, see below)\n")
    cec = es.allocate(national, law.replace(regional=None))
    print(cec.table())
    print()
    print("   The same law, regional test included, on the precinct count aggregated to regions")
    print(f"   (invalid ballots unknown there: {INVALID_RATE} of ballots assumed)\n")
    print(es.allocate(regional, law).table())
    print()

    print("2-3. Outcomes, wasted votes, disproportionality and majorities, 2020 law vs reforms")
    print("   wasted = ballots for parties without seats + against all + invalid, of all ballots;")
    print("   LT = effective number of parliamentary parties; pro-gov = Birimdik + Mekenim")
    print("   Kyrgyzstan + Kyrgyzstan; majorities of 120: simple 61, two-thirds 80.\n")
    header = (
        f"{'scenario':<38} {'seats':<58} {'wasted':>7} {'Gall.':>6} {'LT':>5} "
        f"{'pro':>4} {'61?':>4} {'80?':>4}"
    )
    print(header)
    print("-" * len(header))
    scenarios = [
        ("2020 law (7 % of ballots)", law),
        ("reform: 5 % of ballots", law.replace(national=es.Threshold("5%"))),
        ("reform: 3 % of ballots", law.replace(national=es.Threshold("3%"))),
        ("reform: 7 % of valid votes", law.replace(national=es.Threshold("7%", base="valid"))),
    ]
    for data_label, election, drop_regional in (
        ("CEC 5 Oct", national, True),
        ("precincts", regional, False),
    ):
        for label, system in scenarios:
            if drop_regional:
                system = system.replace(regional=None)
            print(summary(f"{data_label}: {label}", es.allocate(election, system)))
    print()
    print("Regional rule kept in the reforms on precinct data (0.7 % of ballots per region).")


if __name__ == "__main__":
    main()
