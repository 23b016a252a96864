"""What the tag analysis finds: :class:`Finding` s about :class:`Tag` s, in an :class:`Analysis`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bdt_docx.errors import Problem

__all__ = ["BLOCKING", "NOTES", "Analysis", "Finding", "Passage", "Tag"]

#: Findings that make a template unusable: prepare_template refuses it.
BLOCKING = frozenset(
    {
        "broken-tag",
        "full-width-tag",
        "syntax",
        "unbalanced",
        "mixed-block",
        "p-misuse",
        "tr-misuse",
        "tc-misuse",
        "quote",
        "unknown-filter",
        "unknown-test",
        "unsafe",
        "unsupported",
        "unknown-variable",
        "unknown-column",
        "refused",
        "too-deep",
        "too-large",
    }
)
#: Findings that are information, not faults: the template fills as it is.
NOTES = frozenset({"tracked-changes", "assumed"})
_QUOTE_LENGTH = 120


@dataclass(frozen=True)
class Finding(Problem):
    """One thing wrong with a template's tags, where it is and the text around it.

    ``code`` names the kind (``broken-tag``, ``syntax``, ``unbalanced``, ``p-misuse``,
    ``unknown-filter``, ``unknown-variable``…); ``part`` is the package part
    (``word/document.xml``), ``place`` the paragraph as a person finds it (``đoạn 12``,
    ``bảng 1, hàng 2, ô 1``, ``đầu trang (header1.xml), đoạn 1``), ``text`` the paragraph's
    text around the tag; ``field`` is the variable concerned, if any.
    """

    code: str = "template"
    part: str | None = None
    place: str | None = None
    text: str | None = None

    @property
    def blocking(self) -> bool:
        """True when the template cannot be used until this is fixed."""
        return self.code in BLOCKING

    @property
    def note(self) -> bool:
        """True for information about the template (what was assumed or accepted)."""
        return self.code in NOTES

    def shown(self, hints: Mapping[str, str] | None = None) -> str:
        """The finding as a line: the place, the message, the text around the tag."""
        head = f"{self.place}: " if self.place else ""
        quote = f" — «{self.text}»" if self.text else ""
        return f"{head}{self.says(hints)}{quote}"


@dataclass(frozen=True)
class Passage:
    """Text the analysis reads, as a paragraph of a part: where it is (its
    :attr:`~bdt_docx.document.Paragraph.place`), its text, and the row and cell around it."""

    part: str
    place: str
    text: str
    row_text: str | None
    cell_text: str | None

    def quote(self, start: int = 0, end: int | None = None) -> str:
        """The text around ``start:end``, cut to a readable length."""
        end = len(self.text) if end is None else end
        if len(self.text) <= _QUOTE_LENGTH:
            return self.text
        margin = max(0, (_QUOTE_LENGTH - (end - start)) // 2)
        left, right = max(0, start - margin), min(len(self.text), end + margin)
        head = "…" if left else ""
        tail = "…" if right < len(self.text) else ""
        return head + self.text[left:right] + tail


@dataclass(frozen=True)
class Tag:
    """One Jinja tag: its kind, docxtpl prefix, body (prefix and ``-`` removed) and where."""

    kind: str  # "expr", "stmt" or "comment"
    prefix: str  # "", "p", "tr", "tc" or "r"
    body: str
    paragraph: Passage
    start: int
    end: int

    @property
    def keyword(self) -> str:
        """The statement's first word (``if``, ``endfor``, ``else``), empty when none."""
        return self.body.split(None, 1)[0] if self.body.split() else ""

    def show(self) -> str:
        """The tag as written (prefix kept), for messages."""
        prefix = f"{self.prefix} " if self.prefix else " "
        if self.kind == "expr":
            return f"{{{{{prefix}{self.body} }}}}"
        return f"{{%{prefix}{self.body} %}}"


@dataclass
class Analysis:
    """The findings about a template's parts, and where each variable is first used."""

    findings: list[Finding] = field(default_factory=list)
    uses: dict[str, Tag] = field(default_factory=dict)
    #: The first tag reading each attribute or key of a value (``r.ten``, ``r["so"]``).
    columns: dict[str, Tag] = field(default_factory=dict)
    #: Variables the template guards with ``|default(…)`` or ``is defined``: not required.
    optional: set[str] = field(default_factory=set)

    @property
    def blocking(self) -> list[Finding]:
        """The findings that make the template unusable."""
        return [f for f in self.findings if f.blocking]

    def add(self, code: str, message: str, tag: Tag) -> None:
        """Record a finding at ``tag``, quoting the text around it."""
        self.findings.append(_finding(code, message, tag))

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """``problems`` about variables (``field`` a name) or list columns (``ds.ten``),
        each placed at the first tag using it."""
        return [self._placed(p) for p in problems]

    def _placed(self, problem: Problem) -> Problem:
        column = (problem.field or "").partition(".")[2]
        if problem.field in self.uses:
            code, tag = "unknown-variable", self.uses[problem.field]
        elif column in self.columns:
            code, tag = "unknown-column", self.columns[column]
        else:
            return problem
        return _finding(code, problem.message, tag, file=problem.file, field=problem.field)


def _finding(code: str, message: str, tag: Tag, **extra: str | None) -> Finding:
    paragraph = tag.paragraph
    text = paragraph.quote(tag.start, tag.end)
    return Finding(
        message, code=code, part=paragraph.part, place=paragraph.place, text=text, **extra
    )
