# A filter for raw_output.yml: writes its argument straight to fd 1 (the pty), outside any
# event frame, as stray output of an Ansible worker would be.
import os
import time


def rawout(value, text):
    # The task's runner_on_start frame is written by Ansible's main process while this worker
    # runs on: waiting a little puts the raw text after it in both runners (a loaded CI machine
    # once wrote it first in one of them).
    time.sleep(0.5)
    os.write(1, text.encode())  # straight to the pty, outside any frame
    return value


class FilterModule(object):
    def filters(self):
        return {'rawout': rawout}
