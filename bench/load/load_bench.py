#!/usr/bin/env python3
"""Load on one `reflector serve`: N meetings uploaded at once, every one must end.

Starts `reflector serve` (and, with --engine conductor, two `reflector worker` processes), creates
N transcripts and uploads the tracks to each from N threads at once (each meeting its own copy
with a slightly different gain, so no transcription comes from the result cache), then follows them with
GET /v1/transcripts/{id} from one client, round robin, until all have ended, timing every GET.
Prints the GET latency percentiles, the peak memory (VmHWM) of serve and of the workers, and ends
with one line:

  load: engine=E meetings=N ended=K wall_s=W get_p50_ms=A get_p95_ms=B get_p99_ms=C
        serve_peak_rss_mb=R workers_peak_rss_mb=S

The Conductor engine needs the services' settings in the environment (CONDUCTOR_SERVER_URL,
DATABASE_URL, TRANSCRIPT_STORAGE_* for the S3 server), as scripts/bench load sets them.
"""

import argparse
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid


def percentile(values, fraction):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, int(round(fraction * (len(ordered) - 1)))))
    return ordered[index]


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


class Server:
    def __init__(self, binary, env, log_path):
        self.log = open(log_path, "w")
        self.process = subprocess.Popen([binary, "serve", "--port", "0"], env=env, stdout=subprocess.PIPE,
                                        stderr=self.log, text=True)
        line = self.process.stdout.readline()
        match = re.search(r"listening on http://([^:]+):(\d+)", line)
        if not match:
            raise SystemExit(f"serve did not start (see {log_path}): {line!r}")
        self.host, self.port = match.group(1), int(match.group(2))

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request(host, port, method, path, body=None, headers=None, timeout=600):
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def unique_tracks(tracks, count, work):
    """Per meeting, its own copy of the tracks with a slightly different gain, so that no meeting's
    transcription is answered from the result cache of another's."""
    meetings = []
    for i in range(count):
        copies = []
        for name, path in tracks:
            out = os.path.join(work, f"meeting-{i}-{name}.webm")
            subprocess.run(["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", path, "-af",
                            f"volume={1.0 + 0.002 * (i + 1):.3f}", "-c:a", "libopus", "-b:a", "32k", out],
                           check=True)
            copies.append((name, out))
        meetings.append(copies)
    return meetings


def upload(server, transcript_id, tracks):
    boundary = "loadbench" + uuid.uuid4().hex
    parts = []
    for name, path in tracks:
        with open(path, "rb") as source:
            data = source.read()
        parts.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; "
                     f"filename=\"{os.path.basename(path)}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                     .encode() + data + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return request(server.host, server.port, "POST", f"/v1/transcripts/{transcript_id}/tracks", body,
                   {"Content-Type": f"multipart/form-data; boundary={boundary}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reflector", required=True, help="the reflector binary")
    parser.add_argument("--engine", choices=["in_process", "conductor"], default="in_process")
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--track", action="append", default=[], help="NAME=FILE (repeatable)")
    parser.add_argument("--limit-seconds", type=int, default=3600, help="give up after this long")
    args = parser.parse_args()
    tracks = [tuple(t.split("=", 1)) for t in args.track] or [("Alice", "samples/alice.webm"),
                                                               ("Bob", "samples/bob.webm")]
    work = tempfile.mkdtemp(prefix="reflector-load-bench-")
    env = dict(os.environ, LOG_LEVEL="warning", LLM_URL="", DATA_DIR=os.path.join(work, "serve"))
    if args.engine == "conductor":
        for name in ("CONDUCTOR_SERVER_URL", "DATABASE_URL", "TRANSCRIPT_STORAGE_AWS_ENDPOINT_URL"):
            if not env.get(name):
                raise SystemExit(f"--engine conductor needs {name} (scripts/bench load sets it)")
        env.update(CONDUCTOR_ENABLED="true", TRANSCRIPT_STORAGE_BACKEND="s3")
    else:
        env.update(CONDUCTOR_ENABLED="false", DATABASE_URL="")
    workers = []
    if args.engine == "conductor":
        for name in ("worker-a", "worker-b"):
            worker_env = dict(env, DATA_DIR=os.path.join(work, name))
            log = open(os.path.join(work, name + ".log"), "w")
            workers.append((subprocess.Popen([args.reflector, "worker", "--concurrency", "2"], env=worker_env,
                                             stdout=log, stderr=log), log))
    server = Server(args.reflector, env, os.path.join(work, "serve.log"))
    print(f"load: {args.meetings} meetings of {len(tracks)} tracks on the {args.engine} engine; logs in {work}",
          file=sys.stderr)
    try:
        ids = []
        for i in range(args.meetings):
            status, body = request(server.host, server.port, "POST", "/v1/transcripts",
                                   json.dumps({"name": f"load {i}"}), {"Content-Type": "application/json"})
            if status != 200:
                raise SystemExit(f"creating a transcript: {status} {body[:200]!r}")
            ids.append(json.loads(body)["id"])
        meetings = unique_tracks(tracks, len(ids), work)
        started = time.monotonic()
        refused = []

        def send(transcript_id, meeting_tracks):
            status, body = upload(server, transcript_id, meeting_tracks)
            if status != 202:
                refused.append((transcript_id, status, body[:200]))

        threads = [threading.Thread(target=send, args=(i, m)) for i, m in zip(ids, meetings)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if refused:
            raise SystemExit(f"uploads refused: {refused}")

        latencies, final = [], {}
        connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
        while len(final) < len(ids) and time.monotonic() - started < args.limit_seconds:
            for transcript_id in ids:
                if transcript_id in final:
                    continue
                began = time.monotonic()
                connection.request("GET", f"/v1/transcripts/{transcript_id}")
                response = connection.getresponse()
                body = response.read()
                latencies.append((time.monotonic() - began) * 1000.0)
                status = json.loads(body).get("status")
                if status in ("ended", "error"):
                    final[transcript_id] = status
            time.sleep(0.02)
        wall = time.monotonic() - started
        serve_rss = peak_rss_mb(server.process.pid)
        worker_rss = max([peak_rss_mb(w.pid) for w, _ in workers], default=0.0)
    finally:
        server.stop()
        for worker, log in workers:
            worker.terminate()
            worker.wait(timeout=30)
            log.close()
    ended = sum(1 for s in final.values() if s == "ended")
    print(f"GET /v1/transcripts/{{id}}: {len(latencies)} requests, p50 {percentile(latencies, 0.5):.1f} ms, "
          f"p95 {percentile(latencies, 0.95):.1f} ms, p99 {percentile(latencies, 0.99):.1f} ms, "
          f"max {max(latencies):.1f} ms")
    print(f"load: engine={args.engine} meetings={len(ids)} ended={ended} wall_s={wall:.1f} "
          f"get_p50_ms={percentile(latencies, 0.5):.1f} get_p95_ms={percentile(latencies, 0.95):.1f} "
          f"get_p99_ms={percentile(latencies, 0.99):.1f} serve_peak_rss_mb={serve_rss:.0f} "
          f"workers_peak_rss_mb={worker_rss:.0f}")
    return 0 if ended == len(ids) else 1


if __name__ == "__main__":
    sys.exit(main())
