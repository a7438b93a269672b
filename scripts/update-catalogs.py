#!/usr/bin/env python3
"""Rewrites knowledge/attack.yaml and knowledge/fields.yaml: the subsets of ATT&CK Enterprise and of Falco's field
list that Falconer uses (Falco rule tags and conditions, playbooks, and the fields the engine reads).

Run from the repository root with ../shared present. It only writes facts (ids, names, tactics, platforms; field
names, sources, types); tests check every entry against ../shared again.
"""
import glob, os, re, sys
import yaml

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared')
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')

# Fields the engine itself reads (AlertContext, Target, Analyzer, JoinKeys, Fingerprint, ExceptionBuilder).
ENGINE_FIELDS = """proc.name proc.pid proc.ppid proc.exepath proc.exe proc.cmdline proc.cwd proc.pname proc.pcmdline
proc.pexepath proc.pexe proc.aname proc.apid proc.sid proc.vpgid proc.tty proc.is_exe_writable proc.is_exe_upper_layer
user.name user.uid user.loginuid user.loginname container.id container.name container.image.repository
container.image.tag container.image container.privileged k8s.ns.name k8s.pod.name evt.type evt.time evt.time.iso8601
evt.hostname evt.arg evt.rawarg fd.name fd.rip fd.rport fd.sip fd.sport fs.path.name ka.user.name ka.verb ka.uri
ka.uri.param ka.target.resource ka.target.subresource ka.target.namespace ka.target.name ka.resp.name
ka.response.code ct.user ct.user.arn ct.srcip ct.name ct.region ct.error ct.request.name ct.request.username
ct.request.functionname ct.request.groupname ct.request.cluster s3.bucket gcp.user gcp.callerIP gcp.projectId
gcp.methodName gcp.storage.bucket gcp.cloudsql.databaseId gcp.cloudfunctions.function github.user github.repo
github.repo.name github.owner github.org github.action okta.actor.name okta.client.ip okta.evt.type
okta.target.user.name okta.target.app.alternateid okta.target.group.name""".split()

def base(f):
    f = re.sub(r'\[.*$', '', f)
    for p in ('evt.arg.', 'evt.rawarg.', 'evt.type.is.', 'thread.cgroup.', 'evt.abspath.'):
        if f.startswith(p):
            return p[:-1]
    return f

tsv = {}
for line in open(os.path.join(SHARED, 'falco-fields', 'fields.tsv')).read().splitlines()[1:]:
    c = line.split('\t')
    tsv.setdefault(c[0], {'sources': [], 'type': c[1], 'arg': c[4]})
    if c[2] not in tsv[c[0]]['sources']:
        tsv[c[0]]['sources'].append(c[2])

used_fields, used_tech = set(ENGINE_FIELDS), set()
ident = re.compile(r'[a-z][a-z0-9_]*(?:\.[A-Za-z0-9_]+)+(?:\[[^\]]*\])?')
for path in glob.glob(os.path.join(SHARED, 'falco-rules', '*.yaml')):
    for item in yaml.safe_load(open(path)) or []:
        if not isinstance(item, dict):
            continue
        for key in ('condition', 'output'):
            for token in ident.findall(str(item.get(key, ''))):
                if base(token) in tsv:
                    used_fields.add(base(token))
        for ex in item.get('exceptions') or []:
            for f in ex.get('fields') or []:
                used_fields.add(base(f))
        for tag in item.get('tags') or []:
            m = re.match(r'(T\d{4}(?:\.\d{3})?)', str(tag))
            if m:
                used_tech.add(m.group(1))

def walk(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ('field',) and isinstance(v, str):
                used_fields.add(base(v))
            if k == 'id' and isinstance(v, str) and re.fullmatch(r'T\d{4}(\.\d{3})?', v):
                used_tech.add(v)
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)
    elif isinstance(node, str):
        for m in re.finditer(r'\{([a-z][A-Za-z0-9_.]*(?:\[[^\]]*\])?)\}', node):
            if base(m.group(1)) in tsv:
                used_fields.add(base(m.group(1)))

for path in glob.glob(os.path.join(ROOT, 'knowledge', '**', '*.yaml'), recursive=True):
    if os.path.basename(path) in ('attack.yaml', 'fields.yaml'):
        continue
    doc = yaml.safe_load(open(path))
    walk(doc)
    if isinstance(doc, dict):
        for f in doc.get('output_fields') or []:
            used_fields.add(base(f))
        for f in ((doc.get('tuning') or {}).get('exception') or {}).get('fields') or []:
            used_fields.add(base(f if isinstance(f, str) else f.get('field', '')))

techniques = {}
for line in open(os.path.join(SHARED, 'attack', 'enterprise-techniques.tsv')).read().splitlines()[1:]:
    c = line.split('\t')
    techniques[c[0]] = {'name': c[1], 'parent': c[2], 'tactics': c[3].split(','), 'platforms': c[4].split(',')}
missing = sorted(t for t in used_tech if t not in techniques)
if missing:
    sys.exit('unknown ATT&CK ids: ' + ', '.join(missing))
# Users' own rules may tag any technique that can apply to what Falco watches: keep every technique with a platform
# Falco has a source for (hosts, containers, clouds, SaaS, identity providers), not only those used today.
FALCO_PLATFORMS = {'Linux', 'Containers', 'IaaS', 'SaaS', 'Identity Provider', 'Office Suite', 'ESXi'}
for t, d in techniques.items():
    if FALCO_PLATFORMS & set(d['platforms']):
        used_tech.add(t)
for t in list(used_tech):
    if techniques[t]['parent']:
        used_tech.add(techniques[t]['parent'])

def q(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'

out = ['# ATT&CK Enterprise v18.1 techniques for every platform Falco watches (Linux, containers, clouds, SaaS, identity',
       '# providers), plus any other that a Falco rule tag or playbook uses, and the tactics.',
       '# Regenerate with scripts/update-catalogs.py; tests check every entry against ../shared/attack/.',
       'version: "ATT&CK Enterprise v18.1"', 'tactics:']
for line in open(os.path.join(SHARED, 'attack', 'enterprise-tactics.tsv')).read().splitlines()[1:]:
    i, short, name = line.split('\t')
    out.append(f'  - {{id: {i}, shortname: {short}, name: {q(name)}}}')
out.append('techniques:')
for t in sorted(used_tech):
    d = techniques[t]
    parent = f', parent: {d["parent"]}' if d['parent'] else ''
    out.append(f'  - {{id: {t}, name: {q(d["name"])}{parent}, tactics: [{", ".join(d["tactics"])}], '
               f'platforms: [{", ".join(q(p) for p in d["platforms"])}]}}')
open(os.path.join(ROOT, 'knowledge', 'attack.yaml'), 'w').write('\n'.join(out) + '\n')

out = ['# Falco fields that Falconer uses (rules, playbooks, exceptions, the engine), with sources and types (Falco 0.44).',
       '# Regenerate with scripts/update-catalogs.py; tests check every entry against ../shared/falco-fields/.',
       'fields:']
unknown = sorted(f for f in used_fields if f not in tsv)
for f in sorted(f for f in used_fields if f in tsv):
    d = tsv[f]
    arg = ', argument: true' if d['arg'] == 'yes' else ''
    out.append(f'  - {{name: {f}, sources: [{", ".join(q(s) for s in d["sources"])}], type: {q(d["type"])}{arg}}}')
open(os.path.join(ROOT, 'knowledge', 'fields.yaml'), 'w').write('\n'.join(out) + '\n')
print(f'{len(used_tech)} techniques, {len(used_fields) - len(unknown)} fields; not Falco fields: {" ".join(unknown)}')
