#!/usr/bin/env python3
"""Where a Conductor workflow waited between its tasks, from the server's task records.

Usage: workflow_waits.py WORKFLOW.json [SLOTS]   (GET /api/workflow/{id}?includeTasks=true)

Reads scheduledTime, startTime and endTime (epoch ms) of every task and prints:
- the critical path: walking back from the task that ended last, each task's predecessor is the
  task whose end let it be scheduled (the latest end at or before its scheduledTime; for a JOIN,
  the latest end among the tasks it joins on). Its worker tasks (SIMPLE) ran for `work`; the
  rest of the workflow's span (createTime -> endTime) is `wait`: the server deciding, system
  tasks (forks, joins) and worker tasks waiting in their queue. The gaps are the waits between
  one worker task on the path ending and the next one starting;
- the queue wait of every worker task (scheduledTime -> startTime), on the path or not.
With SLOTS (the task slots of all workers together), each wait is split into the time when every
slot was busy (the task waited for a worker: capacity) and the rest (the server deciding, joins,
polls: orchestration).
Used by bench/e2e/e2e_bench.py (analyse()); runs alone on a saved workflow too.
"""

import json
import math
import sys

# Task types the server runs itself; everything else is a worker (SIMPLE) task.
SYSTEM_TYPES = {"FORK", "FORK_JOIN", "FORK_JOIN_DYNAMIC", "JOIN", "DECISION", "SWITCH", "SUB_WORKFLOW",
                "INLINE", "SET_VARIABLE", "TERMINATE", "WAIT", "DO_WHILE", "EXCLUSIVE_JOIN"}


def percentile(values, fraction):
    """Nearest rank; NaN for no values."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))]


def task_kind(task):
    declared = (task.get("workflowTask") or {}).get("type") or task.get("taskType", "")
    return declared if declared in SYSTEM_TYPES or task.get("taskType") in SYSTEM_TYPES else "SIMPLE"


def task_label(task):
    label = task["referenceTaskName"]
    index = (task.get("inputData") or {}).get("track_index")
    if task_kind(task) == "SIMPLE" and index is not None and not label.endswith(f"_{index}"):
        label += f"[{index}]"
    return label


def predecessor(task, ended):
    """The task whose end let `task` be scheduled (None for the first)."""
    if task_kind(task) == "JOIN":
        joined = set((task.get("inputData") or {}).get("joinOn") or [])
        candidates = [t for t in ended if t["referenceTaskName"] in joined]
        if candidates:
            return max(candidates, key=lambda t: (t["endTime"], t.get("seq", 0)))
        limit = task["endTime"]
    else:
        limit = task["scheduledTime"]
    candidates = [t for t in ended if t is not task and t["endTime"] <= limit and t["startTime"] < limit]
    return max(candidates, key=lambda t: (t["endTime"], t.get("seq", 0))) if candidates else None


def critical_path(tasks):
    ended = [t for t in tasks if t.get("endTime", 0) > 0 and t.get("startTime", 0) > 0]
    if not ended:
        return []
    path, seen, task = [], set(), max(ended, key=lambda t: (t["endTime"], t.get("seq", 0)))
    while task is not None and id(task) not in seen:
        path.append(task)
        seen.add(id(task))
        task = predecessor(task, ended)
    return list(reversed(path))


def full_slots_ms(begin, end, running, slots):
    """How long, within [begin, end), `slots` or more of the `running` (start, end) intervals ran
    at once: a task queued then waited for a worker slot, not for the server."""
    if slots is None or end <= begin:
        return 0
    edges = sorted([(max(a, begin), 1) for a, b in running if a < end and b > begin] +
                   [(min(b, end), -1) for a, b in running if a < end and b > begin])
    total, count, since = 0, 0, begin
    for time_ms, step in edges:
        if count >= slots:
            total += time_ms - since
        count, since = count + step, time_ms
    return total + (end - since if count >= slots else 0)


def analyse(workflow, slots=None):
    """The figures of the module docstring, as a dict (times in seconds). With `slots` (the
    workers' task slots in all), each wait is split into the part when every slot was busy and
    the rest."""
    tasks = workflow["tasks"]
    path = critical_path(tasks)
    workers_on_path = [t for t in path if task_kind(t) == "SIMPLE"]
    begin, end = workflow["createTime"], workflow["endTime"]
    work_ms = sum(t["endTime"] - t["startTime"] for t in workers_on_path)
    running = [(t["startTime"], t["endTime"]) for t in tasks
               if task_kind(t) == "SIMPLE" and t.get("startTime", 0) > 0 and t.get("endTime", 0) > 0]
    gaps, previous_end, full_ms = [], begin, 0
    for task in workers_on_path:
        gaps.append((task_label(task), (task["startTime"] - previous_end) / 1000))
        full_ms += full_slots_ms(previous_end, task["startTime"], running, slots)
        previous_end = task["endTime"]
    queue = [(task_label(t), (t["startTime"] - t["scheduledTime"]) / 1000,
              full_slots_ms(t["scheduledTime"], t["startTime"], running, slots) / 1000)
             for t in tasks if task_kind(t) == "SIMPLE" and t.get("startTime", 0) > 0]
    between = [g for _, g in gaps[1:]]  # the first gap is the wait for the first task
    return {
        "span_s": (end - begin) / 1000,
        "work_s": work_ms / 1000,
        "wait_s": (end - begin - work_ms) / 1000,
        "wait_slots_full_s": full_ms / 1000,
        "wait_free_slot_s": (end - begin - work_ms - full_ms) / 1000,
        "before_first_s": gaps[0][1] if gaps else float("nan"),
        "after_last_s": (end - previous_end) / 1000,
        "gaps": gaps,
        "gap_sum_s": sum(between),
        "gap_p50_s": percentile(between, 0.5),
        "gap_max_s": max(between, default=float("nan")),
        "queue": queue,
        "queue_sum_s": sum(q for _, q, _ in queue),
        "queue_slots_full_s": sum(f for _, _, f in queue),
        "queue_p50_s": percentile([q for _, q, _ in queue], 0.5),
        "queue_max_s": max((q for _, q, _ in queue), default=float("nan")),
        "path": [(task_label(t), task_kind(t), t["scheduledTime"], t["startTime"], t["endTime"]) for t in path],
        "begin_ms": begin,
        "end_ms": end,
    }


def print_report(result, out=sys.stdout):
    begin = result["begin_ms"]
    print("critical path (s from the workflow's creation):", file=out)
    print(f"  {'task':<34}{'kind':<19}{'scheduled':>10}{'started':>10}{'ended':>10}{'ran':>8}", file=out)
    for label, kind, scheduled, started, ended in result["path"]:
        print(f"  {label:<34}{kind:<19}{(scheduled - begin) / 1000:>10.3f}{(started - begin) / 1000:>10.3f}"
              f"{(ended - begin) / 1000:>10.3f}{(ended - started) / 1000:>8.3f}", file=out)
    gaps = result["gaps"]
    print(f"span {result['span_s']:.2f} s = worker tasks on the path {result['work_s']:.2f} s + waiting "
          f"{result['wait_s']:.2f} s (every worker slot busy {result['wait_slots_full_s']:.2f} s, a slot free "
          f"{result['wait_free_slot_s']:.2f} s)", file=out)
    print(f"waiting: before the first task {result['before_first_s']:.3f} s, {max(0, len(gaps) - 1)} gaps "
          f"between tasks {result['gap_sum_s']:.3f} s (p50 {result['gap_p50_s']:.3f} s, max "
          f"{result['gap_max_s']:.3f} s), after the last task {result['after_last_s']:.3f} s", file=out)
    slowest = sorted(gaps[1:], key=lambda g: -g[1])[:5]
    print("largest gaps (before the task): " + ", ".join(f"{name} {gap:.3f} s" for name, gap in slowest), file=out)
    queue = result["queue"]
    print(f"queue wait (scheduled -> started) of {len(queue)} worker tasks: sum {result['queue_sum_s']:.3f} s "
          f"(every slot busy {result['queue_slots_full_s']:.3f} s), p50 {result['queue_p50_s']:.3f} s, "
          f"max {result['queue_max_s']:.3f} s", file=out)
    slowest = sorted(queue, key=lambda q: -q[1])[:5]
    print("longest queue waits: " + ", ".join(f"{name} {wait:.3f} s" for name, wait, _ in slowest), file=out)


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    slots = int(sys.argv[2]) if len(sys.argv) == 3 else None
    print_report(analyse(json.load(open(sys.argv[1], encoding="utf-8")), slots))


if __name__ == "__main__":
    main()
