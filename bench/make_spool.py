#!/usr/bin/python3
"""Fills SPOOL/incoming with INSTANCES staged files: one study of BIG instances, the rest in studies of 100.
The files are small stand-ins (start-up recovery reads names and times, not contents).
Usage: make_spool.py SPOOL INSTANCES BIG"""
import os
import sys

spool, total, big = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
payload = b"\0" * 1024
count = 0
study = 0
while count < total:
    size = big if study == 0 else min(100, total - count)
    series = os.path.join(spool, "incoming", "DEFAULT", "E%06d" % (study // 3), "I%06d" % study, "2.25.%d" % study)
    os.makedirs(series, exist_ok=True)
    for i in range(size):
        with open(os.path.join(series, "2.25.%d%06d.dcm" % (study, i)), "wb") as f:
            f.write(payload)
    count += size
    study += 1
print(study, "studies,", count, "instances")
