import sys, os
from pydicom.dataset import Dataset, FileMetaDataset
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
def base(n, pid, name, sex, study):
    ds = Dataset()
    ds.SOPClassUID = '1.2.840.10008.5.1.4.1.1.2'
    ds.SOPInstanceUID = '1.2.826.0.1.3680043.10.544.77.9.%d' % n
    ds.StudyInstanceUID = '1.2.826.0.1.3680043.10.544.77.%d' % study
    ds.SeriesInstanceUID = '1.2.826.0.1.3680043.10.544.77.%d.1' % study
    if pid is not None:
        ds.PatientID = pid
    if name is not None:
        ds.PatientName = name
    ds.PatientSex = sex
    ds.StudyDate, ds.Modality, ds.InstanceNumber, ds.BurnedInAnnotation = '20200101', 'CT', n, 'NO'
    ds.Rows, ds.Columns, ds.SamplesPerPixel, ds.PhotometricInterpretation = 2, 2, 1, 'MONOCHROME2'
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    return ds
def save(ds, name):
    ds.PixelData = bytes(8)
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
    meta.TransferSyntaxUID = '1.2.840.10008.1.2.1'
    ds.file_meta, ds.preamble = meta, bytes(128)
    ds.is_little_endian, ds.is_implicit_VR = True, False
    ds.save_as(os.path.join(out, name), write_like_original=False)
# 1: unlisted date / name / uid sent with VR UN (explicit VR LE allows this)
ds = base(1, 'MRN-UN-1', 'Doe^John', 'M', 1)
ds.add_new(0x00080012, 'UN', b'19610203')            # InstanceCreationDate (unlisted DA) as UN
ds.add_new(0x00142006, 'UN', b'Leaky^Larry ')        # EvaluatorName (unlisted PN) as UN
ds.add_new(0x00200242, 'UN', b'1.2.826.0.1.3680043.10.544.88.123456\x00')  # SOPInstanceUIDOfConcatenationSource as UN
save(ds, 'un.dcm')
# 2: DT ranges in unlisted DT attributes
ds = base(2, 'MRN-DT-2', 'Roe^Jane', 'F', 2)
ds.add_new(0x0040A032, 'DT', '19610203-19620304')    # ObservationDateTime range
save(ds, 'dtrange.dcm')
# 3,4: two different patients, no PatientID, no name, same sex, different studies
for n in (3, 4):
    ds = base(n, None, None, 'M', n)
    save(ds, 'anon_%d.dcm' % n)
# 5: the instance's own StudyDate typed into a cleaned descriptor in spelled-out / 2-digit-year forms
ds = base(5, 'MRN-TXT-5', 'Poe^Edgar', 'M', 5)
ds.StudyDate = '20190417'
ds.StudyDescription = 'CT of April 17, 2019 / 17-Apr-2019 / 17.04.19'
save(ds, 'textdate.dcm')
# 6: safe private attributes (creator ACME 1.0, group 0009) holding a date, a name and a UID, implicit VR LE
ds = base(6, 'MRN-PRIV-6', 'Moe^Mary', 'F', 6)
block = ds.private_block(0x0009, 'ACME 1.0', create=True)
block.add_new(0x01, 'DA', '19610203')
block.add_new(0x02, 'PN', 'Private^Petra')
block.add_new(0x03, 'UI', '1.2.826.0.1.3680043.10.544.99.424242')
ds.PixelData = bytes(8)
meta = FileMetaDataset()
meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = ds.SOPClassUID, ds.SOPInstanceUID
meta.TransferSyntaxUID = '1.2.840.10008.1.2'
ds.file_meta, ds.preamble = meta, bytes(128)
ds.is_little_endian, ds.is_implicit_VR = True, True
ds.save_as(os.path.join(out, 'private_implicit.dcm'), write_like_original=False)
