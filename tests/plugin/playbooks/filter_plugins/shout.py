# Test filter: makes Ansible's Display say things from wherever the template is rendered
# (the main process for play names, a forked worker for task arguments).
from ansible.utils.display import Display

display = Display()


def shout(value, how='warning'):
    message = 'shout %s: %s' % (how, value)
    if how == 'deprecated':
        display.deprecated(message, version='9.9', collection_name='ansible.builtin')
    elif how == 'v':
        display.v(message, host='somewhere')
    else:
        getattr(display, how)(message)
    return value


class FilterModule(object):
    def filters(self):
        return {'shout': shout}
