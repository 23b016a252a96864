"""Replay the regression corpus: each file the fuzzer broke the library with is now read
correctly or refused with a clerk's message, within the fuzzer's time and memory limits.

See tests/corpus/regressions.py for the cases and tests/corpus/runner.py for the limits.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from corpus.regressions import CASES, Case, seed_path
from corpus.runner import run_file

from bdt_docx.template import prepare_template

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks (Linux)")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    prepare_template(None)  # forked children inherit the prepared shipped template
    folder = tmp_path_factory.mktemp("seeds")
    return {
        kind: seed_path(kind, folder).read_bytes() for kind in ("workbook", "template", "report")
    }


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case_keeps_the_contract(case: Case, seeds: dict[str, bytes], tmp_path: Path) -> None:
    file = case.make(tmp_path, seeds[case.kind])
    outcome = run_file(case.kind, file, tmp_path)
    assert outcome.broken() is None, outcome.output
    assert outcome.codes == case.codes, outcome.output
    assert case.says in outcome.output
    assert not (tmp_path / "bao_cao.docx").exists() or 0 in outcome.codes
