#pragma once
// The error raised for malformed or hostile streams. The worker turns it into an error status
// line; process reports it the same way.
#include <ansible_runner/errors.hpp>

namespace ansible_runner::stream {

class StreamError : public Error {
public:
  using Error::Error;
};

} // namespace ansible_runner::stream
