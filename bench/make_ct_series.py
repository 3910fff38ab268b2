#!/usr/bin/python3
"""Writes N CT instances of 512x512x16 bit (about 0.5 MB each) into OUT_DIR, for the receive benchmark."""
import os
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

out, count = sys.argv[1], int(sys.argv[2])
os.makedirs(out, exist_ok=True)
study, series = generate_uid(), generate_uid()
pixels = os.urandom(512 * 512 * 2)
for i in range(count):
    ds = Dataset()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = generate_uid()
    ds.StudyInstanceUID, ds.SeriesInstanceUID = study, series
    ds.PatientID, ds.PatientName, ds.Modality = "BENCH-1", "Bench^Mark", "CT"
    ds.InstanceNumber = i + 1
    ds.Rows = ds.Columns = 512
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = pixels
    ds["PixelData"].VR = "OW"
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(os.path.join(out, f"ct{i:04d}.dcm"), write_like_original=False)
