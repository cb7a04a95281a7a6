/** 证照核验: by identifier, QR (camera or photo), and optionally the file, digested here. */
import { api, postJson } from '../api';
import { fileSm3 } from '../digest';
import { facts, field, h, mono, pressable } from '../dom';
import { t, verdictLabel, when } from '../i18n';
import { PAGES, pageOfCode } from '../identifiers';
import { licenceStateAt } from '../licence-state';
import { decodeImageFile, scanCamera } from '../qr-scan';
import { evidenceFacts, fill, submitsId, verdictBanner, wordedReasons } from '../verdict';

export function licencePage(main: HTMLElement, initialId: string | undefined, navigate: (path: string) => void): void {
  const idInput = h('input', { type: 'text', name: 'id', autocomplete: 'off', spellcheck: 'false', inputmode: 'text', required: true, value: initialId ?? '' });
  const fileInput = h('input', { type: 'file', name: 'file' });
  const photoInput = h('input', { type: 'file', accept: 'image/*', capture: 'environment', class: 'visually-hidden', id: 'qr-photo' });
  const video = h('video', { class: 'camera', playsinline: true, muted: true, hidden: true, 'aria-label': t('scan.camera') });
  const scanStatus = h('p', { class: 'hint', role: 'status' });
  const result = h('div', { id: 'result' });
  let scanner: { stop(): void } | undefined;

  const useCode = (text: string) => {
    const page = pageOfCode(text);
    scanStatus.textContent = t(page ? 'scan.found' : 'scan.unknown');
    if (page) navigate(page);
  };
  const cameraButton = h('button', { type: 'button', class: 'secondary' }, t('scan.camera'));
  cameraButton.addEventListener('click', async () => {
    if (scanner) {
      scanner.stop();
      scanner = undefined;
      video.hidden = true;
      cameraButton.textContent = t('scan.camera');
      return;
    }
    try {
      video.hidden = false;
      cameraButton.textContent = t('scan.stop');
      scanner = await scanCamera(video, (text) => {
        scanner = undefined;
        video.hidden = true;
        useCode(text);
      });
    } catch {
      video.hidden = true;
      cameraButton.textContent = t('scan.camera');
      scanStatus.textContent = t('scan.noCamera');
    }
  });
  photoInput.addEventListener('change', async () => {
    const file = photoInput.files?.[0];
    if (!file) return;
    const text = await decodeImageFile(file).catch(() => undefined);
    if (text) useCode(text);
    else scanStatus.textContent = t('scan.none');
  });

  // A label opens the file chooser on click; Enter and Space do it for the keyboard.
  const photoButton = h('label', { for: 'qr-photo', class: 'button secondary', tabindex: '0', role: 'button' }, t('scan.photo'));
  pressable(photoButton, () => photoInput.click());
  const form = h(
    'form',
    { class: 'card', novalidate: true },
    field('licence-id', t('licence.id'), idInput, t('licence.idHint')),
    field('licence-file', t('licence.file'), fileInput, t('licence.fileHint')),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, t('verify')), cameraButton, photoButton, photoInput),
    scanStatus,
    video,
  );
  submitsId(form, idInput, 'licence', (id) => void verify(id));

  const verify = (id: string) =>
    fill(result, async () => {
      const file = fileInput.files?.[0];
      const documentSm3 = file ? await fileSm3(file) : undefined;
      const answer = await postJson('/v1/verify/licence', { id, ...(documentSm3 ? { documentSm3 } : {}) });
      return licenceResult(answer, documentSm3);
    });

  main.replaceChildren(h('h1', {}, t('licence.title')), h('p', { class: 'intro' }, t('licence.intro')), form, result);
  // A deep link is submitted as if typed: normalised, and the address made canonical.
  if (initialId) form.requestSubmit();
}

// Status and versions are read at the verdict's instant: a licence past its window is not 有效 in any row.
async function licenceResult(answer: any, documentSm3: string | undefined): Promise<HTMLElement[]> {
  const parts: HTMLElement[] = [verdictBanner(answer.verdict, wordedReasons(answer))];
  const r = answer.record;
  if (!r) return parts;
  const [issuer, series] = await Promise.all([
    api(`/v1/agencies/${r.issuerId}`).catch(() => undefined),
    api(`/v1/licences/${encodeURIComponent(r.licenceId)}?versions=all`).catch(() => undefined),
  ]);
  parts.push(
    h(
      'section',
      { class: 'card' },
      h('h3', {}, t('record')),
      facts([
        [t('name'), r.name],
        [t('number'), r.number],
        [t('holderName'), r.holderName],
        [t('issuer'), issuer ? `${issuer.name}（${r.issuerId}）` : r.issuerId],
        [t('validity'), `${when(r.validFrom)} — ${r.validUntil ? when(r.validUntil) : t('validForever')}`],
        [t('status'), verdictLabel(licenceStateAt(r, answer.checkedAt))],
        [t('documentSm3'), mono(r.document?.sm3 ?? '')],
        [t('digest.done'), documentSm3 ? mono(documentSm3) : undefined],
        [t('checkedAt'), when(answer.checkedAt)],
      ]),
    ),
  );
  const versions: any[] = series?.versions ?? [];
  if (versions.length > 0) {
    parts.push(
      h(
        'section',
        { class: 'card' },
        h('h3', {}, t('versions')),
        h(
          'ol',
          { class: 'versions' },
          ...versions.map((v) =>
            h('li', { 'aria-current': v.licenceId === r.licenceId ? 'true' : 'false' }, h('a', { href: `${PAGES.licence}/${encodeURIComponent(v.licenceId)}`, 'data-link': true }, `v${v.version}`), ` · ${verdictLabel(licenceStateAt(v, answer.checkedAt))} · ${when(v.createdAt)}`),
          ),
        ),
      ),
    );
  }
  parts.push(evidenceFacts(answer.evidence) ?? h('span'));
  const id = encodeURIComponent(r.licenceId);
  parts.push(
    h(
      'section',
      { class: 'card qr-card' },
      h('h3', {}, t('qr')),
      h('img', { src: `/v1/licences/${id}/qr.svg`, alt: t('qr'), width: '180', height: '180' }),
      h('p', {}, h('a', { href: `/v1/licences/${id}/evidence`, download: `${r.licenceId}.evidence.json` }, t('downloadBundle'))),
    ),
  );
  return parts;
}
