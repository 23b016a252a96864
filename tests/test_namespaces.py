"""Each XML namespace is declared once, in ``bdt_docx/namespaces.py``; every other module of
the package, and the template builder, takes it from there."""

from __future__ import annotations

import re
from pathlib import Path

from bdt_docx import namespaces

REPOSITORY = Path(__file__).resolve().parent.parent
URI = re.compile(r"http://schemas\.openxmlformats\.org/|urn:oasis:names:|http://purl\.oclc\.org/")


def test_no_module_but_namespaces_declares_a_namespace() -> None:
    sources = [*(REPOSITORY / "bdt_docx").rglob("*.py"), REPOSITORY / "tools" / "build_template.py"]
    declaring = [
        str(path.relative_to(REPOSITORY))
        for path in sources
        if path.name != "namespaces.py" and URI.search(path.read_text(encoding="utf-8"))
    ]
    assert declaring == []
    assert URI.search((REPOSITORY / "bdt_docx" / "namespaces.py").read_text(encoding="utf-8"))


def test_qualified_names() -> None:
    assert namespaces.qn("w:p") == "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
    assert namespaces.qn("xml:space") == "{http://www.w3.org/XML/1998/namespace}space"
