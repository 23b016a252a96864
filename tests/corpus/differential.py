"""Differential test: read (and fill) workbooks with this checkout and with another one.

A refactor of the reader or the renderer must not change any result. This runs each
workbook through ``read_workbook`` (and, with ``--fill``, ``fill_report``) twice, in two
child processes: one importing ``bdt_docx`` from this checkout, the other from the checkout
given by ``--base`` (for example ``git worktree add /tmp/base <commit>``), and prints every
workbook whose outcome differs: the context (dates as ISO text), or the problems of the
error raised (code, field, sheet, cell, message), the warnings, and the report's ``word/``
XML parts. Every report written must parse as XML; one that does not is printed too.

    nice .venv/bin/python tests/corpus/differential.py --base /tmp/base --fill \\
        examples/ ../shared/real/xlsx/

Exit code 1 when any outcome differs or any report is broken.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

#: The workbooks a folder given is searched for.
SUFFIXES = (".xlsx", ".xlsm", ".ods", ".fods")
HERE = Path(__file__).resolve()


def _plain(value: object) -> object:
    """``value`` as JSON can hold it, its type kept where JSON would lose it."""
    if isinstance(value, (dt.date, dt.time)):
        return {type(value).__name__: value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"timedelta": value.total_seconds()}
    if isinstance(value, float):
        return {"float": repr(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int)):
        return value
    return {type(value).__name__: repr(value)}


def _report(path: Path) -> dict[str, Any]:
    """The ``word/`` XML parts of a report, and the parts that do not parse."""
    from lxml import etree

    parts, broken = {}, []
    with zipfile.ZipFile(path) as report:
        for name in sorted(report.namelist()):
            if name.endswith((".xml", ".rels")):
                data = report.read(name)
                try:
                    etree.fromstring(data)
                except etree.XMLSyntaxError as exc:
                    broken.append(f"{name}: {exc}")
                if name.startswith("word/"):
                    parts[name] = data.decode("utf-8", "replace")
    return {"parts": parts, "broken": broken}


def outcome(job: dict[str, str]) -> dict[str, Any]:
    """What ``job`` gives with the ``bdt_docx`` imported: ``{"mode": "read" or "fill",
    "workbook": …, "template": … or None, "output": … (fill)}``."""
    import bdt_docx

    result: dict[str, Any] = {}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if job["mode"] == "read":
                result["context"] = _plain(bdt_docx.read_workbook(job["workbook"], job["template"]))
            else:
                output = Path(job["output"])
                bdt_docx.fill_report(job["workbook"], job["template"], output, overwrite=True)
                result.update(_report(output))
                output.unlink()
        except bdt_docx.BdtDocxError as exc:
            result["error"] = [type(exc).__name__] + [
                [p.code, p.field, p.sheet, p.cell, p.message] for p in exc.problems
            ]
        except Exception as exc:  # noqa: BLE001 - a crash is an outcome to compare
            result["crash"] = f"{type(exc).__name__}: {exc}"
    result["warnings"] = [
        str(getattr(w.message, "problem", w.message))
        for w in caught
        if not issubclass(w.category, (DeprecationWarning, ResourceWarning))
    ]
    return result


def serve() -> None:
    """A child: one JSON job a line on stdin, one JSON outcome a line on stdout."""
    for line in sys.stdin:
        print(json.dumps(outcome(json.loads(line)), ensure_ascii=False), flush=True)


class Version:
    """A child process importing ``bdt_docx`` from ``root``."""

    def __init__(self, root: Path, scratch: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(root))
        self.process = subprocess.Popen(
            [sys.executable, str(HERE), "--serve"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=scratch,
        )  # fmt: skip

    def ask(self, job: dict[str, str]) -> dict[str, Any]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline() or '{"crash": "the child died"}')

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def workbooks(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)
        else:
            found.append(path)
    return [p.resolve() for p in found]


def _shown(result: dict[str, Any]) -> str:
    """An outcome in a line: what it gave, then its warnings."""
    if "context" in result:
        said = "context " + json.dumps(result["context"], ensure_ascii=False)
    elif "parts" in result:
        said = "report " + "; ".join(result["broken"]) if result["broken"] else "report"
    else:
        said = json.dumps(result.get("error") or result.get("crash"), ensure_ascii=False)
    return said[:400] + (f" warnings {result['warnings']}" if result["warnings"] else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="workbooks, or folders of them")
    parser.add_argument("--base", type=Path, help="the checkout to compare with")
    parser.add_argument("--template", type=Path, help="the template (default: the shipped one)")
    parser.add_argument("--fill", action="store_true", help="also fill and compare the reports")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve()
        return 0
    if args.base is None or not args.paths:
        parser.error("--base and at least one workbook are needed")
    template = str(args.template.resolve()) if args.template else None
    modes = ["read", "fill"] if args.fill else ["read"]
    jobs = differing = broken = 0
    with tempfile.TemporaryDirectory(prefix="bdt-differential-") as folder:
        scratch = Path(folder)
        base, this = Version(args.base.resolve(), scratch), Version(HERE.parents[2], scratch)
        for workbook in workbooks(args.paths):
            for mode in modes:
                job = {"mode": mode, "workbook": str(workbook), "template": template}
                job["output"] = str(scratch / f"report-{jobs}.docx")
                old, new = base.ask(job), this.ask(job)
                jobs += 1
                if old != new:
                    differing += 1
                    print(
                        f"DIFFERS {mode} {workbook}\n  base: {_shown(old)}\n  this: {_shown(new)}"
                    )
                if new.get("broken"):
                    broken += 1
                    print(f"BROKEN REPORT {workbook}: {new['broken']}")
        base.close()
        this.close()
    print(f"{jobs} runs: {differing} differ, {broken} broken reports")
    return 1 if differing or broken else 0


if __name__ == "__main__":
    sys.exit(main())
