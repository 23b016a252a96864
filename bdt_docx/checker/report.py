"""What a check finds: :class:`Issue` (from a rule), :class:`Finding` (in the report) and the
:class:`CheckReport` that reads as text or as a dict for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"
VERDICT_LABELS = {PASS: "ĐẠT", FAIL: "KHÔNG ĐẠT", WARN: "CẢNH BÁO", SKIP: "KHÔNG ÁP DỤNG"}
#: The text report lists at most this many places of one rule and counts the rest (the
#: dict for JSON lists them all).
MAX_LISTED = 10


@dataclass(frozen=True)
class Issue:
    """Something a rule found: ``verdict`` (``fail``, ``warn``, or ``skip`` when the rule does
    not apply to the document), the place, what was found and what the decree expects
    there, in Vietnamese."""

    verdict: str
    where: str
    found: str
    expected: str


@dataclass(frozen=True)
class Finding:
    """The result of a rule at one place of the document.

    ``rule`` is the rule id (``trang.kho_giay``), ``title`` what it requires, ``verdict``
    ``pass``, ``fail``, ``warn`` or ``skip``; ``where``, ``found`` and ``expected`` are
    Vietnamese.
    """

    rule: str
    title: str
    verdict: str
    where: str
    found: str
    expected: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a plain dict."""
        return asdict(self)

    def to_text(self) -> str:
        """One line: ``[KHÔNG ĐẠT] trang.le — lề trang: lề trái 25 mm (cần 30-35 mm)``."""
        head = f"[{VERDICT_LABELS[self.verdict]}] {self.rule} — {self.title}"
        if self.verdict == PASS:
            return head
        if self.verdict == SKIP:
            return f"{head}: {self.found}"
        return f"{head}\n    {self.where}: {self.found} (cần: {self.expected})"


@dataclass
class CheckReport:
    """Every finding of a check; :attr:`ok` when none is a failure."""

    file: str
    kind: str = "văn bản"
    """The kind of document recognised (``Công văn``, ``Báo cáo``…)."""
    kind_reason: str = ""
    """What it was recognised by (``tên loại «BÁO CÁO»``, ``ký hiệu «TTr-SNV»``…)."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no rule failed (warnings allowed)."""
        return not self.failures

    @property
    def failures(self) -> list[Finding]:
        """The findings that are failures."""
        return [f for f in self.findings if f.verdict == FAIL]

    @property
    def warnings(self) -> list[Finding]:
        """The findings that are warnings."""
        return [f for f in self.findings if f.verdict == WARN]

    def failed_rules(self) -> set[str]:
        """Ids of the rules with at least one failure."""
        return {f.rule for f in self.failures}

    def to_text(self, more: str = "") -> str:
        """A readable Vietnamese report: the kind, a summary line, then the findings (at most
        :data:`MAX_LISTED` places per rule, the rest counted; ``more`` says where they are)."""
        verdict = "ĐẠT" if self.ok else "KHÔNG ĐẠT"
        lines = [
            f"Kiểm tra thể thức (Nghị định 30/2020/NĐ-CP): {self.file}",
            f"Loại văn bản: {self.kind} (nhận ra từ {self.kind_reason})",
            f"Kết quả: {verdict} — {len(self.failures)} lỗi, {len(self.warnings)} cảnh báo.",
            "",
        ]
        listed: dict[str, int] = {}
        for finding in self.findings:
            listed[finding.rule] = listed.get(finding.rule, 0) + 1
            if listed[finding.rule] <= MAX_LISTED:
                lines.append(finding.to_text())
        for rule, count in listed.items():
            if count > MAX_LISTED:
                lines.append(f"    ({rule}: và {count - MAX_LISTED} chỗ khác{more})")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """``{"file", "kind", "ok", "findings": [...]}``, ready for :func:`json.dumps`."""
        return {
            "file": self.file,
            "kind": self.kind,
            "ok": self.ok,
            "findings": [f.to_dict() for f in self.findings],
        }
