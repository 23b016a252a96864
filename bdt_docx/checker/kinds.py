"""The kinds of document of Nghị định 30/2020/NĐ-CP (Phụ lục I, Phụ lục III) as data.

Each :class:`Kind` says what a document of that kind has and where: a tên loại line under
the header block (every kind but the Công văn), a trích yếu under the tên loại or, for a
Công văn, a "V/v …" line under the số; the authority line and "QUYẾT ĐỊNH:" of a Quyết định;
"I." / "1." headings in a report-like text. A rule names the part it is about
(:attr:`bdt_docx.checker.Rule.part`) and is checked only where the kind has that part.
"""

from __future__ import annotations

from dataclasses import dataclass

from bdt_docx.checker.common import fold

#: Parts every kind has.
COMMON = frozenset({"dau", "noi_dung", "cuoi"})
#: A tên loại line with a trích yếu under it (Phụ lục I, mục IV.1-2).
TITLED = frozenset({"ten_loai", "trich_yeu"})
#: "I. …" sections and "1. …" khoản titles (Báo cáo, Kế hoạch and their like).
HEADED = frozenset({"de_muc"})
#: A centred authority line and a "QUYẾT ĐỊNH:" (or "QUYẾT NGHỊ:") line before the articles.
DECIDING = frozenset({"tham_quyen"})


@dataclass(frozen=True)
class Kind:
    """A kind of document: its name, its tên loại, its abbreviation in the ký hiệu and parts."""

    name: str
    """The kind in Vietnamese, e.g. ``Tờ trình``."""
    code: str
    """Its abbreviation in the ký hiệu (Phụ lục III), e.g. ``TTr``; empty for a Công văn."""
    parts: frozenset[str]
    """The parts of the page this kind has (``ten_loai``, ``trich_yeu``, ``de_muc``…)."""

    @property
    def title(self) -> str:
        """The tên loại as printed, e.g. ``TỜ TRÌNH``."""
        return self.name.upper()

    def has(self, part: str) -> bool:
        """Whether documents of this kind have ``part``."""
        return part in self.parts

    def example_number(self, agency: str = "UBND") -> str:
        """A số, ký hiệu of this kind: ``Số: 05/TTr-UBND``; ``Số: 05/UBND-VP`` for a Công văn."""
        return f"Số: 05/{self.code}-{agency}" if self.code else f"Số: 05/{agency}-VP"


def _kind(name: str, code: str, *extra: frozenset[str]) -> Kind:
    parts = COMMON | (TITLED if code else frozenset())
    for more in extra:
        parts |= more
    return Kind(name, code, parts)


#: Every kind of Phụ lục III (văn bản hành chính), with the Công văn, and the Nghị định as a
#: legal text whose own rules (Chương, Mục, Điều) this checker does not judge.
# fmt: off
KINDS: tuple[Kind, ...] = (
    _kind("Nghị quyết", "NQ", DECIDING),
    _kind("Quyết định", "QĐ", DECIDING),
    _kind("Chỉ thị", "CT"),
    _kind("Quy chế", "QC"),
    _kind("Quy định", "QyĐ"),
    _kind("Thông cáo", "TC"),
    _kind("Thông báo", "TB"),
    _kind("Hướng dẫn", "HD", HEADED),
    _kind("Chương trình", "CTr", HEADED),
    _kind("Kế hoạch", "KH", HEADED),
    _kind("Phương án", "PA", HEADED),
    _kind("Đề án", "ĐA", HEADED),
    _kind("Dự án", "DA", HEADED),
    _kind("Báo cáo", "BC", HEADED),
    _kind("Biên bản", "BB"),
    _kind("Tờ trình", "TTr"),
    _kind("Hợp đồng", "HĐ"),
    _kind("Công điện", "CĐ"),
    _kind("Bản ghi nhớ", "GN"),
    _kind("Bản thỏa thuận", "TTh"),
    _kind("Giấy ủy quyền", "GUQ"),
    _kind("Giấy mời", "GM"),
    _kind("Giấy giới thiệu", "GGT"),
    _kind("Giấy nghỉ phép", "GNP"),
    _kind("Phiếu gửi", "PG"),
    _kind("Phiếu chuyển", "PC"),
    _kind("Phiếu báo", "PB"),
    _kind("Nghị định", "NĐ-CP"),
    Kind("Công văn", "", COMMON | {"trich_yeu_vv", "kinh_gui"}),
)
# fmt: on
CONG_VAN = KINDS[-1]
#: A document whose kind is not recognised: the parts every kind has, and a tên loại.
UNKNOWN = Kind("văn bản", "", COMMON | TITLED)
#: Abbreviations written in mixed case in a ký hiệu (``TTr-SNV`` is right as it is).
MIXED_CASE_CODES = frozenset(k.code for k in KINDS if k.code and k.code != k.code.upper())


def by_title(text: str) -> Kind | None:
    """The kind whose tên loại is ``text`` (``"BÁO CÁO"``, ``"Tờ trình"``), if any."""
    folded = fold(text)
    return next((k for k in KINDS if k.code and fold(k.name) == folded), None)


def in_capitals(symbol: str) -> str:
    """A ký hiệu as ND30 writes it: in capitals, but for a kind's own mixed-case code
    (``ttr-snv`` → ``TTr-SNV``, ``bc-bdt`` → ``BC-BDT``)."""
    head, dash, rest = symbol.partition("-")
    mixed = {code.upper(): code for code in MIXED_CASE_CODES}
    return mixed.get(head.upper(), head.upper()) + dash + rest.upper()


def by_code(symbol: str) -> Kind | None:
    """The kind named by the start of a ký hiệu (``TTr-SNV`` → Tờ trình), if any."""
    head = symbol.split("-", 1)[0]
    return next((k for k in KINDS if k.code and k.code.split("-")[0] == head), None)
