/**
 * Where the end record (APPNOTE.TXT 4.3.16, and for zip64 4.3.14–4.3.15) says the central directory
 * lies, read apart from yauzl. yauzl reads as many entries as the end record counts and ignores
 * whatever follows them; other readers go by the directory's size or scan it to its end. Comparing
 * what yauzl read with this extent refuses archives whose readers would list different entries.
 */
export interface CentralDirectoryExtent {
  offset: number;
  size: number;
  /** Where the record after the central directory starts (the zip64 end record, else the end record). */
  end: number;
}

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;

/** The extent as the end record states it; undefined when no end record is found (yauzl then refuses the archive). */
export function centralDirectoryExtent(zip: Buffer): CentralDirectoryExtent | undefined {
  // The last end record signature with room for the record, within a comment's reach of the end, as yauzl searches it.
  const floor = Math.max(0, zip.length - 22 - 0xffff);
  let at = zip.length - 22;
  while (at >= floor && zip.readUInt32LE(at) !== END) at--;
  if (at < floor) return undefined;
  const locator = at - 20;
  if (locator >= 0 && zip.readUInt32LE(locator) === ZIP64_LOCATOR) {
    const record = Number(zip.readBigUInt64LE(locator + 8));
    if (record + 56 > zip.length || zip.readUInt32LE(record) !== ZIP64_END) return undefined;
    return { size: Number(zip.readBigUInt64LE(record + 40)), offset: Number(zip.readBigUInt64LE(record + 48)), end: record };
  }
  return { size: zip.readUInt32LE(at + 12), offset: zip.readUInt32LE(at + 16), end: at };
}
