/** 数据溯源: a receipt's chain request → reply → delivery → ack → objection → correction, each step with its signer and time. */
import { api, malformed } from '../api';
import { h, mono } from '../dom';
import { t, valueLabel, when } from '../i18n';
import { fill, submitsId } from '../verdict';

interface Step {
  title: string;
  who: string;
  at: string;
  detail?: string;
  txId?: string;
}

function stepsOf(r: any): Step[] {
  const steps: Step[] = [{ title: t('step.request'), who: r.consumerId, at: r.requestedAt, detail: `${r.catalogItemId} · ${r.purpose}` }];
  if (r.reply) steps.push({ title: t('step.reply'), who: r.providerId, at: r.reply.at, detail: `${valueLabel(r.reply.decision)}${r.reply.conditions ? ` · ${r.reply.conditions}` : ''}${r.reply.reason ? ` · ${r.reply.reason}` : ''}`, txId: r.reply.txId });
  if (r.delivery) {
    const s = r.delivery.signedBy ?? {};
    steps.push({ title: t('step.delivery'), who: s.agencyId ?? r.providerId, at: s.at, detail: `SM3 ${r.delivery.fingerprint} · ${r.delivery.recordCount}`, txId: s.txId });
  }
  for (const o of r.objections ?? []) {
    steps.push({ title: `${t('step.objection')} #${o.objectionId}`, who: o.agencyId, at: o.at, detail: `${valueLabel(o.category)} · ${o.reason} · ${valueLabel(o.status)}`, txId: o.txId });
    if (o.resolution) steps.push({ title: `${t('step.resolution')} #${o.objectionId}`, who: o.resolution.agencyId, at: o.resolution.at, detail: o.resolution.reason ?? valueLabel(o.status), txId: o.resolution.txId });
  }
  if (r.acknowledgement) {
    const s = r.acknowledgement.signedBy ?? {};
    steps.push({ title: t('step.ack'), who: s.agencyId ?? r.consumerId, at: s.at, txId: s.txId });
  }
  return steps.sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

export function provenancePage(main: HTMLElement, initialId: string | undefined): void {
  const idInput = h('input', { type: 'text', name: 'receiptId', autocomplete: 'off', required: true, value: initialId ?? '' });
  const result = h('div', { id: 'result' });
  const form = h('form', { class: 'card' }, h('div', { class: 'field' }, h('label', { for: 'receipt-id' }, t('provenance.id')), idInput), h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('verify'))));
  idInput.id = 'receipt-id';
  const show = (id: string) =>
    fill(result, async () => {
      const r = await api(`/v1/receipts/${encodeURIComponent(id)}`);
      if (typeof r.receiptId !== 'string' || typeof r.state !== 'string') throw malformed();
      return [
        h('p', { class: 'card' }, `${t('state')}: `, h('strong', {}, valueLabel(r.state))),
        h(
          'ol',
          { class: 'timeline' },
          ...stepsOf(r).map((s) => h('li', {}, h('h3', {}, s.title), h('p', {}, `${t('signedBy')}: ${s.who} · ${when(s.at)}`), s.detail ? h('p', {}, s.detail) : null, s.txId ? h('p', {}, `${t('txId')}: `, mono(s.txId)) : null)),
        ),
        h('p', { class: 'card' }, h('a', { href: `/v1/receipts/${encodeURIComponent(id)}/evidence`, download: `${id}.evidence.json` }, t('downloadBundle'))),
      ];
    });
  submitsId(form, idInput, 'receipt', (id) => void show(id));
  main.replaceChildren(h('h1', {}, t('provenance.title')), h('p', { class: 'intro' }, t('provenance.intro')), form, result);
  // A deep link is submitted as if typed: normalised, and the address made canonical.
  if (initialId) form.requestSubmit();
}
