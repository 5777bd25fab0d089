"""Sections of RESULTS.md that one case owns (the container's fixed cost, many jobs per node),
kept between markers so that a run of that case alone replaces only its section and a run
without it keeps the section as it was."""


import time


def run_case(ctx, name, measure):
    """Runs a section case's ``measure(ctx)`` -> data (a JSON-able dict); a failure is recorded
    in ctx.errors and becomes ``{"failed": <first line>}``. Adds the case's ``elapsed`` seconds."""
    t0 = time.time()
    data = ctx.attempt(name, lambda: measure(ctx))
    if data is None:
        data = {"failed": ctx.errors[-1][1].splitlines()[0][:300]}
    data["elapsed"] = time.time() - t0
    return data


def begin(name):
    return f"<!-- {name}: begin -->"


def end(name):
    return f"<!-- {name}: end -->"


def block(text, name):
    """The section `name` of text, markers included, or None."""
    i, j = text.find(begin(name)), text.find(end(name))
    return text[i:j + len(end(name))] if 0 <= i < j else None


def splice(text, name, new_block, before=None):
    """``text`` with its section `name` replaced by ``new_block``; added before the marker
    ``before`` (the Python API section) when there is one, else at the end."""
    old = block(text, name)
    if old is not None:
        return text.replace(old, new_block)
    if before and before in text:
        return text.replace(before, new_block + "\n\n" + before, 1)
    return text.rstrip("\n") + "\n\n" + new_block + "\n"
