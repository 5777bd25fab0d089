#pragma once
// Calling Python from native code that runs with the GIL released (docs/python.md): every
// call takes the GIL for itself; a Python exception is parked in the CallContext and native
// code unwinds with HandlerRaised, which no library catch turns into a status, so the job's
// processes are killed on the way out and the exception reaches the caller unchanged.
#include <optional>
#include <string>
#include <streambuf>
#include <utility>

#include <nanobind/nanobind.h>

#include <ansible_runner/runner.hpp>
#include <ansible_runner/streaming.hpp>


namespace ansible_runner::python {

// Not a std::exception on purpose: library code turns those into statuses or CallbackError.
struct HandlerRaised {};

struct CallContext {
  std::optional<nanobind::python_error> error; // the first Python exception of the call

  // Runs `call` with the GIL; parks a Python exception and throws HandlerRaised.
  template <typename F>
  auto with_gil(F&& call) -> decltype(call()) {
    nanobind::gil_scoped_acquire gil;
    try {
      return call();
    } catch (nanobind::python_error& e) {
      if (!error) {
        error.emplace(std::move(e));
      }
    }
    throw HandlerRaised{};
  }

  // After the native call, with the GIL held: raises the parked exception, if any.
  void rethrow() {
    if (error) {
      nanobind::python_error e = std::move(*error);
      error.reset();
      throw e;
    }
  }
};

// The Python callables a job may call; None for "not given".
struct PythonHandlers {
  nanobind::object on_status;     // (status: dict) -> None
  nanobind::object on_event_json; // (event: str) -> str | None: the text to write, or no file
  nanobind::object on_artifacts;  // (artifact_dir: str) -> None
  nanobind::object on_console;    // (text: str) -> None, instead of writing to fd 1
  nanobind::object should_cancel; // () -> bool; Python signal handlers run before each call
  bool check_signals = true;      // run pending Python signal handlers at each cancel poll
};

// Native handlers calling the Python ones through `context`.
Handlers make_handlers(const PythonHandlers& py, CallContext& context);

// The input of worker/process: `pending` bytes (already taken from a buffered reader), then
// `fd`; or, when fd < 0, `reader(n) -> bytes` called with the GIL. A reader that raises ends
// the stream as broken (the role reports an error status), as a failed read of an fd does.
StreamInput make_input(int fd, std::string pending, nanobind::handle reader, bool watch_for_close);

// A streambuf handing its bytes to `target.write(bytes)` with the GIL: with api::OutputBridge
// (whose thread copies a pipe into it) the output of transmit/worker when the Python object
// has no fd. A raising write() is parked in the context and fails the stream; the bridge
// then drains the rest to nowhere, so the writer never blocks.
class PythonWriteBuf : public std::streambuf {
public:
  PythonWriteBuf(nanobind::object target, CallContext& context) : m_target(std::move(target)), m_context(context) {}

protected:
  std::streamsize xsputn(const char* data, std::streamsize size) override;
  int_type overflow(int_type c) override;

private:
  nanobind::object m_target;
  CallContext& m_context;
};

} // namespace ansible_runner::python
