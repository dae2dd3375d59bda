"""Which ready node dbt's threads take first: the one with the most work still waiting on it.

dbt ranks the nodes that are ready to run by their depth in the graph, the
shallowest first. In a day's build that is the wrong way round: the identity
chain and the segment-membership chain are deep, each model waiting for the
one before and its tests, while the many shallow models and tests beside them
could run at any time. Ranked by depth, a chain's next model waits for a thread
behind nodes nothing is waiting for (a day at 1,000,000 customers: the marts
step's chain started `fct_customer_interactions` 4.4 s late, behind shallow
dimensions, and the membership history 3.5 s late, behind campaign marts).

Ranked instead by the longest path of expected seconds from a node to the end
of the build (the node's own seconds and those of the slowest chain after it,
the critical-path rule of list scheduling), and taken only when a thread is
free, the chains run as soon as they can and the shallow work fills the
threads' gaps. The expected seconds
are each node's seconds in the latest command that ran it, kept in a small
file beside the pipeline's state; a node never timed counts as
UNTIMED_NODE_SECONDS.

Only the order changes: dbt still runs a node only after everything it depends
on, so a build's result is the same whichever order it takes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

# A node with no recorded time: about what a small data test or a view costs.
UNTIMED_NODE_SECONDS = 0.1


def seconds_to_finish(graph, expected_seconds: Mapping[str, float]) -> dict[str, float]:
    """Node -> its expected seconds plus those of the longest chain of nodes that wait on it.

    ``graph`` is a directed acyclic graph (a ``networkx.DiGraph``) whose edges run from a node
    to the nodes that wait for it.
    """
    import networkx as nx

    remaining: dict[str, float] = {}
    for node in reversed(list(nx.topological_sort(graph))):
        after = max((remaining[successor] for successor in graph.successors(node)), default=0.0)
        remaining[node] = expected_seconds.get(node, UNTIMED_NODE_SECONDS) + after
    return remaining


@contextmanager
def longest_chain_first(expected_seconds: Mapping[str, float]) -> Iterator[bool]:
    """While open, dbt's threads take the ready node with the longest ``seconds_to_finish``.

    Two parts of dbt-core 1.11 change for the duration: the graph queue's ranking
    (``GraphQueue._get_scores``), and when dbt takes a node from that queue. dbt takes every
    ready node at once and hands it to its thread pool, whose own queue runs first come, first
    served, so that a ranking would only order nodes that become ready together; here a node is
    taken when a thread is free to run it (``GraphRunnableTask.run_queue``). Yields whether the order
    applies: if dbt no longer has these parts, it keeps its own order.
    """
    try:
        from dbt.graph.queue import GraphQueue
        from dbt.task.runnable import GraphRunnableTask
    except ImportError:
        yield False
        return
    dbt_scores = getattr(GraphQueue, "_get_scores", None)
    dbt_run_queue = getattr(GraphRunnableTask, "run_queue", None)
    if dbt_scores is None or dbt_run_queue is None:
        yield False
        return

    def scores(queue, graph) -> dict[str, float]:
        # The queue hands out the lowest score first.
        return {node: -seconds for node, seconds in seconds_to_finish(graph, expected_seconds).items()}

    def run_queue(task, pool) -> None:
        queue = task.job_queue
        threads = getattr(pool, "_processes", None)
        if queue is not None and threads and hasattr(queue, "some_task_done"):
            take_ready_node = queue.get

            def take_when_a_thread_is_free(block: bool = True, timeout: float | None = None):
                with queue.lock:
                    while len(queue.in_progress) >= threads:
                        queue.some_task_done.wait()
                return take_ready_node(block=block, timeout=timeout)

            queue.get = take_when_a_thread_is_free
        return dbt_run_queue(task, pool)

    GraphQueue._get_scores = scores
    GraphRunnableTask.run_queue = run_queue
    try:
        yield True
    finally:
        GraphQueue._get_scores = dbt_scores
        GraphRunnableTask.run_queue = dbt_run_queue


class NodeSeconds:
    """Each node's seconds in the latest command that ran it, kept in a JSON file across runs."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.seconds: dict[str, float] = {}
        if path is not None and path.is_file():
            try:
                loaded = json.loads(path.read_text())
            except (OSError, ValueError):
                # Only an order depends on it: a damaged file is started over, not an error.
                loaded = {}
            if isinstance(loaded, dict):
                self.seconds = {
                    str(node): float(seconds)
                    for node, seconds in loaded.items()
                    if isinstance(seconds, (int, float))
                }

    def record(self, timed_nodes: Mapping[str, float]) -> None:
        """Keep these nodes' latest seconds and write the file (atomically: a rename)."""
        if not timed_nodes:
            return
        self.seconds.update({node: round(float(seconds), 3) for node, seconds in timed_nodes.items()})
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(json.dumps(self.seconds, sort_keys=True, indent=0))
        os.replace(partial, self.path)
