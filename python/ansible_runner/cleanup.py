"""`ansible-runner worker cleanup`: removes the private data dirs of finished jobs, their
registry credential dirs, and container images.

Everything is reported with print() (AWX captures run_cleanup's output by redirecting
sys.stdout).
"""
import argparse
import glob
import os
import subprocess
import sys
import time
from pathlib import Path
from tempfile import gettempdir

from ansible_runner.defaults import GRACE_PERIOD_DEFAULT
from ansible_runner.defaults import registry_auth_prefix
from ansible_runner.utils import cleanup_folder

__all__ = ['add_cleanup_args', 'run_cleanup']

# Directories a pattern must never match (checked as given and resolved).
_SYSTEM_DIRS = ('/', '/bin', '/dev', '/home', '/lib', '/mnt', '/proc', '/run', '/sys', '/usr',
                '/boot', '/etc', '/opt', '/sbin', '/var')


def add_cleanup_args(command):
    """Adds the `cleanup` options to the argparse (sub)parser command."""
    # The help texts are the reference's CLI output, kept word for word.
    command.add_argument(
        '--file-pattern',
        help='A file glob pattern to find private_data_dir folders to remove. '
             'Example: --file-pattern=/tmp/.ansible-runner-*'
    )
    command.add_argument(
        '--exclude-strings',
        nargs='*',
        help='A comma separated list of keywords in directory name or path to avoid deleting.'
    )
    command.add_argument(
        '--remove-images',
        nargs='*',
        help='A comma separated list of podman or docker tags to delete. '
             'This may not remove the corresponding layers, use the image-prune option to assure full deletion. '
             'Example: --remove-images=quay.io/user/image:devel quay.io/user/builder:latest'
    )
    command.add_argument(
        '--grace-period',
        default=GRACE_PERIOD_DEFAULT,
        type=_grace_minutes,
        help='Time (in minutes) after last modification to exclude a folder from deletion for. '
             'This is to avoid deleting folders that were recently created, or folders not started via the start command. '
             'Value of 0 indicates that no folders will be excluded based on modified time.'
    )
    command.add_argument(
        '--image-prune',
        action='store_true',
        help='If specified, will run docker / podman image prune --force. '
             'This will only run after untagging.'
    )
    command.add_argument(
        '--process-isolation-executable',
        default='podman',
        help='The container image to clean up images for (default=podman)'
    )


def run_command(cmd):
    """Runs cmd (a list) and returns its stripped stdout; prints the command and its output and
    raises RuntimeError when it fails."""
    process = subprocess.run(cmd, capture_output=True)
    stdout = process.stdout.decode('utf-8', errors='replace')
    if process.returncode != 0:
        print('Error running command:')
        print(' '.join(cmd))
        print('Stdout:')
        print(stdout)
        raise RuntimeError('Error running command')
    return stdout.strip()


def is_alive(dir):
    """True when <dir>/pid names a process that exists (the job is still running)."""
    # The reference's test is inverted (a live pid counts as dead) and it crashes on a pid
    # file without a number; here no usable pid means nothing known to be running.
    try:
        with open(os.path.join(dir, 'pid')) as handle:
            pid = int(handle.readline())
    except (OSError, ValueError):
        return False
    if pid <= 0:
        return False  # 0 and negative pids would address process groups
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    except OSError:
        return False
    return True


def project_idents(dir):
    """The idents that dir (a private data dir) holds artifacts for."""
    try:
        return os.listdir(os.path.join(dir, 'artifacts'))
    except (FileNotFoundError, NotADirectoryError):
        return []


def delete_associated_folders(dir):
    """Removes the registry credential dirs of the jobs that ran in dir (a finished job's
    private data dir)."""
    for ident in project_idents(dir):
        for auth_dir in glob.glob(f'{gettempdir()}/{registry_auth_prefix}{ident}_*'):
            if cleanup_folder(auth_dir):
                print(f'Removed associated registry auth dir {auth_dir}')


def validate_pattern(pattern):
    """Raises RuntimeError when pattern matches a system directory (the guard against
    deleting /, /usr, the temp dir itself, ...)."""
    paths = _SYSTEM_DIRS + (gettempdir(),)
    prohibited = {Path(p) for p in paths} | {Path(p).resolve() for p in paths}
    bad = [match for match in glob.glob(pattern) if Path(match).resolve() in prohibited]
    if bad:
        raise RuntimeError(
            'Provided pattern could result in deleting system folders:\n'
            f'{" ".join(bad)}\n'
            'Refusing to continue for user system safety.'
        )


def _grace_minutes(text):
    """--grace-period: whole minutes, 0 or more (a negative one would spare nothing)."""
    minutes = int(text)
    if minutes < 0:
        raise argparse.ArgumentTypeError('must be 0 or more minutes, got {0}'.format(minutes))
    return minutes


def _recently_modified(path, grace_period, now):
    """True when path changed less than grace_period minutes before now, or vanished."""
    try:
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        return True  # gone meanwhile: nothing to do (the reference crashes)
    return mtime > now - grace_period * 60


def cleanup_dirs(pattern, exclude_strings=(), grace_period=GRACE_PERIOD_DEFAULT):
    """Removes the dirs matching pattern except those containing one of exclude_strings,
    modified within grace_period minutes, or of a running job; returns how many it removed.
    Exits (SystemExit with the message) when pattern matches a system directory."""
    if grace_period and grace_period < 0:
        raise ValueError('grace_period must be 0 or more minutes, got {0!r}'.format(grace_period))
    try:
        validate_pattern(pattern)
    except RuntimeError as exc:
        sys.exit(str(exc))
    removed = 0
    now = time.time()
    for dir in glob.glob(pattern):
        if any(str(word) in dir for word in exclude_strings):
            continue
        if grace_period and _recently_modified(dir, grace_period, now):
            continue
        if is_alive(dir):
            print(f'Excluding running project {dir} from cleanup')
            continue
        delete_associated_folders(dir)
        if cleanup_folder(dir):
            removed += 1
    return removed


def cleanup_images(images, runtime='podman'):
    """Removes every tag matching each of images; returns how many were untagged. (Docker only
    untags; podman also removes the layers no other tag uses.)"""
    untagged = 0
    for image in images:
        listing = run_command([runtime, 'images', '--format="{{.Repository}}:{{.Tag}}"', image])
        if not listing:
            continue
        for tag in listing.split('\n'):
            output = run_command([runtime, 'rmi', tag.strip().strip('"'), '-f'])
            untagged += output.count('Untagged:')
    return untagged


def prune_images(runtime='podman'):
    """Prunes dangling images; True when the engine reports that something was reclaimed."""
    output = run_command([runtime, 'image', 'prune', '-f'])
    return bool(output) and output != 'Total reclaimed space: 0B'


def run_cleanup(vargs):
    """The `worker cleanup` command for parsed arguments vargs (a dict)."""
    file_pattern = vargs.get('file_pattern')
    exclude_strings = vargs.get('exclude_strings') or []
    remove_images = vargs.get('remove_images') or []
    runtime = vargs.get('process_isolation_executable') or 'podman'  # the CLI's default
    dir_count = image_count = 0
    pruned = False

    if file_pattern:
        dir_count = cleanup_dirs(file_pattern, exclude_strings=exclude_strings,
                                 grace_period=vargs.get('grace_period'))
        if dir_count:
            print(f'Removed {dir_count} private data dir(s) in pattern {file_pattern}')

    if remove_images:
        image_count = cleanup_images(remove_images, runtime=runtime)
        if image_count:
            print(f'Removed {image_count} image(s)')

    if vargs.get('image_prune'):
        pruned = prune_images(runtime=runtime)
        if pruned:
            print('Pruned images')

    print(f'(changed: {bool(dir_count or image_count or pruned)})')
