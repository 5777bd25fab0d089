"""Parts of our awx_display plugin that are faster forms of a standard call, checked against
that call: the event uuids (uuid.uuid4) and the event JSON (json.dumps with EventEncoder).
test_awx_display.py compares whole runs with the 2.3 plugin; these pin the edge cases a run
does not reach (fork, refills, circular data, unusual keys).

Run: /usr/bin/python3 -m pytest tests/plugin
"""

import datetime
import importlib.util
import json
import os
import uuid

import pytest

PLUGIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'share', 'ansible-runner',
                      'callback', 'awx_display.py')


@pytest.fixture(scope='module')
def plugin():
    pytest.importorskip('ansible')
    spec = importlib.util.spec_from_file_location('awx_display_parts', PLUGIN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_event_uuids_are_version_4_and_distinct_over_many_refills(plugin):
    ids = [plugin.event_context.new_uuid() for _ in range(3000)]  # about 12 refills
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
    assert len(set(ids)) == len(ids)


def test_a_forked_child_neither_repeats_the_parents_uuids_nor_names_its_pid(plugin):
    context = plugin.event_context
    context.new_uuid()  # the pool now holds unused uuids that the child inherits
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        report = {'pid': context.pid, 'uuids': [context.new_uuid() for _ in range(100)]}
        os.write(write_end, json.dumps(report).encode())
        os._exit(0)
    os.close(write_end)
    parent_ids = [context.new_uuid() for _ in range(100)]
    with os.fdopen(read_end, 'rb') as pipe:
        report = json.loads(pipe.read())
    os.waitpid(child, 0)
    assert report['pid'] == child
    assert context.pid == os.getpid()
    assert not set(parent_ids) & set(report['uuids'])


class VaultLike(object):
    yaml_tag = '!vault'
    _ciphertext = b'$ANSIBLE_VAULT;1.1;AES256\n6162'


@pytest.mark.parametrize('value', [
    {'text': 'caf\u00e9 \u2603 \U0001f600 "quoted" \\ \x1b[K', 'n': [1, -2.5, 1e300, None, True, False]},
    {1: 'int key', 2.5: 'float key', None: 'null key', True: 'bool key'},
    {'vault': VaultLike(), 'date': datetime.date(2026, 12, 7),
     'at': datetime.datetime(2026, 12, 7, 1, 2, 3, 4)},
    {'not finite': [float('nan'), float('inf'), -float('inf')]},
    {'nested': [[{'a': ({'b': ()},)}]], 'empty': {}},
])
def test_event_json_is_what_json_dumps_with_the_event_encoder_gives(plugin, value):
    assert plugin.event_json(value) == json.dumps(value, cls=plugin.EventEncoder)


def test_event_json_refuses_what_json_dumps_refuses(plugin):
    circular = {'a': []}
    circular['a'].append(circular)
    with pytest.raises(ValueError, match='Circular reference'):
        plugin.event_json(circular)
    with pytest.raises(TypeError):
        plugin.event_json({'object': object()})
    with pytest.raises(TypeError):
        plugin.event_json({('tuple', 'key'): 1})
    # a failed call leaves nothing behind for the next one
    assert plugin.event_json({'a': [1]}) == '{"a": [1]}'


TASK = {'task': 'debug', 'task_uuid': 't-1', 'task_action': 'debug', 'resolved_action': 'ansible.builtin.debug',
        'task_args': '', 'task_path': '/p/loop.yml:4'}
RES = {'msg': 'item 1', 'item': 1, 'event_data': {'"event_data": {': '"event_data": {'}, 'changed': False}


@pytest.fixture
def context(plugin):
    """The plugin's context inside a playbook and play, as a job's results find it."""
    context = plugin.event_context
    context.put(process_wide=True, playbook='loop.yml', playbook_uuid='pb-1', play='all', play_uuid='p-1',
                play_pattern='all')
    context.set_task(dict(TASK))
    yield context
    context.drop(('playbook', 'playbook_uuid', 'play', 'play_uuid', 'play_pattern') + plugin.TASK_CONTEXT_KEYS,
                 process_wide=True)
    context._thread.layer = {}


def event_text_both_ways(plugin, context, values, task_values):
    """The event's JSON from event_text (the process-wide members reused) and from
    event_json(build_event()) with the task in the thread's layer, as the 2.3 merge gives it."""
    fixed = dict(values, created='2026-12-07T01:02:03.000004', pid=7)
    with context.lock:
        outer = context.begin_event(fixed, task_values)
        try:
            fast = context.event_text()
            context._thread.layer = dict(fixed, **(task_values or {}))
            whole = plugin.event_json(context.build_event())
        finally:
            context.end_event(outer, fixed, task_values is not None)
    return fast, whole


@pytest.mark.parametrize('values, task_values', [
    ({'event': 'runner_item_on_ok', 'uuid': 'e-1', 'host': 'h', 'res': RES}, TASK),  # the task of the moment
    ({'event': 'runner_on_ok', 'uuid': 'e-2', 'res': RES}, dict(TASK, task='other')),  # another task
    ({'event': 'runner_on_ok', 'uuid': 'e-3', 'play': 'not the play'}, TASK),  # a key of the process-wide layer
    ({'uuid': 'e-4', 'warning': True, 'verbosity': 3}, None),  # a display event: no name, no task
    ({'event': 'playbook_on_stats', 'uuid': 'e-5', 'changed': {}}, None),
    ({'event': 'runner_on_ok', 'uuid': 'e-6', 'parent_uuid': {'event_data': {'a': 1}}}, TASK),  # odd header values
])
def test_event_text_is_the_json_of_the_merged_event(plugin, context, values, task_values):
    fast, whole = event_text_both_ways(plugin, context, values, task_values)
    assert fast == whole
    assert json.loads(fast)['event_data']['uuid'] == values['uuid']


def test_event_text_follows_each_change_of_the_process_wide_layer(plugin, context):
    values = {'event': 'runner_on_ok', 'uuid': 'e-1', 'host': 'h'}
    first, _ = event_text_both_ways(plugin, context, values, TASK)
    context.set_task(dict(TASK, task='next', task_uuid='t-2'))
    second, whole = event_text_both_ways(plugin, context, values, dict(TASK, task='next', task_uuid='t-2'))
    assert second == whole
    assert json.loads(first)['event_data']['task'] == 'debug'
    assert json.loads(second)['event_data']['task'] == 'next'
    context.drop(['play', 'play_uuid', 'play_pattern'], process_wide=True)
    third, whole = event_text_both_ways(plugin, context, values, dict(TASK, task='next', task_uuid='t-2'))
    assert third == whole and 'play' not in json.loads(third)['event_data']
