/**
 * Test files: the real samples (testdata/), their entries, and zips made from entries, so tests
 * can change a page, swap signed values or build hostile containers in memory. yazl writes the
 * zips; names it refuses to write (`..`, absolute) are patched into the finished bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { readContainer } from '../container';

export const SAMPLES = {
  aztSign: '安证通手动盖章.ofd',
  kingGrid: '金格信创自动盖章.ofd',
  sesV4: 'SESV4SignDoc.ofd',
  invoice: '发票示例.ofd',
  digitalSign: 'DigitalSign.ofd',
} as const;

export const TESTDATA = join(__dirname, '..', '..', 'testdata');

export function sampleFile(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(TESTDATA, name)));
}

/** A sample's entries as a mutable map. */
export async function sampleEntries(name: string): Promise<Map<string, Uint8Array>> {
  return new Map(await readContainer(sampleFile(name)));
}

/**
 * A zip of these entries, in order, deflated (or stored, for names that must stay findable as bytes).
 * `extraFields` gives an entry's central directory record extra fields of one's choosing, which yazl
 * does not write: they go in as its file comment, whose length is then counted as extra field.
 */
export async function zipOf(
  entries: Iterable<[string, Uint8Array | string]>,
  options: { compress?: boolean; extraFields?: ReadonlyMap<string, Uint8Array> } = {},
): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) {
    const fileComment = options.extraFields?.get(name);
    zip.addBuffer(Buffer.from(data), name, { compress: options.compress ?? true, mtime: new Date(0), ...(fileComment ? { fileComment: Buffer.from(fileComment) } : {}) });
  }
  zip.end();
  const bytes = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
  });
  const record = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  for (let at = bytes.indexOf(record); at >= 0; at = bytes.indexOf(record, at + 1)) {
    const name = bytes.subarray(at + 46, at + 46 + bytes.readUInt16LE(at + 28)).toString();
    const comment = bytes.readUInt16LE(at + 32);
    if (!options.extraFields?.has(name) || comment === 0) continue;
    bytes.writeUInt16LE(bytes.readUInt16LE(at + 30) + comment, at + 30);
    bytes.writeUInt16LE(0, at + 32);
  }
  return new Uint8Array(bytes);
}

/** The zip with every occurrence of the entry name `from` replaced by `to` (same length) in its headers; or of any bytes. */
export function renameInZip(zip: Uint8Array, from: string | Uint8Array, to: string | Uint8Array): Uint8Array {
  const a = Buffer.from(from);
  const b = Buffer.from(to);
  if (a.length !== b.length) throw new Error('renameInZip needs names of one length');
  const out = Buffer.from(zip);
  for (let i = out.indexOf(a); i >= 0; i = out.indexOf(a, i + 1)) b.copy(out, i);
  return new Uint8Array(out);
}

/** The bytes with `part` replaced by `by` (same length) at its first occurrence. */
export function replaceBytes(bytes: Uint8Array, part: Uint8Array, by: Uint8Array): Uint8Array {
  const out = Buffer.from(bytes);
  const at = out.indexOf(Buffer.from(part));
  if (at < 0 || part.length !== by.length) throw new Error('replaceBytes: part not found or lengths differ');
  Buffer.from(by).copy(out, at);
  return new Uint8Array(out);
}
