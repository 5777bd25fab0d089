#pragma once
// The error model, named after the reference's exceptions (ansible_runner/exceptions.py).
#include <stdexcept>
#include <string>

namespace ansible_runner {

// Base of every error the library raises on purpose.
class Error : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// Invalid options or private data dir content, found before any process starts.
class ConfigurationError : public Error {
public:
  using Error::Error;
};

// A user handler (artifacts, finished, cancel) threw.
class CallbackError : public Error {
public:
  using Error::Error;
};

// A kwargs key that neither the reference 2.3 nor upstream 2.4 run() accepts. The message
// contains "got an unexpected keyword argument '<key>'" because AWX matches that text.
class UnknownKwargError : public ConfigurationError {
public:
  explicit UnknownKwargError(const std::string& key)
      : ConfigurationError("run() got an unexpected keyword argument '" + key + "'"), m_key(key) {}
  const std::string& key() const { return m_key; }

private:
  std::string m_key;
};

} // namespace ansible_runner
