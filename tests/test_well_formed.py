"""A report Word cannot open is never written, whether or not the template was proven whole.

Rendering parses a part only where the template cannot prove it well-formed for every
context (``bdt_docx.proofs``); these templates are proven, or not, and the values or
tags given to them break the XML: each is refused with ``template.broken_xml`` and no
file is left.
"""

from __future__ import annotations

import pytest
from docx_factory import document_xml, make_docx
from docxtpl import RichText
from reading import lines

from bdt_docx.api import render_report
from bdt_docx.errors import TemplateError


def _template(tmp_path, body: str):
    path = tmp_path / "mau.docx"
    path.write_bytes(make_docx({"word/document.xml": document_xml(body)}))
    return path


def _run(text: str) -> str:
    return f'<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _refused(context, template, tmp_path) -> TemplateError:
    with pytest.raises(TemplateError) as caught:
        render_report(context, template, tmp_path / "bao_cao.docx")
    assert not (tmp_path / "bao_cao.docx").exists()
    return caught.value


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        ("{{ x|safe }}", "<w:b>"),  # markup printed as it is
        ("{{ x|e|upper }}", "A & B"),  # escaped, then worked on: &AMP;
        ("{{ x }}", RichText("in đậm", bold=True)),
    ],
)
def test_markup_breaking_a_template_proven_whole_is_refused(tmp_path, tag, value):
    template = _template(tmp_path, _run(f"Kính gửi: {tag}"))
    if isinstance(value, RichText):
        value.xml = value.xml.replace("</w:r>", "")  # a run left open
    error = _refused({"x": value}, template, tmp_path)
    assert error.problems[0].code == "template.broken_xml"
    assert "XML hỏng trong word/document.xml" in str(error)


def test_the_same_template_with_whole_markup_is_written(tmp_path):
    template = _template(tmp_path, _run("Kính gửi: {{ x|safe }}"))
    good = '</w:t></w:r><w:r><w:t xml:space="preserve">Sở Nội vụ'
    report = render_report({"x": good}, template, tmp_path / "bao_cao.docx")
    assert lines(report) == ["Kính gửi: Sở Nội vụ"]


def test_a_paragraph_value_worked_on_is_still_checked(tmp_path):
    """The paragraph filter's text is escaped; upper-cased afterwards, its ``&amp;``
    becomes ``&AMP;``, which XML does not know."""
    template = _template(tmp_path, _run("{{ x|bdt_docx_paragraphs|upper }}"))
    error = _refused({"x": "A & B"}, template, tmp_path)
    assert error.problems[0].code == "template.broken_xml"


def test_lines_of_a_value_outside_any_paragraph_are_refused(tmp_path):
    """A value of several lines through the paragraph filter, in a table's caption: its
    line breaks (docxtpl's bell character) are in no paragraph to split, and a bell is not
    a character XML may hold."""
    table = (
        '<w:tbl><w:tblPr><w:tblCaption w:val="{{ x|bdt_docx_paragraphs }}"/></w:tblPr>'
        '<w:tblGrid><w:gridCol w:w="2000"/></w:tblGrid><w:tr><w:tc>'
        f"{_run('ô')}</w:tc></w:tr></w:tbl>"
    )
    template = _template(tmp_path, table)
    report = render_report({"x": "một dòng"}, template, tmp_path / "mot.docx")
    assert lines(report) == ["ô"]
    error = _refused({"x": "dòng một\ndòng hai"}, template, tmp_path)
    assert error.problems[0].code == "template.broken_xml"


def test_a_loop_closing_what_it_did_not_open_is_checked_and_written_when_whole(tmp_path):
    """A loop whose body ends one run and starts another is not proven (its body closes
    an element it did not open) yet gives a whole report for any number of rounds."""
    body = _run("Nơi nhận:{% for n in noi %} {{ n }}</w:t></w:r><w:r><w:t>;{% endfor %}.")
    template = _template(tmp_path, body)
    report = render_report({"noi": ["A", "B"]}, template, tmp_path / "bao_cao.docx")
    assert lines(report) == ["Nơi nhận: A; B;."]


def test_a_value_in_a_comment_is_checked(tmp_path):
    """Two hyphens end a comment: a value's text can break one."""
    template = _template(tmp_path, _run("a").replace("</w:p>", "<!-- {{ v }} --></w:p>"))
    report = render_report({"v": "ghi chú"}, template, tmp_path / "tot.docx")
    assert lines(report) == ["a"]
    error = _refused({"v": "a--b"}, template, tmp_path)
    assert error.problems[0].code == "template.broken_xml"


@pytest.mark.parametrize(
    "paragraph",
    [
        # Its run inside a hyperlink: docxtpl closes the paragraph inside the link.
        '<w:p><w:hyperlink w:anchor="a"><w:r><w:t>{{ v }}</w:t></w:r></w:hyperlink></w:p>',
        # Its run's properties use a prefix the paragraph declares: copied into the new
        # paragraphs, outside the declaration.
        '<w:p xmlns:x="urn:x"><w:r><w:rPr><w:b x:k="1"/></w:rPr><w:t>{{ v }}</w:t></w:r></w:p>',
    ],
)
def test_lines_of_a_value_that_docxtpl_cannot_split_are_refused(tmp_path, paragraph):
    """A value of several lines filling a paragraph becomes paragraphs as docxtpl makes
    them; where those are not XML, the report is refused (one line is written)."""
    template = _template(tmp_path, paragraph)
    report = render_report({"v": "một dòng"}, template, tmp_path / "mot.docx")
    assert lines(report) == ["một dòng"]
    error = _refused({"v": "dòng một\ndòng hai"}, template, tmp_path)
    assert error.problems[0].code == "template.broken_xml"
