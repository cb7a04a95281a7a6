import { Context, Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { z } from 'zod';
import type { ActionRecord, Agency } from '../agency/model';
import { ChaincodeError } from '../common/errors';
import { RECORD_KINDS, type RecordKind, recordKey } from '../common/keys';
import { checkArgument, text, uscc } from '../common/validation';
import { parseIdentifier } from '../licence/model';
import { type SignatureCheck, checkAction } from './action-check';

/** One version of a record, as the ledger's history holds it. */
export interface HistoryEntry {
  txId: string;
  timestamp: string;
  isDelete: boolean;
  value: unknown;
  /** The check of the signature that made this version (its `lastAction`). */
  signature: SignatureCheck;
}

const historyQuery = z.strictObject({ kind: z.enum(RECORD_KINDS), id: text(256) });

/** The record id in the form its family stores it: agencies by credit code, licences canonical. */
function recordId(kind: RecordKind, id: string): string {
  if (kind === 'licence') return parseIdentifier(id).id;
  if (kind === 'agency') return checkArgument(z.strictObject({ id: uscc }), { id }, 'query').id;
  return id;
}

function isoOf(timestamp: { seconds: unknown; nanos: number }): string {
  // seconds is a protobuf Long on Fabric and may be a number elsewhere; both print as decimal.
  const millis = Number(String(timestamp.seconds)) * 1000 + Math.floor(timestamp.nanos / 1e6);
  return new Date(millis).toISOString();
}

/** 审计: the complete, ordered history of any record, each version's signature re-checked. */
@Info({ title: 'Audit', description: '审计: record histories with signature checks' })
export class AuditContract extends Contract {
  constructor() {
    super('audit');
  }

  @Transaction(false)
  @Returns('string')
  async history(ctx: Context, kind: string, id: string): Promise<string> {
    const query = checkArgument(historyQuery, { kind, id }, 'query');
    const key = recordId(query.kind, query.id);
    const iterator = await ctx.stub.getHistoryForKey(recordKey(ctx, query.kind, key));
    const entries: Omit<HistoryEntry, 'signature'>[] = [];
    try {
      for (let res = await iterator.next(); !res.done; res = await iterator.next()) {
        const { txId, isDelete, value, timestamp } = res.value;
        const bytes = value && value.length > 0 ? Buffer.from(value).toString('utf8') : '';
        entries.push({ txId, timestamp: isoOf(timestamp), isDelete, value: isDelete || !bytes ? null : JSON.parse(bytes) });
      }
    } finally {
      await iterator.close();
    }
    if (entries.length === 0) {
      throw new ChaincodeError('NOT_FOUND', `no ${query.kind} ${key} has ever been written`, { kind: query.kind, id: key });
    }
    // Fabric returns the newest first, in commit order (core/ledger/kvledger/history/query_executer.go
    // walks the index backwards by block and transaction number). That order is the truth: timestamps
    // are the submitting clients' clocks, and two organisations' clocks may disagree, so sorting by
    // them could put a later version before the one it replaced.
    entries.reverse();
    const agencies = new Map<string, Agency | undefined>();
    const versions: HistoryEntry[] = [];
    for (const entry of entries) {
      const action = (entry.value as { lastAction?: ActionRecord } | null)?.lastAction;
      const signature: SignatureCheck = entry.isDelete
        ? { status: 'not_signed', reason: 'a deletion carries no record' }
        : await checkAction(ctx, action, agencies);
      versions.push({ ...entry, signature });
    }
    return JSON.stringify({ kind: query.kind, id: key, versions });
  }
}
