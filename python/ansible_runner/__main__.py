"""`python -m ansible_runner` and ansible_runner.__main__.main(argv): our CLI. The CLI is the
native `ansible-runner` executable installed with this package; main() runs it with the
given arguments and this interpreter's standard streams and returns (or exits with) its code,
as the reference's main() does."""
import os
import subprocess
import sys
import sysconfig

from ansible_runner import _native  # noqa: F401  (the package must be importable first)


def _is_ours(path):
    """Our executable is native; a Python script of that name is another ansible-runner."""
    try:
        with open(path, 'rb') as f:
            return os.access(path, os.X_OK) and f.read(4) == b'\x7fELF'
    except OSError:
        return False


def _executable():
    """Our executable: installed with this package (the interpreter's scripts dir), else the
    first on PATH."""
    candidates = [os.path.join(sysconfig.get_path('scripts'), 'ansible-runner'),
                  os.path.join(os.path.dirname(sys.executable), 'ansible-runner')]
    candidates += [os.path.join(d, 'ansible-runner') for d in os.environ.get('PATH', '').split(os.pathsep) if d]
    return next((path for path in candidates if _is_ours(path)), None)


def main(sys_args=None):
    """Runs the CLI with `sys_args` (default sys.argv[1:]). Like the reference's main(), it
    returns the exit code, and raises SystemExit where argparse would (usage errors, --help,
    --version)."""
    args = list(sys.argv[1:] if sys_args is None else sys_args)
    executable = _executable()
    if executable is None:
        print('ansible-runner executable not found', file=sys.stderr)
        sys.exit(1)
    try:
        sys.stdout.flush()
        stdout_fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        stdout_fd = None  # a captured stream (pytest's capsys, redirect_stdout): pass the text on
    proc = subprocess.run([executable] + args,
                          stdout=subprocess.PIPE if stdout_fd is None else stdout_fd,
                          stderr=subprocess.PIPE)
    if proc.stdout:
        sys.stdout.write(proc.stdout.decode('utf-8', 'replace'))
    error_text = proc.stderr.decode('utf-8', 'replace')
    if error_text:
        sys.stderr.write(error_text)
    # argparse exits (help, version, usage errors); a job's own rc is returned.
    shown = (proc.stdout or b'').lstrip().startswith(b'usage:') or 'usage:' in error_text
    if any(arg in ('-h', '--help', '--version') for arg in args) or not args or shown:
        sys.exit(proc.returncode)
    return proc.returncode


if __name__ == '__main__':
    sys.exit(main())
