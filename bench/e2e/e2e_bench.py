#!/usr/bin/env python3
"""One meeting through both engines: `reflector process` in-process, then on Conductor.

Run by `scripts/bench e2e`, which synthesises the meeting (bench/long/make_long_meeting.py),
starts PostgreSQL, the S3 server and Conductor, and passes each engine's settings:

  e2e_bench.py --reflector BIN --meeting DIR --speakers K --minutes N --log-dir DIR
               --in-process-env NAME=VALUE... --conductor-env NAME=VALUE... [--service-pid NAME=PID...]

1. in-process: `reflector process --track ... --json` (the embedded default, its own SQLite
   database and files);
2. Conductor: `reflector conductor register`, --workers `reflector worker --concurrency C`
   processes (C: the in-process engine's task slots split over the workers, unless given;
   ready once each logged its start), --warm-up workflows on samples/ (not measured; 0 leaves
   the server cold), then `reflector process --engine conductor --track ... --json`, which
   uploads the tracks, starts the workflow and follows it.
Each `process` is timed from its start to its exit (wall, CPU, peak RSS from wait4); the
workers' CPU over the measured run and their peak RSS, and the services' CPU (--service-pid,
with their children) over each run. Then the step times of both transcripts (from their
events), where the Conductor run waited (bench/e2e/workflow_waits.py on the server's task
records, with the workers' slots), the recall of both transcripts (bench/long/score_long.py),
and the last line

  e2e: minutes=N conductor_wall_s=A in_process_wall_s=B ratio=A/B wait_s=W goal_ratio=G
       verdict=met|MISSED wait_free_slot_s=F

where W is the critical path's waiting, F the part of it when a worker slot was free (the rest
waited for a slot), and met means A/B < G.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # the modules it borrows stay free of __pycache__ folders
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path[:0] = [os.path.join(ROOT, *folder) for folder in (("bench", "conductor"), ("bench", "load"),
                                                            ("scripts", "lib"))]
from conductor_bench import Server  # noqa: E402
from load_bench import peak_rss_mb  # noqa: E402
from step_times import step_rows  # noqa: E402
from workflow_waits import analyse, print_report  # noqa: E402

# Every run: the offline summariser, quiet logs (the workers log at info into their files).
COMMON_ENV = {"LLM_URL": "", "TRANSCRIPT_BACKEND": "pocketsphinx", "LOG_LEVEL": "warning"}
WARM_UP_TRACKS = [f"{name.capitalize()}={os.path.join(ROOT, 'samples', name + '.webm')}"
                  for name in ("alice", "bob", "carol")]


def say(message):
    print(f"==> {message}", file=sys.stderr, flush=True)


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def tree_cpu_seconds(pid):
    """User + system CPU of `pid` and its descendants, the children they waited for included."""
    parents, ticks = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry))
        ticks[int(entry)] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += ticks.get(current, 0)
        todo.extend(parents.get(current, []))
    return total / os.sysconf("SC_CLK_TCK")


def meeting_tracks(args):
    return [f"Speaker{i}={os.path.join(args.meeting, f'track_{i}.webm')}" for i in range(args.speakers)]


def run_process(args, env, work, engine, tracks):
    """`reflector process` of `tracks` (NAME=FILE); returns what its run cost and what it printed."""
    os.makedirs(work, exist_ok=True)
    command = [args.reflector, "process", "--json"]
    if engine == "conductor":
        command += ["--engine", "conductor"]
    for track in tracks:
        command += ["--track", track]
    out_path, err_path = os.path.join(work, "out.txt"), os.path.join(work, "err.txt")
    say(f"{engine}: reflector process, {len(tracks)} tracks (load {load_average()})")
    with open(out_path, "w") as out, open(err_path, "w") as err:
        started_s, began = time.time(), time.monotonic()
        child = subprocess.Popen(command, env=env, cwd=work, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        wall, ended_s = time.monotonic() - began, time.time()
    stderr = open(err_path, encoding="utf-8", errors="replace").read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{engine}: reflector process failed:\n{stderr[-3000:]}")
    first_line = open(out_path, encoding="utf-8").readline()
    workflow = re.search(r"^workflow: (\S+)", stderr, re.M)
    calls = re.search(r"calls: transcription (\d+) made, (\d+) cached", stderr)
    return {"engine": engine, "wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime,
            "peak_rss_mb": usage.ru_maxrss / 1024, "started_s": started_s, "ended_s": ended_s,
            "transcript_id": first_line.removeprefix("transcript: ").strip(), "out": out_path,
            "workflow_id": workflow.group(1) if workflow else "",
            "calls": f"{calls.group(1)}/{calls.group(2)}" if calls else "?", "load_after": load_average(),
            "env": env}


def transcript_steps(args, run):
    shown = subprocess.run([args.reflector, "transcripts", "show", run["transcript_id"], "--json"], env=run["env"],
                           cwd=os.path.dirname(run["out"]), capture_output=True, text=True, check=True)
    return step_rows(json.loads(shown.stdout))


def recall(args, run):
    scored = subprocess.run([sys.executable, os.path.join(ROOT, "bench", "long", "score_long.py"),
                             os.path.join(args.meeting, "script.json"), run["out"]],
                            capture_output=True, text=True, check=True)
    return re.search(r"recall=([0-9.]+)", scored.stdout).group(1)


class Workers:
    """`reflector worker` processes for the Conductor run; stopped with SIGTERM by stop()."""

    def __init__(self, args, env):
        self.processes, self.logs = [], []
        try:
            for i in range(args.workers):
                name = f"worker-{chr(ord('a') + i)}"
                worker_env = dict(env, DATA_DIR=os.path.join(args.log_dir, name), LOG_LEVEL="info")
                self.logs.append(os.path.join(args.log_dir, f"{name}.log"))
                command = [args.reflector, "worker", "--concurrency", str(args.concurrency), "--worker-id",
                           f"e2e-bench-{name}", "--shutdown-timeout", "5"] + args.worker_arg
                with open(self.logs[-1], "w") as log:
                    self.processes.append(subprocess.Popen(command, env=worker_env, cwd=args.log_dir, stdout=log,
                                                           stderr=log, stdin=subprocess.DEVNULL))
            self.wait_until_started(args.log_dir)
        except BaseException:
            self.stop()
            raise

    def wait_until_started(self, log_dir):
        """Until every worker logged its start; it asks the server for work right after. (The
        server's poll data cannot tell: it keeps one poller per task type, and workers that ask
        which queues hold tasks poll a type only when it has some.)"""
        deadline = time.time() + 90
        while True:
            for process in self.processes:
                if process.poll() is not None:
                    raise SystemExit(f"a worker exited with {process.returncode} (logs in {log_dir})")
            if all("worker started" in open(log).read() for log in self.logs):
                return
            if time.time() > deadline:
                raise SystemExit(f"the workers did not start within 90 s (logs in {log_dir})")
            time.sleep(0.1)

    def cpu_seconds(self):
        return [tree_cpu_seconds(process.pid) for process in self.processes]

    def stop(self):
        """Stops the workers; returns the peak RSS (MB) of each, read before."""
        peaks = [peak_rss_mb(process.pid) for process in self.processes]
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        return peaks


def services_cpu(args):
    return {name: tree_cpu_seconds(pid) for name, pid in args.service_pid}


def run_in_process(args, env):
    before = services_cpu(args)
    run = run_process(args, env, os.path.join(args.log_dir, "in_process"), "in_process", meeting_tracks(args))
    run["services_cpu_s"] = {name: cpu - before[name] for name, cpu in services_cpu(args).items()}
    return run


def run_conductor(args, env, server):
    register = subprocess.run([args.reflector, "conductor", "register"], env=env, cwd=args.log_dir,
                              capture_output=True, text=True)
    if register.returncode != 0:
        sys.exit(f"reflector conductor register failed:\n{register.stderr[-2000:]}")
    workers = Workers(args, env)
    try:
        # A fresh server compiles its code paths during its first workflows (15-45 s of CPU in
        # a 10-minute meeting's run here); a server in service is warm. The same workers run them,
        # the first transcribes samples/, the others find the transcriptions in the cache.
        for i in range(args.warm_up):
            say(f"conductor: warming the server up with samples/ ({i + 1} of {args.warm_up}, not measured)")
            work = os.path.join(args.log_dir, f"warm-up-{i + 1}")
            run_process(args, dict(env, DATA_DIR=os.path.join(work, "data")), work, "conductor", WARM_UP_TRACKS)
        services_before, workers_before = services_cpu(args), workers.cpu_seconds()
        run = run_process(args, dict(env, DATA_DIR=os.path.join(args.log_dir, "conductor", "data")),
                          os.path.join(args.log_dir, "conductor"), "conductor", meeting_tracks(args))
        run["services_cpu_s"] = {name: cpu - services_before[name] for name, cpu in services_cpu(args).items()}
        workers_cpu = [cpu - before for cpu, before in zip(workers.cpu_seconds(), workers_before)]
    finally:
        workers_peak_rss = workers.stop()  # over their life: the warm-up's tracks are shorter
    run["workers"] = [{"cpu_s": cpu, "rss_mb": rss} for cpu, rss in zip(workers_cpu, workers_peak_rss)]
    workflow = server.json("GET", f"/workflow/{run['workflow_id']}", query={"includeTasks": "true"})
    with open(os.path.join(args.log_dir, "workflow.json"), "w") as f:
        json.dump(workflow, f)
    if workflow["status"] != "COMPLETED":
        sys.exit(f"workflow {run['workflow_id']} ended {workflow['status']} (logs in {args.log_dir})")
    run["waits"] = analyse(workflow, args.workers * args.concurrency)
    return run


def print_engines(runs):
    print(f"{'engine':<12}{'wall s':>9}{'CPU s':>9}{'peak RSS MB':>13}{'recall':>8}{'STT made/cached':>17}"
          f"  load before / after")
    for run in runs:
        print(f"{run['engine']:<12}{run['wall_s']:>9.2f}{run['cpu_s']:>9.2f}{run['peak_rss_mb']:>13.1f}"
              f"{run['recall']:>8}{run['calls']:>17}  {run['load_before']} / {run['load_after']}")
        for i, worker in enumerate(run.get("workers", [])):
            print(f"  worker {chr(ord('a') + i):<4}{'':>9}{worker['cpu_s']:>9.2f}{worker['rss_mb']:>13.1f}")
        if run.get("services_cpu_s"):
            print("  services' CPU during the run: " +
                  ", ".join(f"{name} {cpu:.2f} s" for name, cpu in run["services_cpu_s"].items()))


def print_steps(runs):
    """Each step's start (from its engine's first step) and duration, side by side."""
    tables = []
    for run in runs:
        first = min(row[0] for row in run["steps"])
        tables.append({name: (start - first, took) for start, name, took in run["steps"]})
    names = sorted({n for t in tables for n in t}, key=lambda n: min(t[n][0] for t in tables if n in t))
    print(f"{'step':<28}" + "".join(f"{run['engine'] + ' start':>20}{'took':>9}" for run in runs))
    for name in names:
        cells = "".join(f"{t[name][0]:>20.3f}{t[name][1]:>9.3f}" if name in t else f"{'-':>20}{'-':>9}"
                        for t in tables)
        print(f"{name:<28}{cells}")


def print_conductor_wall(args, run):
    waits = run["waits"]
    print(f"conductor: {args.workers} workers x --concurrency {args.concurrency} "
          f"({args.workers * args.concurrency} task slots), {args.warm_up} warm-up workflows before")
    before = waits["begin_ms"] / 1000 - run["started_s"]
    after = run["ended_s"] - waits["end_ms"] / 1000
    print(f"conductor wall {run['wall_s']:.2f} s = before the workflow {before:.2f} s (process start, tracks "
          f"uploaded, workflow started) + workflow {waits['span_s']:.2f} s + after it {after:.2f} s "
          f"(the follower sees the end, reports)")
    print_report(waits)


def parse_pairs(values, what):
    pairs = []
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep or not name:
            sys.exit(f"{what}: expected NAME=VALUE, got {value!r}")
        pairs.append((name, rest))
    return pairs


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reflector", required=True, help="the reflector binary (release build)")
    parser.add_argument("--meeting", required=True, help="make_long_meeting.py's folder")
    parser.add_argument("--speakers", type=int, required=True)
    parser.add_argument("--minutes", type=int, required=True)
    parser.add_argument("--log-dir", required=True, help="logs, outputs and workflow.json go here")
    parser.add_argument("--in-process-env", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--conductor-env", action="append", default=[], help="NAME=VALUE")
    parser.add_argument("--service-pid", action="append", default=[], help="NAME=PID, its CPU is reported")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int,
                        help="tasks each worker runs at once (default: the in-process engine's task slots, "
                        "one per core, split over the workers, at least 1)")
    parser.add_argument("--worker-arg", action="append", default=[], help="extra `reflector worker` argument")
    parser.add_argument("--warm-up", type=int, default=3,
                        help="workflows on samples/ before the measured one (0: a cold Conductor server)")
    parser.add_argument("--goal", type=float, default=1.2, help="conductor wall / in-process wall to stay under")
    args = parser.parse_args()
    args.reflector = os.path.abspath(args.reflector)
    if args.concurrency is None:  # `reflector process --parallel` defaults to the cores (2-16)
        args.concurrency = max(1, min(16, max(2, os.cpu_count() or 2)) // args.workers)
    args.service_pid = [(name, int(pid)) for name, pid in parse_pairs(args.service_pid, "--service-pid")]
    base = dict(os.environ, **COMMON_ENV)
    in_process_env = dict(base, **dict(parse_pairs(args.in_process_env, "--in-process-env")))
    conductor_env = dict(base, **dict(parse_pairs(args.conductor_env, "--conductor-env")))
    server = Server(conductor_env["CONDUCTOR_SERVER_URL"])

    load_before = load_average()
    in_process = run_in_process(args, in_process_env)
    in_process["load_before"] = load_before
    in_process["steps"] = transcript_steps(args, in_process)
    load_before = load_average()
    conductor = run_conductor(args, conductor_env, server)
    conductor["load_before"] = load_before
    conductor["steps"] = transcript_steps(args, conductor)
    runs = [in_process, conductor]
    for run in runs:
        run["recall"] = recall(args, run)
        if not run["calls"].endswith("/0"):
            say(f"warning: {run['engine']}: transcriptions made/cached {run['calls']}: not all were made")

    print_engines(runs)
    print()
    print_steps(runs)
    print()
    print_conductor_wall(args, conductor)
    ratio, waits = conductor["wall_s"] / in_process["wall_s"], conductor["waits"]
    print(f"e2e: minutes={args.minutes} conductor_wall_s={conductor['wall_s']:.1f} "
          f"in_process_wall_s={in_process['wall_s']:.1f} ratio={ratio:.3f} wait_s={waits['wait_s']:.1f} "
          f"goal_ratio={args.goal} verdict={'met' if ratio < args.goal else 'MISSED'} "
          f"wait_free_slot_s={waits['wait_free_slot_s']:.1f}")


if __name__ == "__main__":
    main()
