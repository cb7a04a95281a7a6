/** 审计: token-gated record history and agency events; the signed report downloaded and its signature checked here. */
import { verifyReport } from '@henan-chain/gateway';
import { api } from '../api';
import { field, h, mono } from '../dom';
import { t, valueLabel, when } from '../i18n';
import { errorBox, fill } from '../verdict';

const KINDS = ['licence', 'agency', 'seal', 'sealing', 'receipt', 'case', 'anchor'];

export function auditPage(main: HTMLElement, initialKind: string | undefined, initialId: string | undefined): void {
  const token = h('input', { type: 'password', name: 'token', autocomplete: 'off', value: sessionStorage.getItem('hnc.token') ?? '' });
  token.addEventListener('change', () => sessionStorage.setItem('hnc.token', token.value.trim()));
  const kind = h('select', { name: 'kind' }, ...KINDS.map((k) => h('option', { value: k, ...(k === initialKind ? { selected: true } : {}) }, valueLabel(k))));
  const id = h('input', { type: 'text', name: 'id', autocomplete: 'off', value: initialId ?? '' });
  const agency = h('input', { type: 'text', name: 'agency', autocomplete: 'off' });
  const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const from = h('input', { type: 'date', name: 'from', value: `${today.slice(0, 4)}-01-01` });
  const to = h('input', { type: 'date', name: 'to', value: today });
  const result = h('div', { id: 'result' });
  const bearer = () => token.value.trim();

  const run = (work: () => Promise<HTMLElement[]>) => {
    sessionStorage.setItem('hnc.token', bearer());
    return fill(result, work);
  };

  const history = async (): Promise<HTMLElement[]> => {
    window.history.replaceState(null, '', `/audit/${kind.value}/${encodeURIComponent(id.value.trim())}`);
    const h0 = await api(`/v1/audit/history/${kind.value}/${encodeURIComponent(id.value.trim())}`, { token: bearer() });
    return [
      h(
        'ol',
        { class: 'timeline' },
        ...h0.versions.map((v: any) =>
          h('li', {}, h('h3', {}, valueLabel(v.action ?? (v.isDelete ? 'delete' : 'write'))), h('p', {}, `${v.agencyId ?? v.mspId ?? ''} · ${when(v.timestamp)} · #${v.blockNumber}`), h('p', {}, `${t('audit.signature')}: ${v.signature ? valueLabel(v.signature.status) : ''}`), h('p', {}, `${t('txId')}: `, mono(v.txId))),
        ),
      ),
    ];
  };
  // A page at a time, as the API gives them: 更多 asks for the next with the cursor of the last, same query.
  const events = async (): Promise<HTMLElement[]> => {
    const q = new URLSearchParams({ agency: agency.value.trim(), from: from.value, to: to.value, limit: '200' });
    const list = h('ol', { class: 'timeline' });
    const tail = h('div', { class: 'actions' });
    const more = h('button', { type: 'button', class: 'secondary' }, t('audit.more'));
    const next = async (): Promise<HTMLElement[]> => {
      const page = await api(`/v1/audit/events?${q}`, { token: bearer() });
      list.append(...page.events.map((e: any) => h('li', {}, h('h3', {}, `${valueLabel(e.kind)} · ${valueLabel(e.action)}`), h('p', {}, `${e.id} · ${e.agencyId} · ${when(e.timestamp)}`))));
      q.set('cursor', page.cursor ?? '');
      return page.cursor ? [more] : [];
    };
    more.addEventListener('click', () => void fill(tail, next));
    tail.replaceChildren(...(await next()));
    return [list, tail];
  };
  const report = (format: 'json' | 'csv') => async (): Promise<HTMLElement[]> => {
    const q = new URLSearchParams({ agency: agency.value.trim(), from: from.value, to: to.value, format });
    const res = await fetch(`/v1/audit/report?${q}`, { headers: { authorization: `Bearer ${bearer()}` } });
    if (!res.ok) await api(`/v1/audit/report?${q}`, { token: bearer() }); // throws the API's error
    const bytes = new Uint8Array(await res.arrayBuffer());
    const key = await api('/v1/gateway/key');
    const check = verifyReport(bytes, { publicKey: key.publicKey });
    const url = URL.createObjectURL(new Blob([bytes], { type: format === 'json' ? 'application/json' : 'text/csv' }));
    return [
      h('p', { class: `verdict ${check.valid ? 'good' : 'bad'}`, role: 'status' }, check.valid ? `✔ ${t('audit.reportValid')}` : `✘ ${t('audit.reportInvalid')}: ${check.reason}`),
      h('p', { class: 'card' }, h('a', { href: url, download: `report-${agency.value.trim()}.${format}` }, `${t('audit.report')} (${format.toUpperCase()})`)),
    ];
  };

  /** A button that runs `work` once `needed` is filled; an empty field is named, and focused, instead of a request for nothing. */
  const button = (label: string, work: () => Promise<HTMLElement[]>, needed: [HTMLInputElement, string]) => {
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', () => {
      const [input, name] = needed;
      input.setAttribute('aria-invalid', String(!input.value.trim()));
      if (input.value.trim()) return void run(work);
      result.replaceChildren(errorBox(`${t('form.missing')}${name}`));
      input.focus();
    });
    return b;
  };
  main.replaceChildren(
    h('h1', {}, t('audit.title')),
    h('p', { class: 'intro' }, t('audit.intro')),
    h('form', { class: 'card', onsubmit: (e: Event) => e.preventDefault() }, field('audit-token', t('audit.token'), token)),
    h('form', { class: 'card', onsubmit: (e: Event) => e.preventDefault() }, field('audit-kind', t('audit.kind'), kind), field('audit-id', t('audit.id'), id), h('div', { class: 'actions' }, button(t('audit.history'), history, [id, t('audit.id')]))),
    h(
      'form',
      { class: 'card', onsubmit: (e: Event) => e.preventDefault() },
      field('audit-agency', t('audit.agency'), agency),
      field('audit-from', t('audit.from'), from),
      field('audit-to', t('audit.to'), to),
      h('div', { class: 'actions' }, button(t('audit.events'), events, [agency, t('audit.agency')]), button(`${t('audit.report')} JSON`, report('json'), [agency, t('audit.agency')]), button(`${t('audit.report')} CSV`, report('csv'), [agency, t('audit.agency')])),
    ),
    result,
  );
  if (initialKind && initialId && bearer()) void run(history);
}
