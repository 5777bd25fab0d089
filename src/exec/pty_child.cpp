#include "exec/pty_child.hpp"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

namespace ansible_runner::exec {
namespace {

bool is_executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

std::string not_found_message(const std::string& name) {
  return "The command was not found or was not executable: " + name + ".";
}

// execve's E2BIG: the reference reports it as "not found"; the real cause is more useful.
std::string too_long_message(const SpawnSpec& spec) {
  size_t longest = 0;
  size_t total = 0;
  for (const auto& text : {std::cref(spec.argv), std::cref(spec.env)}) {
    for (const auto& item : text.get()) {
      longest = std::max(longest, item.size() + 1);
      total += item.size() + 1;
    }
  }
  return "Cannot run " + spec.argv[0] + ": its arguments and environment are too long for the kernel (E2BIG: " +
         std::to_string(total) + " bytes in all, the longest " + std::to_string(longest) +
         " bytes, where Linux takes at most 131072 bytes per string). Large extravars reach Ansible through "
         "env/extravars unless suppress_env_files is set.";
}

// Runs in the child between fork and exec: async-signal-safe calls only.
[[noreturn]] void exec_child(pid_t parent, const char* slave_name, int gate_fd, int error_fd, const char* path,
                             char* const argv[], char* const envp[], const char* cwd, const winsize& size) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    signal(sig, SIG_DFL);
  }
  signal(SIGHUP, SIG_IGN);
  // The job must not outlive the runner: a worker killed by Receptor's SIGKILL would otherwise
  // leave ansible-playbook running on the node (it ignores SIGHUP, as under the reference).
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) {
    _exit(127); // the runner died before prctl took effect
  }
  setsid();
  // Nothing of the job runs before its group guard does: a runner SIGKILLed between this
  // exec and the guard's fork would otherwise leave whatever the job forked meanwhile.
  char go = 0;
  while (read(gate_fd, &go, 1) < 0 && errno == EINTR) {
  }
  if (go != 'g') {
    _exit(127); // the runner is gone (end of file)
  }
  close(gate_fd);
  int slave = open(slave_name, O_RDWR); // first tty opened by a session leader: controlling tty
  if (slave < 0) {
    int err = errno;
    (void)!write(error_fd, &err, sizeof err);
    _exit(127);
  }
  ioctl(slave, TIOCSCTTY, 0);
  termios tio{};
  if (tcgetattr(slave, &tio) == 0) {
    tio.c_lflag &= static_cast<tcflag_t>(~(ECHO | ECHOE | ECHOK | ECHONL));
    tcsetattr(slave, TCSANOW, &tio);
  }
  ioctl(slave, TIOCSWINSZ, &size);
  dup2(slave, 0);
  dup2(slave, 1);
  dup2(slave, 2);
  if (slave > 2) {
    close(slave);
  }
  if (cwd[0] != '\0' && chdir(cwd) != 0) {
    int err = errno;
    (void)!write(error_fd, &err, sizeof err);
    _exit(127);
  }
  execve(path, argv, envp);
  int err = errno;
  (void)!write(error_fd, &err, sizeof err);
  _exit(127);
}

} // namespace

std::optional<std::string> find_executable(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) {
    return is_executable_file(name) ? std::optional<std::string>(name) : std::nullopt;
  }
  std::string path_value;
  bool found_path = false;
  for (const auto& entry : env) {
    if (entry.starts_with("PATH=")) {
      path_value = entry.substr(5);
      found_path = true;
    }
  }
  if (!found_path) {
    const char* p = std::getenv("PATH");
    path_value = p ? p : "/usr/local/bin:/usr/bin:/bin";
  }
  size_t start = 0;
  while (start <= path_value.size()) {
    size_t end = path_value.find(':', start);
    if (end == std::string::npos) {
      end = path_value.size();
    }
    std::string dir = path_value.substr(start, end - start);
    std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    if (is_executable_file(candidate)) {
      return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

PtyChild PtyChild::spawn(const SpawnSpec& spec) {
  if (spec.argv.empty()) {
    throw SpawnError(not_found_message(""));
  }
  auto path = find_executable(spec.argv[0], spec.env);
  if (!path) {
    throw SpawnError(not_found_message(spec.argv[0]));
  }

  util::UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0) {
    throw SpawnError(std::string("cannot open a pseudo-terminal: ") + std::strerror(errno));
  }
  char slave_name[128];
  if (::ptsname_r(master.get(), slave_name, sizeof slave_name) != 0) {
    throw SpawnError(std::string("cannot name the pseudo-terminal: ") + std::strerror(errno));
  }
  winsize size{};
  size.ws_row = spec.rows;
  size.ws_col = spec.cols;
  ::ioctl(master.get(), TIOCSWINSZ, &size);

  // Everything exec needs is built before fork: the child may only make async-signal-safe calls.
  std::vector<char*> argv;
  for (const auto& a : spec.argv) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (const auto& e : spec.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
  }
  envp.push_back(nullptr);

  std::optional<util::Pipe> error_pipe = util::make_pipe(); // exec's errno, or end of file
  std::optional<util::Pipe> gate_pipe = util::make_pipe();  // the go-ahead once the guard runs
  if (!error_pipe || !gate_pipe) {
    throw SpawnError(std::string("cannot create a pipe: ") + std::strerror(errno));
  }
  util::UniqueFd error_read = std::move(error_pipe->read);
  util::UniqueFd error_write = std::move(error_pipe->write);
  util::UniqueFd gate_read = std::move(gate_pipe->read);
  util::UniqueFd gate_write = std::move(gate_pipe->write);

  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    throw SpawnError(std::string("cannot fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    exec_child(parent, slave_name, gate_read.get(), error_write.get(), path->c_str(), argv.data(), envp.data(),
               spec.cwd.c_str(), size);
  }
  error_write.reset();
  gate_read.reset();
  GroupGuard guard = GroupGuard::start(pid); // the child is its group's leader (setsid)
  (void)!::write(gate_write.get(), "g", 1);
  gate_write.reset();
  int child_errno = 0;
  long n = util::read_some(error_read.get(), reinterpret_cast<char*>(&child_errno), sizeof child_errno);
  if (n == static_cast<long>(sizeof child_errno)) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    throw SpawnError(child_errno == E2BIG ? too_long_message(spec) : not_found_message(spec.argv[0]));
  }

  PtyChild child;
  child.m_master = std::move(master);
  child.m_pid = pid;
  child.m_guard = std::move(guard);
  return child;
}

PtyChild::~PtyChild() {
  if (m_pid > 0 && !m_status) {
    // Never leave a job behind: a PtyChild dropped early (an exception) takes its group along.
    ::kill(-m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
  }
  m_guard.release();
}

std::optional<ExitStatus> PtyChild::try_wait() {
  if (!m_status) {
    m_status = reap(m_pid, false);
    if (m_status) {
      m_guard.release();
    }
  }
  return m_status;
}

ExitStatus PtyChild::wait() {
  if (!m_status) {
    m_status = reap(m_pid, true);
    m_guard.release();
  }
  return *m_status;
}

void PtyChild::kill_group(int sig) const {
  if (m_pid > 0 && !m_status) {
    ::kill(-m_pid, sig);
  }
}

} // namespace ansible_runner::exec
