# SPDX-License-Identifier: MIT
"""The ```python blocks of docs/PYTHON.md run as written (the one that
imports pandas is skipped when python3-pandas is not installed), and the
goodput table shows what the text says: goodput falls as GPUs are added."""
import re

import pytest


def blocks(source_dir):
    text = (source_dir / "docs" / "PYTHON.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_doc_has_examples(source_dir):
    assert len(blocks(source_dir)) >= 3


@pytest.mark.parametrize("i", range(4))
def test_doc_example_runs(source_dir, i, capsys):
    code = blocks(source_dir)
    if i >= len(code):
        pytest.skip("no block %d" % i)
    if "import pandas" in code[i]:
        pytest.importorskip("pandas")
    ns = {}
    exec(compile(code[i], "docs/PYTHON.md block %d" % i, "exec"), ns)
    assert capsys.readouterr().out.strip(), "the example printed nothing"
    if "df" in ns:
        goodput = list(ns["df"]["goodput"])
        assert goodput == sorted(goodput, reverse=True)
        assert len(set(goodput)) == len(goodput)
