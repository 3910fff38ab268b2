#!/usr/bin/python3
"""Instances whose relationships de-identification must preserve. Usage: make_relationship_corpus.py OUT_DIR

Patient P1: study A (series A1: instances 1, 2; series A2: instance 3, which references instance 1 and shares its
frame of reference; meant to be sent later) and study B three years later. Patient P2: study C.
InstanceNumber is unique across files (the profile keeps it), so tests can pair staged files with sources.
"""
import os
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence

ROOT = "1.2.826.0.1.3680043.10.544."


def instance(number, patient, study, series, study_date, frame_of_reference, referenced=None):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
    ds.SOPInstanceUID = ROOT + "9.%d" % number
    ds.StudyInstanceUID = ROOT + study
    ds.SeriesInstanceUID = ROOT + series
    ds.FrameOfReferenceUID = ROOT + frame_of_reference
    ds.PatientID = patient
    ds.IssuerOfPatientID = "HOSPITAL-A"
    ds.PatientName = "Relation^%s" % patient
    ds.PatientSex = "F" if patient == "P1" else "M"
    ds.PatientAge = "047Y"
    ds.PatientWeight = "61.5"
    ds.PatientSize = "1.68"
    ds.AccessionNumber = "ACC-" + study
    ds.StudyDate = study_date
    ds.SeriesDate = study_date
    ds.StudyTime = "101500"
    ds.Modality = "CT"
    ds.InstanceNumber = number
    ds.StudyDescription = "CT CHEST"
    if referenced:
        item = Dataset()
        item.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"
        item.ReferencedSOPInstanceUID = ROOT + "9.%d" % referenced
        ds.ReferencedImageSequence = Sequence([item])
    ds.Rows, ds.Columns = 8, 8
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = bytes(range(128))
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    return ds


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {
        "a1_1.dcm": instance(1, "P1", "1", "1.1", "20200110", "1.9"),
        "a1_2.dcm": instance(2, "P1", "1", "1.1", "20200110", "1.9"),
        "a2_3.dcm": instance(3, "P1", "1", "1.2", "20200110", "1.9", referenced=1),
        "b_4.dcm": instance(4, "P1", "2", "2.1", "20230315", "2.9"),
        "c_5.dcm": instance(5, "P2", "3", "3.1", "20210704", "3.9"),
    }
    for name, ds in files.items():
        ds.save_as(os.path.join(out, name), write_like_original=False)


if __name__ == "__main__":
    main()
