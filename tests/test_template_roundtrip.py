"""Templates as Word and LibreOffice save them: the shipped one saved by real LibreOffice
Writer (as .docx, and as .odt then .docx), a copy renamed into another folder, and a copy
edited the way Word edits. Each lints clean and fills the example workbook to the original
report's text; the field description travels inside the .docx."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from corpus.builders import rewrite_parts
from needs import require_libreoffice
from reading import HEADER_ONLY, allowed_slips, lines, seed_lines
from workbooks import EXAMPLE, TEMPLATE

import bdt_docx
from bdt_docx.checker import check
from bdt_docx.cli.fields import describe_fields
from bdt_docx.fields import Fields
from bdt_docx.libreoffice import run_conversion
from bdt_docx.lint import lint_template
from bdt_docx.template import prepare_template

WRITER_DOCX = "docx:MS Word 2007 XML"
#: The edited sentence as the report must print it.
EDITED = (
    "Toàn thể công chức và người lao động Ban Dân tộc luôn gương mẫu trong thực hiện "
    "quyền công dân, kết quả 100% (25/25 người) tham gia bầu cử đầy đủ, đúng giờ."
)


def body_lines(report: Path) -> list[str]:
    return [allowed_slips(x) for x in lines(report) if x not in HEADER_ONLY]


def seed() -> list[str]:
    return [allowed_slips(x) for x in seed_lines()]


@pytest.fixture(scope="module")
def saved_by_writer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The shipped template opened and saved by LibreOffice Writer, alone in its folder."""
    soffice = require_libreoffice()
    folder = tmp_path_factory.mktemp("writer")
    source = Path(shutil.copyfile(TEMPLATE, folder / "mau.docx"))
    as_docx = run_conversion(source, WRITER_DOCX, folder / "docx", soffice=soffice)
    odt = run_conversion(source, "odt", folder / "odt", soffice=soffice)
    via_odt = run_conversion(odt, WRITER_DOCX, folder / "odt_docx", soffice=soffice)
    edited = edit_odt(odt, folder / "sua" / "mau.odt")
    via_edit = run_conversion(edited, WRITER_DOCX, folder / "sua_docx", soffice=soffice)
    return {"docx": as_docx, "odt": via_odt, "edited": via_edit}


# The sentence of the template, edited in Writer's own format: a word added, a sentence
# changed, part of a tag made bold and a bookmark inside another tag. Writer then writes it
# as .docx itself.
ODT_SENTENCE = (
    "Toàn thể công chức và người lao động {{ ten_co_quan }} gương mẫu trong thực hiện quyền "
    "công dân, kết quả {{ so_nguoi_di_bau_cu|phan_tram(tong_so_nguoi) }} "
    "({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} người) tham gia bầu cử đầy đủ."
)
ODT_EDITED = (
    'Toàn thể công chức và người lao động {{ ten_<text:span text:style-name="TBdtDam">co'
    "</text:span>_quan }} luôn gương mẫu trong thực hiện quyền công dân, kết quả "
    '{{ so_nguoi_di_bau_cu|phan_tram(<text:bookmark-start text:name="sua"/>tong_so_nguoi) '
    '}}<text:bookmark-end text:name="sua"/> ({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} '
    "người) tham gia bầu cử đầy đủ, đúng giờ."
)
BOLD_STYLE = (
    '<style:style style:name="TBdtDam" style:family="text">'
    '<style:text-properties fo:font-weight="bold"/></style:style>'
)


def edit_odt(odt: Path, target: Path) -> Path:
    """A copy of ``odt`` with the sentence above edited (members kept as they were stored)."""
    target.parent.mkdir()
    with zipfile.ZipFile(odt) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "content.xml":
                text = data.decode("utf-8")
                assert text.count(ODT_SENTENCE) == 1
                text = text.replace(ODT_SENTENCE, ODT_EDITED)
                text = text.replace(
                    "</office:automatic-styles>", BOLD_STYLE + "</office:automatic-styles>", 1
                )
                data = text.encode("utf-8")
            new.writestr(info, data)
    return target


@pytest.mark.slow
def test_template_edited_in_writer_keeps_the_edit_and_the_figures(
    saved_by_writer: dict[str, Path], tmp_path: Path
) -> None:
    template = saved_by_writer["edited"]
    assert lint_template(template) == []
    report = bdt_docx.fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    original = next(x for x in seed() if x.startswith("Toàn thể công chức"))
    assert body_lines(report) == [EDITED if x == original else x for x in seed()]


@pytest.mark.parametrize("route", ["docx", "odt"])
@pytest.mark.slow
def test_template_saved_by_writer_lints_clean_and_fills_the_seed_text(
    saved_by_writer: dict[str, Path], route: str, tmp_path: Path
) -> None:
    template = saved_by_writer[route]
    assert not template.with_suffix(".toml").exists()
    assert lint_template(template) == []
    assert prepare_template(template).fields == Fields.load(TEMPLATE.with_suffix(".toml"))
    report = bdt_docx.fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    assert body_lines(report) == seed()
    assert check(report).failures == []  # still within every ND30 rule after Writer


def test_copy_renamed_into_another_folder_fills_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "mẫu của phòng"
    folder.mkdir()
    template = Path(shutil.copyfile(TEMPLATE, folder / "Báo cáo thi đua 2026.docx"))
    assert lint_template(template) == []
    lines_out, _, problems = describe_fields(template, EXAMPLE)
    assert problems == [] and lines_out[0] == "Mô tả trường: lưu trong tệp mẫu."
    report = bdt_docx.fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    assert body_lines(report) == seed()


# A paragraph of the template as Word writes it after a clerk's edit: runs split by revision
# ids, a spelling mark and a bookmark inside tags, curly quotes typed by AutoFormat, and the
# edit itself kept as tracked changes (one word deleted, others inserted).
ORIGINAL = (
    "Toàn thể công chức và người lao động {{ ten_co_quan }} gương mẫu trong thực hiện quyền "
    "công dân, kết quả {{ so_nguoi_di_bau_cu|phan_tram(tong_so_nguoi) }} "
    "({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} người) tham gia bầu cử đầy đủ."
)
WORD_EDITED = (
    '<w:r w:rsidR="00A1"><w:t xml:space="preserve">Toàn thể công chức và người lao động {</w:t>'
    '</w:r><w:proofErr w:type="spellStart"/><w:r w:rsidR="00B2"><w:t>{ ten_co</w:t></w:r>'
    '<w:proofErr w:type="spellEnd"/><w:r w:rsidRPr="00C3"><w:rPr><w:b/></w:rPr>'
    '<w:t>_quan }}</w:t></w:r><w:r><w:t xml:space="preserve"> </w:t></w:r>'
    '<w:del w:id="1" w:author="Văn thư" w:date="2026-05-04T08:00:00Z"><w:r>'
    '<w:delText xml:space="preserve">gương mẫu </w:delText></w:r></w:del>'
    '<w:ins w:id="2" w:author="Văn thư" w:date="2026-05-04T08:00:00Z"><w:r>'
    '<w:t xml:space="preserve">luôn gương mẫu </w:t></w:r></w:ins>'
    '<w:r><w:t xml:space="preserve">trong thực hiện quyền công dân, kết quả {{ '
    "so_nguoi_di_bau_cu|phan_tram(</w:t></w:r>"
    '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:r w:rsidR="00D4"><w:t>tong_so_nguoi) '
    "}} ({{ so_nguoi_di_bau_cu|so }}/{{ tong_so_nguoi|so }} người) tham gia bầu cử đầy đủ"
    '{{ “” }}, đúng giờ.</w:t></w:r><w:bookmarkEnd w:id="0"/>'
)


def test_template_edited_the_way_word_edits_keeps_the_edit_and_the_figures(
    tmp_path: Path,
) -> None:
    def edit(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        old = f'<w:r><w:t xml:space="preserve">{ORIGINAL}</w:t></w:r>'.encode()
        assert data.count(old) == 1
        return data.replace(old, WORD_EDITED.encode())

    folder = tmp_path / "khac"
    folder.mkdir()
    template = rewrite_parts(TEMPLATE, folder / "mau_da_sua.docx", edit)
    findings = lint_template(template)
    assert [f.code for f in findings] == ["tracked-changes"] and findings[0].note
    # (how to accept them, in either program the template may be edited in)
    assert "Word: Review → Accept" in findings[0].message
    assert "LibreOffice Writer: Edit → Track Changes → Accept All" in findings[0].message
    report = bdt_docx.fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    original = next(x for x in seed() if x.startswith("Toàn thể công chức"))
    assert body_lines(report) == [EDITED if x == original else x for x in seed()]


def test_entities_and_a_field_inside_tags_are_read_as_the_tag(tmp_path: Path) -> None:
    """Quotes written as XML entities, and a field (page number) Word left inside a tag."""
    field = (
        '</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r>'
        '<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r>'
        '<w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve">'
    )

    def edit(name: str, data: bytes) -> bytes:
        if name != "word/document.xml":
            return data
        quoted = b"{{ '.' if loop.last else ';' }}"
        assert data.count(quoted) == 2
        data = data.replace(quoted, b"{{ &quot;.&quot; if loop.last else &apos;;&apos; }}")
        tag = b"{{ ten_day_du }}"
        assert data.count(tag) == 1
        return data.replace(tag, b"{{ ten_day" + field.encode() + b"_du }}")

    template = rewrite_parts(TEMPLATE, tmp_path / "mau.docx", edit)
    assert lint_template(template) == []
    report = bdt_docx.fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    assert body_lines(report) == seed()
    with zipfile.ZipFile(report) as package:  # the field inside the tag went with it
        assert b"PAGE" not in package.read("word/document.xml")
