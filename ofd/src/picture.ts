/**
 * The seal picture (印章图像) as an image to serve. Its media type comes from the bytes' own magic
 * number, not from the type the seal states, and only raster formats are served: a browser must
 * never be handed an SVG, HTML or OFD page from an untrusted file as an "image".
 */
import type { ElectronicSeal } from './ses';

export interface SealPicture {
  mediaType: 'image/png' | 'image/jpeg' | 'image/gif' | 'image/bmp';
  data: Uint8Array;
  width: number;
  height: number;
}

const MAGIC: [SealPicture['mediaType'], number[]][] = [
  ['image/png', [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ['image/jpeg', [0xff, 0xd8, 0xff]],
  ['image/gif', [0x47, 0x49, 0x46, 0x38]],
  ['image/bmp', [0x42, 0x4d]],
];

/** The seal's picture when it is a raster image; undefined otherwise (e.g. an OFD vector seal). */
export function sealPicture(seal: ElectronicSeal): SealPicture | undefined {
  const { data, width, height } = seal.picture;
  const match = MAGIC.find(([, magic]) => magic.every((byte, i) => data[i] === byte));
  return match ? { mediaType: match[0], data, width, height } : undefined;
}
