/**
 * Identifiers as people paste or scan them, made the identifier they unambiguously name, and the
 * portal links (typed, pasted or in a QR code) that name a record.
 */
import { isValidLicenceId } from '@henan-chain/crypto';

export type RecordKind = 'licence' | 'sealing' | 'receipt';

/** Each kind's page; a QR code of the gateway carries `<base URL>/<page>/<id>` (gateway/src/verification/qr.ts). */
export const PAGES: Record<RecordKind, string> = {
  licence: '/verify/licence',
  sealing: '/verify/sealed-document',
  receipt: '/provenance',
};

// Whitespace anywhere (a line break in a copied id) and the zero-width characters pasting brings along.
const INVISIBLE = /[\s\u200B-\u200D\u2060\uFEFF]/g;

/**
 * NFKC (full-width Ａ-Ｚ, ０-９ and ． become ASCII), 。 read as ".", and nothing invisible. Then the
 * case where the form has only one: a licence id is upper case in every part (its UUID serial is
 * canonicalised to upper case; crypto's parseLicenceId), a sealing id is lower-case hex; a receipt id
 * is the agencies' own and keeps its case.
 */
function normalise(kind: RecordKind, text: string): string {
  const plain = text.normalize('NFKC').replace(/。/g, '.').replace(INVISIBLE, '');
  return kind === 'licence' ? plain.toUpperCase() : kind === 'sealing' ? plain.toLowerCase() : plain;
}

/** The record a portal URL names (any host: QR codes carry the public base URL), or undefined. */
function linked(text: string): { kind: RecordKind; id: string } | undefined {
  let url: URL;
  try {
    url = new URL(text.normalize('NFKC').replace(INVISIBLE, ''));
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  for (const [kind, page] of Object.entries(PAGES) as [RecordKind, string][]) {
    const rest = url.pathname.startsWith(`${page}/`) ? url.pathname.slice(page.length + 1).replace(/\/$/, '') : '';
    if (rest === '' || rest.includes('/')) continue;
    try {
      return { kind, id: normalise(kind, decodeURIComponent(rest)) };
    } catch {
      return undefined; // a malformed %-escape names nothing
    }
  }
  return undefined;
}

/** What a form's field holds, as the identifier of `kind`: a pasted link to that kind's page gives its id. */
export function idFromInput(kind: RecordKind, text: string): string {
  const link = linked(text);
  return link?.kind === kind ? link.id : normalise(kind, text);
}

/** The portal page a scanned code names: a link to a record's page, or a bare licence identifier; else undefined. */
export function pageOfCode(text: string): string | undefined {
  const link = linked(text);
  if (link) return `${PAGES[link.kind]}/${encodeURIComponent(link.id)}`;
  const id = normalise('licence', text);
  return isValidLicenceId(id) ? `${PAGES.licence}/${encodeURIComponent(id)}` : undefined;
}
