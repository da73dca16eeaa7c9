"""The Dask engine: the same job on a LocalCluster gives byte-identical output to the local run."""
import json

import pytest
from batchdata import good_rows, jsonl_bytes

from declutter.batch import BatchOptions, run_batch

distributed = pytest.importorskip("distributed", reason="the Dask engine needs dask[distributed] (declutter[dask])")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as local:
        yield local


def same_files(a, b) -> None:
    names = sorted(p.name for p in a.iterdir() if p.name != "summary.json")
    assert names == sorted(p.name for p in b.iterdir() if p.name != "summary.json")
    for name in names:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


@pytest.mark.parametrize("options", [BatchOptions(shard_size=3), BatchOptions(shard_size=2, site_templates=True, explain=True)],
                         ids=["plain", "templates+explain"])
def test_dask_output_is_identical_to_the_local_run(cluster, tmp_path, options):
    from declutter.cluster import DaskEngine

    path = tmp_path / "pages.jsonl"
    path.write_bytes(jsonl_bytes())
    local = run_batch([str(path)], tmp_path / "local", options=options)
    remote = run_batch([str(path)], tmp_path / "dask", options=options, engine=DaskEngine(cluster.scheduler_address))
    assert (remote.records, remote.cleaned, remote.errors) == (local.records, local.cleaned, local.errors)
    assert local.cleaned == len(good_rows())
    same_files(tmp_path / "local", tmp_path / "dask")


def test_cli_runs_on_a_scheduler_address(cluster, tmp_path, capsys):
    from declutter.cli import main

    path = tmp_path / "pages.jsonl"
    path.write_bytes(jsonl_bytes())
    out = tmp_path / "out"
    assert main(["batch", str(path), "-o", str(out), "--engine", "dask", "--scheduler", cluster.scheduler_address]) == 0
    assert json.loads((out / "summary.json").read_text())["cleaned"] == len(good_rows())


def test_unreachable_scheduler_is_a_clear_error():
    from declutter.cluster import DaskEngine
    from declutter.outdir import BatchError

    # Port 9 (discard) on loopback: nothing listens there.
    with pytest.raises(BatchError, match="cannot reach the Dask scheduler"):
        DaskEngine("tcp://127.0.0.1:9", timeout="2s")
