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

/** A zip of these entries, in order, deflated (or stored, for names that must stay findable as bytes). */
export function zipOf(entries: Iterable<[string, Uint8Array | string]>, options: { compress?: boolean } = {}): Promise<Uint8Array> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of entries) zip.addBuffer(Buffer.from(data), name, { compress: options.compress ?? true, mtime: new Date(0) });
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('error', reject);
    zip.outputStream.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
  });
}

/** The zip with every occurrence of the entry name `from` replaced by `to` (same length) in its headers. */
export function renameInZip(zip: Uint8Array, from: string, to: string): Uint8Array {
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
