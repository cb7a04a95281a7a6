/** A lone UTF-16 surrogate: the one thing a JS string can hold that has no UTF-8 encoding. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * State keys must be valid UTF-8 strings. Fabric's LevelDB peer never sees the problem — fabric-shim's
 * protobuf encoding silently drops a lone surrogate, so the chaincode would touch a different key than it
 * named — and CouchDB rejects such keys (statecouchdb/couchdoc_conv.go validateKey). Rejecting them here
 * surfaces the bug at endorsement, on both kinds of peer.
 */
export function assertValidKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new Error(`invalid key: must be a string, got ${typeof key}`);
  if (LONE_SURROGATE.test(key)) throw new Error(`invalid key ${JSON.stringify(key)}, must be a UTF-8 string`);
}
