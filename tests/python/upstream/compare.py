#!/usr/bin/env python3
"""Compares two junit XML files of upstream's test suite: the reference's and ours.

Cases are grouped by test function (parametrisations collapsed: key file::Class::function).
A function passes when none of its cases failed or errored and at least one passed. Exits 1 when
fewer than --min-percent of the functions passing with the reference pass with ours, or when one
of them fails with ours and is not listed in the excluded file (`path::function  # reason`).
"""
import argparse
import collections
import re
import sys
import xml.etree.ElementTree as ET


def outcome(case):
    """passed, failed, error or skipped, from a <testcase>'s children (an xpass is a pass)."""
    tags = [child.tag for child in case]
    for tag in ("error", "failure", "skipped"):
        if tag in tags:
            return {"failure": "failed", "error": "error"}.get(tag, tag)
    return "passed"


def message(case):
    for child in case:
        if child.tag in ("failure", "error"):
            text = child.get("message") or (child.text or "")
            return " ".join(text.split())[:160]
    return ""


def function_key(case):
    """file::Class::function, the class part taken from classname beyond the module's dotted path."""
    name = re.sub(r"\[.*\]$", "", case.get("name", ""), flags=re.S)
    path = case.get("file")
    if not path:  # a collection error: classname is empty and name is the module
        return case.get("name", "").replace(".", "/") + ".py", True
    module = path[:-3].replace("/", ".") if path.endswith(".py") else path
    classname = case.get("classname", "")
    cls = classname[len(module) + 1:] if classname.startswith(module + ".") else ""
    return "::".join(part for part in (path, cls.replace(".", "::"), name) if part), False


def load(path):
    """Returns (per-case counts, {function: [outcomes]}, {function: first failure message}, modules not collected)."""
    counts, functions, messages, broken = collections.Counter(), collections.defaultdict(list), {}, set()
    for case in ET.parse(path).getroot().iter("testcase"):
        result = outcome(case)
        key, collection_error = function_key(case)
        if collection_error:
            broken.add(key)
            counts["collection errors"] += 1
            continue
        counts[result] += 1
        functions[key].append(result)
        if result in ("failed", "error"):
            messages.setdefault(key, message(case))
    return counts, functions, messages, broken


def passes(results):
    return "passed" in results and not {"failed", "error"} & set(results)


def read_excluded(path):
    excluded = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, _, reason = line.partition("#")
                if key.strip():
                    excluded[key.strip()] = reason.strip()
    except FileNotFoundError:
        pass
    return excluded


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference")
    parser.add_argument("ours")
    parser.add_argument("--excluded", default="")
    parser.add_argument("--min-percent", type=float, default=85.0)
    args = parser.parse_args()

    ref_counts, ref_functions, _, _ = load(args.reference)
    our_counts, our_functions, our_messages, our_broken = load(args.ours)
    excluded = read_excluded(args.excluded) if args.excluded else {}

    order = ("passed", "failed", "error", "skipped", "collection errors")
    for label, counts in (("reference", ref_counts), ("ours", our_counts)):
        print(f"cases with {label:9}: " + ", ".join(f"{counts[k]} {k}" for k in order))

    reference_passing = sorted(k for k, v in ref_functions.items() if passes(v))
    ours_passing = [k for k in reference_passing if passes(our_functions.get(k, []))]
    failing = [k for k in reference_passing if k not in ours_passing]
    percent = 100.0 * len(ours_passing) / len(reference_passing) if reference_passing else 0.0
    only_ours = sorted(k for k, v in our_functions.items() if passes(v) and not passes(ref_functions.get(k, [])))

    unexcused = []
    if failing:
        print(f"\nfunctions passing with the reference but not with ours ({len(failing)}):")
    for key in failing:
        if key in our_functions:
            results = collections.Counter(our_functions[key])
            why = ", ".join(f"{n} {r}" for r, n in sorted(results.items())) + ": " + our_messages.get(key, "")
        else:
            module = key.split("::")[0]
            why = "not collected (import error in the module)" if module in our_broken else "not run"
        mark = "excluded" if key in excluded else "FAIL"
        if key not in excluded:
            unexcused.append(key)
        print(f"  {mark:8} {key}  -- {why}")
    if only_ours:
        print(f"\nfunctions passing with ours but not with the reference: {len(only_ours)}")
        for key in only_ours:
            print(f"  {key}")
    # Only functions this run has results for: the suite runs in parts (run.sh --containers).
    ran = set(ref_functions) | set(our_functions)
    stale = sorted((set(excluded) & ran) - set(failing))
    if stale:
        print(f"\nexcluded functions that do not fail with ours (remove them?): {', '.join(stale)}")

    print(f"\nfunctions passing with the reference: {len(reference_passing)}; with ours too: "
          f"{len(ours_passing)} ({percent:.1f} %); failing with ours, not excluded: {len(unexcused)}")
    ok = percent >= args.min_percent and not unexcused
    if percent < args.min_percent:
        print(f"FAIL: {percent:.1f} % is below {args.min_percent:g} %")
    if unexcused:
        print(f"FAIL: {len(unexcused)} function(s) pass with the reference, fail with ours and are not "
              f"in {args.excluded or 'the excluded list'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
