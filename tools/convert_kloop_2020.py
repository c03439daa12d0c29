"""Build the bundled Kyrgyzstan 2020 CSV files of ``electsim.datasets`` (one-off conversion).

Writes into ``src/electsim/datasets/data/``:

``kyrgyzstan_2020_precincts.csv``
    Converted from Kloop Media's precinct file (GitHub ``KloopMedia/ParliamentCalculatorV2``,
    ``src/data/PARTIES_RESULTS_REACT_LEVEL_ONE_NEW.csv``, commit
    9ef5a011e62490bf2c22f9b9a3f09b0f9d2dc3c4 of 2020-10-29), as copied to
    ``precincts_2020-10-29.csv``.  Vote counts (stored there as
    floats such as ``84.99999999999999``) are rounded to integers after checking that each is
    within 1e-9 of an integer and that the rounded party + against-all columns add up to the
    source's ``total`` on every row; Kyrgyz party headers become English short codes, Russian region
    labels English names; ``form2_share`` is ``form2_percent / 100`` computed in decimal
    arithmetic from the text as written (no binary rounding); ``station`` is the 1-based number of
    the data row in the source (the source has no station ids).  ``total`` is checked, not copied.

``kyrgyzstan_2020_national.csv``
    The CEC preliminary national figures of 5 October 2020, 11:00 (CEC, 5 Oct 2020), in
    electsim's wide CSV format (readable with ``Election.from_csv``).  ``invalid`` is derived:
    voters who took part (1,990,753) minus the sum of the 16 party lines and against all.

Usage::

    python tools/convert_kloop_2020.py            # (re)write both files
    python tools/convert_kloop_2020.py --check    # exit 1 if the shipped files differ
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from decimal import Decimal
from pathlib import Path

from electsim.datasets._kyrgyzstan_2020 import AGAINST_ALL_SOURCE, PARTY_ROWS, REGION_ROWS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "kyrgyzstan_2020" / "precincts_2020-10-29.csv"
DEFAULT_OUT = REPO / "src" / "electsim" / "datasets" / "data"
PRECINCT_FILE = "kyrgyzstan_2020_precincts.csv"
NATIONAL_FILE = "kyrgyzstan_2020_national.csv"
TOLERANCE = 1e-9

# CEC preliminary results, 5 Oct 2020 11:00 (ABB data, 98 % of ballot boxes), as published by
# akipress.kg, reproduced at https://for.kg/news-669682-ru.html and https://ea-news.kz/?p=3840
# (CEC, 5 Oct 2020).  In the order of PARTY_ROWS.
CEC_VOTES = {
    "BRM": 487_685,
    "MKK": 475_372,
    "KYR": 174_317,
    "BUT": 141_940,
    "MCH": 136_276,
    "RES": 115_288,
    "ATM": 80_279,
    "YNR": 66_747,
    "BBL": 60_305,
    "CHK": 46_568,
    "ZAM": 42_862,
    "SD": 42_460,
    "REF": 32_795,
    "MYN": 12_468,
    "ORD": 4_395,
    "AFG": 3_459,
}
CEC_AGAINST_ALL = 35_714
CEC_REGISTERED = 3_523_554
CEC_TOOK_PART = 1_990_753


def _count(text: str, column: str, row: int) -> int:
    x = float(text)
    n = round(x)
    if not math.isfinite(x) or abs(x - n) > TOLERANCE or n < 0:
        raise ValueError(f"row {row}, column {column!r}: {text!r} is not a count")
    return n


def convert_precincts(source: Path) -> str:
    """Return the text of the converted precinct CSV."""
    with open(source, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    vote_columns = [p.kloop_column for p in PARTY_ROWS] + [AGAINST_ALL_SOURCE]
    expected = {*vote_columns, "total", "form2_percent", "level_one"}
    if set(header) != expected or len(header) != len(expected):
        raise ValueError(f"unexpected header {header}")
    region_of = {r.kloop_label: r.name for r in REGION_ROWS}

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["station", "region", *(p.short for p in PARTY_ROWS), "against_all", "form2_share"]
    )
    for i, row in enumerate(rows, start=1):
        counts = [_count(row[c], c, i) for c in vote_columns]
        total = _count(row["total"], "total", i)
        if sum(counts) != total:
            raise ValueError(f"row {i}: rounded votes add up to {sum(counts)}, total is {total}")
        percent = Decimal(row["form2_percent"])
        if not percent.is_finite() or not 0 <= percent <= 100:
            raise ValueError(f"row {i}: form2_percent={row['form2_percent']!r} not in [0, 100]")
        label = row["level_one"]
        if label not in region_of:
            raise ValueError(f"row {i}: unknown level_one {label!r}")
        writer.writerow([i, region_of[label], *counts, format(percent.scaleb(-2), "f")])
    return out.getvalue()


def national_csv() -> str:
    """Return the text of the national CSV (CEC preliminary figures, invalid derived)."""
    if list(CEC_VOTES) != [p.short for p in PARTY_ROWS]:
        raise ValueError("CEC_VOTES is not in the order of PARTY_ROWS")
    valid = sum(CEC_VOTES.values()) + CEC_AGAINST_ALL
    invalid = CEC_TOOK_PART - valid
    if (valid, invalid) != (1_958_930, 31_823):  # CEC, 5 Oct 2020 (derived rows)
        raise ValueError(f"unexpected derived totals valid={valid}, invalid={invalid}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CEC_VOTES, "against_all", "invalid", "registered"])
    writer.writerow([*CEC_VOTES.values(), CEC_AGAINST_ALL, invalid, CEC_REGISTERED])
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="Kloop precinct CSV")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    args = parser.parse_args(argv)
    files = {PRECINCT_FILE: convert_precincts(args.source), NATIONAL_FILE: national_csv()}
    status = 0
    for name, text in files.items():
        path = args.out / name
        if args.check:
            same = path.exists() and path.read_text(encoding="utf-8") == text
            print(f"{path}: {'up to date' if same else 'DIFFERS'}")
            status |= not same
        else:
            path.write_text(text, encoding="utf-8", newline="")
            print(f"wrote {path}")
    return status


if __name__ == "__main__":
    sys.exit(main())
