/**
 * The files a reader shows for one document (GB/T 33190): Document.xml, its pages and
 * templates, the resource files they name (PublicRes, DocumentRes, a page's PageRes) with the fonts
 * and media those list, and the annotation, attachment and custom-tag files. The signatures of the
 * document's own DocBody must protect every one of these that is present: OFD.xml is often left
 * unsigned, so its DocRoot can be pointed at a document that other files or another signer supply.
 */
import type { Container } from './container';
import { type OfdDocument, resolveLocation } from './document';
import { type XmlElement, child, children, parseXml } from './xml';

/** Elements of a resource file that name a file, relative to the resource file's BaseLoc folder. */
const RESOURCE_FILES = new Set(['FontFile', 'MediaFile']);

function descendants(element: XmlElement, names: Set<string>): XmlElement[] {
  return element.children.flatMap((c) => [...(names.has(c.name) ? [c] : []), ...descendants(c, names)]);
}

/** The present files a reader shows for this document (absent ones it cannot show). */
function renderedFiles(container: Container, doc: OfdDocument): Set<string> {
  const files = new Set<string>();
  /** Adds a present file once; true the first time. Fonts, media and attachments are only added, never parsed. */
  const add = (path: string) => {
    if (!container.has(path) || files.has(path)) return false;
    files.add(path);
    return true;
  };
  const xml = (path: string) => (add(path) ? parseXml(container.get(path)!, path) : undefined);
  const located = (elements: XmlElement[], base: string) => elements.filter((e) => e.text).map((e) => resolveLocation(e.text, base));
  const resources = (path: string) => {
    const res = xml(path);
    if (!res) return;
    // A resource file names its files relative to its BaseLoc folder (itself relative to the resource file).
    const folder = res.attributes.BaseLoc ? `${resolveLocation(res.attributes.BaseLoc, path)}/` : path;
    located(descendants(res, RESOURCE_FILES), folder).forEach(add);
  };
  const page = (path: string) => {
    const content = xml(path);
    if (content) located(children(content, 'PageRes'), path).forEach(resources);
  };
  const fileList = (path: string) => {
    const list = xml(path);
    located((list?.children ?? []).flatMap((entry) => children(entry, 'FileLoc')), path).forEach(add);
  };
  const document = xml(doc.path)!;
  const common = child(document, 'CommonData');
  if (common) {
    located([...children(common, 'PublicRes'), ...children(common, 'DocumentRes')], doc.path).forEach(resources);
    for (const template of children(common, 'TemplatePage')) page(resolveLocation(template.attributes.BaseLoc ?? '', doc.path));
  }
  doc.pages.forEach(({ path }) => page(path));
  for (const name of ['Annotations', 'Attachments', 'CustomTags']) located(children(document, name), doc.path).forEach(fileList);
  return files;
}

/** The files a reader shows for this document that no signature of its own DocBody protects. */
export function unprotectedRendered(container: Container, doc: OfdDocument): string[] {
  const covered = new Set(doc.signatures.flatMap((s) => s.references.map((r) => r.path)));
  return [...renderedFiles(container, doc)].filter((path) => !covered.has(path));
}
