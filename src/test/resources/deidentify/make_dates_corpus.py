#!/usr/bin/python3
"""Original dates where the profile table lists them and where it does not. Usage: make_dates_corpus.py OUT_DIR

Patient DATES-1, study 1 (2019-04-17): two CT images (instances 1, 2) and an SR document (3); study 2
(2022-01-05): a CT image (4). The images carry listed dates (StudyDate, AcquisitionDateTime ...), unlisted ones
(InstanceCreationDate, DateOfLastCalibration, RadiopharmaceuticalStartDateTime one level down, CalibrationDate and
DateTimeOfLastCalibration two levels down), the dates typed into descriptions in human forms, an unlisted person name
(EvaluatorName, and SecondaryReviewerName one level down) and an unlisted instance UID (SOP Instance UID of
Concatenation Source, the same in 1 and 2) next to well-known ones (Referenced SOP Class UID; the Talairach atlas
as Target Frame of Reference UID). The SR carries ObservationDateTime at the top and DATETIME, DATE and PNAME content items.
Then dates.py prints every DA and DT value of the files it is given (any depth), for the test to compare.
"""
import os
import sys

from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence

ROOT = "1.2.826.0.1.3680043.10.544.30."
CT = "1.2.840.10008.5.1.4.1.1.2"
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"


def base(number, study, study_date, sop_class):
    ds = Dataset()
    ds.SpecificCharacterSet = "ISO_IR 100"
    ds.SOPClassUID = sop_class
    ds.SOPInstanceUID = ROOT + "9.%d" % number
    ds.StudyInstanceUID = ROOT + study
    ds.SeriesInstanceUID = ROOT + study + ".%d" % (1 if sop_class == CT else 2)
    ds.PatientID = "DATES-1"
    ds.IssuerOfPatientID = "HOSPITAL-D"
    ds.PatientName = "Datum^Dora"
    ds.PatientBirthDate = "19610203"
    ds.PatientSex = "F"
    ds.AccessionNumber = "ACC-D" + study
    ds.StudyDate = study_date
    ds.StudyTime = "101500"
    ds.InstanceNumber = number
    ds.InstanceCreationDate = study_date[:6] + "%02d" % (int(study_date[6:]) + 1)
    ds.InstanceCreationTime = "120000"
    return ds


def image(number, study, study_date, referenced):
    ds = base(number, study, study_date, CT)
    ds.Modality = "CT"
    ds.BurnedInAnnotation = "NO"
    ds.SeriesDate = study_date
    ds.AcquisitionDate = study_date
    ds.ContentDate = study_date
    ds.AcquisitionDateTime = study_date + "101500.123456"
    ds.DateOfLastCalibration = study_date[:6] + "01"
    ds.add_new(0x0040_0244, "DA", study_date)  # Performed Procedure Step Start Date (listed)
    ds.StudyDescription = "CT CHEST %s follow-up of %s-%s-%s" % (study_date, study_date[:4], study_date[4:6], study_date[6:])
    ds.SeriesDescription = "compared with %s.%s.%s and %s/%s/%s" % (
        study_date[6:], study_date[4:6], study_date[:4], study_date[4:6], study_date[6:], study_date[:4])
    ds.ImageComments = "seen %s/%s/%s and %s/%s/%s" % (
        study_date[:4], study_date[4:6], study_date[6:], study_date[6:], study_date[4:6], study_date[:4])
    ds.add_new(0x0014_2006, "PN", "Evaluator^Erika")  # Evaluator Name: not in Table E.1-1
    ds.add_new(0x0020_0242, "UI", ROOT + "77.1")  # SOP Instance UID of Concatenation Source: not in the table
    ds.add_new(0x0018_991E, "UI", "1.2.840.10008.1.4.1.1")  # Target Frame of Reference UID: the Talairach atlas
    level2 = Dataset()
    level2.CodeValue, level2.CodingSchemeDesignator, level2.CodeMeaning = "C-111A1", "SRT", "^18^Fluorine"
    level2.add_new(0x0014_407E, "DA", study_date[:6] + "10")  # Calibration Date
    level2.add_new(0x0018_1202, "DT", study_date[:6] + "10120000")  # DateTime of Last Calibration
    level1 = Dataset()
    level1.add_new(0x0018_1078, "DT", study_date + "093000")  # Radiopharmaceutical Start DateTime
    level1.add_new(0x0014_0104, "PN", "Reviewer^Rita")  # Secondary Reviewer Name: not in the table
    level1.RadionuclideCodeSequence = Sequence([level2])
    ds.RadiopharmaceuticalInformationSequence = Sequence([level1])
    if referenced:
        item = Dataset()
        item.ReferencedSOPClassUID = CT
        item.ReferencedSOPInstanceUID = ROOT + "9.%d" % referenced
        ds.ReferencedImageSequence = Sequence([item])
    ds.Rows, ds.Columns = 8, 8
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = bytes(range(128))
    return ds


def content_item(value_type, meaning, **values):
    item = Dataset()
    item.RelationshipType = "CONTAINS"
    item.ValueType = value_type
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = "11" + meaning[:3].upper(), "99TEST", meaning
    item.ConceptNameCodeSequence = Sequence([code])
    for keyword, value in values.items():
        setattr(item, keyword, value)
    return item


def report(number, study, study_date):
    ds = base(number, study, study_date, COMPREHENSIVE_SR)
    ds.Modality = "SR"
    ds.ContentDate = study_date
    ds.ContentTime = "113000"
    ds.ValueType = "CONTAINER"
    ds.ContinuityOfContent = "SEPARATE"
    ds.CompletionFlag, ds.VerificationFlag = "COMPLETE", "UNVERIFIED"
    ds.ObservationDateTime = study_date + "113000"  # not in Table E.1-1
    title = Dataset()
    title.CodeValue, title.CodingSchemeDesignator, title.CodeMeaning = "18748-4", "LN", "Diagnostic Imaging Report"
    ds.ConceptNameCodeSequence = Sequence([title])
    ds.ContentSequence = Sequence([
        content_item("DATETIME", "Procedure time", DateTime=study_date + "103000"),
        content_item("DATE", "Procedure date", Date=study_date),
        content_item("PNAME", "Reader", PersonName="Reader^Rolf"),
    ])
    return ds


def save(ds, path):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = "1.2.840.10008.1.2.1"
    ds.file_meta, ds.preamble = meta, b"\0" * 128
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(path, write_like_original=False)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    save(image(1, "1", "20190417", referenced=2), os.path.join(out, "ct_1.dcm"))
    save(image(2, "1", "20190417", referenced=1), os.path.join(out, "ct_2.dcm"))
    save(report(3, "1", "20190417"), os.path.join(out, "sr_3.dcm"))
    save(image(4, "2", "20220105", referenced=None), os.path.join(out, "ct_4.dcm"))


if __name__ == "__main__":
    main()
