/** PEM armour (RFC 7468, strict form): one block, known label, canonical base64, nothing around it. */
import { CryptoError } from './errors';

const BLOCK_RE = /^-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)\r?\n?-----END ([A-Z0-9 ]+)-----$/;

export function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The label and DER bytes of a PEM block; `labels` are the ones the caller accepts. */
export function fromPem(pem: string, labels: readonly string[]): { label: string; der: Uint8Array } {
  if (typeof pem !== 'string') throw new CryptoError('BAD_PEM', 'PEM input must be a string');
  const m = BLOCK_RE.exec(pem.trim());
  if (!m) {
    const reason = !pem.includes('-----BEGIN ')
      ? 'has no BEGIN line'
      : !pem.includes('-----END ')
        ? 'has no END line (truncated?)'
        : 'must be one BEGIN/END block with nothing around it';
    throw new CryptoError('BAD_PEM', `PEM input ${reason}`);
  }
  const [, label, body, endLabel] = m as unknown as [string, string, string, string];
  if (body.includes('-----')) throw new CryptoError('BAD_PEM', 'PEM input must hold exactly one block');
  if (label !== endLabel) throw new CryptoError('BAD_PEM', `PEM BEGIN ${label} does not match END ${endLabel}`);
  if (label === 'ENCRYPTED PRIVATE KEY' || /^Proc-Type:.*ENCRYPTED/m.test(body)) {
    throw new CryptoError(
      'BAD_PEM',
      'encrypted private keys are not supported: decrypt it first (openssl pkey -in key.pem -out plain.pem)',
    );
  }
  if (!labels.includes(label)) {
    throw new CryptoError('BAD_PEM', `PEM label ${label} is not one of: ${labels.join(', ')}`);
  }
  const b64 = body.replace(/[\r\n]/g, '');
  const der = Buffer.from(b64, 'base64');
  // Node's decoder skips invalid characters silently; re-encoding catches them and bad padding.
  if (b64.length === 0 || der.toString('base64') !== b64) {
    throw new CryptoError('BAD_PEM', `PEM ${label} body is not valid base64`);
  }
  return { label, der: new Uint8Array(der) };
}
