import type { RouteSpec } from '../http/route';
import type { Services } from '../services';
import { agencyRoutes } from './agencies';
import { agencyTokenRoutes } from './agency-tokens';
import { healthRoutes } from './health';
import { receiptRoutes } from './receipts';
import { caseRoutes } from './cases';
import { licenceRoutes } from './licences';
import { verifyLicenceRoutes } from './verify-licence';
import { sealRoutes } from './seals';
import { ofdRoutes } from './ofd';
import { anchorRoutes } from './anchors';
import { auditRoutes } from './audit';
import { evidenceRoutes } from './evidence';
import { holderRoutes } from './holders';
import { qrRoutes } from './qr';
import { ledgerRoutes } from './ledger';

/**
 * Every route of the API, in the order the OpenAPI document lists them. `publicBaseUrl`: where the
 * public reaches the portal (PUBLIC_BASE_URL, or the address the gateway listens on).
 */
export function allRoutes(s: Services, publicBaseUrl: string): RouteSpec<any, any>[] {
  return [...healthRoutes(s), ...agencyRoutes(s), ...agencyTokenRoutes(s), ...licenceRoutes(s), ...holderRoutes(s), ...verifyLicenceRoutes(s), ...receiptRoutes(s), ...caseRoutes(s), ...sealRoutes(s), ...ofdRoutes(s), ...anchorRoutes(s), ...auditRoutes(s), ...evidenceRoutes(s), ...qrRoutes(s, publicBaseUrl), ...ledgerRoutes(s)];
}
