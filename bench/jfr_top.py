#!/usr/bin/python3
"""Summarises a JFR recording as markdown: where the sampled Java threads spent their time (jdk.ExecutionSample: top
methods by self samples, packages by self samples, the gateway stage on the stack, gateway methods by inclusive
samples, threads), what the threads in native code were doing (jdk.NativeMethodSample: socket reads, fsync, gzip ...)
and the JVM's CPU load (jdk.CPULoad). With WINDOWS.json (bench/run writes it: [[start, end], ...] in epoch seconds,
when dcmsend was sending) it summarises the samples inside the windows (the receive path) and outside them (sealing,
packaging, delivery) separately. Usage: jfr_top.py RECORDING.jfr [WINDOWS.json [TOP]]"""
import collections
import datetime
import json
import subprocess
import sys

recording = sys.argv[1]
windows = json.load(open(sys.argv[2])) if len(sys.argv) > 2 else None
top = int(sys.argv[3]) if len(sys.argv) > 3 else 12
# Threads parked in these wait for work (the accept loop, the HTTP server's selector), not for I/O of a transfer.
IDLE = ("sun.nio.ch.Net.accept", "sun.nio.ch.EPoll.wait")


def events(kinds):
    printed = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", kinds, recording],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(printed)["recording"]["events"]


def when(event):
    stamp = event["values"]["startTime"]  # 2026-12-01T18:58:15.883614459Z: fromisoformat takes microseconds at most
    seconds, _, fraction = stamp.rstrip("Z").partition(".")
    start = datetime.datetime.fromisoformat(seconds).replace(tzinfo=datetime.timezone.utc).timestamp()
    return start + float("0." + (fraction or "0"))


def inside(event):
    t = when(event)
    return any(start <= t <= end for start, end in windows)


def frame_name(frame):
    method = frame["method"]
    return method["type"]["name"].replace("/", ".") + "." + method["name"]


def package(name):
    cls = name.rsplit(".", 1)[0]
    return cls.rsplit(".", 1)[0] if "." in cls else cls


def stage(name):
    """dev.dicomgateway.receive.Foo.bar -> dev.dicomgateway.receive"""
    parts = name.split(".")
    return ".".join(parts[:3]) if len(parts) > 4 else package(name)


def thread(event):
    name = (event["values"].get("sampledThread") or {}).get("javaName") or "?"
    return name.rstrip("0123456789-#").rstrip("-") or name


def table(title, counter, total, limit=top):
    lines = ["| %s | samples | %% |" % title, "|---|---|---|"]
    for key, count in counter.most_common(limit):
        lines.append("| `%s` | %d | %.1f |" % (key, count, 100.0 * count / total))
    return lines


def stacks(sampled):
    for event in sampled:
        trace = event["values"].get("stackTrace") or {"frames": []}
        yield event, [frame_name(f) for f in trace["frames"]]


def summary(executed, native, load):
    own, packages, stages, inclusive, threads, waiting = (collections.Counter() for _ in range(6))
    for event, names in stacks(executed):
        if not names:
            continue
        own[names[0]] += 1
        packages[package(names[0])] += 1
        threads[thread(event)] += 1
        gateway = [n for n in names if n.startswith("dev.dicomgateway.")]
        stages[stage(gateway[0]) if gateway else "(no gateway frame: %s)" % package(names[-1])] += 1
        for name in set(gateway):
            if "lambda$" not in name and "$$Lambda" not in name:  # glue frames say nothing a reader can act on
                inclusive[name] += 1
    idle = 0
    for event, names in stacks(native):
        if names and names[0] in IDLE:
            idle += 1
        elif names:
            nearest = next((n for n in names if n.startswith("dev.dicomgateway.")), "-")
            waiting["%s ← %s" % (names[0], nearest)] += 1
    busy = len(native) - idle
    total = len(executed) or 1
    out = ["%d execution samples (Java code running on a CPU), %d native-method samples (threads in native code, not "
           "counting %d of idle accept/selector threads)" % (len(executed), busy, idle), ""]
    if load:
        user = sum(e["values"]["jvmUser"] for e in load) / len(load)
        system = sum(e["values"]["jvmSystem"] for e in load) / len(load)
        machine = sum(e["values"]["machineTotal"] for e in load) / len(load)
        out += ["CPU load (share of all CPUs, mean of %d samples): JVM user %.0f%%, JVM system %.0f%%, whole machine "
                "%.0f%%." % (len(load), 100 * user, 100 * system, 100 * machine), ""]
    out += ["Gateway package nearest the top of the stack (the stage the CPU time was spent for):", ""] \
        + table("stage", stages, total, 10) + [""]
    out += ["Gateway methods by inclusive samples (on the stack anywhere):", ""] + table("method", inclusive, total) + [""]
    out += ["Top methods by own (self) samples:", ""] + table("method", own, total) + [""]
    out += ["Packages by own samples:", ""] + table("package", packages, total, 10) + [""]
    out += ["Threads:", ""] + table("thread", threads, total, 6) + [""]
    out += ["Threads in native code (blocked or working in I/O), top frame ← nearest gateway frame:", ""] \
        + table("native frame", waiting, busy or 1, 10) + [""]
    return out


executed, native, load = events("jdk.ExecutionSample"), events("jdk.NativeMethodSample"), events("jdk.CPULoad")
if windows is None:
    print("\n".join(summary(executed, native, load)))
else:
    sending = sum(end - start for start, end in windows)
    for title, keep in (("While dcmsend was sending (%.1f s in %d runs: the receive path)" % (sending, len(windows)),
                         inside),
                        ("Between the sends (sealing, packaging, delivery of each run's study)",
                         lambda e: not inside(e))):
        print("#### " + title + "\n")
        print("\n".join(summary([e for e in executed if keep(e)], [e for e in native if keep(e)],
                                [e for e in load if keep(e)])))
