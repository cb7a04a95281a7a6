/**
 * `verify-ofd FILE [--gateway URL]`: 签章核验 of a sealed OFD, printed as a table: the document's
 * verdict, then one row per signature (seal, signing time, signer, protected files) and every
 * reason and note. Checked here with the ofd package; with --gateway, by that gateway, which adds
 * whether the sealing was recorded on its ledger and its seals' status there.
 */
import { basename } from 'node:path';
import type { Command } from 'commander';
import { OfdError, type OfdReport, verifyOfd } from '@henan-chain/ofd';
import { consultGateway, gatewayUrl } from './gateway-client';
import { MiB, readInput } from './io';
import { Invalid } from './outcomes';

/** An OFD is read whole into memory and unzipped there; Node reads at most 2 GiB at once. */
const MAX_OFD_BYTES = 1024 * MiB;

interface LedgerView {
  recorded: boolean;
  sealing: { recordedAt: string; ownerId: string; blockNumber: string; txId: string } | null;
}
type SignatureLedger = { recorded: boolean; seal: { sealId: string; status: string } | null };
type Report = Omit<OfdReport, 'signatures'> & { ledger?: LedgerView; signatures: (OfdReport['signatures'][number] & { ledger?: SignatureLedger })[] };

/** Columns a terminal gives a string: CJK characters take two. */
function width(text: string): number {
  return [...text].reduce((n, c) => n + (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(c) ? 2 : 1), 0);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => width(r[i]!))));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - width(cell)))).join('  ')).join('\n');
}

const short = (hex: string) => `${hex.slice(0, 16)}…`;

/** The report as the table the command prints. */
export function formatOfdReport(report: Report): string {
  const doc = report.document;
  const lines = [
    table([
      ['verdict', report.verdict],
      ['document', `SM3 ${doc.sm3}, ${doc.pages} page(s), ${doc.bytes} bytes`],
      ...(report.ledger
        ? [['ledger', report.ledger.sealing ? `sealing recorded ${report.ledger.sealing.recordedAt} by ${report.ledger.sealing.ownerId}, block ${report.ledger.sealing.blockNumber}, tx ${short(report.ledger.sealing.txId)}` : 'sealing not recorded']]
        : []),
    ]),
    '',
  ];
  if (report.signatures.length > 0) {
    const header = ['signature', 'verdict', 'signed (UTC)', 'seal', 'signer', 'files'];
    if (report.ledger) header.push('on ledger');
    const rows = report.signatures.map((s) => {
      const row = [
        `${s.id} (${s.type}${s.form ? `, ${s.form}` : ''})`,
        s.verdict,
        s.signTime ?? '-',
        s.seal ? `${s.seal.name} [${s.seal.esId}]` : '-',
        s.signer ? s.signer.subject.split(', ').find((p) => p.startsWith('CN=')) ?? s.signer.subject : '-',
        `${s.references.matched}/${s.references.total} match`,
      ];
      if (s.ledger) row.push(`${s.ledger.recorded ? 'recorded' : 'not recorded'}; seal ${s.ledger.seal?.status ?? '-'}`);
      return row;
    });
    lines.push(table([header, ...rows]), '');
  }
  for (const s of report.signatures) {
    for (const stamp of s.stamps) lines.push(`${s.id}: stamped on page ${stamp.page ?? `?(${stamp.pageRef})`} at ${stamp.boundary}`);
  }
  for (const reason of report.reasons) lines.push(`reason: ${reason}`);
  for (const s of report.signatures) for (const note of s.notes) lines.push(`${s.id}: note: ${note}`);
  return lines.join('\n').replace(/\n+$/, '') + '\n';
}

async function reportOf(file: string, gateway: string | undefined): Promise<Report> {
  const bytes = await readInput(file, 'OFD', MAX_OFD_BYTES);
  if (gateway !== undefined) {
    const form = new FormData();
    form.set('file', new Blob([Buffer.from(bytes)], { type: 'application/ofd' }), file === '-' ? 'document.ofd' : basename(file));
    return consultGateway<Report>('the gateway could not verify the OFD', gateway, 'POST', '/v1/verify/ofd', { form });
  }
  try {
    return (await verifyOfd(bytes)).report;
  } catch (err) {
    if (err instanceof OfdError) throw new Invalid(`not a readable OFD (${err.code}): ${err.message}`);
    throw err;
  }
}

export function addVerifyOfdCommand(program: Command): void {
  program
    .command('verify-ofd')
    .description('verify a sealed OFD (GB/T 38540 / GM/T 0031 seals, plain signatures): prints the verdict and a table of its signatures; exit 0 when valid, 1 otherwise')
    .argument('<file>', 'the OFD file, - for stdin')
    .option('--gateway <url>', 'verify at this gateway instead, which also says whether the sealing is recorded on its ledger', gatewayUrl)
    .action(async (file: string, options: { gateway?: string }) => {
      const report = await reportOf(file, options.gateway);
      process.stdout.write(formatOfdReport(report));
      if (report.verdict !== 'valid') process.exitCode = 1;
    });
}
