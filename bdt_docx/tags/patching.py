"""docxtpl's ``patch_xml``, without the passes that cannot change a part.

docxtpl's ``DocxTemplate.patch_xml`` turns a part's XML into Jinja source in some twenty
passes of regular expressions over the whole part, one per feature (``{%p %}``, ``{%tr %}``,
``{#tc #}``, ``{%-``, ``colspan``…), most of them scanning from every paragraph, row or cell
start. A template uses a few of these features: a pass whose expression needs a text the
part does not hold at that point (``{%tc ``, ``{#p ``, ``-%}``…) cannot match, and is
skipped. The passes that rewrite table cells (``colspan``, ``cellbg``, ``{% vm %}``,
``{% hm %}``) are not repeated here: a part holding one of them, when its pass comes, goes
through docxtpl's ``patch_xml`` itself. Each expression and replacement is docxtpl's
(0.20), in docxtpl's order; ``tests/test_patching.py`` holds :func:`patch_xml` to docxtpl's.
"""

from __future__ import annotations

import re

from docxtpl import DocxTemplate

__all__ = ["patch_xml"]

_DOTALL = re.DOTALL
# docxtpl's first passes: markup between a tag's two braces, and inside a tag, goes (a
# match of the first holds "{<" or ">}", one of the second's inner pass "</w:t>").
_SPLIT_BRACES = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})", _DOTALL)
_IN_TAG = re.compile(r"{%(?:(?!%}).)*|{#(?:(?!#}).)*|{{(?:(?!}}).)*", _DOTALL)
_TEXT_BREAK = re.compile("</w:t>.*?(<w:t>|<w:t [^>]*>)", _DOTALL)
#: What docxtpl's cell passes need: its first two (colspan, cellbg), then its last two.
_FIRST_CELL_PASSES = ("colspan", "cellbg")
_LAST_CELL_PASSES = re.compile(r"{%\s*[vh]m\s*%}")


# docxtpl's passes replacing the element ``w:y`` that holds a ``{%y …%}`` or ``{{y …}}``
# tag (a ``{#y …#}`` comment) by the tag alone.
_PREFIXED = r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({%%|{{)%(y)s ([^}%%]*(?:%%}|}})).*?</w:%(y)s>"
_COMMENTED = r"<w:%(y)s[ >](?:(?!<w:%(y)s[ >]).)*({#)%(y)s ([^}#]*(?:#})).*?</w:%(y)s>"


#: docxtpl's passes after its first cell passes, up to its last ones: the texts one of
#: which the expression needs, the expression, the replacement.
_PASSES: tuple[tuple[tuple[str, ...], re.Pattern[str], str], ...] = (
    (
        ("<w:t>",),
        re.compile(r"<w:t>((?:(?!<w:t>).)*)({{.*?}}|{%.*?%})", _DOTALL),
        r'<w:t xml:space="preserve">\1\2',
    ),
    (
        ("{{r", "{%r"),
        re.compile(r"({{r\s.*?}}|{%r\s.*?%})", _DOTALL),
        r'</w:t></w:r><w:r><w:t xml:space="preserve">\1</w:t></w:r><w:r><w:t xml:space="preserve">',
    ),
    (("{%-",), re.compile(r"</w:t>(?:(?!</w:t>).)*?{%-", _DOTALL), "{%"),
    (("-%}",), re.compile(r"-%}(?:(?!<w:t[ >]|{%|{{).)*?<w:t[^>]*?>", _DOTALL), "%}"),
    *(
        (("{%" + y + " ", "{{" + y + " "), re.compile(_PREFIXED % {"y": y}, _DOTALL), r"\1 \2")
        for y in ("tr", "tc", "p", "r")
    ),
    *(
        (("{#" + y + " ",), re.compile(_COMMENTED % {"y": y}, _DOTALL), r"\1 \2")
        for y in ("tr", "tc", "p")
    ),
)
_TAG_INSIDE = re.compile(r"(?<=\{[\{%])(.*?)(?=[\}%]})")
_TAG_CHARACTERS = (
    ("&#8216;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("“", '"'), ("”", '"'), ("‘", "'"),
    ("’", "'"),
)  # fmt: skip


def patch_xml(xml: str) -> str:
    """What ``DocxTemplate.patch_xml`` gives for ``xml``."""
    patched = xml
    if "{<" in patched or ">}" in patched:  # (what a match of the first pass holds)
        patched = _SPLIT_BRACES.sub("", patched)
    patched = _IN_TAG.sub(_strip_tags, patched)
    if any(needed in patched for needed in _FIRST_CELL_PASSES):
        return DocxTemplate.patch_xml(None, xml)
    for needed, expression, replacement in _PASSES:
        if any(text in patched for text in needed):
            patched = expression.sub(replacement, patched)
    if _LAST_CELL_PASSES.search(patched):
        return DocxTemplate.patch_xml(None, xml)
    return _TAG_INSIDE.sub(_clean_tag, patched)


def _strip_tags(match: re.Match[str]) -> str:
    return _TEXT_BREAK.sub("", match[0]) if "</w:t>" in match[0] else match[0]


def _clean_tag(match: re.Match[str]) -> str:
    text = match[0]
    for written, char in _TAG_CHARACTERS:
        text = text.replace(written, char)
    return text
