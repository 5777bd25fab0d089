"""Console and debug-log helpers shared by the package (the reference's output module).

Two loggers: 'ansible-runner.display' carries what the user should see (level 70, sent to
stdout once configure() ran); 'ansible-runner.debug' carries everything at level 10 and only
reaches a file when set_logfile() added one.
"""
import logging
import sys

DEBUG_ENABLED = False
TRACEBACK_ENABLED = True

_display_logger = logging.getLogger('ansible-runner.display')
_debug_logger = logging.getLogger('ansible-runner.debug')

_DISPLAY_LEVEL = 70
_DEBUG_LEVEL = 10


def display(msg, log_only=False):
    """Shows msg to the user (unless log_only) and always records it in the debug log."""
    if not log_only:
        _display_logger.log(_DISPLAY_LEVEL, msg)
    _debug_logger.log(_DEBUG_LEVEL, msg)


def debug(msg):
    """Shows msg only in debug mode; an exception also logs its traceback when enabled."""
    if not DEBUG_ENABLED:
        return
    if isinstance(msg, Exception) and TRACEBACK_ENABLED:
        _debug_logger.exception(msg)
    display(msg)


def _handler_names(logger):
    return {handler.get_name() for handler in logger.handlers}


def set_logfile(filename):
    """Appends the debug log to filename (once per process: later calls keep the first file)."""
    if 'logfile' in _handler_names(_debug_logger):
        return
    handler = logging.FileHandler(filename)
    handler.set_name('logfile')
    handler.setFormatter(logging.Formatter('%(asctime)s: %(message)s'))
    _debug_logger.addHandler(handler)


def _enable_flag(value):
    word = value.lower()
    if word not in ('enable', 'disable'):
        raise ValueError('value must be one of `enable` or `disable`, got %s' % value)
    return word == 'enable'


def set_debug(value):
    """'enable' or 'disable' (any case) debug output."""
    global DEBUG_ENABLED
    DEBUG_ENABLED = _enable_flag(value)


def set_traceback(value):
    """'enable' or 'disable' (any case) tracebacks of exceptions passed to debug()."""
    global TRACEBACK_ENABLED
    TRACEBACK_ENABLED = _enable_flag(value)


def configure():
    """Sends display messages to stdout; the root logger is silenced so nothing else leaks."""
    root = logging.getLogger()
    root.addHandler(logging.NullHandler())
    root.setLevel(99)

    _display_logger.setLevel(_DISPLAY_LEVEL)
    _debug_logger.setLevel(_DEBUG_LEVEL)

    if 'stdout' not in _handler_names(_display_logger):
        handler = logging.StreamHandler(sys.stdout)
        handler.set_name('stdout')
        handler.setFormatter(logging.Formatter('%(message)s'))
        _display_logger.addHandler(handler)
