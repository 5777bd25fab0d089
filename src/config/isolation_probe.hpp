#pragma once
// The reference's check that the process isolation executable works (`<exe> --version`).
#include <string>

namespace ansible_runner::config {

// The message the reference prints (then exits 1) when the probe fails.
std::string isolation_executable_missing_message(const std::string& executable);

// True when `<executable> --version` can be run and exits 0 (output discarded).
bool isolation_executable_available(const std::string& executable);

} // namespace ansible_runner::config
