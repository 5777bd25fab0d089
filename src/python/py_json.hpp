#pragma once
// Python objects <-> JSON values for the binding (docs/python.md). Events do not pass here:
// they travel as json.dumps text and are parsed by Python's own json module, which keeps big
// integers and lone surrogates exact.
#include <nanobind/nanobind.h>

#include <ansible_runner/json.hpp>

namespace ansible_runner::python {

// dict (keys made str), list/tuple, str, bytes (UTF-8), int, float, bool, None; anything else
// as its str(). Integers beyond 64 bits become floats.
Json to_json(nanobind::handle value);

// The inverse: objects become dicts in their key order. Strings decode with surrogatepass.
nanobind::object to_python(const Json& value);

} // namespace ansible_runner::python
