"""The Excel macro (VBA), read without Excel: which workbook it acts on, and its messages.

No VBA engine runs here (docs/macros.md lists what to try by hand on Windows); these tests
hold the macro to what the documentation promises, so that a change that goes back to
``ThisWorkbook`` (which is PERSONAL.XLSB when the macro lives there) fails.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

MACRO = Path(__file__).resolve().parent.parent / "examples" / "macros" / "bdt_docx_excel.bas"
_PROCEDURE = re.compile(
    r"^(?:Public |Private )?(?:Sub|Function) (\w+)\(.*?^End (?:Sub|Function)$", re.M | re.S
)
_ESCAPED = re.compile(r'U\("((?:[^"]|"")*)"\)')


@pytest.fixture(scope="module")
def source() -> str:
    return MACRO.read_text(encoding="ascii").replace("\r\n", "\n")


def code(text: str) -> str:
    """VBA without its comments and string literals."""
    text = re.sub(r'"(?:[^"\n]|"")*"', '""', text)
    return re.sub(r"'.*", "", text)


def decoded(text: str) -> list[str]:
    """The Vietnamese texts of the macro's ``U("…")`` calls."""
    return [
        re.sub(r"\\u([0-9A-Fa-f]{4})", lambda m: chr(int(m[1], 16)), s.replace('""', '"'))
        for s in _ESCAPED.findall(text)
    ]


@pytest.fixture(scope="module")
def procedures(source) -> dict[str, str]:
    return {m[1]: m[0] for m in _PROCEDURE.finditer(source)}


def test_the_macro_is_ascii_and_its_vietnamese_is_well_formed(source):
    texts = decoded(source)
    assert len(texts) > 20
    for text in texts:
        assert "\\u" not in text and unicodedata.normalize("NFC", text) == text, text


def test_the_report_is_made_from_the_workbook_the_macro_chose(procedures):
    users = {name for name, body in procedures.items() if "ThisWorkbook" in code(body)}
    assert users == {"TargetWorkbook"}
    main = code(procedures["TaoBaoCao"])
    assert "Set wb = TargetWorkbook()" in main and "If wb Is Nothing Then Exit Sub" in main
    assert main.index("Set wb = TargetWorkbook()") < main.index("wb.Save")
    # saved as it is open: bdt-docx is told so, and does not warn that Excel has it open
    raw = procedures["TaoBaoCao"]
    assert raw.index("wb.Save") < raw.index('" --just-saved"')


def test_a_button_first_then_the_macros_workbook_unless_it_holds_no_data(procedures):
    target = code(procedures["TargetWorkbook"])
    steps = [
        "Application.Caller",  # a button: its sheet's workbook
        "Set TargetWorkbook = ActiveSheet.Parent",
        "If Not IsMacroStore(ThisWorkbook) Then",  # Alt+F8 / ribbon, macro in the data
        "Set TargetWorkbook = ThisWorkbook",
        "Set front = ActiveWorkbook",  # macro in PERSONAL.XLSB: the workbook in front...
        "If IsMacroStore(front) Then",
        "vbYesNo",  # ...after asking
        "Set TargetWorkbook = front",
    ]
    places = [target.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), dict(zip(steps, places, strict=True))
    store = procedures["IsMacroStore"]
    assert 'Like "PERSONAL.XL*"' in store and "wb.IsAddin" in store
    assert "Application.StartupPath" in store


def test_the_messages_say_which_workbook_and_why(procedures):
    asked = " ".join(decoded(procedures["TargetWorkbook"]))
    assert "sổ macro cá nhân" in asked and "sổ đang mở phía trước" in asked
    assert "Không có sổ số liệu nào đang mở" in asked
    result = procedures["ResultMessage"]
    assert "Đã tạo báo cáo từ sổ " in decoded(result)
    assert re.search(r'U\("[^"]*"\) & book & ":"', result)
    assert "text = ResultMessage(data, code, report, wb.Name, ok)" in procedures["TaoBaoCao"]


def test_the_report_message_lists_the_warnings(procedures):
    """A date read from a month-first cell or a hidden row reaches the report with a warning;
    the clerk who pressed the button sees each, as the command prints them."""
    result = procedures["ResultMessage"]
    ok_branch = result[result.index('If JsonBool(data, "ok") Then') : result.index("Select Case")]
    assert 'For Each problem In data("warnings")' in ok_branch
    assert "notes = notes & vbLf & ProblemLine(problem)" in ok_branch
    assert "Cảnh báo, hãy xem lại báo cáo trước khi gửi:" in decoded(ok_branch)
