import test from 'ava';
import { henanChain, tempDir } from './testing/run';

const ID = '1.2.156.3005.2.11100000MB0143028R001.11410000MB1957420F.000000000123.001.9';

test('qr draws the code of a licence\u2019s verification page in the terminal and prints its URL', async (t) => {
  const cwd = await tempDir(t);
  const run = await henanChain(['qr', 'licence', ID, '--base', 'http://192.168.1.20:8080/'], { cwd });
  t.is(run.code, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  t.true(lines.at(-1)!.endsWith(`http://192.168.1.20:8080/verify/licence/${ID}`));
  // Half blocks, two module rows a line: a version 5 code (37 modules) with its margin is about 22 lines.
  t.true(lines.length > 15, `${lines.length} lines`);
  t.regex(run.stdout, /[▀▄█]/);
  const sealing = await henanChain(['qr', 'sealing', 'a'.repeat(32), '--base', 'https://hnc.henan.gov.cn'], { cwd });
  t.true(sealing.stdout.trimEnd().endsWith(`https://hnc.henan.gov.cn/verify/sealed-document/${'a'.repeat(32)}`));
});

test('qr refuses a malformed id, an unknown kind and a base that is no URL (exit 2)', async (t) => {
  const cwd = await tempDir(t);
  for (const args of [
    ['qr', 'licence', 'nonsense', '--base', 'http://x'],
    ['qr', 'sealing', 'XYZ', '--base', 'http://x'],
    ['qr', 'case', ID, '--base', 'http://x'],
    ['qr', 'licence', ID, '--base', 'ftp://x'],
    ['qr', 'licence', ID],
  ]) {
    const run = await henanChain(args, { cwd });
    t.is(run.code, 2, args.join(' '));
    t.is(run.stdout, '');
  }
});
