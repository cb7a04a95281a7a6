/**
 * Signed tree heads as C2SP tlog-checkpoint notes (c2sp.org/tlog-checkpoint) with C2SP signed-note
 * signature lines (c2sp.org/signed-note), signed with SM2:
 *
 *     <origin>
 *     <tree size>
 *     <base64 root hash>
 *     [extension lines]
 *
 *     — <key name> <base64(4-byte key ID || DER SM2 signature)>
 *
 * The signature is SM2 with SM3 and the default id over the exact UTF-8 bytes of the note text
 * (the body up to and including its last newline).
 */
import { createHash } from 'node:crypto';
import { CryptoError, type CryptoErrorCode } from './errors';
import { concatBytes, equalBytes, utf8 } from './bytes';
import { sign, verify } from './sm2';
import { parsePublicKey, publicKeyFromPrivateKey } from './sm2-keys';
import { isWellFormedText } from './unicode';

/** Root hashes are SM3 (or SHA-256 for the RFC test data): 32 bytes either way. */
export const CHECKPOINT_ROOT_BYTES = 32;

/**
 * signed-note assigns no signature type byte to SM2. Its 0xff means "a type without an assigned
 * byte", RECOMMENDED to be followed by a longer identifier that will not collide; ours is the
 * OID of SM2-with-SM3 (GM/T 0006), then the uncompressed 65-byte public key, so
 * key ID = SHA-256(key name || 0x0A || 0xff || "1.2.156.10197.1.501" || 04||x||y)[:4].
 */
const SM2_KEY_TYPE = concatBytes(Uint8Array.of(0xff), utf8('1.2.156.10197.1.501'));

/** signed-note: verifiers must accept at least 16 signatures and should cap them. */
const MAX_SIGNATURES = 100;

const EM_DASH_PREFIX = '\u2014 ';
const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Unicode spaces as Go's unicode.IsSpace (the reference implementation) has them: JS \s plus
// U+0085. JS \s also has U+FEFF, which Go does not count; refusing it too is only stricter.
const BAD_KEY_NAME_CHAR = /[\s\u0085+]/u;
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

export interface CheckpointBody {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions?: string[];
}

export interface NoteSignature {
  keyName: string;
  /** The uint32 key ID (big-endian first four bytes of the signature line's payload). */
  keyId: number;
  signature: Uint8Array;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  extensions: string[];
  /** The signed note text: the body lines, each ending in a newline. */
  body: string;
  signatures: NoteSignature[];
}

export type CheckpointVerification =
  | { valid: true; checkpoint: Checkpoint }
  | { valid: false; code: CryptoErrorCode; reason: string };

function bad(message: string, line?: number): never {
  const where = line === undefined ? 'checkpoint' : `checkpoint line ${line}`;
  throw new CryptoError('BAD_CHECKPOINT', `${where}: ${message}`, line === undefined ? undefined : `line ${line}`);
}

/** A short, quoted view of offending input for error messages. */
const show = (s: string): string => JSON.stringify(s.length > 40 ? s.slice(0, 40) + '…' : s);

/** The note text of a checkpoint: origin, size, base64 root and extension lines, each ending in a newline. */
export function formatCheckpoint({ origin, size, root, extensions = [] }: CheckpointBody): string {
  if (!(root instanceof Uint8Array)) throw new CryptoError('BAD_ARGUMENT', 'root must be a Uint8Array', 'root');
  if (!Array.isArray(extensions)) throw new CryptoError('BAD_ARGUMENT', 'extensions must be an array', 'extensions');
  // A newline or an empty text would shift the lines (an empty one would end the body early).
  [origin, ...extensions].forEach((text, i) => {
    if (typeof text !== 'string' || text === '' || text.includes('\n')) {
      bad(`${i === 0 ? 'origin' : 'extension line'} must be a non-empty string without newlines`, i === 0 ? 1 : i + 3);
    }
  });
  const sizeLine = typeof size === 'number' ? String(size) : '';
  const body = joinLines([origin, sizeLine, Buffer.from(root).toString('base64'), ...extensions]);
  // Parsing what we produce applies the same rules in one place (and catches e.g. size 1.5).
  parseBody(splitNote(body).bodyLines);
  return body;
}

/**
 * Parses a signed checkpoint strictly: a body as tlog-checkpoint defines it, a blank line, then one
 * or more signature lines. Signature lines are decoded, not verified (that is verifyCheckpoint).
 */
export function parseCheckpoint(text: string): Checkpoint {
  const { bodyLines, signatureLines } = splitNote(text);
  const fields = parseBody(bodyLines);
  if (signatureLines.length === 0) bad('no signature lines after the blank line', bodyLines.length + 2);
  if (signatureLines.length > MAX_SIGNATURES) bad(`more than ${MAX_SIGNATURES} signatures`);
  const signatures = signatureLines.map((line, i) => parseSignatureLine(line, bodyLines.length + 2 + i));
  return { ...fields, body: joinLines(bodyLines), signatures };
}

/** signed-note key ID for an SM2 key: see SM2_KEY_TYPE. */
export function checkpointKeyId(keyName: string, publicKey: Uint8Array | string): number {
  checkKeyName(keyName);
  const digest = createHash('sha256')
    .update(utf8(keyName))
    .update(Uint8Array.of(0x0a))
    .update(SM2_KEY_TYPE)
    .update(parsePublicKey(publicKey))
    .digest();
  return digest.readUInt32BE(0);
}

/**
 * Adds an SM2 signature line to a checkpoint: `note` is a bare body (from formatCheckpoint) or an
 * already signed checkpoint, which gains one more signature (a cosignature).
 */
export function signCheckpoint(note: string, keyName: string, privateKey: Uint8Array, publicKey: Uint8Array | string): string {
  const { bodyLines, signatureLines } = splitNote(note);
  parseBody(bodyLines);
  signatureLines.forEach((line, i) => parseSignatureLine(line, bodyLines.length + 2 + i));
  if (signatureLines.length >= MAX_SIGNATURES) bad(`already has ${MAX_SIGNATURES} signatures`);
  // The key ID names the public key: a mismatched pair would sign under a name nobody can verify.
  if (!equalBytes(publicKeyFromPrivateKey(privateKey), parsePublicKey(publicKey))) {
    throw new CryptoError('KEY_MISMATCH', 'publicKey is not the public key of privateKey', 'publicKey');
  }
  const body = joinLines(bodyLines);
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(checkpointKeyId(keyName, publicKey));
  const signature = Buffer.concat([payload, sign(utf8(body), privateKey)]).toString('base64');
  return `${body}\n${joinLines([...signatureLines, `${EM_DASH_PREFIX}${keyName} ${signature}`])}`;
}

/**
 * Verifies the signature(s) of the key (`keyName`, `publicKey`) on a checkpoint, as signed-note
 * says: lines of other keys are ignored (even if they share the name or the ID, but not both);
 * at least one line must be of this key, and every line of this key must verify. Never throws.
 */
export function verifyCheckpoint(text: string, keyName: string, publicKey: Uint8Array | string): CheckpointVerification {
  try {
    const checkpoint = parseCheckpoint(text);
    const keyId = checkpointKeyId(keyName, publicKey);
    const mine = checkpoint.signatures.filter((s) => s.keyName === keyName && s.keyId === keyId);
    if (mine.length === 0) {
      return { valid: false, code: 'BAD_CHECKPOINT', reason: `no signature by ${keyName} (key ID ${hex32(keyId)})` };
    }
    const message = utf8(checkpoint.body);
    for (const s of mine) {
      const result = verify(message, s.signature, publicKey);
      if (!result.valid) return { valid: false, code: result.code, reason: `signature by ${keyName}: ${result.reason}` };
    }
    return { valid: true, checkpoint };
  } catch (err) {
    if (err instanceof CryptoError) return { valid: false, code: err.code, reason: err.message };
    throw err;
  }
}

const hex32 = (n: number): string => n.toString(16).padStart(8, '0');
const joinLines = (lines: string[]): string => lines.map((l) => `${l}\n`).join('');

/** The note's lines, split at the blank line; the signature part is empty for a bare body. */
function splitNote(text: string): { bodyLines: string[]; signatureLines: string[] } {
  if (typeof text !== 'string') throw new CryptoError('BAD_ARGUMENT', 'checkpoint must be a string', 'checkpoint');
  const lines = text.split('\n');
  // A final newline leaves one empty string after the split; anything else is an unterminated line.
  if (lines.pop() !== '') bad('does not end with a newline', lines.length + 1);
  lines.forEach((line, i) => {
    if (CONTROL.test(line)) bad('contains a control character (signed-note allows only newlines)', i + 1);
    if (!isWellFormedText(line)) bad('is not valid UTF-8 (lone surrogate)', i + 1);
  });
  // The body has no empty lines, so the first empty line is the separator.
  const blank = lines.indexOf('');
  return blank < 0
    ? { bodyLines: lines, signatureLines: [] }
    : { bodyLines: lines.slice(0, blank), signatureLines: lines.slice(blank + 1) };
}

function parseBody(lines: string[]): Omit<Checkpoint, 'body' | 'signatures'> {
  if (lines.length < 3) bad(`needs origin, size and root lines, got ${lines.length} line(s)`, lines.length + 1);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') bad('origin is empty', 1);
  if (!DECIMAL.test(sizeLine)) bad(`tree size ${show(sizeLine)} is not a decimal without leading zeros`, 2);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) bad(`tree size ${show(sizeLine)} exceeds 2^53 - 1`, 2);
  const root = decodeBase64(rootLine, 3, 'root hash');
  if (root.length !== CHECKPOINT_ROOT_BYTES) bad(`root hash is ${root.length} bytes, expected ${CHECKPOINT_ROOT_BYTES}`, 3);
  extensions.forEach((line, i) => {
    if (line === '') bad('extension line is empty', 4 + i);
  });
  return { origin, size, root, extensions };
}

function parseSignatureLine(line: string, lineNumber: number): NoteSignature {
  if (!line.startsWith(EM_DASH_PREFIX)) bad(`signature line must start with "— " (U+2014, space), got ${show(line)}`, lineNumber);
  const fields = line.slice(EM_DASH_PREFIX.length).split(' ');
  if (fields.length !== 2) bad('signature line must be "— <key name> <base64 signature>"', lineNumber);
  const [keyName, encoded] = fields as [string, string];
  if (!isKeyName(keyName)) bad(`key name ${show(keyName)} is empty or has a space or "+"`, lineNumber);
  const payload = decodeBase64(encoded, lineNumber, 'signature');
  if (payload.length < 5) bad('signature is shorter than a key ID and one byte', lineNumber);
  return {
    keyName,
    keyId: Buffer.from(payload.buffer, payload.byteOffset, 4).readUInt32BE(0),
    signature: payload.slice(4),
  };
}

function isKeyName(name: string): boolean {
  return typeof name === 'string' && name !== '' && !BAD_KEY_NAME_CHAR.test(name) && !CONTROL.test(name) && isWellFormedText(name);
}

function checkKeyName(name: string): void {
  if (!isKeyName(name)) {
    throw new CryptoError('BAD_ARGUMENT', `key name ${show(String(name))} must be non-empty, without spaces, "+" or control characters`, 'keyName');
  }
}

/** RFC 4648 §4 base64, canonical only (padding present, no stray bits), so each value has one text form. */
function decodeBase64(text: string, line: number, what: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (text === '' || text.length % 4 !== 0 || !BASE64.test(text) || bytes.toString('base64') !== text) {
    bad(`${what} is not canonical base64`, line);
  }
  return new Uint8Array(bytes);
}
