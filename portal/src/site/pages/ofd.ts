/**
 * OFD 签章核验: a sealed OFD sent to the gateway (verified there in memory, never kept), its verdict,
 * each signature with its seal, seal picture, signer and signing time, and whether its sealing was
 * recorded on the ledger.
 */
import { api } from '../api';
import { facts, field, h, mono } from '../dom';
import { t, valueLabel, verdictLabel, when } from '../i18n';
import { evidenceFacts, fill, verdictBanner } from '../verdict';

interface OfdSignature {
  id: string;
  verdict: string;
  signTime: string | null;
  form: string | null;
  signer: { subject: string } | null;
  seal: { esId: string; name: string; validStart: string; validEnd: string } | null;
  stamps: { page: number | null }[];
  references: { total: number; matched: number };
  notes: string[];
  ledger: { recorded: boolean; seal: { status: string } | null };
}

/** The seal picture as the gateway serves it (the same file sent again), or nothing when it has none to show. */
async function picture(file: File, signature: string): Promise<HTMLElement | null> {
  const body = new FormData();
  body.set('file', file);
  const res = await fetch(`/v1/verify/ofd/seal-picture?signature=${encodeURIComponent(signature)}`, { method: 'POST', body });
  if (!res.ok) return null;
  return h('img', { class: 'seal-picture', src: URL.createObjectURL(await res.blob()), alt: t('ofd.picture') });
}

async function signatureCard(s: OfdSignature, file: File): Promise<HTMLElement> {
  const pages = [...new Set(s.stamps.map((p) => p.page).filter((p) => p !== null))].join(', ');
  return h(
    'section',
    { class: 'card', 'data-signature': s.id },
    h('h3', {}, `${t('ofd.signature')} ${s.id}：${verdictLabel(s.verdict)}`),
    s.seal ? await picture(file, s.id) : null,
    facts([
      [t('seal'), s.seal ? `${s.seal.name}（${s.seal.esId}）` : undefined],
      [t('validity'), s.seal ? `${when(s.seal.validStart)} — ${when(s.seal.validEnd)}` : undefined],
      [t('signTime'), when(s.signTime)],
      [t('ofd.signer'), s.signer?.subject],
      [t('ofd.form'), s.form ?? undefined],
      [t('ofd.pages'), pages],
      [t('ofd.files'), `${s.references.matched} / ${s.references.total}`],
      [t('ofd.onLedger'), `${s.ledger.recorded ? t('ofd.recorded') : t('ofd.notRecorded')}${s.ledger.seal ? `（${valueLabel(s.ledger.seal.status)}）` : ''}`],
    ]),
    s.notes.length > 0 ? h('ul', { class: 'reasons' }, ...s.notes.map((n) => h('li', {}, n))) : null,
  );
}

export function ofdSection(): HTMLElement {
  const fileInput = h('input', { type: 'file', name: 'file', accept: '.ofd,application/ofd' });
  const result = h('div', { id: 'ofd-result' });
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field('ofd-file', t('ofd.file'), fileInput, t('ofd.fileHint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('ofd.verify'))),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const file = fileInput.files?.[0];
    if (!file) return;
    void fill(result, async () => {
      const body = new FormData();
      body.set('file', file);
      const answer = await api('/v1/verify/ofd', { method: 'POST', body });
      const cards = await Promise.all((answer.signatures as OfdSignature[]).map((s) => signatureCard(s, file)));
      return [
        verdictBanner(answer.verdict, answer.reasons),
        h('section', { class: 'card' }, facts([[t('ofd.documentSm3'), mono(answer.document.sm3)], [t('ofd.pages'), String(answer.document.pages)]])),
        ...cards,
        evidenceFacts(answer.ledger.sealing) ?? h('span'),
      ];
    });
  });
  return h('section', { class: 'ofd' }, h('h2', {}, t('ofd.title')), h('p', { class: 'intro' }, t('ofd.intro')), form, result);
}
