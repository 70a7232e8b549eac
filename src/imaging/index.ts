// medkit/imaging: PNG/JPEG/DICOM/NIfTI I/O, windowing, crops, masks, boxes, phantoms.
export * from './errors.js';
export * from './raster.js';
export * from './boxes.js';
export * from './tokens.js';
export * from './image.js';
export * from './windowing.js';
export * from './blur.js';
export * from './phantoms.js';
export * from './dicom-codecs.js';
export * from './dicom.js';
export * from './dicom-volume.js';
export * from './nifti.js';
export * from './parts.js';
export * from './overlay.js';
export * from './loaders.js';
export * from './regions.js';
