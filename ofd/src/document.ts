/**
 * The structure of an OFD (GB/T 33190): OFD.xml → each DocBody's document (Document.xml, its pages)
 * and its signature list (Signatures.xml) → each Signature.xml with its references, stamp positions,
 * seal and signed value. Only these small XML files are parsed; pages and resources are bytes that
 * the references cover.
 */
import { type Container, isSafePath } from './container';
import { OfdError } from './errors';
import { type XmlElement, child, children, parseXml } from './xml';

/** A page of a document: its ID (what a StampAnnot's PageRef names) and its 1-based number. */
export interface OfdPage {
  id: string;
  number: number;
  path: string;
}

/** 签章位置: where a seal's appearance is drawn. */
export interface StampPosition {
  pageRef: string;
  /** The page number the PageRef names, undefined when it names no page of the document. */
  page: number | undefined;
  /** x y width height in millimetres, as the OFD gives it. */
  boundary: string;
}

export interface SignatureReference {
  /** The referenced file, resolved to a container path. */
  path: string;
  /** Base64 of the check value as the file states it. */
  checkValue: string;
}

/** One Signature.xml as declared: what it covers and where its parts are. */
export interface DeclaredSignature {
  id: string;
  /** Seal: 电子签章 with a seal; Sign: a plain digital signature. */
  type: string;
  /** Container path of Signature.xml (the signed content: its SM3 is what the signed value covers). */
  path: string;
  signedValuePath: string;
  signatureMethod: string;
  signatureDateTime: string;
  checkMethod: string;
  references: SignatureReference[];
  stamps: StampPosition[];
  sealPath: string | undefined;
  provider: string | undefined;
}

export interface OfdDocument {
  /** Container path of Document.xml. */
  path: string;
  pages: OfdPage[];
  signaturesPath: string | undefined;
  signatures: DeclaredSignature[];
}

/**
 * Bounds on the work one file may ask for, far above what seal products write (the samples: one
 * document, two signatures, fifteen references). A signature cannot protect more distinct files than
 * a container may hold.
 */
export const OFD_LIMITS = { documents: 64, signatures: 100, referencesPerSignature: 5000 } as const;

function withinLimit<T>(items: T[], limit: number, what: string, path: string): T[] {
  if (items.length > limit) throw new OfdError('OFD_LIMIT', `${path} has ${items.length} ${what}, more than the ${limit} allowed`, path);
  return items;
}

/** Refuses a path named twice where each is work (a signature verified again, a file hashed again). */
function once(seen: Set<string>, path: string, what: string, where: string): string {
  if (seen.has(path)) throw new OfdError('NOT_OFD', `${where} names ${what} ${path} again`, where);
  seen.add(path);
  return path;
}

export interface OfdPackage {
  container: Container;
  documents: OfdDocument[];
}

/** A file's folder inside the container ('' for the root). */
function folderOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/**
 * A location as an OFD spells it (absolute from the container root, or relative to the folder of
 * the file that names it) as a container path. `..` may climb within the container, never above.
 */
export function resolveLocation(location: string, base: string): string {
  const trimmed = location.trim();
  const segments = trimmed.startsWith('/') ? [] : folderOf(base).split('/').filter(Boolean);
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) throw new OfdError('UNSAFE_PATH', `${base} names ${JSON.stringify(location)}, which lies outside the container`, base);
      segments.pop();
    } else segments.push(segment);
  }
  const path = segments.join('/');
  if (!isSafePath(path)) throw new OfdError('UNSAFE_PATH', `${base} names ${JSON.stringify(location)}, which is not a container path`, base);
  return path;
}

function xmlFile(container: Container, path: string, root?: string): XmlElement {
  const bytes = container.get(path);
  if (!bytes) throw new OfdError('NOT_OFD', `${path} is named but not in the container`, path);
  const element = parseXml(bytes, path);
  // A file named as one part but holding another (a page named as a signature list) is no OFD.
  if (root && element.name !== root) throw new OfdError('NOT_OFD', `${path} is named as ${root} but holds ${element.name}`, path);
  return element;
}

function required(element: XmlElement, name: string, path: string): XmlElement {
  const found = child(element, name);
  if (!found) throw new OfdError('NOT_OFD', `${path}: ${element.name} has no ${name}`, path);
  return found;
}

function readPages(container: Container, path: string): OfdPage[] {
  const root = xmlFile(container, path, 'Document');
  const pages = child(root, 'Pages');
  return (pages ? children(pages, 'Page') : []).map((page, i) => ({
    id: page.attributes.ID ?? '',
    number: i + 1,
    path: resolveLocation(page.attributes.BaseLoc ?? '', path),
  }));
}

function readSignature(container: Container, id: string, type: string, path: string, pageNumbers: Map<string, number>): DeclaredSignature {
  const root = xmlFile(container, path, 'Signature');
  const info = required(root, 'SignedInfo', path);
  const references = child(info, 'References');
  const seal = child(info, 'Seal');
  const sealLocation = seal && child(seal, 'BaseLoc')?.text;
  const provider = child(info, 'Provider')?.attributes;
  const referenced = new Set<string>();
  return {
    id,
    type,
    path,
    signedValuePath: resolveLocation(required(root, 'SignedValue', path).text, path),
    signatureMethod: child(info, 'SignatureMethod')?.text ?? '',
    signatureDateTime: child(info, 'SignatureDateTime')?.text ?? '',
    checkMethod: references?.attributes.CheckMethod ?? '',
    references: withinLimit(references ? children(references, 'Reference') : [], OFD_LIMITS.referencesPerSignature, 'references', path).map((ref) => ({
      path: once(referenced, resolveLocation(ref.attributes.FileRef ?? '', path), 'the file', path),
      checkValue: child(ref, 'CheckValue')?.text ?? '',
    })),
    stamps: children(info, 'StampAnnot').map((stamp) => {
      const pageRef = stamp.attributes.PageRef ?? '';
      return { pageRef, page: pageNumbers.get(pageRef), boundary: stamp.attributes.Boundary ?? '' };
    }),
    sealPath: sealLocation ? resolveLocation(sealLocation, path) : undefined,
    provider: provider ? [provider.ProviderName, provider.Version].filter(Boolean).join(' ') : undefined,
  };
}

/** One DocBody; `seen` holds the Document.xml and Signature.xml paths of the documents read before it. */
function readDocument(container: Container, body: XmlElement, seen: { roots: Set<string>; signatures: Set<string> }): OfdDocument {
  const path = once(seen.roots, resolveLocation(required(body, 'DocRoot', 'OFD.xml').text, 'OFD.xml'), 'the document', 'OFD.xml');
  const pages = readPages(container, path);
  const signaturesLocation = child(body, 'Signatures')?.text;
  if (!signaturesLocation) return { path, pages, signaturesPath: undefined, signatures: [] };
  const signaturesPath = resolveLocation(signaturesLocation, 'OFD.xml');
  const list = xmlFile(container, signaturesPath, 'Signatures');
  const pageNumbers = new Map<string, number>();
  for (const page of pages) if (!pageNumbers.has(page.id)) pageNumbers.set(page.id, page.number);
  const entries = children(list, 'Signature');
  if (seen.signatures.size + entries.length > OFD_LIMITS.signatures) {
    throw new OfdError('OFD_LIMIT', `the signature lists name more than the ${OFD_LIMITS.signatures} signatures allowed in one file`, signaturesPath);
  }
  const signatures = entries.map((entry) => {
    const signaturePath = once(seen.signatures, resolveLocation(entry.attributes.BaseLoc ?? '', signaturesPath), 'the signature', signaturesPath);
    return readSignature(container, entry.attributes.ID ?? '', entry.attributes.Type ?? 'Seal', signaturePath, pageNumbers);
  });
  return { path, pages, signaturesPath, signatures };
}

/** The documents of a container and what their signatures declare. */
export function readOfd(container: Container): OfdPackage {
  if (!container.has('OFD.xml')) throw new OfdError('NOT_OFD', 'the container has no OFD.xml: not an OFD document');
  const root = xmlFile(container, 'OFD.xml', 'OFD');
  const bodies = withinLimit(children(root, 'DocBody'), OFD_LIMITS.documents, 'documents (DocBody)', 'OFD.xml');
  if (bodies.length === 0) throw new OfdError('NOT_OFD', 'OFD.xml has no DocBody', 'OFD.xml');
  const seen = { roots: new Set<string>(), signatures: new Set<string>() };
  return { container, documents: bodies.map((body) => readDocument(container, body, seen)) };
}
