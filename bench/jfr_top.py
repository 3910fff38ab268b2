#!/usr/bin/python3
"""Summarises a JFR recording as markdown: where the sampled Java threads spent their time (jdk.ExecutionSample: top
methods by self samples, packages by self samples, the gateway stage on the stack, gateway methods by inclusive
samples, threads), what the threads waiting in native code were doing (jdk.NativeMethodSample: socket reads, fsync
...) and the JVM's CPU load (jdk.CPULoad). Usage: jfr_top.py RECORDING.jfr [TOP]"""
import collections
import json
import subprocess
import sys

recording = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 15


def events(kinds):
    printed = subprocess.run(["jfr", "print", "--json", "--stack-depth", "64", "--events", kinds, recording],
                             capture_output=True, text=True, check=True).stdout
    return json.loads(printed)["recording"]["events"]


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


executed = events("jdk.ExecutionSample")
total = len(executed) or 1
own, packages, stages, inclusive, threads = (collections.Counter() for _ in range(5))
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

out = ["%d execution samples (Java code running on a CPU), %d native-method samples (threads waiting in native code)"
       % (len(executed), 0), ""]
out += ["Top methods by own (self) samples:", ""] + table("method", own, total) + [""]
out += ["Packages by own samples:", ""] + table("package", packages, total, 12) + [""]
out += ["Gateway package nearest the top of the stack (the stage the CPU time was spent for):", ""] \
    + table("stage", stages, total, 12) + [""]
out += ["Gateway methods by inclusive samples (on the stack anywhere):", ""] + table("method", inclusive, total) + [""]
out += ["Threads:", ""] + table("thread", threads, total, 10) + [""]

# Threads parked in these wait for work (the accept loop, the HTTP server's selector), not for I/O of a transfer.
IDLE = ("sun.nio.ch.Net.accept", "sun.nio.ch.EPoll.wait")
native = events("jdk.NativeMethodSample")
waiting = collections.Counter()
idle = 0
for event, names in stacks(native):
    if names and names[0] in IDLE:
        idle += 1
    elif names:
        nearest = next((n for n in names if n.startswith("dev.dicomgateway.")), "-")
        waiting["%s ← %s" % (names[0], nearest)] += 1
busy = len(native) - idle
out[0] = out[0].replace(", 0 native", ", %d native" % busy).replace("native code)", "native code, not counting "
                                                                     "%d of idle accept/selector threads)" % idle)
out += ["Threads in native code (blocked or working in I/O), top frame ← nearest gateway frame:", ""] \
    + table("native frame", waiting, busy or 1, 10) + [""]

load = events("jdk.CPULoad")
if load:
    user = sum(e["values"]["jvmUser"] for e in load) / len(load)
    system = sum(e["values"]["jvmSystem"] for e in load) / len(load)
    machine = sum(e["values"]["machineTotal"] for e in load) / len(load)
    out += ["CPU load over the recording (share of all CPUs, mean of %d samples): JVM user %.0f%%, JVM system %.0f%%, "
            "whole machine %.0f%%." % (len(load), 100 * user, 100 * system, 100 * machine)]
print("\n".join(out))
