#include "python/python_calls.hpp"

#include <algorithm>
#include <cstring>

#include "python/py_json.hpp"
#include "stream/stream_error.hpp"

namespace nb = nanobind;

namespace ansible_runner::python {

Handlers make_handlers(const PythonHandlers& py, CallContext& context) {
  Handlers handlers;
  if (!py.on_status.is_none()) {
    handlers.on_status = [&py, &context](const Json& status) {
      context.with_gil([&] { py.on_status(to_python(status)); });
    };
  }
  if (!py.on_event_json.is_none()) {
    handlers.on_event_json = [&py, &context](const std::string& text) -> std::optional<std::string> {
      return context.with_gil([&]() -> std::optional<std::string> {
        nb::object kept = py.on_event_json(nb::str(text.data(), text.size()));
        if (kept.is_none()) {
          return std::nullopt;
        }
        return std::string(nb::borrow<nb::str>(kept).c_str());
      });
    };
  }
  if (!py.on_artifacts.is_none()) {
    handlers.on_artifacts = [&py, &context](const std::string& dir) {
      context.with_gil([&] { py.on_artifacts(nb::str(dir.data(), dir.size())); });
    };
  }
  if (!py.on_console.is_none()) {
    handlers.on_console = [&py, &context](std::string_view text) {
      context.with_gil([&] {
        nb::object decoded = nb::steal(
            PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(text.size()), "replace"));
        if (!decoded.is_valid()) {
          throw nb::python_error();
        }
        py.on_console(decoded);
      });
    };
  }
  if (!py.should_cancel.is_none() || py.check_signals) {
    handlers.should_cancel = [&py, &context]() {
      return context.with_gil([&] {
        // The host's signal handlers (KeyboardInterrupt, the default cancel path's flag) run
        // here: the calling thread waits in native code, where Python cannot run them.
        if (py.check_signals && PyErr_CheckSignals() != 0) {
          throw nb::python_error();
        }
        if (py.should_cancel.is_none()) {
          return false;
        }
        nb::object answer = py.should_cancel();
        int truth = PyObject_IsTrue(answer.ptr());
        if (truth < 0) {
          throw nb::python_error();
        }
        return truth == 1;
      });
    };
  }
  return handlers;
}

StreamInput make_input(int fd, std::string pending, nb::handle reader, bool watch_for_close) {
  StreamInput input;
  input.fd = fd;
  input.pending = std::move(pending);
  input.watch_for_close = watch_for_close && fd >= 0;
  if (fd < 0 && !reader.is_none()) {
    // Borrowed: the caller holds the reader for the whole call, and copies of this function
    // must not touch reference counts without the GIL.
    PyObject* read_chunk = reader.ptr();
    input.read = [read_chunk](char* buffer, size_t size) -> size_t {
      nb::gil_scoped_acquire gil;
      try {
        nb::object chunk = nb::handle(read_chunk)(size);
        if (chunk.is_none()) {
          return 0;
        }
        char* data = nullptr;
        Py_ssize_t length = 0;
        if (PyBytes_AsStringAndSize(chunk.ptr(), &data, &length) != 0) {
          throw nb::python_error();
        }
        size_t n = std::min(size, static_cast<size_t>(length));
        std::memcpy(buffer, data, n);
        return n;
      } catch (nb::python_error& e) {
        // Another thread closed the file, or the object is broken: the stream ends here.
        std::string why = e.what();
        throw stream::StreamError("cannot read the stream: " + why.substr(0, why.find('\n')));
      }
    };
  }
  return input;
}

std::streamsize PythonWriteBuf::xsputn(const char* data, std::streamsize size) {
  try {
    m_context.with_gil([&] { m_target.attr("write")(nb::bytes(data, static_cast<size_t>(size))); });
  } catch (const HandlerRaised&) {
    return 0; // a short write: the stream goes bad
  }
  return size;
}

PythonWriteBuf::int_type PythonWriteBuf::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) {
    return traits_type::not_eof(c);
  }
  char byte = traits_type::to_char_type(c);
  return xsputn(&byte, 1) == 1 ? c : traits_type::eof();
}

} // namespace ansible_runner::python
