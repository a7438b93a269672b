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


def measure(command, runs):
    """Median wall seconds and the largest peak RSS (KiB) over `runs` runs, via GNU time; stdout discarded."""
    seconds, rss = [], []
    for _ in range(runs):
        with open(os.devnull, 'wb') as null:
            p = subprocess.run(['/usr/bin/time', '-f', 'TIME %e %M'] + command, stdout=null, stderr=subprocess.PIPE)
        err = p.stderr.decode(errors='replace')
        if p.returncode != 0:
            sys.exit(f'{" ".join(command)} failed ({p.returncode}):\n{err[-2000:]}')
        m = re.findall(r'TIME ([0-9.]+) ([0-9]+)', err)
        if not m:
            sys.exit(f'no timing from GNU time for {command}:\n{err[-2000:]}')
        seconds.append(float(m[-1][0]))
        rss.append(int(m[-1][1]))
    return statistics.median(seconds), max(rss)


def version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return 'unknown'


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--binary', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--runs', type=int, default=3)
    ap.add_argument('--count', type=int, default=100_000)
    ap.add_argument('--large', type=int, default=1_000_000)
    args = ap.parse_args()

    small = dataset(args.count)
    size = os.path.getsize(small)
    cores = os.cpu_count()
    falconer = [args.binary, 'analyze', '--format', 'json', '--no-default-rules', '--no-progress']
    rows = []

    def row(label, n, command):
        s, kib = measure(command, args.runs)
        rate = n / s
        rows.append((label, n, s, rate, kib))
        print(f'{label:<44} {n:>9} alerts {s:7.2f} s {rate:10.0f} alerts/s  peak RSS {kib / 1024:7.1f} MiB', flush=True)
        return rate, kib

    jq_rate, _ = row('jq -c . (reference)', args.count, ['jq', '-c', '.', small])
    plain_rate, _ = row(f'falconer analyze --format json (jobs {cores})', args.count, falconer + [small])
    single_rate, _ = row('falconer analyze --format json --jobs 1', args.count, falconer + ['--jobs', '1', small])
    incident_rate, _ = row('falconer analyze --incidents --format json', args.count, falconer + ['--incidents', small])
    markdown_rate, _ = row('falconer analyze (Markdown)', args.count, [args.binary, 'analyze', '--no-default-rules', '--no-progress', small])

    large_rss = large_incident_rss = None
    if args.large:
        large = dataset(args.large)
        _, large_rss = row('falconer analyze --format json (1M)', args.large, falconer + [large])
        _, large_incident_rss = row('falconer analyze --incidents --format json (1M)', args.large, falconer + ['--incidents', large])

    ratio = plain_rate / jq_rate
    incident_cost = 1 - incident_rate / plain_rate
    print(f'\nfalconer / jq = {ratio:.2f}x (target >= 4x); incident mode costs {incident_cost * 100:.1f}% (target <= 25%)')

    lines = [
        '# Performance',
        '',
        'Measured by `make bench` (bench/run.py), which generates synthetic Falco alerts with bench/generate.py (varied',
        'rules and sources, about 840 bytes each), then times each command over the same file in the same run (median',
        f'of {args.runs} runs, GNU time for wall time and peak RSS; output to /dev/null). Rewritten on every run.',
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
