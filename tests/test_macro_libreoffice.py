"""The LibreOffice Calc macro ``examples/macros/bdt_docx_libreoffice.py``, run for real.

The pure logic of the macro is tested by importing it here. Then LibreOffice is started
headless with a fresh profile holding the macro (installed by
:func:`bdt_docx.macros.install_libreoffice_macro`), listening on a pipe; a driver script run
with the Python that has ``uno`` (Debian's ``/usr/bin/python3``, not this one) opens each
workbook hidden, activates its frame and dispatches the macro. The macro runs silently
(``BDT_DOCX_MACRO_SILENT=1``) and writes its messages to a log, which the tests read.

LibreOffice sees a ``PATH`` holding a folder with only a ``bdt-docx`` link to the real
command, ahead of a ``PATH`` cleaned of virtualenv/pyenv folders (their ``python3`` would
crash LibreOffice's embedded Python). Like ``tests/test_pdf.py``, these tests skip without
LibreOffice unless ``CI=true``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import uuid
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from needs import require_libreoffice, require_uno_python
from workbooks import EXAMPLE

from bdt_docx import libreoffice
from bdt_docx.libreoffice import run_conversion, soffice_environment
from bdt_docx.macros import EXCEL_MACRO, LIBREOFFICE_MACRO, install_libreoffice_macro, macro_file

ROOT = Path(__file__).resolve().parent.parent
MACRO_URL = "vnd.sun.star.script:bdt_docx_libreoffice.py$tao_bao_cao?language=Python&location=user"
START_TIMEOUT = 90
RUN_TIMEOUT = 240


def _load_macro() -> Any:
    spec = importlib.util.spec_from_file_location("bdt_docx_libreoffice", macro_file())
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


macro = _load_macro()


# --- the macro's pure logic ----------------------------------------------------------------


def test_macro_file_is_the_one_in_examples():
    assert macro_file() == ROOT / "examples" / "macros" / LIBREOFFICE_MACRO
    assert "import bdt_docx" not in macro_file().read_text("utf-8")


def test_install_copies_the_macro_into_the_profile(tmp_path):
    installed = install_libreoffice_macro(tmp_path / "profile")
    assert installed == tmp_path / "profile" / "user" / "Scripts" / "python" / LIBREOFFICE_MACRO
    assert installed.read_bytes() == macro_file().read_bytes()
    assert install_libreoffice_macro(tmp_path / "profile" / "user") == installed


def test_find_command_order():
    def which(name: str) -> str | None:
        return {"bdt-docx": "/path/bdt-docx", "python": "/usr/bin/python"}.get(name)

    def exists(path: str) -> bool:
        return path in ("/configured/bdt-docx", "/env/bdt-docx")

    env = {"BDT_DOCX_CMD": "/env/bdt-docx", "HOME": "/nowhere"}
    find = macro.find_command
    assert find("/configured/bdt-docx", env, which, exists) == ["/configured/bdt-docx"]
    assert find("", env, which, exists) == ["/env/bdt-docx"]
    assert find("", {"BDT_DOCX_CMD": "python -m bdt_docx.cli"}, which, exists) == [
        "python",
        "-m",
        "bdt_docx.cli",
    ]
    assert find("", {"HOME": "/nowhere"}, which, exists) == ["/path/bdt-docx"]
    assert find("", {"HOME": "/nowhere"}, lambda _: None, exists) is None
    assert find("", {"BDT_DOCX_CMD": "/missing"}, which, exists) is None


def test_build_command_and_report_path():
    report = macro.report_path("/so/bao cao.xlsx")
    assert report == "/so/bao cao.docx"
    assert macro.build_command(["bdt-docx"], "/tmp/x.xlsx", report, "/tmp/r.json") == [
        "bdt-docx", "fill", "/tmp/x.xlsx", "-o", report, "--result", "/tmp/r.json"
    ]  # fmt: skip
    assert macro.build_command(["b"], "w", "r", "j", overwrite=True)[-1] == "--overwrite"
    assert macro.build_command(["b"], "w", "r", "j", just_saved=True)[-1] == "--just-saved"


def test_child_environment_drops_libreoffice_python_settings():
    env = macro.child_environment({"PYTHONHOME": "C:/LO/python", "PYTHONPATH": "x", "A": "1"})
    assert env == {"A": "1", "PYTHONIOENCODING": "utf-8"}


def test_result_messages(tmp_path):
    path = tmp_path / "r.json"
    path.write_text(
        json.dumps({"ok": True, "code": 0, "output": "/so/bc.docx", "pdf": None, "errors": []}),
        encoding="utf-8",
    )
    assert macro.result_message(macro.read_result(str(path))) == (
        True,
        "Đã tạo báo cáo:\n/so/bc.docx",
    )
    error = {"file": "so.xlsx", "field": "tong_so_nguoi", "sheet": "Thông tin", "cell": "B17"}
    data = {"ok": False, "code": 3, "errors": [{**error, "message": "cần một số nguyên"}]}
    ok, text = macro.result_message(data)
    assert not ok
    assert "1 lỗi" in text
    assert "• Trang tính 'Thông tin', ô B17 (tong_so_nguoi): cần một số nguyên" in text
    warning = {**error, "message": "danh sách có dòng đang ẩn", "code": "list.hidden_rows"}
    ok, text = macro.result_message(
        {"ok": True, "code": 0, "output": "/bc.docx", "warnings": [warning]}
    )
    assert ok and text == (
        "Đã tạo báo cáo:\n/bc.docx\n\nCảnh báo, hãy xem lại báo cáo trước khi gửi:\n"
        "• Trang tính 'Thông tin', ô B17 (tong_so_nguoi): danh sách có dòng đang ẩn"
    )
    ok, text = macro.result_message({"ok": False, "code": 5, "errors": []}, 5, "", "/so/bc.docx")
    assert "đóng" in text and "/so/bc.docx" in text
    ok, text = macro.result_message(None, 1, "Traceback: boom")
    assert not ok and "boom" in text and "mã thoát 1" in text
    assert macro.read_result(str(tmp_path / "missing.json")) is None


def test_excel_macro_is_ascii_vba_for_32_and_64_bit():
    source = macro_file(EXCEL_MACRO).read_bytes()
    text = source.decode("ascii")  # VBA reads .bas files as ANSI: pure ASCII only
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")
    assert text.startswith('Attribute VB_Name = "BdtDocx"')
    assert "#If VBA7 Then" in text and "Declare PtrSafe Function MessageBoxW" in text
    assert "Public Sub TaoBaoCao()" in text
    decoded = re.sub(r"\\u([0-9A-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    assert "Sổ Excel có " in decoded and "Báo cáo đã có:" in decoded
    assert ".Run(command, 0, True)" in text and "--overwrite" in text


# --- the macro in LibreOffice ------------------------------------------------------------------

DRIVER = textwrap.dedent(
    """\
    import json, sys
    import uno

    pipe, jobs_file, log = sys.argv[1], sys.argv[2], sys.argv[3]
    sys.path.insert(0, sys.argv[5])
    from calc_typist import connect, prop

    context = connect(pipe, float(sys.argv[4]))
    manager = context.ServiceManager
    desktop = manager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    dispatcher = manager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)

    for job in json.load(open(jobs_file, encoding="utf-8")):
        with open(log, "a", encoding="utf-8") as stream:
            stream.write("=== %s\\n" % job["label"])
        url = uno.systemPathToFileUrl(job["path"]) if job["path"] else "private:factory/scalc"
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        for sheet, cell, value in job.get("edits", ()):
            doc.getSheets().getByName(sheet).getCellRangeByName(cell).setValue(value)
        frame = doc.getCurrentController().getFrame()
        frame.activate()
        dispatcher.executeDispatch(frame, job["macro"], "", 0, ())
        doc.close(True)
    print("driver done")
    try:
        desktop.terminate()
    except Exception:
        pass  # the bridge closes as LibreOffice quits
    """
)


def _real_command() -> Path:
    """The ``bdt-docx`` console script of the Python running the tests."""
    beside = Path(sys.executable).parent / ("bdt-docx.exe" if os.name == "nt" else "bdt-docx")
    found = beside if beside.is_file() else shutil.which("bdt-docx")
    if not found:
        pytest.fail("lệnh bdt-docx chưa được cài (pip install -e .)", pytrace=False)
    return Path(found)


@contextlib.contextmanager
def _libreoffice(soffice: Path, profile: Path, env: dict[str, str], pipe: str):
    process = subprocess.Popen(
        [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            *libreoffice.HEADLESS_OPTIONS,
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
        start_new_session=os.name != "nt",
    )
    try:
        yield process
    finally:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)  # the driver asked LibreOffice to quit
        if os.name == "nt":
            subprocess.run(["taskkill", "/T", "/F", "/PID", str(process.pid)], check=False)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=30)
        for leftover in Path(tempfile.gettempdir()).glob(f"OSL_PIPE_*_{pipe}"):
            leftover.unlink(missing_ok=True)


def _error_workbook(folder: Path) -> Path:
    workbook = openpyxl.load_workbook(EXAMPLE)
    workbook["Thông tin"]["B17"] = "abc"  # tong_so_nguoi
    path = folder / "so_co_loi.xlsx"
    workbook.save(path)
    return path


def _warning_workbook(folder: Path) -> Path:
    """The example with a date in a month-first cell and a hidden recipient: both reach the
    report, each with a warning."""
    workbook = openpyxl.load_workbook(EXAMPLE)
    workbook["Thông tin"]["B13"] = dt.datetime(2021, 9, 6)  # ngay_ban_hanh
    workbook["Thông tin"]["B13"].number_format = "m/d/yyyy"
    workbook["Nơi nhận"].row_dimensions[6].hidden = True
    path = folder / "so_canh_bao.xlsx"
    workbook.save(path)
    return path


@pytest.fixture(scope="module")
def macro_run(tmp_path_factory) -> dict[str, Any]:
    """Run the macro in LibreOffice on several workbooks; return paths and the log by job."""
    base = tmp_path_factory.mktemp("macro")
    work = base / "so lieu"
    work.mkdir()
    good = work / "bao_cao_bau_cu_2021.xlsx"
    shutil.copyfile(EXAMPLE, good)
    ods = run_conversion(EXAMPLE, "ods", work / "ods")
    bad = _error_workbook(work)
    warned = _warning_workbook(work)
    jobs = [
        {"label": "good", "path": str(good)},
        {"label": "again", "path": str(good)},
        {"label": "error", "path": str(bad)},
        {"label": "ods", "path": str(ods)},
        {"label": "unsaved", "path": ""},
        {"label": "warnings", "path": str(warned)},
    ]
    sections, output = _run_macro(base, jobs)
    return {"good": good, "bad": bad, "ods": ods, "warned": warned, "log": sections,
            "driver": output}  # fmt: skip


@pytest.fixture(scope="module")
def macro_run_not_saving(tmp_path_factory) -> dict[str, Any]:
    """The macro run where the clerk answers no to every question, on an .ods workbook open
    with an unsaved change (the voters typed 20 instead of the saved 25)."""
    base = tmp_path_factory.mktemp("macro_no")
    ods = run_conversion(EXAMPLE, "ods", base / "so lieu")
    edits = [["Thông tin", "B19", 20]]  # so_nguoi_di_bau_cu
    sections, _ = _run_macro(base, [{"label": "ods", "path": str(ods), "edits": edits}], "no")
    return {"ods": ods, "log": sections}


def _run_macro(
    base: Path, jobs: list[dict[str, Any]], answer: str = "yes"
) -> tuple[dict[str, str], str]:
    """Open each job's workbook in LibreOffice (typing its ``edits``, left unsaved) and run
    the macro, the clerk answering ``answer``; the macro's log by job, and the driver's
    output."""
    if not EXAMPLE.is_file():
        pytest.skip("examples/bao_cao_bau_cu_2021.xlsx không có")
    soffice = require_libreoffice()
    python = require_uno_python(soffice)
    command = _real_command()
    profile, bin_dir = base / "profile", base / "bin"
    bin_dir.mkdir()
    install_libreoffice_macro(profile)
    (bin_dir / command.name).symlink_to(command)
    for job in jobs:
        job["macro"] = MACRO_URL
    jobs_file = base / "jobs.json"
    jobs_file.write_text(json.dumps(jobs), encoding="utf-8")

    log = base / "macro.log"
    env = soffice_environment()
    env.pop("BDT_DOCX_CMD", None)
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    env.update(BDT_DOCX_MACRO_SILENT="1", BDT_DOCX_MACRO_LOG=str(log), BDT_DOCX_MACRO_ANSWER=answer)
    scratch = base / "tmp"  # LibreOffice's and the macro's temporary files
    scratch.mkdir()
    env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
    pipe = f"bdt_docx_test_{uuid.uuid4().hex}"
    with _libreoffice(soffice, profile, env, pipe):
        driver = subprocess.run(
            [
                str(python),
                "-c",
                DRIVER,
                pipe,
                str(jobs_file),
                str(log),
                str(START_TIMEOUT),
                str(ROOT / "tests" / "corpus"),
            ],
            capture_output=True,
            env=soffice_environment(),
            timeout=RUN_TIMEOUT,
            check=False,
        )
    output = driver.stdout.decode("utf-8", "replace") + driver.stderr.decode("utf-8", "replace")
    assert driver.returncode == 0, output
    sections: dict[str, str] = {}
    label = ""
    for line in log.read_text("utf-8").splitlines():
        if line.startswith("=== "):
            label = line[4:]
            sections[label] = ""
        else:
            sections[label] += line + "\n"
    assert not list(scratch.glob("bdt-docx-macro-*")), "the macro left its temporary folder"
    return sections, output


def _text(docx: Path) -> str:
    with zipfile.ZipFile(docx) as package:
        return package.read("word/document.xml").decode("utf-8")


@pytest.mark.slow
def test_macro_makes_the_report_beside_the_workbook(macro_run):
    report = macro_run["good"].with_suffix(".docx")
    assert report.is_file()
    assert "BÁO CÁO" in _text(report)
    log = macro_run["log"]["good"]
    assert "Đã tạo báo cáo" in log
    assert str(report) in log
    # Calc has the workbook open (its lock file beside it), saved as it is: no warning
    assert "Cảnh báo" not in log and "đang mở" not in log


@pytest.mark.slow
def test_macro_asks_before_overwriting(macro_run):
    log = macro_run["log"]["again"]
    assert "Báo cáo đã có" in log and "-> yes" in log
    assert "Đã tạo báo cáo" in log


@pytest.mark.slow
def test_macro_shows_workbook_errors_with_their_cell(macro_run):
    log = macro_run["log"]["error"]
    assert " error] Sổ Excel có 1 lỗi" in log
    assert "Trang tính 'Thông tin', ô B17 (tong_so_nguoi)" in log
    assert "cần một số nguyên" in log
    assert not macro_run["bad"].with_suffix(".docx").exists()


@pytest.mark.slow
def test_macro_handles_an_ods_workbook(macro_run):
    report = macro_run["ods"].with_suffix(".docx")
    assert report.is_file(), macro_run["log"]["ods"]
    assert "BÁO CÁO" in _text(report)
    assert str(report) in macro_run["log"]["ods"]
    assert sorted(p.name for p in report.parent.iterdir()) == [
        "bao_cao_bau_cu_2021.docx",
        "bao_cao_bau_cu_2021.ods",
    ]


@pytest.mark.slow
def test_macro_asks_to_save_a_new_workbook(macro_run):
    assert "Sổ chưa được lưu" in macro_run["log"]["unsaved"]


@pytest.mark.slow
def test_macro_shows_the_warnings_with_the_report(macro_run):
    log = macro_run["log"]["warnings"]
    assert " info] Đã tạo báo cáo" in log
    assert "Cảnh báo, hãy xem lại báo cáo trước khi gửi:" in log
    assert "• Trang tính 'Thông tin', ô B13 (ngay_ban_hanh): đã đọc ngày 06/09/2021" in log
    assert "• Trang tính 'Nơi nhận'" in log and "ẩn" in log


@pytest.mark.slow
def test_macro_not_saving_an_ods_uses_its_saved_figures_as_it_says(macro_run_not_saving):
    log = macro_run_not_saving["log"]["ods"]
    assert "Lưu lại trước khi tạo báo cáo? -> no" in log
    assert "Báo cáo sẽ dùng bản đã lưu của sổ." in log
    report = macro_run_not_saving["ods"].with_suffix(".docx")
    assert report.is_file(), log
    text = re.sub(r"<[^>]+>", "", _text(report))
    assert "100% (25/25 người)" in text and "20/25" not in text
    assert "Cảnh báo, hãy xem lại báo cáo trước khi gửi:" in log  # and when it was saved
    assert "Sổ đang mở trong LibreOffice Calc" in log and "bản đã lưu lúc" in log
