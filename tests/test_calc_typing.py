"""Workbooks typed in LibreOffice Calc the way a clerk types (through UNO, as typed
input): rows typed under a list are never dropped silently, and the spare rows of a
``bdt-docx init`` workbook take what is typed."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from corpus.programs import INFO, shipped_fields
from needs import require_libreoffice, require_uno_python
from test_macro_libreoffice import _libreoffice
from test_programs import libreoffice_csv, shown
from workbooks import EXAMPLE

import bdt_docx
from bdt_docx import WorkbookError
from bdt_docx.cli import main
from bdt_docx.libreoffice import soffice_environment

TYPIST = Path(__file__).resolve().parent / "corpus" / "calc_typist.py"
SAVES = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8"}
RECIPIENTS = ["UBND tỉnh;", "Sở Nội vụ;", "Lưu: VT."]
#: Figures typed over the example's on its first sheet: a place, whole numbers, a date typed
#: day-first (text to an en-US Calc, a date to the reader).
FIGURES = [("B12", "Lào Cai"), ("B17", "30"), ("B19", "29"), ("B13", "15/06/2021")]


@pytest.fixture(scope="module")
def typed(tmp_path_factory) -> dict[str, Path]:
    """The example and an init workbook, typed into in Calc and saved as .xlsx and .ods."""
    base = tmp_path_factory.mktemp("calc")
    example = Path(shutil.copyfile(EXAMPLE, base / "vi_du.xlsx"))
    fresh = base / "moi.xlsx"
    assert main(["init", str(fresh), "--example"]) == 0
    below = [["Nơi nhận", "A9", "Sở Tài chính;"], ["Nơi nhận", "A10", "Sở Tư pháp;"]]
    inside = [["Nơi nhận", f"A{5 + i}", text] for i, text in enumerate(RECIPIENTS + RECIPIENTS)]
    inside += [[INFO, cell, text] for cell, text in FIGURES]
    jobs, made = [], {}
    for label, source, typing in (("below", example, below), ("inside", fresh, inside)):
        saves = []
        for suffix, filter_name in SAVES.items():
            made[f"{label}.{suffix}"] = base / f"{label}.{suffix}"
            saves.append([str(made[f"{label}.{suffix}"]), filter_name])
        jobs.append({"path": str(source), "typing": typing, "save": saves})
    type_in_calc(base, jobs)
    return made


def type_in_calc(base: Path, jobs: list[dict]) -> None:
    """Run ``tests/corpus/calc_typist.py`` on ``jobs`` in a LibreOffice of its own (profile
    under ``base``)."""
    soffice = require_libreoffice()
    python = require_uno_python(soffice)
    jobs_file = base / "jobs.json"
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")
    pipe = f"bdt_docx_typing_{uuid.uuid4().hex}"
    env = soffice_environment()
    with _libreoffice(soffice, base / "profile", env, pipe):
        run = subprocess.run(
            [str(python), str(TYPIST), pipe, str(jobs_file)],
            env=env, check=False, capture_output=True, timeout=240,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")


@pytest.mark.parametrize("suffix", list(SAVES))
@pytest.mark.slow
def test_rows_typed_under_a_list_in_calc_are_refused_naming_them(typed, suffix):
    with pytest.raises(WorkbookError) as caught:
        bdt_docx.read_workbook(typed[f"below.{suffix}"])
    (problem,) = caught.value.problems
    assert (problem.field, problem.sheet, problem.cell) == ("noi_nhan", "Nơi nhận", "A9:A10")
    assert "Data → Define Range" in problem.message


@pytest.mark.parametrize("suffix", list(SAVES))
@pytest.mark.slow
def test_rows_typed_into_the_spare_rows_of_an_init_workbook_are_read(typed, suffix):
    context = bdt_docx.read_workbook(typed[f"inside.{suffix}"])
    assert [r["noi_nhan"] for r in context["noi_nhan"]] == [
        "UBND tỉnh", "Sở Nội vụ", "Lưu: VT", "UBND tỉnh", "Sở Nội vụ", "Lưu: VT",
    ]  # fmt: skip


@pytest.mark.parametrize("suffix", list(SAVES))
@pytest.mark.slow
def test_what_is_typed_in_calc_is_read_as_libreoffice_shows_it(typed, suffix):
    workbook = typed[f"inside.{suffix}"]
    context = bdt_docx.read_workbook(workbook)
    shows = {row[3]: row[1] for row in libreoffice_csv(workbook, INFO) if len(row) > 3}
    for spec in shipped_fields().values.values():  # column D names each value's cell
        assert shows[spec.name] == shown(context[spec.name]), spec.name
    assert (context["dia_danh"], context["tong_so_nguoi"]) == ("Lào Cai", 30)
    # the list's cells as Calc shows them; the reader leaves out the closing ";" or "."
    # that the template writes itself
    listed = [row[0] for row in libreoffice_csv(workbook, "Nơi nhận")[4:] if row and row[0]]
    assert listed == RECIPIENTS + RECIPIENTS
    assert [
        r["noi_nhan"] + t[-1] for r, t in zip(context["noi_nhan"], listed, strict=True)
    ] == listed
