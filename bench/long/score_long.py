#!/usr/bin/env python3
"""Scores a recognised long meeting against the script it spoke (`scripts/bench long`).

Usage: score_long.py SCRIPT.json TRANSCRIPT.json

SCRIPT.json is make_long_meeting.py's; TRANSCRIPT.json is `reflector process --json` output
(after its "transcript: <id>" line). Prints
  recall=R timed=T content_words=N recognised_words=M
- recall: content words (lower case, letters and apostrophes, not in STOPWORDS) of the script
  found among the words recognised on the same speaker's track, counted per speaker as a bag of
  words (min of the two counts per word), over all content words of the script;
- timed: the share of recognised words whose middle lies within one of their speaker's script
  lines, widened by SLACK seconds: word times must be on the meeting timeline.
"""

import bisect
import collections
import json
import re
import sys

SLACK = 1.0
STOPWORDS = set("""
a an the and or but if so then than that this these those there here of to in on at by for with from
as is are was were be been being am do does did done have has had having i you he she it we they me
him her us them my your his its our their mine yours ours theirs what which who whom whose when where
why how all any both each few more most other some such no nor not only own same too very can will
just should would could shall may might must also up down out off over under again further once
about into through during before after above below between yes okay ok oh well let's let it's i'm
we're you're that's don't i'll we'll there's what's i've we've can't isn't
""".split())


def tokens(text):
    return re.findall(r"[a-z']+", text.lower())


def content(words):
    return [w for w in (t.strip("'") for t in words) if w and w not in STOPWORDS]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    script = json.load(open(sys.argv[1], encoding="utf-8"))
    text = open(sys.argv[2], encoding="utf-8").read()
    transcript = json.loads(text[text.index("{"):])
    words = transcript["words"]

    expected = collections.defaultdict(collections.Counter)
    spans = collections.defaultdict(list)
    for line in script["lines"]:
        expected[line["speaker"]].update(content(tokens(line["text"])))
        spans[line["speaker"]].append((line["start"] - SLACK, line["end"] + SLACK))
    heard = collections.defaultdict(collections.Counter)
    inside = 0
    for word in words:
        speaker = word.get("speaker", 0)
        heard[speaker].update(content(tokens(word["text"])))
        middle = (word["start"] + word["end"]) / 2
        starts = [s for s, _ in spans[speaker]]
        k = bisect.bisect_right(starts, middle) - 1
        if k >= 0 and middle <= spans[speaker][k][1]:
            inside += 1
    total = sum(sum(c.values()) for c in expected.values())
    found = sum(min(n, heard[s][w]) for s, c in expected.items() for w, n in c.items())
    recall = found / total if total else 0.0
    timed = inside / len(words) if words else 0.0
    for s in sorted(expected):
        n = sum(expected[s].values())
        f = sum(min(k, heard[s][w]) for w, k in expected[s].items())
        print(f"speaker {s}: content-word recall {f}/{n} = {f / n if n else 0:.3f}", file=sys.stderr)
    print(f"recall={recall:.3f} timed={timed:.3f} content_words={total} recognised_words={len(words)}")


if __name__ == "__main__":
    main()
