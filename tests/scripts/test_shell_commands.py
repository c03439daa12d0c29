"""Every shell command shown in ``README.md`` and ``examples/README.md`` runs.

Commands are found in fenced code blocks: in a block marked ``bash``/``sh``/``shell``/
``console`` and in an unmarked block, every line (joined over ``\\`` continuations, a leading
``$ `` removed) that starts with ``electsim``, ``python -m electsim`` or ``python examples/``
is run.  In a shell-marked block every other line must be a command this test knows not to run
(installing, running the test suite), so a new kind of command cannot slip in untested.

How they run: as a reader would, from a scratch directory holding a link to ``examples/``, with
this interpreter, ``PYTHONPATH=src`` and ``MPLBACKEND=Agg``; ``electsim`` as
``python -m electsim``.  To stay fast, ``--draws N`` is capped at ``MAX_DRAWS`` (the number
of draws changes no code path) and the commands run a few at a time.  A ``--csv FILE`` that
does not exist (a placeholder for the reader's own file, e.g. ``my_election.csv``) is supplied
as a copy of ``examples/small_election.csv``.  Each command must exit 0, print something on
stdout and no traceback.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from _support import REPO_ROOT

ROOT = REPO_ROOT
DOCS = (ROOT / "README.md", ROOT / "examples" / "README.md")
MAX_DRAWS = 200
PARALLEL = 4
TIMEOUT = 300  # seconds for all commands together

SHELL_FENCES = ("bash", "sh", "shell", "console")
RUN_PREFIXES = ("electsim", "python -m electsim", "python examples/")
#: Shell commands shown to readers that this test does not run (install, test suite, and the
#: documentation build, which ``.ci/run`` runs itself).
NOT_RUN = (
    "python -m sphinx",
    "pip ",
    "python -m pip ",
    "pytest",
    "python -m pytest",
    "ELECTSIM_REGEN=",
    "git ",
    "cd ",
    "uv ",
)

_FENCE = re.compile(r"^```([\w-]*)[^\n]*\n(.*?)^```", re.S | re.M)


def shell_commands(text: str) -> list[str]:
    """The commands of the fenced blocks of a markdown text (see the module docstring)."""
    out = []
    for lang, body in _FENCE.findall(text):
        if lang and lang not in SHELL_FENCES:
            continue
        for raw in re.sub(r"\s*\\\n\s*", " ", body).splitlines():
            line = raw.strip()
            if line.startswith("$ "):
                line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith(RUN_PREFIXES):
                out.append(line)
            elif lang and not line.startswith(NOT_RUN):
                raise AssertionError(f"a shell command this test cannot run: {line!r}")
    return out


def test_extraction() -> None:
    text = (
        "```bash\npip install -e .\nelectsim allocate \\\n   --no-regional  # a comment\n```\n"
        "```python\nelectsim = 1\n```\n```\nelectsim compare --threshold 7% 5%\nParty  7%\n```\n"
    )
    assert shell_commands(text) == [
        "electsim allocate --no-regional  # a comment",
        "electsim compare --threshold 7% 5%",
    ]
    with pytest.raises(AssertionError, match="cannot run"):
        shell_commands("```bash\nrm -rf build\n```\n")


COMMANDS = [(doc, cmd) for doc in DOCS for cmd in shell_commands(doc.read_text(encoding="utf-8"))]


def argv(command: str, cwd: Path) -> list[str]:
    """The command as arguments for this interpreter, ``--draws`` capped, ``--csv`` supplied."""
    words = shlex.split(command, comments=True)
    if words[0] == "electsim":
        words = [sys.executable, "-m", "electsim", *words[1:]]
    elif words[0] == "python":
        words = [sys.executable, *words[1:]]
    for i, w in enumerate(words[:-1]):
        if w == "--draws":
            words[i + 1] = str(min(int(float(words[i + 1])), MAX_DRAWS))
        if w == "--csv" and not (cwd / words[i + 1]).exists():
            target = cwd / words[i + 1]
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / "examples" / "small_election.csv", target)
    return words


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """Every command run, ``PARALLEL`` at a time: command -> (status, stdout, stderr)."""
    cwd = tmp_path_factory.mktemp("shell")
    (cwd / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "MPLBACKEND": "Agg"}
    todo = list(dict.fromkeys(cmd for _, cmd in COMMANDS))
    running: dict[str, subprocess.Popen[str]] = {}
    out: dict[str, tuple[int, str, str]] = {}
    deadline = time.monotonic() + TIMEOUT
    while todo or running:
        while todo and len(running) < PARALLEL:
            cmd = todo.pop(0)
            running[cmd] = subprocess.Popen(
                argv(cmd, cwd),
                cwd=cwd,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        cmd = next(iter(running))
        proc = running.pop(cmd)
        stdout, stderr = proc.communicate(timeout=max(1.0, deadline - time.monotonic()))
        out[cmd] = (proc.returncode, stdout, stderr)
    return out


def test_the_documents_show_commands() -> None:
    docs = {doc for doc, _ in COMMANDS}
    assert docs == set(DOCS), "a document lost its shell commands"


@pytest.mark.parametrize(
    ("doc", "command"),
    COMMANDS,
    ids=[f"{d.parent.name}/{d.name}:{c[:60]}" for d, c in COMMANDS],
)
def test_shell_command_runs(
    doc: Path, command: str, results: dict[str, tuple[int, str, str]]
) -> None:
    status, stdout, stderr = results[command]
    assert status == 0, f"{doc.name}: {command}\n{stderr}"
    assert stdout.strip(), f"{doc.name}: {command} printed nothing"
    assert "Traceback" not in stderr
