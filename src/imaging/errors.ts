// Imaging errors. Every message starts with the file (or the item/field a box came from), so a
// failed item in a run names exactly what to fix and the rest of the run goes on.
import { MedkitError } from '../core/errors.js';

/** A file could not be read, decoded or understood. `file` is a path or a label such as "<bytes>". */
export class ImagingError extends MedkitError {
  override readonly name: string = 'ImagingError';
  constructor(
    readonly file: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${problem}`, options);
  }
}

/** A DICOM file uses a transfer syntax medkit cannot decode. Carries the UID and its name. */
export class UnsupportedTransferSyntaxError extends ImagingError {
  override readonly name = 'UnsupportedTransferSyntaxError';
  constructor(
    file: string,
    readonly uid: string,
    readonly syntaxName: string,
  ) {
    super(
      file,
      `unsupported transfer syntax ${uid} (${syntaxName}); medkit decodes uncompressed, deflated, RLE, JPEG Baseline, ` +
        `JPEG Extended, JPEG Lossless, JPEG-LS and JPEG 2000 DICOM. Convert it first, e.g. \`gdcmconv --raw in.dcm out.dcm\` or \`dcmdjpeg in.dcm out.dcm\``,
    );
  }
}

/** A box is malformed: swapped corners, not finite, or outside the image. `where` names its origin. */
export class BoxError extends ImagingError {
  override readonly name = 'BoxError';
  constructor(where: string, problem: string) {
    super(where, problem);
  }
}
