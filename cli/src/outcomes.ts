/**
 * How a command ends other than by success. Scripts branch on the exit code, so 1 must mean only
 * "checked, and the answer is no" (or, for `anchor`, "the gateway said no"): anything that kept the
 * check from running is 2.
 */
export const EXIT = { OK: 0, INVALID: 1, USAGE: 2 } as const;

/** A negative verdict (bad signature, bad identifier): main prints `invalid: <message>`, exit 1. */
export class Invalid extends Error {}

/** The command could not do what was asked (unreadable file, not a key, file exists): exit 2. */
export class UsageError extends Error {}

/**
 * The gateway answered a request with an API error (`{"error": {code, message}}`): main prints its
 * status, code and message, exit 1. Commands that only consult the gateway to check something turn
 * it into a UsageError first (gateway-client's checkNotRun), since there the check did not run.
 */
export class GatewayRefused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
