# Writes a PALETTE COLOR test image with pydicom: 16×16 8-bit indices 0..255 through one of pydicom's
# well-known palettes (hotiron: plain 8-bit LUTs; spring: segmented LUTs), copied from its palette file.
# Usage: python3 pydicom-palette.py OUT.dcm PALETTE_NAME
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid
from pydicom.data import get_palette_files

target, name = sys.argv[1], sys.argv[2]
palette = pydicom.dcmread(get_palette_files(name + ".dcm")[0])
ds = Dataset()
ds.file_meta = FileMetaDataset()
ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
ds.file_meta.MediaStorageSOPClassUID = "1.2.840.10008.5.1.4.1.1.7"
ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
ds.SOPClassUID = ds.file_meta.MediaStorageSOPClassUID
ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
ds.Modality = "OT"
ds.Rows, ds.Columns, ds.SamplesPerPixel = 16, 16, 1
ds.PhotometricInterpretation = "PALETTE COLOR"
ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
for element in palette:
    if "PaletteColorLookupTable" in element.keyword and element.keyword != "PaletteColorLookupTableUID":
        ds.add(element)
ds.PixelData = np.arange(256, dtype=np.uint8).tobytes()
ds.is_little_endian, ds.is_implicit_VR = True, False
ds.save_as(target, write_like_original=False)
