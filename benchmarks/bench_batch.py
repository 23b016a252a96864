"""Benchmark of bdt_docx against plain docxtpl and LibreOffice (a measurement, not a test).

Run from the repository (about four minutes on two cores)::

    python benchmarks/bench_batch.py            # everything
    python benchmarks/bench_batch.py --quick    # smaller memory batches, no LibreOffice

It builds its inputs in a temporary folder (60 workbooks made from the example, each with
other figures and lists, some with line breaks in their texts), then prints, from this one
run:

- the docxtpl floor: docxtpl's fixed cost per document, the least any docxtpl-based
  pipeline pays. Per workbook, ``openpyxl.load_workbook(path, data_only=True)``, then
  ``DocxTemplate`` of an already rendered example report (no tags left),
  ``render({}, autoescape=True)`` and ``save()`` to memory;
- :func:`bdt_docx.batch.fill_reports` with ``jobs=1`` and ``jobs=2`` over 240 workbooks,
  per report (template preparation and worker start included), and the ratio to the floor;
- where the time of one report goes: reading the workbook, validating, rendering (Jinja,
  docxtpl's post-processing, the strict parse), writing (compressing the rendered parts,
  the zip, temporary file, sync to the disk, rename: with one job, handing the parts to
  the writer process, which does the rest) and the rest (path checks, bookkeeping);
- a batch of 12 with PDFs (``fill_reports(pdf=True)``) against the same batch without PDFs
  plus one ``soffice --convert-to pdf`` call converting all its reports; one
  ``bdt-docx fill --pdf`` against ``bdt-docx fill`` plus one ``soffice`` call;
- ``bdt-docx fill`` once in a fresh process against a bare script that imports docxtpl and
  openpyxl and renders once; ``bdt-docx --help`` against ``python -c "import docxtpl"``;
- the peak memory (with two jobs: the batch's process, which fills too, and its worker) of
  a batch of 1,000 reports against a batch of 100, the 1,000 including a few broken
  workbooks.

Timings are the best of several runs: on a shared machine the best run is the one least
disturbed by other work. The load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import pickle
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
# openpyxl (the floor's reader) imports numpy where it is installed, and numpy's OpenBLAS
# starts a thread; bdt_docx's command imports neither, and a batch writes through a writer
# process only from a process running no other thread (bdt_docx/finisher.py). So that the
# batches here run as the command runs them (the floor does no linear algebra):
for _blas in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_blas, "1")

from workbooks import EXAMPLE, TEMPLATE, edit_workbook  # noqa: E402

#: How many different workbooks are made (the floor runs over them).
VARIANTS = 60
#: How many workbooks the timed batches have (the variants in turn).
BATCH = 240
#: How many reports the PDF batches have.
PDF_BATCH = 12
#: Numbers the timed batches' output folders.
_RUNS = itertools.count()
#: Goals of the issue: the limit of each ratio, and whether it is a least (True) or a most.
GOALS: dict[str, tuple[float, bool]] = {
    "jobs1": (10.0, True),
    "jobs2": (16.0, True),
    "pdf": (1.5, False),
    "fill_pdf": (1.2, False),
    "fresh": (1.3, False),
    "help": (0.5, False),
    "memory": (1.2, False),
}
_BARE_SCRIPT = """\
import pickle, sys
import openpyxl
from docxtpl import DocxTemplate
from jinja2.sandbox import SandboxedEnvironment
from bdt_docx.filters import FILTERS

workbook, template, context, output = sys.argv[1:5]
openpyxl.load_workbook(workbook)
with open(context, "rb") as stream:
    values = pickle.load(stream)
environment = SandboxedEnvironment(autoescape=True)
environment.filters.update(FILTERS)
document = DocxTemplate(template)
document.render(values, environment, autoescape=True)
document.save(output)
"""


# -- inputs -------------------------------------------------------------------------------


def variant(seed: int) -> tuple[dict[str, Any], dict[str, list[list[Any]]]]:
    """Named-cell values and table rows of workbook number ``seed`` (all valid)."""
    total = 12 + seed * 3
    day = datetime(2021, 6, 9) + timedelta(days=seed)
    values: dict[str, Any] = {
        "tong_so_nguoi": total,
        "so_nguoi_du_hoi_nghi": total - seed % 4,
        "so_nguoi_di_bau_cu": total - seed % 3,
        "so_nguoi_ung_cu": seed % 5,
        "so_van_ban": seed + 1 if seed % 5 else None,
        "ngay_ban_hanh": day,
        "nguoi_ky": f"Nguyễn Văn Số {seed}",
    }
    if seed % 4 == 0:  # a line break in a text: docxtpl's listing resolution runs
        values["han_che"] = f"Hạn chế thứ nhất của đơn vị {seed};\nhạn chế thứ hai."
    tables = {
        "van_ban": [
            [f"{100 + i}/BDT-VP", day - timedelta(days=30 + i), f"về việc số {i} của năm"]
            for i in range(seed % 7)
        ],
        "khen_thuong": [[f"Phòng {i + 1}", "Giấy khen của Trưởng Ban"] for i in range(seed % 4)],
        "noi_nhan": [[f"Nơi nhận {i + 1};"] for i in range(1 + seed % 6)],
    }
    return values, tables


def make_workbooks(folder: Path, count: int) -> list[Path]:
    """``count`` valid workbooks, each with other figures and lists."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for seed in range(count):
        values, tables = variant(seed)
        paths.append(edit_workbook(folder / f"don_vi_{seed:03d}.xlsx", values, tables))
    return paths


def make_broken(folder: Path) -> list[Path]:
    """A few workbooks a clerk could send that cannot give a report."""
    folder.mkdir(parents=True, exist_ok=True)
    not_excel = folder / "hong_khong_phai_excel.xlsx"
    not_excel.write_text("Số liệu; gửi kèm\n1;2\n", encoding="utf-8")
    empty = folder / "hong_rong.xlsx"
    empty.write_bytes(b"")
    return [
        not_excel,
        empty,
        edit_workbook(folder / "hong_chu_trong_o_so.xlsx", {"tong_so_nguoi": "hai mươi"}),
        edit_workbook(folder / "hong_vuot_tong.xlsx", {"so_nguoi_du_hoi_nghi": 10_000}),
        edit_workbook(folder / "hong_khong_noi_nhan.xlsx", tables={"noi_nhan": []}),
    ]


def copies(sources: Sequence[Path], folder: Path, count: int) -> list[Path]:
    """``count`` workbooks in ``folder``: the sources copied in turn under distinct names."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        target = folder / f"so_{i:04d}.xlsx"
        shutil.copyfile(sources[i % len(sources)], target)
        paths.append(target)
    return paths


# -- measurements -------------------------------------------------------------------------


def best_of(runs: int, actions: dict[str, Callable[[], object]]) -> dict[str, float]:
    """The fastest of ``runs`` runs of each action, in seconds (run in turn, so that a
    disturbance from other work on the machine hits them alike)."""
    best = dict.fromkeys(actions, float("inf"))
    for _ in range(runs):
        for name, action in actions.items():
            start = time.perf_counter()
            action()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def docxtpl_floor(workbooks: Sequence[Path], rendered: Path) -> None:
    """docxtpl's fixed cost per document: read the workbook with openpyxl, open a report
    that has no tags left, render it with nothing and save it to memory."""
    import openpyxl
    from docxtpl import DocxTemplate

    for workbook in workbooks:
        openpyxl.load_workbook(workbook, data_only=True)
        document = DocxTemplate(rendered)
        document.render({}, autoescape=True)
        document.save(io.BytesIO())


def batch(workbooks: Sequence[Path], out: Path, jobs: int, pdf: bool = False) -> Path:
    """One timed batch, the template prepared afresh (its cache cleared), into a new folder
    under ``out`` (so that no run's time includes deleting an earlier run's reports, which
    the floor does not do either); returns that folder."""
    from bdt_docx import template
    from bdt_docx.batch import fill_reports
    from bdt_docx.cli.show import batch_summary

    template._prepare.cache_clear()
    folder = out / f"lan_{next(_RUNS)}"
    result = fill_reports(workbooks, TEMPLATE, folder, jobs=jobs, pdf=pdf)
    if result.failures:
        raise SystemExit(batch_summary(result))
    return folder


def one_soffice_call(reports: Sequence[Path], out: Path) -> None:
    """What the batch's PDFs cost at least: one LibreOffice start converting them all (in
    a fresh profile and a clean environment, as bdt_docx runs it)."""
    from bdt_docx.libreoffice import HEADLESS_OPTIONS, find_soffice, soffice_environment

    with tempfile.TemporaryDirectory(prefix="bench-lo-profile-") as profile:
        command = [
            str(find_soffice()),
            f"-env:UserInstallation={Path(profile).as_uri()}",
            *HEADLESS_OPTIONS,
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, reports),
        ]
        subprocess.run(
            command, env=soffice_environment(), check=True, capture_output=True, timeout=600
        )
    if len(list(out.glob("*.pdf"))) != len(reports):
        raise SystemExit("LibreOffice did not convert every report")


class StageClock:
    """Time spent in each stage, exclusive of the stages called inside it."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self._inner: list[float] = []

    def wrap(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            self._inner.append(0.0)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                inner = self._inner.pop()
                self.seconds[stage] += elapsed - inner
                if self._inner:
                    self._inner[-1] += elapsed

        return timed


def stage_split(workbooks: Sequence[Path], out: Path, runs: int) -> dict[str, float]:
    """Milliseconds per report in each stage, the best of ``runs`` batches with one job
    (the stages' functions wrapped in timers; ``batch`` is what ``fill_reports`` spends
    around the reports, timers included)."""
    from bdt_docx import api, workers
    from bdt_docx import batch as batch_module
    from bdt_docx.finisher import Finisher
    from bdt_docx.template import prepare_template
    from bdt_docx.workbook import Workbook

    prepare_template(TEMPLATE)
    clock = StageClock()
    one = workers._fill_one_quietly
    patches: list[tuple[object, str, Any]] = [
        (workers, "_fill_one_quietly", clock.wrap("total", one)),
        (api, "read_context", clock.wrap("validate", api.read_context)),
        (workers, "render_parts", clock.wrap("render", workers.render_parts)),
        (Finisher, "write_package", clock.wrap("write", Finisher.write_package)),
        (Finisher, "__exit__", clock.wrap("disk", Finisher.__exit__)),
    ]
    for name, member in vars(Workbook).items():  # every way of reading the workbook
        if callable(member) and (name == "__init__" or not name.startswith("_")):
            patches.append((Workbook, name, clock.wrap("read", member)))
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    best: dict[str, float] = {}
    try:
        for owner, name, timed in patches:
            setattr(owner, name, timed)
        for _ in range(runs):
            clock.seconds.clear()
            shutil.rmtree(out, ignore_errors=True)
            start = time.perf_counter()
            batch_module.fill_reports(workbooks, TEMPLATE, out)
            wall = time.perf_counter() - start
            clock.seconds["batch"] = wall - sum(clock.seconds.values())
            per = {k: v * 1000 / len(workbooks) for k, v in clock.seconds.items()}
            if not best or sum(per.values()) < sum(best.values()):
                best = per
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    best["rest"] = best.pop("total")  # what each workbook took outside the stages
    return best


def command_times(commands: dict[str, list[str]], runs: int) -> dict[str, float]:
    """The fastest of ``runs`` runs of each command, in seconds."""
    return best_of(
        runs,
        {
            name: lambda argv=argv: subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
            for name, argv in commands.items()
        },
    )


def command() -> list[str]:
    """How ``bdt-docx`` is started: its installed script, else ``python -m bdt_docx.cli``."""
    script = Path(sys.executable).parent / "bdt-docx"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bdt_docx.cli"]


def memory_child(folder: str, out: str, jobs: str) -> None:
    """Run in a fresh process: fill every workbook of ``folder``; print JSON peaks in kB."""
    from bdt_docx.batch import fill_reports, find_workbooks
    from bdt_docx.cli.show import batch_summary

    start = time.perf_counter()
    result = fill_reports(find_workbooks([Path(folder)]), TEMPLATE, Path(out), jobs=int(jobs))
    peak = {
        "seconds": time.perf_counter() - start,
        "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "reports": len(result.reports),
        "failures": [f.workbook.name for f in result.failures],
        "summary": str(result.summary_path),
        "describe": batch_summary(result),
    }
    print(json.dumps(peak, ensure_ascii=False))


def memory_run(sources: Sequence[Path], broken: Sequence[Path], count: int, work: Path) -> dict:
    """Peak memory of a batch of ``count`` (``broken`` among them) with two jobs."""
    folder = work / f"mem_{count}"
    copies(sources, folder, count - len(broken))
    for path in broken:
        shutil.copyfile(path, folder / path.name)
    output = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(folder), str(work / f"out_{count}"), "2"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def machine() -> str:
    """CPU model, cores, Python, system and the load average when the run started."""
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"{model}, {os.cpu_count()} lõi/cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; tải/load {load}"
    )


def verdict(name: str, ratio: float) -> str:
    goal, at_least = GOALS[name]
    ok = ratio >= goal if at_least else ratio <= goal
    return f"{'≥' if at_least else '≤'} {goal:g}×  {'PASS' if ok else 'FAIL'}"


# -- report -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build the inputs, measure, print the table; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="memory 200 vs 20; no PDFs")
    parser.add_argument("--runs", type=int, default=3, help="runs of each batch timing")
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0

    from bdt_docx.api import fill_report, read_workbook
    from bdt_docx.template import prepare_template

    work = Path(tempfile.mkdtemp(prefix="bdt-docx-bench-"))
    try:
        print(f"Máy / machine: {machine()}")
        print(f"Đang tạo {VARIANTS} sổ Excel trong {work} …", flush=True)
        variants = make_workbooks(work / "in", VARIANTS)
        workbooks = copies(variants, work / "batch", BATCH)
        broken = make_broken(work / "broken")
        rendered = fill_report(EXAMPLE, TEMPLATE, work / "rendered.docx")

        timed = best_of(
            args.runs,
            {
                "floor": lambda: docxtpl_floor(variants, rendered),
                "jobs1": lambda: batch(workbooks, work / "out1", 1),
                "jobs2": lambda: batch(workbooks, work / "out2", 2),
            },
        )
        stages = stage_split(workbooks, work / "stages", args.runs)

        pdf: dict[str, float] = {}
        if not args.quick:
            few = variants[:PDF_BATCH]

            def plain_then_soffice() -> None:
                plain = batch(few, work / "plain", 2)
                (plain / "pdfs").mkdir()
                one_soffice_call(sorted(plain.glob("*.docx")), plain / "pdfs")

            pdf = best_of(
                2,
                {
                    "reference": plain_then_soffice,
                    "jobs2": lambda: batch(few, work / "pdf2", 2, pdf=True),
                    "jobs1": lambda: batch(few, work / "pdf1", 1, pdf=True),
                },
            )
            fill_pdf = [*command(), "fill", str(variants[0]), "-t", str(TEMPLATE)]
            fill_pdf += ["-o", str(work / "single.docx"), "--overwrite", "--pdf"]
            (work / "single").mkdir()
            pdf.update(
                best_of(
                    3,
                    {
                        "fill_pdf": lambda: subprocess.run(
                            fill_pdf, check=True, capture_output=True
                        ),
                        "soffice": lambda: one_soffice_call([rendered], work / "single"),
                    },
                )
            )

        prepared = prepare_template(TEMPLATE)
        context_file = work / "context.pkl"
        context_file.write_bytes(pickle.dumps(read_workbook(variants[0], prepared)))
        bare = work / "bare.py"
        bare.write_text(_BARE_SCRIPT, encoding="utf-8")
        fill = [*command(), "fill", str(variants[0]), "-t", str(TEMPLATE)]
        fill += ["-o", str(work / "fresh.docx"), "--overwrite"]
        bare_run = [sys.executable, str(bare), str(variants[0]), str(TEMPLATE)]
        bare_run += [str(context_file), str(work / "bare.docx")]
        fresh = command_times(
            {
                "fill": fill,
                "bare": bare_run,
                "help": [*command(), "--help"],
                "import": [sys.executable, "-c", "import docxtpl"],
            },
            runs=10,
        )
        small, large = (20, 200) if args.quick else (100, 1000)
        memory_small = memory_run(variants, [], small, work)
        memory_large = memory_run(variants, broken, large, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    floor = timed["floor"] / VARIANTS
    per = {name: timed[name] / BATCH for name in ("jobs1", "jobs2")}

    def total_kb(run: dict) -> int:  # two jobs: the batch's process and a worker, at their peaks
        return run["parent_kb"] + run["worker_kb"]

    ratios = {
        "jobs1": floor / per["jobs1"],
        "jobs2": floor / per["jobs2"],
        "fresh": fresh["fill"] / fresh["bare"],
        "help": fresh["help"] / fresh["import"],
        "memory": total_kb(memory_large) / total_kb(memory_small),
    }
    rows = [("docxtpl floor (load_workbook + DocxTemplate({}) + save)",
             f"{floor * 1000:7.2f} ms/báo cáo", "1.00×", "")]  # fmt: skip
    for name in ("jobs1", "jobs2"):
        label = f"fill_reports {name.replace('jobs', 'jobs=')} ({BATCH} sổ)"
        rows.append((label, f"{per[name] * 1000:7.2f} ms/báo cáo",
                     f"{ratios[name]:.1f}× nhanh hơn", verdict(name, ratios[name])))  # fmt: skip
    if pdf:
        for name in ("jobs2", "jobs1"):
            ratio = ratios[f"pdf_{name}"] = pdf[name] / pdf["reference"]
            jobs = name.replace("jobs", "jobs=")
            label = f"{PDF_BATCH} báo cáo + PDF {jobs} / (không PDF + 1 soffice)"
            rows.append((label, f"{pdf[name]:5.2f} / {pdf['reference']:.2f} s",
                         f"{ratio:.2f}×", verdict("pdf", ratio)))  # fmt: skip
        reference = fresh["fill"] + pdf["soffice"]
        ratio = ratios["fill_pdf"] = pdf["fill_pdf"] / reference
        rows.append(("bdt-docx fill --pdf / (bdt-docx fill + 1 soffice)",
                     f"{pdf['fill_pdf']:5.2f} / {reference:.2f} s",
                     f"{ratio:.2f}×", verdict("fill_pdf", ratio)))  # fmt: skip
    rows.append(("bdt-docx fill (1 sổ, tiến trình mới) / bare docxtpl script",
                 f"{fresh['fill'] * 1000:5.0f} / {fresh['bare'] * 1000:.0f} ms",
                 f"{ratios['fresh']:.2f}×", verdict("fresh", ratios["fresh"])))  # fmt: skip
    rows.append(("bdt-docx --help / python -c 'import docxtpl'",
                 f"{fresh['help'] * 1000:5.0f} / {fresh['import'] * 1000:.0f} ms",
                 f"{ratios['help']:.2f}×", verdict("help", ratios["help"])))  # fmt: skip
    rows.append((f"bộ nhớ đỉnh / peak memory {large} vs {small} (cha + tiến trình con)",
                 f"{total_kb(memory_large) / 1024:.0f} / {total_kb(memory_small) / 1024:.0f} MB",
                 f"{ratios['memory']:.2f}×", verdict("memory", ratios["memory"])))  # fmt: skip
    print()
    for label, figure, ratio, goal in rows:
        print(f"{label:<72} {figure:>20}  {ratio:>16}  {goal}")
    print()
    split = sum(stages.values())
    print(f"Một báo cáo, jobs=1 ({split:.2f} ms với đồng hồ): thời gian đi đâu / where it goes")
    for stage, label in (
        ("read", "đọc sổ / read the workbook (zip, XML of the parts and cells asked)"),
        ("validate", "kiểm tra / validate against the fields"),
        ("render", "điền mẫu / render (Jinja, docxtpl steps, strict parse)"),
        ("write", "ghi / write (to the writer: deflate, zip, temp file, sync, rename)"),
        ("rest", "còn lại / the rest for each workbook (destination check; the timers' cost)"),
        ("disk", "chờ đĩa / waiting, at the end, for the last reports to reach the disk"),
        ("batch", "lô / the rest of the batch (names, summary, timers)"),
    ):
        print(f"  {label:<70} {stages.get(stage, 0.0):6.3f} ms")
    print()
    for name, run in (("small", memory_small), ("large", memory_large)):
        print(
            f"batch {name}: {run['reports']} báo cáo, {len(run['failures'])} lỗi, "
            f"{run['seconds']:.1f} s, parent {run['parent_kb'] / 1024:.0f} MB, "
            f"worker {run['worker_kb'] / 1024:.0f} MB"
        )
    print()
    print("Lô 1.000 sổ có sổ hỏng — bdt-docx tóm tắt như sau:")
    print(memory_large["describe"])
    expected = large - len(broken)
    complete = memory_large["reports"] == expected and len(memory_large["failures"]) == len(broken)
    print(
        f"\nMọi báo cáo tốt đã được ghi ({memory_large['reports']}/{expected}): "
        f"{'PASS' if complete else 'FAIL'}"
    )
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Tải máy lúc kết thúc / load at the end: {load}")
    missed = [
        name for name, ratio in ratios.items()
        if "FAIL" in verdict(name.split("_jobs")[0], ratio)
    ]  # fmt: skip
    return 1 if missed or not complete else 0


if __name__ == "__main__":
    sys.exit(main())
