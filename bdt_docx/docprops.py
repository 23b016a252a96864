"""A template's field description kept inside the template, as custom document properties.

:func:`with_description` stores the description (TOML) in ``docProps/custom.xml``, cut into
numbered text properties (File → Properties → Custom in Word and LibreOffice), which Word and
LibreOffice keep when they save the file, also through .odt; :func:`embedded_description`
reads it back. The template builder writes the part with :func:`custom_properties_xml`.
"""

from __future__ import annotations

from lxml import etree

from bdt_docx.namespaces import (
    CONTENT_TYPES,
    CUSTOM_PROPERTIES,
    DOC_PROPS_VTYPES,
    PACKAGE_RELATIONSHIPS,
    REL_CUSTOM_PROPERTIES,
)
from bdt_docx.package import Package

__all__ = [
    "CUSTOM_PROPERTIES_CONTENT_TYPE",
    "CUSTOM_PROPERTIES_TYPE",
    "PROPERTY_PREFIX",
    "custom_properties_xml",
    "embedded_description",
    "with_description",
]

#: Names of the custom document properties that hold an embedded description, numbered.
PROPERTY_PREFIX = "bdt_docx.mo_ta_truong."
#: Characters per property: Word's dialog keeps text properties up to 255 characters.
_PROPERTY_LENGTH = 250
#: Relationship type of the custom properties part (package relationships).
CUSTOM_PROPERTIES_TYPE = REL_CUSTOM_PROPERTIES
CUSTOM_PROPERTIES_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.custom-properties+xml"
)


def custom_properties_xml(description: str) -> bytes:
    """``docProps/custom.xml`` holding ``description`` (TOML) in numbered text properties."""
    root = etree.Element(
        f"{{{CUSTOM_PROPERTIES}}}Properties",
        nsmap={None: CUSTOM_PROPERTIES, "vt": DOC_PROPS_VTYPES},
    )
    chunks = [
        description[start : start + _PROPERTY_LENGTH]
        for start in range(0, len(description), _PROPERTY_LENGTH)
    ]
    for number, chunk in enumerate(chunks, 1):
        prop = etree.SubElement(
            root,
            f"{{{CUSTOM_PROPERTIES}}}property",
            fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}",
            pid=str(number + 1),
            name=f"{PROPERTY_PREFIX}{number:03d}",
        )
        etree.SubElement(prop, f"{{{DOC_PROPS_VTYPES}}}lpwstr").text = chunk
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def custom_properties_part(package: Package) -> str:
    """The name of ``package``'s custom properties part (where it would be, if it has none)."""
    return next(
        (r.target for r in package.relationships("").values() if r.type == CUSTOM_PROPERTIES_TYPE),
        "docProps/custom.xml",
    )


def embedded_description(package: Package) -> str | None:
    """The description stored in ``package``'s custom properties, or None when it has none.

    Raises :class:`PackageError` when the custom properties part is not well-formed XML.
    """
    name = custom_properties_part(package)
    if name not in package.names:
        return None
    chunks = {
        prop.get("name", ""): "".join(prop.itertext())
        for prop in package.read_xml(name).iter(f"{{{CUSTOM_PROPERTIES}}}property")
        if prop.get("name", "").startswith(PROPERTY_PREFIX)
    }
    return "".join(chunks[key] for key in sorted(chunks)) if chunks else None


def with_description(package: Package, description: str) -> dict[str, bytes]:
    """The parts of ``package`` (name → bytes, in order) with ``description`` stored in its
    custom properties: an older description is replaced, other custom properties are kept,
    and the part, its content type and its relationship are added when missing."""
    parts = {info.filename: package.read(info.filename) for info in package.infolist()}
    name = custom_properties_part(package)
    fresh = etree.fromstring(custom_properties_xml(description))
    if name in parts:
        root = package.read_xml(name)
        for prop in list(root):
            if prop.get("name", "").startswith(PROPERTY_PREFIX):
                root.remove(prop)
        pid = max((int(p.get("pid", "1")) for p in root if p.get("pid", "").isdigit()), default=1)
        for number, prop in enumerate(fresh, pid + 1):
            prop.set("pid", str(number))
            root.append(prop)
        parts[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return parts
    parts[name] = custom_properties_xml(description)
    types = package.read_xml("[Content_Types].xml")
    etree.SubElement(
        types,
        f"{{{CONTENT_TYPES}}}Override",
        PartName=f"/{name}",
        ContentType=CUSTOM_PROPERTIES_CONTENT_TYPE,
    )
    parts["[Content_Types].xml"] = etree.tostring(
        types, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    rels = package.read_xml("_rels/.rels")
    ids = {rel.get("Id") for rel in rels}
    etree.SubElement(
        rels,
        f"{{{PACKAGE_RELATIONSHIPS}}}Relationship",
        Id=next(f"rIdBdt{n}" for n in range(1, len(ids) + 2) if f"rIdBdt{n}" not in ids),
        Type=CUSTOM_PROPERTIES_TYPE,
        Target=name,
    )
    parts["_rels/.rels"] = etree.tostring(
        rels, xml_declaration=True, encoding="UTF-8", standalone=True
    )
    return parts
