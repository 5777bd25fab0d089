#pragma once
// SIGINT/SIGTERM as a cancel request (docs/execution.md 5): the reference's CLI installs handlers
// that set a flag which its run loop reads as "cancel". Ours does the same; run() and worker()
// poll cancel_requested() through Handlers::should_cancel.
namespace ansible_runner::cli {

// Installs SIGINT and SIGTERM handlers that only set the flag (async-signal-safe).
void install_cancel_handlers();

// True once SIGINT or SIGTERM was received.
bool cancel_requested();

} // namespace ansible_runner::cli
