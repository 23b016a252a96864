"""A structure-aware fuzzer of every entry point: does any file break the contract?

The contract (see :mod:`corpus.runner`): success or a ``BdtDocxError`` — no other exception,
no hang, bounded memory, no file half-written — so the command exits 0, 3, 4 or 7, never 1.

Each case takes one of three seeds — the example workbook, the shipped template, a report
rendered from them — and applies one to three mutations chosen at random:

- XML: an attribute set to a value readers trip on (``²``, ``1e999``, ``inf``, 5,000 digits,
  ``A4:XFD1048576``, ``_xD800_``…), an element's text replaced, an element deleted,
  duplicated (up to thousands of times) or nested hundreds deep, a comment inserted, raw
  bytes written into a value;
- package structure: a relationship's target or type changed, or removed; a content type
  changed or removed; a part dropped or its name duplicated;
- template tags (template only): a paragraph holding a tag from a list of tricky ones;
- zip: compressed bytes flipped, header fields (version, flags, method, CRC, sizes,
  offsets) set to random values, a name made invalid UTF-8, the central directory moved,
  the parts recompressed with bzip2, lzma or none, the file truncated or bits flipped.

The file then goes through the commands of its kind (``fill`` for a workbook; ``lint`` and
``fill -t`` for a template; ``check`` for a report) in a child process with a CPU-time and
memory limit (:func:`corpus.runner.run_file`). A break is minimised (mutations dropped one
at a time while it still breaks the same way), saved with its description, and reported;
each one found becomes a builder in :mod:`corpus.regressions`.

By hand, from the repository (a 30-minute run; ``nice`` on a shared machine)::

    nice .venv/bin/python tests/corpus/fuzz.py --minutes 30 --real --findings fuzz-findings

The test suite runs a short fixed-seed run (``tests/test_fuzz.py``). Linux only.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import shutil
import sys
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):  # run as a script: tests/ holds the corpus package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest
from lxml import etree

from corpus import zipsurgery
from corpus.regressions import KINDS, paragraph, seed_path
from corpus.runner import Outcome, run_file

#: Attribute values and texts that readers have tripped on, or might.
VALUES = [
    "",
    "0",
    "-1",
    "1",
    "²",
    "١٢",
    "1e999",
    "-1e999",
    "inf",
    "nan",
    "1.5",
    "0x10",
    " 7 ",
    "9" * 5000,
    "-" + "9" * 400,
    "1" * 20,
    "A1",
    "XFD1048576",
    "A4:XFD1048576",
    "A1:A1048576",
    "B2:A1",
    "A0",
    "ZZZZ1",
    "A1:B",
    "$A$1:$B$2",
    "'Không có'!$A$1",
    "#REF!",
    "_xD800_",
    "_x0000_",
    "_xFFFF_ _x0007_",
    "true",
    "false",
    "auto",
    "Thông tin",
    "rId1",
    "rId999",
    "../../../etc/passwd",
    "/",
    "word/document.xml",
    "{{ ten_co_quan }}",
    "{% if %}",
    "x" * 100_000,
    "\U0001f600",
    "a\u0301",
    "29/02/2023",
    "31/12/9999",
    "1/1/1",
]
#: Bytes put raw into an attribute value (the result may not be XML at all).
RAW = [b"\xff\xfe", b"\x00", b"&#0;", b"&#xD800;", b"&undefined;", b"<", b"]]>", b'"', b"\xc3"]
#: Tags a template author (or an attacker) may write.
TAGS = [
    "{{ ten_co_quan }}",
    "{{ " + "(" * 300 + "1" + ")" * 300 + " }}",
    "{{ " + "+".join(["1"] * 600) + " }}",
    "{{ " + "not " * 400 + "true }}",
    "{{ ten_co_quan" + "|upper" * 400 + " }}",
    "{{ " + "-" * 500 + "1 }}",
    "{{ [" * 200 + "]" * 200 + " }}",
    "{% if true %}" * 40 + "x" + "{% endif %}" * 40,
    "{% for i in [1] %}" * 25 + "x" + "{% endfor %}" * 25,
    "{% if %}",
    "{{",
    "}}",
    "{% endfor %}",
    "{{ ten_co_quan.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ 'x' * 5 }}",
    "{{ 1 / 0 }}",
    "{{ ten_co_quan | khong_co }}",
    "{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}",
    "{% set x = 1 %}{{ x }}",
    "{% raw %}{{ x }}{% endraw %}",
    "{%p if true %}",
    "{%tr for x in van_ban %}",
    "{{ ngay_ban_hanh | ngay }}",
    "{{ '9' * 5000 | int }}",
    "{% include 'x' %}",
    "{{ range(10) | list }}",
    "{# comment #}",
    "{{ ten_co_quan }" * 200,
]
#: Relationship targets to try.
TARGETS = ["", "/", "..", "../../../../x.xml", "_rels/.rels", "missing.xml", "http://x/y", "%"]
_XML = re.compile(r"\.(xml|rels)$")
_ATTRIBUTE = re.compile(rb'(\s[\w:]+=")([^"]*)(")')
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


@dataclass
class Case:
    """A mutated file: its kind, the case's number and the mutations applied."""

    kind: str
    number: int
    steps: list[str] = field(default_factory=list)


Mutator = Callable[[bytes, random.Random], tuple[bytes, str]]


# -- mutators: each takes the package bytes and a generator, returns bytes and what it did -


def _xml_part(data: bytes, rng: random.Random) -> str | None:
    """A random XML part, the larger ones (sheets, the document) more often."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        parts = [info for info in package.infolist() if _XML.search(info.filename)]
    if not parts:
        return None
    weights = [1 + info.file_size**0.5 for info in parts]
    return rng.choices(parts, weights)[0].filename


def _edit_xml(
    data: bytes, rng: random.Random, edit: Callable[[etree._Element, random.Random], str]
) -> tuple[bytes, str]:
    """Parse a random XML part, let ``edit`` change its tree, write it back."""
    name = _xml_part(data, rng)
    if name is None:
        return data, "skipped (no XML)"
    said = [name]

    def change(part: str, content: bytes) -> bytes:
        if part != name:
            return content
        try:
            root = etree.fromstring(content, _PARSER)
        except etree.LxmlError:
            said.append("(not XML, left)")
            return content
        said.append(edit(root, rng))
        return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    mutated = zipsurgery.rewritten(data, change)
    return mutated, " ".join(said)


def _elements(root: etree._Element) -> list[etree._Element]:
    return [e for e in root.iter() if isinstance(e.tag, str)]


def set_attribute(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        element = rng.choice(_elements(root))
        names = list(element.attrib) or ["r", "ref", "val"]
        name = rng.choice(names)
        value = rng.choice(VALUES)
        try:
            element.set(name, value)
        except ValueError:
            return "value refused by lxml"
        return f"<{etree.QName(element).localname} {etree.QName(name).localname}={value[:40]!r}>"

    return _edit_xml(data, rng, edit)


def set_text(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        with_text = [e for e in _elements(root) if e.text and e.text.strip()]
        element = rng.choice(with_text or _elements(root))
        value = rng.choice(VALUES + TAGS)
        try:
            element.text = value
        except ValueError:
            return "text refused by lxml"
        return f"<{etree.QName(element).localname}> text {value[:40]!r}"

    return _edit_xml(data, rng, edit)


def delete_element(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        element = rng.choice(_elements(root))
        parent = element.getparent()
        if parent is None:
            return "root kept"
        parent.remove(element)
        return f"deleted <{etree.QName(element).localname}>"

    return _edit_xml(data, rng, edit)


def duplicate_element(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        element = rng.choice(_elements(root))
        if element.getparent() is None:
            return "root kept"
        copies = rng.choice([1, 2, 10, 300, 3000])
        copy = etree.tostring(element)
        for _ in range(copies):
            element.addnext(etree.fromstring(copy, _PARSER))
            if len(copy) * copies > 20_000_000:
                break
        return f"<{etree.QName(element).localname}> ×{copies + 1}"

    return _edit_xml(data, rng, edit)


def nest_element(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        element = rng.choice(_elements(root))
        depth = rng.choice([5, 50, 200])
        inner = element
        for _ in range(depth):
            wrapper = etree.SubElement(inner, element.tag)
            inner = wrapper
        return f"<{etree.QName(element).localname}> nested {depth} deep"

    return _edit_xml(data, rng, edit)


def insert_comment(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def edit(root: etree._Element, rng: random.Random) -> str:
        element = rng.choice(_elements(root))
        node = rng.choice([etree.Comment(" sửa tay "), etree.ProcessingInstruction("mso", "x")])
        element.insert(rng.randrange(len(element) + 1), node)
        return f"comment or PI in <{etree.QName(element).localname}>"

    return _edit_xml(data, rng, edit)


def raw_value(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """Raw bytes written into an attribute value of a random XML part."""
    name = _xml_part(data, rng)
    raw = rng.choice(RAW)

    def change(part: str, content: bytes) -> bytes:
        matches = list(_ATTRIBUTE.finditer(content)) if part == name else []
        if not matches:
            return content
        found = rng.choice(matches)
        return content[: found.start(2)] + raw + content[found.end(2) :]

    return zipsurgery.rewritten(data, change), f"{name}: raw {raw!r} in a value"


def relationship(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    def change(part: str, content: bytes) -> bytes:
        if not part.endswith(".rels"):
            return content
        what = rng.choice(["Target", "Type", "Id", "TargetMode"])
        value = rng.choice(TARGETS + VALUES[:12])
        return re.sub(
            rb"(\s" + what.encode() + rb'=")[^"]*(")',
            lambda m: m[1] + value.encode() + m[2],
            content,
            count=1,
        )

    return zipsurgery.rewritten(data, change), "relationships changed"


#: Content types a part may be given: those rendered with Jinja, those read as workbook or
#: document parts, and nonsense.
CONTENT_TYPES = [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.table+xml",
    "application/vnd.openxmlformats-package.core-properties+xml",
    "application/xml",
    "",
]


def content_type(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """A part given another content type (a styles part rendered as a document…), or an
    override pointing at another part, or removed."""
    what = rng.choice(["ContentType", "PartName", "remove"])
    target = rng.choice(
        CONTENT_TYPES if what == "ContentType" else ["/word/styles.xml", "/xl/styles.xml", "/"]
    )

    def change(part: str, content: bytes) -> bytes:
        if part != "[Content_Types].xml":
            return content
        overrides = list(re.finditer(rb"<Override [^>]*/>", content))
        if not overrides:
            return content
        found = rng.choice(overrides)
        if what == "remove":
            new = b""
        else:
            new = re.sub(
                what.encode() + rb'="[^"]*"',
                lambda _: what.encode() + b'="' + target.encode() + b'"',
                found[0],
            )
        return content[: found.start()] + new + content[found.end() :]

    return zipsurgery.rewritten(data, change), f"content types: {what} {target[-40:]!r}"


def drop_part(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = rng.choice(package.namelist())
    return zipsurgery.rewritten(data, lambda p, c: None if p == name else c), f"-{name}"


def duplicate_part(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        name = rng.choice(package.namelist())
    extra = [(name, rng.choice([b"", b"<x/>", b"PK\x03\x04"]))]
    return zipsurgery.rewritten(data, lambda p, c: c, extra), f"second {name}"


def template_tag(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    tag = rng.choice(TAGS)

    def change(part: str, content: bytes) -> bytes:
        if part != "word/document.xml" or b"<w:sectPr" not in content:
            return content
        end = content.rindex(b"<w:sectPr")
        return content[:end] + paragraph(tag) + content[end:]

    return zipsurgery.rewritten(data, change), f"paragraph {tag[:60]!r}"


def zip_damage(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    entries = zipsurgery.central_entries(data)
    choice = rng.randrange(7)
    if choice == 0 and entries:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            name = rng.choice(package.namelist())
        at, count = rng.randrange(200), rng.choice([1, 4, 40])
        return zipsurgery.flip_member_bytes(data, name, at, count), f"{name} bytes flipped"
    if choice == 1 and entries:
        offset, fmt = rng.choice(_CENTRAL_FIELDS)
        value = rng.choice([0, 1, 0xFF, 0xFFFF, 0xFFFFFFFF if fmt == "<I" else 0x800])
        value = min(value, 0xFFFF) if fmt == "<H" else value
        name = None if rng.random() < 0.3 else _entry_name(data, rng.choice(entries))
        damaged = zipsurgery.set_central_field(data, offset, fmt, value, name)
        return damaged, f"central field @{offset} = {value:#x} ({name or 'all'})"
    if choice == 2 and entries:
        name = _entry_name(data, rng.choice(entries))
        return zipsurgery.bad_utf8_name(data, name), f"{name}: name not UTF-8"
    if choice == 3:
        offset = rng.choice([0, len(data) // 2, len(data) + 100_000, 0xFFFFFFFF])
        return zipsurgery.central_directory_offset(data, offset), f"directory at {offset}"
    if choice == 4:
        method = rng.choice([zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, zipfile.ZIP_STORED])
        return zipsurgery.recompressed(data, method), f"recompressed ({method})"
    if choice == 5:
        cut = rng.randrange(len(data))
        return data[:cut], f"truncated at {cut}"
    damaged = bytearray(data)
    for _ in range(rng.choice([1, 8, 64])):
        damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
    return bytes(damaged), "bits flipped"


#: Fields of a central directory entry: version, flags, method, CRC, sizes, name and extra
#: lengths, local header offset (offset in the entry, struct format).
_CENTRAL_FIELDS = [
    (6, "<H"), (8, "<H"), (10, "<H"), (16, "<I"), (20, "<I"), (24, "<I"), (28, "<H"),
    (30, "<H"), (42, "<I"),
]  # fmt: skip


def _entry_name(data: bytes, entry: int) -> str:
    length = int.from_bytes(data[entry + 28 : entry + 30], "little")
    return data[entry + 46 : entry + 46 + length].decode("utf-8", "replace")


#: Mutators and their weights; template_tag only for templates.
MUTATORS: list[tuple[Mutator, int]] = [
    (set_attribute, 6),
    (set_text, 4),
    (delete_element, 2),
    (duplicate_element, 2),
    (nest_element, 1),
    (insert_comment, 1),
    (raw_value, 2),
    (relationship, 2),
    (content_type, 2),
    (drop_part, 1),
    (duplicate_part, 1),
    (zip_damage, 3),
]


# -- cases ----------------------------------------------------------------------------------


def build(
    kind: str, number: int, seed: int, seeds: dict[str, list[bytes]], keep: list[int] | None = None
) -> tuple[bytes, list[str]]:
    """The bytes of case ``number`` and the descriptions of its mutations.

    Each mutation draws from its own generator (seed, case, step), so dropping one while
    minimising leaves the others' choices alone. ``keep`` lists the steps to apply.
    """
    plan = random.Random(f"{seed}:{number}")
    mutators = [m for m, weight in MUTATORS for _ in range(weight)]
    if kind == "template":
        mutators += [template_tag] * 6
    steps = [plan.choice(mutators) for _ in range(plan.choice([1, 1, 2, 3]))]
    # Half the cases start from the shipped file, the others from the real ones (if any).
    chosen = plan.randrange(len(seeds[kind])) if plan.random() < 0.5 else 0
    data, said = seeds[kind][chosen], [f"seed file {chosen}"] if chosen else []
    for index, mutator in enumerate(steps):
        if keep is not None and index not in keep:
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile's "Duplicate name"
                data, description = mutator(data, random.Random(f"{seed}:{number}:{index}"))
        except Exception as exc:  # noqa: BLE001 - an earlier step left no zip to work on
            description = f"skipped ({type(exc).__name__})"
        said.append(f"{mutator.__name__}: {description}")
    return data, said


def kind_of(number: int) -> str:
    return list(KINDS)[number % len(KINDS)]


@dataclass
class Finding:
    """A break of the contract: the case, how it broke and its minimal mutations."""

    kind: str
    number: int
    broken: str
    steps: list[str]
    file: Path | None = None


def signature(outcome: Outcome) -> str:
    """How a case broke, without what differs between cases (numbers, paths)."""
    broken = outcome.broken() or ""
    return re.sub(r"\d+(\.\d+)?|/\S+", "#", broken)[:160]


def run(
    seed: int,
    *,
    cases: int | None = None,
    seconds: float | None = None,
    findings_dir: Path | None = None,
    real: bool = False,
    log: Callable[[str], None] = print,
) -> tuple[int, list[Finding]]:
    """Run cases ``0, 1, 2…`` of ``seed`` until ``cases`` are done or ``seconds`` pass.

    With ``real``, the public real files (shared/real: Word documents of offices, workbooks
    from other programs) are seeds too, after the shipped ones. Returns the number of cases
    run and one finding per distinct way of breaking.
    """
    from bdt_docx.template import prepare_template

    prepare_template(None)  # every child inherits the prepared shipped template
    found: dict[tuple[str, str], Finding] = {}
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bdt-fuzz-") as scratch:
        folder = Path(scratch)
        seeds = {kind: [seed_path(kind, folder).read_bytes()] for kind in KINDS}
        if real:
            for kind, files in real_seeds().items():
                seeds[kind] += [path.read_bytes() for path in files]
        number = 0
        while (cases is None or number < cases) and (
            seconds is None or time.monotonic() - started < seconds
        ):
            kind = kind_of(number)
            outcome, steps = _try(kind, number, seed, seeds, folder)
            if outcome.broken() is not None:
                key = (kind, signature(outcome))
                if key not in found:
                    finding = _minimise(kind, number, seed, seeds, folder, outcome, steps)
                    finding.file = _save(finding, seed, seeds, folder, findings_dir)
                    found[key] = finding
                    log(
                        f"BREAK #{number} ({kind}): {finding.broken}\n  "
                        + "\n  ".join(finding.steps)
                    )
            number += 1
            if number % 100 == 0:
                log(f"{number} cases, {time.monotonic() - started:.0f} s, {len(found)} breaks")
    return number, list(found.values())


def real_seeds() -> dict[str, list[Path]]:
    """The public real files to start from, where the machine has them (read in place)."""
    from needs import shared_real

    found: dict[str, list[Path]] = {}
    for kind, folder, pattern in (
        ("report", "nd30", "original/*.docx"),
        ("workbook", "xlsx", "*.xls[xm]"),
    ):
        try:
            found[kind] = sorted(shared_real(folder).glob(pattern))
        except pytest.skip.Exception:
            continue
    return found


def _try(
    kind: str,
    number: int,
    seed: int,
    seeds: dict[str, bytes],
    folder: Path,
    keep: list[int] | None = None,
) -> tuple[Outcome, list[str]]:
    data, steps = build(kind, number, seed, seeds, keep)
    work = folder / "case"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    file = work / f"fuzz{KINDS[kind]}"
    file.write_bytes(data)
    return run_file(kind, file, work), steps


def _minimise(
    kind: str,
    number: int,
    seed: int,
    seeds: dict[str, bytes],
    folder: Path,
    outcome: Outcome,
    steps: list[str],
) -> Finding:
    """Drop mutations one at a time while the case still breaks the same way."""
    keep = list(range(len(steps)))
    target = signature(outcome)
    for index in list(keep):
        trial = [k for k in keep if k != index]
        if not trial:
            break
        again, _ = _try(kind, number, seed, seeds, folder, trial)
        if again.broken() is not None and signature(again) == target:
            keep = trial
    final, final_steps = _try(kind, number, seed, seeds, folder, keep)
    broken = final.broken() or outcome.broken() or ""
    return Finding(kind, number, broken, final_steps if final.broken() else steps)


def _save(
    finding: Finding, seed: int, seeds: dict[str, bytes], folder: Path, findings_dir: Path | None
) -> Path | None:
    if findings_dir is None:
        return None
    findings_dir.mkdir(parents=True, exist_ok=True)
    data, _ = build(finding.kind, finding.number, seed, seeds)
    path = findings_dir / f"{seed}-{finding.number}{KINDS[finding.kind]}"
    path.write_bytes(data)
    record = {"kind": finding.kind, "case": finding.number, "seed": seed}
    record |= {"broken": finding.broken, "steps": finding.steps}
    path.with_suffix(".json").write_text(
        json.dumps(record, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5, help="how long to run")
    parser.add_argument("--cases", type=int, help="stop after this many cases")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed")
    parser.add_argument("--findings", type=Path, help="folder to save breaking files in")
    parser.add_argument(
        "--real", action="store_true", help="also start from the real files in shared/real"
    )
    args = parser.parse_args(argv)
    print(f"seed {args.seed}", flush=True)
    started = time.monotonic()
    count, findings = run(
        args.seed,
        cases=args.cases,
        seconds=args.minutes * 60,
        findings_dir=args.findings,
        real=args.real,
        log=lambda line: print(line, flush=True),
    )
    elapsed = time.monotonic() - started
    print(f"{count} cases in {elapsed:.0f} s (seed {args.seed}): {len(findings)} distinct breaks")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
