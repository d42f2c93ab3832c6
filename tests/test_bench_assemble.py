"""bench/assemble.py: the sections bench/run measured replace their old ones, the rest stay."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
_spec = importlib.util.spec_from_file_location("assemble", BENCH / "assemble.py")
assemble = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assemble)


def section(title: str, date: str, code: str) -> str:
    return f"## {title}\n\n- date: {date}\n- code: {code}\n\n| a |\n|---|\n| 1 |\n"


def test_measured_sections_replace_old_ones_and_the_others_are_kept():
    old = assemble.assemble("", {
        "bpe": section("BPE", "2026-12-01 10:00 UTC", "aaaaaaa"),
        "bert": section("BERT", "2026-12-01 11:00 UTC", "aaaaaaa"),
    })
    new = assemble.assemble(old, {"bert": section("BERT", "2026-12-02 09:00 UTC", "bbbbbbb"),
                                  "nmt": section("NMT", "2026-12-02 09:30 UTC", "bbbbbbb")})
    assert "- `bpe.py`: 2026-12-01 10:00 UTC, aaaaaaa" in new
    assert "- `bert.py`: 2026-12-02 09:00 UTC, bbbbbbb" in new
    assert "2026-12-01 11:00" not in new, "the old BERT section is gone"
    # In bench/run's order, whatever order they were given in.
    assert new.index("## BPE") < new.index("## NMT") < new.index("## BERT")
    assert assemble.assemble(new, {}) == new, "assembling nothing new changes nothing"


def test_a_section_without_a_code_line_says_so():
    text = assemble.assemble("", {"masking": "## Masking\n\n- date: 2026-12-01 10:00 UTC\n"})
    assert "- `masking.py`: 2026-12-01 10:00 UTC, code not recorded" in text


def test_a_file_not_named_after_a_section_is_refused(tmp_path):
    stray = tmp_path / "chart.md"
    stray.write_text("## Chart\n")
    with pytest.raises(SystemExit, match="chart.md"):
        assemble.main([str(tmp_path / "RESULTS.md"), str(stray)])
    assert not (tmp_path / "RESULTS.md").exists()


def test_the_committed_results_are_in_assembled_form():
    """Every section of bench/RESULTS.md is marked, so bench/run SECTION can replace it."""
    text = (BENCH / "RESULTS.md").read_text(encoding="utf-8")
    assert set(assemble.old_sections(text)) == set(assemble.SCRIPTS)
    assert assemble.assemble(text, {}) == text
