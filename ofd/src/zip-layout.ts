/**
 * The layout of a zip as readers other than yauzl see it. yauzl reads the entries the end record
 * counts (APPNOTE.TXT 4.3.16; zip64 4.3.14–4.3.15) at the offsets the central directory gives and
 * ignores everything else; other readers go by the directory's size or scan it to its end, and
 * streaming readers (Java's ZipInputStream) read the local entries from the start of the file. An
 * archive is accepted only when all of them must see the same entries: the counted records fill the
 * central directory, and the local entries fill the file before it with nothing between or before.
 */

/** Where one local entry lies: its local header's offset, and the end of its data and data descriptor. */
export interface LocalSpan {
  start: number;
  end: number;
}

const END = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const DESCRIPTOR = 0x08074b50;

/** The central directory's extent as the end record states it, and where the record after it starts. */
function centralDirectory(zip: Buffer): { offset: number; size: number; end: number } | undefined {
  // The last end record signature within a comment's reach of the end, as yauzl searches it.
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

/** The end of an entry's data descriptor (general purpose flag bit 3), or of its data when it has none. */
export function descriptorEnd(zip: Buffer, dataEnd: number, flags: number, zip64: boolean): number {
  if ((flags & 8) === 0) return dataEnd;
  const signature = dataEnd + 4 <= zip.length && zip.readUInt32LE(dataEnd) === DESCRIPTOR ? 4 : 0;
  return dataEnd + signature + (zip64 ? 20 : 12);
}

/** Why readers could see different entries in this archive; undefined when they cannot. */
export function layoutDisagreement(zip: Buffer, directoryBytes: number, spans: LocalSpan[]): string | undefined {
  const directory = centralDirectory(zip);
  if (!directory || directory.size !== directoryBytes || directory.offset + directory.size !== directory.end) {
    return 'the central directory holds more than the entries its end record counts';
  }
  let next = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.start !== next) return span.start > next ? `bytes at ${next} belong to no entry the central directory lists` : `entries overlap at ${span.start}`;
    next = span.end;
  }
  return next === directory.offset ? undefined : `bytes at ${next} belong to no entry the central directory lists`;
}
