/**
 * RFC 8785 JSON Canonicalization Scheme: the one byte form of a record that agencies sign and that
 * endorsing peers write, so every party hashes exactly the same bytes.
 *
 * Only what I-JSON (RFC 7493) can carry is accepted; anything JSON.stringify would silently drop,
 * coerce or call `toJSON` on is refused instead, naming where in the value it sits.
 */
import { CryptoError } from './errors';
import { utf8 } from './bytes';
import { isWellFormedText } from './unicode';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/**
 * Deepest nesting of arrays and objects accepted (serde_json's default limit). Records are a few
 * levels deep; without a limit a deeper value overflows the call stack, a RangeError at a depth
 * that depends on the stack size, so two endorsing peers could disagree on one request.
 */
export const MAX_CANONICAL_JSON_DEPTH = 128;

/** The canonical JSON text of `value` (RFC 8785). Throws CryptoError NOT_CANONICAL_JSON. */
export function canonicalize(value: unknown): string {
  return serialize(value, null, new Set());
}

/** UTF-8 bytes of `canonicalize(value)`: what gets hashed and signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}

/**
 * Where a value sits: the step from its container (a key or an index) and the container's place.
 * Spelled out as `$.a[0]["b c"]` only when refused: building that text for every member cost a
 * third of canonicalising a record.
 */
type Place = { readonly up: Place; readonly step: string | number } | null;

function spell(place: Place): string {
  if (place === null) return '$';
  const { up, step } = place;
  if (typeof step === 'number') return `${spell(up)}[${step}]`;
  return IDENTIFIER.test(step) ? `${spell(up)}.${step}` : `${spell(up)}[${JSON.stringify(step)}]`;
}

function refuse(place: Place, what: string): never {
  const path = spell(place);
  throw new CryptoError('NOT_CANONICAL_JSON', `${path}: ${what} cannot be canonical JSON (RFC 8785)`, path);
}

function serialize(value: unknown, place: Place, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return quote(value, place, 'string');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) refuse(place, String(value));
      // §3.2.2.3: ECMAScript Number::toString, which also turns -0 into "0".
      return String(value);
    case 'object':
      if (value === null) return 'null';
      break;
    default:
      refuse(place, typeof value);
  }

  const object = value as object;
  if (ancestors.has(object)) refuse(place, 'a cycle');
  // The ancestors are exactly the enclosing arrays and objects: their number is the depth.
  if (ancestors.size >= MAX_CANONICAL_JSON_DEPTH) refuse(place, `nesting deeper than ${MAX_CANONICAL_JSON_DEPTH} levels`);
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = '[';
    // Indexed loop, not map(): map() skips holes, and a hole is an undefined to refuse.
    for (let i = 0; i < object.length; i++) text += `${i > 0 ? ',' : ''}${serialize(object[i], { up: place, step: i }, ancestors)}`;
    text += ']';
  } else {
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (proto?.constructor as { name?: unknown } | undefined)?.name;
      refuse(place, `a non-plain object (${typeof kind === 'string' && kind ? kind : 'unknown prototype'})`);
    }
    if (Object.getOwnPropertySymbols(object).length > 0) refuse(place, 'a symbol-keyed property');
    // §3.2.3: sort by UTF-16 code units, which is what the default sort compares.
    const keys = Object.keys(object).sort();
    text = '{';
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const member = { up: place, step: key };
      text += `${i > 0 ? ',' : ''}${quote(key, member, 'key')}:${serialize((object as Record<string, unknown>)[key], member, ancestors)}`;
    }
    text += '}';
  }
  ancestors.delete(object);
  return text;
}

/**
 * §3.2.2.2 escaping. For well-formed strings JSON.stringify (ES2019+) already emits exactly that
 * form: the two-character escapes, \u00xx in lower-case hex for other controls, everything else
 * (including Chinese text) as itself. Lone surrogates it would escape; RFC 8785 rejects them.
 */
function quote(text: string, place: Place, what: string): string {
  if (!isWellFormedText(text)) refuse(place, `a ${what} with a lone surrogate`);
  return JSON.stringify(text);
}

