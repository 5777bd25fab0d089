#pragma once
// Identifiers and timestamps in the reference's formats.
#include <string>

namespace ansible_runner::util {

// A random UUID4, dashed lowercase form.
std::string uuid4();
// A random UUID4 as 32 lowercase hex digits (Python's uuid.hex; what transmit sends as ident).
std::string uuid4_hex();
// Current UTC time as Python's naive datetime.isoformat(): 2026-11-27T18:07:04.053530
std::string utc_timestamp();

} // namespace ansible_runner::util
