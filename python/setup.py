# SPDX-License-Identifier: MIT
"""Builds the gigawatt Python package from this repository's sources.

The extension module gigawatt._gigawatt is the CMake target gigawatt_python
(CMakeLists.txt): the C library, the CLI's command code and
python/gigawatt/_gigawatt.c. build_ext configures the repository (the folder
above this one, or $GIGAWATT_SOURCE_DIR) with CMake in its build folder,
builds that one target and copies the module into the package, so the same
compiler flags and embedded data as the `gigawatt` program are used.

Needs only Debian packages: cmake gcc pkg-config libfyaml-dev libgsl-dev
libcsv-dev python3-dev python3-setuptools (python3-pip to install). Offline:

    python3 -m venv --system-site-packages v
    v/bin/pip install --no-build-isolation ./python

See docs/PYTHON.md.
"""
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = Path(__file__).resolve().parent
ROOT = Path(os.environ.get("GIGAWATT_SOURCE_DIR") or HERE.parent).resolve()


def version():
    text = (ROOT / "include" / "gigawatt" / "core.h").read_text()
    return re.search(r'#define GW_VERSION_STRING\s+"([^"]+)"', text).group(1)


class CMakeBuild(build_ext):
    """Builds gigawatt._gigawatt with CMake instead of compiling sources."""

    def build_extension(self, ext):
        if not (ROOT / "src" / "cli" / "invoke.c").is_file():
            raise RuntimeError("gigawatt sources not found at %s (build from a checkout, "
                               "or set GIGAWATT_SOURCE_DIR)" % ROOT)
        build_dir = Path(self.build_temp).resolve() / "cmake"
        configure = ["cmake", "-S", str(ROOT), "-B", str(build_dir),
                     "-DCMAKE_BUILD_TYPE=Release", "-DGW_TESTS=OFF", "-DGW_PYTHON=ON",
                     "-DPython3_EXECUTABLE=" + sys.executable]
        configure += os.environ.get("GIGAWATT_CMAKE_ARGS", "").split()
        subprocess.run(configure, check=True)
        jobs = str(self.parallel or os.cpu_count() or 2)
        subprocess.run(["cmake", "--build", str(build_dir), "--target", "gigawatt_python",
                        "-j", jobs], check=True)
        name = "_gigawatt" + sysconfig.get_config_var("EXT_SUFFIX")
        built = build_dir / "python" / "gigawatt" / name
        if not built.is_file():
            raise RuntimeError("CMake built no %s (is python3-dev installed?)" % built)
        dest = Path(self.get_ext_fullpath(ext.name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(built, dest)


setup(
    name="gigawatt",
    version=version(),
    description="Planner and simulator for gigawatt-scale AI training clusters",
    license="MIT",
    python_requires=">=3.9",
    packages=["gigawatt"],
    ext_modules=[Extension("gigawatt._gigawatt", sources=[])],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)
