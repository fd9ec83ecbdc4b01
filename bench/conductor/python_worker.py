"""The Python side of `scripts/bench conductor`: the official conductor-python SDK running a
no-op task the way its documentation shows (TaskHandler + Worker), until SIGTERM or SIGINT.

    python_worker.py --server http://127.0.0.1:8080/api --task-type bench_noop_python --threads 8

Run with the interpreter of the venv scripts/bench makes (conductor-python pinned there).
The SDK's own defaults are kept: poll_interval 100 ms, batch polls with timeout 100 ms,
update-v2 with fallback to POST /tasks, one process per worker plus a logger process.
"""

import argparse
import signal
import threading

from conductor.client.automator.task_handler import TaskHandler
from conductor.client.configuration.configuration import Configuration
from conductor.client.http.models.task import Task
from conductor.client.worker.worker import Worker


def noop(task: Task) -> dict:
    # Module level so the SDK's 'spawn' worker process can import it.
    return {"ok": True}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True, help="e.g. http://127.0.0.1:8080/api")
    parser.add_argument("--task-type", required=True)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())

    configuration = Configuration(server_api_url=args.server)
    worker = Worker(task_definition_name=args.task_type, execute_function=noop,
                    thread_count=args.threads)
    handler = TaskHandler(workers=[worker], configuration=configuration,
                          scan_for_annotated_workers=False)
    handler.start_processes()
    stop.wait()
    handler.stop_processes()


if __name__ == "__main__":
    main()
