#pragma once
// JSON values in the public API. Objects keep insertion order, because the reference's
// artifacts and wire lines have a fixed key order that consumers may diff against.
#include <nlohmann/json.hpp>

namespace ansible_runner {
using Json = nlohmann::ordered_json;
}
