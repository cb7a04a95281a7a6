/** 签章核验: a recorded sealing, optionally with the sealed file (digested here, never uploaded); below it, a sealed OFD (ofd.ts). */
import { postJson } from '../api';
import { fileSm3 } from '../digest';
import { facts, field, h, mono } from '../dom';
import { t, when } from '../i18n';
import { evidenceFacts, fill, submitsId, verdictBanner, wordedReasons } from '../verdict';
import { ofdSection } from './ofd';

/**
 * A seal revoked after the sealing leaves the verdict valid (the revocation does not reach back), but a
 * person relying on the document must still learn that the seal is revoked, since when and why.
 */
function revocationNotice(revocation: { effectiveFrom: string; recordedAt: string; reason: string }, verdict: string): HTMLElement {
  return h(
    'section',
    { class: 'notice', role: 'note', 'data-seal-revoked': '' },
    h('p', { class: 'notice-word' }, h('span', { 'aria-hidden': 'true' }, '! '), t('seal.revoked')),
    facts([
      [t('seal.revokedFrom'), when(revocation.effectiveFrom)],
      [t('seal.revokedAt'), when(revocation.recordedAt)],
      [t('seal.revokedReason'), revocation.reason],
    ]),
    verdict === 'valid' ? h('p', {}, t('seal.revokedAfter')) : null,
  );
}

export function sealingPage(main: HTMLElement, initialId: string | undefined): void {
  const idInput = h('input', { type: 'text', name: 'sealingId', autocomplete: 'off', spellcheck: 'false', pattern: '[0-9a-f]{32}', required: true, value: initialId ?? '' });
  const fileInput = h('input', { type: 'file', name: 'document' });
  const result = h('div', { id: 'result' });
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field('sealing-id', t('sealing.id'), idInput, t('sealing.idHint')),
    field('sealing-file', t('sealing.file'), fileInput, t('licence.fileHint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('verify'))),
  );
  const verify = (sealingId: string) =>
    fill(result, async () => {
      const file = fileInput.files?.[0];
      const documentSm3 = file ? await fileSm3(file) : undefined;
      const answer = await postJson('/v1/verify/sealed-document', { sealingId, ...(documentSm3 ? { documentSm3 } : {}) });
      const seal = answer.seal;
      return [
        verdictBanner(answer.verdict, wordedReasons(answer)),
        seal?.revocation ? revocationNotice(seal.revocation, answer.verdict) : h('span'),
        h(
          'section',
          { class: 'card' },
          h('h3', {}, t('seal')),
          facts([
            [t('seal'), seal ? `${seal.name}（${seal.sealId}）` : undefined],
            [t('validity'), seal ? `${when(seal.validFrom)} — ${when(seal.validTo)}` : undefined],
            [t('signTime'), when(answer.sealing?.signTime)],
            [t('documentSm3'), answer.sealing ? mono(answer.sealing.documentSm3) : undefined],
            [t('digest.done'), documentSm3 ? mono(documentSm3) : undefined],
          ]),
        ),
        evidenceFacts(answer.evidence) ?? h('span'),
        answer.sealing
          ? h('p', { class: 'card' }, h('a', { href: `/v1/sealed-documents/${sealingId}/evidence`, download: `${sealingId}.evidence.json` }, t('downloadBundle')))
          : h('span'),
      ];
    });
  submitsId(form, idInput, 'sealing', (id) => void verify(id));
  main.replaceChildren(h('h1', {}, t('sealing.title')), h('p', { class: 'intro' }, t('sealing.intro')), form, result, ofdSection());
  // A deep link is submitted as if typed: normalised, and the address made canonical.
  if (initialId) form.requestSubmit();
}
