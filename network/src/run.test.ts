import test from 'ava';
import { CommandFailed, run } from './run';

// What peer prints when its peer is down: log lines, cobra's error, then its usage text.
const peerFailure = `
echo '\x1b[34m2026-12-03 08:00:00 UTC 0001 INFO\x1b[0m [channelCmd] starting' >&2
echo 'Error: failed to create deliver client: connection refused' >&2
echo 'Usage:' >&2
echo '  peer channel getinfo [flags]' >&2
echo '' >&2
echo 'Flags:' >&2
echo '  -b, --blockNumber int   block number' >&2
echo 'Global Flags:' >&2
echo '      --tls   use TLS' >&2
exit 1`;

test('a failed program is named with its leading words and peer, with its last output lines and no usage text', async (t) => {
  const err = await t.throwsAsync(run('/bin/sh', ['-c', peerFailure, '--tlsRootCertFiles', '/x/ca.pem'], { CORE_PEER_ADDRESS: '127.0.0.1:7051' }), { instanceOf: CommandFailed });
  t.is(
    err!.message,
    ['sh … (peer 127.0.0.1:7051) exited with 1:', '  2026-12-03 08:00:00 UTC 0001 INFO [channelCmd] starting', '  Error: failed to create deliver client: connection refused'].join('\n'),
  );
  t.regex(err!.output, /Global Flags/, 'the whole output stays for callers that recognise a failure by its text');
});

test('only the last lines of a long output are kept', async (t) => {
  const err = await t.throwsAsync(run('/bin/sh', ['-c', 'seq 1 100 >&2; exit 2'], {}), { instanceOf: CommandFailed });
  t.is(err!.message, ['sh … exited with 2:', '  96', '  97', '  98', '  99', '  100'].join('\n'));
});

test('a program that hangs is stopped at the timeout and says so; one that cannot start says why', async (t) => {
  await t.throwsAsync(run('/bin/sleep', ['30'], {}, 300), { message: 'sleep 30 did not finish within 0.3 s' });
  await t.throwsAsync(run('/nowhere/peer', ['version'], {}), { message: 'peer version could not start (ENOENT)' });
});
