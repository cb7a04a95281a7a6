/**
 * The small XML documents of an OFD (OFD.xml, Document.xml, Signatures.xml, Signature.xml) read
 * into a tree with saxes: a conforming, non-validating parser that never fetches anything and expands
 * only XML's five predefined entities. A DOCTYPE is refused outright, so no DTD, no external entity
 * (XXE) and no entity expansion ("billion laughs") can reach it; depth and element count are bounded.
 */
import { SaxesParser } from 'saxes';
import { OfdError } from './errors';

/** An element by its local name (OFD producers differ in prefixes, some omit the namespace). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, trimmed. */
  text: string;
}

export interface XmlLimits {
  maxDepth: number;
  maxElements: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxDepth: 64, maxElements: 100_000 };

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

/** Parses one XML document; `path` names it in errors. */
export function parseXml(bytes: Uint8Array, path: string, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const fail = (why: string) => new OfdError('BAD_XML', `${path}: ${why}`, path);
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  let root: XmlElement | undefined;
  let count = 0;
  let error: OfdError | undefined;
  parser.on('doctype', () => {
    throw fail('a DOCTYPE (DTD) is not allowed in an OFD');
  });
  parser.on('opentag', (tag) => {
    if (stack.length >= limits.maxDepth) throw fail(`elements nested deeper than ${limits.maxDepth}`);
    if (++count > limits.maxElements) throw fail(`more than ${limits.maxElements} elements`);
    const attributes: Record<string, string> = {};
    for (const [name, value] of Object.entries(tag.attributes)) attributes[localName(name)] = value as string;
    const element: XmlElement = { name: localName(tag.name), attributes, children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1]!.children.push(element);
    else root = element;
    stack.push(element);
    texts.push([]);
  });
  parser.on('text', (text) => texts[texts.length - 1]?.push(text));
  parser.on('cdata', (text) => texts[texts.length - 1]?.push(text));
  parser.on('closetag', () => {
    stack.pop()!.text = texts.pop()!.join('').trim();
  });
  parser.on('error', (err) => {
    throw err instanceof OfdError ? err : fail(err.message);
  });
  try {
    parser.write(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).close();
  } catch (err) {
    error = err instanceof OfdError ? err : fail(err instanceof Error ? err.message : String(err));
  }
  if (error) throw error;
  if (!root) throw fail('no root element');
  return root;
}

/** The first child element with this local name. */
export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

/** Every child element with this local name. */
export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
