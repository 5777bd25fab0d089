"""Ansible stdout callback plugin of ansible_runner (installed here by the build)."""
