# SPDX-License-Identifier: MIT
"""Shared helpers for the binding's tests (run by `make check` as the ctests
python/pytest and python/pip-install; by hand:
PYTHONPATH=build/python /usr/bin/python3 -m pytest -q python/tests).

GW_SOURCE_DIR is the repository and GW_BINARY the `gigawatt` program the
binding is compared with; both default to this checkout and its build/.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

SOURCE_DIR = Path(os.environ.get("GW_SOURCE_DIR") or Path(__file__).resolve().parents[2])
BINARY = Path(os.environ.get("GW_BINARY") or SOURCE_DIR / "build" / "gigawatt")


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: builds and installs the package (pip, venv)")


def drop_timings(doc):
    """The document without the search's wall-clock time ("search": {"wall_s"}),
    the one value that differs between two runs of the same command."""
    if isinstance(doc, dict):
        out = {}
        for k, v in doc.items():
            if k == "search" and isinstance(v, dict):
                v = {kk: vv for kk, vv in v.items() if kk != "wall_s"}
            out[k] = drop_timings(v)
        return out
    if isinstance(doc, list):
        return [drop_timings(x) for x in doc]
    return doc


class Cli:
    """Runs the `gigawatt` program itself, for comparison."""

    def run(self, *args, cwd=None):
        env = dict(os.environ, GIGAWATT_DATA="")
        return subprocess.run([str(BINARY), *map(str, args)], capture_output=True, text=True,
                              cwd=cwd, env=env, check=False)

    def json(self, *args, cwd=None):
        p = self.run(*args, "--json", cwd=cwd)
        assert p.returncode == 0, p.stderr
        return json.loads(p.stdout)


@pytest.fixture(scope="session")
def cli():
    if not BINARY.is_file():
        pytest.skip("no gigawatt program at %s (set GW_BINARY)" % BINARY)
    return Cli()


@pytest.fixture(scope="session")
def source_dir():
    return SOURCE_DIR
