"""Job configurations: RunnerConfig for run(), and the command helpers' configs."""
