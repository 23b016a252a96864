"""Benchmark of bdt_docx against plain docxtpl (a measurement, not a test).

Run from the repository (about two minutes on two cores)::

    python benchmarks/bench_batch.py            # everything
    python benchmarks/bench_batch.py --quick    # smaller memory batches (1 minute)

It builds its inputs in a temporary folder (60 workbooks made from the example, each with
other figures and lists, some with line breaks in their texts), then prints, from this one
run:

- the docxtpl floor: per workbook ``openpyxl.load_workbook`` plus ``DocxTemplate`` of the
  shipped template, ``render()`` with the same context and ``save()``;
- :func:`bdt_docx.batch.fill_reports` with ``jobs=1`` and ``jobs=2``, per report (template
  preparation and worker start included), and the ratio to the floor;
- ``bdt-docx fill`` once in a fresh process against a bare script that imports docxtpl and
  openpyxl and renders once; ``bdt-docx --help`` against ``python -c "import docxtpl"``;
- the peak memory (parent, and each worker process) of a batch of 1,000 reports against a
  batch of 100, the 1,000 including a few broken workbooks.

Timings are the best of several runs: on a shared machine the best run is the one least
disturbed by other work.
"""

from __future__ import annotations

import argparse
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
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from workbooks import TEMPLATE, edit_workbook  # noqa: E402

#: How many workbooks the timed batches have.
BATCH = 60
#: Goals of the issue: (label, limit, True when the measured ratio must be at least it).
GOALS = {
    "jobs1": 4.0,
    "jobs2": 6.0,
    "fresh": 1.3,
    "help": 0.5,
    "memory": 1.2,
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


def docxtpl_floor(workbooks: Sequence[Path], contexts: Sequence[dict], out: Path) -> None:
    """What a plain docxtpl script does per workbook."""
    import openpyxl
    from docxtpl import DocxTemplate

    from bdt_docx.template import make_environment

    environment = make_environment()
    for i, (workbook, context) in enumerate(zip(workbooks, contexts, strict=True)):
        openpyxl.load_workbook(workbook)
        document = DocxTemplate(TEMPLATE)
        document.render(context, environment, autoescape=True)
        document.save(out / f"{i}.docx")


def batch(workbooks: Sequence[Path], out: Path, jobs: int) -> None:
    """One timed batch, the template prepared afresh (its cache cleared)."""
    from bdt_docx import template
    from bdt_docx.batch import fill_reports

    template._prepare.cache_clear()
    shutil.rmtree(out, ignore_errors=True)
    result = fill_reports(workbooks, TEMPLATE, out, jobs=jobs)
    if result.failures:
        raise SystemExit(result.describe())


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

    start = time.perf_counter()
    result = fill_reports(find_workbooks([Path(folder)]), TEMPLATE, Path(out), jobs=int(jobs))
    peak = {
        "seconds": time.perf_counter() - start,
        "parent_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "worker_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
        "reports": len(result.reports),
        "failures": [f.workbook.name for f in result.failures],
        "summary": str(result.summary_path),
        "describe": result.describe(),
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
    """CPU model, cores, Python and system."""
    model = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} lõi/cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def verdict(ratio: float, goal: float, at_least: bool) -> str:
    ok = ratio >= goal if at_least else ratio <= goal
    sign = "≥" if at_least else "≤"
    return f"{sign} {goal:g}×  {'PASS' if ok else 'FAIL'}"


# -- report -------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Build the inputs, measure, print the table; exit 1 when a goal is missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="memory: 200 against 20")
    parser.add_argument("--runs", type=int, default=3, help="runs of each batch timing")
    parser.add_argument("--memory-child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        memory_child(*args.memory_child)
        return 0

    from bdt_docx.api import read_workbook
    from bdt_docx.template import prepare_template

    work = Path(tempfile.mkdtemp(prefix="bdt-docx-bench-"))
    try:
        print(f"Máy / machine: {machine()}")
        print(f"Đang tạo {BATCH} sổ Excel trong {work} …", flush=True)
        workbooks = make_workbooks(work / "in", BATCH)
        broken = make_broken(work / "broken")
        prepared = prepare_template(TEMPLATE)
        contexts = [read_workbook(w, prepared) for w in workbooks]

        floor_out = work / "floor"
        floor_out.mkdir()
        timed = best_of(
            args.runs,
            {
                "floor": lambda: docxtpl_floor(workbooks, contexts, floor_out),
                "jobs1": lambda: batch(workbooks, work / "out1", 1),
                "jobs2": lambda: batch(workbooks, work / "out2", 2),
            },
        )

        context_file = work / "context.pkl"
        context_file.write_bytes(pickle.dumps(contexts[0]))
        bare = work / "bare.py"
        bare.write_text(_BARE_SCRIPT, encoding="utf-8")
        fresh = command_times(
            {
                "fill": [
                    *command(),
                    "fill",
                    str(workbooks[0]),
                    "-t",
                    str(TEMPLATE),
                    "-o",
                    str(work / "fresh.docx"),
                    "--overwrite",
                ],
                "bare": [
                    sys.executable,
                    str(bare),
                    str(workbooks[0]),
                    str(TEMPLATE),
                    str(context_file),
                    str(work / "bare.docx"),
                ],
                "help": [*command(), "--help"],
                "import": [sys.executable, "-c", "import docxtpl"],
            },
            runs=10,
        )
        small, large = (20, 200) if args.quick else (100, 1000)
        memory_small = memory_run(workbooks, [], small, work)
        memory_large = memory_run(workbooks, broken, large, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    per = {name: seconds / BATCH for name, seconds in timed.items()}
    ratios = {
        "jobs1": per["floor"] / per["jobs1"],
        "jobs2": per["floor"] / per["jobs2"],
        "fresh": fresh["fill"] / fresh["bare"],
        "help": fresh["help"] / fresh["import"],
    }

    def total_kb(run: dict) -> int:  # the parent and two workers at their peaks
        return run["parent_kb"] + 2 * run["worker_kb"]

    ratios["memory"] = total_kb(memory_large) / total_kb(memory_small)
    rows = [
        (
            "docxtpl floor (load_workbook + DocxTemplate render + save)",
            f"{per['floor'] * 1000:7.1f} ms/báo cáo",
            "1.00×",
            "",
        ),
        (
            "fill_reports jobs=1",
            f"{per['jobs1'] * 1000:7.1f} ms/báo cáo",
            f"{ratios['jobs1']:.2f}× nhanh hơn",
            verdict(ratios["jobs1"], GOALS["jobs1"], True),
        ),
        (
            "fill_reports jobs=2",
            f"{per['jobs2'] * 1000:7.1f} ms/báo cáo",
            f"{ratios['jobs2']:.2f}× nhanh hơn",
            verdict(ratios["jobs2"], GOALS["jobs2"], True),
        ),
        (
            "bdt-docx fill (1 sổ, tiến trình mới) / bare docxtpl script",
            f"{fresh['fill'] * 1000:5.0f} / {fresh['bare'] * 1000:.0f} ms",
            f"{ratios['fresh']:.2f}×",
            verdict(ratios["fresh"], GOALS["fresh"], False),
        ),
        (
            "bdt-docx --help / python -c 'import docxtpl'",
            f"{fresh['help'] * 1000:5.0f} / {fresh['import'] * 1000:.0f} ms",
            f"{ratios['help']:.2f}×",
            verdict(ratios["help"], GOALS["help"], False),
        ),
        (
            f"bộ nhớ đỉnh / peak memory {large} vs {small} (cha + 2 × tiến trình con)",
            f"{total_kb(memory_large) / 1024:.0f} / {total_kb(memory_small) / 1024:.0f} MB",
            f"{ratios['memory']:.2f}×",
            verdict(ratios["memory"], GOALS["memory"], False),
        ),
    ]
    print()
    for label, figure, ratio, goal in rows:
        print(f"{label:<66} {figure:>22}  {ratio:>16}  {goal}")
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
    missed = [
        name
        for name in GOALS
        if "FAIL" in verdict(ratios[name], GOALS[name], name in ("jobs1", "jobs2"))
    ]
    return 1 if missed or not complete else 0


if __name__ == "__main__":
    sys.exit(main())
