"""The reference the differential tests compare against, named in one place: Ansible Runner
2.3.1's command, Debian's /usr/bin/ansible-runner unless AR_REFERENCE names another."""
import os

REFERENCE = os.environ.get("AR_REFERENCE", "/usr/bin/ansible-runner")
MISSING = "the reference ansible-runner is not installed"
