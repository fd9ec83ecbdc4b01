#!/usr/bin/env python3
"""Wall time of each pipeline step of one transcript, from its PIPELINE_PROGRESS events.

Usage: step_times.py SHOW.json   (`reflector transcripts show ID --json`)

Prints the table (step, start and duration in seconds, from the first step's start) and then
one line `first=<epoch s> last=<epoch s>`: when the first step started and the last one ended.
"""

import json
import sys


def step_rows(show):
    """(start epoch s, step name with "[track]" for fork branches, duration s) of every finished
    step, by start."""
    begin, rows = {}, []
    for event in show["events"]:
        if event["event"] != "PIPELINE_PROGRESS":
            continue
        d = event["data"]
        key = (d["current_step"], d.get("track_index"))
        if d["step_status"] == "in_progress":
            begin[key] = event["created_at"]
        elif key in begin:
            step, track = key
            rows.append((begin[key], step if track is None else f"{step}[{track}]",
                         event["created_at"] - begin[key]))
    return sorted(rows)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = step_rows(json.load(open(sys.argv[1], encoding="utf-8")))
    if not rows:
        sys.exit("no finished steps in the transcript's events")
    first = min(r[0] for r in rows)
    print(f"{'step':<28}{'start s':>9}{'took s':>9}")
    for start, name, took in rows:
        print(f"{name:<28}{start - first:>9.3f}{took:>9.3f}")
    print(f"first={first:.3f} last={max(r[0] + r[2] for r in rows):.3f}")


if __name__ == "__main__":
    main()
