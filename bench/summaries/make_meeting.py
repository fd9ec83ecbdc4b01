#!/usr/bin/env python3
"""Synthesises one scripted meeting of bench/summaries/corpus into one WAV track per speaker.

Usage: make_meeting.py SCRIPT OUT_DIR

Every `Name: text` line is spoken with flite in the speaker's voice (`# voices: Name=voice ...`
in the header, otherwise kal16, awb, slt, rms in order of appearance); lines follow each other
with a pause of GAP_SECONDS, and each speaker's track holds silence while the others speak, so
the tracks are aligned from 0 s as a recorder would store them. Prints one `Name=path` per
track, in order of first appearance. Standard library only.
"""

import os
import subprocess
import sys
import tempfile
import wave

GAP_SECONDS = 0.6
DEFAULT_VOICES = ["kal16", "awb", "slt", "rms"]
RATE = 16000  # flite's cmu_us voices and kal16 speak at 16 kHz


def parse(path):
    voices, lines = {}, []
    with open(path, encoding="utf-8") as f:
        for raw in f:
            line = raw.strip()
            if not line:
                continue
            if line.startswith("#"):
                body = line[1:].strip()
                if body.startswith("voices:"):
                    for pair in body[len("voices:"):].split():
                        name, _, voice = pair.partition("=")
                        voices[name] = voice
                continue
            name, sep, text = line.partition(":")
            if not sep or not text.strip():
                sys.exit(f"{path}: not a 'Name: text' line: {line}")
            lines.append((name.strip(), text.strip()))
    return voices, lines


def speak(voice, text, work, index):
    path = os.path.join(work, f"line{index}.wav")
    subprocess.run(["flite", "-voice", voice, "-t", text, "-o", path], check=True)
    with wave.open(path, "rb") as w:
        if w.getframerate() != RATE or w.getnchannels() != 1 or w.getsampwidth() != 2:
            sys.exit(f"flite voice {voice}: expected 16 kHz mono 16-bit")
        return w.readframes(w.getnframes())


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    script, out = sys.argv[1], sys.argv[2]
    voices, lines = parse(script)
    speakers = []
    for name, _ in lines:
        if name not in speakers:
            speakers.append(name)
    for i, name in enumerate(speakers):
        voices.setdefault(name, DEFAULT_VOICES[i % len(DEFAULT_VOICES)])
    os.makedirs(out, exist_ok=True)
    tracks = {name: bytearray() for name in speakers}
    gap = b"\0\0" * int(GAP_SECONDS * RATE)
    with tempfile.TemporaryDirectory() as work:
        for index, (name, text) in enumerate(lines):
            speech = speak(voices[name], text, work, index)
            for other, track in tracks.items():
                track.extend(speech if other == name else b"\0" * len(speech))
                track.extend(gap)
    for name in speakers:
        path = os.path.join(out, f"{name}.wav")
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(bytes(tracks[name]))
        print(f"{name}={path}")


if __name__ == "__main__":
    main()
