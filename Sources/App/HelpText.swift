/// The man-page style help texts; snapshot-tested in AppTests.
enum HelpText {
    static let version = "falconer 0.1.0"

    static let main = """
        NAME
            falconer - expert analysis reports for Falco alerts

        SYNOPSIS
            falconer analyze [OPTIONS] [FILE...]
            falconer kb lint [--knowledge DIR]... [--rules FILE]...
            falconer kb coverage FILE...
            falconer --help | --version

        DESCRIPTION
            Falconer reads Falco alerts (json_output lines, JSON arrays, pretty-printed objects, falcosidekick
            payloads) and writes the report an analyst would: what happened, who did it and where, the MITRE
            ATT&CK mapping, a verdict with its reasons, read-only investigation commands filled with the alert's
            values, containment and hardening with their true reach, and a Falco exception that Falco accepts.
            It works offline; all knowledge is compiled into the binary.

        COMMANDS
            analyze     Analyse alerts from files or standard input (see falconer analyze --help).
            kb lint     Check the knowledge base (built-in plus --knowledge directories); exit 65 on any problem.
            kb coverage List every rule in the given Falco rules files with or without a playbook; exit 0 when
                        every rule has one, 1 when not.

        EXIT STATUS
            0   success          64  usage error       65  some input was invalid
            66  input missing     1  any other failure

        SEE ALSO
            docs/report-schema.md, docs/knowledge-base.md, docs/configuration.md

        """

    static let analyze = """
        NAME
            falconer analyze - analyse Falco alerts and write reports

        SYNOPSIS
            falconer analyze [OPTIONS] [FILE...]

        DESCRIPTION
            Reads each FILE in turn (no FILE, or -, reads standard input) and writes one report per alert, in input
            order. Input may mix one JSON object per line, JSON arrays of alerts, concatenated pretty-printed
            objects and falcosidekick payloads. Falco's own log and status lines are skipped and counted. Falco
            internal events (dropped syscall events, metrics snapshots) become telemetry lines, never reports.
            A malformed value is reported on standard error as FILE:LINE: reason and skipped; the rest is still
            analysed. Memory stays flat whatever the input size.

        OPTIONS
            --format markdown|json
                Markdown reports (default), or compact NDJSON: one falconer.report/v1 object per line
                (falconer.incident/v1 with --incidents), plus falconer.telemetry/v1 lines.
            --incidents
                Group related alerts into incidents (same container, pod, login session, process lineage,
                Kubernetes object or user, cloud or SaaS principal) and write incident reports instead of one
                report per alert (docs/incidents.md).
            --window SECONDS
                Incidents: close an incident after this much event time without a new alert (default 900).
            --max-span SECONDS
                Incidents: the longest event-time span of one incident (default 14400).
            --storm-threshold N
                Incidents: more than N alerts of one rule and workload within the window become one storm
                summary (default 50).
            --out DIR
                Write one file per report into DIR (created if needed) instead of standard output. File names
                use only [A-Za-z0-9._-] and never overwrite an existing file.
            --min-priority PRIORITY
                Skip alerts below PRIORITY (emergency, alert, critical, error, warning, notice, informational,
                debug; any case). Telemetry is never skipped.
            --max-value-size BYTES
                Reject any single JSON value larger than BYTES (default 1048576).
            --rules FILE
                A Falco rules file (or directory of them) whose rules' descriptions, tags and outputs improve
                reports for custom rules. Repeatable. Without it, Falco's default rules paths are read when they
                exist.
            --no-default-rules
                Do not read /etc/falco/falco_rules.yaml, /etc/falco/falco_rules.local.yaml or /etc/falco/rules.d.
            --knowledge DIR
                Extra playbooks (docs/knowledge-base.md); a playbook for a rule replaces the built-in one.
            --jobs N
                Analyse on N threads (default: the number of cores, at most 8).
            --no-progress
                Never print progress, even when standard error is a terminal.
            -h, --help
                Show this help.

        EXIT STATUS
            0   every value was analysed (skipped status lines included)
            65  some input was invalid; everything valid was still analysed
            66  an input file is missing or unreadable
            64  usage error
            1   any other failure

        EXAMPLES
            falconer analyze /var/log/falco/events.json
            journalctl -u falco -o cat | falconer analyze --format json --min-priority warning
            falconer analyze --incidents --format json alerts.jsonl

        """

    static let kb = """
        NAME
            falconer kb - inspect the knowledge base

        SYNOPSIS
            falconer kb lint [--knowledge DIR]... [--rules FILE]...
            falconer kb coverage FILE...

        DESCRIPTION
            lint checks every playbook, snippet and catalog: ATT&CK ids and platforms, fields and placeholders
            valid for the rule's source, at least three investigation steps, references on every command and
            setting, exceptions the tuning validator accepts, duplicate rule names and text repeated verbatim
            across playbooks. With --rules, playbooks must name rules present in those files. Exit 65 on any
            problem.

            coverage reads Falco rules files and lists each rule with or without a playbook, ending with
            "N of M rules have a playbook". Exit 0 when complete, 1 when not.

        """
}
