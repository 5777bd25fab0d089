// run_command and the Ansible tool helpers: build the command line, prepare the job, run it
// in the chosen mode, read the answer back from the artifacts.
#include <ansible_runner/commands.hpp>

#include <ansible_runner/errors.hpp>

#include "api/helper_commands.hpp"
#include "api/job_description.hpp"
#include "api/job_runner.hpp"
#include "api/prepared_job.hpp"
#include "api/subprocess_runner.hpp"
#include "config/command_config.hpp"
#include "exec/pty_child.hpp"
#include "util/fs.hpp"
#include "util/json_parse.hpp"
#include "util/pypath.hpp"

namespace ansible_runner {

namespace {

// get_executable_path(): the absolute path found through our PATH; the bare name with
// process isolation (the container resolves it).
std::string ansible_executable(const std::string& name, const CommandOptions& options) {
  if (options.process_isolation) {
    return name;
  }
  auto path = exec::find_executable(name, {});
  if (!path) {
    throw ConfigurationError(name + " command not found");
  }
  return util::py_abspath(*path);
}

api::PreparedJob prepare(const CommandOptions& options, const config::CommandLine& command, RunnerMode mode) {
  config::CommandJob prepared = config::prepare_command_job(options, command, mode);
  api::PreparedJob job;
  job.description = api::describe_job(prepared.job);
  if (mode == RunnerMode::subprocess) {
    api::SubprocessOptions sub{prepared.subprocess_timeout, options.input_fd, options.output_fd, options.error_fd};
    job.run = [config = std::move(prepared.job), sub](const Handlers& handlers) {
      api::SubprocessRunner runner(config, sub, handlers);
      return runner.run();
    };
  } else {
    job.run = [config = std::move(prepared.job)](const Handlers& handlers) {
      api::JobRunner runner(config, handlers);
      return runner.run();
    };
  }
  return job;
}

// The reference reads the answer back from the artifact files, so suppress_output_file makes
// these functions raise.
std::string read_artifact(const std::string& path, const char* what) {
  std::optional<std::string> text = util::read_file_if_exists(path);
  if (!text) {
    throw Error(std::string(what) + " missing");
  }
  return *text;
}

CommandResponse respond(RunResult result, bool parse) {
  CommandResponse response;
  response.response = read_artifact(result.stdout_path(), "stdout");
  response.error = read_artifact(result.stderr_path(), "stderr");
  if (parse && !response.response.empty()) {
    response.json = parse_json_response(response.response);
  }
  response.rc = result.rc;
  response.runner = std::move(result);
  return response;
}

config::CommandLine tool_command(const std::string& tool, const std::vector<std::string>& args,
                                 const CommandOptions& options) {
  config::CommandLine command{{ansible_executable(tool, options)}, true};
  command.argv.insert(command.argv.end(), args.begin(), args.end());
  return command;
}

CommandResponse run_helper(const std::string& tool, std::vector<std::string> args, const CommandOptions& options,
                           const Handlers& handlers, bool parse) {
  api::PreparedJob job = prepare(options, tool_command(tool, args, options),
                                 options.runner_mode.value_or(RunnerMode::subprocess));
  return respond(job.run(handlers), parse);
}

api::PreparedJob prepare_run_command(const std::string& executable_cmd,
                                     const std::optional<std::vector<std::string>>& cmdline_args,
                                     const CommandOptions& options) {
  RunnerMode mode = api::run_command_mode(executable_cmd, cmdline_args, options);
  config::CommandLine command{{executable_cmd}, api::is_ansible_command(executable_cmd)};
  if (cmdline_args) {
    command.argv.insert(command.argv.end(), cmdline_args->begin(), cmdline_args->end());
  }
  return prepare(options, command, mode);
}

bool is_json(const std::optional<std::string>& format) { return format && *format == "json"; }

} // namespace

Json parse_json_response(const std::string& text) {
  auto brace = text.find('{');
  if (brace == std::string::npos) {
    throw Error("no JSON object in the command's output");
  }
  // Python's str.strip(): surrounding whitespace.
  std::string body = text.substr(brace);
  auto last = body.find_last_not_of(" \t\n\r\v\f");
  body.erase(last == std::string::npos ? 0 : last + 1);
  Json parsed = util::parse_python_json(body);
  if (parsed.is_discarded()) {
    throw Error("the command's output is not valid JSON after its first '{'");
  }
  return parsed;
}

CommandResponse run_command(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args,
                            const CommandOptions& options, const Handlers& handlers) {
  api::PreparedJob job = prepare_run_command(executable_cmd, cmdline_args, options);
  return respond(job.run(handlers), false);
}

RunHandle run_command_async(const std::string& executable_cmd,
                            const std::optional<std::vector<std::string>>& cmdline_args, const CommandOptions& options,
                            const Handlers& handlers) {
  return api::start_async(prepare_run_command(executable_cmd, cmdline_args, options), handlers);
}

CommandResponse get_plugin_docs(const PluginDocsRequest& request, const CommandOptions& options,
                                const Handlers& handlers) {
  return run_helper("ansible-doc", api::plugin_docs_args(request), options, handlers, is_json(request.response_format));
}

RunHandle get_plugin_docs_async(const PluginDocsRequest& request, const CommandOptions& options,
                                const Handlers& handlers) {
  std::vector<std::string> args = api::plugin_docs_args(request);
  return api::start_async(prepare(options, tool_command("ansible-doc", args, options),
                                  options.runner_mode.value_or(RunnerMode::subprocess)),
                          handlers);
}

CommandResponse get_plugin_list(const PluginListRequest& request, const CommandOptions& options,
                                const Handlers& handlers) {
  return run_helper("ansible-doc", api::plugin_list_args(request), options, handlers, is_json(request.response_format));
}

CommandResponse get_inventory(const InventoryRequest& request, const CommandOptions& options,
                              const Handlers& handlers) {
  return run_helper("ansible-inventory", api::inventory_args(request), options, handlers,
                    is_json(request.response_format));
}

CommandResponse get_ansible_config(const AnsibleConfigRequest& request, const CommandOptions& options,
                                   const Handlers& handlers) {
  return run_helper("ansible-config", api::ansible_config_args(request), options, handlers, false);
}

CommandResponse get_role_list(const RoleListRequest& request, const CommandOptions& options, const Handlers& handlers) {
  return run_helper("ansible-doc", api::role_list_args(request), options, handlers, true);
}

CommandResponse get_role_argspec(const RoleArgspecRequest& request, const CommandOptions& options,
                                 const Handlers& handlers) {
  return run_helper("ansible-doc", api::role_argspec_args(request), options, handlers, true);
}

} // namespace ansible_runner
