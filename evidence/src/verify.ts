/**
 * Checks an evidence bundle with nothing but the bundle: no gateway, no network, no Node API. The
 * CLI (`henan-chain verify-evidence`) and the portal's offline check both call this, so they give the
 * same verdict. Every check is named after the bundle field it rests on, so a change to any field is
 * reported where it was made.
 */
import { SM3, canonicalBytes, equalBytes, fromHex, hashLeaf, parseCheckpoint, parseIJson, toHex, verify, verifyCheckpoint, verifyInclusion } from '@henan-chain/crypto';
import { BUNDLE_FORMAT, SUBJECT_KINDS, anchorOrigin, type EmbeddedBlockProof, type EvidenceBundle, type StoredRecord } from './bundle';
import { dataHashOf, headerHash, readTransaction, type ReadTransaction } from './embedded-transaction';

export interface Check {
  /** The bundle field the check rests on, e.g. `records[0].value.status` or `transactions[2].header.dataHash`. */
  field: string;
  ok: boolean;
  message: string;
}

/**
 * `valid`: everything the bundle claims is proven by its own content; `invalid`: a check failed (the
 * bundle was changed or never was genuine); `incomplete`: nothing failed, but part of the evidence is
 * of a kind this verifier does not check (a Fabric block), so it is listed as not proven.
 */
export type BundleVerdict = 'valid' | 'invalid' | 'incomplete';

export interface BundleVerification {
  verdict: BundleVerdict;
  subject: EvidenceBundle['subject'] | null;
  /** The subject's record as the ledger stored it, when the bundle could be read. */
  record: Record<string, unknown> | null;
  createdAt: string | null;
  checks: Check[];
  failures: Check[];
  /** What a valid bundle proves, in sentences. */
  proven: string[];
  /** What no bundle can prove by itself, and how to check it elsewhere. */
  notProven: string[];
}

/** The state key a record family keeps a record under: Fabric's composite key (kind, [id]). */
export function stateKey(kind: string, id: string): string {
  return `\u0000${kind}\u0000${id}\u0000`;
}

const SUBJECT_RECORD: Record<EvidenceBundle['subject']['kind'], StoredRecord['kind']> = {
  licence: 'licence',
  sealing: 'sealing',
  receipt: 'receipt',
  'anchored-leaf': 'anchor',
};

/** An agency-signed act as records keep it (ActionRecord with its signature): issuance, lastAction, a receipt's steps. */
export interface SignedAct {
  action: string;
  txId: string;
  at: string;
  agencyId: string;
  keyId: string;
  signature: string;
  request: Record<string, unknown>;
}

interface AgencyKeyRecord {
  keyId: string;
  publicKey: string;
  validFrom: string;
  validTo?: string;
  revokedAt?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';
const HEX = /^(?:[0-9a-f]{2})*$/;
const SM3_HEX = /^[0-9a-f]{64}$/;
const DECIMAL = /^[0-9]+$/;
const LEDGER_KINDS = ['embedded', 'fabric'] as const;
/** The block hash each ledger uses, as the schema fixes `hashAlgorithm`. */
const HASH_ALGORITHMS = { embedded: 'SM3', fabric: 'SHA-256' } as const;

/** A block header as the schema's `header` has it: decimal number, hex hashes. */
function isHeader(h: unknown): h is EmbeddedBlockProof['header'] {
  return isObject(h) && isString(h.number) && DECIMAL.test(h.number) && [h.previousHash, h.dataHash].every((v) => isString(v) && HEX.test(v));
}

/** Verifies a parsed bundle (the JSON as read from the file). Never throws. */
export function verifyBundle(input: unknown): BundleVerification {
  const run = new Run();
  try {
    run.all(input);
  } catch (err) {
    run.check('(bundle)', false, `the bundle cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return run.result();
}

/** Parses the text of a bundle file and verifies it. */
export function verifyBundleText(text: string): BundleVerification {
  let parsed: unknown;
  try {
    parsed = parseIJson(text);
  } catch (err) {
    const run = new Run();
    run.check('(file)', false, `not JSON: ${err instanceof Error ? err.message : String(err)}`);
    return run.result();
  }
  return verifyBundle(parsed);
}

class Run {
  readonly checks: Check[] = [];
  readonly proven: string[] = [];
  readonly notProven: string[] = [];
  subject: EvidenceBundle['subject'] | null = null;
  record: Record<string, unknown> | null = null;
  createdAt: string | null = null;
  private incomplete = false;
  /** Transactions whose block evidence held, by id. */
  private readonly transactions = new Map<string, ReadTransaction>();
  /** Records whose bytes a proven transaction wrote (or, on Fabric, that a transaction this verifier cannot check wrote), by state key. */
  private readonly records = new Map<string, Record<string, unknown>>();
  /** Transactions with Fabric evidence: reported as not proven, never as failed. */
  private readonly unchecked = new Set<string>();

  check(field: string, ok: boolean, message: string): boolean {
    this.checks.push({ field, ok, message });
    return ok;
  }

  result(): BundleVerification {
    const failures = this.checks.filter((c) => !c.ok);
    const verdict: BundleVerdict = failures.length > 0 || this.checks.length === 0 ? 'invalid' : this.incomplete ? 'incomplete' : 'valid';
    return {
      verdict,
      subject: this.subject,
      record: this.record,
      createdAt: this.createdAt,
      checks: this.checks,
      failures,
      proven: verdict === 'invalid' ? [] : this.proven,
      notProven: this.notProven,
    };
  }

  all(input: unknown): void {
    const bundle = this.shape(input);
    if (!bundle) return;
    this.subject = bundle.subject;
    this.createdAt = bundle.createdAt;
    bundle.transactions.forEach((proof, i) => this.transaction(proof, `transactions[${i}]`, bundle.ledger));
    this.madeAfter(bundle.createdAt);
    bundle.records.forEach((record, i) => this.storedRecord(record, `records[${i}]`));
    const subject = bundle.records[0]!;
    const wanted = SUBJECT_RECORD[bundle.subject.kind];
    const subjectId = bundle.subject.kind === 'anchored-leaf' ? bundle.anchoredLeaf?.anchorId : bundle.subject.id;
    if (!this.check('records[0]', subject.kind === wanted && subject.id === subjectId, `the first record is the subject's (${wanted} ${subjectId ?? '?'})`)) return;
    this.record = subject.value;
    bundle.records.forEach((record, i) => {
      for (const { path, act } of signedActsOf(record.value, `records[${i}].value`)) this.signedAct(act, path);
    });
    if (bundle.subject.kind === 'sealing') this.sealing(subject.value, bundle.records);
    if (bundle.subject.kind === 'anchored-leaf') this.anchoredLeaf(bundle, subject.value);
    this.statements(bundle);
  }

  /** The bundle's outline: anything else is refused before a hash is computed. */
  private shape(input: unknown): EvidenceBundle | undefined {
    if (!this.check('format', isObject(input) && input.format === BUNDLE_FORMAT, `format is ${BUNDLE_FORMAT}`)) return undefined;
    const b = input as Record<string, unknown>;
    const subject = b.subject;
    const subjectOk = isObject(subject) && (SUBJECT_KINDS as readonly unknown[]).includes(subject.kind) && isString(subject.id);
    const recordsOk =
      Array.isArray(b.records) &&
      b.records.length > 0 &&
      b.records.every((r) => isObject(r) && isString(r.kind) && isString(r.id) && isString(r.txId) && isObject(r.value));
    const transactionsOk = Array.isArray(b.transactions) && b.transactions.every((t) => isObject(t) && isString(t.ledger) && isString(t.txId));
    const ledgerOk = isObject(b.ledger) && (LEDGER_KINDS as readonly unknown[]).includes(b.ledger.kind) && isString(b.ledger.height) && DECIMAL.test(b.ledger.height);
    const ok =
      this.check('subject', subjectOk, 'subject names a kind and an id') &&
      this.check('createdAt', isString(b.createdAt) && !Number.isNaN(Date.parse(b.createdAt)), 'createdAt is an instant') &&
      this.check('ledger', ledgerOk, `ledger is {kind: ${LEDGER_KINDS.join(' or ')}, height: a decimal number}`) &&
      this.check('records', recordsOk, 'records is a non-empty list of {kind, id, txId, value}') &&
      this.check('transactions', transactionsOk, 'transactions is a list of ledger proofs');
    return ok ? (input as unknown as EvidenceBundle) : undefined;
  }

  private transaction(proof: EvidenceBundle['transactions'][number], at: string, ledger: EvidenceBundle['ledger']): void {
    if (!this.check(`${at}.ledger`, proof.ledger === ledger.kind, `the proof is of the bundle's ${ledger.kind} ledger (is ${String(proof.ledger)})`)) return;
    const algorithm = HASH_ALGORITHMS[proof.ledger];
    if (!this.check(`${at}.hashAlgorithm`, proof.hashAlgorithm === algorithm, `blocks of the ${proof.ledger} ledger are hashed with ${algorithm} (the bundle says ${String(proof.hashAlgorithm)})`)) return;
    if (proof.ledger === 'fabric') {
      this.incomplete = true;
      this.unchecked.add(proof.txId);
      this.notProven.push(
        `transaction ${proof.txId} on Fabric (block ${String(proof.blockNumber)}): this verifier (v1) does not check Fabric endorsements; ask a peer of the channel (qscc GetTransactionByID)`,
      );
      return;
    }
    const p = proof as EmbeddedBlockProof;
    const shapeOk =
      Array.isArray(p.transactions) &&
      p.transactions.every((t) => isString(t) && HEX.test(t)) &&
      isObject(p.header) &&
      [p.header.number, p.header.previousHash, p.header.dataHash, p.blockHash, p.blockNumber].every(isString) &&
      isHeader(p.header) &&
      SM3_HEX.test(p.blockHash) &&
      Number.isInteger(p.transactionIndex);
    if (!this.check(`${at}`, shapeOk, 'a block proof: header, block hash, hex transactions, index')) return;
    const bytes = p.transactions.map((t, i) => fromHex(t, `${at}.transactions[${i}]`));
    const dataOk = this.check(`${at}.header.dataHash`, equalBytes(dataHashOf(bytes), fromHex(p.header.dataHash, 'dataHash')), `SM3 of block ${p.header.number}'s transactions is its header's data hash`);
    const hashOk = this.check(`${at}.blockHash`, toHex(headerHash(p.header)) === p.blockHash, `SM3 of block ${p.header.number}'s header is ${p.blockHash}`);
    const numberOk = this.check(`${at}.blockNumber`, p.blockNumber === p.header.number, `the block number is the header's (${p.header.number})`);
    let read: ReadTransaction | undefined;
    let readError = '';
    try {
      read = p.transactionIndex >= 0 && p.transactionIndex < bytes.length ? readTransaction(bytes[p.transactionIndex]!) : undefined;
    } catch (err) {
      readError = `: ${err instanceof Error ? err.message : String(err)}`;
    }
    const txOk = this.check(`${at}.txId`, read?.txId === p.txId, `transaction ${p.transactionIndex} of block ${p.header.number} is ${p.txId}${readError}`);
    const validOk = this.check(`${at}.validationCode`, p.validationCode === 0, `the ledger marks it valid (code ${String(p.validationCode)})`);
    let linkOk = true;
    if (p.next !== undefined) {
      const following = (BigInt(p.header.number) + 1n).toString();
      linkOk = this.check(
        `${at}.next`,
        isHeader(p.next) && p.next.previousHash === p.blockHash && p.next.number === following,
        `block ${following}'s header as the bundle gives it names block ${p.header.number}'s hash as its previous hash`,
      );
      // The bundle does not carry that block's transactions, so its data hash, and with it its hash, rest on the bundle's word.
      if (linkOk) this.notProven.push(`that block ${following} is as ${at}.next gives it: its SM3 hash would be ${toHex(headerHash(p.next))}; compare with a peer's copy of block ${following}`);
    }
    const newest = p.next !== undefined && linkOk ? p.next.number : p.header.number;
    const heightOk = this.check(`${at}.blockNumber`, BigInt(newest) < BigInt(ledger.height), `the ledger's height ${ledger.height} is above block ${newest}`);
    if (dataOk && hashOk && numberOk && txOk && validOk && linkOk && heightOk && read) this.transactions.set(p.txId, read);
  }

  private storedRecord(record: StoredRecord, at: string): void {
    if (this.unchecked.has(record.txId)) {
      // Its signatures are still checked below; that the ledger holds these bytes is not.
      this.records.set(stateKey(record.kind, record.id), record.value);
      this.notProven.push(`that ${record.kind} ${record.id} is what Fabric transaction ${record.txId} wrote`);
      return;
    }
    const tx = this.transactions.get(record.txId);
    if (!this.check(`${at}.txId`, tx !== undefined, `the transaction ${record.txId} that wrote ${record.kind} ${record.id} is proven in its block`)) return;
    const key = stateKey(record.kind, record.id);
    const write = tx!.writes.find((w) => w.key === key && !w.isDelete);
    if (!this.check(`${at}.id`, write !== undefined, `transaction ${record.txId} writes ${record.kind} ${record.id}`)) return;
    const expected = canonicalBytes(record.value);
    if (equalBytes(expected, write!.value)) {
      this.check(`${at}.value`, true, `${record.kind} ${record.id} is byte for byte what transaction ${record.txId} wrote`);
      this.records.set(key, record.value);
      return;
    }
    let written: Record<string, unknown> = {};
    try {
      written = JSON.parse(new TextDecoder().decode(write!.value)) as Record<string, unknown>;
    } catch {
      // not JSON on the ledger: every field then differs
    }
    const fields = [...new Set([...Object.keys(record.value), ...Object.keys(written)])].filter(
      (f) => JSON.stringify(canonicalOrUndefined(record.value[f])) !== JSON.stringify(canonicalOrUndefined(written[f])),
    );
    for (const f of fields.length > 0 ? fields : ['(encoding)']) {
      this.check(`${at}.value.${f}`, false, `${record.kind} ${record.id}: ${f} differs from what transaction ${record.txId} wrote`);
    }
  }

  private signedAct(act: SignedAct, at: string): void {
    const agency = this.records.get(stateKey('agency', act.agencyId));
    if (!this.check(`${at}.agencyId`, agency !== undefined, `agency ${act.agencyId}'s record is in the bundle and proven`)) return;
    const keys = Array.isArray(agency!.keys) ? (agency!.keys as AgencyKeyRecord[]) : [];
    const key = keys.find((k) => k.keyId === act.keyId);
    if (!this.check(`${at}.keyId`, key !== undefined, `agency ${act.agencyId} has key ${act.keyId}`)) return;
    const invalid = keyInvalidity(key!, act.at);
    this.check(`${at}.at`, invalid === undefined, invalid ?? `key ${act.keyId} was valid at ${act.at}`);
    const signed = verify(canonicalBytes(act.request), act.signature, key!.publicKey);
    this.check(`${at}.signature`, signed.valid, signed.valid ? `${act.action}: agency ${act.agencyId}'s SM2 signature holds` : `${act.action}: the signature does not verify (${signed.reason})`);
    if (this.unchecked.has(act.txId)) return;
    const tx = this.transactions.get(act.txId);
    if (!this.check(`${at}.txId`, tx !== undefined, `the transaction ${act.txId} of ${act.action} is proven in its block`)) return;
    const sent = tx!.args.some((arg) => {
      try {
        const parsed = JSON.parse(arg) as Record<string, unknown>;
        const { signature, ...unsigned } = parsed;
        return signature === act.signature && equalBytes(canonicalBytes(unsigned), canonicalBytes(act.request));
      } catch {
        return false;
      }
    });
    this.check(
      `${at}.request`,
      sent && act.request.agencyId === act.agencyId && act.request.keyId === act.keyId,
      `the signed request is the one transaction ${act.txId} carried, from agency ${act.agencyId} key ${act.keyId}`,
    );
  }

  /** 签章: the seal key's signature over the sealing statement, and the seal in force at the sign time. */
  private sealing(sealing: Record<string, unknown>, records: StoredRecord[]): void {
    const seal = this.records.get(stateKey('seal', String(sealing.sealId)));
    if (!this.check('records[0].value.sealId', seal !== undefined && records.some((r) => r.kind === 'seal'), `seal ${String(sealing.sealId)}'s record is in the bundle and proven`)) return;
    const statement = canonicalBytes({ documentSm3: sealing.documentSm3, sealId: sealing.sealId, signTime: sealing.signTime });
    const signed = verify(statement, String(sealing.sealSignature), String(seal!.publicKey));
    this.check('records[0].value.sealSignature', signed.valid, signed.valid ? `the seal's SM2 signature over {documentSm3, sealId, signTime} holds` : `the seal signature does not verify (${signed.reason})`);
    const signTime = String(sealing.signTime);
    const t = Date.parse(signTime);
    const revokedFrom = isObject(seal!.revocation) ? Date.parse(String(seal!.revocation.effectiveFrom)) : undefined;
    const inForce = Date.parse(String(seal!.validFrom)) <= t && t <= Date.parse(String(seal!.validTo)) && (revokedFrom === undefined || t < revokedFrom);
    this.check('records[0].value.signTime', inForce, `seal ${String(sealing.sealId)} was in force at the sign time ${signTime}`);
  }

  /** 批量存证: the leaf under the anchored root, and (when given) the signed checkpoint of that head. */
  private anchoredLeaf(bundle: EvidenceBundle, anchor: Record<string, unknown>): void {
    const leaf = bundle.anchoredLeaf;
    if (!this.check('anchoredLeaf', isObject(leaf), 'an anchored-leaf bundle carries its inclusion proof')) return;
    const l = leaf!;
    this.check('anchoredLeaf.leaf', l.leaf === bundle.subject.id, 'the proof is for the subject leaf');
    this.check('anchoredLeaf.root', l.root === anchor.root && l.treeSize === anchor.size, `the proof's root and size are anchor ${l.anchorId}'s (${String(anchor.size)} leaves)`);
    // The head the agency signed, checked above with its key: on a ledger whose bytes this verifier cannot
    // prove (Fabric), it is what ties the record's root and size to the agency.
    const signed = isObject(anchor.lastAction) && isObject(anchor.lastAction.request) ? anchor.lastAction.request : undefined;
    this.check(
      'records[0].value.root',
      signed !== undefined && signed.root === anchor.root && signed.size === anchor.size,
      `anchor ${l.anchorId}'s root and size are the ones its agency signed`,
    );
    let included = false;
    try {
      included = verifyInclusion(SM3, l.leafIndex, l.treeSize, hashLeaf(SM3, fromHex(l.leaf, 'leaf', 32)), l.proof.map((p) => fromHex(p, 'proof', 32)), fromHex(l.root, 'root', 32));
    } catch {
      included = false;
    }
    this.check('anchoredLeaf.proof', included, `leaf ${l.leafIndex} of ${l.treeSize} leads to the root by RFC 9162 (SM3)`);
    if (l.checkpoint === undefined) return;
    const cp = l.checkpoint;
    const result = verifyCheckpoint(cp.text, cp.keyName, cp.publicKey);
    // The gateway signs the anchor's own head: the same agency's log, size and root, nothing else.
    const origin = anchorOrigin(String(anchor.agencyId));
    const parsed = result.valid ? parseCheckpoint(cp.text) : undefined;
    const sameHead = parsed !== undefined && parsed.origin === origin && parsed.size === l.treeSize && toHex(parsed.root) === l.root;
    this.check(
      'anchoredLeaf.checkpoint',
      sameHead,
      !result.valid
        ? `the checkpoint does not verify (${result.reason})`
        : sameHead
          ? `the checkpoint signed by ${cp.keyName} is of ${origin} at ${l.treeSize} leaves and this root`
          : `the checkpoint (${parsed!.origin}, ${parsed!.size} leaves) is not the head of anchor ${l.anchorId} (${origin}, ${l.treeSize} leaves, its root)`,
    );
    this.notProven.push(`that the checkpoint key (${cp.keyName}) is the gateway's: compare it with GET /v1/gateway/key from a source you trust`);
  }

  /** A bundle cannot have been made before the transactions it proves; a later date is its own claim. */
  private madeAfter(createdAt: string): void {
    const latest = [...this.transactions.values()].reduce((max, tx) => (Date.parse(tx.timestamp) > Date.parse(max) ? tx.timestamp : max), createdAt);
    this.check('createdAt', latest === createdAt, `the bundle was made (${createdAt}) no earlier than its latest transaction${latest === createdAt ? '' : ` (${latest})`}`);
  }

  private statements(bundle: EvidenceBundle): void {
    const txId = bundle.records[0]!.txId;
    const tx = bundle.transactions.find((t) => t.txId === txId);
    const { kind, id } = bundle.subject;
    // Only what a check held: a Fabric transaction's content is listed as not proven where it is met.
    if (tx && this.transactions.has(txId)) {
      this.proven.push(`${kind} ${id} is, byte for byte, the record transaction ${tx.txId} in block ${tx.blockNumber} (${tx.hashAlgorithm} ${tx.blockHash}) wrote on the ${bundle.ledger.kind} ledger`);
    }
    const carried = this.unchecked.size === 0 ? ', and is the request its transaction carried' : '';
    this.proven.push(`every signed act in the records verifies (SM2, SM3, id 1234567812345678) under its agency\u2019s key valid at that time${carried}`);
    this.notProven.push(`when the bundle was made: it says ${bundle.createdAt}, and only that this is no earlier than its transactions is checked`);
    this.notProven.push('that the record has not changed since the bundle was made: a later status change or a key revoked afterwards is not in this bundle; ask the gateway (证照核验) for the current verdict');
    this.notProven.push(`the ledger's height ${bundle.ledger.height}, which the bundle states: only that it is above the blocks it names is checked`);
    this.notProven.push('that the block hashes are those of the chain your organisation holds: compare blockHash with a peer\u2019s copy of the same block (a bundle is consistent in itself, but a whole forged chain would be too)');
    this.notProven.push('the validation code of a transaction: it is block metadata the block hash does not cover (the ledger\u2019s commit-hash chain does)');
    if (kind === 'licence' || kind === 'sealing') {
      this.notProven.push('that a file in hand is the one registered: digest it with SM3 and compare with the record\u2019s digest');
    }
  }
}

function canonicalOrUndefined(v: unknown): unknown {
  return v === undefined ? undefined : new TextDecoder().decode(canonicalBytes(v));
}

/** Every agency-signed act inside a record, with where it sits (`records[0].value.issuance`). */
export function signedActsOf(value: unknown, at: string): { path: string; act: SignedAct }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => signedActsOf(v, `${at}[${i}]`));
  if (!isObject(value)) return [];
  if (isSignedAct(value)) return [{ path: at, act: value }];
  return Object.entries(value).flatMap(([k, v]) => signedActsOf(v, `${at}.${k}`));
}

function isSignedAct(v: Record<string, unknown>): v is Record<string, unknown> & SignedAct {
  return isString(v.action) && isString(v.txId) && isString(v.at) && isString(v.agencyId) && isString(v.keyId) && isString(v.signature) && isObject(v.request);
}

/** Why a key could not sign at `at`, as the chaincode decides it (agency/model.ts keyInvalidity). */
function keyInvalidity(key: AgencyKeyRecord, at: string): string | undefined {
  const t = Date.parse(at);
  if (t < Date.parse(key.validFrom)) return `key ${key.keyId} is not valid before ${key.validFrom}`;
  if (key.revokedAt !== undefined && t >= Date.parse(key.revokedAt)) return `key ${key.keyId} was revoked at ${key.revokedAt}`;
  if (key.validTo !== undefined && t > Date.parse(key.validTo)) return `key ${key.keyId} was retired at ${key.validTo}`;
  return undefined;
}
