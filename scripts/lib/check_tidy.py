#!/usr/bin/env python3
"""clang-tidy over the project's translation units, every warning an error, with a result cache.

A translation unit that passed is remembered under a key made of the clang-tidy version, the
.clang-tidy file, its compile command and the contents of the file and of every project header
it includes (as Ninja recorded them: `ninja -t deps`). A later run checks only the units whose
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


def object_of(entry):
    """The object file a unit compiles to (its -o argument), relative to the build directory."""
    args = entry.get("arguments") or shlex.split(entry["command"])
    for i, arg in enumerate(args):
        if arg == "-o" and i + 1 < len(args):
            return args[i + 1]
    return None


def build_dependencies(build_dir, root):
    """Object file -> the project files it was compiled from, as Ninja recorded them
    (`ninja -t deps`; the compiler's .d files are folded into .ninja_deps and removed)."""
    result = subprocess.run(["ninja", "-C", build_dir, "-t", "deps"], capture_output=True, text=True)
    if result.returncode != 0:
        return {}
    deps = {}
    current = None
    for line in result.stdout.splitlines():
        if line and not line[0].isspace():
            current = line.split(":", 1)[0]
            deps[current] = []
        elif line.strip() and current is not None:
            dep = line.strip()
            path = dep if os.path.isabs(dep) else os.path.normpath(os.path.join(build_dir, dep))
            path = os.path.abspath(path)
            if path.startswith(root + os.sep):
                deps[current].append(path)
    return deps


def unit_key(entry, dependencies, root, version, config):
    """Paths enter the key relative to the checkout, so clones in other folders share the cache."""
    digest = hashlib.sha256()
    digest.update(version.encode())
    digest.update(config)
    command = entry.get("command") or " ".join(entry.get("arguments", []))
    digest.update(command.replace(root, ".").encode())
    files = dependencies.get(object_of(entry) or "")
    if not files:
        return None  # not built yet: always check
    for path in sorted(set([entry["file"]] + files)):
        try:
            with open(path, "rb") as handle:
                digest.update(os.path.relpath(path, root).encode())
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

    dependencies = build_dependencies(os.path.abspath(options.build_dir), root)
    todo = []
    for entry in units:
        key = unit_key(entry, dependencies, root, version, config)
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
