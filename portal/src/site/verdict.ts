/** The verdict shown large and unambiguous: a word, a colour and a symbol, never colour alone. */
import { ApiFailure, malformed } from './api';
import { facts, h, mono } from './dom';
import { idFromInput, PAGES, type RecordKind } from './identifiers';
import { findingText, t, verdictLabel, when } from './i18n';

const GOOD = new Set(['valid']);
const WARN = new Set(['not_yet_valid', 'suspended', 'superseded', 'incomplete', 'not_found']);

export interface BannerOptions {
  /** The word shown, when it is not the verdict's own label. */
  label?: string;
  /** What the verdict is about, shown above it. */
  caption?: string;
  /** The attribute that carries the verdict (tests and styles find banners by it). */
  attribute?: string;
}

export function verdictBanner(verdict: string, reasons: string[] = [], options: BannerOptions = {}): HTMLElement {
  // An answer with no verdict is no answer: never a bare symbol.
  if (typeof verdict !== 'string' || verdict === '' || !Array.isArray(reasons)) throw malformed();
  const tone = GOOD.has(verdict) ? 'good' : WARN.has(verdict) ? 'warn' : 'bad';
  const symbol = tone === 'good' ? '✔' : tone === 'warn' ? '!' : '✘';
  return h(
    'section',
    { class: `verdict ${tone}`, role: 'status', 'aria-live': 'polite', [options.attribute ?? 'data-verdict']: verdict },
    options.caption ? h('p', { class: 'verdict-caption' }, options.caption) : null,
    h('p', { class: 'verdict-word' }, h('span', { 'aria-hidden': 'true', class: 'symbol' }, symbol), ' ', options.label ?? verdictLabel(verdict)),
    reasons.length > 0 ? h('div', {}, h('h3', {}, t('reasons')), h('ul', { class: 'reasons' }, ...reasons.map((r) => h('li', {}, r)))) : null,
  );
}

/** A chaincode verdict's reasons in the page's language: each worded from its finding, or as sent in English. */
export function wordedReasons(answer: { reasons?: unknown; findings?: unknown }): string[] {
  const { reasons, findings } = answer;
  if (reasons === undefined) return [];
  if (!Array.isArray(reasons)) throw malformed();
  const list: unknown[] = Array.isArray(findings) ? findings : [];
  return reasons.map((reason, i) => findingText(list[i], String(reason)));
}

export interface TxEvidence {
  txId: string;
  blockNumber: string;
  blockHash: string;
  timestamp: string;
}

/** Where a record sits on the chain: transaction, block, block hash with its algorithm, time. */
export function evidenceFacts(e: TxEvidence | null | undefined): HTMLElement | null {
  if (!e) return null;
  return h(
    'section',
    { class: 'card' },
    h('h3', {}, t('evidence')),
    facts([
      [t('txId'), mono(e.txId)],
      [t('block'), `#${e.blockNumber}`],
      [t('blockHash'), mono(e.blockHash)],
      [t('hashAlg'), 'SM3'],
      [t('time'), when(e.timestamp)],
    ]),
  );
}

export function errorBox(message: string): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, message);
}

export function busy(text: string): HTMLElement {
  return h('p', { class: 'busy', role: 'status' }, text);
}

/** Fills `target` with what `work` makes: progress first, the API's error (in the page's language) on failure. */
export async function fill(target: HTMLElement, work: () => Promise<Node[]>): Promise<void> {
  target.replaceChildren(busy(t('checking')));
  try {
    target.replaceChildren(...(await work()));
  } catch (err) {
    // Anything else is an answer the page could not read (a field missing), not a message for people.
    target.replaceChildren(errorBox((err instanceof ApiFailure ? err : malformed()).shown()));
  }
}

/**
 * Submitting `form` runs `action` on the identifier typed or pasted, normalised (identifiers.ts) and shown
 * so in the field, and keeps it in the address bar as a deep link.
 */
export function submitsId(form: HTMLFormElement, input: HTMLInputElement, kind: RecordKind, action: (id: string) => void): void {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = idFromInput(kind, input.value);
    if (!id) return;
    input.value = id;
    history.replaceState(null, '', `${PAGES[kind]}/${encodeURIComponent(id)}`);
    action(id);
  });
}
