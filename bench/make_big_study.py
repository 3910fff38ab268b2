#!/usr/bin/python3
"""Writes COUNT instances of one study into OUT_DIR, each with GIB GiB of random (incompressible) pixel data,
streamed to disk so generating them needs little memory. Usage: make_big_study.py OUT_DIR COUNT GIB"""
import io
import os
import struct
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import generate_uid

out, count, gib = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
os.makedirs(out, exist_ok=True)
study, series = generate_uid(), generate_uid()
frame = 1024 * 1024 * 2
frames = int(gib * 1024 * 1024 * 1024) // frame
chunk = os.urandom(8 << 20)
for n in range(count):
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2.1"
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.PatientID, ds.PatientName, ds.Modality, ds.StudyDate = "BIG-STUDY", "Big^Study", "CT", "20240301"
    ds.InstanceNumber = n + 1
    ds.Rows = ds.Columns = 1024
    ds.NumberOfFrames = frames
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    header = io.BytesIO()
    ds.save_as(header, write_like_original=False)
    length = frames * frame
    with open(os.path.join(out, "big%02d.dcm" % n), "wb") as f:
        f.write(header.getvalue())
        f.write(struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OW", 0, length))
        written = 0
        while written < length:
            piece = chunk[: min(len(chunk), length - written)]
            f.write(piece)
            written += len(piece)
