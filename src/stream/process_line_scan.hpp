#pragma once
// What `process` needs from one result-stream line, without building a JSON DOM.
//
// The reference writes each kept event as json.dumps(json.loads(line)). A Python worker (the
// reference's or ours) sends every line as json.dumps output already, and for such a line the
// round trip gives back the very same bytes. scan_line() checks that a line is in that
// canonical form with util/python_json_form (the check the runner's event splice uses too) and
// picks out the top-level members the dispatcher and the event handler need. Anything else
// goes through util::python_json_normalize() or the full parser.
#include <optional>
#include <string>
#include <string_view>

#include "util/json_object_builder.hpp"

namespace ansible_runner::stream {

struct LineScan {
  bool canonical = false; // json.dumps(json.loads(line)) == line, and it is an object
  // Raw value tokens of top-level members (as in the line); empty when the member is absent.
  std::string_view counter;
  std::string_view uuid;
  std::string_view stdout_text;
  std::string_view event;
  bool has_status = false;
  bool has_zipfile = false;
  bool has_eof = false;
};

// A line past `limits` is not canonical: the caller's parser then refuses it by name.
LineScan scan_line(std::string_view line, const util::JsonLimits& limits = {});

// Appends the text of a canonical JSON string token (quotes included) as UTF-8; false (and
// `out` unspecified) when it holds a lone surrogate, which has no UTF-8 form.
bool append_decoded_string(std::string_view token, std::string& out);

// Python's str() of a canonical token when it is a plain integer or a string without escapes;
// nullopt for anything else (the caller then uses the parsed value).
std::optional<std::string_view> simple_str(std::string_view token);

} // namespace ansible_runner::stream
