"""What a check finds: :class:`Issue` (from a rule), :class:`Finding` (in the report) and the
:class:`CheckReport` that reads as text or as a dict for JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PASS, FAIL, WARN = "pass", "fail", "warn"
VERDICT_LABELS = {PASS: "ĐẠT", FAIL: "KHÔNG ĐẠT", WARN: "CẢNH BÁO"}


@dataclass(frozen=True)
class Issue:
    """Something a rule found wrong: ``verdict`` (``fail`` or ``warn``), the place, what was
    found and what the decree expects, in Vietnamese."""

    verdict: str
    where: str
    found: str
    expected: str


@dataclass(frozen=True)
class Finding:
    """The result of a rule at one place of the document.

    ``rule`` is the rule id (``trang.kho_giay``), ``title`` what it requires, ``verdict``
    ``pass``, ``fail`` or ``warn``; ``where``, ``found`` and ``expected`` are Vietnamese.
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
        return f"{head}\n    {self.where}: {self.found} (cần: {self.expected})"


@dataclass
class CheckReport:
    """Every finding of a check; :attr:`ok` when none is a failure."""

    file: str
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

    def to_text(self) -> str:
        """A readable Vietnamese report: a summary line, then one entry per finding."""
        verdict = "ĐẠT" if self.ok else "KHÔNG ĐẠT"
        lines = [
            f"Kiểm tra thể thức (Nghị định 30/2020/NĐ-CP): {self.file}",
            f"Kết quả: {verdict} — {len(self.failures)} lỗi, {len(self.warnings)} cảnh báo.",
            "",
        ]
        lines += [f.to_text() for f in self.findings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """``{"file", "ok", "findings": [...]}``, ready for :func:`json.dumps`."""
        return {"file": self.file, "ok": self.ok, "findings": [f.to_dict() for f in self.findings]}
