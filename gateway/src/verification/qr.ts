/**
 * QR codes (二维码) that carry the portal's verification URL of a record, so a phone camera opens the
 * verdict page: what 亮证 / 扫码核验 apps show. Drawn with `qrcode`, at error correction level M (15 %
 * of the code may be smudged or covered).
 */
import QRCode from 'qrcode';

/** The portal's deep links, one per kind of record a QR code can name. */
export const PORTAL_PATHS = {
  licence: (id: string) => `/verify/licence/${encodeURIComponent(id)}`,
  sealing: (id: string) => `/verify/sealed-document/${encodeURIComponent(id)}`,
} as const;

export type QrSubject = keyof typeof PORTAL_PATHS;

/** The URL a record's QR code carries: the portal's page for it under the public base URL. */
export function verificationUrl(baseUrl: string, kind: QrSubject, id: string): string {
  return baseUrl.replace(/\/+$/, '') + PORTAL_PATHS[kind](id);
}

const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** An SVG document of the code (scales to any size, prints sharp). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'svg' });
}

/** A PNG of the code, 8 pixels a module: about 400 px square for a licence URL, enough for a phone at arm's length. */
export function qrPng(text: string): Promise<Buffer> {
  return QRCode.toBuffer(text, { ...OPTIONS, type: 'png', scale: 8 });
}

/** The code drawn with Unicode half blocks, two rows a line, for a terminal. */
export function qrTerminal(text: string): Promise<string> {
  return QRCode.toString(text, { ...OPTIONS, type: 'terminal', small: true });
}
