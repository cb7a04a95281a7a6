/** SM3 of a file chosen on this device, computed here: the file itself never leaves the browser. */
import { sm3Hex } from '@henan-chain/crypto';

export async function fileSm3(file: File): Promise<string> {
  return sm3Hex(new Uint8Array(await file.arrayBuffer()));
}
