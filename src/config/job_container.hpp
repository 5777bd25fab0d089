#pragma once
// Putting a prepared job into a container: the step run() and the command helpers share
// (docs/execution.md 9). Each container option is a kwarg that env/settings overrides.
#include <optional>
#include <string>
#include <vector>

#include <ansible_runner/json.hpp>

#include "config/container.hpp"
#include "config/job_config.hpp"
#include "config/settings.hpp"

namespace ansible_runner::config {

// The container kwargs of RunOptions and CommandOptions (the same names in both).
struct ContainerKwargs {
  std::optional<std::string> image;
  std::optional<std::string> workdir;
  std::optional<std::string> host_cwd;
  std::optional<std::vector<std::string>> volume_mounts;
  std::optional<std::vector<std::string>> options;
  std::optional<Json> auth_data;
};

template <class Options>
ContainerKwargs container_kwargs(const Options& o) {
  return {o.container_image, o.container_workdir, o.host_cwd, o.container_volume_mounts, o.container_options,
          o.container_auth_data};
}

// The spec of the job's container: its engine, name and dirs from `job`, the rest from the
// kwargs with env/settings winning; an unset or empty image is the reference's default.
ContainerSpec job_container_spec(const ContainerKwargs& kwargs, const Settings& settings, const JobConfig& job);

// Wraps job.command in the container and points the job at it: the working dir inside, the
// registry-auth files to remove afterwards, and the environment the engine is spawned with.
void put_job_in_container(const ContainerSpec& spec, JobConfig& job);

} // namespace ansible_runner::config
