/**
 * Imported first by the entry points: the embedded chaincode's own winston loggers read this when
 * they are created at import time. Every rejection they would log is already returned to the client
 * and logged by the gateway, so only the chaincode's critical messages are kept unless set otherwise.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
