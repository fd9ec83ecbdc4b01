"""Worker runtime benchmark: our C++ worker (worker_bench) against the official Python SDK
(python_worker.py), both running a no-op task on the same Conductor server. Run by
`scripts/bench conductor`; needs only the Python standard library.

Per side, with its own task and workflow names (the two never poll each other's tasks):
  1. start the worker process and wait until the server has seen it poll;
  2. burst: start --workflows workflows of --tasks sequential no-op SIMPLE tasks at once and
     wait until all are COMPLETED (throughput under a backlog);
  3. paced: start --paced more workflows, one every --paced-interval seconds, and wait
     (poll-to-start latency of a worker that is mostly idle);
  4. read the peak RSS (VmHWM) and CPU time of the worker's processes, then SIGTERM it.
The last line gives ours / python for burst throughput, paced start latency p50 and p99, peak
RSS and CPU time per task.
Every timing comes from the server's task records (scheduledTime, startTime, endTime of
GET /workflow/{id}?includeTasks=true), so both sides are measured the same way.
"""

import argparse
import json
import math
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))


class Server:
    def __init__(self, base_url):
        self.base = base_url.rstrip("/")

    def call(self, method, path, body=None, query=None):
        url = self.base + path
        if query:
            url += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            raise RuntimeError(f"{method} {path}: HTTP {error.code}: {error.read().decode()[:300]}")

    def json(self, method, path, body=None, query=None):
        _, text = self.call(method, path, body, query)
        return json.loads(text) if text else None


def register(server, task_type, workflow, tasks):
    server.call("POST", "/metadata/taskdefs", [{
        "name": task_type, "retryCount": 0, "timeoutSeconds": 1200, "responseTimeoutSeconds": 600,
        "ownerEmail": "bench@example.com"}])
    server.call("PUT", "/metadata/workflow", [{
        "name": workflow, "version": 1, "schemaVersion": 2, "ownerEmail": "bench@example.com",
        "tasks": [{"name": task_type, "taskReferenceName": f"t{i}", "type": "SIMPLE"}
                  for i in range(tasks)]}])
    # Leftovers of an interrupted run would be polled by this run's worker: end them.
    for workflow_id in server.json("GET", f"/workflow/running/{workflow}", query={"version": 1}) or []:
        server.call("DELETE", f"/workflow/{workflow_id}", query={"reason": "benchmark leftover"})


def start_workflow(server, workflow):
    _, text = server.call("POST", f"/workflow/{workflow}", {}, {"version": 1})
    return text.strip()


def wait_completed(server, ids, deadline):
    for workflow_id in ids:
        while True:
            status = server.json("GET", f"/workflow/{workflow_id}", query={"includeTasks": "false"})["status"]
            if status == "COMPLETED":
                break
            if status != "RUNNING":
                raise RuntimeError(f"workflow {workflow_id} ended {status}")
            if time.time() > deadline:
                raise RuntimeError(f"workflow {workflow_id} still {status} at the deadline")
            time.sleep(0.1)


def task_times(server, ids):
    """(scheduledTime, startTime, endTime, first) of every task of the given workflows: times in
    ms; `first` marks each workflow's first task, which only a poll can deliver (the later ones
    may come back in the answer to an update-v2 call)."""
    rows = []
    for workflow_id in ids:
        flow = server.json("GET", f"/workflow/{workflow_id}", query={"includeTasks": "true"})
        for task in flow["tasks"]:
            if task["status"] != "COMPLETED":
                raise RuntimeError(f"task {task['taskId']} of {workflow_id} is {task['status']}")
            rows.append((task["scheduledTime"], task["startTime"], task["endTime"],
                         task["referenceTaskName"] == "t0"))
    return rows


class ProcessTree:
    """Samples the processes under `pid` (the SDK forks a process per worker and helpers):
    last VmHWM and CPU time seen for each, and the largest simultaneous RSS sum."""

    def __init__(self, pid):
        self.pid = pid
        self.hwm_kb = {}
        self.cpu_ticks = {}
        self.peak_rss_sum_kb = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _descendants(self):
        children = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            children.setdefault(ppid, []).append(int(entry))
        found, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(children.get(pid, []))
        return found

    def sample(self):
        rss_sum = 0
        for pid in self._descendants():
            try:
                with open(f"/proc/{pid}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                with open(f"/proc/{pid}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if "VmHWM" not in fields:  # a zombie
                continue
            after_name = stat[stat.rindex(")") + 2:].split()
            with self.lock:
                self.hwm_kb[pid] = int(fields["VmHWM"].split()[0])
                self.cpu_ticks[pid] = int(after_name[11]) + int(after_name[12])  # utime + stime
            rss_sum += int(fields["VmRSS"].split()[0])
        with self.lock:
            self.peak_rss_sum_kb = max(self.peak_rss_sum_kb, rss_sum)

    def _loop(self):
        while not self.stop.wait(0.25):
            self.sample()

    def finish(self):
        self.stop.set()
        self.thread.join()
        self.sample()
        with self.lock:
            return {"rss_mb": sum(self.hwm_kb.values()) / 1024,
                    "simultaneous_rss_mb": self.peak_rss_sum_kb / 1024,
                    "processes": len(self.hwm_kb),
                    "cpu_s": sum(self.cpu_ticks.values()) / os.sysconf("SC_CLK_TCK")}


def run_worker_side(server, name, command, task_type, workflow, args, log_dir):
    register(server, task_type, workflow, args.tasks)
    log_path = os.path.join(log_dir, f"{name}.log")
    out_path = os.path.join(log_dir, f"{name}.out")
    launched_ms = int(time.time() * 1000)
    with open(log_path, "w") as log, open(out_path, "w") as out:
        process = subprocess.Popen(command, stdout=out, stderr=log, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
    tree = ProcessTree(process.pid)
    try:
        deadline = time.time() + 90
        while True:  # ready once the server has seen it poll
            if process.poll() is not None:
                raise RuntimeError(f"{name} worker exited with {process.returncode} (log: {log_path})")
            polls = server.json("GET", "/tasks/queue/polldata", query={"taskType": task_type}) or []
            if any(p.get("lastPollTime", 0) >= launched_ms for p in polls):
                break
            if time.time() > deadline:
                raise RuntimeError(f"{name} worker did not poll within 90 s (log: {log_path})")
            time.sleep(0.1)
        say(f"{name}: burst of {args.workflows} workflows x {args.tasks} tasks")
        deadline = time.time() + args.timeout
        with ThreadPoolExecutor(4) as pool:
            burst = list(pool.map(lambda _: start_workflow(server, workflow), range(args.workflows)))
        wait_completed(server, burst, deadline)
        paced = []
        if args.paced > 0:
            say(f"{name}: {args.paced} paced workflows, one every {args.paced_interval} s")
            begin = time.time()
            for i in range(args.paced):
                time.sleep(max(0.0, begin + i * args.paced_interval - time.time()))
                paced.append(start_workflow(server, workflow))
            wait_completed(server, paced, deadline)
        memory = tree.finish()
    finally:
        tree.stop.set()
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
    if process.returncode != 0:
        raise RuntimeError(f"{name} worker exited with {process.returncode} (log: {log_path})")
    with open(out_path) as out:
        report = out.read().strip()
    return {"burst": task_times(server, burst), "paced": task_times(server, paced), "memory": memory,
            "report": report}


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = max(0, min(len(ordered) - 1, math.ceil(fraction * len(ordered)) - 1))  # nearest rank
    return ordered[index]


def summarize(result):
    burst, paced = result["burst"], result["paced"]
    wall_s = (max(r[2] for r in burst) - min(r[0] for r in burst)) / 1000
    metrics = {"burst_tasks": len(burst), "burst_wall_s": wall_s, "throughput": len(burst) / wall_s}
    for phase, rows in (("burst", burst), ("paced", paced)):
        start = [r[1] - r[0] for r in rows]
        update = [r[2] - r[1] for r in rows]
        metrics[f"{phase}_start_p50"] = percentile(start, 0.50)
        metrics[f"{phase}_start_p99"] = percentile(start, 0.99)
        metrics[f"{phase}_start_max"] = max(start) if start else float("nan")
        first = [r[1] - r[0] for r in rows if r[3]]
        metrics[f"{phase}_first_p50"] = percentile(first, 0.50)
        metrics[f"{phase}_first_p99"] = percentile(first, 0.99)
        metrics[f"{phase}_update_p50"] = percentile(update, 0.50)
        metrics[f"{phase}_update_p99"] = percentile(update, 0.99)
    metrics.update(result["memory"])
    metrics["tasks"] = len(burst) + len(paced)
    metrics["cpu_ms_per_task"] = 1000 * metrics["cpu_s"] / metrics["tasks"]
    return metrics


ROWS = [
    ("burst_tasks", "burst: tasks", "{:.0f}"),
    ("throughput", "burst: throughput (tasks/s)", "{:.1f}"),
    ("burst_wall_s", "burst: first scheduled -> last done (s)", "{:.2f}"),
    ("burst_start_p50", "burst: start latency p50 (ms)", "{:.0f}"),
    ("burst_start_p99", "burst: start latency p99 (ms)", "{:.0f}"),
    ("burst_update_p50", "burst: start -> done p50 (ms)", "{:.0f}"),
    ("burst_update_p99", "burst: start -> done p99 (ms)", "{:.0f}"),
    ("paced_start_p50", "paced: start latency p50 (ms)", "{:.0f}"),
    ("paced_start_p99", "paced: start latency p99 (ms)", "{:.0f}"),
    ("paced_start_max", "paced: start latency max (ms)", "{:.0f}"),
    ("paced_first_p50", "paced: first tasks' start latency p50 (ms)", "{:.0f}"),
    ("paced_first_p99", "paced: first tasks' start latency p99 (ms)", "{:.0f}"),
    ("paced_update_p50", "paced: start -> done p50 (ms)", "{:.0f}"),
    ("paced_update_p99", "paced: start -> done p99 (ms)", "{:.0f}"),
    ("rss_mb", "peak RSS, sum over processes (MB)", "{:.1f}"),
    ("simultaneous_rss_mb", "largest RSS sum seen at once (MB)", "{:.1f}"),
    ("processes", "processes", "{:.0f}"),
    ("cpu_s", "worker CPU time (s)", "{:.2f}"),
    ("tasks", "tasks run (burst + paced)", "{:.0f}"),
    ("cpu_ms_per_task", "worker CPU time per task (ms)", "{:.2f}"),
]


def ratio(a, b):
    return a / b if b else float("nan")


def say(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", required=True, help="Conductor API base URL, e.g. http://127.0.0.1:8080/api")
    parser.add_argument("--ours-bin", required=True, help="the worker_bench executable")
    parser.add_argument("--python-bin", required=True, help="python of the venv with conductor-python")
    parser.add_argument("--workflows", type=int, default=100, help="burst workflows")
    parser.add_argument("--tasks", type=int, default=5, help="sequential no-op tasks per workflow")
    parser.add_argument("--paced", type=int, default=30, help="paced workflows")
    parser.add_argument("--paced-interval", type=float, default=0.5, help="seconds between paced starts")
    parser.add_argument("--concurrency", type=int, default=8, help="tasks run at once, both sides")
    parser.add_argument("--warmup", type=int, default=20, help="server warm-up workflows (ours, not measured)")
    parser.add_argument("--ours-arg", action="append", default=[], help="extra worker_bench argument")
    parser.add_argument("--timeout", type=float, default=300, help="seconds per side")
    parser.add_argument("--log-dir", required=True, help="where the workers' logs go")
    args = parser.parse_args()
    server = Server(args.server)

    def ours(task_type):
        return [args.ours_bin, "--server", args.server, "--task-type", task_type,
                "--concurrency", str(args.concurrency)] + args.ours_arg

    python = [args.python_bin, os.path.join(HERE, "python_worker.py"), "--server", args.server,
              "--task-type", "bench_noop_python", "--threads", str(args.concurrency)]

    if args.warmup > 0:
        say(f"warming the server up: {args.warmup} workflows with our worker (not measured)")
        warm = argparse.Namespace(**{**vars(args), "workflows": args.warmup, "paced": 0})
        run_worker_side(server, "warmup", ours("bench_noop_warmup"), "bench_noop_warmup", "bench_warmup",
                        warm, args.log_dir)
    results = {}
    for name, command, task_type in (("ours", ours("bench_noop_ours"), "bench_noop_ours"),
                                     ("python", python, "bench_noop_python")):
        started = time.time()
        result = run_worker_side(server, name, command, task_type, f"bench_{name}", args, args.log_dir)
        say(f"{name}: done in {time.time() - started:.1f} s {result['report']}".rstrip())
        results[name] = summarize(result)

    a, b = results["ours"], results["python"]
    print(f"{'metric':<44}{'ours':>10}{'python':>10}{'ours/python':>13}")
    for key, label, fmt in ROWS:
        print(f"{label:<44}{fmt.format(a[key]):>10}{fmt.format(b[key]):>10}{ratio(a[key], b[key]):>13.2f}")
    print(f"conductor: throughput_ratio={ratio(a['throughput'], b['throughput']):.2f} "
          f"p50_latency_ratio={ratio(a['paced_start_p50'], b['paced_start_p50']):.2f} "
          f"p99_latency_ratio={ratio(a['paced_start_p99'], b['paced_start_p99']):.2f} "
          f"rss_ratio={ratio(a['rss_mb'], b['rss_mb']):.2f} "
          f"cpu_ratio={ratio(a['cpu_ms_per_task'], b['cpu_ms_per_task']):.2f}")


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
