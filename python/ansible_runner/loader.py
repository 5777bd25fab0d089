"""Reads the files of a private data dir (env/settings, env/passwords, env/ssh_key, ...).

Paths are taken relative to the private data dir. Structured files may be JSON or YAML; each
file is read at most once per loader (env files may be FIFOs that can be read only once).
PyYAML is optional: without it JSON files still load, and a file that needs YAML is an error.
"""
import codecs
import json
import os


def _yaml():
    """PyYAML, imported on first use (it costs more than this package's whole import); None
    when it is not installed (an optional dependency of this package)."""
    try:
        import yaml
    except ImportError:
        return None
    return yaml

from ansible_runner.exceptions import ConfigurationError
from ansible_runner.output import debug


class UnusableFileError(ConfigurationError):
    """A file that exists but cannot be used: unreadable, not UTF-8, or neither JSON nor YAML.
    A missing file raises plain ConfigurationError, so callers that carry on without an
    optional file can still stop on a broken one."""


# Marks "this text is not JSON" apart from the JSON value null.
_NOT_JSON = object()


def _wants_text(objtype):
    # Callers pass six.string_types, i.e. (str,), to get the raw text rather than parsed data.
    return objtype == (str,)


def _json_value(contents):
    try:
        return json.loads(contents)
    except ValueError:
        return _NOT_JSON


def _yaml_value(contents):
    """(value, None) when contents is YAML, else (None, the YAMLError)."""
    yaml = _yaml()
    try:
        return yaml.safe_load(contents), None
    except yaml.YAMLError as exc:
        return None, exc


def _yaml_error_text(exc):
    mark = getattr(exc, 'problem_mark', None)
    problem = getattr(exc, 'problem', None) or str(exc)
    if mark is not None:
        return 'line %d: %s' % (mark.line + 1, problem)
    return problem


class ArtifactLoader(object):
    """Loads files under base_path, parsed as JSON or YAML, and caches them by absolute path."""

    def __init__(self, base_path):
        self._cache = {}
        self.base_path = base_path

    def _load_json(self, contents):
        """The JSON value of contents, or None when it is not JSON."""
        value = _json_value(contents)
        return None if value is _NOT_JSON else value

    def _load_yaml(self, contents):
        """The YAML value of contents, or None when it is not YAML."""
        if _yaml() is None:
            raise ConfigurationError('reading YAML needs PyYAML, which is not installed')
        value, _ = _yaml_value(contents)
        return value

    def get_contents(self, path):
        """The text of path (UTF-8); ConfigurationError when it is missing or unreadable."""
        if not os.path.exists(path):
            raise ConfigurationError('specified path does not exist %s' % path)
        try:
            with codecs.open(path, encoding='utf-8') as handle:
                return handle.read()
        except UnicodeDecodeError as exc:
            # The reference lets this escape as a traceback; we name the file and line.
            line = 1
            if isinstance(exc.object, (bytes, bytearray)):
                line += exc.object[:exc.start].count(b'\n')
            raise UnusableFileError('%s: line %d: not valid UTF-8' % (path, line))
        except FileNotFoundError as exc:
            # Gone since the check above (or the check is mocked away): a missing file.
            raise ConfigurationError('error trying to load file contents: %s' % exc)
        except (IOError, OSError) as exc:
            raise UnusableFileError('error trying to load file contents: %s' % exc)

    def abspath(self, path):
        """path made absolute: relative paths are taken under base_path."""
        if path.startswith('~'):
            # The reference joins '~/x' under base_path (no expansion); we expand it, as the core does.
            return os.path.expanduser(path)
        if not path.startswith(os.path.sep):
            return os.path.expanduser(os.path.join(self.base_path, path))
        return path

    def isfile(self, path):
        """True when path (relative to base_path) is a regular file."""
        return os.path.isfile(self.abspath(path))

    def _parse(self, path, contents):
        # JSON first; a falsy JSON value ({}, 0, "") is read again as YAML, as the reference does.
        value = _json_value(contents)
        if value is not _NOT_JSON and value:
            return value
        if _yaml() is None:
            if value is not _NOT_JSON:
                return value
            raise UnusableFileError('%s: not JSON, and reading it as YAML needs PyYAML, '
                                    'which is not installed' % path)
        parsed, error = _yaml_value(contents)
        if error is None:
            return parsed
        if value is not _NOT_JSON:
            return None
        # The reference silently drops such a file; a dropped settings or passwords file changes the job.
        raise UnusableFileError('%s: neither valid JSON nor valid YAML: %s' % (path, _yaml_error_text(error)))

    def load_file(self, path, objtype=None, encoding='utf-8'):
        """The content of path, from the cache when it was loaded before.

        objtype (str,) (six.string_types) returns the raw text, encoded with `encoding` unless
        that is None; any other objtype parses JSON or YAML and requires an instance of it.
        Raises ConfigurationError when the file is missing, unreadable, unparsable or of the
        wrong type.
        """
        path = self.abspath(path)
        debug('file path is %s' % path)
        if path in self._cache:
            return self._cache[path]

        debug('cache miss, attempting to load file from disk: %s' % path)
        try:
            contents = self.get_contents(path)
        except ConfigurationError as exc:
            debug(exc)
            raise

        if _wants_text(objtype):
            data = contents
            if encoding:
                try:
                    data = contents.encode(encoding)
                except UnicodeEncodeError:
                    raise ConfigurationError('unable to encode file contents of %s as %s' % (path, encoding))
        else:
            data = self._parse(path, contents)
            if objtype and not isinstance(data, objtype):
                debug('specified file %s is not of type %s' % (path, objtype))
                raise ConfigurationError('invalid file serialization type for contents of %s: expected %s, got %s'
                                         % (path, getattr(objtype, '__name__', objtype), type(data).__name__))

        self._cache[path] = data
        return data
