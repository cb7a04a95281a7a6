/**
 * `anchor DIR --gateway URL --token TOKEN`: 批量存证 of a directory. Every regular file's SM3 digest
 * is a leaf; the leaves go to the gateway in batches (POST /v1/anchors), and each file's inclusion
 * proof is written next to it as <file>.hnc-proof.json.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { concatBytes, sm3File, sm3Hex, toHex, utf8 } from '@henan-chain/crypto';
import { callGateway, gatewayUrl } from './gateway-client';
import { fileStep } from './io';
import { Invalid } from './outcomes';
import { Progress } from './progress';
import { PROOF_FORMAT, PROOF_SUFFIX, parseProofFile, proofPathOf, proofProblem, type InclusionProof, type ProofFile, type TransactionEvidence } from './proof-file';

/** The gateway's limit on leaves per batch (MAX_BATCH_LEAVES of its anchor route). */
const MAX_BATCH = 100_000;
/** Proof requests in flight at once: enough to hide each round trip, few enough to spare the gateway. */
const PROOF_REQUESTS = 8;

interface AnchorOptions {
  gateway: string;
  token: string;
  batch: number;
  description?: string;
}

/** What POST /v1/anchors answers (the parts used here). */
interface AnchorReply {
  batch: { anchorId: string; sequence: number; firstLeaf: number; lastLeaf: number; leafCount: number; treeSize: number; root: string };
  transaction: TransactionEvidence;
}

interface Pending {
  path: string;
  leaf: Uint8Array;
}

function batchSize(value: string): number {
  const size = Number(value);
  if (!/^[0-9]+$/.test(value) || size < 1 || size > MAX_BATCH) throw new InvalidArgumentError(`must be a whole number from 1 to ${MAX_BATCH}`);
  return size;
}

/** Regular files under `dir`, at any depth, sorted; symbolic links are not followed, proof files not anchored. */
async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !entry.name.endsWith(PROOF_SUFFIX)) found.push(path);
    }
  };
  await fileStep(`read directory ${dir}`, () => walk(dir));
  // Code-unit order, not the locale's: the same directory gives the same batches everywhere.
  return found.sort();
}

/** Whether `path` has a proof file that proves `leaf`. A missing or broken one means "anchor it". */
async function alreadyProven(path: string, leaf: Uint8Array): Promise<boolean> {
  const proofPath = proofPathOf(path);
  const text = await fileStep(`read ${proofPath}`, () =>
    readFile(proofPath, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    }),
  );
  if (text === undefined) return false;
  const proof = parseProofFile(text);
  return typeof proof !== 'string' && proofProblem(proof, leaf) === undefined;
}

/**
 * A request id derived from the batch itself: a batch sent again (a run retried after its answer was
 * lost) gets the first anchor back from the gateway instead of anchoring the same leaves twice.
 * 56 hex digits, as request ids are at most 64 characters.
 */
function requestIdOf(description: string, leaves: Uint8Array[]): string {
  return `anchor:${sm3Hex(concatBytes(utf8(description), Uint8Array.of(0), ...leaves)).slice(0, 56)}`;
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Runs `work` on every item, at most `limit` at a time. */
async function eachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

class Anchoring {
  constructor(
    private readonly options: AnchorOptions & { description: string },
    private readonly progress: Progress,
  ) {}

  /** Anchors one batch, then fetches, checks and writes the proof of each of its files. */
  async batch(files: Pending[]): Promise<void> {
    const { gateway, token, description } = this.options;
    const leaves = files.map((f) => f.leaf);
    const json = { description, leaves: leaves.map(toHex), requestId: requestIdOf(description, leaves) };
    const { batch, transaction } = await callGateway<AnchorReply>(gateway, 'POST', '/v1/anchors', { token, json });
    this.progress.print(
      `anchor ${batch.anchorId}: ${count(batch.leafCount, 'file', 'files')} as leaves ${batch.firstLeaf}-${batch.lastLeaf} of ${batch.treeSize}, ` +
        `root ${batch.root}, tx ${transaction.txId} in block ${transaction.blockNumber}`,
    );
    await eachConcurrently(files, PROOF_REQUESTS, (file) => this.prove(file, batch.anchorId));
    this.progress.batches++;
    this.progress.milestone();
  }

  private async prove({ path, leaf }: Pending, anchorId: string): Promise<void> {
    const { gateway } = this.options;
    const answer = await callGateway<InclusionProof>(gateway, 'GET', `/v1/anchors/${anchorId}/proof?leaf=${toHex(leaf)}`);
    const proof: ProofFile = {
      format: PROOF_FORMAT,
      file: basename(path),
      leaf: answer.leaf,
      leafIndex: answer.leafIndex,
      treeSize: answer.treeSize,
      proof: answer.proof,
      root: answer.root,
      anchorId: answer.anchorId,
      agencyId: answer.agencyId,
      evidence: answer.evidence,
      gateway,
    };
    // Checked before it is written: a proof file travels with its document, and must not claim what it cannot show.
    const problem = proofProblem(proof, leaf);
    if (problem !== undefined) throw new Invalid(`the gateway's proof for ${path} does not verify: ${problem}`);
    const proofPath = proofPathOf(path);
    await fileStep(`write ${proofPath}`, () => writeFile(proofPath, `${JSON.stringify(proof, null, 2)}\n`));
    this.progress.proven++;
    this.progress.update();
  }
}

async function anchorDir(dir: string, options: AnchorOptions): Promise<void> {
  const description = options.description ?? `files of ${basename(resolve(dir))}`;
  const files = await filesUnder(dir);
  const progress = new Progress(files.length);
  const anchoring = new Anchoring({ ...options, description }, progress);
  // Hashing and anchoring interleave, batch by batch, so that memory holds one batch of leaves at most.
  let pending: Pending[] = [];
  for (const path of files) {
    const leaf = await fileStep(`read ${path}`, () => sm3File(path));
    progress.hashed++;
    if (await alreadyProven(path, leaf)) progress.skipped++;
    else pending.push({ path, leaf });
    progress.update();
    if (pending.length === options.batch) {
      await anchoring.batch(pending);
      pending = [];
    }
  }
  if (pending.length > 0) await anchoring.batch(pending);
  if (progress.batches === 0) progress.milestone();
  const { proven, batches, skipped } = progress;
  progress.print(`anchored ${count(proven, 'file', 'files')} in ${count(batches, 'batch', 'batches')}; ${count(skipped, 'file', 'files')} already had a valid proof`);
}

export function addAnchorCommand(program: Command): void {
  program
    .command('anchor')
    .description('anchor every file of a directory on chain through a gateway, writing each file\u2019s inclusion proof next to it')
    .argument('<dir>', 'directory whose regular files (at any depth, symbolic links not followed) are anchored')
    .requiredOption('--gateway <url>', 'gateway base URL, e.g. http://127.0.0.1:8080', gatewayUrl)
    .addOption(new Option('--token <token>', 'the agency\u2019s bearer token').env('HENAN_CHAIN_TOKEN').makeOptionMandatory())
    .option('--batch <n>', `files per batch, 1-${MAX_BATCH}`, batchSize, 10_000)
    .option('--description <text>', 'description of each batch on chain (default "files of <dir name>")')
    .addHelpText(
      'after',
      `
Each file's leaf is its SM3 digest, SM3(file); the gateway's Merkle tree
(RFC 9162) hashes a leaf as SM3(0x00 || leaf), and proof-check recomputes both
from the file. Files are hashed and sent in sorted order; after each batch,
every file in it gets <file>${PROOF_SUFFIX} with its leaf, leafIndex,
treeSize, proof, root, anchorId, the anchoring transaction and the gateway URL.

A file whose proof file already proves its current content (checked offline)
is skipped, so a run can be repeated or resumed. A batch sent again with the
same description and files gets its first anchor back instead of a new one
(its request id derives from them): change --description to anchor anew.

Progress goes to stderr; a line per anchored batch and a summary to stdout.
Exit 0 when every file has a proof; 1 when the gateway refuses a batch (its
code and message are printed; proofs already written stay); 2 for usage
errors and an unreachable gateway.`,
    )
    .action((dir: string, options: AnchorOptions) => anchorDir(dir, options));
}
