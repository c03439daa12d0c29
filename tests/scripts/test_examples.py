"""Run the example scripts as a user would and check the published numbers they print."""

from __future__ import annotations

from _support import REPO_ROOT, run_script

EXAMPLES = REPO_ROOT / "examples"


def run(name: str) -> str:
    proc = run_script(EXAMPLES / name, timeout=300, warnings_as_errors=False)
    return proc.stdout


def test_kyrgyzstan_2020_example_prints_the_published_parliament() -> None:
    out = run("kyrgyzstan_2020.py")
    # 46/45/16/13: the CEC's preliminary figures of 5 Oct 2020 under the 2020 law
    # (https://for.kg/news-669682-ru.html; CEC, 5 Oct 2020).
    assert "CEC 5 Oct: 2020 law (7 % of ballots)   BRM 46 MKK 45 KYR 16 BUT 13 " in out
    # 41/40/15/12/12: 7 % of valid votes on the later precinct count (Kloop file, by hand).
    assert "precincts: reform: 7 % of valid votes  BRM 41 MKK 40 KYR 15 BUT 12 MCH 12 " in out
    # 46/44/16/14: ballots base with 1.5 % invalid ballots assumed (Kloop file, by hand).
    assert "precincts: 2020 law (7 % of ballots)   BRM 46 MKK 44 KYR 16 BUT 14 " in out
    # the three pro-government parties hold 46 + 45 + 16 = 107 of 120 seats
    assert " 107  yes  yes" in out
