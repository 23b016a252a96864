"""bdt_docx's ``patch_xml`` (docxtpl's, less the passes that cannot change a part) gives
what docxtpl's ``DocxTemplate.patch_xml`` gives: on every part with tags of docxtpl's own
test templates and of the shipped template, as saved and as cleaned for Jinja, and on XML
made of the pieces its passes look for."""

from __future__ import annotations

import zipfile

from docxtpl import DocxTemplate
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from needs import shared_real

from bdt_docx.tags import read_part
from bdt_docx.tags.patching import patch_xml
from bdt_docx.template import default_template


def _parts_with_tags(paths):
    for path in paths:
        with zipfile.ZipFile(path) as package:
            for name in package.namelist():
                data = package.read(name)
                if name.endswith(".xml") and b"{" in data:
                    yield name, data


def test_docxtpl_templates_patch_as_docxtpl_patches_them():
    templates = sorted((shared_real("docxtpl-tests") / "templates").glob("*.docx"))
    compared, features = 0, set()
    for name, data in _parts_with_tags([default_template(), *templates]):
        cleaned = etree.tostring(read_part(name, data).root, encoding="unicode")
        for xml in (data.decode("utf-8"), cleaned):
            assert patch_xml(xml) == DocxTemplate.patch_xml(None, xml), name
            compared += 1
            features |= {f for f in ("{%p ", "{%tr ", "{%tc ", "colspan", "hm %}") if f in xml}
    # (the passes this module runs, and the cell passes it leaves to docxtpl, were met)
    assert compared > 50 and features == {"{%p ", "{%tr ", "{%tc ", "colspan", "hm %}"}


_PIECES = st.sampled_from(
    [
        "<w:p>", '<w:p w:rsidR="1">', "</w:p>", "<w:tr>", "</w:tr>", "<w:tc>", "</w:tc>",
        "<w:tcPr>", "</w:tcPr>", '<w:gridSpan w:val="2"/>', '<w:shd w:fill="FF0000"/>',
        "<w:r>", "</w:r>", "<w:t>", '<w:t xml:space="preserve">', "</w:t>", "<w:t></w:t>",
        "{{", "}}", "{%", "%}", "{#", "#}", "{%-", "-%}", "{%p ", "{{p ", "{%tr ", "{%tc ",
        "{{r ", "{%r ", "{#p ", "{#tr ", "{#tc ", "if x", "endif", "for r in ds", "endfor",
        " colspan 2", " cellbg 'FF0000'", " vm ", " hm ", "x", " ", "\n", "&lt;", "&gt;",
        "&#8216;", "“", "’", "{</w:t></w:r><w:r><w:t>", "}</w:t><w:t>", "%</w:t><w:t>",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("<w:t>{{ a }</w:t></w:r><w:r><w:t>}</w:t>")  # a tag split between its braces
@example("<w:t>{</w:t></w:r><w:r><w:t>{ a }}</w:t>")
def test_patched_as_docxtpl_patches_any_arrangement_of_its_pieces(xml):
    assert patch_xml(xml) == DocxTemplate.patch_xml(None, xml)
