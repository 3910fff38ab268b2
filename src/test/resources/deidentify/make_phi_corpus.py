#!/usr/bin/python3
"""Builds instances with PHI planted in every attribute of PS3.15 Table E.1-1, for the de-identification tests.

Usage: /usr/bin/python3 make_phi_corpus.py TABLE_TSV OUT_DIR

Writes OUT_DIR/phi_top.dcm (markers at top level, plus private attributes, trailing padding and a digital
signature sequence after the pixel data), OUT_DIR/phi_nested.dcm (the same markers inside a sequence item) and
OUT_DIR/markers.tsv: one line per planted value, "expectation<TAB>tag<TAB>hex of the value's bytes", where
expectation is "gone" (the default profile removes or replaces it: no byte of it may survive anywhere) or "kept"
(the default options keep or clean it: it must still be there). The expectation is derived here, from the table
and the documented option semantics, independently of the gateway's code.
"""
import os
import sys

import pydicom
from pydicom.datadict import dictionary_VR
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence

DEFAULT_OPTIONS = {"dates", "patient", "descriptors"}  # gateway defaults: modified dates, patient chars, descriptors
TEXT_VRS = {"PN", "LO", "SH", "LT", "ST", "UT", "UC", "CS", "AE"}
SKIP_GROUPS = {0x0000, 0x0002}  # command and file meta groups cannot be planted in a data set


def effective(basic, options):
    action = basic
    for option in options.split():
        name, _, value = option.partition("=")
        if name in DEFAULT_OPTIONS:
            action = value
    return action


def marker(tag, vr, index):
    """A value for tag with the given VR that appears nowhere else."""
    if vr in TEXT_VRS:
        return "PHI%08X" % tag
    # dates two years apart, DA and DT in disjoint ranges: a shift of up to a year never lands on another marker
    if vr == "DA":
        return "%04d0615" % (1100 + 2 * index)
    if vr == "DT":
        return "%04d0615101010" % (3000 + 2 * index)
    if vr == "TM":
        return "2359%02d.%06d" % (index % 60, index)
    if vr == "UI":
        return "1.2.826.0.1.3680043.10.543.%d" % index
    if vr in ("IS", "DS"):
        return "9%011d" % index
    if vr == "AS":
        return None
    if vr in ("OB", "OW", "UN"):
        return ("PHI%08X" % tag).encode() + b"\0"
    return None


def rows(table):
    for line in open(table, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        tag, basic, options, name = line.rstrip("\n").split("\t")
        yield tag, basic, options, name


def concrete_tag(text):
    if text == "odd":
        return None
    group, element = text[1:5], text[6:10]
    return int(group.replace("x", "0"), 16) << 16 | int(element.replace("x", "0"), 16)


def plant(table):
    """A data set with a marker in every plantable attribute, and the expectations for them."""
    ds = Dataset()
    expectations = []
    for index, (text, basic, options, name) in enumerate(rows(table)):
        tag = concrete_tag(text)
        if tag is None or (tag >> 16) in SKIP_GROUPS or tag in (0xFFFAFFFA, 0xFFFCFFFC):
            continue
        try:
            vr = dictionary_VR(tag) if (tag >> 16) not in (0x5000, 0x6000) else ("LT" if tag & 0xFFFF == 0x4000 else "OB")
        except KeyError:
            continue
        vr = vr.split(" or ")[0]
        action = effective(basic, options)
        gone = action not in ("K", "C") or (action == "C" and vr in ("OB", "OW", "UN"))  # binary cannot be cleaned
        if vr == "SQ":
            item = Dataset()
            item.PatientID = "PHI%08X" % tag  # PatientID inside any item is always removed
            ds.add_new(tag, "SQ", Sequence([item]))
            expectations.append(("gone", tag, item.PatientID.encode()))
            continue
        value = marker(tag, vr, index)
        if value is None:
            continue
        ds.add_new(tag, vr, value)
        raw = value if isinstance(value, bytes) else value.encode("ascii")
        if vr in ("OB", "OW", "UN"):
            raw = raw[:-1]
        if vr == "TM" or (vr in TEXT_VRS and action == "C"):
            # kept times and cleaned text: still there (dates move; times stay; descriptors are scrubbed of
            # identifiers, which markers are not)
            expectations.append(("kept" if not gone else "gone", tag, raw))
        else:
            expectations.append(("gone" if gone or vr in ("DA", "DT") else "kept", tag, raw))
    return ds, expectations


def finish(ds, study_uid, sop_uid, path):
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT: not quarantined
    ds.SOPInstanceUID = sop_uid
    ds.StudyInstanceUID = study_uid
    ds.SeriesInstanceUID = study_uid + ".1"
    ds.Modality = "CT"
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.Rows, ds.Columns = 4, 4
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = bytes(32)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)


def main():
    table, out = sys.argv[1], sys.argv[2]
    os.makedirs(out, exist_ok=True)
    lines = []

    top, expectations = plant(table)
    # the patient's own identifiers inside descriptors must be scrubbed; other text stays
    top.StudyDescription = "PHI00081030 study of %s id %s" % (top.PatientName, top.PatientID)
    top.add_new(0x00190010, "LO", "ACME PRIVATE")
    top.add_new(0x00191001, "LO", "PHIPRIVATE01")
    private_item = Dataset()
    private_item.add_new(0x00290010, "LO", "ACME NESTED")
    private_item.add_new(0x00291001, "LO", "PHIPRIVATE02")
    top.add_new(0x00191002, "SQ", Sequence([private_item]))
    expectations += [("gone", 0x00191001, b"PHIPRIVATE01"), ("gone", 0x00291001, b"PHIPRIVATE02"),
                     ("gone", 0x00190010, b"ACME PRIVATE")]
    signature = Dataset()
    signature.add_new(0x04000100, "UI", "1.2.826.0.1.3680043.10.543.99001")
    top.add_new(0xFFFAFFFA, "SQ", Sequence([signature]))
    top.add_new(0xFFFCFFFC, "OB", b"PHIPADDING01")
    expectations += [("gone", 0x04000100, b"1.2.826.0.1.3680043.10.543.99001"), ("gone", 0xFFFCFFFC, b"PHIPADDING01")]
    finish(top, "1.2.826.0.1.3680043.10.543.90001", "1.2.826.0.1.3680043.10.543.90002", os.path.join(out, "phi_top.dcm"))
    expectations += [("gone", 0x0020000D, b"1.2.826.0.1.3680043.10.543.90001"),
                     ("gone", 0x00080018, b"1.2.826.0.1.3680043.10.543.90002")]
    lines += ["%s\t%08X\t%s" % (e, t, v.hex()) for e, t, v in expectations]

    nested_content, nested_expectations = plant(table)
    nested = Dataset()
    nested.PatientID = "PATIENT-NESTED"
    nested.add_new(0x00081115, "SQ", Sequence([nested_content]))  # Referenced Series Sequence: kept, cleaned inside
    finish(nested, "1.2.826.0.1.3680043.10.543.90003", "1.2.826.0.1.3680043.10.543.90004", os.path.join(out, "phi_nested.dcm"))
    # inside an item the profile applies the same actions; top-level replacements (entity id) do not apply there
    lines += ["%s\t%08X\t%s" % (e, t, v.hex()) for e, t, v in nested_expectations if e == "gone"]

    with open(os.path.join(out, "markers.tsv"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
