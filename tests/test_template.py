"""Preparing a template: cached, but never stale."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import zipfile

import pytest
from corpus.builders import docx_template
from lxml import etree
from reading import lines
from workbooks import EXAMPLE, TEMPLATE

from bdt_docx.api import fill_report, read_workbook, render_report
from bdt_docx.cli import main
from bdt_docx.cli.fields import describe_fields
from bdt_docx.errors import ContextError, TemplateError
from bdt_docx.fields import Fields
from bdt_docx.lint import lint_template
from bdt_docx.template import embed_description, prepare_template


def _stored_with(template, old: str, new: str) -> None:
    """``template`` rewritten in place, uncompressed (so its size is its text's), with
    ``old`` replaced by ``new`` in its body."""
    with zipfile.ZipFile(template) as package:
        members = [(info.filename, package.read(info)) for info in package.infolist()]
    with zipfile.ZipFile(template, "w", zipfile.ZIP_STORED) as package:
        for name, data in members:
            if name == "word/document.xml":
                assert old.encode() in data
                data = data.replace(old.encode(), new.encode())
            package.writestr(zipfile.ZipInfo(name, (2021, 6, 9, 0, 0, 0)), data)


def test_a_template_changed_with_its_size_and_time_kept_is_prepared_again(tmp_path):
    """Found by an API run: a script that filled a report, then had its template replaced
    by a version of the same size whose time of change was kept (``cp -p``, ``rsync -t``,
    a backup restored, a zip extracted), got the next report from the old template, with no
    word of it. The file's status change time (ctime) tells the versions apart."""
    template = tmp_path / "mau.docx"
    shutil.copy(TEMPLATE, template)
    _stored_with(template, "Trên đây", "Trên đây")
    first = render_report(read_workbook(EXAMPLE), template, tmp_path / "r1.docx")
    assert any(line.startswith("Trên đây") for line in lines(first))
    stat = template.stat()
    _stored_with(template, "Trên đây", "Trên đâu")  # (as long in UTF-8: the same size)
    os.utime(template, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert template.stat().st_size == stat.st_size
    second = render_report(read_workbook(EXAMPLE), template, tmp_path / "r2.docx")
    assert any(line.startswith("Trên đâu") for line in lines(second))


def test_a_filled_report_given_as_the_template_is_refused(tmp_path):
    """Found by an API run: ``fill_report("so_lieu.xlsx", "bao_cao.docx")`` (the report's
    name put where the template goes) with last month's report there wrote a report that
    was a copy of it, last month's figures, with no error: a report carries the template's
    field description but no tag."""
    old = render_report(read_workbook(EXAMPLE), TEMPLATE, tmp_path / "bao_cao.docx")
    with pytest.raises(TemplateError) as caught:
        fill_report(EXAMPLE, old, tmp_path / "moi.docx")
    (problem,) = caught.value.problems
    assert problem.code == "template.no_tags"
    assert "đây có lẽ là một báo cáo đã điền, không phải mẫu" in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao_cao.docx"]


def test_a_folder_given_as_the_template_is_said_to_be_one(tmp_path):
    """Found by an API run: ``template="."`` ended in pathlib's ValueError "has an empty
    name" from inside."""
    with pytest.raises(TemplateError) as caught:
        fill_report(EXAMPLE, ".", tmp_path / "r.docx")
    assert caught.value.problems[0].message == "đây là một thư mục; hãy cho tệp mẫu .docx"
    assert list(tmp_path.iterdir()) == []


def test_prepared_once_and_again_when_its_description_changes(tmp_path):
    template = tmp_path / "mau.docx"
    shutil.copy(TEMPLATE, template)
    description = template.with_suffix(".toml")
    shutil.copy(TEMPLATE.with_suffix(".toml"), description)
    first = prepare_template(template)
    assert prepare_template(template) is first
    text = description.read_text("utf-8").replace('label = "Địa danh"', 'label = "Nơi ban hành"')
    description.write_text(text, encoding="utf-8")
    stat = description.stat()
    os.utime(description, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = prepare_template(template)
    assert again is not first
    assert again.fields.values["dia_danh"].label == "Nơi ban hành"


def test_a_template_without_description_needs_each_variable_as_text(tmp_path):
    template = docx_template(tmp_path, ["Kính gửi {{ noi_gui }}", "Ngày {{ ngay }}"])
    prepared = prepare_template(template)
    assert prepared.fields.derived
    assert set(prepared.fields.values) == set(prepared.variables) == {"noi_gui", "ngay"}
    assert all(spec.type == "text" and spec.required for spec in prepared.fields.values.values())


def test_fields_and_lint_say_what_is_assumed_without_a_description(tmp_path):
    template = docx_template(tmp_path, ["Kính gửi {{ noi_gui }}"])
    lines, _, _ = describe_fields(template)
    assert lines[0].startswith("Mẫu không có mô tả trường")
    assert "mỗi biến được coi là chữ bắt buộc" in lines[0]
    (note,) = lint_template(template)
    assert note.note and note.message in lines[0]


def test_default_and_is_defined_make_a_variable_optional(tmp_path):
    template = docx_template(
        tmp_path,
        [
            "Kính gửi {{ noi_gui|default('Sở Nội vụ') }}",
            "{% if ghi_chu is defined %}Ghi chú: {{ ghi_chu }}{% endif %}Hết.",
            "Ngày {{ ngay }}",
        ],
    )
    prepared = prepare_template(template)
    assert prepared.optional == {"noi_gui", "ghi_chu"}
    assert not prepared.fields.values["noi_gui"].required
    assert prepared.fields.values["ngay"].required
    out = render_report({"ngay": "09/06/2021"}, template, tmp_path / "a.docx")
    assert lines(out) == ["Kính gửi Sở Nội vụ", "Hết.", "Ngày 09/06/2021"]
    out = render_report({"ngay": "1", "ghi_chu": "x"}, template, tmp_path / "b.docx")
    assert "Ghi chú: xHết." in lines(out)
    with pytest.raises(ContextError, match="ngay: thiếu trường này"):
        render_report({}, template, tmp_path / "c.docx")


DESCRIPTION = (
    '[fields.noi_gui]\nlabel = "Nơi gửi"\n[fields.so_nguoi]\nlabel = "Số"\ntype = "integer"\n'
)


def test_embedded_description_travels_with_copies_and_replaces_an_older_one(tmp_path):
    template = docx_template(tmp_path, ["Kính gửi {{ noi_gui }}", "Số người: {{ so_nguoi }}"])
    description = tmp_path / "mo_ta.toml"
    description.write_text(DESCRIPTION, encoding="utf-8")
    assert main(["fields", "-t", str(template), "--embed", str(description)]) == 0
    description.write_text(DESCRIPTION.replace('"Số"', '"Số người"'), encoding="utf-8")
    embed_description(template, description)  # again: the older description is replaced
    copy = tmp_path / "khac" / "ban_sao.docx"
    copy.parent.mkdir()
    shutil.copy(template, copy)
    fields = prepare_template(copy).fields
    assert fields.embedded and fields == Fields.load(description)
    assert fields.values["so_nguoi"].label == "Số người"
    with zipfile.ZipFile(copy) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
        types = package.read("[Content_Types].xml").decode("utf-8")
    assert custom.count("bdt_docx.mo_ta_truong.001") == 1
    assert types.count("/docProps/custom.xml") == 1


def test_embedding_a_description_that_lacks_a_variable_writes_nothing(tmp_path, capsys):
    template = docx_template(tmp_path, ["Kính gửi {{ noi_gui }}", "Ngày {{ ngay }}"])
    before = template.read_bytes()
    description = tmp_path / "mo_ta.toml"
    description.write_text(DESCRIPTION, encoding="utf-8")
    with pytest.raises(TemplateError, match="ngay"):
        embed_description(template, description)
    assert template.read_bytes() == before
    assert main(["fields", "--embed", str(description)]) == 2
    assert "-t MẪU.docx" in capsys.readouterr().err


def test_a_block_crossing_into_a_table_is_refused_when_its_output_breaks(tmp_path):
    """``{% if %}`` in a paragraph, ``{% endif %}`` in a table cell: when the condition
    holds the report is whole; when it does not, the part left is not XML Word can open,
    so nothing is written and the clerk is told which tags to check."""
    template = docx_template(
        tmp_path, ["Kính gửi {% if ten %}{{ ten }}"], table=[["{% endif %} đơn vị"]]
    )
    report = render_report({"ten": "Sở Nội vụ"}, template, tmp_path / "co.docx")
    assert "Sở Nội vụ" in "".join(lines(report))
    with pytest.raises(TemplateError) as caught:
        render_report({"ten": ""}, template, tmp_path / "khong.docx")
    assert "XML hỏng trong word/document.xml" in str(caught.value)
    assert "{%p %}" in str(caught.value)
    assert not (tmp_path / "khong.docx").exists()


def test_each_value_is_escaped_once_whatever_its_kind(tmp_path):
    """Text, numbers, dates and blanks print as XML text escaped once, as
    ``markupsafe.escape`` escapes it; markup (``|safe``) prints as it is."""
    template = docx_template(
        tmp_path, ["{{ chu }}|{{ so }}|{{ thuc }}|{{ ngay }}|{{ trong }}|{{ dung }}|{{ x|safe }}"]
    )
    text = "Lò & <Cộng sự> 'A' \"B\""
    context = {"chu": text, "so": -15, "thuc": 2.5, "ngay": dt.date(2021, 6, 9),
               "trong": None, "dung": True, "x": '</w:t><w:t xml:space="preserve">?'}  # fmt: skip
    report = render_report(context, template, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        xml = package.read("word/document.xml").decode()
    escaped = "Lò &amp; &lt;Cộng sự&gt; &#39;A&#39; &#34;B&#34;"
    assert f'>{escaped}|-15|2.5|2021-06-09||True|</w:t><w:t xml:space="preserve">?</w:t>' in xml
    assert lines(report) == [f"{text}|-15|2.5|2021-06-09||True|?"]


def test_a_rows_columns_are_read_as_jinja_reads_them(tmp_path):
    """``row.ten`` is the row's column; a name a dict has itself (``items``) is the dict's,
    as in Jinja's own sandbox, even where a column has that name."""
    template = docx_template(
        tmp_path,
        ["{% for r in ds %}{{ r.ten }}/{{ r.items is string }}/{{ r.khong is defined }};"
         "{% endfor %}"],
    )  # fmt: skip
    rows = [{"ten": "Sở Nội vụ", "items": "cột items"}, {"ten": "Ban Dân tộc"}]
    report = render_report({"ds": rows}, template, tmp_path / "bao_cao.docx")
    assert lines(report) == ["Sở Nội vụ/False/False;Ban Dân tộc/False/False;"]


def test_a_loops_counters_and_flags_are_read_as_jinja_reads_them(tmp_path):
    """``loop.index``, ``loop.last``… give what Jinja's sandbox gives; the loop's methods
    and its private attributes still go through the sandbox."""
    template = docx_template(
        tmp_path,
        ["{% for r in ds %}{% for c in r %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}"
         "{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.depth }}"
         "{{ loop.depth0 }}{{ loop.cycle('x', 'y') }}{{ loop.changed(c) }}"
         "{{ loop.lai is defined }};{% endfor %}|{% endfor %}"],
    )  # fmt: skip
    report = render_report({"ds": [[7, 8], [9]]}, template, tmp_path / "bao_cao.docx")
    assert lines(report) == [
        "1021TrueFalse210xTrueFalse;2110FalseTrue210yTrueFalse;|1010TrueTrue110xTrueFalse;|"
    ]
    private = docx_template(tmp_path, ["{% for r in ds %}{{ loop._length }}{% endfor %}"])
    with pytest.raises(TemplateError, match="không được chạy mã"):
        render_report({"ds": [1]}, private, tmp_path / "r.docx")


def test_a_template_saved_with_track_changes_on_gives_reports_with_it_off(tmp_path):
    """Word writes ``<w:trackRevisions/>`` into the settings while Track Changes is on; the
    template's changes are accepted when it is filled, and the report must not track every
    edit of whoever finishes and signs it. The other settings stay."""
    import docx
    from docx.oxml import parse_xml

    from bdt_docx import fill_report

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    template = docx.Document(str(TEMPLATE))
    settings = template.settings.element
    settings.insert(0, parse_xml(f'<w:trackRevisions xmlns:w="{w}"/>'))
    before = {child.tag for child in settings}
    template.save(tmp_path / "mau.docx")
    report = fill_report(EXAMPLE, tmp_path / "mau.docx", tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        written = etree.fromstring(package.read("word/settings.xml"))
    after = {child.tag for child in written}
    assert f"{{{w}}}trackRevisions" not in after
    assert after == before - {f"{{{w}}}trackRevisions"}
    assert written.find(f"{{{w}}}compat/{{{w}}}doNotExpandShiftReturn") is not None


def test_a_strict_open_xml_template_gives_reports_settings_in_its_own_namespace(tmp_path, capsys):
    """Word saves a template as Strict Open XML Document (.docx) when asked (Save As → Strict
    Open XML Document): the report's settings got the transitional w:doNotExpandShiftReturn
    among the Strict ones (an element of another namespace in w:compat), and kept Track
    Changes on, its w:trackRevisions not found (found by a new-user run)."""
    from corpus.builders import rewrite_parts

    from bdt_docx import fill_report

    transitional = b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    strict = "http://purl.oclc.org/ooxml/wordprocessingml/main"

    def as_strict(name: str, data: bytes) -> bytes:
        if name == "word/settings.xml":
            data = re.sub(rb"<w:compat>.*?</w:compat>|<w:compat/>", b"", data, flags=re.S)
            data = data.replace(b"<w:zoom", b"<w:trackRevisions/><w:zoom", 1)
        relationships = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        strict_relationships = b"http://purl.oclc.org/ooxml/officeDocument/relationships"
        return data.replace(transitional, strict.encode()).replace(
            relationships, strict_relationships
        )

    template = rewrite_parts(TEMPLATE, tmp_path / "mau.docx", as_strict)
    with zipfile.ZipFile(template) as package:
        assert b"trackRevisions" in package.read("word/settings.xml")
    report = fill_report(EXAMPLE, template, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        data = package.read("word/settings.xml")
    assert transitional not in data
    settings = etree.fromstring(data)
    assert settings.find(f"{{{strict}}}compat/{{{strict}}}doNotExpandShiftReturn") is not None
    assert settings.find(f"{{{strict}}}trackRevisions") is None
    # check says what the report is (it said the report had no Word content part)
    assert main(["check", str(report)]) == 3
    err = capsys.readouterr().err
    assert "lưu dạng Strict Open XML Document" in err and "Word Document (.docx)" in err


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("doc", "tệp mẫu là văn bản Word 97-2003 (.doc)"),
        ("rtf", "tệp mẫu là văn bản RTF (.rtf)"),
        ("fodt", "tệp mẫu là văn bản LibreOffice Writer dạng XML phẳng (.fodt)"),
    ],
)
def test_a_template_saved_by_writer_in_another_format_says_to_save_it_as_docx(
    tmp_path, capsys, kind, says
):
    """Writer's other formats (also what Word 97-2003 and RTF are) are named, with how to
    save the template as a .docx (they said only that the file was no Office file)."""
    from needs import require_libreoffice

    from bdt_docx.cli import main
    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    other = run_conversion(TEMPLATE, kind, tmp_path / kind)
    assert main(["lint", str(other)]) == 4
    err = capsys.readouterr().err
    assert says in err and "Save As) kiểu Word Document (.docx)" in err


@pytest.mark.slow
def test_a_template_saved_as_odt_by_writer_says_to_save_it_as_docx(tmp_path, capsys):
    """The template saved by LibreOffice Writer in its own format (.odt): lint and fill say
    so, with how to save it as a .docx (they said the Word content part was missing)."""
    from needs import require_libreoffice

    from bdt_docx.cli import main
    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    odt = run_conversion(TEMPLATE, "odt", tmp_path / "odt")
    for argv in (["lint", str(odt)], ["fill", str(EXAMPLE), "-t", str(odt), "-d", str(tmp_path)]):
        assert main(argv) == 4
        err = capsys.readouterr().err
        assert "tệp là văn bản .odt của LibreOffice Writer" in err, argv
        assert "Save As, chọn Word 2007-365 (.docx)" in err and "thiếu" not in err
    assert not list(tmp_path.glob("*.docx"))


@pytest.mark.slow
def test_a_template_saved_as_a_word_template_gives_reports_word_opens(tmp_path):
    """A template saved as a Word template (.dotx: Word's Save As → Word Template, Writer's
    Word 2007-365 Template) fills, and its report is a Word document: the report kept the
    template's content type, which Word and python-docx refuse to open in a .docx (found by
    a new-user run)."""
    import docx
    from needs import require_libreoffice

    from bdt_docx import fill_report
    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    dotx = run_conversion(TEMPLATE, "dotx:MS Word 2007 XML Template", tmp_path / "dotx")
    with zipfile.ZipFile(dotx) as package:
        assert b"template.main+xml" in package.read("[Content_Types].xml")
    report = fill_report(EXAMPLE, dotx, tmp_path / "bao_cao.docx")
    with zipfile.ZipFile(report) as package:
        types = package.read("[Content_Types].xml")
    assert b"wordprocessingml.document.main+xml" in types and b"template.main" not in types
    opened = docx.Document(str(report))  # (python-docx refused it, as Word does)
    assert opened.tables[0].cell(0, 0).text.startswith("UBND TỈNH CAO BẰNG\nBAN DÂN TỘC")


@pytest.mark.slow
def test_a_template_saved_with_macros_is_refused_saying_to_save_it_as_docx(tmp_path, capsys):
    """A template saved as a macro-enabled document (.docm: Writer's Word 2007-365 VBA,
    Word's Word Macro-Enabled Document) is refused, with how to save it as a .docx: its
    tags were not filled, and the report printed '{{ co_quan_chu_quan }}' with exit 0 (found
    by a new-user run)."""
    from needs import require_libreoffice

    from bdt_docx.libreoffice import run_conversion

    require_libreoffice()
    docm = run_conversion(TEMPLATE, "docm:MS Word 2007 XML VBA", tmp_path / "docm")
    out = tmp_path / "bao_cao.docx"
    for argv in (["lint", str(docm)], ["fill", str(EXAMPLE), "-t", str(docm), "-o", str(out)]):
        assert main(argv) == 4, argv
        err = capsys.readouterr().err
        assert "văn bản Word có macro (.docm, .dotm)" in err, argv
        assert "Save As) kiểu Word Document (.docx)" in err
    assert not out.exists()


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_a_workbook_given_as_the_template_is_said_to_be_one(tmp_path, capsys, kind):
    """The workbook given for the template (the two swapped: fill mau.docx -t so.xlsx, or
    -t so.xlsx by slip) is said to be a workbook: an .xlsx was 'thiếu word/document.xml',
    and an .xls was called a Word 97-2003 document, to be opened in Word (found by a
    new-user run)."""
    from corpus.builders import cfb

    workbook = tmp_path / f"so_lieu.{kind}"
    if kind == "xlsx":
        shutil.copyfile(EXAMPLE, workbook)
    else:
        workbook.write_bytes(cfb({"Workbook": b"\x09\x08"}))
    out = tmp_path / "bao_cao.docx"
    for argv in (
        ["lint", str(workbook)],
        ["fill", str(EXAMPLE), "-t", str(workbook), "-o", str(out)],
    ):
        assert main(argv) == 4, argv
        err = capsys.readouterr().err
        assert (
            "tệp mẫu là sổ bảng tính (Excel hay LibreOffice Calc), không phải văn bản Word" in err
        )
        assert "Word 97-2003" not in err and "word/document.xml" not in err
    assert not out.exists()


def test_an_empty_template_is_said_empty(tmp_path, capsys):
    """A template of 0 bytes (a save or a copy cut short) is said empty, with what to do: it
    was 'không phải tệp Office (.xlsx, .docx) hợp lệ' (found by a new-user run)."""
    template = tmp_path / "mau.docx"
    template.write_bytes(b"")
    assert main(["lint", str(template)]) == 4
    err = capsys.readouterr().err
    assert "tệp mẫu rỗng (0 byte)" in err and "không phải tệp Office" not in err


def test_a_tag_deleted_with_track_changes_on_is_refused_with_the_note_of_the_change(tmp_path):
    """``{%p endif %}`` deleted while Track Changes was on still shows in Word, struck
    through; the refusal says a tag is missing and, as a note, that the template holds a
    tracked change, which filling accepts (the note was dropped)."""
    from corpus.builders import rewrite_parts

    from bdt_docx import TemplateError

    plain = b'<w:r><w:t xml:space="preserve">{%p endif %}</w:t></w:r>'
    deleted = (
        '<w:del w:id="901" w:author="Văn thư" w:date="2026-05-04T08:00:00Z"><w:r>'
        '<w:delText xml:space="preserve">{%p endif %}</w:delText></w:r></w:del>'
    ).encode()

    def delete_one(name: str, data: bytes) -> bytes:
        return data.replace(plain, deleted, 1) if name == "word/document.xml" else data

    template = rewrite_parts(TEMPLATE, tmp_path / "mau.docx", delete_one)
    with pytest.raises(TemplateError) as caught:
        prepare_template(template)
    text = str(caught.value)
    assert "không được đóng: thiếu {% endif %}" in text
    assert "\nLưu ý: mẫu còn 1 thay đổi được theo dõi (Track Changes)" in text
    assert [p.code for p in caught.value.problems][-1] == "tracked-changes"
