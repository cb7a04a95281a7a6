/**
 * A signature's references (ofd:Reference): each file it protects, with its check value. The
 * check method must be SM3 (by OID or name); the value is base64 of the file's SM3.
 */
import { toHex } from '@henan-chain/crypto';
import type { FileDigests } from './digests';
import type { DeclaredSignature } from './document';
import type { Finding } from './verdicts';

const SM3_METHODS = new Set(['1.2.156.10197.1.401', 'sm3']);

export interface ReferenceSummary {
  total: number;
  matched: number;
  /** Files whose content is no longer what was signed. */
  mismatched: string[];
  /** Files named but absent from the container. */
  missing: string[];
}

export function checkReferences(digests: FileDigests, signature: DeclaredSignature): { summary: ReferenceSummary; findings: Finding[] } {
  const summary: ReferenceSummary = { total: signature.references.length, matched: 0, mismatched: [], missing: [] };
  const findings: Finding[] = [];
  if (!SM3_METHODS.has(signature.checkMethod.trim().toLowerCase())) {
    findings.push({ verdict: 'malformed', reason: `references use check method ${JSON.stringify(signature.checkMethod)}; only SM3 (1.2.156.10197.1.401) is accepted` });
    return { summary, findings };
  }
  if (signature.references.length === 0) findings.push({ verdict: 'malformed', reason: 'the signature protects no file (no ofd:Reference)' });
  for (const ref of signature.references) {
    const actual = digests.sm3(ref.path);
    if (!actual) {
      summary.missing.push(ref.path);
      findings.push({ verdict: 'tampered', reason: `${ref.path} is protected by the signature but missing from the document` });
      continue;
    }
    const expected = Buffer.from(ref.checkValue, 'base64');
    if (expected.length !== 32 || expected.toString('base64') !== ref.checkValue.replace(/\s+/g, '')) {
      findings.push({ verdict: 'malformed', reason: `the check value of ${ref.path} is not base64 of an SM3 digest` });
      continue;
    }
    if (toHex(actual) === toHex(expected)) summary.matched++;
    else {
      summary.mismatched.push(ref.path);
      findings.push({ verdict: 'tampered', reason: `${ref.path} changed after signing: its SM3 is ${toHex(actual)}, the signature protects ${toHex(expected)}` });
    }
  }
  return { summary, findings };
}
