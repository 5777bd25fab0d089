// transmit -> worker -> process in one process, through in-memory streams: the job stream and
// the result stream are std::stringstreams instead of a network link.
//
//   stream_pipeline <private data dir> <playbook>
// The worker runs the job in a temp dir; process rebuilds the artifacts in
// <private data dir>/artifacts/<ident>.
#include <cstdio>
#include <exception>
#include <sstream>

#include <ansible_runner/ansible_runner.hpp>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s PRIVATE_DATA_DIR PLAYBOOK\n", argv[0]);
    return 2;
  }
  try {
    // 1. transmit: the job's kwargs and its private data dir as a zip, into a buffer.
    ansible_runner::Json kwargs = {{"playbook", argv[2]}, {"ident", "pipeline"}};
    std::stringstream job_stream;
    ansible_runner::transmit(argv[1], kwargs, job_stream);
    std::printf("job stream: %zu bytes\n", job_stream.str().size());

    // 2. worker: runs the job, writes statuses, events and the artifacts zip.
    std::stringstream result_stream;
    ansible_runner::WorkerOptions worker_options;
    ansible_runner::RunResult remote = ansible_runner::worker(job_stream, result_stream, worker_options);
    std::printf("worker: status %s, result stream: %zu bytes\n", remote.status.c_str(), result_stream.str().size());

    // 3. process: reads the result stream back into local artifacts and calls the handlers.
    int events = 0;
    ansible_runner::Handlers handlers;
    handlers.on_event = [&events](const ansible_runner::Json&) {
      ++events;
      return true;
    };
    ansible_runner::ProcessOptions process_options;
    process_options.private_data_dir = argv[1];
    process_options.ident = "pipeline";
    process_options.quiet = true;
    ansible_runner::RunResult local = ansible_runner::process(result_stream, process_options, handlers);
    std::printf("process: status %s, rc %s, %d events, artifacts in %s\n", local.status.c_str(),
                local.rc ? std::to_string(*local.rc).c_str() : "None", events, local.artifact_dir.c_str());
    return local.status == "successful" ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}
