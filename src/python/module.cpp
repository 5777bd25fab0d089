// ansible_runner._native: the one narrow module between the Python facade and the C++ core
// (docs/python.md). Every function runs the native work with the GIL released; Python is
// called back only through python_calls.hpp, which takes the GIL per call.
#include <optional>
#include <ostream>
#include <string>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <ansible_runner/errors.hpp>
#include <ansible_runner/runner.hpp>
#include <ansible_runner/streaming.hpp>

#include "api/helper_commands.hpp"
#include "api/job_runner.hpp"
#include "api/stream_bridge.hpp"
#include "api/subprocess_runner.hpp"
#include "config/settings.hpp"
#include "python/job_fields.hpp"
#include "python/py_json.hpp"
#include "python/python_calls.hpp"
#include "stream/limits_from_environment.hpp"
#include "stream/stream_reader.hpp"
#include "stream/stream_writer.hpp"
#include "stream/temp_file.hpp"
#include "stream/zip_extractor.hpp"
#include "stream/zip_writer.hpp"
#include "util/timer_value.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ansible_runner::python {
namespace {

// Runs `work` without the GIL; a parked Python exception wins over the native unwinding it
// caused, and library errors become the facade's exception classes (see the translator).
template <typename F>
auto without_gil(CallContext& context, F&& work) -> decltype(work()) {
  std::optional<decltype(work())> out;
  bool raised = false;
  {
    nb::gil_scoped_release released;
    try {
      out.emplace(work());
    } catch (const HandlerRaised&) {
      raised = true;
    } catch (...) {
      if (!context.error) {
        throw;
      }
      raised = true; // the native error was caused by the Python one
    }
  }
  if (raised) {
    context.rethrow();
    throw std::runtime_error("a Python callback failed without an exception");
  }
  return std::move(*out);
}

// The output of transmit, worker and stream_dir: the fd itself (>= 0), else a pipe that
// api::OutputBridge copies into `target.write()`. The work and the bridge's end both run
// without the GIL: the bridge's thread needs the GIL to hand its last bytes over, even when
// the work failed.
template <typename F>
auto with_output(CallContext& context, int fd, nb::object target, F&& work) -> decltype(work(0)) {
  std::optional<PythonWriteBuf> buffer;
  std::optional<std::ostream> stream;
  std::optional<api::OutputBridge> bridge;
  if (fd < 0) {
    buffer.emplace(std::move(target), context);
    stream.emplace(&*buffer);
    bridge.emplace(*stream);
    fd = bridge->fd();
  }
  auto result = without_gil(context, [&] {
    struct FinishBridge {
      std::optional<api::OutputBridge>& bridge;
      ~FinishBridge() {
        if (bridge) {
          bridge->finish();
        }
      }
    } finish{bridge};
    return work(fd);
  });
  context.rethrow(); // a write() that raised
  return result;
}

std::string bytes_of(nb::handle data) {
  if (data.is_none()) {
    return {};
  }
  char* buffer = nullptr;
  Py_ssize_t size = 0;
  if (PyBytes_AsStringAndSize(data.ptr(), &buffer, &size) != 0) {
    throw nb::python_error();
  }
  return std::string(buffer, static_cast<size_t>(size));
}


std::optional<std::string> optional_text(const Json& options, const char* key) {
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) {
    return std::nullopt;
  }
  return it->is_string() ? it->get<std::string>() : it->dump();
}

nb::object result_dict(const RunResult& result, std::optional<int> exit_code = std::nullopt) {
  Json out = result_to_json(result);
  if (exit_code) {
    out["exit_code"] = *exit_code;
  }
  return to_python(out);
}

// The exception classes of ansible_runner.exceptions, looked up when first needed (the
// facade imports this module, not the other way round).
void raise_as(const char* class_name, const char* message) {
  nb::object exceptions = nb::module_::import_("ansible_runner.exceptions");
  nb::object type = exceptions.attr(class_name);
  PyErr_SetString(type.ptr(), message);
}

// The command line after the executable of an Ansible tool helper, validated with the
// reference's messages: the same builders as the C++ API's helpers (api/helper_commands).
std::vector<std::string> helper_args(const std::string& kind, nb::handle request) {
  Json r = to_json(request);
  auto text = [&](const char* key) { return optional_text(r, key); };
  auto flag = [&](const char* key) { return r.contains(key) && r[key].is_boolean() && r[key].get<bool>(); };
  auto names = [&](const char* key) {
    std::vector<std::string> out;
    for (const Json& item : r.value(key, Json::array())) {
      out.push_back(item.is_string() ? item.get<std::string>() : item.dump());
    }
    return out;
  };
  if (kind == "plugin_docs") {
    return api::plugin_docs_args({names("plugin_names"), text("plugin_type"), text("response_format"),
                                  flag("snippet"), text("playbook_dir"), text("module_path")});
  }
  if (kind == "plugin_list") {
    return api::plugin_list_args(
        {flag("list_files"), text("response_format"), text("plugin_type"), text("playbook_dir"), text("module_path")});
  }
  if (kind == "inventory") {
    return api::inventory_args({text("action").value_or(""), names("inventories"), text("response_format"),
                                text("host"), text("playbook_dir"), text("vault_ids"), text("vault_password_file"),
                                text("output_file"), flag("export")});
  }
  if (kind == "ansible_config") {
    return api::ansible_config_args({text("action").value_or(""), text("config_file"), flag("only_changed")});
  }
  if (kind == "role_list") {
    return api::role_list_args({text("collection"), text("playbook_dir")});
  }
  if (kind == "role_argspec") {
    return api::role_argspec_args({text("role").value_or(""), text("collection"), text("playbook_dir")});
  }
  throw ConfigurationError("unknown helper " + kind);
}

nb::object run_job(nb::handle fields, const std::string& mode, std::optional<double> subprocess_timeout,
                   std::optional<int> input_fd, std::optional<int> output_fd, std::optional<int> error_fd,
                   nb::object on_status, nb::object on_event_json, nb::object on_artifacts, nb::object on_console,
                   nb::object should_cancel, bool check_signals) {
  config::JobConfig job = job_from_json(to_json(fields));
  if (subprocess_timeout) {
    util::checked_timer_seconds(*subprocess_timeout, "subprocess_timeout"); // the one rule for timers
  }
  PythonHandlers py{on_status, on_event_json, on_artifacts, on_console, should_cancel, check_signals};
  CallContext context;
  Handlers handlers = make_handlers(py, context);
  RunResult result = without_gil(context, [&] {
    if (mode == "subprocess") {
      api::SubprocessOptions options{subprocess_timeout, input_fd, output_fd, error_fd};
      return api::SubprocessRunner(std::move(job), options, handlers).run();
    }
    return api::JobRunner(std::move(job), handlers).run();
  });
  return result_dict(result);
}

void transmit_job(const std::string& private_data_dir, nb::handle kwargs, int out_fd, nb::object out,
                  bool only_transmit_kwargs) {
  Json fields = to_json(kwargs);
  CallContext context;
  with_output(context, out_fd, std::move(out), [&](int fd) {
    transmit(private_data_dir, fields, fd, TransmitOptions{only_transmit_kwargs});
    return 0;
  });
}

nb::object worker_job(int in_fd, nb::handle pending, nb::object reader, bool watch_for_close, int out_fd, nb::object out,
                      nb::handle options, nb::object should_cancel, bool check_signals) {
  Json given = to_json(options);
  WorkerOptions worker_options;
  worker_options.private_data_dir = optional_text(given, "private_data_dir");
  worker_options.delete_private_data_dir = given.value("delete", false);
  worker_options.keepalive_seconds =
      util::checked_timer_seconds(given.value("keepalive_seconds", 0.0), "keepalive_seconds");
  // The node's limits, as the CLI reads them (docs/security.md, "Limits").
  worker_options.limits = stream::unpack_limits_from_environment();
  worker_options.line_limits = stream::line_limits_from_environment();

  CallContext context;
  PythonHandlers py{nb::none(), nb::none(), nb::none(), nb::none(), std::move(should_cancel), check_signals};
  Handlers handlers = make_handlers(py, context);
  StreamInput input = make_input(in_fd, bytes_of(pending), reader, watch_for_close);
  RunResult result = with_output(context, out_fd, std::move(out), [&](int fd) {
    return worker(input, fd, worker_options, handlers.should_cancel);
  });
  return result_dict(result, worker_exit_code(result));
}

nb::object process_job(int in_fd, nb::handle pending, nb::object reader, bool watch_for_close, nb::handle options,
                       nb::object on_status, nb::object on_event_json, nb::object on_artifacts, nb::object on_console) {
  Json given = to_json(options);
  ProcessOptions process_options;
  process_options.private_data_dir = given.value("private_data_dir", std::string());
  process_options.ident = optional_text(given, "ident");
  process_options.artifact_dir = optional_text(given, "artifact_dir");
  process_options.quiet = given.value("quiet", false);
  process_options.limits = stream::unpack_limits_from_environment();
  process_options.line_limits = stream::line_limits_from_environment();

  CallContext context;
  PythonHandlers py{on_status, on_event_json, on_artifacts, on_console, nb::none(), false};
  Handlers handlers = make_handlers(py, context);
  StreamInput input = make_input(in_fd, bytes_of(pending), reader, watch_for_close);
  RunResult result = without_gil(context, [&] { return process(input, process_options, handlers); });
  return result_dict(result, process_exit_code(result));
}

// utils.streaming.stream_dir: `{"zipfile": N}` and the base64 zip of `source_dir`.
void stream_dir(const std::string& source_dir, int out_fd, nb::object out) {
  CallContext context;
  with_output(context, out_fd, std::move(out), [&](int fd) {
    util::UniqueFd zip = stream::build_zip(source_dir);
    stream::StreamWriter(fd).write_zip(zip.get());
    return 0;
  });
}

// utils.streaming.unstream_dir: the payload of a `{"zipfile": length}` message, extracted
// into target_dir with the archive checks and limits of the worker.
void unstream_dir(nb::object reader, uint64_t length, const std::string& target_dir) {
  CallContext context;
  StreamInput input = make_input(-1, {}, reader, false);
  without_gil(context, [&] {
    stream::StreamReader stream_reader(input);
    util::UniqueFd zip = stream::make_anonymous_temp_file();
    stream_reader.read_payload(length, zip.get());
    stream::extract_zip(zip.get(), target_dir);
    return 0;
  });
}

} // namespace
} // namespace ansible_runner::python

NB_MODULE(_native, m) {
  using namespace ansible_runner;
  using namespace ansible_runner::python;
  m.doc() = "The native core of ansible_runner (C++): jobs, streams, archives, processes.";

  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const UnknownKwargError& e) {
      PyErr_SetString(PyExc_TypeError, e.what());
    } catch (const ConfigurationError& e) {
      raise_as("ConfigurationError", e.what());
    } catch (const CallbackError& e) {
      raise_as("CallbackError", e.what());
    } catch (const Error& e) {
      raise_as("AnsibleRunnerException", e.what());
    }
  });

  m.def(
      "timeout_kwarg", [](double seconds) { return config::timeout_kwarg(seconds); }, "seconds"_a,
      "The timeout kwarg as the job takes it: int(timeout), None for no timeout; negative and NaN refused.");
  m.def("helper_args", &helper_args, "kind"_a, "request"_a,
        "The arguments of an Ansible tool helper's command line (after the executable).");
  m.def("run_job", &run_job, "fields"_a, "mode"_a = "pexpect", "subprocess_timeout"_a.none() = nb::none(),
        "input_fd"_a.none() = nb::none(), "output_fd"_a.none() = nb::none(), "error_fd"_a.none() = nb::none(),
        "on_status"_a.none() = nb::none(), "on_event_json"_a.none() = nb::none(),
        "on_artifacts"_a.none() = nb::none(), "on_console"_a.none() = nb::none(),
        "should_cancel"_a.none() = nb::none(), "check_signals"_a = true, "Runs a prepared job to its end.");
  m.def("transmit", &transmit_job, "private_data_dir"_a, "kwargs"_a, "out_fd"_a, "out"_a.none() = nb::none(),
        "only_transmit_kwargs"_a = false, "Writes the job stream.");
  m.def("worker", &worker_job, "in_fd"_a, "pending"_a.none(), "reader"_a.none(), "watch_for_close"_a, "out_fd"_a,
        "out"_a.none(), "options"_a, "should_cancel"_a.none() = nb::none(), "check_signals"_a = true,
        "Runs the job of a job stream, writing the result stream.");
  m.def("process", &process_job, "in_fd"_a, "pending"_a.none(), "reader"_a.none(), "watch_for_close"_a, "options"_a,
        "on_status"_a.none() = nb::none(), "on_event_json"_a.none() = nb::none(),
        "on_artifacts"_a.none() = nb::none(), "on_console"_a.none() = nb::none(),
        "Rebuilds the artifacts of a result stream, calling the handlers.");
  m.def("stream_dir", &stream_dir, "source_dir"_a, "out_fd"_a, "out"_a.none() = nb::none(),
        "Writes one directory as a zipfile message.");
  m.def("unstream_dir", &unstream_dir, "reader"_a.none(), "length"_a, "target_dir"_a,
        "Extracts the payload of a zipfile message.");
}
