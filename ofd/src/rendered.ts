/**
 * The files a reader shows for one document (GB/T 33190): Document.xml, its pages and templates, the
 * resource files it names (PublicRes, DocumentRes) with the fonts and media those list, and the
 * annotation, attachment and custom-tag files. The signatures of the document's own DocBody must
 * protect every one of these that is present: OFD.xml is often left unsigned, so its DocRoot can be
 * pointed at a document that other files or another signer supply. Pages, the large files, are not
 * parsed: a page its signature covers pins the names of the resources it uses (PageRes).
 */
import type { Container } from './container';
import { type OfdDocument, resolveLocation } from './document';
import { type XmlElement, child, children, parseXml } from './xml';

/** Elements of a resource file that name a file, relative to the resource file's BaseLoc folder. */
const RESOURCE_FILES = new Set(['FontFile', 'MediaFile']);

function descendants(element: XmlElement, names: Set<string>): XmlElement[] {
  return element.children.flatMap((c) => [...(names.has(c.name) ? [c] : []), ...descendants(c, names)]);
}

const located = (elements: XmlElement[], base: string) => elements.filter((e) => e.text).map((e) => resolveLocation(e.text, base));

/** The files each document of one verification shows, checked against its own signatures. */
export class RenderedFiles {
  /** Each XML file parsed once per verification, however many documents name it. */
  private readonly parsed = new Map<string, XmlElement>();

  constructor(private readonly container: Container) {}

  /** The files a reader shows for this document that no signature of its own DocBody protects. */
  unprotected(doc: OfdDocument): string[] {
    const covered = new Set(doc.signatures.flatMap((s) => s.references.map((r) => r.path)));
    return [...this.of(doc)].filter((path) => !covered.has(path));
  }

  private xml(path: string): XmlElement {
    const known = this.parsed.get(path);
    if (known) return known;
    const root = parseXml(this.container.get(path)!, path);
    this.parsed.set(path, root);
    return root;
  }

  /** The present files a reader shows for this document (absent ones it cannot show). */
  private of(doc: OfdDocument): Set<string> {
    const files = new Set<string>();
    /** Adds a present file once; true the first time. */
    const add = (path: string) => {
      if (!this.container.has(path) || files.has(path)) return false;
      files.add(path);
      return true;
    };
    const resources = (path: string) => {
      if (!add(path)) return;
      const res = this.xml(path);
      // A resource file names its files relative to its BaseLoc folder (itself relative to the resource file).
      const folder = res.attributes.BaseLoc ? `${resolveLocation(res.attributes.BaseLoc, path)}/` : path;
      located(descendants(res, RESOURCE_FILES), folder).forEach(add);
    };
    const fileList = (path: string) => {
      if (add(path)) located(this.xml(path).children.flatMap((entry) => children(entry, 'FileLoc')), path).forEach(add);
    };
    add(doc.path);
    const document = this.xml(doc.path);
    const common = child(document, 'CommonData');
    if (common) {
      located([...children(common, 'PublicRes'), ...children(common, 'DocumentRes')], doc.path).forEach(resources);
      for (const template of children(common, 'TemplatePage')) add(resolveLocation(template.attributes.BaseLoc ?? '', doc.path));
    }
    doc.pages.forEach(({ path }) => add(path));
    for (const name of ['Annotations', 'Attachments', 'CustomTags']) located(children(document, name), doc.path).forEach(fileList);
    return files;
  }
}
