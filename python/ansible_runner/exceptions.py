"""Exceptions raised by ansible_runner (the same classes and hierarchy as the reference)."""


class AnsibleRunnerException(Exception):
    """Base class of every error this package raises on purpose."""


class ConfigurationError(AnsibleRunnerException):
    """A job's settings, files or arguments cannot be used as given."""


class CallbackError(AnsibleRunnerException):
    """An error raised inside a user-supplied callback."""
