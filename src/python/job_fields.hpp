#pragma once
// A prepared job's configuration from a JSON mapping: the Python configs keep these fields
// as attributes (the reference's consumers and tests read and set rc.command, rc.env, rc.cwd,
// rc.job_timeout, ...), and Runner.run() hands them to the native runner; and a result back.
#include <ansible_runner/json.hpp>
#include <ansible_runner/runner.hpp>

#include "config/job_config.hpp"

namespace ansible_runner::python {

// Missing keys keep JobConfig's defaults; nulls mean "unset". Throws ConfigurationError
// naming a field of the wrong type.
config::JobConfig job_from_json(const Json& fields);

// status, rc, canceled, timed_out, errored, ident, artifact_dir, command, cwd, env, ...
Json result_to_json(const RunResult& result);

} // namespace ansible_runner::python
