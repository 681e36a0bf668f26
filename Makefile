# gigawatt front door. The README's two commands:
#   make run    install missing Debian packages (as root), build, run the default scenario
#   make check  the same set-up, then build and run the whole test suite
# Other targets: asan clang-check bench fuzz format format-check lint docs-check clean
#   install uninstall (PREFIX=/usr/local, DESTDIR=; see docs/INSTALL.md)

PKGS      := cmake make gcc pkg-config libfyaml-dev libcmocka-dev libgsl-dev libcsv-dev \
             man-db groff-base binutils
BUILD     ?= build
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=
PREFIX    ?= /usr/local
DESTDIR   ?=
# cmake --install needs an absolute DESTDIR.
dest       = $(if $(DESTDIR),$(abspath $(DESTDIR)))
# The list of installed files, kept in the installed tree for make uninstall.
manifest   = $(dest)$(PREFIX)/share/gigawatt/install_manifest.txt

.PHONY: all deps build run check test install install-built uninstall asan clang-check bench fuzz \
        format format-check lint docs-check clean update-golden

all: build

# The Python binding (python/, docs/PYTHON.md): headers, setuptools, pytest,
# and pip + venv for its install test.
PKGS      += python3-dev python3-setuptools python3-pytest python3-pip python3-venv

# Test-only: the SimGrid oracle of the network simulator (tests/net/ORACLE.md),
# a C++ tool. Without them the build still works and net_oracle_selftest skips.
PKGS      += libsimgrid-dev g++

# gigawatt sweep: SQLite results; Open MPI for mpirun -n N gigawatt sweep
# (optional at build time: without it the sweep runs in one process).
# gigawatt report SWEEP.db reads SQLite; the sqlite3 CLI builds test databases.
PKGS      += libsqlite3-dev libopenmpi-dev openmpi-bin sqlite3
# Test-only: headless Chromium for the report's browser test (tests/browser/).
PKGS      += chromium chromium-driver python3-selenium
# gigawatt web: libmicrohttpd (without it the command says so and exits 2);
# its browser test uses the same Chromium and Selenium.
PKGS      += libmicrohttpd-dev
# make format / format-check (.clang-format): Debian 12 clang-format 14.
PKGS      += clang-format

# Installs what the build needs when run as root; otherwise prints the one
# apt-get line and stops.
deps:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing:$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	  else \
	    echo "missing packages; run as root:"; echo "  apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_ARGS) >/dev/null

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

run: build
	./$(BUILD)/gigawatt

check: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

test: check

# Installs the command, libgigawatt (.so and .a), headers, gigawatt.pc, the
# man page, the bash completion and data/ + scenarios/ under
# $(DESTDIR)$(PREFIX) with CMake's install() rules (docs/INSTALL.md).
install: build
	@$(MAKE) --no-print-directory install-built

# The same for what $(BUILD) already holds, without building (the install
# test uses it while the suite runs). The file list cmake writes (absolute
# paths, with or without DESTDIR by CMake version) is kept as
# PREFIX/share/gigawatt/install_manifest.txt, relative to PREFIX.
install-built:
	@case "$(PREFIX)" in /*) ;; *) echo "PREFIX must be an absolute path, not '$(PREFIX)'"; exit 2;; esac
	@[ -f $(BUILD)/cmake_install.cmake ] || { echo "nothing built in $(BUILD): run make install"; exit 2; }
	DESTDIR="$(dest)" cmake --install $(BUILD) --prefix "$(PREFIX)"
	@awk -v d="$(dest)" -v r="$(PREFIX)/" '{ f = $$0 } d != "" && index(f, d r) == 1 { f = substr(f, length(d) + 1) } \
	  index(f, r) == 1 { print substr(f, length(r) + 1); next } \
	  { print "install manifest: " $$0 " is outside " d r > "/dev/stderr"; bad = 1 } END { exit bad }' \
	  $(BUILD)/install_manifest.txt > "$(manifest).tmp"
	@echo share/gigawatt/install_manifest.txt >> "$(manifest).tmp" && mv "$(manifest).tmp" "$(manifest)"
	@if [ -z "$(dest)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

# Removes every file make install put under $(DESTDIR)$(PREFIX) (same PREFIX
# and DESTDIR), then the folders only gigawatt uses, once empty.
uninstall:
	@[ -f "$(manifest)" ] || { echo "nothing to uninstall: no $(manifest)"; exit 1; }
	@n=0; while IFS= read -r f; do \
	  case "$$f" in ""|/*|../*|*/../*|*/..) echo "uninstall: skipping '$$f'"; continue;; esac; \
	  rm -f "$(dest)$(PREFIX)/$$f" && n=$$((n + 1)); \
	done < "$(manifest)"; echo "removed $$n files from $(dest)$(PREFIX)"
	@for d in share/gigawatt include/gigawatt; do \
	  [ ! -d "$(dest)$(PREFIX)/$$d" ] || find "$(dest)$(PREFIX)/$$d" -depth -type d -empty -delete; done
	@if [ -z "$(dest)" ] && [ "$$(id -u)" = 0 ] && command -v ldconfig >/dev/null; then ldconfig; fi

# The whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGW_SANITIZE=ON >/dev/null
	cmake --build build-asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir build-asan --output-on-failure -j$(JOBS)

# The suite again built by clang (warnings are errors on both compilers).
clang-check: deps
	CC=clang cmake -S . -B build-clang -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build build-clang -j$(JOBS)
	ctest --test-dir build-clang --output-on-failure -j$(JOBS)

bench: build
	cmake --build $(BUILD) --target benches -j$(JOBS)
	@for b in $(BUILD)/bench_*; do [ -x "$$b" ] || continue; echo "== $$b"; "$$b" || exit 1; done

# libFuzzer harnesses (clang); the corpora are replayed by `make check` anyway.
fuzz: deps
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DGW_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j$(JOBS)
	@for f in build-fuzz/fuzz_*; do case $$f in *_replay) continue;; esac; \
	  n=$$(basename $$f | sed 's/^fuzz_//'); mkdir -p build-fuzz/corpus-$$n; \
	  echo "== $$f (60 s)"; $$f -max_total_time=60 build-fuzz/corpus-$$n tests/fuzz/corpus/$$n || exit 1; done

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

lint:
	tools/checksrc.sh

docs-check:
	tools/docs_check.sh

clean:
	rm -rf $(BUILD) build-asan build-fuzz

# Rewrites every golden/error case's expected output from the current build.
# Review the diff before committing it.
update-golden: build
	@for c in tests/golden/*/ tests/errors/*/; do [ -f $$c/cmd ] || continue; \
	  tests/support/golden.sh $$PWD/$(BUILD)/gigawatt $$c --update; done
	@python3 tools/readme_sync.py
	@git status --short tests/ README.md
