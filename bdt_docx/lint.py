"""``bdt-docx lint``: what filling would say about a template's tags, before anyone fills it.

The analysis is :mod:`bdt_docx.tags`, run by :func:`~bdt_docx.template.prepare_template`:
``lint`` lists what it found, so it accepts exactly the templates ``fill`` accepts and
refuses those it refuses. It adds what the template's field description is (or what is
assumed without one).
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from jinja2 import nodes

from bdt_docx.errors import TemplateError
from bdt_docx.namespaces import qn
from bdt_docx.package import PackageError, parse_xml
from bdt_docx.tags import Finding
from bdt_docx.template import PreparedTemplate, prepare_template

__all__ = ["Finding", "lint_template"]


def lint_template(template: str | os.PathLike[str]) -> list[Finding]:
    """Every finding about ``template``'s tags, in document order.

    :attr:`Finding.blocking` findings are those ``fill`` refuses the template for; others
    are warnings, and :attr:`Finding.note` ones say what was assumed or accepted. Raises
    :class:`~bdt_docx.TemplateError` when the file is not a readable .docx.
    """
    path = Path(template)
    try:
        prepared = prepare_template(path)
    except TemplateError as exc:
        if isinstance(exc.__cause__, (PackageError, OSError)):
            raise
        findings = [
            p
            if isinstance(p, Finding)
            else Finding(p.message, code="refused", file=p.file, field=p.field)
            for p in exc.problems
        ]
    else:
        findings = list(prepared.findings)
        if not prepared.variables:
            findings.append(
                Finding(
                    "mẫu không dùng số liệu nào (không có thẻ {{ … }}): điền mẫu này chỉ chép "
                    "lại đúng văn bản của nó. Có lẽ đây là một báo cáo đã điền, không phải mẫu",
                    code="no-variables",
                )
            )
        described = [*prepared.fields.values, *prepared.fields.tables]
        findings += [
            Finding(
                f"mô tả trường có '{name}' nhưng mẫu không dùng (thẻ của nó đã bị xóa?): số "
                "liệu này không được in ra, mà sổ Excel vẫn phải có",
                code="unused-field",
                field=name,
            )
            for name in described
            if name not in prepared.variables
        ]
        if prepared.fields.derived:
            findings.append(Finding(prepared.fields.origin(), code="assumed"))
            findings += _texts_through_typed_filters(prepared)
        findings += _comments(prepared)
    return [f if f.file else replace(f, file=str(path)) for f in findings]


#: The filters that need a number or a date, and what they need.
_TYPED_FILTERS = {
    **dict.fromkeys(("so", "phan_tram", "hai_chu_so", "so_hieu", "la_ma"), "một số"),
    **dict.fromkeys(("ngay_day_du", "ngay_ngan"), "một ngày"),
}


def _texts_through_typed_filters(prepared: PreparedTemplate) -> list[Finding]:
    """A warning for each value of a template without a description that a number's or a
    date's filter prints (``{{ so_ho|so }}``): read from a workbook, every such value is a
    text, so filling from a workbook always fails on it (a program's context may hold a
    number)."""
    found: dict[str, tuple[str, str]] = {}
    for part in prepared.parts:
        if part.source is None:
            continue
        for node in prepared.environment.parse(part.source).find_all(nodes.Filter):
            name = node.node.name if isinstance(node.node, nodes.Name) else None
            if node.name in _TYPED_FILTERS and name in prepared.fields.values:
                found.setdefault(name, (node.name, part.info.filename))
    return [
        Finding(
            f"'{name}' được in qua bộ lọc {used}, bộ lọc cần {_TYPED_FILTERS[used]}; mẫu không "
            f"có mô tả trường nên '{name}' đọc từ sổ Excel là chữ, và điền từ sổ Excel sẽ lỗi. "
            "Hãy viết mô tả trường cho mẫu (tệp .toml cùng tên bên cạnh mẫu), cho "
            f"'{name}' type = \"{'date' if used.startswith('ngay') else 'integer'}\"",
            code="untyped-filter",
            field=name,
            part=part,
        )
        for name, (used, part) in found.items()
    ]


def _comments(prepared: PreparedTemplate) -> list[Finding]:
    """A warning when the template holds comments (Review → New Comment): every report gets
    them, and Word prints them beside the text unless told not to."""
    part = next((p for p in prepared.parts if p.info.filename == "word/comments.xml"), None)
    if part is None:
        return []
    comments = list(parse_xml(part.data, part.info.filename).iter(qn("w:comment")))
    if not comments:
        return []
    first = " ".join("".join(t.text or "" for t in comments[0].iter(qn("w:t"))).split())
    return [
        Finding(
            f"mẫu có {len(comments)} chú thích (Comment), như «{first[:60]}»: chúng được chép "
            "vào mọi báo cáo, và Word in chúng bên lề cùng báo cáo. Hãy xóa chúng trong Word "
            "(Review → Delete → Delete All Comments in Document) hoặc LibreOffice Writer (chuột "
            "phải vào một chú thích → Delete All Comments) rồi lưu mẫu",
            code="comments",
            part=part.info.filename,
        )
    ]
