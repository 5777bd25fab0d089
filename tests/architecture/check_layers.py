#!/usr/bin/python3
"""The layers of docs/ARCHITECTURE.md are the build's (set(AR_LAYERS ...) in CMakeLists.txt),
and no layer's objects call a function defined by a layer above it. The include views of the
build catch wrong includes of private headers; this catches calls through the public headers
(include/ansible_runner/), which every layer sees.   Usage: check_layers.py SOURCE_DIR BUILD_DIR"""
import re
import subprocess
import sys
from pathlib import Path


def documented_layers(source):
    text = (source / "docs" / "ARCHITECTURE.md").read_text()
    found = re.search(r"^Layers, lowest first: (.+)$", text, re.M)
    if not found:
        sys.exit("docs/ARCHITECTURE.md: no line 'Layers, lowest first: a < b < ...'")
    return [name.strip("` ") for name in found.group(1).split("<")]


def built_layers(source):
    found = re.search(r"^set\(AR_LAYERS ([^)]*)\)", (source / "CMakeLists.txt").read_text(), re.M)
    return found.group(1).split() + ["cli"]  # the CLI library sits on top


def symbols(objects, defined):
    if not objects:
        return set()
    flags = ["--defined-only"] if defined else ["--undefined-only"]
    out = subprocess.run(["nm", "-C", *flags, *map(str, objects)], capture_output=True, text=True, check=True).stdout
    names = set()
    for line in out.splitlines():
        parts = line.split(None, 2) if defined else line.split(None, 1)
        if defined and len(parts) == 3 and parts[1] in "TWDBRV":
            names.add(parts[2])
        elif not defined and len(parts) == 2 and parts[0] == "U":
            names.add(parts[1])
    return {name for name in names if "ansible_runner" in name}


def main():
    source, build = Path(sys.argv[1]), Path(sys.argv[2])
    layers = built_layers(source)
    documented = documented_layers(source)
    if documented[:len(layers)] != layers:
        sys.exit(f"docs/ARCHITECTURE.md lists the layers {documented}, the build {layers}")
    objects = {layer: sorted((build / "CMakeFiles" / f"ar_{layer}.dir" / "src" / layer).glob("*.o"))
               for layer in layers}
    missing = [layer for layer, found in objects.items() if not found]
    if missing:
        sys.exit(f"no objects built for the layers {missing} under {build}")
    owner = {}
    for layer in layers:
        for name in symbols(objects[layer], defined=True):
            owner.setdefault(name, layer)
    wrong = []
    for rank, layer in enumerate(layers):
        for obj in objects[layer]:
            for name in symbols([obj], defined=False):
                above = owner.get(name)
                if above is not None and layers.index(above) > rank:
                    wrong.append(f"{layer}/{obj.name[:-2]} calls {above}: {name}")
    if wrong:
        sys.exit("calls against the layering (docs/ARCHITECTURE.md):\n  " + "\n  ".join(sorted(wrong)))
    print(f"layers {' < '.join(layers)}: {sum(map(len, objects.values()))} objects, no call upwards")


if __name__ == "__main__":
    main()
