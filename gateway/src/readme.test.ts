import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, npmStart } from './testing/npm-start';

/**
 * The README's examples run as written. Convention: every ```sh block of README.md is executed, in
 * order, by bash with `set -euo pipefail`, against the demo that `npm start` seeds on a fresh data
 * directory, with GW and GOV set to the address and governance token it printed (as a user copies them),
 * in an empty working directory. Anything that must not run there (sample output, commands for a Fabric
 * network or another machine, long-running processes) is a ```console block, which is not run.
 */

/** The fenced blocks of a Markdown text: their info string, first line number and content. */
function fencedBlocks(markdown: string): { lang: string; line: number; code: string }[] {
  const blocks = [];
  for (const match of markdown.matchAll(/^```([^\n]*)\n([\s\S]*?)^```$/gm)) {
    blocks.push({ lang: match[1]!.trim(), line: markdown.slice(0, match.index).split('\n').length, code: match[2]! });
  }
  return blocks;
}

/** Runs `script` with bash; resolves to its exit code and everything it wrote. */
function bash(script: string, cwd: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH!, HOME: cwd, LANG: 'C.UTF-8', ...env } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('close', (code) => resolve({ code, output }));
  });
}

test('every sh block of the README runs, in order, against the demo npm start seeds', async (t) => {
  const blocks = fencedBlocks(await readFile(join(ROOT, 'README.md'), 'utf8'));
  t.deepEqual(
    blocks.filter((b) => /^(bash|shell|zsh)$/.test(b.lang)).map((b) => b.line),
    [],
    'shell examples are ```sh (run by this test) or ```console (not run)',
  );
  const runnable = blocks.filter((b) => b.lang === 'sh');
  t.true(runnable.length >= 8, `the README has its examples as sh blocks (${runnable.length} found)`);

  const dataDir = await mkdtemp(join(tmpdir(), 'hnc-readme-data-'));
  const workDir = await mkdtemp(join(tmpdir(), 'hnc-readme-work-'));
  try {
    const gateway = await npmStart(t, dataDir);
    if (!gateway.governanceToken) throw new Error('the first start on a fresh data directory must show the governance token');
    // Each block announces itself on stderr, so a failure names the block and its line in README.md.
    const script = ['set -euo pipefail', ...runnable.map((b) => `echo '### README.md line ${b.line}' >&2\n${b.code}`)].join('\n');
    const run = await bash(script, workDir, { GW: gateway.url, GOV: gateway.governanceToken });
    t.is(run.code, 0, `the README's examples failed:\n${run.output.split('\n').slice(-40).join('\n')}`);
    t.is(await gateway.stop(), 0);
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(workDir, { recursive: true, force: true });
  }
});
