"""Stage 3: prepare a template once, so that it can be rendered many times.

:func:`prepare_template` opens a .docx template, finds the parts that hold Jinja tags (the
document, its headers, footers, footnotes and core properties), cleans each with docxtpl's
own ``patch_xml`` (so that tags Word split across runs work, and ``{%p %}``/``{%tr %}`` mean
what docxtpl users expect), compiles it in a sandboxed Jinja environment and keeps every
other part as raw bytes. Templates are untrusted: the environment is a
:class:`~jinja2.sandbox.SandboxedEnvironment` with autoescaping and strict undefined
variables.
"""

from __future__ import annotations

import os
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache, lru_cache, partial
from importlib import resources
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2 import Template as JinjaTemplate
from jinja2.compiler import CodeGenerator, Frame
from jinja2.idtracking import VAR_LOAD_RESOLVE
from jinja2.optimizer import Optimizer
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from markupsafe import Markup, escape

from bdt_docx.arguments import path_argument
from bdt_docx.docprops import embedded_description, with_description
from bdt_docx.errors import Problem, TemplateError
from bdt_docx.fields import Fields, description_path
from bdt_docx.filters import FILTERS
from bdt_docx.grids import fit_grids
from bdt_docx.namespaces import CONTENT_TYPES
from bdt_docx.output import Member, deflate, write_package
from bdt_docx.package import (
    SAVE_AS_DOCX,
    WRITER_DOCUMENT,
    Package,
    PackageError,
    is_writer_document,
    other_format,
    parse_xml,
)
from bdt_docx.proofs import always_well_formed
from bdt_docx.tags import (
    PARAGRAPH_FILTER,
    CleanPart,
    Finding,
    analyse_parts,
    jinja_message,
    jinja_source,
    list_columns,
    read_part,
    tree_nodes,
    whole_row_loops,
)
from bdt_docx.text import normalize_text

__all__ = [
    "DEFAULT_TEMPLATE_NAME",
    "MAX_TEMPLATE_XML_BYTES",
    "PreparedTemplate",
    "default_template",
    "embed_description",
    "make_environment",
    "prepare_template",
    "read_parts",
]

#: File name of the shipped template (in the installed package's ``templates`` folder).
DEFAULT_TEMPLATE_NAME = "bao_cao_thi_dua_bau_cu.docx"

_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
#: Content types of the parts rendered with Jinja; every other part is copied as it is.
RENDERED_TYPES = frozenset(
    {
        _WML + "document.main+xml",
        _WML + "template.main+xml",
        _WML + "header+xml",
        _WML + "footer+xml",
        _WML + "footnotes+xml",
        _WML + "endnotes+xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
    }
)
SETTINGS_TYPE = _WML + "settings+xml"
#: Content types of the main part of a Word template (.dotx) and of a Word document (.docx):
#: a report made from a template is a document, or Word refuses to open it as a .docx.
_TEMPLATE_MAIN = (_WML + "template.main+xml").encode()
_DOCUMENT_MAIN = (_WML + "document.main+xml").encode()
#: Content types of the main part of a Word document or template with macros, and what a
#: clerk calls them: its tags are not read, it is refused with how to save it as a .docx.
_MACRO_TYPES = frozenset(
    {
        "application/vnd.ms-word.document.macroEnabled.main+xml",
        "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
    }
)
_WITH_MACROS = "Word có macro (.docm, .dotm)"
#: Why a workbook given for the template (the two swapped) cannot be used.
_A_WORKBOOK = (
    "tệp mẫu là sổ bảng tính (Excel hay LibreOffice Calc), không phải văn bản Word .docx: "
    "mẫu báo cáo là văn bản Word, còn sổ là nơi lấy số liệu (đối số đầu)"
)
#: How workbooks are named (an .xls is no zip: told by its name).
_WORKBOOK_SUFFIXES = frozenset((".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".fods", ".csv"))
#: Largest inflated size of the parts rendered with Jinja (document, headers…), together:
#: far above a real report (the largest real Word report among tests/needs' shared files
#: has a 1.7 MB document), so that preparing any template takes bounded time and memory.
MAX_TEMPLATE_XML_BYTES = 4 * 1024 * 1024

_TAGS = re.compile(r"<[^>]+>")
# Tags between table cells, or in a cell's span, once docxtpl has placed them.
_CELL_TAGS = re.compile(r'[%}#]\}\s*<w:tc[ >]|</w:tc>\s*\{[%{#]|w:gridSpan w:val="\{\{')
# docxtpl turns these in the rendered XML into braces; a value must not be able to.
_DOCXTPL_MARKERS = re.compile(r"\{_([{%])|([}%])_\}")


def _as_docx_text(value: object) -> str:
    """Finalize every printed value: normalised text, XML-escaped, inert for docxtpl.

    Text is normalised (:func:`bdt_docx.text.normalize_text`: NFC, no control characters),
    escaped as :func:`markupsafe.escape` escapes it, and docxtpl's ``{_{``-style markers in
    it are written with a character reference so that docxtpl's post-processing cannot turn
    them into Jinja braces. Markup (``|safe``, a macro's output, docxtpl's ``RichText``) is
    printed as it is, and counted in :data:`RAW_PRINTS`. What it returns is printed without
    another escape (:class:`_PrintFinalized`).
    """
    kind = type(value)
    if kind is str:
        text = _escaped(normalize_text(value))  # type: ignore[arg-type]
        return _DOCXTPL_MARKERS.sub(_inert_marker, text) if "_" in text else text
    if kind is int or kind is float:
        return str(value)  # digits, sign, point, exponent, inf, nan: nothing to escape
    if kind is _Paragraphs:  # escaped by _as_paragraphs
        return value  # type: ignore[return-value]
    if isinstance(value, Markup):
        RAW_PRINTS.count += 1
        return value
    docxtpl_kind = docxtpl_object(value)
    if docxtpl_kind in DOCXTPL_MARKUP:  # run or paragraph XML built by the caller's code
        RAW_PRINTS.count += 1
        return str(value.__html__())  # type: ignore[attr-defined]
    if docxtpl_kind is not None:
        raise TypeError(unsupported_object(docxtpl_kind))
    return _as_docx_text(str(value)) if value is not None else ""


class _Counter(threading.local):
    count = 0


#: Counts, in each thread, the markup printed as it is (``|safe``, macros, ``RichText``…):
#: a rendering during which it did not move printed escaped text only.
RAW_PRINTS = _Counter()


try:  # MarkupSafe 3: markupsafe.escape's own escaping, without building a Markup
    from markupsafe import _escape_inner as _escaped
except ImportError:  # MarkupSafe 2, whose escape is all C

    def _escaped(text: str) -> str:
        return str(escape(text))


class _PrintFinalized(CodeGenerator):
    """Jinja's code generator, printing a value as ``environment.finalize(value)`` alone.

    With autoescaping Jinja prints ``escape(finalize(value))``; :func:`_as_docx_text`
    already escapes every value that is not markup, so that the outer ``escape`` only
    wrapped its text in a new ``Markup`` (two thirds of the time of printing a value).
    The text printed is the same.

    While it writes the code it notes the variables the template reads from its context
    (:attr:`undeclared`), as :func:`jinja2.meta.find_undeclared_variables` does with a
    generation of its own.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.undeclared: set[str] = set()
        if self.optimizer is not None:
            self.optimizer = _Optimizer(self.environment)

    def enter_frame(self, frame: Frame) -> None:
        super().enter_frame(frame)
        self.undeclared.update(
            param
            for action, param in frame.symbols.loads.values()
            if action == VAR_LOAD_RESOLVE and param not in self.environment.globals
        )

    def _output_child_pre(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write(finalize.src)

    def _output_child_post(self, node: nodes.Expr, frame: Frame, finalize: Any) -> None:
        self.write(")")


class _Optimizer(Optimizer):
    """Jinja's constant folding, noting whether it folded away an expression holding a
    name (:attr:`folded_names`): it folds an expression's parts in place
    (``(false and x) or y`` leaves ``false or y``), so that a generation after it no
    longer reads ``x``."""

    def __init__(self, environment: Any) -> None:
        super().__init__(environment)
        self.folded_names = False

    def generic_visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> nodes.Node:
        folded = super().generic_visit(node, *args, **kwargs)
        if folded is not node and type(node) is not nodes.Const and not self.folded_names:
            self.folded_names = any(True for _ in node.find_all(nodes.Name))
        return folded


#: docxtpl's objects that print XML of their own, rendered as docxtpl renders them.
DOCXTPL_MARKUP = frozenset({"RichText", "RichTextParagraph", "Listing"})


def docxtpl_object(value: object) -> str | None:
    """The class name of one of docxtpl's objects (``RichText``, ``InlineImage``…), or None."""
    kind = type(value)
    return kind.__name__ if kind.__module__.split(".")[0] == "docxtpl" else None


def unsupported_object(kind: str) -> str:
    """Why a docxtpl object other than :data:`DOCXTPL_MARKUP` is refused (Vietnamese)."""
    return (
        f"giá trị là đối tượng {kind} của docxtpl, mà bdt_docx không đưa vào báo cáo (chỉ "
        f"nhận chữ, số, ngày, danh sách và {', '.join(sorted(DOCXTPL_MARKUP))})"
    )


def _inert_marker(match: re.Match[str]) -> str:
    return match[0].replace("_", "&#95;")


class _Paragraphs(Markup):
    """What the paragraph filter gives: a value's escaped text, its line breaks docxtpl's
    ``\\a``."""

    __slots__ = ()


def _as_paragraphs(value: object) -> Markup:
    """A value filling a paragraph of its own: each line break starts a new paragraph
    (docxtpl's ``\\a``, which repeats the paragraph's and the run's properties)."""
    return _Paragraphs(_as_docx_text(value).replace("\n", "\a"))


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, reading a list row's column (``row.so``) without first asking the
    row, a dict, for an attribute of that name, which fails at the cost of an exception,
    and a loop's counters and flags (``loop.last``) without the sandbox's checks of the
    attribute (a number or ``True``/``False``, never a method; its other attributes, such as
    ``loop.cycle``, are checked): what it gives is what the sandbox gives (a dict's own
    attributes, ``row.items``, are still looked up first)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        kind = type(obj)
        if kind is dict:
            if attribute in obj and attribute not in _DICT_ATTRIBUTES:
                return obj[attribute]
        elif kind is LoopContext and attribute in _LOOP_NUMBERS:
            return getattr(obj, attribute)
        return super().getattr(obj, attribute)


_DICT_ATTRIBUTES = frozenset(dir(dict))
#: The attributes of a Jinja loop that are numbers or flags.
_LOOP_NUMBERS = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "depth", "depth0"}
)


def make_environment() -> SandboxedEnvironment:
    """The Jinja environment every template is rendered in (sandboxed, escaped, strict)."""
    env = _Sandbox(autoescape=True, undefined=StrictUndefined, finalize=_as_docx_text)
    env.code_generator_class = _PrintFinalized
    env.filters.update(FILTERS)
    env.filters[PARAGRAPH_FILTER] = _as_paragraphs
    return env


def default_template() -> Path:
    """The path of the shipped template.

    Installed, it is in the package ``bdt_docx.templates``; run from a source checkout that
    is not installed, it is in the checkout's ``templates`` folder.
    """
    try:
        folder = resources.files("bdt_docx.templates")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "templates" / DEFAULT_TEMPLATE_NAME
    return Path(str(folder.joinpath(DEFAULT_TEMPLATE_NAME)))


#: What marks a bookmark or a comment in a part (see :attr:`Part.anchors`).
_ANCHORS = ("<w:bookmarkStart", "<w:commentRangeStart", "<w:commentReference")


@dataclass(frozen=True)
class Part:
    """A part of the template package: its zip entry and, if rendered, its Jinja template;
    if not, its bytes compressed once for every report (``member``)."""

    info: zipfile.ZipInfo
    data: bytes
    source: str | None = None
    compiled: JinjaTemplate | None = None
    #: The variables the part uses that it does not set itself.
    variables: frozenset[str] = frozenset()
    #: The lists it loops over, with the columns read of their rows (:func:`list_columns`).
    lists: tuple[tuple[str, tuple[str, ...]], ...] = ()
    member: Member | None = None
    #: True when a table's grid may not fit its rows after rendering: tags change how many
    #: cells a row has (docxtpl's ``{%tc %}``, ``hm``, ``vm``, ``colspan``), or the
    #: template's own grid does not fit. The grids are then fitted
    #: (:func:`~bdt_docx.grids.fit_grids`).
    fit_grids: bool = False
    #: True when every rendering that prints only escaped text is well-formed XML
    #: (:func:`~bdt_docx.proofs.always_well_formed`).
    well_formed: bool = False
    #: False when the part's fixed text holds no drawing (``<wp:docPr``) and every value it
    #: prints is escaped (a drawing's id then needs no renumbering unless markup is printed).
    drawings: bool = True
    #: True when the part's fixed text holds bookmarks or comment anchors, which a loop
    #: would copy with their ids (:func:`~bdt_docx.render.render_parts` keeps the first).
    anchors: bool = True
    #: Where :attr:`compiled` is compact, the part's template as docxtpl renders it,
    #: compiled when first called. Compact: the line feed docxtpl puts before each
    #: paragraph (and removes after rendering) is already removed from its fixed text, for
    #: a part that only prints, chooses, loops and sets
    #: (:func:`~bdt_docx.proofs.always_well_formed`). A rendering of it that holds no line
    #: feed before ``<w:p`` is what docxtpl gives once it removes them: each one it removes
    #: is then in the fixed text, where the compact template has none to remove.
    original: Callable[[], JinjaTemplate] | None = None


@dataclass(frozen=True)
class PreparedTemplate:
    """A template ready to render: its parts, the variables it uses and its field contract."""

    path: Path
    parts: tuple[Part, ...]
    variables: frozenset[str]
    fields: Fields
    environment: SandboxedEnvironment
    #: Variables guarded by ``|default(…)`` or ``is defined``: a context may lack them.
    optional: frozenset[str] = frozenset()
    #: What the tag analysis found that does not stop the template (``bdt-docx lint``).
    findings: tuple[Finding, ...] = ()
    #: Which version of the template file (and of its field description) this is: their
    #: size and time of change when it was prepared.
    version: tuple[object, ...] = ()


def prepare_template(template: str | os.PathLike[str] | None = None) -> PreparedTemplate:
    """Open, check and compile a template (``None``: the shipped one).

    The result is cached per file (path, size, modification and status change times of the
    template and of its field description: a copy that kept the time of the one it
    replaced is told apart), so preparing the same template again is free. Raises
    :class:`TemplateError` for a missing or broken template.
    """
    if template is None:
        path = default_template()
    else:
        path = path_argument(template, "prepare_template", "template")
    try:
        stat = path.stat()
    except OSError as exc:
        raise TemplateError("không tìm thấy tệp mẫu", path, code="template.not_found") from exc
    if S_ISDIR(stat.st_mode):
        raise TemplateError(
            "đây là một thư mục; hãy cho tệp mẫu .docx", path, code="template.not_docx"
        )
    return _prepare(path.resolve(), _file_version(stat), _version(path))


def _file_version(stat: os.stat_result) -> tuple[int, int, int]:
    """Which version of a file: its size and times of modification and of status change
    (which ``cp -p`` or a restored backup, keeping the first, cannot keep)."""
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def _version(path: Path) -> tuple[int, int, int] | None:
    """Which version of the template's field description, if it has one."""
    try:
        stat = description_path(path).stat()
    except OSError:
        return None
    return _file_version(stat)


@lru_cache(maxsize=8)
def _prepare(path: Path, stat: tuple[int, int, int], description_stat: object) -> PreparedTemplate:
    env = make_environment()
    try:
        with Package(path) as package:
            if is_writer_document(package):
                raise PackageError(WRITER_DOCUMENT)
            if _is_workbook(package):
                raise PackageError(_A_WORKBOOK)
            raw, rendered = read_parts(package)
            embedded = embedded_description(package)
            settings = _part_names(package, {SETTINGS_TYPE})
        raw = [(info, _report_part(info.filename, data, settings)) for info, data in raw]
        clean = {
            info.filename: read_part(info.filename, data)
            for info, data in raw
            if info.filename in rendered and b"{" in data
        }
        # The tags are checked before Jinja sees them: a broken template is refused with
        # where each fault is, not with a Jinja stack trace.
        analysis = analyse_parts(clean.values(), env)
        if analysis.blocking:  # (with the note of tracked changes: a tag deleted as one)
            notes = [f for f in analysis.findings if f.code == "tracked-changes"]
            raise TemplateError([*analysis.blocking, *notes], path)
        parts = tuple(
            _prepare_part(env, info, data, clean.get(info.filename)) for info, data in raw
        )
    except PackageError as exc:
        raise _not_docx(exc, path) from exc
    except TemplateSyntaxError as exc:
        raise TemplateError(_syntax_problem(exc), path) from exc
    except (RecursionError, SyntaxError) as exc:
        # Jinja's parser and compiler recurse, and Python's compiler refuses code nested too
        # deeply (100 levels of indentation, 20 nested loops): tags past that (a thousand
        # parentheses, blocks in XML attributes, where the analysis does not look) are
        # refused here rather than crash.
        raise TemplateError(
            "thẻ lồng nhau quá sâu (ngoặc, {% if %}, {% for %} trong nhau), quá giới hạn của "
            "trình dịch mẫu; báo cáo thật không cần nhiều tầng như vậy",
            path,
            code="template.too_deep",
        ) from exc
    variables = frozenset().union(*(part.variables for part in parts)) - set(env.globals)
    # (range, dict, loop helpers are Jinja's own globals, not the workbook's)
    optional = frozenset(analysis.optional & variables)
    lists = _lists(parts)
    description = description_path(path)
    if description.exists():
        fields = Fields.load(description)
    elif embedded is not None:
        fields = Fields.parse(embedded, path, embedded=True)
    else:
        whole = (whole_row_loops(env.parse(p.source)) for p in parts if p.source is not None)
        fields = Fields.for_variables(set(variables), optional, lists, set().union(*whole))
    if not variables and not fields.derived and fields.names():
        raise TemplateError(
            "tệp không có thẻ nào ({{ … }}) để điền số liệu, dù có mô tả trường: đây có lẽ là "
            "một báo cáo đã điền, không phải mẫu, nên báo cáo sẽ chép lại số liệu cũ của nó; "
            "hãy chọn đúng tệp mẫu",
            path,
            code="template.no_tags",
        )
    try:
        fields.check_covers(set(variables - optional), path, lists)
    except TemplateError as exc:
        raise TemplateError(analysis.locate(exc.problems), path) from exc
    findings = tuple(analysis.findings)
    version = (stat, description_stat)
    return PreparedTemplate(path, parts, variables, fields, env, optional, findings, version)


def _is_workbook(package: Package) -> bool:
    """Whether ``package`` is a workbook (Excel's, or Calc's .ods)."""
    if "mimetype" in package.names:
        return package.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spread")
    return "xl/workbook.xml" in package.names


def _not_docx(exc: PackageError, path: Path) -> TemplateError:
    reason = exc.reason
    if reason != _A_WORKBOOK and path.suffix.lower() in _WORKBOOK_SUFFIXES:
        reason = _A_WORKBOOK
    if reason not in (WRITER_DOCUMENT, _A_WORKBOOK):  # (which say what the file is already)
        kind = reason if reason == _WITH_MACROS else other_format(path)
        if kind:
            reason = f"tệp mẫu là văn bản {kind}, không phải văn bản Word .docx: {SAVE_AS_DOCX}"
        elif path.is_file() and path.stat().st_size == 0:
            reason = (
                "tệp mẫu rỗng (0 byte): chương trình chưa lưu xong hay tệp chép chưa hết; hãy "
                "chép lại mẫu từ nơi gốc, hoặc mở mẫu trong Word hay Writer rồi lưu lại"
            )
        else:
            reason = f"tệp mẫu không phải tệp Word .docx hợp lệ: {reason}"
    return TemplateError(reason, path, code="template.not_docx")


def _lists(parts: Iterable[Part]) -> dict[str, list[str]]:
    """The lists the parts loop over, each with the columns read of its rows, in order."""
    lists: dict[str, dict[str, None]] = {}
    for name, columns in (item for part in parts for item in part.lists):
        lists.setdefault(name, {}).update(dict.fromkeys(columns))
    return {name: list(columns) for name, columns in lists.items()}


def embed_description(
    template: str | os.PathLike[str], description: str | os.PathLike[str]
) -> Path:
    """Store the field description ``description`` (a .toml file) inside ``template``.

    The template is rewritten in place (atomically), its custom document properties holding
    the description, so that every copy of it, renamed, moved or saved again by Word or
    LibreOffice, carries it. The description is checked first: a malformed one, or one
    without a variable the template needs, is a :class:`TemplateError` and nothing is
    written. Returns the template's path.
    """
    path = Path(template)
    fields, text = Fields.load_text(description)
    prepared = prepare_template(path)
    fields.check_covers(
        set(prepared.variables - prepared.optional), description, _lists(prepared.parts)
    )
    try:
        with Package(path) as package:
            infos = {info.filename: info for info in package.infolist()}
            parts = with_description(package, text)
    except PackageError as exc:
        raise _not_docx(exc, path) from exc
    members = [deflate(infos.get(name) or _new_entry(name), data) for name, data in parts.items()]
    return write_package(members, path, overwrite=True)


def _new_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o644 << 16
    return info


def read_parts(package: Package) -> tuple[list[tuple[zipfile.ZipInfo, bytes]], set[str]]:
    """Every part of a template package (entry and bytes, in order) and the names of those
    rendered with Jinja. Raises :class:`PackageError` for a package that is not a .docx, and
    :class:`TemplateError` when the rendered parts inflate past
    :data:`MAX_TEMPLATE_XML_BYTES`."""
    if "word/document.xml" not in package.names:
        raise PackageError("thiếu word/document.xml")
    if _part_names(package, _MACRO_TYPES):
        raise PackageError(_WITH_MACROS)
    rendered = _part_names(package, RENDERED_TYPES)
    parts, size = [], 0
    for info in package.infolist():
        data = package.read(info.filename)
        size += len(data) if info.filename in rendered else 0
        if size > MAX_TEMPLATE_XML_BYTES:
            raise TemplateError(
                f"phần chữ của mẫu giải nén ra hơn {MAX_TEMPLATE_XML_BYTES // 2**20} MB, quá "
                "giới hạn của một mẫu (báo cáo thật dài cả trăm trang cũng chưa tới 2 MB): "
                "mẫu có thể là tệp độc hại",
                package.path,
                code="template.too_large",
            )
        parts.append((info, data))
    return parts, rendered


def _part_names(package: Package, content_types: frozenset[str] | set[str]) -> set[str]:
    types = package.read_xml("[Content_Types].xml")
    return {
        override.get("PartName", "").lstrip("/")
        for override in types.iterfind(f"{{{CONTENT_TYPES}}}Override")
        if override.get("ContentType") in content_types
    }


# Children of w:compat that come before w:doNotExpandShiftReturn (schema order), and the
# children of w:settings that come after w:compat.
_BEFORE_SHIFT_RETURN = frozenset(
    {"useSingleBorderforContiguousCells", "wpJustification", "noTabHangInd", "noLeading",
     "spaceForUL", "noColumnBalance", "balanceSingleByteDoubleByteWidth", "noExtraLineSpacing",
     "doNotLeaveBackslashAlone", "ulTrailSpace"}
)  # fmt: skip
_AFTER_COMPAT = frozenset(
    {"docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping",
     "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures", "forceUpgrade", "captions",
     "readModeInkLockDown", "smartTagType", "schemaLibrary", "shapeDefaults",
     "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}
)  # fmt: skip


def _report_part(name: str, data: bytes, settings: set[str]) -> bytes:
    """A part of the template as the reports have it: the settings made by
    :func:`_report_settings`, the main part's content type that of a document."""
    if name in settings:
        return _report_settings(data)
    if name == "[Content_Types].xml":
        return data.replace(_TEMPLATE_MAIN, _DOCUMENT_MAIN)
    return data


def _report_settings(data: bytes) -> bytes:
    """The settings part of the reports: with ``w:doNotExpandShiftReturn`` (a line break
    inside a justified paragraph, a value of several lines in running text, ends a line
    without stretching it, in Word and in LibreOffice), without ``w:trackRevisions`` (the
    template's tracked changes are accepted when it is filled; a report opened with Track
    Changes on would track every edit of whoever finishes and signs it). Its elements are
    in the part's own namespace: Word's Strict Open XML has another than the usual one."""
    root = parse_xml(data, "word/settings.xml")
    w = f"{{{etree.QName(root).namespace}}}"
    tracking = root.findall(f"{w}trackRevisions")
    for setting in tracking:
        root.remove(setting)
    unstretched = root.find(f"{w}compat/{w}doNotExpandShiftReturn") is not None
    if unstretched and not tracking:
        return data
    if not unstretched:
        _add_unstretched_breaks(root, w)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_unstretched_breaks(root: etree._Element, w: str) -> None:
    """Put ``w:doNotExpandShiftReturn`` into the settings ``root``'s ``w:compat`` (made
    where it is missing), in the schema's order; ``w`` is the part's namespace, braced."""
    compat = root.find(f"{w}compat")
    if compat is None:
        compat = etree.Element(f"{w}compat")
        _insert_before(root, compat, _AFTER_COMPAT)
    mark = etree.Element(f"{w}doNotExpandShiftReturn")
    after = [
        c
        for c in compat.iterchildren(etree.Element)  # comments and PIs have no name
        if etree.QName(c).localname not in _BEFORE_SHIFT_RETURN
    ]
    if after:
        after[0].addprevious(mark)
    else:
        compat.append(mark)


def _insert_before(parent: etree._Element, child: etree._Element, later: frozenset[str]) -> None:
    """Put ``child`` before the first child of ``parent`` named in ``later`` (or last)."""
    following = [c for c in parent.iterchildren(etree.Element) if etree.QName(c).localname in later]
    if following:
        following[0].addprevious(child)
    else:
        parent.append(child)


def _prepare_part(
    env: SandboxedEnvironment, info: zipfile.ZipInfo, data: bytes, clean: CleanPart | None
) -> Part:
    if clean is None:
        return Part(info, data, member=deflate(info, data))
    source = jinja_source(clean)
    # Parsed once, compiled under the part's name (so that an error's traceback says which
    # part it was), and its variables read from the same tree.
    tree = env.parse(source, name=info.filename, filename=info.filename)
    walked = tree_nodes(tree)  # (for the proof and the compact form, before the compiler folds)
    well_formed = always_well_formed(tree, PARAGRAPH_FILTER, walked)
    compact = well_formed and _compact(walked)
    compiled, variables = _compile(env, tree, info.filename)
    lists = tuple(list_columns(tree).items())
    fit = bool(_CELL_TAGS.search(source)) or fit_grids(clean.root)  # (source already made)
    return Part(
        info,
        data,
        source,
        compiled,
        variables,
        lists,
        fit_grids=fit,
        well_formed=well_formed,
        original=cache(partial(_compile_source, env, source, info.filename)) if compact else None,
        drawings=not well_formed or "<wp:docPr" in source,
        anchors=any(anchor in source for anchor in _ANCHORS),
    )


def _compile(
    env: SandboxedEnvironment, tree: nodes.Template, name: str
) -> tuple[JinjaTemplate, frozenset[str]]:
    """The Jinja template of ``tree``, compiled under the part's name (so that an error's
    traceback says which part it was), as :meth:`~jinja2.Environment.compile` does, and
    the variables it reads from its context: those
    :func:`jinja2.meta.find_undeclared_variables` finds in ``tree`` once compiled, noted
    while generating its code."""
    generator = _PrintFinalized(env, name, name)
    try:
        generator.visit(tree)
        code = compile(generator.stream.getvalue(), name, "exec")
    except TemplateSyntaxError:
        env.handle_exception()  # (raises it, its traceback rewritten)
    # The globals as a plain dict, not Jinja's view of the environment's (a ChainMap, which
    # each rendering copied key by key, twice: a tenth of rendering the document).
    compiled = env.template_class.from_code(env, code, dict(env.make_globals(None)))
    if isinstance(generator.optimizer, _Optimizer) and generator.optimizer.folded_names:
        return compiled, frozenset(meta.find_undeclared_variables(tree))
    return compiled, frozenset(generator.undeclared)


def _compile_source(env: SandboxedEnvironment, source: str, name: str) -> JinjaTemplate:
    return _compile(env, env.parse(source, name=name, filename=name), name)[0]


def _compact(walked: list[nodes.Node]) -> bool:
    """Remove the line feed docxtpl puts before each paragraph from the fixed text of a
    tree, whose nodes are ``walked`` (:func:`~bdt_docx.tags.tree_nodes`); False, and the
    tree left as it is, where that text would still hold one (``\\n\\n<w:p``, of which
    docxtpl removes one line feed)."""
    texts = [
        (node, without_paragraph_breaks(node.data))
        for node in walked
        if isinstance(node, nodes.TemplateData)
    ]
    if any(PARAGRAPH_BREAK.search(text) for _, text in texts):
        return False
    for node, text in texts:
        node.data = text
    return True


#: The line feed docxtpl puts before each paragraph of a part's source, and removes from
#: what the part renders.
PARAGRAPH_BREAK = re.compile(r"\n<w:p([ >])")


def without_paragraph_breaks(xml: str) -> str:
    """``xml`` without the line feed before each paragraph, as docxtpl removes it."""
    return PARAGRAPH_BREAK.sub(r"<w:p\1", xml)


def paragraph_at(source: str, line: int) -> str:
    """The text of the paragraph on ``line`` of a prepared part's source, quoted for a clerk.

    Each paragraph starts a line of the source; the line number is not the paragraph's
    number in Word (docxtpl removes ``{%p %}`` paragraphs), so the paragraph is named by its
    text: `` — đoạn «…»``, or nothing when the line has no text.
    """
    lines = source.splitlines()
    text = _TAGS.sub("", lines[line - 1]).strip() if 0 < line <= len(lines) else ""
    text = _WRAPPED.sub(r"\1", text)[:120]  # the tag as the template's author wrote it
    return f" — đoạn «{text}»" if text else ""


#: A whole-paragraph value as :func:`~bdt_docx.tags.jinja_source` wraps it.
_WRAPPED = re.compile(r"\((.*)\)\|" + PARAGRAPH_FILTER)


def _syntax_problem(exc: TemplateSyntaxError) -> Problem:
    """Where a Jinja syntax error is: the part, the paragraph and its text."""
    where = exc.name or "word/document.xml"
    detail = paragraph_at(exc.source, exc.lineno) if exc.source and exc.lineno else ""
    return Problem(
        f"thẻ sai trong {where}: {jinja_message(exc.message or '')}{detail}", code="template.syntax"
    )
