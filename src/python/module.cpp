// ansible_runner._native: the one narrow module between the Python facade and the C++ core
// (docs/python.md). Every function runs the native work with the GIL released; Python is
// called back only through python_calls.hpp, which takes the GIL per call.
#include <optional>
#include <string>

#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <ansible_runner/commands.hpp>
#include <ansible_runner/errors.hpp>
#include <ansible_runner/runner.hpp>
#include <ansible_runner/streaming.hpp>
#include <ansible_runner/worker_admin.hpp>

#include "api/job_runner.hpp"
#include "api/subprocess_runner.hpp"
#include "config/command_config.hpp"
#include "config/job_config.hpp"
#include "config/kwargs.hpp"
#include "python/command_options.hpp"
#include "python/job_fields.hpp"
#include "python/py_json.hpp"
#include "python/python_calls.hpp"
#include "stream/stream_reader.hpp"
#include "stream/stream_writer.hpp"
#include "stream/temp_file.hpp"
#include "stream/zip_extractor.hpp"
#include "stream/zip_writer.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace ansible_runner::python {
namespace {

// Runs `work` without the GIL; a parked Python exception wins over the native unwinding it
// caused, and library errors become the facade's exception classes.
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

PythonHandlers handlers_from(nb::object on_status, nb::object on_event_json, nb::object on_artifacts,
                             nb::object on_console, nb::object should_cancel, bool check_signals) {
  return PythonHandlers{std::move(on_status), std::move(on_event_json), std::move(on_artifacts),
                        std::move(on_console), std::move(should_cancel), check_signals};
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

// The exception classes of ansible_runner.exceptions, looked up when first needed (the
// facade imports this module, not the other way round).
void raise_as(const char* class_name, const char* message) {
  nb::object exceptions = nb::module_::import_("ansible_runner.exceptions");
  nb::object type = exceptions.attr(class_name);
  PyErr_SetString(type.ptr(), message);
}

nb::object job_fields(const config::JobConfig& job) {
  return to_python(job_to_json(job));
}

nb::object prepare_run(nb::handle kwargs, const std::string& private_data_dir, bool dump) {
  Json fields = to_json(kwargs);
  config::JobConfig job;
  {
    nb::gil_scoped_release released;
    RunOptions options = config::options_from_kwargs(fields, private_data_dir);
    if (dump) {
      config::dump_artifacts_for_run(options);
    }
    job = config::prepare(options);
  }
  return job_fields(job);
}

nb::object prepare_command(nb::handle kwargs, const std::vector<std::string>& argv, bool ansible_command,
                           const std::string& mode) {
  CommandOptions options = command_options_from_json(to_json(kwargs));
  config::CommandJob prepared;
  {
    nb::gil_scoped_release released;
    RunnerMode runner_mode = mode == "pexpect" ? RunnerMode::pexpect : RunnerMode::subprocess;
    prepared = config::prepare_command_job(options, config::CommandLine{argv, ansible_command}, runner_mode);
  }
  Json fields = job_to_json(prepared.job);
  fields["runner_mode"] = prepared.mode == RunnerMode::pexpect ? "pexpect" : "subprocess";
  fields["subprocess_timeout"] = prepared.subprocess_timeout ? Json(*prepared.subprocess_timeout) : Json(nullptr);
  return to_python(fields);
}

nb::object run_job(nb::handle fields, const std::string& mode, std::optional<double> subprocess_timeout,
                   std::optional<int> input_fd, std::optional<int> output_fd, std::optional<int> error_fd,
                   nb::object on_status, nb::object on_event_json, nb::object on_artifacts, nb::object on_console,
                   nb::object should_cancel, bool check_signals) {
  config::JobConfig job = job_from_json(to_json(fields));
  PythonHandlers py = handlers_from(on_status, on_event_json, on_artifacts, on_console, should_cancel, check_signals);
  CallContext context;
  Handlers handlers = make_handlers(py, context);
  RunResult result = without_gil(context, [&] {
    if (mode == "subprocess") {
      api::SubprocessRunner runner(std::move(job), api::SubprocessOptions{subprocess_timeout, input_fd, output_fd, error_fd},
                                   handlers);
      return runner.run();
    }
    api::JobRunner runner(std::move(job), handlers);
    return runner.run();
  });
  return to_python(result_to_json(result));
}

// Output: an fd (>= 0), else a Python object with write().
void transmit_job(const std::string& private_data_dir, nb::handle kwargs, int out_fd, nb::object out,
                  bool only_transmit_kwargs) {
  Json fields = to_json(kwargs);
  CallContext context;
  std::optional<OutputDrain> drain;
  if (out_fd < 0) {
    drain.emplace(out, context);
    out_fd = drain->fd();
  }
  without_gil(context, [&] {
    try {
      transmit(private_data_dir, fields, out_fd, TransmitOptions{only_transmit_kwargs});
    } catch (...) {
      if (drain) {
        drain->finish();
      }
      throw;
    }
    if (drain) {
      drain->finish();
    }
    return 0;
  });
  context.rethrow();
}

nb::object worker_job(int in_fd, nb::handle pending, nb::object reader, bool watch_for_close, int out_fd, nb::object out,
                      nb::handle options, nb::object should_cancel, bool check_signals) {
  Json given = to_json(options);
  WorkerOptions worker_options;
  if (given.contains("private_data_dir") && given["private_data_dir"].is_string()) {
    worker_options.private_data_dir = given["private_data_dir"].get<std::string>();
  }
  worker_options.delete_private_data_dir = given.value("delete", false);
  worker_options.keepalive_seconds = given.value("keepalive_seconds", 0.0);
  worker_options.limits.max_bytes = given.value("max_unpack_bytes", worker_options.limits.max_bytes);
  worker_options.limits.max_entries = given.value("max_unpack_files", worker_options.limits.max_entries);

  CallContext context;
  PythonHandlers py = handlers_from(nb::none(), nb::none(), nb::none(), nb::none(), should_cancel, check_signals);
  Handlers handlers = make_handlers(py, context);
  StreamInput input = make_input(in_fd, bytes_of(pending), reader, watch_for_close);
  std::optional<OutputDrain> drain;
  if (out_fd < 0) {
    drain.emplace(out, context);
    out_fd = drain->fd();
  }
  RunResult result = without_gil(context, [&] {
    RunResult r = worker(input, out_fd, worker_options, handlers.should_cancel);
    if (drain) {
      drain->finish();
    }
    return r;
  });
  context.rethrow();
  Json out_json = result_to_json(result);
  out_json["exit_code"] = worker_exit_code(result);
  return to_python(out_json);
}

nb::object process_job(int in_fd, nb::handle pending, nb::object reader, bool watch_for_close, nb::handle options,
                       nb::object on_status, nb::object on_event_json, nb::object on_artifacts, nb::object on_console) {
  Json given = to_json(options);
  ProcessOptions process_options;
  process_options.private_data_dir = given.value("private_data_dir", std::string());
  if (given.contains("ident") && !given["ident"].is_null()) {
    process_options.ident = given["ident"].is_string() ? given["ident"].get<std::string>() : given["ident"].dump();
  }
  if (given.contains("artifact_dir") && given["artifact_dir"].is_string()) {
    process_options.artifact_dir = given["artifact_dir"].get<std::string>();
  }
  process_options.quiet = given.value("quiet", false);
  process_options.diagnostics_fd = given.value("diagnostics_fd", 2);
  process_options.limits.max_bytes = given.value("max_unpack_bytes", process_options.limits.max_bytes);
  process_options.limits.max_entries = given.value("max_unpack_files", process_options.limits.max_entries);

  CallContext context;
  PythonHandlers py = handlers_from(on_status, on_event_json, on_artifacts, on_console, nb::none(), false);
  Handlers handlers = make_handlers(py, context);
  StreamInput input = make_input(in_fd, bytes_of(pending), reader, watch_for_close);
  RunResult result = without_gil(context, [&] { return process(input, process_options, handlers); });
  context.rethrow();
  Json out_json = result_to_json(result);
  out_json["exit_code"] = process_exit_code(result);
  return to_python(out_json);
}

// utils.streaming.stream_dir: `{"zipfile": N}` and the base64 zip of `source_dir`.
void stream_dir(const std::string& source_dir, int out_fd, nb::object out) {
  CallContext context;
  std::optional<OutputDrain> drain;
  if (out_fd < 0) {
    drain.emplace(out, context);
    out_fd = drain->fd();
  }
  without_gil(context, [&] {
    {
      util::UniqueFd zip = stream::build_zip(source_dir);
      stream::StreamWriter writer(out_fd);
      writer.write_zip(zip.get());
    }
    if (drain) {
      drain->finish();
    }
    return 0;
  });
  context.rethrow();
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
  context.rethrow();
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

  m.def("version", [] { return std::string(version()); });
  m.def("worker_info", [] {
    nb::gil_scoped_release released;
    return worker_info();
  });
  m.def("prepare_run", &prepare_run, "kwargs"_a, "private_data_dir"_a, "dump"_a = true,
        "RunnerConfig.prepare(): the job's resolved fields (command, env, cwd, ...) from run() kwargs.");
  m.def("prepare_command", &prepare_command, "kwargs"_a, "argv"_a, "ansible_command"_a, "mode"_a,
        "The command helpers' prepare: the job's resolved fields plus runner_mode, subprocess_timeout.");
  m.def("run_job", &run_job, "fields"_a, "mode"_a = "pexpect", "subprocess_timeout"_a.none() = nb::none(),
        "input_fd"_a.none() = nb::none(), "output_fd"_a.none() = nb::none(), "error_fd"_a.none() = nb::none(), "on_status"_a.none() = nb::none(),
        "on_event_json"_a.none() = nb::none(), "on_artifacts"_a.none() = nb::none(), "on_console"_a.none() = nb::none(),
        "should_cancel"_a.none() = nb::none(), "check_signals"_a = true, "Runs a prepared job to its end.");
  m.def("transmit", &transmit_job, "private_data_dir"_a, "kwargs"_a, "out_fd"_a, "out"_a.none() = nb::none(),
        "only_transmit_kwargs"_a = false, "Writes the job stream.");
  m.def("worker", &worker_job, "in_fd"_a, "pending"_a.none(), "reader"_a.none(), "watch_for_close"_a, "out_fd"_a, "out"_a.none(),
        "options"_a, "should_cancel"_a.none() = nb::none(), "check_signals"_a = true,
        "Runs the job of a job stream, writing the result stream.");
  m.def("stream_dir", &stream_dir, "source_dir"_a, "out_fd"_a, "out"_a.none() = nb::none());
  m.def("unstream_dir", &unstream_dir, "reader"_a.none(), "length"_a, "target_dir"_a);
  m.def("process", &process_job, "in_fd"_a, "pending"_a.none(), "reader"_a.none(), "watch_for_close"_a, "options"_a,
        "on_status"_a.none() = nb::none(), "on_event_json"_a.none() = nb::none(), "on_artifacts"_a.none() = nb::none(),
        "on_console"_a.none() = nb::none(), "Rebuilds the artifacts of a result stream, calling the handlers.");
}
