"""Workbooks typed in LibreOffice Calc the way a clerk types (through UNO, as typed
input): rows typed under a list are never dropped silently, and the spare rows of a
``bdt-docx init`` workbook take what is typed."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import uuid
import warnings
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
from bdt_docx.errors import BdtDocxWarning
from bdt_docx.libreoffice import soffice_environment

TYPIST = Path(__file__).resolve().parent / "corpus" / "calc_typist.py"
SAVES = {"xlsx": "Calc MS Excel 2007 XML", "ods": "calc8"}
RECIPIENTS = ["UBND tỉnh;", "Sở Nội vụ;", "Lưu: VT."]
#: Figures typed over the example's on its first sheet: a place, whole numbers, a date typed
#: day-first (text to an en-US Calc, a date to the reader).
FIGURES = [("B12", "Lào Cai"), ("B17", "30"), ("B19", "29"), ("B13", "15/06/2021")]


#: A LibreOffice profile's settings naming the language it reads typed input with.
LOCALE_SETTING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">\
<value>{locale}</value></prop></item>
</oor:items>
"""
#: Typed on the keyboard of a Calc set to Vietnamese (decimal comma, thousands point, day
#: first) over the example.
VIETNAMESE = [
    [INFO, "B13", "03/07/2026"],  # ngay_ban_hanh: the 3rd of July
    [INFO, "B17", "1.250"],  # tong_so_nguoi: a thousand two hundred and fifty
    [INFO, "B18", "1.234"],
    [INFO, "B19", "1.000"],
    [INFO, "B5", "96,67%"],  # co_quan_chu_quan, text: a percentage, as Calc shows it
    ["Văn bản đã ban hành", "B5", "5/2/2026"],  # the 5th of February
]


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


def type_in_calc(base: Path, jobs: list[dict], locale: str | None = None) -> None:
    """Run ``tests/corpus/calc_typist.py`` on ``jobs`` in a LibreOffice of its own (profile
    under ``base``), set to the language ``locale`` (``vi-VN``) if given, as Tools → Options
    → Language Settings → Languages → Locale setting does."""
    soffice = require_libreoffice()
    python = require_uno_python(soffice)
    if locale:
        settings = base / "profile" / "user" / "registrymodifications.xcu"
        settings.parent.mkdir(parents=True)
        settings.write_text(LOCALE_SETTING.format(locale=locale), encoding="utf-8")
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


@pytest.fixture(scope="module")
def typed_in_vietnamese(tmp_path_factory) -> dict[str, Path]:
    """The example typed into on the keyboard of a Calc set to Vietnamese, saved as .xlsx
    and .ods."""
    base = tmp_path_factory.mktemp("calc_vi")
    example = Path(shutil.copyfile(EXAMPLE, base / "vi_du.xlsx"))
    made = {suffix: base / f"go.{suffix}" for suffix in SAVES}
    saves = [[str(made[suffix]), filter_name] for suffix, filter_name in SAVES.items()]
    job = {"path": str(example), "typing": VIETNAMESE, "keyboard": True, "save": saves}
    type_in_calc(base, [job], locale="vi-VN")
    return made


@pytest.mark.parametrize("suffix", list(SAVES))
@pytest.mark.slow
def test_figures_typed_in_a_vietnamese_calc_are_read_as_the_clerk_meant(
    typed_in_vietnamese, suffix
):
    with warnings.catch_warnings():
        warnings.simplefilter("error", BdtDocxWarning)  # no day and month read swapped
        context = bdt_docx.read_workbook(typed_in_vietnamese[suffix])
    assert context["ngay_ban_hanh"] == dt.date(2026, 7, 3)
    assert context["van_ban"][0]["ngay"] == dt.date(2026, 2, 5)
    figures = ("tong_so_nguoi", "so_nguoi_du_hoi_nghi", "so_nguoi_di_bau_cu")
    assert [context[name] for name in figures] == [1250, 1234, 1000]
    assert context["co_quan_chu_quan"] == "96,67%"
