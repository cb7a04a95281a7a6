import test from 'ava';
import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { CommitError, EndorseError, GatewayError } from '@hyperledger/fabric-gateway';
import { ApiError } from '../../errors';
import { apiErrorFromFabric } from './errors';

function serviceError(code: number, details: string): ServiceError {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

const refusal = 'HNC:{"code":"FORBIDDEN","message":"agency 91410000X belongs to HenanProvinceMSP, not ZhengzhouMSP"}';

test('a chaincode refusal on endorsement keeps its code and status, as on the embedded ledger', (t) => {
  const err = new EndorseError({
    code: status.ABORTED,
    details: [{ address: 'peer0.zhengzhou.henan.gov.cn:9051', mspId: 'ZhengzhouMSP', message: `chaincode response 500, ${refusal}` }],
    cause: serviceError(status.ABORTED, 'failed to endorse transaction, see attached details for more info'),
    transactionId: 'tx1',
    message: '10 ABORTED: failed to endorse transaction, see attached details for more info',
  });
  const mapped = apiErrorFromFabric(err) as ApiError;
  t.true(mapped instanceof ApiError);
  t.is(mapped.status, 403);
  t.is(mapped.code, 'FORBIDDEN');
  t.regex(mapped.message, /belongs to HenanProvinceMSP/);
});

test('an evaluate refusal (message only, no details) maps the same way', (t) => {
  const notFound = 'HNC:{"code":"NOT_FOUND","message":"no licence L1"}';
  const err = new GatewayError({
    code: status.UNKNOWN,
    details: [],
    cause: serviceError(status.UNKNOWN, `evaluate call to endorser returned error: chaincode response 500, ${notFound}`),
    message: `2 UNKNOWN: evaluate call to endorser returned error: chaincode response 500, ${notFound}`,
  });
  t.like(apiErrorFromFabric(err), { status: 404, code: 'NOT_FOUND' });
});

test('a peer out of reach is 503 with Retry-After; a chaincode server down, too few endorsing peers or an upgrade\u2019s definition switch, too', (t) => {
  const down = new GatewayError({ code: status.UNAVAILABLE, details: [], cause: serviceError(status.UNAVAILABLE, 'No connection established'), message: '14 UNAVAILABLE: No connection established' });
  const mapped = apiErrorFromFabric(down) as ApiError;
  t.like(mapped, { status: 503, code: 'LEDGER_UNAVAILABLE' });
  t.true((mapped.retryAfter ?? 0) > 0);
  const chaincodeDown = new EndorseError({
    code: status.ABORTED,
    details: [{ address: 'p', mspId: 'HenanProvinceMSP', message: 'error in simulation: failed to execute transaction: could not launch chaincode henan-chain:abc: connection refused' }],
    cause: serviceError(status.ABORTED, 'failed to endorse transaction'),
    transactionId: 'tx2',
  });
  t.like(apiErrorFromFabric(chaincodeDown), { status: 503, code: 'LEDGER_UNAVAILABLE' });
  // One organisation's peer down: no set of peers satisfies the endorsement policy (Fabric 3.1.5's words).
  const noEndorsers = new GatewayError({
    code: status.FAILED_PRECONDITION,
    details: [],
    cause: serviceError(status.FAILED_PRECONDITION, 'no combination of peers can be derived which satisfy the endorsement policy'),
    message: '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy',
  });
  t.like(apiErrorFromFabric(noEndorsers), { status: 503, code: 'LEDGER_UNAVAILABLE' });
  // An upgrade's new definition committed while the query ran: retried, it answers.
  const switched = 'chaincode cache at sequence 1 but current sequence is 2, chaincode definition for \'henan-chain\' changed during invoke';
  const midUpgrade = new GatewayError({ code: status.UNKNOWN, details: [], cause: serviceError(status.UNKNOWN, switched), message: `2 UNKNOWN: evaluate call to endorser returned error: ${switched}` });
  t.like(apiErrorFromFabric(midUpgrade), { status: 503, code: 'LEDGER_UNAVAILABLE' });
});

test('an MVCC or phantom read conflict at commit is LEDGER_CONFLICT (re-proposed by the caller); another invalidation is our 500', (t) => {
  t.like(apiErrorFromFabric(new CommitError({ code: 11, transactionId: 'tx3' })), { status: 409, code: 'LEDGER_CONFLICT' });
  t.like(apiErrorFromFabric(new CommitError({ code: 12, transactionId: 'tx4' })), { status: 409, code: 'LEDGER_CONFLICT' });
  t.like(apiErrorFromFabric(new CommitError({ code: 10, transactionId: 'tx5' })), { status: 500, code: 'INTERNAL' });
});

test('a chaincode failure that is not a refusal is our defect (500), never the client\u2019s', (t) => {
  const err = new EndorseError({
    code: status.ABORTED,
    details: [{ address: 'p', mspId: 'HenanProvinceMSP', message: 'chaincode response 500, TypeError: cannot read properties of undefined' }],
    cause: serviceError(status.ABORTED, 'failed to endorse transaction'),
    transactionId: 'tx6',
  });
  t.like(apiErrorFromFabric(err), { status: 500, code: 'INTERNAL' });
});
