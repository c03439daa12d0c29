"""The ``electsim`` command: allocate, compare, breakpoints, tipping and simulate.

Every subcommand prints a readable table by default; ``--format csv`` and ``--format json``
print machine-readable output instead, and ``--plot FILE`` also saves a figure (drawn with
:mod:`electsim.plotting`, imported only then; the file name's extension chooses the format).
Bad input prints one line ``electsim: error: ...`` on stderr, naming the command-line option:
exit status 2 for a malformed command line (argparse), 1 for input electsim refuses
(:class:`~electsim.errors.ElectsimError`) or a file that cannot be read or written
(:class:`OSError`).  Never a traceback.

Data (every subcommand): ``--dataset kyrgyzstan_2020`` (the CEC's national figures of
5 October 2020, the default), ``--dataset kyrgyzstan_2020_regions --invalid-rate 1.5%`` (Kloop's
precinct data by region, with an assumed share of invalid ballots), or ``--csv FILE`` in the
format of :meth:`electsim.Election.from_csv`.

Rules (every subcommand): start from ``--preset`` and override single rules with ``--seats``,
``--method``, ``--threshold``, ``--base``, ``--strict``, ``--regional``/``--no-regional``,
``--regional-base``, ``--cap``/``--no-cap``, ``--ties`` and ``--seed`` (for ``--ties lot``).
The preset defaults to ``kyrgyzstan_2020`` (120 seats, Hare, 7 % of ballots, 0.7 % in every
region, cap 65) on the bundled data and to ``none`` with ``--csv``: then the rules are exactly
the options given (``--seats`` required; Hare, no threshold, no cap unless stated).  Every
output starts with the complete rule set applied, including the rules that are *off*.

Numbers: integers may be written ``1000000``, ``1_000_000``, ``1e6`` or ``10**6`` (a
non-integral value such as ``1.5`` is refused); rates as ``7%``, ``0.07`` or ``7/100``.  A
threshold written as a bare number above 0.5 (``--threshold 0.7``) is refused with "did you
mean 0.7%?".

Provenance: every output says how to reproduce it -- the electsim and numpy versions, the data
(a ``--csv`` file with its SHA-256), the rules, the model and its parameters, the seed, and the
command line itself (with ``--seed`` added when the seed was chosen automatically).  The
table ends with ``Provenance:`` and ``Reproduce:`` lines; JSON output has a ``"provenance"``
object; CSV output starts with ``# key: value`` comment lines before the header (read with
``pandas.read_csv(path, comment="#")``; see ``electsim._csvsafe``).  No time stamp: the same
command gives the same bytes.  A random seed (``simulate``, ``--ties lot``) that was not given
is chosen, printed on stderr and recorded.

CSV cells that begin with ``= + - @``, a tab or a carriage return are written with a leading
``'`` (spreadsheet formula injection; numbers are never changed).

Examples
--------
>>> main(["allocate", "--dataset", "kyrgyzstan_2020", "--no-regional", "--format", "csv"])
... # doctest: +ELLIPSIS
# electsim: ...
# rules: 120 seats, hare, national threshold >= 7% of ballots, no regional threshold, ...
...
party,short,bloc,votes,share_of_base,passes_national,passes_regional,...
Birimdik,BRM,pro-government,487685,...,46
...
0
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import itertools
import json
import os
import platform
import re
import shlex
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, NoReturn

import numpy as np

from . import datasets, presets
from ._csvsafe import csv_text
from ._exact import parse_rate
from .allocate import Allocation, allocate
from .apportion import TIE_POLICIES, get_method
from .election import Election, PrecinctResults
from .errors import ElectsimError
from .system import BASES, ElectoralSystem, Threshold

__all__ = ["build_parser", "main"]

PROG = "electsim"
DATASETS = ("kyrgyzstan_2020", "kyrgyzstan_2020_regions")
FORMATS = ("table", "csv", "json")

#: Largest house size and seat cap accepted on the command line (the largest legislature,
#: China's National People's Congress, has under 3,000 seats).
MAX_SEATS = 100_000
#: Largest seed (numpy's SeedSequence takes any non-negative integer; 128 bits is its entropy).
MAX_SEED = 2**128 - 1
#: Bytes per party and draw kept by ``simulate`` (seats, up to 4 bytes, and the pass flag):
#: an upper bound used for the memory estimate.
RESULT_BYTES_PER_PARTY = 5
#: Working memory of one chunk, in 8-byte words per draw, region and count category (the
#: drawn counts, the Dirichlet shares and the batched election of the chunk): 4.3 measured with
#: tracemalloc on the 2020 regional data (multinomial, and Dirichlet with vote buying), doubled
#: for safety.
CHUNK_WORDS_PER_CELL = 8


#: The CEC's national turnout of 4 October 2020 (1,990,753 of 3,523,554 registered voters took
#: part; CEC preliminary results of 5 October 2020): the abstainer assumption of ``simulate
#: --buyer`` on ``kyrgyzstan_2020_regions``, whose precinct data have no registered voters.
KYRGYZSTAN_2020_TURNOUT = "56.5%"

#: ``simulate --uncertainty`` layer names, in the order the layers are applied.
UNCERTAINTY_LAYERS = (
    "missing-stations",
    "swing",
    "dirichlet",
    "multinomial",
    "counting",
    "invalid-rate",
    "none",
)


class CLIError(ElectsimError):
    """A command-line value electsim refuses (reported as one line, exit status 1)."""


# ----------------------------------------------------------------------------- argument types
_POWER = re.compile(r"(\d{1,6})\*\*(\d{1,3})")


def _integer(text: str) -> int:
    """An integer written ``1000000``, ``1_000_000``, ``1e6``, ``1000000.0`` or ``10**6``."""
    t = text.strip().replace("_", "")
    m = _POWER.fullmatch(t)
    if m:
        return int(m[1]) ** int(m[2])
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not d.is_finite():
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer")
    if d.adjusted() > 60:
        raise argparse.ArgumentTypeError(f"{text!r} is far too large")
    if d.adjusted() < -1 or d != d.to_integral_value():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(d)


def _int_type(lo: int, hi: int, hi_text: str | None = None) -> Callable[[str], int]:
    """An argparse type: an integer in ``[lo, hi]`` (see :func:`_integer`)."""

    def integer(text: str) -> int:
        value = _integer(text)
        if value < lo:
            word = "non-negative" if lo == 0 else f"at least {lo:,}"
            raise argparse.ArgumentTypeError(f"{text!r} must be {word}")
        if value > hi:
            raise argparse.ArgumentTypeError(
                f"{text!r} is too large (at most {hi_text or format(hi, ',')})"
            )
        return value

    return integer


_positive_int = _int_type(1, 10**18)
_nonneg_int = _int_type(0, 10**18)
_seats_int = _int_type(1, MAX_SEATS)
_seed_int = _int_type(0, MAX_SEED, "2**128 - 1")


def _parse(text: str, *, above_one: str) -> Fraction:
    """``text`` as an exact rate; ``above_one`` ends the hint for a bare number above 1."""
    try:
        with warnings.catch_warnings():  # the command line makes its own checks (below)
            warnings.simplefilter("ignore")
            return parse_rate(text, "rate")
    except ElectsimError:
        hint = _did_you_mean(text, 1)
        raise argparse.ArgumentTypeError(f"{text!r} is not a rate; {hint or above_one}") from None


def _did_you_mean(text: str, limit: float) -> str | None:
    """ "did you mean 0.7%?" for a bare number above ``limit`` (no ``%``, no ``/``)."""
    t = text.strip()
    if "%" in t or "/" in t:
        return None
    try:
        d = Decimal(t)
    except InvalidOperation:
        return None
    if d.is_finite() and d > Decimal(str(limit)) and d <= 100:
        return f"did you mean {t}%? (a bare number is a fraction: {t} = {(d * 100).normalize():f}%)"
    return None


def _rate(text: str) -> Fraction:
    """A threshold-like rate such as ``7%``, ``0.07`` or ``7/100``; a bare number above 0.5
    (``0.7``, ``5``) is refused with "did you mean 0.7%?"."""
    hint = _did_you_mean(text, 0.5)
    if hint:
        raise argparse.ArgumentTypeError(f"{text!r} is above 50%: {hint}")
    return _parse(text, above_one="give e.g. '7%', '0.7%', '0.07' or '7/100'")


def _rate_text(text: str) -> str:
    """A rate kept as the text typed (validated), for labels such as ``invalid_rate='1.5%'``."""
    _rate(text)
    return text


def _turnout(text: str) -> str:
    """A turnout in (0, 1] (``56.5%``, ``0.565``), kept as typed; a bare number above 1 gets a
    hint."""
    value = _parse(text, above_one="give e.g. '56.5%' or 0.565")
    if value == 0:
        raise argparse.ArgumentTypeError(f"{text!r}: a turnout must be above 0")
    return text.strip()


def _is_none(text: str) -> bool:
    return text.strip().lower() in ("none", "off", "no")


def _rate_or_none(text: str) -> Fraction | None:
    """A rate, or ``none`` (no threshold)."""
    return None if _is_none(text) else _rate(text)


def _cap_or_none(text: str) -> int | None:
    """A positive integer seat cap, or ``none``."""
    return None if _is_none(text) else _seats_int(text)


def _money(text: str) -> float | None:
    """An amount of som >= 0 (``50e6``, ``50_000_000``), or ``none``/``unlimited``."""
    if _is_none(text) or text.strip().lower() in ("unlimited", "inf"):
        return None
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an amount (e.g. 50e6)") from None
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a finite amount >= 0")
    return value


def _market_rate(text: str) -> Fraction:
    """A market rate in [0, 1] (``65%``, ``0.65``, ``13/20``)."""
    return _parse(text, above_one="give e.g. '65%' or 0.65")


def _concentration(text: str) -> float | str:
    """``estimate`` or a positive number."""
    if text.strip().lower() == "estimate":
        return "estimate"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is neither 'estimate' nor a number (e.g. 500)"
        ) from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} must be a positive number")
    return value


def _nonnegative_count(text: str) -> int:
    """An integer >= 0 (``61``, ``6.1e1``)."""
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not (np.isfinite(value) and value == int(value) and 0 <= value <= 10**6):
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number in [0, 1,000,000]")
    return int(value)


def _sd(text: str) -> float:
    """A standard deviation on the log-share scale, in [0, 5]."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (e.g. 0.03)") from None
    if not (np.isfinite(value) and 0 <= value <= 5):
        raise argparse.ArgumentTypeError(f"{text!r} must be a standard deviation in [0, 5]")
    return value


def _memory(text: str) -> int:
    """A size in bytes: ``4GB``, ``512MB``, ``1.5e9``."""
    m = re.fullmatch(r"\s*([0-9.eE+_]+)\s*([kKmMgGtT]?)i?[bB]?\s*", text)
    scale = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
    try:
        if not m:
            raise ValueError
        value = float(m[1]) * scale[m[2].lower()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size (e.g. 4GB, 512MB)") from None
    if not (np.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"{text!r} must be positive")
    return int(value)


def _method(text: str) -> str:
    """A method name, alias or parametrised name (``"sainte_lague(first_divisor=1.2)"``),
    validated by :func:`electsim.apportion.get_method`; returns the canonical name."""
    try:
        return get_method(text).name
    except ElectsimError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


# ----------------------------------------------------------------------------- parser
class _Formatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows ``(default: X)`` after every option that has a default other than None/False."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default is None or action.default is False or action.nargs == 0:
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line (no usage block), without abbreviations."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message} (see '{self.prog} --help')\n")


def _add_data(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("data")
    src = g.add_mutually_exclusive_group()
    src.add_argument(
        "--dataset",
        choices=DATASETS,
        help="bundled data: kyrgyzstan_2020 = CEC national figures of 5 Oct 2020 (the default "
        "without --csv); kyrgyzstan_2020_regions = Kloop's precinct count by region",
    )
    src.add_argument(
        "--csv",
        metavar="FILE",
        help="an election in Election.from_csv format (UTF-8): a region column, one column per "
        "party, optional against_all, invalid, registered, in_regional_threshold",
    )
    g.add_argument(
        "--invalid-rate",
        type=_rate_text,
        metavar="RATE",
        help="assumed invalid ballots per voter for kyrgyzstan_2020_regions (e.g. 1.5%%)",
    )


def _add_rules(p: argparse.ArgumentParser, *, multi: bool = False) -> None:
    """Rule options; with ``multi`` the varying rules take several values (``compare``)."""
    g = p.add_argument_group(
        "rules",
        "start from --preset and override single rules"
        + ("; options with several values make several scenarios" if multi else ""),
    )
    nargs: Any = "+" if multi else None
    g.add_argument(
        "--preset",
        choices=[*presets.PRESETS, "none"],
        help="starting rules (default: kyrgyzstan_2020 on bundled data, none with --csv; "
        "none = only the rules given here: --seats required, Hare, no threshold, no cap)",
    )
    g.add_argument(
        "--seats",
        type=_seats_int,
        nargs=nargs,
        metavar="N",
        help="house size (default: the preset's; required with --preset none)",
    )
    g.add_argument(
        "--method",
        type=_method,
        nargs=nargs,
        help="apportionment method: hare, droop, dhondt, sainte_lague, ... or with parameters, "
        "e.g. 'sainte_lague(first_divisor=1.2)' or 'largest_remainder(quota=imperiali, "
        "rounding=round_half_up)' (default: the preset's; hare with --preset none)",
    )
    g.add_argument(
        "--threshold",
        type=_rate_or_none,
        nargs=nargs,
        metavar="RATE",
        help="national threshold: 7%%, 0.07, 7/100 or none (a bare 0.7 is refused: write 0.7%%)",
    )
    g.add_argument(
        "--base",
        choices=list(BASES),
        nargs=nargs,
        help="base of the national threshold (ballots = voters who took part; valid = party "
        "votes + against all)",
    )
    g.add_argument(
        "--strict", action="store_true", help="thresholds must be exceeded (default: reached)"
    )
    g.add_argument(
        "--regional",
        type=_rate_or_none,
        nargs=nargs,
        metavar="RATE",
        help="regional threshold in every region: 0.7%%, or none (default: the preset's)",
    )
    g.add_argument("--no-regional", action="store_true", help="no regional threshold")
    g.add_argument("--regional-base", choices=list(BASES), help="base of the regional threshold")
    g.add_argument(
        "--cap",
        type=_cap_or_none,
        nargs=nargs,
        metavar="N",
        help="seat cap per party, or none (default: the preset's)",
    )
    g.add_argument("--no-cap", action="store_true", help="no seat cap")
    g.add_argument(
        "--ties",
        choices=list(TIE_POLICIES),
        help="tie policy for the last seat (default: the preset's; 'lot' in simulate)",
    )
    g.add_argument(
        "--seed",
        type=_seed_int,
        metavar="N",
        help="random seed >= 0 for --ties lot and Monte Carlo draws (default: chosen, printed "
        "and recorded)",
    )


def _add_output(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("output")
    g.add_argument(
        "--format",
        choices=FORMATS,
        default="table",
        help="table, csv (with '# key: value' provenance lines first) or json",
    )
    g.add_argument(
        "--plot",
        metavar="FILE",
        help="also save a figure; the extension chooses the format (png, pdf, svg, ...)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The ``electsim`` argument parser (subcommands with their options)."""
    parser = _Parser(
        prog=PROG,
        description="Exact election-integrity simulation for list-PR parliaments.",
        epilog="Run 'electsim COMMAND --help' for the options of a command.",
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser(
        "allocate", help="seats under one rule set", description="Seats under one rule set."
    )
    _add_data(p)
    _add_rules(p)
    _add_output(p)

    p = sub.add_parser(
        "compare",
        help="several rule sets side by side",
        description=(
            "Several rule sets side by side, one column per scenario.  Each of --seats, "
            "--method, --threshold, --base, --regional and --cap may take several values; the "
            "scenarios are all their combinations (cartesian product, in the order given), or "
            "with --zip the i-th value of each list together (lists of one value are repeated)."
        ),
    )
    _add_data(p)
    _add_rules(p, multi=True)
    p.add_argument("--zip", action="store_true", help="pair the value lists instead of crossing")
    _add_output(p)

    p = sub.add_parser(
        "breakpoints",
        help="seats as an exact step function of a threshold",
        description="The seats as an exact step function of the national or regional "
        "threshold rate, with the exact rates where they change.",
    )
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("breakpoints")
    g.add_argument(
        "--which",
        choices=["national", "regional"],
        default="national",
        help="the threshold that varies",
    )
    g.add_argument(
        "--from", dest="lo", type=_rate, default="0%", metavar="RATE", help="lowest rate"
    )
    g.add_argument(
        "--to", dest="hi", type=_rate, default="15%", metavar="RATE", help="highest rate"
    )
    g.add_argument(
        "--no-merge", action="store_true", help="one piece per eligible set (do not merge)"
    )
    _add_output(p)

    p = sub.add_parser(
        "tipping",
        help="the cheapest manipulation that reaches a target",
        description=(
            "The smallest manipulation (in votes or som) that reaches each target, found "
            "exactly.  Parties by name or short code (e.g. BUT or 'Butun Kyrgyzstan')."
        ),
    )
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("tipping point")
    g.add_argument(
        "--target",
        nargs="+",
        required=True,
        metavar="TARGET",
        help="what to reach, one or more of: passes:PARTY[,PARTY...][@REGION], fails:..., "
        "qualifies:PARTY, gains-seat:PARTY, loses-seat:PARTY, bloc-reaches:BLOC:SEATS, "
        "bloc-loses:BLOC:SEATS, any-change",
    )
    g.add_argument(
        "--action",
        nargs="+",
        required=True,
        metavar="ACTION",
        help="what the manipulator may do, one or more of: switch:FROM:TO, add:PARTY, "
        "remove:PARTY, invalidate:PARTY, each optionally @REGION",
    )
    g.add_argument(
        "--minimise",
        choices=["votes", "som"],
        default="votes",
        help="minimise the votes changed or their price",
    )
    g.add_argument(
        "--max-votes",
        type=_nonneg_int,
        metavar="N",
        help="search limit on the votes changed (default: none)",
    )
    g = p.add_argument_group(
        "prices (votes and ballots are always counted; som only for what is priced)",
        "The market (electsim.manipulation.VoteBuying) buys the actions of --strategy for the "
        "party each action favours, at price / (compliance x (1 - leakage)) som per delivered "
        "vote.  Added, removed or invalidated ballots that the market does not buy are "
        "commission fraud: counted in ballots and priced only with --cost-per-ballot.",
    )
    g.add_argument(
        "--strategy",
        choices=["switch", "turnout", "abstention"],
        default="switch",
        help="what the market buys: switch (switch:FROM:TO actions, paid voters of FROM vote "
        "TO), turnout (add:PARTY, the party's non-voting supporters paid to vote) or "
        "abstention (remove:PARTY, the party's voters paid to stay home)",
    )
    g.add_argument(
        "--price-som",
        "--som",
        dest="price_som",
        type=_positive_int,
        metavar="SOM",
        help="price of one paid voter in som (default: 500/2,000/4,000 som with probabilities "
        "0.15/0.74/0.11, mean 1,995 som, from the 2021 IRI/SIAR survey; --som is a deprecated "
        "spelling)",
    )
    g.add_argument(
        "--compliance",
        type=_market_rate,
        metavar="RATE",
        help="vote-choice compliance of a paid voter, for --strategy switch (default 0.65 = "
        "monitoring 0.3 + 0.7 x reciprocity 0.5, ASSUMPTIONS)",
    )
    g.add_argument(
        "--turnout-compliance",
        type=_market_rate,
        metavar="RATE",
        help="probability that a paid voter turns out (turnout) or stays home (abstention) "
        "(default 0.9, ASSUMPTION)",
    )
    g.add_argument(
        "--leakage",
        type=_market_rate,
        default=None,
        metavar="RATE",
        help="share of payments that reach voters who would have voted that way anyway "
        "(default 0: an upper bound; try 20%%-70%%)",
    )
    g.add_argument(
        "--cost-per-ballot",
        type=_nonneg_int,
        metavar="SOM",
        help="price in som of one added, removed or invalidated ballot that the market does "
        "not buy (commission fraud; default: unpriced)",
    )
    _add_output(p)

    p = sub.add_parser(
        "simulate",
        help="Monte Carlo of the seats, optionally with vote buying",
        description=(
            "Monte Carlo of the seats.  The tie policy defaults to 'lot' here (a tie in one "
            "draw would otherwise stop the run); without --seed a seed is chosen, printed and "
            "recorded in the output, so every run can be repeated."
        ),
    )
    _add_data(p)
    _add_rules(p)
    g = p.add_argument_group("Monte Carlo")
    g.add_argument(
        "--draws",
        type=_positive_int,
        default=1000,
        metavar="N",
        help="number of draws (1e6 and 10**6 accepted); the result keeps every draw",
    )
    g.add_argument(
        "--uncertainty",
        nargs="+",
        choices=list(UNCERTAINTY_LAYERS),
        default=None,
        metavar="LAYER",
        help="the layers of the uncertainty model (electsim.uncertainty; docs/uncertainty.md), "
        "applied in the order missing-stations, swing, dirichlet, multinomial, counting, "
        "invalid-rate: counting (ballots misrecorded locally), invalid-rate (the unreported "
        "invalid ballots as a uniform distribution), missing-stations (stations absent from "
        "the precinct file, resampled from those present), swing (re-run variability: national "
        "and regional log-share effects), dirichlet (between-station spread: geography, not "
        "count uncertainty), multinomial (survey noise, not count uncertainty), none (the "
        "reported counts in every draw) (default: counting)",
    )
    g.add_argument(
        "--counting-rate",
        type=_rate,
        metavar="RATE",
        help="share of ballots misrecorded, for the counting layer (default: 0.1%%, an "
        "ASSUMPTION; try 0.01%%-1%%)",
    )
    g.add_argument(
        "--invalid-rate-range",
        nargs=2,
        type=_rate,
        metavar=("LO", "HI"),
        help="the invalid-rate layer's uniform distribution of the share of invalid ballots "
        "(default: 0%% 3.2%%, an ASSUMPTION: none to twice the CEC's 1.60%%); replaces "
        "--invalid-rate",
    )
    g.add_argument(
        "--missing-stations",
        type=_nonnegative_count,
        metavar="N",
        help="stations absent from the precinct file, for the missing-stations layer "
        "(kyrgyzstan_2020_regions only; default: 61, the CEC's 2,429 domestic stations minus "
        "the file's 2,368)",
    )
    g.add_argument(
        "--swing-national",
        type=_sd,
        metavar="SD",
        help="sd of the national swing on the log-share, for the swing layer (default: 0.03, an "
        "ASSUMPTION; try 0.01-0.10)",
    )
    g.add_argument(
        "--swing-regional",
        type=_sd,
        metavar="SD",
        help="sd of the regional effects on the log-share, for the swing layer (default: 0.05, "
        "an ASSUMPTION; try 0.02-0.20)",
    )
    g.add_argument(
        "--swing-station",
        type=_sd,
        metavar="SD",
        help="sd of the station effects on the log-share, for the swing layer "
        "(kyrgyzstan_2020_regions only; default: 0, an ASSUMPTION; try 0.1-0.5)",
    )
    g.add_argument(
        "--concentration",
        type=_concentration,
        metavar="ALPHA",
        help="concentration of the dirichlet layer: a number, or 'estimate' (one per region "
        "from the 2,413 bundled polling stations, kyrgyzstan_2020_regions only) "
        "(default: estimate)",
    )
    g.add_argument(
        "--chunk-size",
        type=_positive_int,
        default=10_000,
        metavar="N",
        help="draws per batch: bounds the working memory, never changes the result",
    )
    g.add_argument(
        "--max-memory",
        type=_memory,
        metavar="SIZE",
        help="refuse runs that would need more (e.g. 8GB; default: half of this machine's memory)",
    )
    prog = g.add_mutually_exclusive_group()
    prog.add_argument(
        "--progress",
        dest="progress",
        action="store_true",
        default=None,
        help="show a progress bar on stderr (default: when stderr is a terminal)",
    )
    prog.add_argument(
        "--no-progress", dest="progress", action="store_false", help="no progress bar"
    )
    g = p.add_argument_group("vote buying (with --party)")
    g.add_argument(
        "--party",
        "--buyer",
        dest="buyer",
        metavar="PARTY",
        help="the party that buys votes (name or short code); electsim.manipulation.VoteBuying "
        "with its documented defaults (price, offer rate 0.24, compliances), drawn in sample "
        "mode (--buyer is a deprecated spelling)",
    )
    g.add_argument(
        "--budget",
        type=_money,
        metavar="SOM",
        help="the buyer's budget in som, e.g. 50e6 (default: unlimited)",
    )
    g.add_argument(
        "--strategy",
        choices=["turnout", "switch", "double", "abstention"],
        default="turnout",
        help="pay the party's non-voting supporters to vote (turnout), voters of other lists "
        "to switch (switch), other abstainers to turn out and vote for the party (double: "
        "double persuasion), or other lists' voters to stay home (abstention)",
    )
    g.add_argument(
        "--assumed-turnout",
        "--turnout",
        dest="assumed_turnout",
        type=_turnout,
        metavar="RATE",
        help="ASSUMPTION when registered voters are unknown: the turnout in every region, from "
        "which abstainers are derived, for --strategy turnout/double (default on "
        "kyrgyzstan_2020_regions: 56.5%%, the CEC's national turnout; required on --csv data "
        "without registered voters; --turnout is a deprecated spelling)",
    )
    _add_output(p)
    for module in _COMMAND_MODULES:
        COMMANDS.update(importlib.import_module(module).add_commands(sub))
    return parser


# ----------------------------------------------------------------------------- data and rules
def _load_election(args: argparse.Namespace) -> Election:
    if args.csv is not None:
        if args.invalid_rate is not None:
            raise CLIError("--invalid-rate applies to --dataset kyrgyzstan_2020_regions only")
        if os.path.isdir(args.csv):
            raise CLIError(f"--csv {args.csv}: is a directory, not a CSV file")
        try:
            with open(args.csv, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise CLIError(
                f"--csv {args.csv}: cannot read the file: {exc.strerror or exc}"
            ) from None
        args._csv_sha256 = hashlib.sha256(raw).hexdigest()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CLIError(
                f"--csv {args.csv}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset "
                f"{exc.start}); save the file as UTF-8 (in Excel: 'CSV UTF-8')"
            ) from None
        try:
            return Election.from_csv(args.csv)
        except ElectsimError as exc:
            raise CLIError(f"--csv {args.csv}: {exc}") from None
    name = args.dataset or "kyrgyzstan_2020"
    if name == "kyrgyzstan_2020_regions":
        if args.invalid_rate is None:
            raise CLIError(
                "--dataset kyrgyzstan_2020_regions needs --invalid-rate (e.g. 1.5%: the data "
                "have no invalid ballots)"
            )
        return datasets.kyrgyzstan_2020_regions(invalid_rate=args.invalid_rate)
    if args.invalid_rate is not None:
        raise CLIError(f"--invalid-rate does not apply to --dataset {name}")
    return datasets.kyrgyzstan_2020()


def _preset(args: argparse.Namespace) -> str:
    """The preset in use: ``--preset``, else ``none`` with ``--csv``, else ``kyrgyzstan_2020``."""
    preset = getattr(args, "preset", None)  # commands of other modules may lack the options
    if preset is not None:
        return str(preset)
    return "none" if getattr(args, "csv", None) is not None else "kyrgyzstan_2020"


def _base_system(args: argparse.Namespace, seats: int | None) -> ElectoralSystem:
    preset = _preset(args)
    if preset == "none":
        if seats is None:
            why = "with --csv the rules come only from the command line" if args.csv else ""
            raise CLIError(
                "give the house size with --seats N"
                + (f" ({why}; add --method, --threshold, --cap as needed)" if why else "")
                + " or a --preset"
            )
        return ElectoralSystem(seats, "hare", name="")
    return presets.PRESETS[preset]()


def _system(
    args: argparse.Namespace,
    *,
    seats: int | None = None,
    method: str | None = None,
    threshold: Any = ...,
    base: Any = None,
    regional: Any = ...,
    cap: Any = ...,
) -> ElectoralSystem:
    """The preset with the command-line overrides (``...``: not given)."""
    s = _base_system(args, seats)
    changes: dict[str, Any] = {}
    if seats is not None:
        changes["seats"] = seats
    if method is not None:
        changes["method"] = method
    inclusive = not args.strict
    # national threshold
    nat = s.national
    if threshold is not ...:
        nat = None if threshold is None else Threshold(threshold, base or "ballots", inclusive)
    if nat is not None:
        nat = Threshold(nat.rate, base or nat.base, inclusive and nat.inclusive)
    elif base is not None and threshold is ...:
        raise CLIError("--base needs a national threshold (--threshold RATE)")
    changes["national"] = nat
    # regional threshold
    reg = s.regional
    if args.no_regional:
        if regional is not ...:
            raise CLIError("--regional and --no-regional contradict each other")
        reg = None
    elif regional is not ...:
        reg = None if regional is None else Threshold(regional, "ballots", inclusive)
    if reg is not None:
        reg = Threshold(
            reg.rate,
            args.regional_base or reg.base,
            inclusive and reg.inclusive,
            reg.base_scope,  # e.g. the 2007 preset's national base
        )
    elif args.regional_base is not None:
        raise CLIError("--regional-base needs a regional threshold (--regional RATE)")
    changes["regional"] = reg
    # cap
    if args.no_cap:
        if cap is not ...:
            raise CLIError("--cap and --no-cap contradict each other")
        changes["cap"] = None
    elif cap is not ...:
        changes["cap"] = cap
    if args.ties is not None:
        changes["tie_break"] = args.ties
    return s.replace(**changes)


def _single_system(args: argparse.Namespace) -> ElectoralSystem:
    kw: dict[str, Any] = {"seats": args.seats, "method": args.method, "base": args.base}
    if args.threshold is not None or "--threshold" in _given(args):
        kw["threshold"] = args.threshold
    if args.regional is not None or "--regional" in _given(args):
        kw["regional"] = args.regional
    if args.cap is not None or "--cap" in _given(args):
        kw["cap"] = args.cap
    return _system(args, **kw)


def _given(args: argparse.Namespace) -> list[str]:
    """Options present on the command line, in order (to tell ``--threshold none`` from none)."""
    return list(getattr(args, "_given", ()))


def _check_regional(election: Election, system: ElectoralSystem) -> None:
    """Refuse a regional threshold on national-only data with a hint (before any work)."""
    if system.regional is not None and not any(r.in_regional_threshold for r in election.regions):
        raise CLIError(
            f"the rules have a regional threshold ({system.regional}) but this data set has no "
            "regions: add --no-regional, or use --dataset kyrgyzstan_2020_regions "
            "--invalid-rate RATE"
        )


def _rules(system: ElectoralSystem) -> str:
    """Every rule of ``system``, including those that are off ("no regional threshold")."""
    parts = [f"{system.seats} seats", system.method.name]
    parts.append(
        "no national threshold"
        if system.national is None
        else f"national threshold {system.national}"
    )
    parts.append(
        "no regional threshold"
        if system.regional is None
        else f"regional threshold {system.regional} in every region"
    )
    parts.append("no seat cap" if system.cap is None else f"seat cap {system.cap.max_seats}")
    parts.append(f"ties: {system.tie_break}")
    return ", ".join(parts)


def _seed(args: argparse.Namespace, *, needed: bool, why: str) -> int | None:
    """``--seed``, or when ``needed`` a seed chosen now, printed on stderr and recorded."""
    if args.seed is not None or not needed:
        return args.seed
    seed = int(np.random.SeedSequence().entropy) >> 65  # type: ignore[arg-type]  # 63 bits
    args.seed, args._seed_chosen = seed, True
    print(
        f"{PROG}: {why} without --seed: using --seed {seed} (add it to repeat this run)",
        file=sys.stderr,
    )
    return seed


def _allocate(election: Election, system: ElectoralSystem, seed: int | None) -> Allocation:
    _check_regional(election, system)
    return allocate(election, system, rng=seed)


# ----------------------------------------------------------------------------- provenance
def _data_provenance(
    args: argparse.Namespace, election: Election | PrecinctResults
) -> dict[str, Any]:
    path = getattr(args, "csv", None)
    if path is not None:
        digest = getattr(args, "_csv_sha256", None)
        if digest is None:
            with open(path, "rb") as fh:
                digest = hashlib.sha256(fh.read()).hexdigest()
        return {"csv": path, "sha256": digest, "name": election.name}
    dataset = getattr(args, "dataset", None) or "kyrgyzstan_2020"
    out: dict[str, Any] = {"dataset": dataset, "name": election.name}
    invalid_rate = getattr(args, "invalid_rate", None)
    if invalid_rate is not None:
        out["invalid_rate"] = f"{invalid_rate} (ASSUMPTION)"
    return out


def _command_line(args: argparse.Namespace) -> str:
    """The command that repeats this run: the arguments given, plus a chosen ``--seed``."""
    argv = list(getattr(args, "_argv", []))
    if getattr(args, "_seed_chosen", False):
        argv += ["--seed", str(args.seed)]
    return shlex.join([PROG, *argv])


def _provenance(
    args: argparse.Namespace,
    election: Election | PrecinctResults,
    rules: str | Mapping[str, str],
    model: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """What a result needs to be reproduced: versions, data, rules, model, seed, command."""
    from . import __version__

    out: dict[str, Any] = {
        "electsim": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "command": _command_line(args),
        "data": _data_provenance(args, election),
        "preset": _preset(args),
        "rules": rules if isinstance(rules, str) else dict(rules),
    }
    if model is not None:
        out["model"] = dict(model)
    out["seed"] = getattr(args, "seed", None)
    out["seed_chosen_automatically"] = bool(getattr(args, "_seed_chosen", False))
    return out


def _flat(value: Any) -> str:
    """A provenance value on one line (compact JSON for mappings and lists)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=_json_default, separators=(", ", ": "))


def _footer(prov: Mapping[str, Any]) -> str:
    """The table's last lines: versions, data, seed and the command that repeats the run."""
    data = prov["data"]
    what = data.get("csv") or data.get("dataset")
    if "sha256" in data:
        what += f" (sha256 {data['sha256'][:16]}...)"
    elif "invalid_rate" in data:
        what += f", invalid rate {data['invalid_rate']}"
    seed = prov["seed"]
    seed_text = "none" if seed is None else str(seed)
    if prov["seed_chosen_automatically"]:
        seed_text += " (chosen automatically)"
    return (
        f"Provenance: electsim {prov['electsim']}, numpy {prov['numpy']}, Python "
        f"{prov['python']}; data {what}; seed {seed_text}\nReproduce: {prov['command']}"
    )


def _emit(
    args: argparse.Namespace,
    prov: dict[str, Any],
    *,
    table: Callable[[], str],
    records: Callable[[], Sequence[Mapping[str, Any]]],
    obj: Callable[[], Mapping[str, Any]],
) -> str:
    """The output in ``--format``, each carrying ``prov``."""
    if args.format == "json":
        return _json({"provenance": prov, **obj()})
    if args.format == "csv":
        return _csv_text(records(), prov)
    return f"{table()}\n{_footer(prov)}"


# ----------------------------------------------------------------------------- output helpers
def _csv_text(
    rows: Sequence[Mapping[str, Any]], provenance: Mapping[str, Any] | None = None
) -> str:
    """Rows as CSV (formula-safe cells, see ``electsim._csvsafe``), after ``# key: value``
    provenance lines when given."""
    comments = None if provenance is None else {k: _flat(v) for k, v in provenance.items()}
    return csv_text(rows, comments=comments)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, Fraction):
        return f"{obj.numerator}/{obj.denominator}"
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if hasattr(obj, "item"):
        return obj.item()
    return str(obj)


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default)


def _check_plot(path: str | None) -> None:
    """Refuse a ``--plot`` path that cannot be written, before any work."""
    if not path:
        return
    if os.path.isdir(path):
        raise CLIError(
            f"--plot {path}: is a directory; give a file name such as "
            f"{os.path.join(path, 'figure.png')}"
        )
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise CLIError(
            f"--plot {path}: cannot write the figure: directory {parent!r} does not exist"
        )
    ext = os.path.splitext(path)[1].lstrip(".").lower()
    try:
        from matplotlib.backend_bases import FigureCanvasBase
    except ImportError as exc:
        raise CLIError(f"--plot needs matplotlib ({exc})") from exc
    formats = sorted(FigureCanvasBase.get_supported_filetypes())
    if ext not in formats:
        what = f"unsupported format {ext!r}" if ext else "no extension"
        raise CLIError(f"--plot {path}: {what}; end the name with one of .{', .'.join(formats)}")


def _save_plot(path: str, draw: Callable[[Any], Any]) -> None:
    """Import :mod:`electsim.plotting` lazily, draw with it and save the figure to ``path``."""
    _check_plot(path)
    try:
        from . import plotting
    except ImportError as exc:
        raise CLIError(f"--plot needs electsim.plotting and matplotlib ({exc})") from exc
    import matplotlib.pyplot as plt

    out = draw(plotting)
    fig = out if hasattr(out, "savefig") else out.figure
    try:
        fig.savefig(path, bbox_inches="tight", dpi=120)
    except OSError as exc:
        raise CLIError(f"--plot {path}: cannot write the figure: {exc.strerror or exc}") from exc
    finally:
        plt.close(fig)
    print(f"{PROG}: figure saved to {path}", file=sys.stderr)


# ----------------------------------------------------------------------------- commands
def _header(election: Election, rules: str) -> str:
    return f"{election.name or 'Election'}\nRules: {rules}"


def _cmd_allocate(args: argparse.Namespace) -> str:
    _check_plot(args.plot)
    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    seed = _seed(args, needed=system.tie_break == "lot", why="--ties lot")
    a = _allocate(e, system, seed)
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.hemicycle(a, title=f"{e.name}\n{a.system}"))
    prov = _provenance(args, e, _rules(system))
    return _emit(
        args,
        prov,
        # the table's first line repeats the rules in short; the header lists every rule
        table=lambda: _header(e, prov["rules"]) + "\n" + a.table().split("\n", 1)[1],
        records=a.to_records,
        obj=lambda: json.loads(a.to_json()),
    )


def _scenarios(args: argparse.Namespace) -> list[tuple[str, ElectoralSystem]]:
    given = _given(args)
    lists: dict[str, list[Any]] = {}
    for opt, key in (
        ("--seats", "seats"),
        ("--method", "method"),
        ("--threshold", "threshold"),
        ("--base", "base"),
        ("--regional", "regional"),
        ("--cap", "cap"),
    ):
        vals = getattr(args, key)
        if vals is not None or opt in given:
            lists[key] = list(vals) if vals is not None else [None]
    if not lists:
        raise CLIError("compare needs several values of a rule, e.g. --threshold 7% 5% 3%")
    keys = sorted(lists, key=lambda k: given.index(f"--{k}") if f"--{k}" in given else 99)
    lists = {k: lists[k] for k in keys}
    if args.zip:
        n = max(len(v) for v in lists.values())
        bad = [k for k, v in lists.items() if len(v) not in (1, n)]
        if bad:
            raise CLIError(
                f"--zip: --{bad[0]} has {len(lists[bad[0]])} values; give 1 or {n} values"
            )
        combos = [tuple(v[i] if len(v) > 1 else v[0] for v in lists.values()) for i in range(n)]
    else:
        combos = list(itertools.product(*lists.values()))
    out = []
    for combo in combos:
        kw = dict(zip(keys, combo, strict=True))
        system = _system(args, **kw)
        out.append((_label(kw, keys, lists), system))
    return out


def _label(kw: dict[str, Any], keys: list[str], lists: dict[str, list[Any]]) -> str:
    parts = []
    for k in keys:
        if len(lists[k]) == 1 and len(keys) > 1:
            continue  # the same in every scenario
        v = kw[k]
        if isinstance(v, Fraction):
            text = Threshold(v).percent
        elif v is None:
            text = "none"
        else:
            text = str(v)
        if k == "regional":
            text = f"reg {text}"
        elif k == "cap":
            text = f"cap {text}"
        elif k == "seats":
            text = f"{text} seats"
        parts.append(text)
    return " ".join(parts) or "baseline"


def _cmd_compare(args: argparse.Namespace) -> str:
    _check_plot(args.plot)
    e = _load_election(args)
    scenarios = _scenarios(args)
    for _, s in scenarios:
        _check_regional(e, s)
    seed = _seed(args, needed=any(s.tie_break == "lot" for _, s in scenarios), why="--ties lot")
    runs = [(label, _allocate(e, s, seed)) for label, s in scenarios]
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.compare(runs))
    parties = e.parties
    prov = _provenance(args, e, {lab: _rules(a.system) for lab, a in runs})

    def table() -> str:
        shown = [i for i, _ in enumerate(parties) if any(int(a.seats[i]) for _, a in runs)]
        width = max(12, *(len(parties[i].name[:30]) for i in shown)) if shown else 12
        cols = [max(6, len(lab)) for lab, _ in runs]
        pairs = list(zip(runs, cols, strict=True))
        head = f"{'Party':<{width}}  " + "  ".join(f"{lab:>{w}}" for (lab, _), w in pairs)
        lines = [f"{e.name or 'Election'}: seats by scenario", "Rules:"]
        lines += [f"  {lab}: {rules}" for lab, rules in prov["rules"].items()]
        lines += [head, "-" * len(head)]
        for i in shown:
            cells = "  ".join(f"{int(a.seats[i]):>{w}}" for (_, a), w in pairs)
            lines.append(f"{parties[i].name[:30]:<{width}}  {cells}")
        lines.append("-" * len(head))
        totals = "  ".join(f"{int(a.seats.sum()):>{w}}" for (_, a), w in pairs)
        lines.append(f"{'Total':<{width}}  {totals}")
        passing = "  ".join(f"{int(a.eligible.sum()):>{w}}" for (_, a), w in pairs)
        lines.append(f"{'Parties in':<{width}}  {passing}")
        hidden = len(parties) - len(shown)
        if hidden:
            lines.append(f"({hidden} other parties: 0 seats in every scenario)")
        return "\n".join(lines)

    return _emit(
        args,
        prov,
        table=table,
        records=lambda: [
            {"party": p.name, "short": p.short, **{lab: int(a.seats[i]) for lab, a in runs}}
            for i, p in enumerate(parties)
        ],
        obj=lambda: {
            "election": e.name,
            "scenarios": [{"label": lab, **a.to_dict()} for lab, a in runs],
        },
    )


def _cmd_breakpoints(args: argparse.Namespace) -> str:
    from .sensitivity import threshold_steps

    if args.lo > args.hi:
        raise CLIError(f"--from {float(args.lo * 100):g}% is above --to {float(args.hi * 100):g}%")
    _check_plot(args.plot)
    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    f = threshold_steps(
        e, system, which=args.which, lo=args.lo, hi=args.hi, merge=not args.no_merge
    )
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.step_plot(f))
    varied = {
        "which": args.which,
        "from": Threshold(args.lo).percent,
        "to": Threshold(args.hi).percent,
        "merge": not args.no_merge,
    }
    prov = _provenance(args, e, _rules(system), {"varied_threshold": varied})

    def records() -> list[dict[str, Any]]:
        rows = []
        for r in f.to_records():
            row = {
                "lo": _json_default(r["lo"]),
                "hi": _json_default(r["hi"]),
                "lo_closed": r["lo_closed"],
                "hi_closed": r["hi_closed"],
                "lo_percent": r["lo_percent"],
                "hi_percent": r["hi_percent"],
            }
            row.update(r["seats"])
            rows.append(row)
        return rows

    def table() -> str:
        lines = [
            _header(e, prov["rules"]),
            f"Varying the {args.which} threshold from {varied['from']} to {varied['to']}",
            str(f),
            "Breakpoints (exact rates where the seats change):",
        ]
        for b in f.breakpoints:
            lines.append(f"  {b.numerator}/{b.denominator} = {float(b * 100):.6f}%")
        if not f.breakpoints:
            lines.append("  none in this range")
        return "\n".join(lines)

    return _emit(
        args,
        prov,
        table=table,
        records=records,
        obj=lambda: {
            "which": f.which,
            "base": f.base,
            "inclusive": f.inclusive,
            "breakpoints": [{"rate": b, "percent": float(b * 100)} for b in f.breakpoints],
            "pieces": f.to_records(),
        },
    )


def _party_list(text: str) -> tuple[str, ...]:
    parts = tuple(p.strip() for p in text.split(",") if p.strip())
    if not parts:
        raise CLIError(f"{text!r}: no party given")
    return parts


def _split_region(text: str) -> tuple[str, str | None]:
    if "@" in text:
        head, region = text.rsplit("@", 1)
        return head, region.strip() or None
    return text, None


def _check_parties(e: Election, names: Sequence[str]) -> None:
    for n in names:
        e.party_index(n)


def _parse_target(text: str, e: Election) -> Any:
    from .sensitivity import tipping as tp

    head, region = _split_region(text.strip())
    kind, _, rest = head.partition(":")
    kind = kind.strip().lower().replace("_", "-")
    if kind in ("passes", "fails"):
        parties = _party_list(rest)
        _check_parties(e, parties)
        if region is not None:
            e.region_index(region)
        return (tp.passes if kind == "passes" else tp.fails)(list(parties), region)
    if kind == "qualifies":
        parties = _party_list(rest)
        _check_parties(e, parties)
        return tp.qualifies(list(parties))
    if kind in ("gains-seat", "loses-seat"):
        (party,) = _party_list(rest)[:1]
        e.party_index(party)
        return (tp.gains_seat if kind == "gains-seat" else tp.loses_seat)(party)
    if kind in ("bloc-reaches", "bloc-loses"):
        bloc, _, seats = rest.rpartition(":")
        try:
            n = int(seats)
        except ValueError:
            raise CLIError(f"target {text!r}: give {kind}:BLOC:SEATS") from None
        return (tp.bloc_reaches if kind == "bloc-reaches" else tp.bloc_loses)(bloc, n)
    if kind == "any-change" and not rest:
        return tp.any_change()
    raise CLIError(
        f"unknown target {text!r}; use passes:PARTY, fails:PARTY, qualifies:PARTY, "
        "gains-seat:PARTY, loses-seat:PARTY, bloc-reaches:BLOC:N, bloc-loses:BLOC:N or any-change"
    )


#: Which ``tipping --strategy`` market buys each kind of action.
_MARKET_BUYS = {"switch": "switch", "add": "turnout", "remove": "abstention"}


def _tipping_market(args: argparse.Namespace) -> Any:
    """The ``VoteBuying`` market of ``tipping`` from the price flags (its party is nominal:
    the price of a delivered vote does not depend on who buys it)."""
    from .manipulation import VoteBuying

    if args.compliance is not None and args.strategy != "switch":
        raise CLIError(
            f"--compliance is the vote-choice compliance of bought switches; --strategy "
            f"{args.strategy} uses --turnout-compliance"
        )
    if args.turnout_compliance is not None and args.strategy == "switch":
        raise CLIError(
            "--turnout-compliance applies to --strategy turnout or abstention; a switch uses "
            "--compliance"
        )
    if args.leakage is not None and args.leakage >= 1:
        raise CLIError(
            f"--leakage {args.leakage}: must be below 1 (at 1 every payment reaches a voter who "
            "would have voted that way anyway, and nothing is bought)"
        )
    given = {
        "price_som": args.price_som,
        "compliance": args.compliance,
        "turnout_compliance": args.turnout_compliance,
        "leakage": args.leakage,
    }
    market = VoteBuying(
        0, strategy=args.strategy, **{k: v for k, v in given.items() if v is not None}
    )
    if market.delivery_rate == 0:
        flag = "--compliance" if args.strategy == "switch" else "--turnout-compliance"
        raise CLIError(f"{flag} 0: the market delivers no votes, so it cannot price them")
    return market


def _action_price(kind: str, args: argparse.Namespace, market: Any) -> Fraction | None:
    """Som per unit of a ``tipping`` action: the market's som per delivered vote for the
    action its ``--strategy`` buys, ``--cost-per-ballot`` for other added, removed or
    invalidated ballots (commission fraud), else ``None`` (unpriced)."""
    if _MARKET_BUYS.get(kind) == args.strategy:
        return Fraction(market.som_per_vote)
    if kind in ("add", "remove", "invalidate") and args.cost_per_ballot is not None:
        return Fraction(args.cost_per_ballot)
    return None


def _parse_action(text: str, e: Election, args: argparse.Namespace, market: Any) -> Any:
    from .sensitivity import tipping as tp

    head, region = _split_region(text.strip())
    kind, _, rest = head.partition(":")
    kind = kind.strip().lower()
    if region is not None:
        e.region_index(region)
    price = _action_price(kind, args, market)
    extra: dict[str, Any] = {} if price is None else {"cost_som": price}
    if kind == "switch":
        a, sep, b = rest.partition(":")
        if not sep or not a.strip() or not b.strip():
            raise CLIError(f"action {text!r}: give switch:FROM:TO")
        e.party_index(a.strip())
        e.party_index(b.strip())
        return tp.Switch(b.strip(), sources=a.strip(), units=region, **extra)
    if kind in ("add", "remove", "invalidate") and rest.strip():
        party = rest.strip()
        e.party_index(party)
        if kind == "add":
            return tp.Add(party, units=region, **extra)
        return tp.Remove(party, units=region, invalidate=kind == "invalidate", **extra)
    raise CLIError(
        f"unknown action {text!r}; use switch:FROM:TO, add:PARTY, remove:PARTY or "
        "invalidate:PARTY (optionally @REGION)"
    )


def _option(flag: str, text: str, parse: Callable[[str], Any]) -> Any:
    """``parse(text)``, its errors prefixed with the option (``--target fails:XYZ: ...``)."""
    try:
        return parse(text)
    except CLIError:
        raise
    except ElectsimError as exc:
        raise CLIError(f"{flag} {text}: {_cli_message(str(exc))}") from None


def _cmd_tipping(args: argparse.Namespace) -> str:
    from .sensitivity import tipping_point

    _check_plot(args.plot)
    e = _load_election(args)
    system = _single_system(args)
    _check_regional(e, system)
    if "--som" in _given(args):
        print(
            f"{PROG}: warning: --som is deprecated; use --price-som (the price of one paid "
            "voter, not of a delivered vote; invalidated ballots are no longer priced by it)",
            file=sys.stderr,
        )
    targets = [_option("--target", t, lambda t: _parse_target(t, e)) for t in args.target]
    market = _tipping_market(args)
    actions = [
        _option("--action", a, lambda a: _parse_action(a, e, args, market)) for a in args.action
    ]
    if args.minimise == "som":
        unpriced = [t for t, a in zip(args.action, actions, strict=True) if a.cost_som is None]
        if unpriced:
            bought = next(k for k, v in _MARKET_BUYS.items() if v == args.strategy) + ":"
            raise CLIError(
                f"--minimise som needs a price for every action; {', '.join(unpriced)} has "
                f"none: the market (--strategy {args.strategy}) buys only "
                f"{bought} actions; price added, removed or invalidated ballots with "
                "--cost-per-ballot SOM"
            )
    points = [
        tipping_point(e, system, t, actions, minimise=args.minimise, max_votes=args.max_votes)
        for t in targets
    ]
    if args.plot:
        labels = [str(p.target) for p in points]
        _save_plot(args.plot, lambda pl: pl.tipping_plot(points, labels=labels))
    model = {
        "targets": list(args.target),
        "actions": list(args.action),
        "minimise": args.minimise,
        "max_votes": args.max_votes,
        "market": {
            "strategy": args.strategy,
            "price_som": "500/2000/4000 w.p. 0.15/0.74/0.11 (default)"
            if args.price_som is None
            else args.price_som,
            "compliance": None if args.compliance is None else str(args.compliance),
            "turnout_compliance": (
                None if args.turnout_compliance is None else str(args.turnout_compliance)
            ),
            "leakage": "0 (default)" if args.leakage is None else str(args.leakage),
            "som_per_delivered_vote": str(market.som_per_vote),
        },
        "cost_per_ballot_som": args.cost_per_ballot,
    }
    prov = _provenance(args, e, _rules(system), model)
    prices = _prices_text(args, market)

    def records(full: bool) -> list[dict[str, Any]]:
        out = []
        for p in points:
            r: dict[str, Any] = {
                "target": str(p.target),
                "achievable": p.achievable,
                "votes": p.votes,
                "percent_of_ballots": p.percent_of_ballots,
                "som": p.som,
                "plan": p.to_records() if full else "; ".join(str(s) for s in p.plan),
                "optimal_over": p.optimal_over,
            }
            if full:
                r["seats_before"] = p.before.by_party()
                r["seats_after"] = None if p.after is None else p.after.by_party()
            out.append(r)
        return out

    return _emit(
        args,
        prov,
        table=lambda: "\n\n".join([_header(e, prov["rules"]) + "\n" + prices, *map(str, points)]),
        records=lambda: records(False),
        obj=lambda: {"election": e.name, "targets": records(True)},
    )


def _prices_text(args: argparse.Namespace, market: Any) -> str:
    """The ``Prices:`` lines of ``tipping``: what is priced, at how much, and what is not."""
    what = {
        "switch": "switched votes (switch:)",
        "turnout": "bought turnout (add:)",
        "abstention": "paid abstention (remove:)",
    }[args.strategy]
    price = "mean 1,995" if args.price_som is None else f"{args.price_som:,}"
    if args.strategy == "switch":
        comp = "0.65" if args.compliance is None else f"{float(args.compliance):.4g}"
        delivery = f"compliance {comp}"
    else:
        comp = "0.9" if args.turnout_compliance is None else f"{float(args.turnout_compliance):.4g}"
        delivery = f"turnout compliance {comp}"
    leak = 0.0 if args.leakage is None else float(args.leakage)
    fraud = (
        "unpriced (commission fraud; give --cost-per-ballot)"
        if args.cost_per_ballot is None
        else f"{args.cost_per_ballot:,} som a ballot (--cost-per-ballot)"
    )
    return (
        f"Prices: {what} at {float(market.som_per_vote):,.0f} som a delivered vote\n"
        f"        (market: {price} som a paid voter, {delivery}, leakage {leak:.4g}; "
        "ASSUMPTIONS);\n"
        f"        other added, removed or invalidated ballots: {fraud}"
    )


def _available_memory() -> int:
    """Half of this machine's physical memory (4 GB when it cannot be read)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")) // 2
    except (AttributeError, ValueError, OSError):
        return 4 * 10**9


def _gb(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e8 else f"{n / 1e6:,.1f} MB"


def _check_memory(args: argparse.Namespace, election: Election) -> None:
    """Refuse a Monte Carlo run whose memory need is above ``--max-memory``, before any work.

    The result keeps seats and eligibility of every draw: at most
    ``draws * (parties * RESULT_BYTES_PER_PARTY + 1)`` bytes.  One chunk works on about
    ``chunk_size * regions * (parties + 2) * CHUNK_WORDS_PER_CELL * 8`` bytes.
    """
    limit = args.max_memory or _available_memory()
    where = "--max-memory" if args.max_memory else "half of this machine's memory"
    P, R = election.n_parties, election.n_regions
    result = args.draws * (P * RESULT_BYTES_PER_PARTY + 1)
    chunk = min(args.chunk_size, args.draws) * R * (P + 2) * CHUNK_WORDS_PER_CELL * 8
    if result > limit:
        raise CLIError(
            f"--draws {args.draws:,} would need about {_gb(result)} for the result (every draw "
            f"of {P} parties is kept), more than {_gb(limit)} ({where}); --chunk-size bounds "
            "only the working memory, so use fewer draws (the standard error of a probability "
            "is at most 0.5/sqrt(draws): 0.0005 at 10**6 draws) or split the run into several "
            "with different --seed values"
        )
    if result + chunk > limit:
        raise CLIError(
            f"--chunk-size {args.chunk_size:,} would need about {_gb(chunk)} of working memory "
            f"on top of {_gb(result)} for the result, more than {_gb(limit)} ({where}); use a "
            "smaller --chunk-size (it does not change the result)"
        )


def _layers(args: argparse.Namespace) -> list[str]:
    """The ``--uncertainty`` layers in the order applied; parameter flags checked against them."""
    given = args.uncertainty or ["counting"]
    if "none" in given and len(given) > 1:
        raise CLIError("--uncertainty none cannot be combined with other layers")
    twice = sorted({x for x in given if given.count(x) > 1})
    if twice:
        raise CLIError(f"--uncertainty: {', '.join(twice)} given twice")
    flags = {
        "counting_rate": ("--counting-rate", "counting"),
        "invalid_rate_range": ("--invalid-rate-range", "invalid-rate"),
        "missing_stations": ("--missing-stations", "missing-stations"),
        "swing_national": ("--swing-national", "swing"),
        "swing_regional": ("--swing-regional", "swing"),
        "swing_station": ("--swing-station", "swing"),
        "concentration": ("--concentration", "dirichlet"),
    }
    for dest, (flag, layer) in flags.items():
        if getattr(args, dest, None) is not None and layer not in given:
            raise CLIError(f"{flag} applies to --uncertainty {layer} only")
    if "invalid-rate" in given and args.invalid_rate is not None:
        raise CLIError(
            "--invalid-rate fixes the share of invalid ballots, --uncertainty invalid-rate draws "
            "it (from --invalid-rate-range LO HI): give one of them"
        )
    return [x for x in UNCERTAINTY_LAYERS if x in given and x != "none"]


def _load_simulate_election(args: argparse.Namespace, layers: Sequence[str]) -> Election:
    """The data; with the invalid-rate layer the precinct data need no ``--invalid-rate``."""
    if "invalid-rate" in layers and args.dataset == "kyrgyzstan_2020_regions" and args.csv is None:
        e = datasets.kyrgyzstan_2020_regions(0)
        return e.replace(name=f"{e.name.split(', invalid_rate')[0]}, invalid ballots drawn")
    return _load_election(args)


def _stations(args: argparse.Namespace, election: Election, what: str) -> Any:
    """The bundled 2020 stations, for layers that need them (``kyrgyzstan_2020_regions``)."""
    if args.csv is not None or args.dataset != "kyrgyzstan_2020_regions":
        raise CLIError(
            f"{what} needs the bundled polling stations, so --dataset kyrgyzstan_2020_regions "
            "(the CEC's figures of --dataset kyrgyzstan_2020 already include the stations the "
            "precinct file lacks)"
        )
    precincts = datasets.kyrgyzstan_2020_precincts()
    if [r.name for r in precincts.regions] != [r.name for r in election.regions]:
        raise CLIError(f"{what}: the stations' regions differ from the data's")
    return precincts


def _pct(x: Fraction | float) -> str:
    return f"{float(x) * 100:.4g}%"


def _uncertainty(
    args: argparse.Namespace, election: Election, layers: Sequence[str]
) -> tuple[Any, dict[str, Any]]:
    """The uncertainty model and its description for the provenance (every default that is an
    assumption is labelled ASSUMPTION)."""
    from scipy import stats  # type: ignore[import-untyped]

    from . import uncertainty as un
    from .simulate import estimate_concentration

    built: list[Any] = []
    described: list[dict[str, Any]] = []
    text: list[str] = []
    extra: dict[str, Any] = {}

    def assumed(given: Any) -> str:
        return "" if given is not None else " (ASSUMPTION)"

    for name in layers:
        if name == "missing-stations":
            precincts = _stations(args, election, "--uncertainty missing-stations")
            n = args.missing_stations
            if n is None:
                n = datasets.kyrgyzstan_2020_reconciliation().stations_missing
            built.append(un.MissingStations(precincts, n))
            described.append({"layer": name, "n_stations": n, "imputed_from": "2,368 domestic "
                              "stations of the bundled precinct file (hot deck)"})  # fmt: skip
            text.append(f"missing stations {n} (resampled from the file's domestic stations)")
        elif name == "swing":
            nat = 0.03 if args.swing_national is None else args.swing_national
            reg = 0.05 if args.swing_regional is None else args.swing_regional
            sta = 0.0 if args.swing_station is None else args.swing_station
            pr = _stations(args, election, "--swing-station") if sta > 0 else None
            built.append(un.Swing(nat, reg, sta, precincts=pr))
            described.append({
                "layer": name,
                "national": f"{nat:g}{assumed(args.swing_national)}",
                "regional": f"{reg:g}{assumed(args.swing_regional)}",
                "station": f"{sta:g}{assumed(args.swing_station)}",
            })  # fmt: skip
            label = " (ASSUMPTIONS)" if None in (args.swing_national, args.swing_regional) else ""
            text.append(f"swing sd national {nat:g}, regional {reg:g}, station {sta:g}{label}")
        elif name == "dirichlet":
            alpha = "estimate" if args.concentration is None else args.concentration
            if alpha != "estimate":
                built.append(un.DirichletMultinomial(alpha))
                extra["concentration"] = alpha
                text.append(f"dirichlet-multinomial, concentration {alpha:g}")
            else:
                try:
                    precincts = _stations(args, election, "--concentration estimate")
                except CLIError as exc:
                    raise CLIError(
                        f"{exc}; otherwise give --concentration ALPHA (e.g. 500)"
                    ) from None
                est = np.asarray(estimate_concentration(precincts, level="region"), np.float64)
                built.append(un.DirichletMultinomial(est))
                extra["concentration"] = dict(
                    zip((r.name for r in election.regions), est.tolist(), strict=True)
                )
                extra["concentration_source"] = (
                    "estimated from the 2,413 bundled polling stations "
                    "(electsim.simulate.estimate_concentration(precincts, level='region'))"
                )
                text.append(
                    f"dirichlet-multinomial, concentration per region {est.min():,.0f} to "
                    f"{est.max():,.0f} (estimated from the stations)"
                )
            described.append({"layer": name, "concentration": extra["concentration"]})
        elif name == "multinomial":
            built.append(un.Multinomial())
            described.append({"layer": name})
            text.append("multinomial (survey noise)")
        elif name == "counting":
            rate = Fraction(1, 1000) if args.counting_rate is None else args.counting_rate
            built.append(un.CountingError(float(rate)))
            described.append({"layer": name, "rate": f"{_pct(rate)}{assumed(args.counting_rate)}"})
            text.append(f"counting error {_pct(rate)} of ballots{assumed(args.counting_rate)}")
        elif name == "invalid-rate":
            lo, hi = (
                (Fraction(0), Fraction(32, 1000))
                if args.invalid_rate_range is None
                else args.invalid_rate_range
            )
            if lo > hi:
                raise CLIError(f"--invalid-rate-range {_pct(lo)} {_pct(hi)}: LO is above HI")
            if hi >= 1:
                raise CLIError("--invalid-rate-range: HI must be below 100%")
            dist = float(lo) if lo == hi else stats.uniform(float(lo), float(hi - lo))
            built.append(un.InvalidRate(dist))
            where = f"uniform on {_pct(lo)}-{_pct(hi)}"
            described.append({"layer": name, "distribution": where +
                              assumed(args.invalid_rate_range)})  # fmt: skip
            text.append(f"invalid rate {where}{assumed(args.invalid_rate_range)}")
    if not built:
        return None, {"uncertainty": "none (the reported counts in every draw)"}
    names = " + ".join("dirichlet-multinomial" if x == "dirichlet" else x for x in layers)
    return un.UncertaintyModel(built), {
        "uncertainty": names,
        "layers": described,
        **extra,
        "centre": "reported counts",
        "text": " + ".join(text) + "; centred on the reported counts",
    }


def _vote_buying(args: argparse.Namespace, election: Election) -> Any:
    """The manipulation of ``simulate --party`` (the only place the CLI builds a
    ``VoteBuying`` that is applied; ``tipping`` builds one only for its prices)."""
    from .manipulation import VoteBuying

    if "--buyer" in _given(args):
        print(f"{PROG}: warning: --buyer is deprecated; use --party", file=sys.stderr)
    if args.buyer is None:
        if args.budget is not None or args.assumed_turnout is not None:
            raise CLIError("--budget and --assumed-turnout need --party PARTY")
        return None
    try:
        election.party_index(args.buyer)
    except ElectsimError as exc:
        raise CLIError(f"--party {args.buyer}: {exc}") from None
    needs_abstainers = args.strategy in ("turnout", "double")
    if needs_abstainers and election.registered is None and args.assumed_turnout is None:
        if args.dataset != "kyrgyzstan_2020_regions":
            raise CLIError(
                f"--strategy {args.strategy} buys abstainers, but these data have no registered "
                "voters: state an ASSUMPTION with --assumed-turnout RATE (e.g. 56.5%), or use "
                "--strategy switch"
            )
        args.assumed_turnout = KYRGYZSTAN_2020_TURNOUT
        print(
            f"{PROG}: note: the precinct data have no registered voters; assuming the CEC's "
            f"national turnout, {KYRGYZSTAN_2020_TURNOUT}, in every region (an ASSUMPTION: "
            "vary it with --assumed-turnout)",
            file=sys.stderr,
        )
    if args.assumed_turnout is not None and election.registered is not None:
        raise CLIError(
            "--assumed-turnout: these data have registered voters, so abstainers are known; "
            "leave it out"
        )
    return VoteBuying(
        args.buyer,
        strategy=args.strategy,
        budget_som=args.budget,
        assumed_turnout=args.assumed_turnout,
    )


def _cmd_simulate(args: argparse.Namespace) -> str:
    from .simulate import simulate

    if "--turnout" in _given(args):
        print(f"{PROG}: warning: --turnout is deprecated; use --assumed-turnout", file=sys.stderr)
    _check_plot(args.plot)
    layers = _layers(args)
    e = _load_simulate_election(args, layers)
    system = _single_system(args)
    _check_regional(e, system)
    if args.ties is None:
        system = system.replace(tie_break="lot")
    _check_memory(args, e)
    uncertainty, model = _uncertainty(args, e, layers)
    perturbation = _vote_buying(args, e)
    seed = _seed(args, needed=True, why="simulate")
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    res = simulate(
        e,
        system,
        args.draws,
        uncertainty=uncertainty,
        perturbation=perturbation,
        rng=seed,
        chunk_size=args.chunk_size,
        progress=progress,
    )
    if args.plot:
        _save_plot(args.plot, lambda pl: pl.seat_distributions(res))
    if perturbation is not None and args.assumed_turnout is not None:
        model["assumed_turnout"] = f"{args.assumed_turnout} in every region (ASSUMPTION)"
    model.update(
        draws=args.draws,
        seed_block=1024,
        manipulation=None if perturbation is None else repr(perturbation),
    )
    prov = _provenance(args, e, _rules(system), model)

    def table() -> str:
        lines = [_header(e, prov["rules"]), f"Uncertainty: {_model_text(model)}"]
        if perturbation is not None:
            budget = "unlimited" if args.budget is None else f"{args.budget:,.0f} som"
            turnout = (
                ""
                if args.assumed_turnout is None
                else f", assumed turnout {args.assumed_turnout} (ASSUMPTION)"
            )
            lines.append(
                f"Vote buying: {args.buyer}, strategy {args.strategy}, budget {budget}{turnout}"
            )
        # the model is printed once, above, with its assumptions (not the result's short line)
        lines += [x for x in str(res).splitlines() if not x.startswith("Uncertainty:")]
        return "\n".join(lines)

    return _emit(
        args,
        prov,
        table=table,
        records=res.to_records,
        obj=lambda: {
            "election": e.name,
            "system": str(system),
            "draws": res.n,
            "ties": res.n_ties,
            "parties": res.to_records(),
        },
    )


def _model_text(model: Mapping[str, Any]) -> str:
    return str(model.get("text", model["uncertainty"]))


# Subcommands that live next to their subject: each module defines
# ``add_commands(sub) -> dict[str, handler]``, adding its parsers to ``sub`` (it may reuse this
# module's ``_add_data``, ``_add_rules``, ``_add_output``, ``_load_election``, ``_single_system``,
# ``_rules``, ``_provenance``, ``_emit``, ``_csv_text``, ``_json``, ``_check_plot`` and
# ``_save_plot``, imported inside the function).  ``_emit`` gives every output its provenance
# and ``_csv_text`` writes formula-safe CSV.
_COMMAND_MODULES: tuple[str, ...] = ("electsim.forensics._cli", "electsim.audit._cli")

COMMANDS: dict[str, Callable[[argparse.Namespace], str]] = {
    "allocate": _cmd_allocate,
    "compare": _cmd_compare,
    "breakpoints": _cmd_breakpoints,
    "tipping": _cmd_tipping,
    "simulate": _cmd_simulate,
}


# ----------------------------------------------------------------------------- entry point
#: Python argument names in library messages -> the command-line option that sets them.
_FLAGS = {
    "assumed_turnout": "--assumed-turnout",
    "budget_som": "--budget",
    "buyer": "--party",
    "party": "--party",
    "strategy": "--strategy",
    "concentration": "--concentration",
    "chunk_size": "--chunk-size",
    "n": "--draws",
    "rng": "--seed",
    "tie_break": "--ties",
    "seats": "--seats",
    "max_seats": "--cap",
    "invalid_rate": "--invalid-rate",
    "max_votes": "--max-votes",
    "minimise": "--minimise",
}
_FLAG_RE = re.compile(r"\b(" + "|".join(sorted(_FLAGS, key=len, reverse=True)) + r")=")


def _cli_message(text: str) -> str:
    """A library message in command-line terms (``n=0`` -> ``--draws 0``)."""
    return _FLAG_RE.sub(lambda m: _FLAGS[m[1]] + " ", text)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    """Run the ``electsim`` command; return the exit status.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 for input electsim refuses or a file error, 2 for a malformed command
        line (argparse).
    """
    args_list = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    args._given = [a.split("=", 1)[0] for a in args_list if a.startswith("--")]
    args._argv = args_list
    try:
        text = COMMANDS[args.command](args)
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        return 0
    except (ElectsimError, OSError) as exc:
        message = _one_line(exc)
        if not isinstance(exc, CLIError | OSError):
            message = _cli_message(message)
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback: report the unexpected error on one line
        print(f"{PROG}: error: unexpected {type(exc).__name__}: {_one_line(exc)}", file=sys.stderr)
        return 1
    return 0
