import type { Context } from 'fabric-contract-api';

/**
 * The transaction's time: the proposal timestamp every endorsing peer sees identically.
 * Chaincode never reads the clock, or peers would disagree.
 */
export function txTime(ctx: Context): Date {
  return ctx.stub.getDateTimestamp();
}

export function txTimeIso(ctx: Context): string {
  return txTime(ctx).toISOString();
}
