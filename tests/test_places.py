"""``lint`` and ``check`` name a paragraph the same way, as a clerk finds it in Word.

One document, two faults in two paragraphs (a body paragraph after the header table, a line
of the Nơi nhận cell), each a broken tag for ``lint`` and a format fault for ``check``: both
commands, run as a user runs them, name each paragraph with the same words.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from test_check import render, replace, restyle

BODY = "Ban đã ban hành 02 văn bản, với 25 người tham gia."


def run(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bdt_docx", *args, "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 7, done.stdout + done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_lint_and_check_name_the_same_paragraph_alike(tmp_path: Path) -> None:
    document = tmp_path / "van_ban.docx"
    document.write_bytes(
        render(
            restyle(BODY, rpr='<w:sz w:val="20"/>'),  # 10 pt: too small for the body
            replace(BODY, "Ban đã ban hành {{ so_van_ban văn bản."),
            replace("- Lưu: VT.", "- Lưu: VT; {{ noi_luu"),  # the last line must end in "."
        )
    )
    linted = {f["place"] for f in run("lint", str(document))["findings"]}
    checked = {f["rule"]: f["where"] for f in run("check", str(document))["check"]["findings"]}

    assert linted == {"đoạn 8", "bảng 2, hàng 1, ô 1, đoạn 3"}
    assert checked["noi_dung.co_chu"] == "nội dung, đoạn 8"
    assert checked["cuoi.danh_sach_nhan"] == "nơi nhận, bảng 2, hàng 1, ô 1, đoạn 3"
