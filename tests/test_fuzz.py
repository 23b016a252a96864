"""A short fixed-seed run of the fuzzer (tests/corpus/fuzz.py): 250 mutated workbooks,
templates and reports, each through its commands in a limited child process, and not one
breaks the contract (success or a clerk's message; exit 0, 3, 4 or 7; no hang; bounded
memory; nothing half-written). About a minute; the long run is by hand (see fuzz.py).
"""

from __future__ import annotations

import os

import pytest
from corpus.fuzz import run

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the runner forks (Linux)")


def test_fuzzing_finds_no_break() -> None:
    count, findings = run(20261130, cases=250, log=lambda line: None)
    assert count == 250
    assert not findings, "\n".join(
        f"#{f.number} ({f.kind}): {f.broken}: {f.steps}" for f in findings
    )
