# SPDX-License-Identifier: MIT
"""gigawatt: plan gigawatt-scale AI training clusters from Python.

Each function runs one ``gigawatt`` command in-process (the C library and the
CLI's own code, through the ``_gigawatt`` extension) and returns **the same
document as the command's ``--json``** (docs/JSON-SCHEMA.md) as Python dicts,
lists, numbers and strings::

    import gigawatt
    doc = gigawatt.run(set={"cluster.gpus": 100000})
    doc["headline"]["gpus"]                      # 100000
    plan = gigawatt.train(model="llama3.1-405b", gpu="h100-sxm", gpus=16384, tp=8)

Keyword arguments are the command's flags: ``tp=8`` is ``--tp 8``,
``global_batch_tokens="16M"`` is ``--global-batch-tokens 16M``, ``True`` is a
bare flag (``dualpipe=True`` is ``--dualpipe``), ``False`` and ``None`` leave
the flag out. ``set=`` takes a dict (or a list of ``"key=value"`` strings),
``data=`` a catalog folder and ``threads=`` a worker count, as on the command
line. A keyword the command does not know raises :class:`ArgumentError` (a
:class:`TypeError` and a :class:`Error`).

Errors raise :class:`Error`, with the one-line message the program would print
and its parts (``path``, ``line``, ``column``, ``where``, ``code``,
``exit_status``); nothing is written to stderr and the interpreter does not
exit. Diagnostics the library reports go to :mod:`warnings` as
:class:`GigawattWarning`.

The interpreter lock is released while a command runs, so threads may run
commands concurrently; each command uses all cores (OpenMP) unless
``threads=`` says otherwise.
"""

import json as _json
import os as _os
import re as _re
import warnings as _warnings

from . import _gigawatt

__all__ = [
    "Error",
    "ArgumentError",
    "GigawattWarning",
    "run",
    "train",
    "rel",
    "site",
    "net",
    "cost",
    "export",
    "validate",
    "catalog",
    "command",
    "__version__",
    "JSON_SCHEMA_VERSION",
]

__version__ = _gigawatt.version
JSON_SCHEMA_VERSION = _gigawatt.json_schema_version


class Error(Exception):
    """A gigawatt command failed.

    ``str(err)`` is the one-line message the ``gigawatt`` program prints
    (without its ``gigawatt:`` prefix), e.g.
    ``scen.yaml:3:9: cluster.gpus: expected a count ..., got "abc"``.

    Attributes: ``message`` (that line), ``msg`` (the bare message), ``path``
    (input file or ``""``), ``line`` and ``column`` (1-based, 0 if unknown),
    ``where`` (key path such as ``"cluster.gpus"`` or a flag such as ``"--set
    cluster.gpus"``, or ``""``), ``code`` (the gw_status name: ``"GW_ERANGE"``,
    ``"GW_EPARSE"``, ... and ``"GW_EUSAGE"`` for a bad flag or keyword),
    ``exit_status`` (what the program would exit with: 2 for usage and input
    errors, 1 for runtime failures) and ``command`` (the argument list run).
    """

    def __init__(self, message, *, msg="", path="", line=0, column=0, where="", code="",
                 exit_status=1, command=()):
        super().__init__(message)
        self.message = message
        self.msg = msg or message
        self.path = path
        self.line = line
        self.column = column
        self.where = where
        self.code = code
        self.exit_status = exit_status
        self.command = tuple(command)


class ArgumentError(Error, TypeError):
    """A keyword argument that is no flag of the command (``keyword``)."""

    def __init__(self, message, keyword=None, **kw):
        super().__init__(message, **kw)
        self.keyword = keyword


class GigawattWarning(UserWarning):
    """A note or warning the library reported while computing."""


# Flags the binding sets itself or that make no sense for a function that
# returns the --json document.
_RESERVED = {
    "json": "the result is always the --json document",
    "csv": "the result is always the --json document",
    "output": "the result is returned; write it with json.dump",
    "o": "the result is returned; write it with json.dump",
    "help": "see help(gigawatt) and docs/CLI.md",
    "h": "see help(gigawatt) and docs/CLI.md",
    "quiet": "there is no progress bar in the binding",
    "q": "there is no progress bar in the binding",
}

_UNKNOWN_OPTION = _re.compile(r'^unknown option "(--[^"=]+)')


def _value(v):
    """The text of a flag value: numbers as Python writes them, bools as YAML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return ",".join(_value(x) for x in v)
    if isinstance(v, _os.PathLike):
        return _os.fspath(v)
    return str(v)


def _positional(v):
    """A positional argument; one that starts with '-' would read as a flag."""
    s = _os.fspath(v) if isinstance(v, _os.PathLike) else str(v)
    if s.startswith("-"):
        s = "./" + s
    return s


def _set_args(overrides):
    if overrides is None:
        return []
    if isinstance(overrides, dict):
        items = ["%s=%s" % (k, _value(v)) for k, v in overrides.items()]
    elif isinstance(overrides, str):
        items = [overrides]
    else:
        items = [str(x) for x in overrides]
    return ["--set=" + s for s in items]


def _flag_args(fn, kwargs):
    """Keyword arguments to flags; returns (args, {flag: keyword})."""
    args, flags = [], {}
    for key, v in kwargs.items():
        if key in _RESERVED:
            raise ArgumentError(
                "%s() does not take %r: %s" % (fn, key, _RESERVED[key]),
                key, code="GW_EUSAGE", exit_status=2)
        if v is None or v is False:
            continue
        flag = "--" + key.replace("_", "-")
        flags[flag] = key
        if v is True:
            args.append(flag)
        else:
            args.append(flag + "=" + _value(v))
    return args, flags


def _call(fn, argv, flags=None):
    """Runs argv with --json and returns the parsed document."""
    argv = list(argv) + ["--json"]
    status, out, messages, err = _gigawatt.invoke(argv)
    if status != 0:
        _raise(fn, argv, status, messages, err, flags or {})
    if not out.strip():
        raise Error("%s wrote no document" % fn, code="GW_EUSAGE", exit_status=2, command=argv)
    for line in messages.splitlines():
        if line.strip():
            _warnings.warn(line.removeprefix("gigawatt: "), GigawattWarning, stacklevel=3)
    return _json.loads(out)


def _raise(fn, argv, status, messages, err, flags):
    if err is None:
        # A message printed without an error record (a write failure).
        lines = [x for x in messages.splitlines() if x.strip()]
        text = lines[-1] if lines else "gigawatt %s failed (exit status %d)" % (fn, status)
        raise Error(text.removeprefix("gigawatt: "), code="", exit_status=status, command=argv)
    code, path, line, column, where, msg, formatted = err
    kw = dict(msg=msg, path=path, line=line, column=column, where=where, code=code,
              exit_status=status, command=argv)
    if code == "GW_EUSAGE":
        m = _UNKNOWN_OPTION.match(msg)
        if m and m.group(1) in flags:
            key = flags[m.group(1)]
            raise ArgumentError("%s() got an unexpected keyword argument %r (no %s flag)"
                                % (fn, key, m.group(1)), key, **kw)
        formatted = "%s: %s" % (argv[0] if argv and not argv[0].startswith("-") else "run",
                                formatted)
    raise Error(formatted, **kw)


def _common(set=None, data=None, threads=None):
    args = _set_args(set)
    if data is not None:
        args.append("--data=" + _value(data))
    if threads is not None:
        args.append("--threads=" + _value(threads))
    return args


def command(*args):
    """Runs ``gigawatt ARGS... --json`` and returns the document.

    The arguments are the command line as strings, e.g.
    ``command("train", "--model", "llama3-70b", "--gpus", "1024")``.
    """
    args = [_os.fspath(a) if isinstance(a, _os.PathLike) else str(a) for a in args]
    for a in args:
        # Help and version text go to stdout as text, not as a document.
        if a in ("-h", "--help", "help", "--version"):
            raise ArgumentError("command() runs commands for their --json document; "
                                "%r prints text (see docs/CLI.md)" % a, a,
                                code="GW_EUSAGE", exit_status=2, command=args)
    return _call(args[0] if args else "run", args)


def _scenario_command(name, scenario, set, data, threads, kwargs):
    flag_args, flags = _flag_args(name, kwargs)
    argv = [name] + ([_positional(scenario)] if scenario is not None else [])
    return _call(name, argv + _common(set, data, threads) + flag_args, flags)


def run(scenario=None, *, set=None, data=None, threads=None):
    """``gigawatt run [SCENARIO] --json``: the whole picture for a scenario
    (the built-in default when ``scenario`` is None), with ``set`` overrides
    such as ``{"cluster.gpus": 200000}``."""
    return _scenario_command("run", scenario, set, data, threads, {})


def train(*, set=None, data=None, threads=None, **flags):
    """``gigawatt train --json``: step time, MFU, memory and the best
    parallel layout. Flags as keywords: ``model``, ``gpu``, ``gpus``,
    ``seq``, ``global_batch_tokens``, ``tokens``, ``system``, ``tp``, ``pp``,
    ``vpp``, ``dp``, ``cp``, ``ep``, ``etp``, ``micro_batch``, ``recompute``,
    ``zero``, ``precision``, ``top``, ``dualpipe=True``, ... (docs/CLI.md)."""
    return _scenario_command("train", None, set, data, threads, flags)


def rel(scenario=None, *, set=None, data=None, threads=None, **flags):
    """``gigawatt rel --json``: interruptions, checkpoint interval and
    goodput; e.g. ``rel(gpu="h100-sxm", gpus=16384, days=54)``."""
    return _scenario_command("rel", scenario, set, data, threads, flags)


def site(scenario=None, *, set=None, data=None, threads=None, **flags):
    """``gigawatt site --json``: power, racks, network bill of materials and
    build-out phases; e.g. ``site(power="1GW")``."""
    return _scenario_command("site", scenario, set, data, threads, flags)


def net(scenario=None, *, set=None, data=None, threads=None, **flags):
    """``gigawatt net --json``: the fabric's topology and a collective timed
    like nccl-tests; e.g. ``net(gpu="h100-sxm", gpus=4096,
    collective="all-to-all", ranks=64, sizes="1MB:1GB")`` or
    ``net(validate="data/validation/collectives.csv")``."""
    return _scenario_command("net", scenario, set, data, threads, flags)


def cost(scenario=None, *, set=None, data=None, threads=None, **flags):
    """``gigawatt cost --json``: capex, opex and $/GPU-hour."""
    return _scenario_command("cost", scenario, set, data, threads, flags)


def export(name=None, *, set=None, data=None, threads=None, **flags):
    """``gigawatt export --json``: export-control classification of an
    accelerator (``export("h20", destination="CN")``), ``compare=True``, or
    the compliant cluster for ``destination`` and ``power``."""
    return _scenario_command("export", name, set, data, threads, flags)


def validate(path, *, data=None, threads=None, **flags):
    """``gigawatt validate FILE.csv --json``: predicted vs measured step
    times of the runs in a CSV; ``fit=["attn_eff", ...]`` fits parameters
    first, ``cuda_graphs=True`` as the flag."""
    flag_args, fl = _flag_args("validate", flags)
    argv = ["validate", _positional(path)] + _common(None, data, threads) + flag_args
    return _call("validate", argv, fl)


def catalog(kind=None, name=None, *, data=None):
    """``gigawatt catalog [KIND] --json``: what the catalogs hold
    (``"accelerators"``, ``"models"``, ``"systems"``, ``"network"``,
    ``"sites"``, or all when None); ``catalog("show", "h100-sxm")`` shows one
    entry with the source of every value."""
    argv = ["catalog"]
    if kind is not None:
        argv.append(_positional(kind))
    if name is not None:
        argv.append(_positional(name))
    return _call("catalog", argv + _common(None, data, None))
