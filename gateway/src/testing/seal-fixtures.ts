/** Seal test helpers. */
import { sm3Hex } from '@henan-chain/crypto';

/** A registration body of an official seal of `ownerId`, valid from an hour ago for a year; no publicKey: the gateway makes the key. */
export function sealRegistration(sealId: string, ownerId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Date.now();
  return {
    sealId,
    ownerId,
    sealType: 'official',
    name: '郑州市行政审批和政务信息管理局公章',
    validFrom: new Date(now - 3600_000).toISOString(),
    validTo: new Date(now + 365 * 86400_000).toISOString(),
    picture: { sm3: sm3Hex('seal picture'), mediaType: 'image/png', width: 240, height: 240 },
    ...extra,
  };
}
