/**
 * Node's global Buffer, which @henan-chain/crypto's byte helpers use, from the `buffer` package. The
 * page's entry imports this first, so it is set before any crypto code runs.
 */
import { Buffer } from 'buffer';

(globalThis as { Buffer?: typeof Buffer }).Buffer ??= Buffer;
