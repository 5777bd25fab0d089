#include "config/job_container.hpp"

#include "config/environment.hpp"
#include "util/pypath.hpp"

namespace ansible_runner::config {
namespace {

constexpr const char* k_default_container_image = "quay.io/ansible/ansible-runner:devel"; // 2.3.1

} // namespace

ContainerSpec job_container_spec(const ContainerKwargs& kwargs, const Settings& settings, const JobConfig& job) {
  ContainerSpec spec;
  spec.executable = job.process_isolation_executable.value(); // set for every containerized job
  spec.private_data_dir = job.private_data_dir;
  spec.artifact_dir = job.artifact_dir;
  spec.ident = job.ident;
  spec.container_name = job.container_name.value();
  spec.image = settings.string("container_image", kwargs.image).value_or(k_default_container_image);
  if (spec.image.empty()) {
    spec.image = k_default_container_image;
  }
  spec.container_workdir = kwargs.workdir;
  if (kwargs.host_cwd && !kwargs.host_cwd->empty()) {
    spec.host_cwd = util::py_abspath(*kwargs.host_cwd);
  }
  spec.volume_mounts =
      settings.string_list("container_volume_mounts", kwargs.volume_mounts).value_or(std::vector<std::string>{});
  spec.options = settings.string_list("container_options", kwargs.options).value_or(std::vector<std::string>{});
  spec.auth_data = settings.value("container_auth_data", kwargs.auth_data);
  return spec;
}

void put_job_in_container(const ContainerSpec& spec, JobConfig& job) {
  Container container = wrap_for_container(spec, job.command);
  job.command = std::move(container.command);
  job.cwd = container.workdir;
  if (container.registry_auth_dir) {
    job.cleanup_paths.push_back(*container.registry_auth_dir);
  }
  if (container.registries_conf) {
    job.env["CONTAINERS_REGISTRIES_CONF"] = *container.registries_conf; // podman >= 3.1
    job.env["REGISTRIES_CONFIG_PATH"] = *container.registries_conf;     // podman < 3.1
  }
  set_container_spawn(job);
}

} // namespace ansible_runner::config
