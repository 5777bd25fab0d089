// RunResult's readers of the artifact dir: the reference's Runner properties.
#include <ansible_runner/runner.hpp>

#include <ansible_runner/errors.hpp>

#include "api/event_filters.hpp"
#include "artifacts/artifact_writer.hpp"
#include "util/fs.hpp"
#include "util/json_parse.hpp"
#include "util/python_json.hpp"

namespace ansible_runner {

namespace {

std::ifstream open_artifact(const std::string& path, const char* what) {
  if (!util::exists(path)) {
    throw Error(std::string(what) + " missing");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw Error("cannot read " + path);
  }
  return in;
}

std::string fact_cache_file(const RunResult& result, const std::string& host) {
  if (result.fact_cache_type != "jsonfile") {
    // The reference's text, two spaces included.
    throw Error("Unsupported fact cache type.  Only \"jsonfile\" is supported for reading and writing facts from "
                "ansible-runner");
  }
  std::string dir = result.fact_cache_dir ? *result.fact_cache_dir : util::path_join(result.artifact_dir, "fact_cache");
  return util::path_join(dir, host);
}

} // namespace

EventRange RunResult::events() const { return EventRange(util::path_join(artifact_dir, "job_events")); }

EventRange RunResult::host_events(const std::string& host) const {
  return EventRange(util::path_join(artifact_dir, "job_events"), api::host_filter(host));
}

std::optional<Json> RunResult::stats() const { return stats_of(events()); }

std::string RunResult::stdout_path() const { return util::path_join(artifact_dir, "stdout"); }
std::string RunResult::stderr_path() const { return util::path_join(artifact_dir, "stderr"); }
std::ifstream RunResult::open_stdout() const { return open_artifact(stdout_path(), "stdout"); }
std::ifstream RunResult::open_stderr() const { return open_artifact(stderr_path(), "stderr"); }

Json RunResult::get_fact_cache(const std::string& host) const {
  std::string path = fact_cache_file(*this, host);
  std::optional<std::string> text = util::read_file_if_exists(path);
  if (!text) {
    return Json::object();
  }
  Json facts = util::parse_python_json(*text);
  if (facts.is_discarded()) {
    throw Error("the fact cache " + path + " is not JSON");
  }
  return facts;
}

void RunResult::set_fact_cache(const std::string& host, const Json& data) const {
  artifacts::write_fact_cache_file(fact_cache_file(*this, host), data);
}

} // namespace ansible_runner
