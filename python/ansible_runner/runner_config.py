"""The legacy module name of RunnerConfig (the reference keeps it for older consumers)."""
from ansible_runner.config.runner import RunnerConfig, ExecutionMode  # noqa: F401
