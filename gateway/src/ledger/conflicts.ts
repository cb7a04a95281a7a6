import { ApiError } from '../errors';

/** A transaction invalidated at commit by an MVCC or phantom read conflict (a fresh proposal may pass). */
export function conflictError(transactionId: string): ApiError {
  return new ApiError(409, 'LEDGER_CONFLICT', `transaction ${transactionId} conflicted with a concurrent update`, { transactionId });
}

const isConflict = (err: unknown): boolean => err instanceof ApiError && err.code === 'LEDGER_CONFLICT';

/** Bounded re-execution of a transaction that lost an MVCC race (a fresh proposal each time). */
export async function retryOnConflict<T>(attempt: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (i >= attempts) {
        throw new ApiError(409, 'LEDGER_CONFLICT', `the transaction conflicted with concurrent updates ${attempts} times; retry later`);
      }
      // Back off a little, with jitter, so the competing writers do not collide again.
      await new Promise((resolve) => setTimeout(resolve, 10 * i + Math.random() * 20));
    }
  }
}
