import test from 'ava';
import { readFile } from 'node:fs/promises';
import { README, renderReadme, results } from './readme';

// The README shows only what the latest runs printed: its tables are what `npm run bench:readme`
// renders from the committed bench/results/*.json, never edited by hand or left behind a new run.
test('the README performance tables are what bench:readme renders from bench/results', async (t) => {
  const readme = await readFile(README, 'utf8');
  for (const name of ['crypto', 'gateway', 'ofd', 'fabric']) t.truthy(await results(name), `bench/results/${name}.json`);
  t.is(await renderReadme(readme, results), readme, 'run npm run bench:readme after a benchmark, and commit both');
});

test('a table is rendered between its markers only, and a results file that is missing leaves its table alone', async (t) => {
  const readme = await readFile(README, 'utf8');
  const crypto = await results('crypto');
  const edited = readme.replace(/(<!-- bench:crypto -->\n)[^]*?(\n<!-- \/bench:crypto -->)/, '$1| stale |$2');
  t.not(edited, readme);
  t.is(await renderReadme(edited, async (name) => (name === 'crypto' ? crypto : undefined)), readme);
  t.is(await renderReadme(edited, async () => undefined), edited);
  await t.throwsAsync(renderReadme('no tables here', async (name) => (name === 'crypto' ? crypto : undefined)), { message: /README\.md has no <!-- bench:crypto -->/ });
});
