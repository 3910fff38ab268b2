#!/usr/bin/python3
"""Prints every DA and DT value of the given DICOM files, at any depth, read with pydicom (not the gateway's code):
FILE <tab> InstanceNumber <tab> path of tags (e.g. 00540016/0/00181078) <tab> VR <tab> value. Usage: dates.py FILE..."""
import sys

import pydicom


def walk(ds, prefix):
    for elem in ds:
        tag = "%08X" % int(elem.tag)
        if elem.VR == "SQ":
            for index, item in enumerate(elem.value):
                yield from walk(item, prefix + tag + "/%d/" % index)
        elif elem.VR in ("DA", "DT"):
            values = elem.value if elem.VM > 1 else [elem.value]
            for value in values:
                yield prefix + tag, elem.VR, str(value if value is not None else "")


for path in sys.argv[1:]:
    ds = pydicom.dcmread(path)
    for tags, vr, value in walk(ds, ""):
        print("\t".join([path, str(ds.InstanceNumber), tags, vr, value]))
