/**
 * I-JSON (RFC 7493 §2.3) forbids an object with two members of the same name; JSON.parse keeps the
 * last one silently, so a body could be read differently by two parsers, or recorded other than its
 * sender meant. This scanner finds such a name in JSON text that already parsed: it only tracks
 * where it is and the names of the objects it is in, skipping string values with indexOf, so a
 * 100,000-digest anchor batch costs a fraction of its parse.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

interface Frame {
  /** The member names seen so far; undefined in an array. */
  names: Set<string> | undefined;
  /** The current member's name, or the current element's index. */
  at: string | number;
  /** In an object: the next string is a member name. */
  expectName: boolean;
}

/** The index of the quote that closes the string opening at `start`. */
function stringEnd(text: string, start: number): number {
  let end = text.indexOf('"', start + 1);
  for (;;) {
    let slashes = 0;
    while (text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return end;
    end = text.indexOf('"', end + 1);
  }
}

/**
 * The path (names and indexes from the root) of the first member whose name its object already
 * holds, or undefined when every object's names are distinct. `text` must be valid JSON.
 */
export function duplicateMember(text: string): (string | number)[] | undefined {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const top = stack[stack.length - 1];
      if (top?.names && top.expectName) {
        const raw = text.slice(i + 1, end);
        // Escapes name the same member in other spellings ("a" and "\u0061"): compare decoded names.
        const name = raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
        top.at = name;
        if (top.names.has(name)) return stack.map((frame) => frame.at);
        top.names.add(name);
        top.expectName = false;
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      stack.push({ names: new Set(), at: '', expectName: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ names: undefined, at: 0, expectName: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1]!;
      if (top.names) top.expectName = true;
      else top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}

/**
 * JSON.parse that refuses what I-JSON refuses and JSON.parse would quietly resolve: a member name
 * given twice in one object (the last would win, so two readers could see two documents).
 */
export function parseIJson(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  const duplicate = duplicateMember(text);
  if (duplicate !== undefined) throw new SyntaxError(`the member name at ${duplicate.map(String).join('.') || '(root)'} appears twice in one object (I-JSON, RFC 7493 §2.3)`);
  return parsed;
}
