# Reference pixels for the DICOM tests: what pydicom (with GDCM for compressed data) returns for a
# file, brought to medkit's convention (modality LUT applied to grey images; colour as RGB, palettes
# through their LUTs). Usage: python3 pydicom-reference.py IN.dcm OUT.bin → prints "frames rows cols samples";
# OUT.bin holds float64 little-endian values, frames × rows × cols × samples.
import sys
import warnings

import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_color_lut, apply_modality_lut, convert_color_space

warnings.simplefilter("ignore")
source, target = sys.argv[1], sys.argv[2]
ds = pydicom.dcmread(source)
arr = ds.pixel_array
frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
samples = int(ds.SamplesPerPixel)
photometric = ds.PhotometricInterpretation
if photometric == "PALETTE COLOR":
    arr = apply_color_lut(arr, ds)
    samples = 3
elif samples == 3 and photometric in ("YBR_FULL", "YBR_FULL_422"):
    # pydicom 2.x with GDCM leaves lossy JPEG in YCbCr; medkit (like pydicom 3 and libjpeg) returns RGB.
    arr = convert_color_space(arr, photometric, "RGB")
elif samples == 1:
    arr = apply_modality_lut(arr, ds)
arr = np.asarray(arr, dtype="<f8").reshape(frames, ds.Rows, ds.Columns, samples)
arr.tofile(target)
print(frames, ds.Rows, ds.Columns, samples)
