"""The ``bdt-docx`` command: a thin layer over the Python API.

``parser.py`` reads the command line, ``commands.py`` runs a sub-command into an
:class:`~bdt_docx.cli.outcome.Outcome`, ``show.py`` shows it (messages with the command's
hints, the progress bar, the batch summary, JSON), ``fields.py`` is the ``fields`` listing.
Heavy libraries are imported inside the sub-commands, so that ``bdt-docx --help`` answers
at once.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from bdt_docx.cli.commands import COMMANDS, report_without_pdf
from bdt_docx.cli.outcome import EXIT_CODES, HINTS, Outcome
from bdt_docx.cli.parser import argparse_in_vietnamese, build_parser
from bdt_docx.cli.show import check_result_file, show
from bdt_docx.errors import BdtDocxError, Problem, collect_warnings

__all__ = ["EXIT_CODES", "HINTS", "build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bdt-docx`` with ``argv`` (default: the process's); return the exit code."""
    parser = build_parser()
    with argparse_in_vietnamese():
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_CODES["usage"]
    outcome = Outcome()
    refusal = check_result_file(Path(args.result)) if args.result else None
    if refusal is None:
        _run(args, outcome)
    else:  # refused before any work: no report is written without its result file
        outcome.fail(refusal)
    try:
        show(args, outcome, write_result=refusal is None)
    except BrokenPipeError:  # the reader went away (``bdt-docx check x | head``): stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return outcome.code  # show may have turned a success into 5 (result file not written)


@contextlib.contextmanager
def _ending_as_ctrl_c(outcome: Outcome) -> Iterator[None]:
    """A request to end (SIGTERM, which ``timeout`` and a system shutting down send) stops
    the command as Ctrl+C does: the reports begun are finished, the batch's summary is
    written, no temporary file is left. (Python's own way with SIGTERM is to end at once.)"""
    if threading.current_thread() is not threading.main_thread():
        yield  # (signals can only be handled in the main thread)
        return

    def stop(signum: int, frame: object) -> None:
        outcome.stopped_by = "lệnh dừng SIGTERM"
        raise KeyboardInterrupt

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _run(args: argparse.Namespace, outcome: Outcome) -> None:
    """Run the sub-command into ``outcome``: its errors, Ctrl+C (or SIGTERM) and the
    unexpected."""
    try:
        with _ending_as_ctrl_c(outcome), collect_warnings() as outcome.warnings:
            COMMANDS[args.command](args, outcome)
    except BdtDocxError as exc:
        outcome.fail(exc)
    except KeyboardInterrupt as stop:
        failure = getattr(stop, "pdf_failure", None)  # fill --pdf: the report is written
        if failure is not None:
            report_without_pdf(outcome, failure, EXIT_CODES["interrupted"])
        else:
            outcome.code = EXIT_CODES["interrupted"]
            outcome.lines.append(
                f"Đã dừng theo yêu cầu ({outcome.stopped_by}); không có tệp ghi dở nào được để lại."
            )
    except Exception as exc:
        outcome.code = EXIT_CODES["unexpected"]
        outcome.errors.append(Problem(f"lỗi không mong đợi: {exc!r}", code="unexpected"))
        outcome.lines.append(
            f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Hãy gửi thông báo này cho "
            "bộ phận IT; đặt BDT_DOCX_DEBUG=1 để xem chi tiết."
        )
        if os.environ.get("BDT_DOCX_DEBUG"):
            raise
