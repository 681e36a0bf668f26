# SPDX-License-Identifier: MIT
"""The binding returns what `gigawatt ... --json` prints, and reports what it
prints on stderr as gigawatt.Error, without writing to stderr or exiting.

Every expected value comes from the `gigawatt` program run with the same
arguments (the binding and the program share gw_cli_invoke, so any
difference is a bug in the keyword-to-flag mapping or in the capture).
"""
import pickle
import threading

import pytest

import gigawatt
from conftest import drop_timings

# The DeepSeek-V3 pre-training layout of tests/golden/train-deepseek-v3-json,
# once as CLI flags and once as keywords.
DSV3_FLAGS = ["--model", "deepseek-v3", "--gpu", "h800-sxm", "--gpus", "2048",
              "--tokens", "14.8T", "--tp", "1", "--pp", "16", "--ep", "64", "--zero", "1",
              "--precision", "fp8", "--seq", "4096", "--global-batch-tokens", "62.9M",
              "--dualpipe", "--fp8-dispatch"]
DSV3_KW = dict(model="deepseek-v3", gpu="h800-sxm", gpus=2048, tokens="14.8T", tp=1, pp=16,
               ep=64, zero=1, precision="fp8", seq=4096, global_batch_tokens="62.9M",
               dualpipe=True, fp8_dispatch=True, cuda_graphs=False, top=None)


def cli_error_line(p):
    """The program's one-line error message, without its "gigawatt: " prefix."""
    assert p.returncode == 2, p.stderr
    line = p.stderr.strip().splitlines()[-1]
    return line.removeprefix("gigawatt: ")


# ---- Same document as --json ---------------------------------------------


def test_run_default_is_the_cli_json(cli):
    doc = gigawatt.run()
    want = cli.json("run")
    assert set(doc["headline"]) == set(want["headline"])
    assert doc["headline"] == want["headline"]
    assert drop_timings(doc) == drop_timings(want)
    assert doc["schema_version"] == gigawatt.JSON_SCHEMA_VERSION


def test_run_with_set_is_the_cli_json(cli):
    doc = gigawatt.run(set={"cluster.gpus": 100000, "workload.tokens": "15T"})
    want = cli.json("run", "--set", "cluster.gpus=100000", "--set", "workload.tokens=15T")
    assert doc["headline"]["gpus"] == 100000
    assert drop_timings(doc) == drop_timings(want)


def test_train_keywords_are_the_cli_flags(cli):
    doc = gigawatt.train(**DSV3_KW)
    want = cli.json("train", *DSV3_FLAGS)
    assert drop_timings(doc) == drop_timings(want)
    # cuda_graphs=False leaves --cuda-graphs out; True is the bare flag.
    assert doc["train"]["inputs"]["cuda_graphs"] is False
    graphs = gigawatt.train(**dict(DSV3_KW, cuda_graphs=True))
    assert graphs["train"]["inputs"]["cuda_graphs"] is True
    assert drop_timings(graphs) == drop_timings(cli.json("train", *DSV3_FLAGS, "--cuda-graphs"))


def test_train_numbers_as_python_numbers(cli):
    # 62.9e6 is written "62900000.0" and 4096 "4096"; both parse as counts.
    doc = gigawatt.train(**dict(DSV3_KW, global_batch_tokens=62.9e6, tokens=14.8e12))
    want = cli.json("train", *DSV3_FLAGS)
    assert drop_timings(doc) == drop_timings(want)


def test_train_software_facts_and_shard_group(cli):
    # Every train flag is a keyword, including the newer facts and the
    # hybrid-sharding search: zero_shard="any" is --zero-shard=any.
    kw = dict(model="llama3.1-8b", gpu="h100-sxm", gpus=1024, zero=3, zero_shard="any",
              nic_bandwidth="25Gb/s", moe_a2a_overlap="off", top=2)
    doc = gigawatt.train(**kw)
    want = cli.json("train", "--model", "llama3.1-8b", "--gpu", "h100-sxm", "--gpus", "1024",
                    "--zero", "3", "--zero-shard", "any", "--nic-bandwidth", "25Gb/s",
                    "--moe-a2a-overlap", "off", "--top", "2")
    assert drop_timings(doc) == drop_timings(want)
    assert doc["train"]["best"]["zero_shard"] > 0
    with pytest.raises(gigawatt.Error):
        gigawatt.train(**dict(kw, zero_shard=-3))


def test_rel_is_the_cli_json(cli):
    doc = gigawatt.rel(gpu="h100-sxm", gpus=16384, days=54)
    assert doc == cli.json("rel", "--gpu", "h100-sxm", "--gpus", "16384", "--days", "54")


@pytest.mark.parametrize("fn,args,kw", [
    ("site", ["--power", "1GW"], dict(power="1GW")),
    ("cost", ["--gpus", "100000"], dict(gpus=100000)),
    ("export", ["h20", "--destination", "CN"], dict(name="h20", destination="CN")),
    ("export", ["--compare"], dict(compare=True)),
    ("net", ["--gpu", "h100-sxm", "--gpus", "1024", "--collective", "all-to-all", "--ranks", "16",
             "--sizes", "1MB:4MB"],
     dict(gpu="h100-sxm", gpus=1024, collective="all-to-all", ranks=16, sizes="1MB:4MB")),
])
def test_other_commands_are_the_cli_json(cli, fn, args, kw):
    assert getattr(gigawatt, fn)(**kw) == cli.json(fn, *args)


def test_catalog_accelerators(cli):
    doc = gigawatt.catalog("accelerators")
    assert doc == cli.json("catalog", "accelerators")
    tables = [v for v in doc.values() if isinstance(v, list) and v]
    assert tables, "catalog('accelerators') holds no non-empty list"


def test_catalog_show(cli):
    assert gigawatt.catalog("show", "h100-sxm") == cli.json("catalog", "show", "h100-sxm")


def test_validate_holdout_moe(cli, source_dir):
    csv = source_dir / "data" / "validation" / "holdout-moe.csv"
    doc = gigawatt.validate(csv)
    assert doc == cli.json("validate", csv)
    assert doc["command"] == "validate"


def test_command_runs_any_command_line(cli):
    assert gigawatt.command("catalog", "sites") == cli.json("catalog", "sites")


def test_threads_give_the_same_documents(cli):
    """Calls release the GIL and share nothing: four concurrent calls return
    what one call returns."""
    want = drop_timings(gigawatt.train(**DSV3_KW))
    got, errors = [], []

    def work():
        try:
            got.append(drop_timings(gigawatt.train(threads=2, **DSV3_KW)))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert got == [want] * 4


# ---- Errors ------------------------------------------------------------------


def test_set_error_is_the_cli_message(cli, capfd):
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.run(set={"cluster.gpus": "abc"})
    e = ei.value
    p = cli.run("run", "--set", "cluster.gpus=abc")
    assert str(e) == cli_error_line(p)
    assert e.exit_status == 2
    assert e.code == "GW_EPARSE"
    assert e.where == "--set cluster.gpus"
    assert (e.path, e.line, e.column) == ("", 0, 0)
    assert capfd.readouterr() == ("", "")


def test_scenario_file_error_has_path_line_column(cli, tmp_path, capfd):
    # The bad value "lots" is on line 4, column 9 ("  gpus: " is 8 wide).
    scen = tmp_path / "bad.yaml"
    scen.write_text("schema_version: 1\ncluster:\n  accelerator: h100-sxm\n  gpus: lots\n")
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.run(scen)
    e = ei.value
    assert (e.path, e.line, e.column, e.where) == (str(scen), 4, 9, "cluster.gpus")
    assert e.code == "GW_EPARSE" or e.code == "GW_ESCHEMA"
    assert str(e) == cli_error_line(cli.run("run", scen))
    assert e.message.startswith("%s:4:9: cluster.gpus: " % scen)
    assert capfd.readouterr() == ("", "")


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.run(tmp_path / "none.yaml")
    assert ei.value.exit_status == 2
    assert ei.value.code == "GW_EIO"


def test_bad_flag_value_is_a_usage_error(cli, capfd):
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.train(tp="x")
    e = ei.value
    assert e.code == "GW_EUSAGE" and e.exit_status == 2
    # The program's line is "gigawatt train: MSG (see 'gigawatt train --help')".
    line = cli.run("train", "--tp", "x").stderr.strip()
    assert line == "gigawatt train: %s (see 'gigawatt train --help')" % e.msg
    assert str(e) == "train: " + e.msg
    assert capfd.readouterr() == ("", "")


def test_unknown_keyword_names_the_keyword():
    with pytest.raises(TypeError) as ei:
        gigawatt.train(model="llama3-70b", frobnicate=3)
    e = ei.value
    assert isinstance(e, gigawatt.Error) and isinstance(e, gigawatt.ArgumentError)
    assert e.keyword == "frobnicate"
    assert "'frobnicate'" in str(e)
    assert e.code == "GW_EUSAGE"


def test_unknown_keyword_of_run_is_a_type_error():
    with pytest.raises(TypeError):
        gigawatt.run(gpus=8)  # run takes no flags but the common ones


@pytest.mark.parametrize("key", ["json", "csv", "output", "help", "quiet"])
def test_reserved_keywords_are_refused(key):
    with pytest.raises(gigawatt.ArgumentError) as ei:
        gigawatt.train(**{key: True})
    assert ei.value.keyword == key


def test_positional_that_looks_like_a_flag_is_a_file(capfd):
    # "-h" would print help to stdout; it is the file ./-h instead.
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.run("-h")
    assert ei.value.path == "./-h"
    assert capfd.readouterr() == ("", "")


def test_unknown_catalog_and_command():
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.catalog("gizmos")
    assert ei.value.code == "GW_EUSAGE"
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.command("frobnicate")
    assert ei.value.code == "GW_EUSAGE"
    assert 'unknown command "frobnicate"' in str(ei.value)


def test_catalog_unknown_name_is_not_found():
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.catalog("show", "no-such-chip")
    assert ei.value.code == "GW_ENOTFOUND" and ei.value.exit_status == 2


def test_errors_survive_pickle():
    """multiprocessing sends exceptions back pickled."""
    with pytest.raises(gigawatt.Error) as ei:
        gigawatt.run(set=["cluster.gpus=-3"])
    e = ei.value
    assert e.command[:2] == ("run", "--set=cluster.gpus=-3")
    back = pickle.loads(pickle.dumps(e))
    assert (str(back), back.where, back.code, back.exit_status) == \
        (str(e), e.where, e.code, e.exit_status)
    with pytest.raises(gigawatt.ArgumentError) as ei:
        gigawatt.train(frobnicate=1)
    back = pickle.loads(pickle.dumps(ei.value))
    assert isinstance(back, TypeError) and back.keyword == "frobnicate"


@pytest.mark.parametrize("args", [("--help",), ("train", "-h"), ("--version",)])
def test_command_refuses_text_only_arguments(args, capfd):
    with pytest.raises(gigawatt.ArgumentError):
        gigawatt.command(*args)
    assert capfd.readouterr() == ("", "")
