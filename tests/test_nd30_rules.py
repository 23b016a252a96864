"""The ND30 numbers (``bdt_docx/nd30.py``) and the rules summary they cite (``docs/nd30.md``)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import bdt_docx.nd30 as nd30

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = ROOT / "docs/nd30.md"
RULE = re.compile(r"N30-\d+\.\d+")


def test_every_rule_of_the_summary_has_its_numbers_in_nd30_and_no_other():
    summary = SUMMARY.read_text(encoding="utf-8")
    rules = set(re.findall(r"^\| (N30-\d+\.\d+) \|", summary, re.MULTILINE))
    assert rules, "docs/nd30.md lists no rule"
    assert set(RULE.findall(inspect.getsource(nd30))) == rules


def test_nd30_md_is_cited_where_it_is():
    """Every mention of the rules summary in the code, the tests and the docs names
    ``docs/nd30.md``, the file that exists."""
    files = [ROOT / "README.md", *ROOT.glob("*.md")]
    for folder in ("bdt_docx", "tools", "tests", "docs", "benchmarks", "examples"):
        files += [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".md", ".toml")]
    cited = {
        f"{path.relative_to(ROOT)}: {mention}"
        for path in files
        for mention in re.findall(r"[\w/.-]*nd30\.md", path.read_text(encoding="utf-8"))
        if mention != "docs/nd30.md"
    }
    assert not cited
    assert SUMMARY.is_file()
