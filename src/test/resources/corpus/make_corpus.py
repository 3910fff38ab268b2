#!/usr/bin/python3
"""Builds the receive test corpus in OUT_DIR and writes OUT_DIR/corpus.tsv.

Sources: the real test files that Debian's python3-pydicom ships (many transfer syntaxes, character sets,
sequences, private tags, multi-frame), plus generated files for what that corpus lacks (MPEG-2, H.264 and
HEVC video, encapsulated PDF, a big multi-frame instance).

Every file is then rewritten once by dcmtk's dcmodify with a fresh SOP Instance UID: the pydicom corpus reuses
UIDs across files, and dcmtk's senders re-encode what they read (e.g. drop trailing padding), so only a
dcmtk-written file is sent bit for bit. The tests then require the gateway to store exactly those bytes.

Usage: /usr/bin/python3 make_corpus.py OUT_DIR [BIG_MB]
"""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.encaps import encapsulate
from pydicom.uid import generate_uid

DATA = os.path.join(os.path.dirname(pydicom.__file__), "data")

# transfer syntax -> the storescu option that proposes it (so storescu sends the file without converting it)
STORESCU_FLAG = {
    "1.2.840.10008.1.2": "-xi",
    "1.2.840.10008.1.2.1": "-xe",
    "1.2.840.10008.1.2.2": "-xb",
    "1.2.840.10008.1.2.1.99": "-xd",
    "1.2.840.10008.1.2.4.50": "-xy",
    "1.2.840.10008.1.2.4.51": "-xx",
    "1.2.840.10008.1.2.4.70": "-xs",
    "1.2.840.10008.1.2.4.80": "-xt",
    "1.2.840.10008.1.2.4.90": "-xv",
    "1.2.840.10008.1.2.4.91": "-xw",
    "1.2.840.10008.1.2.5": "-xr",
    "1.2.840.10008.1.2.4.100": "-xm",
    "1.2.840.10008.1.2.4.102": "-xn",
    "1.2.840.10008.1.2.4.107": "-x4",
}
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def base_dataset(sop_class, patient_id, modality):
    ds = Dataset()
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.PatientID = patient_id
    ds.PatientName = "Generated^Corpus"
    ds.Modality = modality
    ds.StudyDate = "20240102"
    ds.SeriesNumber = 1
    ds.InstanceNumber = 1
    return ds


def save(ds, path, ts):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = ds.SOPClassUID
    meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    meta.TransferSyntaxUID = ts
    ds.file_meta = meta
    ds.preamble = b"\0" * 128
    ds.is_little_endian = True
    ds.is_implicit_VR = False
    ds.save_as(path, write_like_original=False)


def video(path, ts, patient_id):
    ds = base_dataset("1.2.840.10008.5.1.4.1.1.77.1.4.1", patient_id, "XC")
    ds.Rows, ds.Columns = 480, 640
    ds.SamplesPerPixel = 3
    ds.PhotometricInterpretation = "YBR_PARTIAL_420"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 8, 8, 7
    ds.PixelRepresentation = 0
    ds.PlanarConfiguration = 0
    ds.NumberOfFrames = 30
    ds.FrameTime = 33.3
    stream = os.urandom(300_000)  # an opaque bitstream: the gateway never decodes pixel data
    ds.PixelData = encapsulate([stream])
    ds["PixelData"].VR = "OB"
    save(ds, path, ts)


def pdf(path, patient_id):
    ds = base_dataset("1.2.840.10008.5.1.4.1.1.104.1", patient_id, "DOC")
    ds.MIMETypeOfEncapsulatedDocument = "application/pdf"
    body = b"%PDF-1.4\n" + os.urandom(20_001) + b"\n%%EOF\n"
    ds.EncapsulatedDocument = body + (b"\0" if len(body) % 2 else b"")
    save(ds, path, "1.2.840.10008.1.2.1")


def big_multiframe(path, megabytes, patient_id):
    ds = base_dataset("1.2.840.10008.5.1.4.1.1.7.3", patient_id, "OT")  # multi-frame grayscale word SC
    ds.Rows, ds.Columns = 1024, 1024
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 16, 15
    ds.PixelRepresentation = 0
    frames = max(1, megabytes // 2)
    ds.NumberOfFrames = frames
    ds.PixelData = os.urandom(1024 * 1024 * 2 * frames)
    ds["PixelData"].VR = "OW"
    save(ds, path, "1.2.840.10008.1.2.1")


def dcmtk_wire_copy(path):
    """Replaces a deflated file by what dcmtk's sender puts on the wire for it (received with storescp +B).

    dcmtk re-compresses a deflated data set when it sends it, and the deflate stream depends on how the writer
    chunks its output, so only the wire form is sent bit for bit. Sending that form again reproduces it exactly.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    received = tempfile.mkdtemp(prefix="corpus-wire-")
    scp = subprocess.Popen(["storescp", "+B", "+xa", "-od", received, "-aet", "CORPUS", str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["echoscu", "-aec", "CORPUS", "127.0.0.1", str(port)], capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["storescu", "-R", "-xd", "-aec", "CORPUS", "127.0.0.1", str(port), path],
                       check=True, capture_output=True)
        (copy,) = glob.glob(os.path.join(received, "*"))
        shutil.move(copy, path)
    finally:
        scp.terminate()
        scp.wait()
        shutil.rmtree(received, ignore_errors=True)


def describe(path):
    ds = pydicom.dcmread(path, stop_before_pixels=True)
    return [
        str(ds.file_meta.TransferSyntaxUID),
        str(ds.SOPInstanceUID),
        str(ds.get("StudyInstanceUID", "")),
        str(ds.get("SeriesInstanceUID", "")),
    ]


def main():
    out = sys.argv[1]
    big_mb = int(sys.argv[2]) if len(sys.argv) > 2 else 96
    os.makedirs(out, exist_ok=True)
    rows = []
    sources = [os.path.join(DATA, "test_files", n) for n in sorted(os.listdir(os.path.join(DATA, "test_files")))]
    sources += [os.path.join(DATA, "charset_files", n) for n in sorted(os.listdir(os.path.join(DATA, "charset_files")))]
    for source in sources:
        if not source.endswith(".dcm"):
            continue
        try:
            ds = pydicom.dcmread(source, stop_before_pixels=True)
            ts = str(ds.file_meta.TransferSyntaxUID)
        except Exception:
            continue  # no file meta or unreadable: not a Part 10 file a sender would send
        if ts not in STORESCU_FLAG:
            continue
        if any(k in ds and ds.get_item(k).VR == "UN" for k in ("SOPClassUID", "SOPInstanceUID")):
            continue  # identifiers encoded as UN: dcmtk's senders refuse such files
        target = os.path.join(out, os.path.basename(source))
        shutil.copyfile(source, target)
        args = ["dcmodify", "-q", "-nb", "-gin"]
        if "SOPClassUID" not in ds:
            args += ["-i", "(0008,0016)=" + SECONDARY_CAPTURE]
        if "StudyInstanceUID" not in ds:
            args += ["-gst"]
        if "SeriesInstanceUID" not in ds:
            args += ["-gse"]
        if subprocess.run(args + [target], capture_output=True).returncode != 0:
            os.remove(target)
            continue
        if ts == "1.2.840.10008.1.2.1.99":
            dcmtk_wire_copy(target)
        rows.append(target)
    generated = {
        "video_mpeg2.dcm": lambda p: video(p, "1.2.840.10008.1.2.4.100", "VIDEO-1"),
        "video_h264.dcm": lambda p: video(p, "1.2.840.10008.1.2.4.102", "VIDEO-1"),
        "video_hevc.dcm": lambda p: video(p, "1.2.840.10008.1.2.4.107", "VIDEO-1"),
        "encapsulated_pdf.dcm": lambda p: pdf(p, "DOC-1"),
        "big_multiframe.dcm": lambda p: big_multiframe(p, big_mb, "BIG-1"),
    }
    for name, make in generated.items():
        target = os.path.join(out, name)
        make(target)
        subprocess.run(["dcmodify", "-q", "-nb", "-gin", target], check=True, capture_output=True)
        rows.append(target)
    with open(os.path.join(out, "corpus.tsv.tmp"), "w") as manifest:
        for path in rows:
            ts, sop, study, series = describe(path)
            manifest.write("\t".join([os.path.basename(path), ts, STORESCU_FLAG[ts], sop, study, series]) + "\n")
    os.replace(os.path.join(out, "corpus.tsv.tmp"), os.path.join(out, "corpus.tsv"))


if __name__ == "__main__":
    main()
