/**
 * SM2 signature values as seal products write them. GM/T 0009 says DER SEQUENCE { r, s } with
 * minimal, non-negative INTEGERs, and crypto/ accepts only that (or 64 bytes r||s). Some products
 * (AztSign's seal maker among them) drop the 0x00 that keeps an INTEGER with its top bit set
 * positive. Such a value is read here as the unsigned r and s it obviously means, handed on as
 * r||s, and the lapse is stated in the report rather than passed over.
 */
import * as asn1js from 'asn1js';
import { fromBer } from './ses';

export interface SignatureValue {
  /** What crypto's verify takes: the DER as given, or r||s when the DER was not strict. */
  value: Uint8Array;
  /** Set when the DER was read leniently: what was wrong with it. */
  lapse: string | undefined;
}

function unsigned32(content: Uint8Array): Uint8Array | undefined {
  let start = 0;
  while (start < content.length - 1 && content[start] === 0) start++;
  const digits = content.subarray(start);
  if (digits.length > 32) return undefined;
  const out = new Uint8Array(32);
  out.set(digits, 32 - digits.length);
  return out;
}

/** The items of a DER SEQUENCE that fills `bytes`; undefined when the bytes are no such thing (then crypto's verify judges them). */
function sequenceItems(bytes: Uint8Array): asn1js.BaseBlock[] | undefined {
  try {
    const parsed = fromBer(bytes, 'the signature');
    return parsed.offset === bytes.length ? (parsed.result as asn1js.Sequence).valueBlock?.value : undefined;
  } catch {
    return undefined;
  }
}

export function signatureValue(bytes: Uint8Array): SignatureValue {
  if (bytes[0] !== 0x30) return { value: bytes, lapse: undefined };
  const parts = sequenceItems(bytes);
  if (!parts || parts.length !== 2 || !parts.every((p) => p instanceof asn1js.Integer)) return { value: bytes, lapse: undefined };
  const [r, s] = parts.map((p) => new Uint8Array((p as asn1js.Integer).valueBlock.valueHexView));
  const negative = (r![0]! & 0x80) !== 0 || (s![0]! & 0x80) !== 0;
  if (!negative) return { value: bytes, lapse: undefined };
  const rRaw = unsigned32(r!);
  const sRaw = unsigned32(s!);
  if (!rRaw || !sRaw) return { value: bytes, lapse: undefined };
  return { value: Uint8Array.from([...rRaw, ...sRaw]), lapse: 'its DER INTEGERs lack the leading 0x00 of a positive number (not strict GM/T 0009 DER)' };
}
