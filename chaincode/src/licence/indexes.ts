import type { Context } from 'fabric-contract-api';
import { INDEX, putIndex } from '../common/keys';
import { type Licence, findLicence } from './model';

/** Index entries of a new licence version: by holder commitment, by issuer and type, by series. */
export async function indexLicence(ctx: Context, licence: Licence): Promise<void> {
  await putIndex(ctx, INDEX.licenceByHolder, [licence.holder.commitment, licence.licenceId]);
  await putIndex(ctx, INDEX.licenceByIssuerType, [licence.issuerId, licence.licenceTypeCode, licence.licenceId]);
  await putIndex(ctx, INDEX.licenceVersions, [licence.seriesId, licence.version, licence.licenceId]);
}

/**
 * Every version of a series, oldest first (the zero-padded version orders the keys). A series
 * holds at most 999 versions, so it is read whole, without pagination.
 */
export async function seriesVersions(ctx: Context, seriesId: string): Promise<Licence[]> {
  const iterator = await ctx.stub.getStateByPartialCompositeKey(INDEX.licenceVersions, [seriesId]);
  const licenceIds: string[] = [];
  try {
    for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
      const { attributes } = ctx.stub.splitCompositeKey(res.value.key);
      licenceIds.push(attributes[attributes.length - 1]!);
    }
  } finally {
    await iterator.close();
  }
  const versions: Licence[] = [];
  for (const id of licenceIds) {
    const licence = await findLicence(ctx, id);
    if (licence) versions.push(licence);
  }
  return versions;
}
