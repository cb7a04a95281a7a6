/**
 * The OFD container (GB/T 33190 §7.2: a zip archive) read with yauzl, entry by entry through a
 * bounded inflater. yauzl checks every entry's declared sizes against what inflates, so the limits
 * below hold for the bytes actually produced: a zip bomb is refused by its declared ratio or size
 * before it is inflated, and one whose headers lie is cut off where it passes them.
 */
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { OfdError } from './errors';
import { type LocalSpan, descriptorEnd, layoutDisagreement } from './zip-layout';

export interface ContainerLimits {
  maxEntries: number;
  /** Uncompressed bytes of one entry. */
  maxEntryBytes: number;
  /** Uncompressed bytes of all entries together. */
  maxTotalBytes: number;
  /**
   * Uncompressed / compressed size of an entry above `ratioFloorBytes`, and of all entries together
   * against the archive's size once they pass that floor; deflate itself tops out near 1032.
   */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_CONTAINER_LIMITS: ContainerLimits = {
  maxEntries: 5000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxRatio: 200,
  ratioFloorBytes: 1024 * 1024,
};

/** The files of a container by their path inside it, without a leading '/'. */
export type Container = ReadonlyMap<string, Uint8Array>;

/**
 * A safe container path: relative, forward slashes, no empty, '.' or '..' segment. Entry names
 * and references that break this are refused, never normalised, so no name can reach a file
 * other than the one it spells.
 */
export function isSafePath(path: string): boolean {
  if (path.length === 0 || path.length > 1024 || path.startsWith('/') || /[\\\0:]/.test(path)) return false;
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}

function zipError(err: Error): OfdError {
  if (err instanceof OfdError) return err;
  // yauzl's own refusal of an entry name ("invalid relative path", "absolute path", backslashes).
  if (/path|characters/i.test(err.message)) return new OfdError('UNSAFE_PATH', `zip entry refused: ${err.message}`);
  return new OfdError('NOT_A_ZIP', `not a readable zip archive: ${err.message}`);
}

/** Reads every file entry of a zip held in memory, within the limits. */
export function readContainer(zip: Uint8Array, limits: ContainerLimits = DEFAULT_CONTAINER_LIMITS): Promise<Container> {
  const buffer = Buffer.from(zip.buffer, zip.byteOffset, zip.byteLength);
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (openErr, zipfile) => {
      if (openErr || !zipfile) return reject(zipError(openErr ?? new Error('no archive')));
      if (zipfile.entryCount > limits.maxEntries) {
        return reject(new OfdError('ZIP_LIMIT', `the archive has ${zipfile.entryCount} entries, more than the ${limits.maxEntries} allowed`));
      }
      const files = new Map<string, Uint8Array>();
      let total = 0;
      let directoryBytes = 0;
      const spans: LocalSpan[] = [];
      let failed = false;
      const fail = (err: Error) => {
        if (failed) return;
        failed = true;
        zipfile.close();
        reject(zipError(err));
      };
      zipfile.on('error', fail);
      zipfile.on('end', () => {
        const disagreement = layoutDisagreement(buffer, directoryBytes, spans);
        if (disagreement) fail(new OfdError('NOT_A_ZIP', `${disagreement}: readers would list different files`));
        else if (!failed) resolve(files);
      });
      const inflate = (entry: yauzl.Entry) => {
        const name = entry.fileName;
        zipfile.openReadStream(entry, (streamErr, stream) => {
          if (streamErr || !stream) return fail(streamErr ?? new Error(`cannot read ${name}`));
          const chunks: Buffer[] = [];
          let crc = 0;
          stream.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            crc = zlib.crc32(chunk, crc);
          });
          stream.on('error', fail);
          stream.on('end', () => {
            // yauzl checks sizes, not the CRC-32; other readers refuse an entry whose CRC does not match.
            if (crc !== entry.crc32) return fail(new OfdError('NOT_A_ZIP', `zip entry ${name} does not match its CRC-32: it is damaged or was altered`, name));
            files.set(name, new Uint8Array(Buffer.concat(chunks)));
            zipfile.readEntry();
          });
        });
      };
      zipfile.on('entry', (entry: yauzl.Entry) => {
        const name = entry.fileName;
        directoryBytes += 46 + entry.fileNameLength + entry.extraFieldLength + entry.fileCommentLength;
        const refusal = nameRefusal(entry) ?? (name.endsWith('/') ? undefined : entryRefusal(entry, files, total, zip.length, limits));
        if (refusal) return fail(refusal);
        zipfile.readLocalFileHeader(entry, (headerErr, header) => {
          if (headerErr) return fail(headerErr);
          const zip64 = entry.extraFields.some((field) => field.id === 1);
          spans.push({ start: entry.relativeOffsetOfLocalHeader, end: descriptorEnd(buffer, header.fileDataStart + entry.compressedSize, entry.generalPurposeBitFlag, zip64) });
          // Streaming readers (Java's ZipInputStream) go by the local header's name, not the central directory's.
          if (!header.fileName.equals(entry.fileNameRaw)) {
            return fail(new OfdError('UNSAFE_PATH', `zip entry ${name} has another name in its local header: readers would disagree on its name`, name));
          }
          if (name.endsWith('/')) return zipfile.readEntry(); // an empty folder
          total += entry.uncompressedSize;
          inflate(entry);
        });
      });
      zipfile.readEntry();
    });
  });
}

/**
 * Names that readers would resolve differently. yauzl takes an Info-ZIP Unicode Path field (0x7075)
 * over the raw name when its CRC matches; other readers skip that check or ignore the field. A
 * field naming anything but the raw name is refused, as is a "folder" that holds data.
 */
function nameRefusal(entry: yauzl.Entry): OfdError | undefined {
  const name = entry.fileName;
  const unicode = entry.extraFields.find((field) => field.id === 0x7075 && !field.data.subarray(5).equals(entry.fileNameRaw));
  if (unicode) return new OfdError('UNSAFE_PATH', `zip entry ${JSON.stringify(name)} has a Unicode Path field naming another file: readers would disagree on its name`, name);
  if (name.endsWith('/') && (entry.uncompressedSize > 0 || entry.compressedSize > 0)) {
    return new OfdError('UNSAFE_PATH', `zip entry ${name} is named as a folder but holds data: readers would disagree on whether it is a file`, name);
  }
  return undefined;
}

function entryRefusal(entry: yauzl.Entry, files: Map<string, Uint8Array>, total: number, zipBytes: number, limits: ContainerLimits): OfdError | undefined {
  const name = entry.fileName;
  if (!isSafePath(name)) return new OfdError('UNSAFE_PATH', `zip entry ${JSON.stringify(name)} is not a plain relative path`, name);
  if (files.has(name)) return new OfdError('UNSAFE_PATH', `zip entry ${name} occurs twice: readers would disagree on its content`, name);
  if (entry.isEncrypted()) return new OfdError('NOT_A_ZIP', `zip entry ${name} is encrypted`, name);
  const size = entry.uncompressedSize;
  if (size > limits.maxEntryBytes) {
    return new OfdError('ZIP_LIMIT', `zip entry ${name} inflates to ${size} bytes, more than the ${limits.maxEntryBytes} allowed`, name);
  }
  if (total + size > limits.maxTotalBytes) {
    return new OfdError('ZIP_LIMIT', `the archive inflates to more than the ${limits.maxTotalBytes} bytes allowed`, name);
  }
  if (size > limits.ratioFloorBytes && size > limits.maxRatio * Math.max(entry.compressedSize, 1)) {
    return new OfdError('ZIP_LIMIT', `zip entry ${name} inflates ${Math.round(size / Math.max(entry.compressedSize, 1))}-fold: a zip bomb`, name);
  }
  // Entries each below the floor could otherwise add up to the total limit from a small file.
  if (total + size > Math.max(limits.ratioFloorBytes, limits.maxRatio * zipBytes)) {
    return new OfdError('ZIP_LIMIT', `the archive inflates to more than ${limits.maxRatio} times its ${zipBytes} bytes: a zip bomb`, name);
  }
  return undefined;
}
