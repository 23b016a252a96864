"""Conversions through LibreOffice (:mod:`bdt_docx.libreoffice`, :mod:`bdt_docx.pdf`): report
→ PDF, .ods → .xlsx.

Tests that need LibreOffice (or ``pdftotext``) skip when it is missing, except with
``CI=true``, where a missing program is a failure: :func:`require_program` holds that rule,
and ``tests/test_macro_libreoffice.py`` uses it too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from needs import require_libreoffice
from reading import pdf_words, pdftotext

import bdt_docx
from bdt_docx import libreoffice, output, pdf
from bdt_docx.cli.show import ProgressBar, batch_summary
from bdt_docx.errors import ConversionError, OutputError, WorkbookError
from bdt_docx.output import TEMP_PREFIX

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "bao_cao_bau_cu_2021.xlsx"
TEMPLATE = ROOT / "templates" / "bao_cao_thi_dua_bau_cu.docx"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="fake soffice is a sh script")


def fill_example(folder: Path, **options: object) -> Path:
    """Copy the example workbook into ``folder`` and fill the report beside it."""
    if not EXAMPLE.is_file():
        pytest.skip("examples/bao_cao_bau_cu_2021.xlsx không có")
    workbook = folder / EXAMPLE.name
    shutil.copyfile(EXAMPLE, workbook)
    return bdt_docx.fill_report(workbook, _template(), **options)


def _template() -> Path | None:
    """The repository's template when running from a checkout, else the installed one."""
    return TEMPLATE if TEMPLATE.is_file() else None


# --- without LibreOffice -------------------------------------------------------------------


def test_find_soffice_honours_the_environment_variable(tmp_path, monkeypatch):
    program = tmp_path / "soffice"
    program.write_text("")
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(program))
    assert libreoffice.find_soffice() == program
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(tmp_path / "missing"))
    assert libreoffice.find_soffice() is None
    assert str(tmp_path / "missing") in libreoffice.install_hint()


def test_soffice_environment_drops_virtualenvs(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
    other = tmp_path / "other-venv"
    (other / "bin").mkdir(parents=True)
    (other / "pyvenv.cfg").write_text("")
    path = os.pathsep.join(
        [str(venv / "bin"), str(other / "bin"), "/root/.pyenv/shims", "/opt/tools", "/usr/bin"]
    )
    env = libreoffice.soffice_environment(
        {"PATH": path, "VIRTUAL_ENV": str(venv), "PYTHONHOME": "x", "PYTHONPATH": "y", "A": "b"}
    )
    assert env["PATH"].split(os.pathsep) == ["/opt/tools", "/usr/bin"]
    assert "VIRTUAL_ENV" not in env and "PYTHONHOME" not in env and "PYTHONPATH" not in env
    assert env["A"] == "b"


def test_missing_libreoffice_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    report = tmp_path / "bao_cao.docx"
    report.write_bytes(b"PK")
    with pytest.raises(ConversionError) as caught:
        pdf.convert_to_pdf(report)
    message = str(caught.value)
    assert "libreoffice.org" in message
    assert "sudo apt install libreoffice-writer-nogui" in message
    assert libreoffice.SOFFICE_ENV in message
    assert not report.with_suffix(".pdf").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bao_cao.docx"]


def test_fill_report_keeps_the_docx_when_pdf_fails(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    with pytest.raises(ConversionError):
        fill_example(tmp_path, pdf=True)
    assert (tmp_path / "bao_cao_bau_cu_2021.docx").is_file()
    assert not (tmp_path / "bao_cao_bau_cu_2021.pdf").exists()


def test_missing_libreoffice_for_ods_says_save_as_xlsx(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "find_soffice", lambda: None)
    workbook = tmp_path / "so_lieu.ods"
    workbook.write_bytes(b"PK")
    with pytest.raises(WorkbookError) as caught, libreoffice.converted_workbook(workbook):
        pass
    message = str(caught.value)
    assert "Save As" in message and ".xlsx" in message and "Excel 2007-365" in message


def test_existing_pdf_is_kept_without_overwrite(tmp_path, monkeypatch):
    monkeypatch.setattr(
        libreoffice, "find_soffice", lambda: pytest.fail("must not run LibreOffice")
    )
    report = tmp_path / "bao_cao.docx"
    report.write_bytes(b"PK")
    old = report.with_suffix(".pdf")
    old.write_bytes(b"old pdf")
    with pytest.raises(OutputError):
        pdf.convert_to_pdf(report)
    assert old.read_bytes() == b"old pdf"


def _fake_soffice(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "fake-soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(0o755)
    return script


def _report_for_fake_soffice(tmp_path: Path, monkeypatch, body: str) -> Path:
    """A stand-in report, with a fake ``soffice`` (``tmp_path/fake-soffice``) running
    ``body`` set as the LibreOffice to use."""
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake_soffice(tmp_path, body)))
    report = tmp_path / "bao_cao.docx"
    report.write_bytes(b"PK")
    return report


#: A fake soffice body that writes a small PDF into the ``--outdir`` it is given.
_WRITES_PDF = (
    'for a; do case "$a" in --outdir) next=1;; *) [ -n "$next" ] && out="$a"; next=;; '
    'esac; done\nprintf "%%PDF-1.4 fake" > "$out/bao_cao.pdf"'
)
#: A fake soffice body that starts a child process (its pid in ``{pid_file}``) and hangs.
_HANGS_WITH_A_CHILD = "sleep 60 &\necho $! > '{pid_file}'\nsleep 60"


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a killed child not yet reaped by its new parent does not)."""
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        stat = Path(f"/proc/{pid}/stat")
        if stat.is_file() and stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
            return False
        time.sleep(0.1)
    return True


@posix_only
def test_timeout_kills_libreoffice_and_its_children(tmp_path, monkeypatch):
    pid_file = tmp_path / "child.pid"
    report = _report_for_fake_soffice(
        tmp_path, monkeypatch, _HANGS_WITH_A_CHILD.format(pid_file=pid_file)
    )
    started = time.monotonic()
    with pytest.raises(ConversionError, match="quá 1 giây"):
        pdf.convert_to_pdf(report, timeout=1)
    assert time.monotonic() - started < 15
    assert not _alive(int(pid_file.read_text()))
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bao_cao.docx",
        "child.pid",
        "fake-soffice",
    ]


@posix_only
def test_failed_conversion_reports_libreoffice_stderr(tmp_path, monkeypatch):
    report = _report_for_fake_soffice(
        tmp_path, monkeypatch, "echo 'Error: source file could not be loaded' >&2\nexit 1"
    )
    with pytest.raises(ConversionError, match="source file could not be loaded"):
        pdf.convert_to_pdf(report)
    assert not report.with_suffix(".pdf").exists()


@posix_only
def test_libreoffice_runs_with_a_fresh_profile_and_clean_environment(tmp_path, monkeypatch):
    log = tmp_path / "args.txt"
    report = _report_for_fake_soffice(
        tmp_path,
        monkeypatch,
        f'printf "%s\\n" "$@" > "{log}"\necho "VENV=$VIRTUAL_ENV" >> "{log}"\n' + _WRITES_PDF,
    )
    monkeypatch.setenv("VIRTUAL_ENV", "/some/venv")
    assert pdf.convert_to_pdf(report) == report.with_suffix(".pdf")
    assert report.with_suffix(".pdf").read_bytes() == b"%PDF-1.4 fake"
    args = log.read_text().splitlines()
    profile = next(a for a in args if a.startswith("-env:UserInstallation=file:///"))
    assert not Path(profile.split("file://", 1)[1]).exists()  # removed after the run
    assert {"--headless", "--norestore", "--nolockcheck", "--convert-to", "pdf"} <= set(args)
    assert "VENV=" in args
    assert not any(p.name.startswith(TEMP_PREFIX) for p in tmp_path.iterdir())


@posix_only
def test_interrupt_kills_libreoffice_and_its_children(tmp_path, monkeypatch):
    """Ctrl+C while LibreOffice runs: it runs in its own session, so it is killed for us."""
    pid_file = tmp_path / "child.pid"
    report = _report_for_fake_soffice(
        tmp_path, monkeypatch, _HANGS_WITH_A_CHILD.format(pid_file=pid_file)
    )
    communicate = subprocess.Popen.communicate
    started: list[subprocess.Popen[bytes]] = []

    def interrupted(process, *args, **kwargs):
        if started:  # the kill's own wait for the process to end
            return communicate(process, *args, **kwargs)
        started.append(process)
        for _ in range(100):
            if pid_file.is_file() and pid_file.read_text().strip():
                break
            time.sleep(0.05)
        raise KeyboardInterrupt

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        pdf.convert_to_pdf(report, timeout=30)
    assert not _alive(int(pid_file.read_text()))
    assert started[0].poll() is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bao_cao.docx",
        "child.pid",
        "fake-soffice",
    ]


@posix_only
def test_stale_work_folders_and_files_are_removed_before_converting(tmp_path, monkeypatch):
    report = _report_for_fake_soffice(tmp_path, monkeypatch, _WRITES_PDF)
    hours_ago = time.time() - 2 * 3600
    stale = tmp_path / f"{TEMP_PREFIX}killed.pdf.d"
    (stale / "sub").mkdir(parents=True)
    (stale / "sub" / "bao_cao.pdf").write_bytes(b"%PDF half")
    os.utime(stale, (hours_ago, hours_ago))
    recent = tmp_path / f"{TEMP_PREFIX}running.pdf.d"  # another conversion, running now
    recent.mkdir()
    other = tmp_path / f"{TEMP_PREFIX}old.docx.tmp"  # a report's, cleaned the same way
    other.write_bytes(b"")
    os.utime(other, (hours_ago, hours_ago))
    pdf.convert_to_pdf(report)
    assert not stale.exists() and not other.exists()
    assert recent.is_dir()
    assert report.with_suffix(".pdf").read_bytes() == b"%PDF-1.4 fake"


@posix_only
def test_stale_folder_cleanup_keeps_files_and_links(tmp_path):
    old = time.time() - 2 * 3600
    target = tmp_path / "keep"
    target.mkdir()
    (target / "a.txt").write_text("a")
    link = tmp_path / f"{TEMP_PREFIX}link.pdf.d"
    link.symlink_to(target, target_is_directory=True)
    plain = tmp_path / f"{TEMP_PREFIX}file.pdf.d"
    plain.write_text("")
    for path in (target, plain):
        os.utime(path, (old, old))
    os.utime(link, (old, old), follow_symlinks=False)
    output.remove_stale(tmp_path)
    assert (target / "a.txt").is_file() and link.is_symlink() and plain.is_file()


# --- batches: one LibreOffice run for many reports ---------------------------------------

#: A fake soffice converting every file it is given, in order, into ``--outdir``; each run
#: adds a line to ``runs.log``. Reports named ``hong*`` cannot be read (skipped, as
#: LibreOffice does), ``treo*`` hang, ``sap*`` crash LibreOffice after half a PDF.
_CONVERTS_IN_ORDER = """\
echo run >> "$(dirname "$0")/runs.log"
skip=; out=; files=
for a; do
  if [ "$skip" = outdir ]; then out="$a"; skip=; continue; fi
  if [ -n "$skip" ]; then skip=; continue; fi
  case "$a" in --outdir) skip=outdir;; --convert-to) skip=1;; -*) ;; *) files="$files $a";; esac
done
for f in $files; do
  b=$(basename "$f"); b=${b%.*}
  case "$b" in
    hong*) echo "Error: source file could not be loaded" >&2;;
    treo*) sleep 60;;
    sap*) printf "%%PDF-1.4 half" > "$out/$b.pdf"; exit 139;;
    *) printf "%%PDF-1.4 $b\\n%%%%EOF\\n" > "$out/$b.pdf";;
  esac
done"""


def _batch(tmp_path: Path, monkeypatch, names: list[str], **options: object):
    """Fill a report per name with the fake LibreOffice; the result and its runs."""
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake_soffice(tmp_path, _CONVERTS_IN_ORDER)))
    if not EXAMPLE.is_file():
        pytest.skip("examples/bao_cao_bau_cu_2021.xlsx không có")
    books = tmp_path / "so"
    books.mkdir()
    for name in names:
        shutil.copyfile(EXAMPLE, books / f"{name}.xlsx")
    result = bdt_docx.fill_reports(
        bdt_docx.find_workbooks([books]), _template(), tmp_path / "out", pdf=True, **options
    )
    log = tmp_path / "runs.log"
    return result, len(log.read_text().splitlines()) if log.exists() else 0


@posix_only
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_batch_starts_libreoffice_once_per_job(tmp_path, monkeypatch, jobs):
    names = ["a", "b", "c", "d", "e"]
    result, runs = _batch(tmp_path, monkeypatch, names, jobs=jobs)
    assert result.ok and runs == jobs
    assert result.pdfs == [tmp_path / "out" / f"{name}.pdf" for name in names]
    assert all(p.read_bytes().startswith(b"%PDF-1.4 " + p.stem.encode()) for p in result.pdfs)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(TEMP_PREFIX)]


@posix_only
def test_a_report_libreoffice_cannot_read_fails_alone(tmp_path, monkeypatch):
    result, runs = _batch(tmp_path, monkeypatch, ["a", "hong", "x"])
    assert runs == 1
    assert [p.name for p in result.pdfs] == ["a.pdf", "x.pdf"]
    (failure,) = result.failures
    assert failure.workbook.name == "hong.xlsx" and failure.report == tmp_path / "out/hong.docx"
    assert "source file could not be loaded" in str(failure.error)
    assert "convert " not in str(failure.error)
    assert "tệp .docx vẫn được giữ" in batch_summary(result)


@posix_only
def test_a_report_that_hangs_is_stopped_and_the_others_get_their_pdf(tmp_path, monkeypatch):
    monkeypatch.setattr(libreoffice, "DEFAULT_TIMEOUT", 1.0)
    started = time.monotonic()
    result, runs = _batch(tmp_path, monkeypatch, ["a", "b", "treo", "x"])
    assert time.monotonic() - started < 30
    assert [p.name for p in result.pdfs] == ["a.pdf", "b.pdf", "x.pdf"]
    (failure,) = result.failures
    assert failure.workbook.name == "treo.xlsx" and "quá 1 giây" in str(failure.error)
    assert runs == 2  # stopped at treo, then one for x
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "a.docx", "a.pdf", "b.docx", "b.pdf", "tong_hop_bao_cao.csv", "treo.docx", "x.docx",
        "x.pdf",
    ]  # fmt: skip


@posix_only
def test_a_report_that_crashes_libreoffice_fails_alone(tmp_path, monkeypatch):
    result, runs = _batch(tmp_path, monkeypatch, ["a", "sap", "x", "y"])
    assert [p.name for p in result.pdfs] == ["a.pdf", "x.pdf", "y.pdf"]
    assert [p.read_bytes()[:10] for p in result.pdfs] == [b"%PDF-1.4 a", b"%PDF-1.4 x",
                                                          b"%PDF-1.4 y"]  # fmt: skip
    (failure,) = result.failures
    assert failure.workbook.name == "sap.xlsx" and "mã thoát 139" in str(failure.error)
    assert not (tmp_path / "out" / "sap.pdf").exists()  # never the half-written one
    assert runs == 2


@posix_only
def test_a_libreoffice_that_always_fails_is_tried_twice_not_per_report(tmp_path, monkeypatch):
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake_soffice(tmp_path, "echo run >> "
        f"'{tmp_path}/runs.log'; echo 'Fatal exception: Signal 6' >&2; exit 134")))  # fmt: skip
    reports = []
    for name in ("a", "b", "c", "d"):
        reports.append(tmp_path / f"{name}.docx")
        reports[-1].write_bytes(b"PK")
    made = pdf.convert_many(reports)
    assert all(isinstance(m, ConversionError) and "Signal 6" in str(m) for m in made)
    assert [m.file for m in made] == [str(r) for r in reports]
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 2


@posix_only
def test_reports_of_two_folders_with_the_same_name(tmp_path, monkeypatch):
    monkeypatch.setenv(libreoffice.SOFFICE_ENV, str(_fake_soffice(tmp_path, _CONVERTS_IN_ORDER)))
    reports = [
        tmp_path / "q1" / "so.docx",
        tmp_path / "q2" / "so.docx",
        tmp_path / "q2" / "SO.DOCX",
    ]
    for report in reports:
        report.parent.mkdir(exist_ok=True)
        report.write_bytes(b"PK")
    assert pdf.convert_many(reports, instances=2) == [r.with_suffix(".pdf") for r in reports]
    # One run per folder, and another for a stem already taken (case aside) in its run.
    assert len((tmp_path / "runs.log").read_text().splitlines()) == 3


@posix_only
def test_the_progress_bar_counts_the_pdfs(tmp_path, monkeypatch, capsys):
    result, _ = _batch(tmp_path, monkeypatch, ["a", "hong", "x"], progress=ProgressBar())
    assert len(result.pdfs) == 2
    assert capsys.readouterr().err.rstrip().endswith("] 3/3, PDF 2/3")


# --- with LibreOffice ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory) -> Path:
    require_libreoffice()
    folder = tmp_path_factory.mktemp("pdf")
    report = fill_example(folder)
    return pdf.convert_to_pdf(report)


@pytest.mark.slow
def test_pdf_is_made_beside_the_report(report_pdf):
    assert report_pdf.name == "bao_cao_bau_cu_2021.pdf"
    assert report_pdf.read_bytes().startswith(b"%PDF")
    assert "BÁO CÁO" in pdftotext(str(report_pdf))
    leftovers = [p.name for p in report_pdf.parent.iterdir() if p.name.startswith(TEMP_PREFIX)]
    assert leftovers == []


@pytest.mark.slow
def test_page_numbers_start_on_page_two_centred_at_the_top(report_pdf):
    first = pdf_words(report_pdf, 1)
    top_of_body = min(w[1] for w in first if not w[4].isdigit())
    assert not [w for w in first if w[4].isdigit() and w[3] <= top_of_body], "page 1 numbered"

    second = pdf_words(report_pdf, 2)
    numbers = [w for w in second if w[4] == "2"]
    body = [w for w in second if w not in numbers]
    assert numbers, "no page number on page 2"
    x_min, _, x_max, y_max, _ = min(numbers, key=lambda w: w[1])
    assert y_max <= min(w[1] for w in body), "the number is not above the text"
    assert y_max < 72, "the number is not in the top margin"
    text_left, text_right = min(w[0] for w in body), max(w[2] for w in body)
    assert abs((x_min + x_max) / 2 - (text_left + text_right) / 2) < 8, "not centred"


@pytest.mark.slow
def test_quoc_hieu_is_on_one_line(report_pdf):
    words = pdf_words(report_pdf, 1)
    expected = QUOC_HIEU.split()
    lines = {}
    for word in words:
        lines.setdefault(round(word[1]), []).append(word)
    found = [
        line
        for line in lines.values()
        if [w[4] for w in sorted(line, key=lambda w: w[0]) if w[4] in expected] == expected
    ]
    assert found, f"'{QUOC_HIEU}' is not on one line"


@pytest.mark.slow
def test_existing_pdf_is_replaced_only_with_overwrite(tmp_path):
    require_libreoffice()
    report = fill_example(tmp_path)
    old = report.with_suffix(".pdf")
    old.write_bytes(b"old pdf")
    with pytest.raises(OutputError, match="overwrite"):
        pdf.convert_to_pdf(report)
    assert old.read_bytes() == b"old pdf"
    assert pdf.convert_to_pdf(report, overwrite=True) == old
    assert old.read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_fill_report_with_pdf(tmp_path):
    require_libreoffice()
    report = fill_example(tmp_path, pdf=True)
    assert report.with_suffix(".pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.slow
def test_ods_workbook_reads_like_the_xlsx(tmp_path):
    require_libreoffice()
    if not EXAMPLE.is_file():
        pytest.skip("examples/bao_cao_bau_cu_2021.xlsx không có")
    ods = libreoffice.run_conversion(EXAMPLE, "ods", tmp_path)
    assert ods == tmp_path / "bao_cao_bau_cu_2021.ods"
    from_ods = bdt_docx.read_workbook(ods, _template())
    from_xlsx = bdt_docx.read_workbook(EXAMPLE, _template())
    assert from_ods == from_xlsx
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bao_cao_bau_cu_2021.ods"]


@pytest.mark.slow
def test_a_batch_with_pdfs(tmp_path):
    require_libreoffice()
    folder = tmp_path / "so"
    folder.mkdir()
    for name in ("xa_a", "xa_b", "xa_c"):
        shutil.copyfile(EXAMPLE, folder / f"{name}.xlsx")
    out = tmp_path / "out"
    books = bdt_docx.find_workbooks([folder])
    result = bdt_docx.fill_reports(books, _template(), out, pdf=True, jobs=2)
    assert result.ok
    assert result.pdfs == [out / f"{name}.pdf" for name in ("xa_a", "xa_b", "xa_c")]
    for made in result.pdfs:
        assert "BÁO CÁO" in pdftotext(str(made))
    assert not [p.name for p in out.iterdir() if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.slow
def test_relative_paths_work(tmp_path, monkeypatch):
    require_libreoffice()
    report = fill_example(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert pdf.convert_to_pdf(Path(report.name)) == Path("bao_cao_bau_cu_2021.pdf")
    assert (tmp_path / "bao_cao_bau_cu_2021.pdf").read_bytes().startswith(b"%PDF")
