#!/usr/bin/env python3
"""clang-tidy over the project's translation units, every warning an error, with a result cache.

A translation unit that passed is remembered under a key made of the clang-tidy version, the
.clang-tidy file, its compile command and the contents of the file and of every project header
it includes (read from the build's dependency files). A later run checks only the units whose
key changed, so an unchanged tree is checked in seconds; a cold cache checks everything.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import shlex
import subprocess
import sys
import time


def depfile_of(entry):
    args = entry.get("arguments") or shlex.split(entry["command"])
    for i, arg in enumerate(args):
        if arg == "-MF" and i + 1 < len(args):
            return os.path.join(entry["directory"], args[i + 1])
    return None


def project_headers(depfile, root):
    """The project files a unit depends on, from a Makefile-style depfile; None if unreadable."""
    try:
        with open(depfile, encoding="utf-8") as handle:
            text = handle.read().replace("\\\n", " ")
    except OSError:
        return None
    _, _, deps = text.partition(":")
    files = set()
    for dep in deps.split():
        path = os.path.normpath(os.path.join(os.path.dirname(depfile), dep)) if not os.path.isabs(dep) else dep
        if path.startswith(root + os.sep):
            files.add(path)
    return sorted(files)


def unit_key(entry, root, version, config):
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(config)
    digest.update((entry.get("command") or " ".join(entry.get("arguments", []))).encode())
    depfile = depfile_of(entry)
    files = project_headers(depfile, root) if depfile else None
    if files is None:
        return None  # not built yet: always check
    for path in [entry["file"]] + files:
        try:
            with open(path, "rb") as handle:
                digest.update(path.encode())
                digest.update(handle.read())
        except OSError:
            return None
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", required=True)
    parser.add_argument("--cache-dir", required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--all", action="store_true", help="ignore the cache")
    parser.add_argument("paths", nargs="*", default=["src/"], help="folders or files to check")
    options = parser.parse_args()

    root = os.getcwd()
    with open(os.path.join(options.build_dir, "compile_commands.json"), encoding="utf-8") as handle:
        entries = json.load(handle)
    prefixes = [os.path.join(root, p) for p in options.paths]
    units = [e for e in entries if any(e["file"].startswith(p) for p in prefixes)]
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True, text=True, check=True).stdout
    with open(os.path.join(root, ".clang-tidy"), "rb") as handle:
        config = handle.read()
    os.makedirs(options.cache_dir, exist_ok=True)

    todo = []
    for entry in units:
        key = unit_key(entry, root, version, config)
        if options.all or key is None or not os.path.exists(os.path.join(options.cache_dir, key)):
            todo.append((entry, key))
    started = time.time()
    print(f"clang-tidy: {len(units)} units, {len(units) - len(todo)} unchanged since they passed, "
          f"checking {len(todo)}", file=sys.stderr, flush=True)

    def check(item):
        entry, key = item
        result = subprocess.run(["clang-tidy", "-p", options.build_dir, "--quiet", "--warnings-as-errors=*",
                                 entry["file"]], capture_output=True, text=True)
        return entry["file"], key, result.returncode, result.stdout

    failed = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        for path, key, code, output in pool.map(check, todo):
            if code == 0:
                if key:
                    open(os.path.join(options.cache_dir, key), "w").close()
            else:
                failed.append(os.path.relpath(path, root))
                sys.stdout.write(output)
    elapsed = time.time() - started
    if failed:
        print(f"clang-tidy: {len(failed)} of {len(todo)} units have findings ({elapsed:.0f} s):", file=sys.stderr)
        for path in failed:
            print(f"  {path}", file=sys.stderr)
        return 1
    print(f"clang-tidy: ok ({len(todo)} units checked in {elapsed:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
