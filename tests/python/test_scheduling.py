"""The order in which the pipeline's dbt commands run ready nodes (c360/pipeline/scheduling.py).

dbt's own graph queue and task loop are driven with a small graph and a thread
pool of one, so that the order nodes start in is the order they are taken:
inside ``longest_chain_first`` a chain is followed to its end before the
nodes nothing waits on; with dbt's own order, those come first.
"""

from __future__ import annotations

import json
from argparse import Namespace
from multiprocessing.pool import ThreadPool
from types import SimpleNamespace

import networkx as nx
import pytest
from dbt import flags
from dbt.graph.queue import GraphQueue
from dbt.task.runnable import GraphRunnableTask

from c360.pipeline.scheduling import (
    UNTIMED_NODE_SECONDS,
    NodeSeconds,
    longest_chain_first,
    seconds_to_finish,
)

# chain_1 -> chain_2 -> chain_3, a second each; three nodes nothing waits on, half a second each.
CHAIN = ["chain_1", "chain_2", "chain_3"]
LEAVES = ["leaf_a", "leaf_b", "leaf_c"]
EXPECTED_SECONDS = {**{node: 1.0 for node in CHAIN}, **{node: 0.5 for node in LEAVES}}


def small_graph() -> nx.DiGraph:
    graph = nx.DiGraph([("chain_1", "chain_2"), ("chain_2", "chain_3")])
    graph.add_nodes_from(LEAVES)
    return graph


class OneThreadTask:
    """Just enough of a dbt task for GraphRunnableTask.run_queue: runs nodes, records their order."""

    def __init__(self, graph: nx.DiGraph) -> None:
        manifest = SimpleNamespace(expect=lambda unique_id: SimpleNamespace(unique_id=unique_id))
        self.job_queue = GraphQueue(graph, manifest, set(graph.nodes))
        self.started: list[str] = []

    def handle_job_queue(self, pool, callback) -> None:
        node = self.job_queue.get()
        pool.apply_async(self._run, (node,), callback=callback)

    def _run(self, node):
        self.started.append(node.unique_id)
        return SimpleNamespace(node=node)

    def _handle_result(self, result) -> None:
        pass

    def _raise_set_error(self) -> None:
        pass


def run_order(monkeypatch) -> list[str]:
    monkeypatch.setattr(flags, "GLOBAL_FLAGS", Namespace(FAIL_FAST=False))
    task = OneThreadTask(small_graph())
    with ThreadPool(1) as pool:
        GraphRunnableTask.run_queue(task, pool)
    return task.started


def test_seconds_to_finish_add_the_longest_chain_after_each_node():
    graph = nx.DiGraph([("a", "b"), ("a", "c"), ("b", "d"), ("c", "d")])
    graph.add_node("alone")
    remaining = seconds_to_finish(graph, {"a": 1.0, "b": 5.0, "c": 2.0, "d": 0.5})
    assert remaining == {
        "d": 0.5,
        "b": 5.5,
        "c": 2.5,
        # through b, the longer of its two ways to d
        "a": 6.5,
        "alone": UNTIMED_NODE_SECONDS,
    }


def test_a_chain_runs_to_its_end_before_the_nodes_nothing_waits_on(monkeypatch):
    with longest_chain_first(EXPECTED_SECONDS) as applies:
        assert applies, "dbt's queue no longer has the parts longest_chain_first replaces"
        order = run_order(monkeypatch)
    assert order == CHAIN + LEAVES


def test_dbt_alone_takes_every_ready_node_first_and_the_chain_waits(monkeypatch):
    # The same graph in dbt's own order: what the pipeline's order changes.
    assert run_order(monkeypatch) == ["chain_1", *LEAVES, "chain_2", "chain_3"]


def test_dbt_gets_its_own_order_back_after_the_command():
    dbt_scores, dbt_run_queue = GraphQueue._get_scores, GraphRunnableTask.run_queue
    with longest_chain_first(EXPECTED_SECONDS):
        assert GraphQueue._get_scores is not dbt_scores
    assert GraphQueue._get_scores is dbt_scores
    assert GraphRunnableTask.run_queue is dbt_run_queue
    with pytest.raises(RuntimeError), longest_chain_first(EXPECTED_SECONDS):
        raise RuntimeError("a failed command")
    assert GraphQueue._get_scores is dbt_scores
    assert GraphRunnableTask.run_queue is dbt_run_queue


def test_node_seconds_are_kept_across_runs_and_a_damaged_file_starts_over(tmp_path):
    path = tmp_path / "state" / "node_seconds.json"
    first = NodeSeconds(path)
    assert first.seconds == {}
    first.record({"model.a": 1.23456, "test.b": 0.04})
    first.record({"model.a": 2.0})
    assert NodeSeconds(path).seconds == {"model.a": 2.0, "test.b": 0.04}
    assert not path.with_name(path.name + ".partial").exists()

    path.write_text('{"model.a": 2.0, "test.b"')
    assert NodeSeconds(path).seconds == {}
    path.write_text(json.dumps({"model.a": "slow", "test.b": 0.5}))
    assert NodeSeconds(path).seconds == {"test.b": 0.5}
