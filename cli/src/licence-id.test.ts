import test from 'ava';
import { henanChain, tempDir } from './testing/run';

const FIELDS = ['--type-code', '914403001922038216001', '--issuer', '410100', '--serial', '2024000123'];

async function made(cwd: string, extra: string[] = []): Promise<string> {
  const run = await henanChain(['licence-id', 'make', ...FIELDS, ...extra], { cwd });
  if (run.code !== 0) throw new Error(`make failed: ${run.stdout}${run.stderr}`);
  return run.stdout.trim();
}

test('make, then check: valid, with its parts', async (t) => {
  const cwd = await tempDir(t);
  const id = await made(cwd);
  t.regex(id, /^1\.2\.156\.3005\.2\.914403001922038216001\.410100\.2024000123\.001\.[0-9A-Z]$/);
  const run = await henanChain(['licence-id', 'check', id], { cwd });
  t.is(run.code, 0);
  t.regex(run.stdout, /^issuerCode +410100$/m);
  t.regex(run.stdout, /^version +001$/m);
  t.regex(run.stdout, /^issuerCodeKind +areaCode$/m);
});

test('--version is honoured', async (t) => {
  const cwd = await tempDir(t);
  t.regex(await made(cwd, ['--version', '002']), /\.002\.[0-9A-Z]$/);
});

test('a changed character is invalid, exit 1, naming the part', async (t) => {
  const cwd = await tempDir(t);
  const id = await made(cwd);
  const serial = await henanChain(['licence-id', 'check', id.replace('2024000123', '2024000124')], { cwd });
  t.is(serial.code, 1);
  t.regex(serial.stdout, /^invalid: checkCharacter\b/);
  const typeCode = await henanChain(['licence-id', 'check', id.replace('9144030019', '9144030018')], { cwd });
  t.is(typeCode.code, 1);
  t.regex(typeCode.stdout, /^invalid: licenceTypeCode\b/);
});

test('make with a wrong part is invalid, naming it', async (t) => {
  const cwd = await tempDir(t);
  const run = await henanChain(['licence-id', 'make', ...FIELDS, '--version', '000'], { cwd });
  t.is(run.code, 1);
  t.regex(run.stdout, /^invalid: version\b/);
});
