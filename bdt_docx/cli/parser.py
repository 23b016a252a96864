"""The command line of ``bdt-docx``: its sub-commands and options, and argparse's own words
in Vietnamese (headings, ``--help``, usage errors)."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bdt_docx import __version__
from bdt_docx.cli.outcome import EXIT_CODES

__all__ = ["argparse_in_vietnamese", "build_parser"]

EPILOG = """\
mã thoát:
  0  xong
  1  lỗi không mong đợi (hãy báo bộ phận IT)
  2  gõ lệnh sai
  3  lỗi trong sổ Excel (số liệu hoặc tệp), hoặc tệp đầu vào không đọc được
  4  lỗi trong mẫu báo cáo
  5  không ghi được tệp: báo cáo, PDF, bảng tổng hợp, sổ mới, tệp kết quả (đã có, đang
     mở trong Word hay LibreOffice, không có thư mục, không có quyền, sai đuôi)
  6  không chuyển được sang PDF (tệp .docx vẫn được giữ)
  7  check/lint: tài liệu hoặc mẫu có lỗi thể thức
  130  đã dừng bằng Ctrl+C hay SIGTERM (điền nhiều sổ: đã ghi bảng tổng hợp cho
       phần đã xong)

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
def argparse_in_vietnamese() -> Iterator[None]:
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
        """Print the usage and ``message`` in Vietnamese on stderr; exit with code 2."""
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
        help="sổ Excel (.xlsx, .xlsm, .ods, .xls), nhiều sổ, hoặc thư mục (các sổ ngay trong đó)",
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
    fill.add_argument(
        "--just-saved",
        action="store_true",
        help="sổ vừa được lưu đúng như đang mở (macro dùng): không cảnh báo sổ đang mở trong "
        "Excel hay LibreOffice Calc (một sổ)",
    )
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
    parser.add_argument(
        "--result",
        metavar="TỆP.json",
        help="ghi kết quả JSON (UTF-8) vào tệp; tệp không ghi được thì lệnh không làm gì (mã 5)",
    )
