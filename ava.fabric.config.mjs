// The Fabric suite (`npm run test:fabric`): tests named *.fabric.test.ts, which start real Fabric
// networks from the release binaries (FABRIC_BIN, PATH or ~/fabric/bin). `npm test` leaves them out.
export default {
  files: ['*/dist/**/*.fabric.test.js'],
  workerThreads: false,
  // Networks share the machine's ports and CPU: one file, one test at a time.
  concurrency: 1,
  timeout: '15m',
  environmentVariables: { CORE_CHAINCODE_LOGGING_LEVEL: 'WARNING' },
};
