# A filter for raw_output.yml: writes its argument straight to fd 1 (the pty), outside any
# event frame, as stray output of an Ansible worker would be.
import os


def rawout(value, text):
    os.write(1, text.encode())  # straight to the pty, outside any frame
    return value


class FilterModule(object):
    def filters(self):
        return {'rawout': rawout}
