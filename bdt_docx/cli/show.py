"""How the command shows what it did: messages (with the command's hints), warnings, JSON,
the progress bar of a batch and its summary."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bdt_docx.cli.outcome import EXIT_CODES, HINTS, Outcome
from bdt_docx.errors import OutputError

if TYPE_CHECKING:  # imported when a batch runs, so that --help stays fast
    from bdt_docx.batch import BatchResult, Progress

__all__ = ["ProgressBar", "batch_summary", "show"]


def show(args: argparse.Namespace, outcome: Outcome) -> None:
    """Print ``outcome`` as ``args`` ask (text on stdout or stderr, JSON, a result file)."""
    stream = sys.stdout if outcome.listing or outcome.code == 0 else sys.stderr
    if not args.json:
        for warning in outcome.warnings:
            print(f"Cảnh báo: {warning.shown(HINTS)}", file=sys.stderr)
        for line in outcome.lines:
            print(line, file=stream)
    data = outcome.to_dict()
    if args.json:
        print(json.dumps(data, ensure_ascii=True))
    if args.result:
        from bdt_docx.output import write_bytes

        text = json.dumps(data, ensure_ascii=False, indent=1)
        try:
            write_bytes(text.encode("utf-8"), Path(args.result), overwrite=True)
        except OutputError as exc:
            print(exc.about("tệp kết quả").shown(HINTS), file=sys.stderr)
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
    """What a batch did, in Vietnamese: how many reports and failures, then each failure."""
    lines = [f"Đã tạo {len(result.reports)} báo cáo; {len(result.failures)} sổ bị lỗi."]
    if result.kept:
        lines.append(f"Giữ nguyên {len(result.kept)} báo cáo đã có (dùng --overwrite để ghi lại).")
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
    if result.failures:
        lines.append("Các sổ cần sửa:")
        for number, failure in enumerate(result.failures, 1):
            message = failure.error.shown(HINTS).replace("\n", "\n     ")
            lines.append(f"  {number}. {message}")
            if failure.report is not None:
                lines.append(f"     (tệp .docx vẫn được giữ: {failure.report})")
    return "\n".join(lines)
