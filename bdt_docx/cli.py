"""The ``bdt-docx`` command: a thin layer over the Python API.

Heavy libraries (docxtpl, lxml, openpyxl) are imported inside the sub-commands that need
them, so that ``bdt-docx --help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bdt_docx import __version__
from bdt_docx.errors import (
    BdtDocxError,
    ConversionError,
    OutputError,
    Problem,
    TemplateError,
    WorkbookError,
    collect_warnings,
)

__all__ = ["EXIT_CODES", "HINTS", "main"]

#: Exit codes, as documented in the README and ``--help`` (an error's is its class's).
EXIT_CODES = {
    "done": 0,
    "unexpected": BdtDocxError.exit_code,
    "usage": 2,
    "workbook": WorkbookError.exit_code,
    "template": TemplateError.exit_code,
    "output": OutputError.exit_code,
    "pdf": ConversionError.exit_code,
    "violation": 7,
    "interrupted": 130,
}

#: How to fix a problem of these codes, in the command's words (shown in place of the
#: Python API's, :data:`bdt_docx.errors.HINTS`, on stderr and in the JSON).
HINTS = {
    "output.exists": "dùng --overwrite để ghi đè, hoặc chọn tên khác",
    "pdf.stale": "hãy tạo lại bằng --pdf hoặc xóa nó",
}

EPILOG = """\
mã thoát:
  0  xong
  1  lỗi không mong đợi (hãy báo bộ phận IT)
  2  gõ lệnh sai
  3  lỗi trong sổ Excel (số liệu hoặc tệp), hoặc tệp đầu vào không đọc được
  4  lỗi trong mẫu báo cáo
  5  không ghi được tệp: báo cáo, PDF, sổ mới, tệp kết quả (đã có, đang mở trong Word
     hay LibreOffice, không có thư mục, không có quyền, sai đuôi)
  6  không chuyển được sang PDF (tệp .docx vẫn được giữ)
  7  check/lint: tài liệu hoặc mẫu có lỗi thể thức
  130  đã dừng bằng Ctrl+C (điền nhiều sổ: đã ghi bảng tổng hợp cho phần đã xong)

ví dụ:
  bdt-docx init so_lieu.xlsx --example
  bdt-docx fill so_lieu.xlsx --pdf
  bdt-docx fill so_lieu.xlsx --json --result ketqua.json
  bdt-docx fields --workbook so_lieu.xlsx
"""


#: argparse's own words, by their gettext message id, in Vietnamese (those a user can meet).
_ARGPARSE_WORDS = {
    "usage: ": "cách dùng: ",
    "the following arguments are required: %s": "thiếu đối số: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "không có lựa chọn %(value)r (chọn một trong: %(choices)s)"
    ),
    "unrecognized arguments: %s": "không hiểu đối số: %s",
    "expected one argument": "cần một giá trị theo sau",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tùy chọn %(option)s chưa rõ: có thể là %(matches)s"
    ),
    "ignored explicit argument %r": "tùy chọn này không nhận giá trị %r",
    "not allowed with argument %s": "không dùng cùng lúc với %s",
    "argument %(argument_name)s: %(message)s": "đối số %(argument_name)s: %(message)s",
}


@contextmanager
def _argparse_in_vietnamese() -> Iterator[None]:
    """argparse speaks Vietnamese while the command line is read and help is printed.

    argparse looks its messages up through the module's ``_`` (gettext); it is swapped for
    :data:`_ARGPARSE_WORDS` for the time of the ``with`` block, then put back.
    """
    english = argparse._  # type: ignore[attr-defined]
    argparse._ = lambda text: _ARGPARSE_WORDS.get(text, text)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = english  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    """argparse in Vietnamese: headings, ``--help``, and usage errors (exit code 2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "đối số"
        self._optionals.title = "tùy chọn"
        self.add_argument("-h", "--help", action="help", help="hiện hướng dẫn này rồi thoát")

    def error(self, message: str) -> None:  # type: ignore[override]
        # Python 3.10 formats "argument X: ..." without asking gettext.
        message = re.sub(r"^argument ", "đối số ", message)
        self.print_usage(sys.stderr)
        self.exit(EXIT_CODES["usage"], f"{self.prog}: gõ lệnh sai: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``bdt-docx`` and its sub-commands.

    The options are spelled the same in every sub-command: ``-t/--template`` is the
    template, ``-w/--workbook`` a workbook given as an option, ``--overwrite``, ``--json``
    and ``--result`` mean the same everywhere. argparse's own words are Vietnamese inside
    :func:`main`.
    """
    parser = _Parser(
        prog="bdt-docx",
        description="Điền Báo cáo đúng thể thức Nghị định 30/2020/NĐ-CP từ sổ Excel.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"bdt-docx {__version__}", help="in phiên bản"
    )
    commands = parser.add_subparsers(dest="command", metavar="LỆNH", parser_class=_Parser)

    fill = commands.add_parser(
        "fill",
        help="điền báo cáo từ sổ Excel",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    fill.add_argument(
        "workbooks",
        nargs="+",
        metavar="SỔ_EXCEL",
        help="sổ Excel (.xlsx, .xlsm, .ods, .xls), nhiều sổ, hoặc một thư mục",
    )
    _add_template_option(fill)
    fill.add_argument(
        "-o",
        "--output",
        metavar="BÁO_CÁO.docx",
        help="tệp báo cáo (mặc định: cạnh sổ Excel, đuôi .docx)",
    )
    fill.add_argument(
        "-d", "--output-dir", metavar="THƯ_MỤC", help="thư mục chứa báo cáo khi điền nhiều sổ"
    )
    fill.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=1,
        metavar="SỐ",
        help="số tiến trình khi điền nhiều sổ (0: mọi lõi CPU)",
    )
    fill.add_argument("--overwrite", action="store_true", help="ghi đè báo cáo đã có")
    fill.add_argument("--pdf", action="store_true", help="tạo thêm tệp PDF (cần LibreOffice)")
    _add_json_options(fill)

    init = commands.add_parser("init", help="tạo sổ Excel mới, sẵn sàng để điền số liệu")
    init.add_argument("workbook", metavar="SỔ_MỚI.xlsx", help="tên sổ Excel mới (đuôi .xlsx)")
    _add_template_option(init)
    init.add_argument("--example", action="store_true", help="điền sẵn số liệu của báo cáo mẫu")
    init.add_argument("--overwrite", action="store_true", help="ghi đè sổ đã có")
    _add_json_options(init)

    fields = commands.add_parser("fields", help="liệt kê các trường mẫu cần (và sổ đã có chưa)")
    template = fields.add_mutually_exclusive_group()
    _add_template_option(template)
    # The template as a positional argument: the old spelling, kept working, not shown.
    template.add_argument("template_given", nargs="?", metavar="MẪU.docx", help=argparse.SUPPRESS)
    fields.add_argument("-w", "--workbook", metavar="SỔ_EXCEL", help="đối chiếu với sổ Excel này")
    fields.add_argument(
        "--embed",
        metavar="MÔ_TẢ.toml",
        help="lưu mô tả trường này vào trong mẫu -t, để mọi bản sao của mẫu mang theo nó",
    )
    _add_json_options(fields)

    check = commands.add_parser("check", help="kiểm tra thể thức ND30 của một tệp .docx")
    check.add_argument("document", metavar="BÁO_CÁO.docx", help="tài liệu cần kiểm tra")
    _add_json_options(check)

    lint = commands.add_parser("lint", help="kiểm tra thẻ Jinja của một mẫu .docx")
    lint.add_argument("template", metavar="MẪU.docx", help="mẫu cần kiểm tra")
    _add_json_options(lint)

    install = commands.add_parser("install-macro", help="cài macro vào LibreOffice của bạn")
    install.add_argument(
        "--profile", metavar="THƯ_MỤC", help="thư mục hồ sơ LibreOffice (mặc định: của bạn)"
    )
    _add_json_options(install)
    return parser


def _add_template_option(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "-t", "--template", metavar="MẪU.docx", help="mẫu .docx (mặc định: mẫu kèm theo)"
    )


def _jobs(text: str) -> int:
    """``-j``: a whole number of processes, 0 for every core."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"cần một số nguyên từ 0 trở lên, không phải '{text}'")
    return int(text)


def _add_json_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help="in kết quả dạng JSON (ASCII) ở dòng cuối stdout"
    )
    parser.add_argument("--result", metavar="TỆP.json", help="ghi kết quả JSON (UTF-8) vào tệp")


class Outcome:
    """What a sub-command did: the exit code, files made, problems and a human message."""

    def __init__(self) -> None:
        self.code = 0
        self.output: str | None = None
        self.pdf: str | None = None
        self.errors: list[Problem] = []
        self.lines: list[str] = []
        self.extra: dict[str, Any] = {}
        #: True when the lines are the command's answer (a listing), printed on stdout
        #: whatever the exit code; otherwise they go to stderr on failure.
        self.listing = False
        #: Things fixed on the way that the clerk should check (legacy encodings…).
        self.warnings: list[Problem] = []

    def fail(self, error: BdtDocxError, code: int | None = None) -> None:
        """Record an error (its code unless one is given) and its problems."""
        self.code = code if code is not None else _code(error)
        self.errors.extend(error.problems)
        self.lines.append(error.shown(HINTS))

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``--json`` and ``--result``."""
        return {
            "ok": self.code == 0,
            "code": self.code,
            "output": self.output,
            "pdf": self.pdf,
            "errors": [p.to_dict(HINTS) for p in self.errors],
            "warnings": [p.to_dict(HINTS) for p in self.warnings],
            **self.extra,
        }


def _code(error: BdtDocxError) -> int:
    """The exit code for ``error``: its class's."""
    return error.exit_code


def _cmd_fill(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.api import fill_report

    sources = [Path(p) for p in args.workbooks]
    if len(sources) > 1 or sources[0].is_dir() or args.output_dir:
        _fill_many(args, sources, outcome)
        return
    try:
        report = fill_report(
            sources[0], args.template, args.output, overwrite=args.overwrite, pdf=args.pdf
        )
    except ConversionError as exc:
        if exc.report is None:
            raise
        _report_without_pdf(outcome, exc, EXIT_CODES["pdf"])
        return
    outcome.output = str(report)
    outcome.lines.append(f"Đã tạo báo cáo: {report}")
    if args.pdf:
        outcome.pdf = str(report.with_suffix(".pdf"))
        outcome.lines.append(f"Đã tạo PDF: {outcome.pdf}")


def _report_without_pdf(outcome: Outcome, failure: ConversionError, code: int) -> None:
    """Record a report written whose PDF was not made (``failure`` says why)."""
    outcome.output = str(failure.report)
    outcome.fail(failure, code)
    outcome.lines.append(f"Tệp .docx vẫn được giữ: {failure.report}")


def _fill_many(args: argparse.Namespace, sources: list[Path], outcome: Outcome) -> None:
    from bdt_docx.batch import BatchInterrupted, fill_reports, find_workbooks

    if args.output:
        raise OutputError("khi điền nhiều sổ, dùng -d THƯ_MỤC thay cho -o", code="usage.output")
    workbooks = find_workbooks(sources)
    output_dir = Path(args.output_dir) if args.output_dir else None
    show_progress = not args.json and sys.stderr.isatty()
    try:
        result = fill_reports(
            workbooks,
            args.template,
            output_dir,
            overwrite=args.overwrite,
            jobs=args.jobs,
            pdf=args.pdf,
            progress=show_progress,
        )
    except BatchInterrupted as stop:
        result = stop.result
        outcome.lines.append("Đã dừng theo yêu cầu (Ctrl+C). Phần đã xong:")
        outcome.extra["interrupted"] = True
        outcome.extra["not_done"] = [str(p) for p in result.not_done]
    outcome.extra["reports"] = [str(p) for p in result.reports]
    outcome.extra["kept"] = [str(p) for p in result.kept]
    outcome.extra["failures"] = [
        {"workbook": str(f.workbook), "code": _code(f.error), "message": f.error.shown(HINTS)}
        for f in result.failures
    ]
    outcome.extra["summary"] = str(result.summary_path) if result.summary_path else None
    outcome.lines.append(result.describe())
    outcome.warnings.extend(result.warnings)
    for failure in result.failures:
        outcome.errors.extend(failure.error.problems)
    if result.failures:
        outcome.code = max(_code(f.error) for f in result.failures)
        if any(isinstance(f.error, WorkbookError) for f in result.failures):
            outcome.code = EXIT_CODES["workbook"]
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
        outcome.lines.append(
            f"Hãy điền cột 'Giá trị' và các danh sách, rồi chạy: bdt-docx fill \"{path}\""
        )


def _cmd_fields(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.report_fields import describe_fields

    template = args.template or args.template_given
    if args.embed:
        from bdt_docx.template import embed_description

        if template is None:
            raise TemplateError(
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
    outcome.lines.append(report.to_text())
    outcome.extra["check"] = report.to_dict()
    if not report.ok:
        outcome.code = EXIT_CODES["violation"]


def _cmd_lint(args: argparse.Namespace, outcome: Outcome) -> None:
    from bdt_docx.lint import lint_template

    findings = lint_template(args.template)
    outcome.listing = True
    outcome.extra["findings"] = [f.to_dict() for f in findings]
    outcome.lines.extend(str(f) if f.blocking or f.note else f"cảnh báo: {f}" for f in findings)
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


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``bdt-docx`` with ``argv`` (default: the process's); return the exit code."""
    parser = build_parser()
    with _argparse_in_vietnamese():
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(sys.stderr)
            return EXIT_CODES["usage"]
    outcome = Outcome()
    try:
        with collect_warnings() as outcome.warnings:
            COMMANDS[args.command](args, outcome)
    except BdtDocxError as exc:
        outcome.fail(exc)
    except KeyboardInterrupt as stop:
        failure = getattr(stop, "pdf_failure", None)  # fill --pdf: the report is written
        if failure is not None:
            _report_without_pdf(outcome, failure, EXIT_CODES["interrupted"])
        else:
            outcome.code = EXIT_CODES["interrupted"]
            outcome.lines.append(
                "Đã dừng theo yêu cầu (Ctrl+C); không có tệp ghi dở nào được để lại."
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
    try:
        _report(args, outcome)
    except BrokenPipeError:  # the reader went away (``bdt-docx check x | head``): stay quiet
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return outcome.code  # _report may have turned a success into 5 (no result file)


def _report(args: argparse.Namespace, outcome: Outcome) -> None:
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
