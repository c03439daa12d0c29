"""A small, dependency-free mutation tester for electsim's exact core.

Each *mutant* changes one token on one line of a source file -- a comparison flipped
(``<`` to ``<=``, ``==`` to ``!=``, ...), ``and``/``or`` swapped, ``+``/``-`` swapped, an integer
constant moved by one, ``True``/``False`` swapped, a ``not`` dropped -- and a chosen fast subset
of the tests is run against it.  A mutant is *killed* when the tests fail (or time out) and
*survives* when they pass: a surviving mutant is a change to the code that no test notices,
either an equivalent mutant (the change does not alter behaviour) or a gap in the tests.

The working tree is never touched: ``src/``, ``tests/`` and ``pyproject.toml`` are copied to a
temporary directory once, and every mutant is written there, tested and reverted.

Usage (from the repository root)::

    python tools/mutate.py                          # every target, all mutants
    python tools/mutate.py --sample 80 --seed 1     # a reproducible random sample of 80
    python tools/mutate.py --only allocate.py --list
    python tools/mutate.py --match "bb[u] > 0"        # the mutants of matching lines only
    python tools/mutate.py --timeout 60 --json out.json

Docstrings, comments, string literals and f-strings are never mutated (tokens inside them are
not operators).  Lines inside ``raise`` statements are skipped (they only build messages).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

#: Source file (relative to src/electsim) -> the tests run against its mutants.
TARGETS: dict[str, tuple[str, ...]] = {
    "apportion/_base.py": ("tests/apportion/test_apportion.py", "tests/test_allocate.py"),
    "apportion/_select.py": ("tests/apportion/test_apportion.py",),
    "apportion/divisor.py": ("tests/apportion/test_apportion.py",),
    "apportion/quota.py": ("tests/apportion/test_apportion.py",),
    "allocate.py": ("tests/test_allocate.py", "tests/test_system.py"),
    "_exact.py": ("tests/test_exact.py", "tests/test_bad_input.py"),
    "election.py": ("tests/test_election.py", "tests/test_bad_input.py", "tests/test_csv_input.py"),
    "sensitivity/breakpoints.py": ("tests/sensitivity/test_breakpoints.py",),
}
#: Run first for every target (fast, and aimed at the edges of every module above).
FIRST = ("tests/test_adversarial_input.py",)

_SWAP_OPS = {
    "<": "<=",
    "<=": "<",
    ">": ">=",
    ">=": ">",
    "==": "!=",
    "!=": "==",
    "+": "-",
    "-": "+",
}
#: Lines with these words only tune diagnostics (warning stack levels, timings): not mutated.
_SKIP_WORDS = ("stacklevel", "perf_counter")
_SWAP_NAMES = {"and": "or", "or": "and", "True": "False", "False": "True"}
# after these tokens a + or - is unary (a sign), not a binary operator
_UNARY_CONTEXT = {"(", "[", "{", ",", "=", ":", "return", "in", "if", "else", "and", "or", "not"}


@dataclass(frozen=True)
class Mutant:
    """One single-token change: ``path`` line ``line`` (1-based), column ``col``."""

    path: str
    line: int
    col: int
    old: str
    new: str
    source_line: str

    def label(self) -> str:
        where = f"{self.path}:{self.line}:{self.col}"
        return f"{where}: {self.old!r} -> {self.new!r}   | {self.source_line}"


def _raise_lines(text: str) -> set[int]:
    """Lines that belong to ``raise`` statements (error messages only)."""
    import ast

    out: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Raise) and node.end_lineno is not None:
            out.update(range(node.lineno, node.end_lineno + 1))
    return out


def mutants_of(rel: str) -> list[Mutant]:
    """Every mutant of ``src/electsim/<rel>``, in file order."""
    path = ROOT / "src" / "electsim" / rel
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    skip = _raise_lines(text)
    toks = list(tokenize.generate_tokens(io.StringIO(text).readline))
    out: list[Mutant] = []
    prev = ""
    for tok in toks:
        (row, col), s = tok.start, tok.string
        if tok.type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        if tok.type in (tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT):
            if tok.type == tokenize.NEWLINE:
                prev = ""
            continue
        new: list[str] = []
        if row in skip or any(w in lines[row - 1] for w in _SKIP_WORDS):
            pass
        elif tok.type == tokenize.OP and s in _SWAP_OPS:
            if not (s in "+-" and prev in _UNARY_CONTEXT):
                new = [_SWAP_OPS[s]]
        elif tok.type == tokenize.NAME and s in _SWAP_NAMES:
            new = [_SWAP_NAMES[s]]
        elif tok.type == tokenize.NAME and s == "not":
            new = [""]
        elif tok.type == tokenize.NUMBER and s.isdigit():
            n = int(s)
            new = [str(n + 1)] + ([str(n - 1)] if n > 0 else [])
        for repl in new:
            out.append(Mutant(rel, row, col, s, repl, lines[row - 1].strip()))
        prev = s
    return out


def _apply(text: str, m: Mutant) -> str:
    lines = text.splitlines(keepends=True)
    line = lines[m.line - 1]
    assert line[m.col : m.col + len(m.old)] == m.old, (line, m)
    end = m.col + len(m.old)
    repl = m.new
    if m.old == "not":  # drop the keyword and the space after it
        end += 1
    lines[m.line - 1] = line[: m.col] + repl + line[end:]
    return "".join(lines)


@dataclass
class Outcome:
    mutant: Mutant
    status: str  # "killed", "survived", "timeout", "invalid"
    seconds: float


def run(mutants: list[Mutant], timeout: float, verbose: bool) -> list[Outcome]:
    """Test every mutant in a private copy of the tree; returns one outcome each."""
    results: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="electsim-mutate-") as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "src", work / "src")
        shutil.copytree(ROOT / "tests", work / "tests")
        shutil.copy(ROOT / "pyproject.toml", work / "pyproject.toml")
        env = dict(os.environ, PYTHONPATH=str(work / "src"), PYTHONDONTWRITEBYTECODE="1")
        for i, m in enumerate(mutants, 1):
            target = work / "src" / "electsim" / m.path
            original = target.read_text(encoding="utf-8")
            mutated = _apply(original, m)
            try:
                compile(mutated, str(target), "exec")
            except SyntaxError:
                results.append(Outcome(m, "invalid", 0.0))
                continue
            target.write_text(mutated, encoding="utf-8")
            tests = [t for t in (*FIRST, *TARGETS[m.path]) if (work / t).exists()]
            cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider"]
            t0 = time.perf_counter()
            try:
                proc = subprocess.run(
                    [*cmd, *tests], cwd=work, env=env, capture_output=True, timeout=timeout
                )
                status = "survived" if proc.returncode == 0 else "killed"
            except subprocess.TimeoutExpired:
                status = "timeout"
            finally:
                target.write_text(original, encoding="utf-8")
            dt = time.perf_counter() - t0
            results.append(Outcome(m, status, dt))
            if verbose:
                print(f"[{i}/{len(mutants)}] {status:8s} {dt:5.1f}s  {m.label()}", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", help="restrict to these target files")
    ap.add_argument("--match", help="only mutants whose line contains this text")
    ap.add_argument("--sample", type=int, default=0, help="test a random sample of N mutants")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    ap.add_argument("--list", action="store_true", help="list the mutants and stop")
    ap.add_argument("--json", help="write the outcomes to this file")
    ap.add_argument("-q", "--quiet", action="store_true")
    args = ap.parse_args(argv)
    targets = args.only or list(TARGETS)
    unknown = set(targets) - set(TARGETS)
    if unknown:
        ap.error(f"unknown target(s) {sorted(unknown)}; targets: {sorted(TARGETS)}")
    mutants = [m for t in targets for m in mutants_of(t)]
    if args.match:
        mutants = [m for m in mutants if args.match in m.source_line]
    if args.sample and args.sample < len(mutants):
        pick = np.random.default_rng(args.seed).choice(len(mutants), args.sample, replace=False)
        mutants = [mutants[i] for i in sorted(pick)]
    if args.list:
        for m in mutants:
            print(m.label())
        print(f"{len(mutants)} mutants")
        return 0
    results = run(mutants, args.timeout, not args.quiet)
    valid = [r for r in results if r.status != "invalid"]
    killed = sum(r.status in ("killed", "timeout") for r in valid)
    print(f"\n{killed}/{len(valid)} mutants killed ({100 * killed / max(len(valid), 1):.0f} %)")
    for r in valid:
        if r.status == "survived":
            print("SURVIVED", r.mutant.label())
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [{**asdict(r.mutant), "status": r.status, "seconds": r.seconds} for r in results],
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
