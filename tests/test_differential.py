"""The differential test (tests/corpus/differential.py) says where two checkouts differ."""

from __future__ import annotations

import shutil
from pathlib import Path

from corpus.differential import main
from workbooks import EXAMPLE

ROOT = Path(__file__).resolve().parents[1]


def test_a_checkout_against_itself_differs_nowhere(capsys):
    assert main(["--base", str(ROOT), "--fill", str(EXAMPLE)]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 runs: 0 differ, 0 broken reports"


def test_a_message_changed_in_the_base_is_shown_with_both_outcomes(tmp_path, capsys):
    base = tmp_path / "base"
    shutil.copytree(ROOT / "bdt_docx", base / "bdt_docx")
    reader = base / "bdt_docx" / "workbook.py"
    reader.write_text(
        reader.read_text(encoding="utf-8").replace("không tìm thấy tệp", "không thấy tệp"),
        encoding="utf-8",
    )
    missing = tmp_path / "khong_co.xlsx"
    assert main(["--base", str(base), str(missing)]) == 1
    out = capsys.readouterr().out
    assert f"DIFFERS read {missing}" in out
    assert "không thấy tệp" in out and "không tìm thấy tệp" in out
    assert out.splitlines()[-1] == "1 runs: 1 differ, 0 broken reports"
