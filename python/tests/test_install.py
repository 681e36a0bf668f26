# SPDX-License-Identifier: MIT
"""`pip install --no-build-isolation ./python` into a new virtual environment
works offline (no package index) from nothing but the repository's sources
and Debian's packages, the way docs/PYTHON.md says, and the installed package
runs outside the checkout. Marked slow: it builds the library from scratch
(about 15 s of CPU); it is the ctest python/pip-install in `make check`.
"""
import json
import os
import shutil
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_pip_install_into_venv_offline(tmp_path, source_dir, cli):
    # A copy of python/ so that the build leaves nothing in the checkout;
    # GIGAWATT_SOURCE_DIR points setup.py back at the repository's sources.
    pkg = tmp_path / "python"
    shutil.copytree(source_dir / "python", pkg,
                    ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__", "tests"))
    venv = tmp_path / "v"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)],
                   check=True)
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1",
               GIGAWATT_SOURCE_DIR=str(source_dir))
    env.pop("PYTHONPATH", None)  # the build tree's copy must not be what is imported
    p = subprocess.run([str(venv / "bin" / "pip"), "install", "--no-build-isolation", str(pkg)],
                       env=env, capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stdout + p.stderr

    probe = ("import gigawatt, json; "
             "print(json.dumps([gigawatt.__file__, gigawatt.catalog('accelerators')]))")
    p = subprocess.run([str(venv / "bin" / "python"), "-c", probe], env=env, cwd=tmp_path,
                       capture_output=True, text=True, check=False)
    assert p.returncode == 0, p.stderr
    where, doc = json.loads(p.stdout)
    assert where.startswith(str(venv))
    assert doc == cli.json("catalog", "accelerators")
