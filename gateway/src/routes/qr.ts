import { z } from 'zod';
import { sealSchemas } from '@henan-chain/chaincode';
import { pathId } from '../http/path-id';
import { defineRoute, type RouteContext, type RouteResult } from '../http/route';
import type { Services } from '../services';
import { qrPng, qrSvg, verificationUrl, type QrSubject } from '../verification/qr';
import { checkLicenceId } from './licences';

const sealingIdOf = pathId(sealSchemas.sealingId);

const FORMATS = {
  svg: { mediaType: 'image/svg+xml', draw: qrSvg },
  png: { mediaType: 'image/png', draw: qrPng },
} as const;

/** What each kind of record is called in the summary, and how its id is checked and its existence confirmed. */
const SUBJECTS: Record<QrSubject, { path: string; name: string; idOf(params: Record<string, string>): string; exists: string }> = {
  licence: { path: '/v1/licences/:id', name: 'a licence version (证照)', idOf: (p) => checkLicenceId(p.id!, 'path.id'), exists: 'licence:get' },
  sealing: { path: '/v1/sealed-documents/:id', name: 'a recorded sealing (签章)', idOf: (p) => sealingIdOf(p), exists: 'seal:getSealing' },
};

/** `publicBaseUrl` comes from configuration, never from a request's Host: the code and its caching hold for every caller. */
export function qrRoutes(s: Services, publicBaseUrl: string) {
  return (Object.keys(SUBJECTS) as QrSubject[]).flatMap((kind) =>
    (Object.keys(FORMATS) as (keyof typeof FORMATS)[]).map((format) => {
      const subject = SUBJECTS[kind];
      const { mediaType, draw } = FORMATS[format];
      return defineRoute({
        method: 'get',
        path: `${subject.path}/qr.${format}`,
        tag: 'qr',
        summary: `QR code (${format.toUpperCase()}) of ${subject.name}, carrying the portal\u2019s verification URL`,
        description:
          'The URL is PUBLIC_BASE_URL (or, unset, the address the gateway listens on) followed by the portal\u2019s page of the record, whatever Host the request names; ' +
          'the X-Verification-Url header repeats it. 404 when the ledger holds no such record.',
        access: 'public',
        responses: { 200: { description: `The code as ${mediaType}`, schema: z.string(), mediaType } },
        async handler({ params }: RouteContext<unknown, unknown>): Promise<RouteResult> {
          const id = subject.idOf(params);
          await s.query(subject.exists, id); // NOT_FOUND for a record the ledger lacks: no code for what cannot verify
          const url = verificationUrl(publicBaseUrl, kind, id);
          // A record's code never changes while the configured base URL stays: a day of caching spares redrawing it.
          return { body: await draw(url), type: mediaType, headers: { 'x-verification-url': url, 'cache-control': 'public, max-age=86400' } };
        },
      });
    }),
  );
}
