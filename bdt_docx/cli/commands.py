"""The sub-commands of ``bdt-docx``, each filling an :class:`~bdt_docx.cli.outcome.Outcome`.

Heavy libraries (docxtpl, lxml, openpyxl) are imported inside the sub-commands that need
them, so that ``bdt-docx --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bdt_docx.cli.outcome import EXIT_CODES, HINTS, Outcome
from bdt_docx.cli.show import ProgressBar, batch_summary
from bdt_docx.errors import ConversionError, OutputError, Problem, UsageError, WorkbookError

__all__ = ["COMMANDS", "report_without_pdf"]


def _cmd_fill(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.api import fill_report

    sources = [Path(p) for p in args.workbooks]
    if args.output and args.output_dir:
        raise UsageError(
            "-o (tên một báo cáo) và -d (thư mục báo cáo) không dùng cùng lúc: bỏ một trong hai",
            code="usage.output",
        )
    if args.output and (len(sources) > 1 or sources[0].is_dir()):
        raise UsageError(
            "-o đặt tên cho một báo cáo; điền nhiều sổ hay một thư mục thì dùng -d THƯ_MỤC",
            code="usage.output",
        )
    many = len(sources) > 1 or sources[0].is_dir() or args.output_dir
    if many and args.just_saved:
        raise UsageError(
            "--just-saved là lời của macro vừa lưu một sổ đang mở; điền nhiều sổ hay một thư "
            "mục thì không dùng nó",
            code="usage.just_saved",
        )
    if many:
        _fill_many(args, sources, outcome)
        return
    try:
        report = fill_report(
            sources[0],
            args.template,
            args.output,
            overwrite=args.overwrite,
            pdf=args.pdf,
            just_saved=args.just_saved,
        )
    except ConversionError as exc:
        if exc.report is None:
            raise
        report_without_pdf(outcome, exc, EXIT_CODES["pdf"])
        return
    outcome.output = str(report)
    outcome.lines.append(f"Đã tạo báo cáo: {report}")
    if args.pdf:
        outcome.pdf = str(report.with_suffix(".pdf"))
        outcome.lines.append(f"Đã tạo PDF: {outcome.pdf}")


def report_without_pdf(outcome: Outcome, failure: ConversionError, code: int) -> None:
    """Record a report written whose PDF was not made (``failure`` says why)."""
    outcome.output = str(failure.report)
    outcome.fail(failure, code)
    outcome.lines.append(f"Tệp .docx vẫn được giữ: {failure.report}")


def _fill_many(args: argparse.Namespace, sources: list[Path], outcome: Outcome) -> None:
    from bdt_docx.batch import BatchInterrupted, fill_reports, find_workbooks

    workbooks = find_workbooks(sources)
    output_dir = Path(args.output_dir) if args.output_dir else None
    bar = ProgressBar() if not args.json and sys.stderr.isatty() else None
    try:
        result = fill_reports(
            workbooks,
            args.template,
            output_dir,
            overwrite=args.overwrite,
            jobs=args.jobs,
            pdf=args.pdf,
            progress=bar,
        )
    except BatchInterrupted as stop:
        result = stop.result
        outcome.lines.append(f"Đã dừng theo yêu cầu ({outcome.stopped_by}). Phần đã xong:")
        outcome.extra["interrupted"] = True
        outcome.extra["not_done"] = [str(p) for p in result.not_done]
    finally:
        if bar is not None:
            bar.close()
    outcome.extra["reports"] = [str(p) for p in result.reports]
    outcome.extra["kept"] = [str(p) for p in result.kept]
    outcome.extra["stale"] = [str(p) for p in result.stale]
    outcome.extra["failures"] = [
        {"workbook": str(f.workbook), "code": f.error.exit_code, "message": f.error.shown(HINTS)}
        for f in result.failures
    ]
    outcome.extra["summary"] = str(result.summary_path) if result.summary_path else None
    outcome.lines.append(batch_summary(result))
    outcome.warnings.extend(result.warnings)
    outcome.warnings_name_file = True
    for failure in result.failures:
        outcome.errors.extend(failure.error.problems)
    if result.failures:
        outcome.code = max(f.error.exit_code for f in result.failures)
        if any(isinstance(f.error, WorkbookError) for f in result.failures):
            outcome.code = EXIT_CODES["workbook"]
    if result.summary_error is not None:  # the summary there is an earlier batch's
        outcome.errors.extend(result.summary_error.problems)
        if outcome.code == 0:
            outcome.code = EXIT_CODES["output"]
    if "interrupted" in outcome.extra:
        outcome.code = EXIT_CODES["interrupted"]


def _cmd_init(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.scaffold import new_workbook
    from bdt_docx.template import prepare_template

    target = Path(args.workbook)
    if target.suffix.lower() != ".xlsx":
        raise OutputError(
            f"tên sổ Excel mới phải có đuôi .xlsx (ví dụ: {target.stem or 'so_lieu'}.xlsx)",
            target,
            "sổ Excel",
            code="output.suffix",
        )
    fields = prepare_template(args.template).fields
    try:
        path = new_workbook(target, fields, example=args.example, overwrite=args.overwrite)
    except OutputError as exc:
        raise exc.about("sổ Excel") from exc
    outcome.output = str(path)
    outcome.lines.append(f"Đã tạo sổ Excel: {path}")
    if not args.example:
        # The same template, or fill would use the shipped one and find the fields missing.
        template = f' -t "{args.template}"' if args.template else ""
        outcome.lines.append(
            f"Hãy điền cột 'Giá trị' và các danh sách, rồi chạy: bdt-docx fill \"{path}\"{template}"
        )


def _cmd_fields(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.cli.fields import describe_fields

    template = args.template or args.template_given
    if args.embed:
        from bdt_docx.template import embed_description

        if template is None:
            raise UsageError(
                "--embed cần mẫu để lưu mô tả vào: thêm -t MẪU.docx", code="usage.embed"
            )
        outcome.output = str(embed_description(template, args.embed))
        outcome.lines.append(f"Đã lưu mô tả trường {args.embed} vào mẫu {template}.")
    lines, data, problems = describe_fields(template, args.workbook)
    outcome.listing = True
    outcome.lines.extend(lines)
    outcome.extra["fields"] = data
    outcome.errors.extend(problems)
    if problems:
        outcome.code = EXIT_CODES["workbook"]


def _cmd_check(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.checker import check

    report = check(args.document)
    outcome.listing = True
    outcome.lines.append(report.to_text(more=", xem --json"))
    outcome.extra["check"] = report.to_dict()
    outcome.errors.extend(  # the failures, coded by their rule (trang.le), as in every command
        Problem(
            f"{f.title} — {f.where}: {f.found} (cần: {f.expected})", file=report.file, code=f.rule
        )
        for f in report.failures
    )
    if not report.ok:
        outcome.code = EXIT_CODES["violation"]


def _cmd_lint(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.lint import lint_template

    findings = lint_template(args.template)
    outcome.listing = True
    outcome.extra["findings"] = [f.to_dict(HINTS) for f in findings]  # warnings, notes too
    outcome.errors.extend(f for f in findings if f.blocking)
    outcome.lines.extend(
        f.shown(HINTS) if f.blocking or f.note else f"cảnh báo: {f.shown(HINTS)}" for f in findings
    )
    if any(f.blocking for f in findings):  # exactly what fill refuses the template for
        outcome.code = EXIT_CODES["violation"]
    else:
        outcome.lines.append(f"Mẫu {args.template} điền được: không có lỗi thẻ.")


def _cmd_install_macro(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.macros import EXCEL_MACRO, install_libreoffice_macro, macro_file

    path = install_libreoffice_macro(Path(args.profile) if args.profile else None)
    outcome.output = str(path)
    outcome.lines.append(f"Đã cài macro LibreOffice: {path}")
    outcome.lines.append(
        "Macro cho Excel (Developer → Visual Basic → File → Import File…): "
        f"{macro_file(EXCEL_MACRO)}"
    )


COMMANDS = {
    "fill": _cmd_fill,
    "init": _cmd_init,
    "fields": _cmd_fields,
    "check": _cmd_check,
    "lint": _cmd_lint,
    "install-macro": _cmd_install_macro,
}
