"""docxtpl compatibility, measured on docxtpl's own test suite.

Each template of docxtpl's tests (``shared/real/docxtpl-tests``, read in place) is rendered
with the contexts docxtpl's own test scripts use, once through ``DocxTemplate.render`` and
once through :func:`bdt_docx.render_report`. The visible text of every rendered part and the
column grid of every table must be the same. docxtpl's objects that bdt_docx does not put in
a report (InlineImage, Subdoc) must be refused with a :class:`BdtDocxError` naming them.

Visible text: each paragraph's text (tabs, line breaks) on its own line, blank lines left
out, so that a value's lines given as paragraphs (bdt_docx) or as line breaks (docxtpl) read
the same.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import jinja2
import pytest
from docx.shared import Emu
from docxtpl import DocxTemplate, InlineImage, Listing, RichText, RichTextParagraph
from lxml import etree
from needs import shared_real
from reading import W, paragraph_text

import bdt_docx

UNSUPPORTED = ("InlineImage", "Subdoc")


def suite() -> Path:
    return shared_real("docxtpl-tests")


def contexts() -> list[str]:
    try:
        folder = suite()
    except pytest.skip.Exception:
        return []
    return sorted(path.stem for path in (folder / "contexts").glob("*.json"))


def build(value: Any, template: DocxTemplate, folder: Path) -> Any:
    """A recorded context value as the object docxtpl's test script passed."""
    if isinstance(value, list):
        return [build(item, template, folder) for item in value]
    if not isinstance(value, dict):
        return value
    kind = value.get("__obj__")
    if kind in ("RichText", "RichTextParagraph", "Listing"):
        made = {"RichText": RichText, "RichTextParagraph": RichTextParagraph}.get(kind)
        obj = made() if made else Listing("")
        obj.xml = value["xml"]
        return obj
    if kind == "InlineImage":
        size = {k: None if value[k] == "None" else Emu(int(value[k])) for k in ("width", "height")}
        return InlineImage(template, str(folder / value["image"]), **size)
    if kind == "Subdoc":
        return template.new_subdoc()
    if kind == "items":
        return lambda mapping: mapping.items()
    return {key: build(item, template, folder) for key, item in value.items()}


def objects(value: Any) -> set[str]:
    if isinstance(value, dict):
        found = {value["__obj__"]} if "__obj__" in value else set()
        return found.union(*(objects(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(objects(v) for v in value))
    return set()


def visible(data: bytes) -> list[str]:
    """The visible text of a rendered part, one line per paragraph or line break."""
    root = etree.fromstring(data)
    if root.find(f".//{W}p") is None:  # document properties
        texts = [e.text for e in root.iter() if isinstance(e.tag, str) and e.text]
        return [" ".join(t.split()) for t in texts if t.strip() and "T" not in t[:11]]
    paragraphs = [paragraph_text(p) for p in root.iter(f"{W}p")]
    return [line.rstrip() for line in "\n".join(paragraphs).split("\n") if line.strip()]


def grids(data: bytes) -> list[list[str]]:
    root = etree.fromstring(data)
    return [
        [col.get(f"{W}w") for col in table.iter(f"{W}gridCol")] for table in root.iter(f"{W}tbl")
    ]


def rendered_parts(package: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if (name.startswith("word/") and name.endswith(".xml") and "/_rels/" not in name)
            or name == "docProps/core.xml"
        }


@pytest.mark.parametrize("name", contexts())
def test_renders_as_docxtpl_does(name: str, tmp_path: Path) -> None:
    folder = suite()
    recorded = json.loads((folder / "contexts" / f"{name}.json").read_text(encoding="utf-8"))
    source = folder / recorded["template"]
    expected_template = DocxTemplate(str(source))
    expected_context = build(recorded["context"], expected_template, folder)
    ours = build(recorded["context"], DocxTemplate(str(source)), folder)
    refused = objects(recorded["context"]) & set(UNSUPPORTED)
    if refused:
        with pytest.raises(bdt_docx.BdtDocxError) as caught:
            bdt_docx.render_report(ours, source, tmp_path / "bao_cao.docx")
        assert all(kind in str(caught.value) for kind in refused)
        assert not (tmp_path / "bao_cao.docx").exists()
        return
    environment = jinja2.Environment() if recorded["jinja_env"] else None
    expected_template.render(expected_context, environment, autoescape=recorded["autoescape"])
    buffer = io.BytesIO()
    expected_template.save(buffer)
    expected = rendered_parts(buffer.getvalue())

    report = bdt_docx.render_report(ours, source, tmp_path / "bao_cao.docx")
    got = rendered_parts(report.read_bytes())
    assert sorted(got) == sorted(expected)
    for part, data in expected.items():
        assert visible(got[part]) == visible(data), part
        assert grids(got[part]) == grids(data), part
