"""How the command shows what it did: messages (with the command's hints), warnings, JSON,
the progress bar of a batch and its summary."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bdt_docx.cli.outcome import EXIT_CODES, HINTS, Outcome
from bdt_docx.errors import ConversionError, OutputError

if TYPE_CHECKING:  # imported when a batch runs, so that --help stays fast
    from bdt_docx.batch import BatchResult, Progress

__all__ = ["ProgressBar", "batch_summary", "check_result_file", "show"]


def show(args: argparse.Namespace, outcome: Outcome, *, write_result: bool = True) -> None:
    """Print ``outcome`` as ``args`` ask (text on stdout or stderr, JSON, a result file).

    The result file is written first: when it cannot be, the JSON printed says so too.
    """
    stream = sys.stdout if outcome.listing or outcome.code == 0 else sys.stderr
    if not args.json:
        for warning in outcome.warnings:
            named = outcome.warnings_name_file and warning.file
            head = f"Cảnh báo ({warning.file})" if named else "Cảnh báo"
            print(f"{head}: {warning.shown(HINTS)}", file=sys.stderr)
        for line in outcome.lines:
            print(line, file=stream)
    if args.result and write_result:
        _write_result(Path(args.result), outcome)
    if args.json:
        print(json.dumps(outcome.to_dict(), ensure_ascii=True))


def check_result_file(path: Path) -> OutputError | None:
    """Why the ``--result`` file cannot be written, asked before the command runs."""
    from bdt_docx.output import check_destination

    try:
        check_destination(path, overwrite=True)
    except OutputError as exc:
        return exc.about("tệp kết quả")
    if not os.access(path.parent, os.W_OK):
        message = "không có quyền ghi vào thư mục của tệp"
        return OutputError(message, path, "tệp kết quả", code="output.denied")
    return None


def _write_result(path: Path, outcome: Outcome) -> None:
    """Write the JSON at ``path``; when the system refuses, the outcome says so (exit 5)."""
    from bdt_docx.output import write_bytes

    text = json.dumps(outcome.to_dict(), ensure_ascii=False, indent=1)
    try:
        write_bytes(text.encode("utf-8"), path, overwrite=True)
    except OutputError as exc:
        failure = exc.about("tệp kết quả")
        print(failure.shown(HINTS), file=sys.stderr)
        outcome.errors.extend(failure.problems)
        if outcome.code == 0:
            outcome.code = EXIT_CODES["output"]


class ProgressBar:
    """A one-line progress bar on stderr: ``[#####.....] 30/60, PDF 12/58, 2 lỗi``.

    Called with each :class:`~bdt_docx.batch.Progress` of
    :func:`~bdt_docx.batch.fill_reports` (its ``progress``); :meth:`close` ends the line.
    """

    WIDTH = 30

    def __init__(self, write: Callable[[str], object] | None = None) -> None:
        self._write = write or sys.stderr.write
        self._drawn = False

    def __call__(self, progress: Progress) -> None:
        steps = progress.total + progress.pdfs
        done = progress.done + progress.pdfs_done
        filled = self.WIDTH * done // steps if steps else self.WIDTH
        pdfs = f", PDF {progress.pdfs_done}/{progress.pdfs}" if progress.pdfs else ""
        errors = f", {progress.failed} lỗi" if progress.failed else ""
        self._write(
            f"\r[{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{progress.done}/{progress.total}{pdfs}{errors}"
        )
        self._drawn = True

    def close(self) -> None:
        """End the bar's line (when it was drawn)."""
        if self._drawn:
            self._write("\n")


def batch_summary(result: BatchResult) -> str:
    """What a batch did, in Vietnamese: how many reports and failures, then each failure,
    under what the clerk has to do about it: a workbook to fix, a report that could not be
    written (its workbook was right: the folder, the disk or a program holding the file is
    the cause), a report whose PDF could not be made."""
    from bdt_docx.batch import stopped_before_its_pdf

    stopped = [f for f in result.failures if stopped_before_its_pdf(f.error)]
    failures = [f for f in result.failures if f not in stopped]
    unwritten = [f for f in failures if isinstance(f.error, OutputError)]
    no_pdf = [f for f in failures if isinstance(f.error, ConversionError)]
    to_fix = [f for f in failures if f not in unwritten and f not in no_pdf]
    head = f"Đã tạo {len(result.reports)} báo cáo; {len(to_fix)} sổ bị lỗi"
    if unwritten:
        head += f"; {len(unwritten)} báo cáo không ghi được"
    if no_pdf:
        head += f"; {len(no_pdf)} báo cáo không tạo được PDF"
    lines = [head + "."]
    if result.kept:
        older = (
            f"; {len(result.stale)} báo cáo trong số đó cũ hơn sổ của nó (sổ được lưu sau khi tạo "
            "báo cáo, xem cảnh báo)"
            if result.stale
            else ""
        )
        lines.append(
            f"Giữ nguyên {len(result.kept)} báo cáo đã có{older} (dùng --overwrite để ghi lại)."
        )
    if result.pdfs:
        lines.append(f"Đã tạo {len(result.pdfs)} tệp PDF.")
    if result.summary_path is not None:
        lines.append(f"Bảng tổng hợp: {result.summary_path}")
    if result.summary_error is not None:
        lines.append(result.summary_error.shown(HINTS))
    if result.not_done:
        lines.append(
            f"{len(result.not_done)} sổ chưa được điền vì đã dừng; chạy lại lệnh (không có "
            "--overwrite) để điền chúng."
        )
    if stopped:
        lines.append(
            f"{len(stopped)} báo cáo chưa tạo PDF (đã dừng); chạy lại lệnh với --pdf (không có "
            "--overwrite) để tạo PDF cho chúng:"
        )
        lines += [f"  - {f.report or f.workbook}" for f in stopped]
    for heading, group in (
        ("Các sổ cần sửa:", to_fix),
        ("Các báo cáo không ghi được (sổ không có lỗi):", unwritten),
        ("Các báo cáo không tạo được PDF:", no_pdf),
    ):
        if group:
            lines.append(heading)
            for number, failure in enumerate(group, 1):
                message = failure.error.shown(HINTS).replace("\n", "\n     ")
                lines.append(f"  {number}. {message}")
                if failure.report is not None:
                    lines.append(f"     (tệp .docx vẫn được giữ: {failure.report})")
                if failure.earlier is not None:
                    lines.append(
                        f"     (báo cáo cũ của lần chạy trước vẫn còn, chưa được thay, số liệu "
                        f"không phải của sổ này bây giờ: {failure.earlier})"
                    )
    return "\n".join(lines)
