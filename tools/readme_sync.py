#!/usr/bin/env python3
"""Rewrites the README's excerpt of the default summary's Headline section
from tests/golden/run-default/expected.stdout (run after `make
update-golden`; tools/readme_check.sh fails until the README matches)."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
readme = root / "README.md"
gold = (root / "tests/golden/run-default/expected.stdout").read_text().split("\n")
i = gold.index("Headline")
block = []
for line in gold[i:]:
    if not line.strip():
        break
    block.append(line)
s = readme.read_text()
marker = "<!-- excerpt of tests/golden/run-default/expected.stdout -->\n```\n"
a = s.index(marker) + len(marker)
b = s.index("```\n", a)
readme.write_text(s[:a] + "\n".join(block) + "\n" + s[b:])
