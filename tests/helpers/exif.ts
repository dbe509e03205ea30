/**
 * Puts EXIF GPS metadata into a JPEG, by hand, for tests that check it never leaves the
 * browser: an APP1 segment (`Exif\0\0`, a big-endian TIFF header, IFD0 with one GPSInfo
 * pointer, and a GPS IFD with a latitude of 48° 51' 29.5" N) inserted after the JPEG's SOI.
 *
 * @module
 */

/** Bytes a test can look for: the latitude's three rationals (48/1, 51/1, 295/10). */
export const GPS_LATITUDE_BYTES: Uint8Array = rationals([[48, 1], [51, 1], [295, 10]]);

/** `jpeg` with an APP1 Exif segment carrying a GPS position, right after its SOI marker. */
export function withExifGps(jpeg: Uint8Array): Uint8Array<ArrayBuffer> {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("not a JPEG: no SOI marker");
  // TIFF offsets count from the TIFF header: IFD0 at 8 (one entry), the GPS IFD at 26 (two
  // entries), the latitude's rationals after it at 56.
  const tiff = new Uint8Array(56 + GPS_LATITUDE_BYTES.length);
  const view = new DataView(tiff.buffer);
  tiff.set([0x4d, 0x4d, 0x00, 0x2a]); // "MM", 42
  view.setUint32(4, 8);
  view.setUint16(8, 1);
  entry(view, 10, 0x8825, 4, 1, 26); // GPSInfo: LONG offset of the GPS IFD
  view.setUint32(22, 0);
  view.setUint16(26, 2);
  entry(view, 28, 0x0001, 2, 2, 0x4e000000); // GPSLatitudeRef: ASCII "N\0"
  entry(view, 40, 0x0002, 5, 3, 56); // GPSLatitude: three RATIONALs at 56
  view.setUint32(52, 0);
  tiff.set(GPS_LATITUDE_BYTES, 56);

  const header = new TextEncoder().encode("Exif\0\0");
  const length = 2 + header.length + tiff.length;
  const out = new Uint8Array(jpeg.length + 2 + length);
  out.set([0xff, 0xd8, 0xff, 0xe1, length >> 8, length & 0xff]);
  out.set(header, 6);
  out.set(tiff, 6 + header.length);
  out.set(jpeg.subarray(2), 4 + length);
  return out;
}

/** Whether `needle` occurs in `bytes`. */
export function containsBytes(bytes: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

function entry(
  view: DataView,
  at: number,
  tag: number,
  type: number,
  count: number,
  value: number,
) {
  view.setUint16(at, tag);
  view.setUint16(at + 2, type);
  view.setUint32(at + 4, count);
  view.setUint32(at + 8, value);
}

function rationals(pairs: [number, number][]): Uint8Array {
  const out = new Uint8Array(pairs.length * 8);
  const view = new DataView(out.buffer);
  pairs.forEach(([numerator, denominator], i) => {
    view.setUint32(i * 8, numerator);
    view.setUint32(i * 8 + 4, denominator);
  });
  return out;
}
