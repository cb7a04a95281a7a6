/** 离线核验: an evidence bundle checked in this browser by the evidence package, with no request to any server. */
import { verifyBundleText, type BundleVerification } from '@henan-chain/evidence';
import { field, h } from '../dom';
import { t } from '../i18n';
import { verdictBanner } from '../verdict';

function show(result: BundleVerification): HTMLElement[] {
  const list = (title: string, items: string[]) => (items.length > 0 ? h('section', { class: 'card' }, h('h3', {}, title), h('ul', {}, ...items.map((i) => h('li', {}, i)))) : h('span'));
  const subject = result.subject ? `${result.subject.kind} ${result.subject.id}` : '';
  return [
    verdictBanner(result.verdict, subject ? [subject] : []),
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
  zone.addEventListener('keydown', (e) => (e as KeyboardEvent).key === 'Enter' && input.click());
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
