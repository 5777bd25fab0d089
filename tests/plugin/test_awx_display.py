"""Our awx_display plugin must produce the events of the ansible-runner 2.3 plugin.

Each test runs Ansible twice under a pty (reference plugin, ours) and compares the
decoded events, their order and the text between frames (see harness.py). The extra
assertions make sure each case really exercises what it is named after.

Run: /usr/bin/python3 -m pytest tests/plugin
"""

import json
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

pytestmark = pytest.mark.skipif(
    not os.path.isdir(harness.REFERENCE_PLUGIN_DIR),
    reason='reference plugin (Debian python3-ansible-runner) not installed')


def check(args, env=None, adhoc=False, rc=0, **options):
    """Runs args with both plugins, fails on any difference; returns our items.

    The runs themselves are in check.last (a harness.Comparison).
    """
    if adhoc:
        env = dict(harness.ADHOC_ENV, **(env or {}))
    result = check.last = harness.compare(args, env=env, adhoc=adhoc, **options)
    problems = result.differences()
    if problems:
        pytest.fail('events differ from the reference:\n%s' % problems, pytrace=False)
    assert result.our_run.rc == rc, result.our_run.output
    return result.ours


def names(items):
    return harness.event_names(items)


def data_of(items, event):
    return [item[1]['event_data'] for item in harness.events_of(items, event)]


# ------------------------------------------------------------------ playbooks

def test_basic_ok_changed_skipped_and_frames():
    items = check(['basic.yml'])
    assert names(items)[:3] == ['playbook_on_start', 'playbook_on_play_start',
                                'playbook_on_task_start']
    assert {'runner_on_ok', 'runner_on_skipped', 'playbook_on_stats'} <= set(names(items))
    assert any('w\u00f6rld' in item[2] for item in items if item[0] == 'event')

    output = check.last.our_run.output
    matches = list(harness.FRAME_RE.finditer(output))
    assert all(m.group(2) is not None for m in matches), 'ours writes JSON frames only'
    frames = [harness.decode_frame(m) for m in matches]
    assert len(frames) == 30 and all(end == {} for end in frames[1::2])
    for event in frames[0::2]:
        keys = [k for k in event if k not in ('parent_uuid', 'verbosity')]
        assert keys == ['event', 'pid', 'uuid', 'created', 'event_data']
        assert event['event_data']['uuid'] == event['uuid']
        assert len(event['created']) == 26 and '+' not in event['created']
    # the JSON is json.dumps with its defaults: ", " / ": " and non-ASCII escaped
    payloads = [m.group(2) for m in matches[0::2]]
    assert all(p == json.dumps(json.loads(p)) for p in payloads)
    assert any('w\\u00f6rld' in p for p in payloads)


def test_failures_with_and_without_ignore_errors():
    items = check(['failures.yml'], rc=2)
    failed = data_of(items, 'runner_on_failed')
    assert [d['ignore_errors'] for d in failed] == [True, True, None]
    assert 'playbook_on_no_hosts_remaining' in names(items)


def test_failed_text_on_stderr():
    # the fatal text goes to stderr, so it is written before the event's begin frame
    items = check(['failures.yml'], env={'ANSIBLE_DISPLAY_FAILED_STDERR': 'True'}, rc=2)
    assert any(item[0] == 'text' and 'FAILED!' in item[1] for item in items)


def test_loops():
    items = check(['loops.yml'])
    assert {'runner_item_on_ok', 'runner_item_on_skipped',
            'runner_item_on_failed'} <= set(names(items))
    assert all(d['event_loop'] == 'items' for d in data_of(items, 'runner_on_ok')[:1])


def test_handlers_and_notify():
    items = check(['handlers.yml'])
    assert len(data_of(items, 'playbook_on_notify')) == 3
    assert any(d['is_conditional'] for d in data_of(items, 'playbook_on_task_start'))


def test_block_rescue_always():
    items = check(['blocks.yml'])
    assert data_of(items, 'playbook_on_stats')[0]['rescued'] == {'localhost': 1}


def test_includes_imports_and_roles():
    items = check(['includes.yml'])
    assert len(data_of(items, 'playbook_on_include')) == 3  # include_role makes none
    assert any(d.get('role') == 'greeter' for d in data_of(items, 'runner_on_ok'))
    assert names(items).count('playbook_on_start') == 1


def test_no_log_censoring():
    items = check(['nolog.yml'])
    dumped = json.dumps([item[1:] for item in items])
    assert 'the secret is 1234' not in dumped
    assert 'echo hidden' not in dumped and '"hidden"' not in dumped
    censored = [d['res'] for d in data_of(items, 'runner_item_on_ok') if 'censored' in d['res']]
    assert len(censored) == 1


def test_display_args_to_stdout():
    items = check(['nolog.yml'], env={'ANSIBLE_DISPLAY_ARGS_TO_STDOUT': 'True'})
    args = [d['task_args'] for d in data_of(items, 'playbook_on_task_start')]
    assert harness.Normaliser().text(
        "the output has been hidden due to the fact that 'no_log: true' was "
        "specified for this result") in args


def test_debug_lines_are_flagged_events_as_in_the_reference():
    # With ANSIBLE_DEBUG every Display.debug line (from the main process and, through it, from
    # the workers) is an event of its own named 'debug' with the flag in its event_data, and no
    # other event carries the flag. The text holds pids and times, so only the shape is compared.
    result = harness.compare(['basic.yml'], env={'ANSIBLE_DEBUG': '1'})

    def shape(items):
        events = [item[1] for item in items if item[0] == 'event']
        flagged = {e['event'] for e in events if e.get('event_data', {}).get('debug')}
        others = [e['event'] for e in events if e['event'] not in ('debug', 'verbose')]
        return flagged, others, sum(e['event'] == 'debug' for e in events) > 100

    assert shape(result.ours) == shape(result.reference)
    assert shape(result.ours)[0] == {'debug'} and shape(result.ours)[2]


def test_warnings_deprecations_and_display_methods():
    items = check(['warnings.yml'])
    found = set(names(items))
    assert {'warning', 'deprecated', 'error', 'playbook_on_no_hosts_matched'} <= found
    assert any(d.get('banner') for d in data_of(items, 'verbose'))
    # warnings printed inside a callback land before its begin frame (stderr)
    assert any(item[0] == 'text' and 'noisy module warns' in item[1] for item in items)


def test_vars_prompt():
    items = check(['prompt.yml'], responses=[('Say the secret word: ', 'abc\r'),
                                             ('Say something [nothing]: ', 'hey\r')])
    prompts = data_of(items, 'playbook_on_vars_prompt')
    assert [p['varname'] for p in prompts] == ['secret_word', 'visible_word']
    assert data_of(items, 'runner_on_ok')[0]['res']['msg'] == 'hey / 3'


def test_set_stats_artifact_data():
    items = check(['stats.yml'])
    assert data_of(items, 'playbook_on_stats')[0]['artifact_data'] == {
        'answer': 43, 'nested': {'a': [1, 2]}}


def touch(name):
    def action(artifact_dir):
        open(os.path.join(artifact_dir, name), 'w').close()
    return action


def test_async_and_retries():
    # the jobs finish once the first poll / retry has been seen, whatever the timing
    items = check(['async.yml'], responses=[
        ('ASYNC POLL on localhost', touch('polled')),
        ('FAILED - RETRYING: [localhost]: wait for it', touch('retried'))])
    assert {'runner_on_async_poll', 'runner_on_async_ok', 'runner_on_async_failed',
            'runner_retry'} <= set(names(items))
    assert names(items).count('runner_retry') == 3


def test_diff_mode():
    items = check(['diff.yml', '--diff'])
    assert len(data_of(items, "runner_on_file_diff")) == 3


def test_serial_repeats_uuids():
    items = check(['serial.yml'])
    starts = [item[1]['uuid'] for item in harness.events_of(items, 'playbook_on_play_start')]
    assert len(starts) == 2 and starts[1] == starts[0] + '_2'


def test_free_strategy_repeats_task_uuids():
    items = check(['free.yml'])
    starts = [item[1]['uuid'] for item in harness.events_of(items, 'playbook_on_task_start')]
    assert any(uuid.endswith('_2') for uuid in starts)


def test_gather_facts_drops_ansible_env():
    items = check(['facts.yml'])
    facts = [d['res']['ansible_facts'] for d in data_of(items, 'runner_on_ok')]
    assert len(facts) == 2 and not any('ansible_env' in f for f in facts)
    assert 'ansible_python' in facts[0]


def test_vault_and_unsafe_values():
    items = check(['vault.yml', '--vault-password-file', 'vault-password.txt'])
    results = [d['res'] for d in data_of(items, 'runner_on_ok')]
    assert results[0]['ansible_facts']['copied']['__ansible_vault'].startswith('$ANSIBLE_VAULT')
    assert results[1]['msg'] == '{{ not templated }}'


def test_unreachable_host():
    items = check(['unreachable.yml'], rc=4)
    assert data_of(items, 'runner_on_unreachable')[0]['host'] == 'dead'


def test_max_event_res():
    items = check(['big.yml'], env={'MAX_EVENT_RES': '1000'})
    assert [d['res'] for d in data_of(items, 'runner_on_ok')] == [{}, {}]


# ------------------------------------------------------------------ event data filters and ids

def test_omit_event_data():
    items = check(['loops.yml'], env={'RUNNER_OMIT_EVENTS': 'True'})
    assert all(item[1]['event_data'] == {} for item in items if item[0] == 'event')
    assert all('parent_uuid' in item[1] for item in harness.events_of(items, 'runner_on_ok'))


def test_only_failed_event_data_keeps_the_item_typo():
    items = check(['loops.yml'], env={'RUNNER_ONLY_FAILED_EVENTS': 'True'})
    assert data_of(items, 'runner_on_failed')[0]['ignore_errors'] is True
    # runner_item_on_failed is not in the list (the list says runner_on_item_failed)
    assert data_of(items, 'runner_item_on_failed') == [{}]
    assert all(d == {} for d in data_of(items, 'runner_on_ok'))


def test_job_ids():
    env = {'JOB_ID': '7', 'PROJECT_UPDATE_ID': '3'}
    items = check(['stats.yml'], env=env)
    first = [item[1] for item in items if item[0] == 'event'][0]
    assert list(first)[:4] == ['event', 'job_id', 'project_update_id', 'pid']


def test_ad_hoc_id_on_a_playbook():
    # AD_HOC_COMMAND_ID switches the plugin to ad-hoc mode: minimal text, no start events
    items = check(['basic.yml'], env={'AD_HOC_COMMAND_ID': '5', 'JOB_ID': '1'})
    assert 'playbook_on_play_start' not in names(items)
    first = [item[1] for item in items if item[0] == 'event'][0]
    assert list(first)[:3] == ['event', 'job_id', 'ad_hoc_command_id']


def test_original_stdout_callback():
    items = check(['loops.yml'], env={'ORIGINAL_STDOUT_CALLBACK': 'minimal'})
    assert any('| SUCCESS =>' in item[2] for item in items if item[0] == 'event')


def test_default_callback_options():
    # hidden ok/skipped results: the task banner is printed late, inside a result event
    items = check(['basic.yml'], env={'ANSIBLE_DISPLAY_OK_HOSTS': 'False',
                                      'ANSIBLE_DISPLAY_SKIPPED_HOSTS': 'False'})
    changed = [item[2] for item in harness.events_of(items, 'runner_on_ok') if item[2]]
    assert len(changed) == 1 and 'TASK [change something]' in changed[0]


# ------------------------------------------------------------------ ad-hoc

@pytest.mark.parametrize('args,rc', [
    (['localhost', '-m', 'ping'], 0),
    (['localhost', '-m', 'command', '-a', 'false'], 2),
    (['pair', '-m', 'debug', '-a', 'msg=hi', '-v'], 0),
    (['dead', '-m', 'ping'], 4),
], ids=['ping', 'failed', 'two-hosts-verbose', 'unreachable'])
def test_ad_hoc(args, rc):
    items = check(args, adhoc=True, rc=rc)
    assert names(items)[0] == 'playbook_on_start'
    assert all(item[1].get('ad_hoc_command_id') == 1 for item in items if item[0] == 'event')
    assert data_of(items, 'playbook_on_start')[0]['playbook'] == '__adhoc_playbook__'


# ------------------------------------------------------------------ our transport

def test_works_without_isolated_data_dir():
    # the reference crashes without AWX_ISOLATED_DATA_DIR; ours does not need it
    items = check(['basic.yml'], our_env={'AWX_ISOLATED_DATA_DIR': None})
    assert names(items)[-1] == 'playbook_on_stats'


@pytest.mark.parametrize('options', [
    {},
    {'env': {'PYTHONUNBUFFERED': '1'}},
    {'terminal': False},
], ids=['terminal', 'unbuffered-python', 'pipes'])
def test_stderr_text_and_big_frames(options):
    # Text on stderr (warnings, from the main process and from workers) lands before,
    # inside or outside events depending on how Python buffers stdout: line-buffered
    # on a terminal, unbuffered with PYTHONUNBUFFERED, block-buffered on the pipes of
    # the runner's subprocess mode (where stderr is a stream of its own).
    items = check(['stress.yml', '-vvv'], **options)
    assert any(len(str(d['res'].get('msg'))) == 30000 for d in data_of(items, 'runner_on_ok'))
    verbose = harness.events_of(items, 'verbose')
    assert {2, 3} <= {item[1].get('verbosity') for item in verbose}
    pids = {item[1]['pid'] for item in items if item[0] == 'event'}
    assert len(pids) > 1, 'no events from forked workers'
