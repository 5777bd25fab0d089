#include <ansible_runner/runner.hpp>

namespace ansible_runner {
const char* version() { return AR_VERSION; }
} // namespace ansible_runner
