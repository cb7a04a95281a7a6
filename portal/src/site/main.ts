/** The portal's entry: language, navigation by deep link (history API), one page at a time. */
import './shims/globals';
import { lang, setLang, t, type Key } from './i18n';
import { auditPage } from './pages/audit';
import { licencePage } from './pages/licence';
import { offlinePage } from './pages/offline';
import { provenancePage } from './pages/provenance';
import { sealingPage } from './pages/sealing';

const main = document.getElementById('main')!;

function navigate(path: string): void {
  history.pushState(null, '', path);
  render();
}

/** A path segment as typed; one with a malformed %-escape is kept as it stands (the API then says it is no identifier). */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Deep links: /verify/licence/<id>, /verify/sealed-document/<id>, /provenance/<receiptId>, /audit/<kind>/<id>, /offline. */
function render(): void {
  setLang(lang());
  for (const el of document.querySelectorAll<HTMLElement>('[data-i18n]')) el.textContent = t(el.dataset.i18n as Key);
  const langButton = document.getElementById('lang')!;
  langButton.textContent = t('lang.switch');
  langButton.setAttribute('aria-label', t('lang.switch'));
  const parts = location.pathname.split('/').filter(Boolean).map(decoded);
  let tab = 'licence';
  if (parts[0] === 'verify' && parts[1] === 'sealed-document') {
    tab = 'sealing';
    sealingPage(main, parts[2]);
  } else if (parts[0] === 'provenance') {
    tab = 'provenance';
    provenancePage(main, parts[1]);
  } else if (parts[0] === 'audit') {
    tab = 'audit';
    auditPage(main, parts[1], parts[2]);
  } else if (parts[0] === 'offline') {
    tab = 'offline';
    offlinePage(main);
  } else {
    licencePage(main, parts[0] === 'verify' && parts[1] === 'licence' ? parts[2] : undefined, navigate);
  }
  for (const a of document.querySelectorAll<HTMLElement>('[data-tab]')) {
    if (a.dataset.tab === tab) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `${t(`tab.${tab}` as Key)} · ${t('brand')}`;
}

document.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest<HTMLAnchorElement>('a[data-link]');
  if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
  event.preventDefault();
  navigate(link.getAttribute('href')!);
  main.focus();
});
document.getElementById('lang')!.addEventListener('click', () => {
  // The page is drawn again in the other language; what was typed or chosen in it stays.
  const typed = [...main.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input:not([type=file])[id], select[id]')].map((el) => [el.id, el.value] as const);
  setLang(lang() === 'zh' ? 'en' : 'zh');
  render();
  for (const [id, value] of typed) {
    const el = document.getElementById(id);
    if (el instanceof HTMLInputElement || el instanceof HTMLSelectElement) el.value = value;
  }
});
window.addEventListener('popstate', render);
render();
