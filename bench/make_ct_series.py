#!/usr/bin/python3
"""Writes COUNT CT instances of one study and series into OUT_DIR, SIZE x SIZE x 16 bit (default 512: about 0.5 MB
each; 70 gives the ~10 KB "small" instances), spread over PARTS subdirectories part0 .. (default 1: none), one per
association of a concurrent send. Every call makes new UIDs, so each copy is a study the gateway has not seen.
Usage: make_ct_series.py OUT_DIR COUNT [SIZE [PARTS]]"""
import os
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

out, count = sys.argv[1], int(sys.argv[2])
size = int(sys.argv[3]) if len(sys.argv) > 3 else 512
parts = int(sys.argv[4]) if len(sys.argv) > 4 else 1
study, series = generate_uid(), generate_uid()
pixels = os.urandom(size * size * 2)
for i in range(count):
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.PatientID, ds.PatientName, ds.Modality, ds.StudyDate = "BENCH-1", "Bench^Mark", "CT", "20240301"
    ds.InstanceNumber = i + 1
    ds.Rows = ds.Columns = size
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = pixels
    ds["PixelData"].VR = "OW"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    folder = os.path.join(out, "part%d" % (i * parts // count)) if parts > 1 else out
    os.makedirs(folder, exist_ok=True)
    ds.save_as(os.path.join(folder, f"ct{i:05d}.dcm"), write_like_original=False)
