/**
 * `proof-check FILE [PROOF] [--gateway URL]`: whether a proof file (as `anchor` writes them) proves
 * this file's content; with --gateway, also whether its root is the one its anchor put on chain.
 */
import type { Command } from 'commander';
import { callGateway, checkNotRun, gatewayUrl } from './gateway-client';
import { atMostOneStdin, sm3Input } from './io';
import { GatewayRefused, Invalid, UsageError } from './outcomes';
import { PROOF_SUFFIX, proofPathOf, proofProblem, readProofFile, type ProofFile, type TransactionEvidence } from './proof-file';

interface ProofCheckOptions {
  gateway?: string;
}

/** What POST /v1/verify/proof answers; `anchor` is there whenever the request named one that exists. */
interface ChainVerdict {
  valid: boolean;
  reasons: string[];
  anchor?: { anchorId: string; agencyId: string; evidence: TransactionEvidence };
}

async function askChain(gateway: string, proof: ProofFile): Promise<ChainVerdict> {
  const { leaf, leafIndex, treeSize, proof: path, root, anchorId } = proof;
  try {
    return await callGateway<ChainVerdict>(gateway, 'POST', '/v1/verify/proof', { json: { leaf, leafIndex, treeSize, proof: path, root, anchorId } });
  } catch (err) {
    if (!(err instanceof GatewayRefused)) throw err;
    // No such anchor on the chain is a verdict on the proof; any other refusal kept the check from running.
    if (err.code === 'NOT_FOUND') throw new Invalid(`the chain holds no anchor ${anchorId}: ${err.message}`);
    throw checkNotRun(err, 'the gateway could not check the proof');
  }
}

async function proofCheck(file: string, proofPath: string | undefined, { gateway }: ProofCheckOptions): Promise<void> {
  if (proofPath === undefined && file === '-') throw new UsageError('with - (stdin) as the file, name the proof file too');
  atMostOneStdin({ file, proof: proofPath ?? '' });
  const proof = await readProofFile(proofPath ?? proofPathOf(file));
  const problem = proofProblem(proof, await sm3Input(file));
  if (problem !== undefined) throw new Invalid(problem);
  const position = `leaf ${proof.leafIndex} of ${proof.treeSize} under root ${proof.root}`;
  if (gateway === undefined) {
    const { txId, blockNumber } = proof.evidence;
    process.stdout.write(`valid\n${position}; anchor ${proof.anchorId} (tx ${txId}, block ${blockNumber}) as the proof file says, not checked on chain\n`);
    return;
  }
  const verdict = await askChain(gateway, proof);
  if (!verdict.valid || verdict.anchor === undefined) throw new Invalid(verdict.reasons.join('; '));
  const { anchorId, agencyId, evidence } = verdict.anchor;
  process.stdout.write(`valid\n${position}, anchored on chain by ${anchorId} of agency ${agencyId} (tx ${evidence.txId}, block ${evidence.blockNumber}, ${evidence.timestamp})\n`);
}

export function addProofCheckCommand(program: Command): void {
  program
    .command('proof-check')
    .description('check that a proof file proves a file\u2019s content; prints "valid" (exit 0) or "invalid: <reason>" (exit 1)')
    .argument('<file>', 'the anchored file, - for stdin')
    .argument('[proof]', `its proof file (default <file>${PROOF_SUFFIX}, as anchor writes it)`)
    .option('--gateway <url>', 'also ask this gateway (POST /v1/verify/proof) whether the root is the one the proof\u2019s anchor put on chain', gatewayUrl)
    .addHelpText(
      'after',
      `
Offline, the check recomputes the file's leaf, SM3(file), and follows the
RFC 9162 proof from its leaf hash SM3(0x00 || leaf) to the root: that shows the
file is in the tree of that root, not that the root was anchored. With
--gateway, a gateway you trust checks the root and tree size against the
anchor on chain. A file that is not a proof file, and a gateway that cannot
answer, exit 2.`,
    )
    .action((file: string, proof: string | undefined, options: ProofCheckOptions) => proofCheck(file, proof, options));
}
