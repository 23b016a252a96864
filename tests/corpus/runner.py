"""Run the ``bdt-docx`` commands on one file in a child process with time and memory limits.

The contract every entry point keeps: success or a ``BdtDocxError`` — no other exception,
no hang, bounded memory — and so the command exits 0, 3, 4 or 7 on any file, never 1, and
never prints a traceback. :func:`run_file` forks a child (the parent has imported bdt_docx
and prepared the shipped template, so a case costs milliseconds, not an interpreter start),
limits its address space and CPU time, runs the commands of the file's kind and reports
their exit codes and output; :func:`Outcome.broken` says how the contract was broken, if it
was. Linux only (``os.fork``, ``resource``).
"""

from __future__ import annotations

import io
import os
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from bdt_docx.fields import description_path
from bdt_docx.output import TEMP_PREFIX
from corpus.builders import EXAMPLE, TEMPLATE

#: The commands each kind of file goes through ({file}: the file, {folder}: a scratch folder).
COMMANDS = {
    "workbook": (
        ("fill", "{file}", "-o", "{folder}/bao_cao.docx", "--result", "{folder}/ket_qua.json"),
    ),
    "template": (
        ("lint", "{file}"),
        ("fill", str(EXAMPLE), "-t", "{file}", "-o", "{folder}/bao_cao.docx"),
    ),
    "report": (("check", "{file}"),),
}
#: Exit codes a command may give on a broken file (0: it was read correctly).
ALLOWED_CODES = frozenset({0, 3, 4, 7})
#: CPU seconds one case may use (every command of its kind together).
CPU_SECONDS = 20
#: Address space one case may add to the parent's.
MEMORY_BYTES = 1024 * 1024 * 1024
#: Wall-clock seconds before a case is killed (the machine may be busy: CPU time decides).
WALL_SECONDS = 120


@dataclass(frozen=True)
class Outcome:
    """What the commands did with one file."""

    codes: tuple[int, ...]  # one per command; empty when the child was killed
    output: str  # what the commands printed (stdout and stderr)
    signal: int | None  # the signal that ended the child, if one did
    seconds: float
    leftovers: tuple[str, ...] = ()  # half-written files left in the folder

    def broken(self) -> str | None:
        """How the contract was broken (``None``: it was kept)."""
        if self.signal is not None:
            name = signal.Signals(self.signal).name
            if self.signal in (signal.SIGXCPU, signal.SIGKILL):
                return f"hang: killed by {name} after {self.seconds:.1f} s"
            return f"crash: {name}"
        if not self.codes:
            return "crash: the child reported nothing"
        if any(code not in ALLOWED_CODES for code in self.codes):
            return f"exit codes {self.codes}: {self.error_line()}"
        if "Traceback" in self.output:
            return "traceback printed"
        if self.leftovers:
            return f"files left behind: {', '.join(self.leftovers)}"
        return None

    def error_line(self) -> str:
        """The last line of the traceback (the exception), or of the output."""
        lines = [line for line in self.output.splitlines() if line.strip()]
        for line in reversed(lines):
            if not line.startswith((" ", "Traceback", "During handling", "The above")):
                return line.strip()[:300]
        return ""


def run_file(kind: str, file: Path, folder: Path) -> Outcome:
    """Run the commands of ``kind`` on ``file`` in a limited child; ``folder`` is scratch."""
    commands = [
        [arg.format(file=file, folder=folder) for arg in command] for command in COMMANDS[kind]
    ]
    if kind == "template":  # the shipped template's field description goes beside it
        description_path(file).write_bytes(description_path(TEMPLATE).read_bytes())
    log = folder / "output.txt"
    codes_file = folder / "codes.txt"
    codes_file.unlink(missing_ok=True)
    started = time.monotonic()
    limit = _address_space() + MEMORY_BYTES
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        _child(commands, log, codes_file, limit)
    status = _wait(pid, started)
    seconds = time.monotonic() - started
    output = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    codes = tuple(int(c) for c in codes_file.read_text().split()) if codes_file.exists() else ()
    killed = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    leftovers = tuple(p.name for p in folder.glob(f"{TEMP_PREFIX}*"))
    return Outcome(codes if killed is None else (), output, killed, seconds, leftovers)


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * resource.getpagesize()


def _child(commands: list[list[str]], log: Path, codes_file: Path, limit: int) -> None:
    """Run the commands and report their codes; never returns."""
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
    out = open(log, "w", encoding="utf-8", errors="backslashreplace")  # noqa: SIM115
    os.dup2(out.fileno(), 1)
    os.dup2(out.fileno(), 2)
    sys.stdout = sys.stderr = out
    sys.stdin = io.StringIO()
    os.environ.pop("BDT_DOCX_DEBUG", None)
    from bdt_docx.cli import main

    codes = []
    for command in commands:
        try:
            codes.append(main(command))
        except SystemExit as exc:
            codes.append(exc.code if isinstance(exc.code, int) else 1)
        except BaseException:  # noqa: BLE001 - the child must not return into the parent's code
            traceback.print_exc()
            codes.append(1)
    out.flush()
    codes_file.write_text(" ".join(map(str, codes)))
    os._exit(0)


def _wait(pid: int, started: float) -> int:
    delay = 0.001
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        if time.monotonic() - started > WALL_SECONDS:
            os.kill(pid, signal.SIGKILL)
            return os.waitpid(pid, 0)[1]
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
