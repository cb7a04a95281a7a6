/** 离线核验: an evidence bundle checked in this browser by the evidence package, with no request to any server. */
import { verifyBundleText, type BundleVerification } from '@henan-chain/evidence';
import { field, h, pressable } from '../dom';
import { t, when } from '../i18n';
import { licenceStateAt } from '../licence-state';
import { verdictBanner } from '../verdict';

/**
 * A licence's status as the bundle proves it, at the bundle's making: an intact bundle of a revoked
 * licence proves that it was revoked, which the page must say as loudly as the bundle's integrity.
 */
function licenceState(result: BundleVerification): HTMLElement | null {
  const r = result.record;
  if (result.verdict === 'invalid' || result.subject?.kind !== 'licence' || !r || !result.createdAt) return null;
  if (typeof r.status !== 'string' || typeof r.validFrom !== 'string' || (r.validUntil !== null && typeof r.validUntil !== 'string')) return null;
  const state = licenceStateAt({ status: r.status, validFrom: r.validFrom, validUntil: r.validUntil }, result.createdAt);
  const reason = state !== 'valid' && typeof r.statusReason === 'string' ? [r.statusReason] : [];
  return verdictBanner(state, reason, { caption: t('offline.stateAt') + when(result.createdAt), attribute: 'data-record-state' });
}

function show(result: BundleVerification): HTMLElement[] {
  const list = (title: string, items: string[]) => (items.length > 0 ? h('section', { class: 'card' }, h('h3', {}, title), h('ul', {}, ...items.map((i) => h('li', {}, i)))) : h('span'));
  const subject = result.subject ? `${t(`subject.${result.subject.kind}`)} ${result.subject.id}` : undefined;
  return [
    licenceState(result) ?? h('span'),
    verdictBanner(result.verdict, [], { label: t(`bundle.${result.verdict}`), caption: subject }),
    list(t('failures'), result.failures.map((f) => `${f.field}: ${f.message}`)),
    list(t('proven'), result.proven),
    list(t('notProven'), result.notProven),
  ];
}

export function offlinePage(main: HTMLElement): void {
  const input = h('input', { type: 'file', accept: '.json,application/json', name: 'bundle' });
  const result = h('div', { id: 'result' });
  const check = async (file: File) => result.replaceChildren(...show(verifyBundleText(await file.text())));
  input.addEventListener('change', () => input.files?.[0] && void check(input.files[0]));
  const zone = h('div', { class: 'dropzone', tabindex: '0', role: 'button', 'aria-label': t('offline.drop') }, t('offline.drop'));
  zone.addEventListener('click', () => input.click());
  pressable(zone, () => input.click());
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = (e as DragEvent).dataTransfer?.files[0];
    if (file) void check(file);
  });
  main.replaceChildren(h('h1', {}, t('offline.title')), h('p', { class: 'intro' }, t('offline.intro')), h('div', { class: 'card' }, field('bundle-file', t('offline.file'), input), zone), result);
}
