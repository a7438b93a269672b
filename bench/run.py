#!/usr/bin/env python3
"""`make bench`: Falconer's throughput against `jq -c .` on the same file in the same run, peak memory, and the cost
of incident correlation; writes the figures into docs/performance.md.

Usage: run.py --binary .build/release/falconer --out docs/performance.md [--runs 3] [--large 1000000]
"""
import argparse, os, platform, re, statistics, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, 'data')


def dataset(n):
    path = os.path.join(DATA, f'{n}.jsonl')
    if not os.path.exists(path):
        os.makedirs(DATA, exist_ok=True)
        print(f'generating {n} alerts into {path}', flush=True)
        subprocess.run([sys.executable, os.path.join(HERE, 'generate.py'), str(n), path + '.tmp'], check=True)
        os.replace(path + '.tmp', path)
    return path


def run_once(command):
    """Wall seconds (perf_counter around the run) and peak RSS (KiB, from GNU time) of one run; stdout discarded."""
    with open(os.devnull, 'wb') as null:
        start = time.perf_counter()
        p = subprocess.run(['/usr/bin/time', '-f', 'TIME %e %M'] + command, stdout=null, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
    err = p.stderr.decode(errors='replace')
    if p.returncode != 0:
        sys.exit(f'{" ".join(command)} failed ({p.returncode}):\n{err[-2000:]}')
    m = re.findall(r'TIME ([0-9.]+) ([0-9]+)', err)
    if not m:
        sys.exit(f'no timing from GNU time for {command}:\n{err[-2000:]}')
    return seconds, int(m[-1][1])


def measure(commands, runs):
    """Median wall seconds and largest peak RSS of each command over `runs` rounds. The commands take turns within a
    round (A, B, C, A, B, C, ...), so the ones compared with each other share the machine's slow and fast moments."""
    seconds = {label: [] for label, _ in commands}
    rss = {label: 0 for label, _ in commands}
    for _ in range(runs):
        for label, command in commands:
            s, kib = run_once(command)
            seconds[label].append(s)
            rss[label] = max(rss[label], kib)
    return {label: (statistics.median(seconds[label]), rss[label]) for label, _ in commands}


def version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return 'unknown'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--runs', type=int, default=5)
    ap.add_argument('--count', type=int, default=100_000)
    ap.add_argument('--large', type=int, default=1_000_000)
    args = ap.parse_args()

    small = dataset(args.count)
    size = os.path.getsize(small)
    cores = os.cpu_count()
    falconer = [args.binary, 'analyze', '--format', 'json', '--no-default-rules', '--no-progress']
    rows = []

    def record(label, n, result):
        s, kib = result
        rate = n / s
        rows.append((label, n, s, rate, kib))
        print(f'{label:<44} {n:>9} alerts {s:7.2f} s {rate:10.0f} alerts/s  peak RSS {kib / 1024:7.1f} MiB', flush=True)
        return rate

    small_commands = [
        ('jq -c . (reference)', ['jq', '-c', '.', small]),
        (f'falconer analyze --format json (jobs {cores})', falconer + [small]),
        ('falconer analyze --format json --jobs 1', falconer + ['--jobs', '1', small]),
        ('falconer analyze --incidents --format json', falconer + ['--incidents', small]),
        ('falconer analyze (Markdown)', [args.binary, 'analyze', '--no-default-rules', '--no-progress', small]),
    ]
    results = measure(small_commands, args.runs)
    jq_rate, plain_rate, single_rate, incident_rate, markdown_rate = [
        record(label, args.count, results[label]) for label, _ in small_commands
    ]

    large_rss = large_incident_rss = None
    large_runs = max(1, args.runs // 2)
    if args.large:
        large = dataset(args.large)
        large_commands = [
            ('falconer analyze --format json (1M)', falconer + [large]),
            ('falconer analyze --incidents --format json (1M)', falconer + ['--incidents', large]),
        ]
        results = measure(large_commands, large_runs)
        for label, _ in large_commands:
            record(label, args.large, results[label])
        large_rss = results[large_commands[0][0]][1]
        large_incident_rss = results[large_commands[1][0]][1]

    ratio = plain_rate / jq_rate
    incident_cost = 1 - incident_rate / plain_rate
    print(f'\nfalconer / jq = {ratio:.2f}x (target >= 4x); incident mode costs {incident_cost * 100:.1f}% (target <= 25%)')

    lines = [
        '# Performance',
        '',
        'Measured by `make bench` (bench/run.py), which generates synthetic Falco alerts with bench/generate.py (varied',
        'rules and sources, about 840 bytes each), then times each command over the same file in the same run: the',
        f'median of {args.runs} runs ({large_runs} for the large file), the commands taking turns within each round so the',
        "ones compared share the machine's slow and fast moments; wall time around each run, peak RSS from GNU time;",
        'output to /dev/null. Rewritten on every run.',
        '',
        f'- Date: {time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}',
        f'- Machine: {platform.machine()}, {cores} cores, {platform.system()} {platform.release()}; other programs may',
        '  have been running, so read the figures as +-20%.',
        f'- jq: {version(["jq", "--version"])}; input: {args.count} alerts, {size / 1e6:.1f} MB',
        '',
        '| command | alerts | seconds | alerts/s | peak RSS |',
        '| --- | ---: | ---: | ---: | ---: |',
    ]
    for label, n, s, rate, kib in rows:
        lines.append(f'| `{label}` | {n} | {s:.2f} | {rate:,.0f} | {kib / 1024:.1f} MiB |')
    lines += [
        '',
        '## Against the targets',
        '',
        f'- Full analysis vs `jq -c .`: **{ratio:.2f}x** the alerts/s (target: at least 4x). Each report is about ten',
        '  times the bytes jq writes for the same alert.',
        f'- One thread: {single_rate:,.0f} alerts/s.',
        f'- Incident mode: {incident_rate:,.0f} alerts/s, **{incident_cost * 100:.1f}%** below plain analysis (target: at',
        '  most 25%).',
        f'- Markdown: {markdown_rate:,.0f} alerts/s.',
    ]
    if large_rss is not None:
        small_rss = rows[1][4]
        small_incident_rss = rows[3][4]

        def verdict(large_kib, small_kib):
            return 'flat' if large_kib <= small_kib * 1.10 else f'grows {large_kib / small_kib:.2f}x'

        lines += [
            f'- Memory over {args.large:,} alerts against {args.count:,}: plain {large_rss / 1024:.1f} MiB vs'
            f' {small_rss / 1024:.1f} MiB ({verdict(large_rss, small_rss)}; target: flat, under about 100 MB);'
            f' incidents {large_incident_rss / 1024:.1f} MiB vs {small_incident_rss / 1024:.1f} MiB'
            f' ({verdict(large_incident_rss, small_incident_rss)}; target: flat).',
        ]
    notes_path = os.path.join(os.path.dirname(os.path.abspath(args.out)), 'performance-notes.md')
    if os.path.exists(notes_path):
        lines += ['', open(notes_path).read().rstrip()]
    with open(args.out, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
