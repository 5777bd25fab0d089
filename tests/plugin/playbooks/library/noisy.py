#!/usr/bin/python
from ansible.module_utils.basic import AnsibleModule


def main():
    module = AnsibleModule(argument_spec=dict(text=dict(type='str', default='x'), fail=dict(type='bool', default=False)))
    module.warn('noisy module warns about %s' % module.params['text'])
    module.deprecate('noisy module option is going away', version='9.9',
                     collection_name='ansible.builtin')
    if module.params['fail']:
        module.fail_json(msg='noisy module failed', text=module.params['text'])
    module.exit_json(changed=False, text=module.params['text'])


if __name__ == '__main__':
    main()
