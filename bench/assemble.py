"""Writes bench/RESULTS.md from the sections the benchmark scripts print.

    python bench/assemble.py bench/RESULTS.md OUT_DIR/bpe.md OUT_DIR/bert.md ...
    python bench/assemble.py --sections     # the sections bench/run knows, in order

Each section file is named after its script (``bpe.md`` for ``bpe.py``) and lands in
RESULTS.md between markers naming that script, in the order of ``SCRIPTS``. A script not
given keeps the section it had in the old file (``bench/run`` can then measure some
sections now and the others in a later run). The header lists each section's date and
the commit it was measured on (the ``- code:`` line ``_harness.header`` writes), so one
can see whether every section comes from the same code, which a complete ``bench/run``
gives.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

#: The scripts ``bench/run`` runs, in the order their sections appear.
SCRIPTS = ("bpe", "nmt", "wordpiece", "bert", "long_documents", "growth", "cli_memory",
           "masking", "distributed", "quality", "adapt")
BEGIN, END = "<!-- bench: {} -->", "<!-- /bench: {} -->"
HEADER = """# Benchmark results

Written by `bench/run` on one 2-core virtual machine (an Intel Xeon), each script alone on
a release build (`pip install .`); `bench/run SECTION...` measures only those sections and
keeps the others. This machine's speed varies by 10-30% from one process to the next and
from hour to hour, so compare ratios within a section, not seconds across them. Ratios are
anchor / subword: above 1 means subword is faster or smaller.

When and on which code each section was measured (from its `date` and `code` lines):

{when}

![ratios and growth](results.png)
"""


def old_sections(text: str) -> dict[str, str]:
    """The marked sections of an old RESULTS.md, by script name."""
    found = {}
    for name in SCRIPTS:
        marked = re.escape(BEGIN.format(name)) + r"\n(.*?)\n" + re.escape(END.format(name))
        match = re.search(marked, text, flags=re.S)
        if match:
            found[name] = match.group(1)
    return found


def measured(section: str) -> str:
    """A section's first date and code lines, as one phrase."""
    date = re.search(r"^- date: (.+)$", section, flags=re.M)
    code = re.search(r"^- code: (.+)$", section, flags=re.M)
    return (f"{date.group(1) if date else 'date not recorded'}, "
            f"{code.group(1) if code else 'code not recorded (see the section)'}")


def assemble(old: str, new: dict[str, str]) -> str:
    """RESULTS.md with the ``new`` sections in place of the old ones of the same scripts."""
    sections = old_sections(old) | {name: text.strip("\n") for name, text in new.items()}
    order = [name for name in SCRIPTS if name in sections]
    when = "\n".join(f"- `{name}.py`: {measured(sections[name])}" for name in order)
    body = "\n\n".join(f"{BEGIN.format(name)}\n{sections[name]}\n{END.format(name)}"
                       for name in order)
    return HEADER.format(when=when) + "\n" + body + "\n"


def main(argv: list[str]) -> None:
    if argv == ["--sections"]:  # for bench/run: the sections, in order
        print(" ".join(SCRIPTS))
        return
    results, files = Path(argv[0]), [Path(f) for f in argv[1:]]
    unknown = [f.name for f in files if f.stem not in SCRIPTS]
    if unknown:
        sys.exit(f"assemble.py: not a section of bench/run: {', '.join(unknown)}")
    old = results.read_text(encoding="utf-8") if results.exists() else ""
    new = {f.stem: f.read_text(encoding="utf-8") for f in files}
    results.write_text(assemble(old, new), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
