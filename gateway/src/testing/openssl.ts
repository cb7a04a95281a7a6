/**
 * An SM2 key kept and used only by the system `openssl` CLI: what a client without our libraries does,
 * so a test that signs with it proves any client can produce signatures the chain accepts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { publicKeyFromPem, toHex } from '@henan-chain/crypto';

export class OpensslSm2Key {
  private constructor(
    private readonly dir: string,
    /** Uncompressed 04||x||y hex, as the agency registers it. */
    readonly publicKey: string,
  ) {}

  static generate(): OpensslSm2Key {
    const dir = mkdtempSync(join(tmpdir(), 'hnc-openssl-'));
    const key = join(dir, 'key.pem');
    execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:SM2', '-out', key]);
    const pem = execFileSync('openssl', ['pkey', '-in', key, '-pubout'], { encoding: 'utf8' });
    return new OpensslSm2Key(dir, toHex(publicKeyFromPem(pem)));
  }

  /** A real SM2 signature (with Z_A over the default id), DER hex: `openssl dgst -sm3 -sign -sigopt distid:...`. */
  sign(message: Uint8Array): string {
    const input = join(this.dir, 'message');
    const output = join(this.dir, 'signature');
    writeFileSync(input, message);
    execFileSync('openssl', ['dgst', '-sm3', '-sign', join(this.dir, 'key.pem'), '-sigopt', 'distid:1234567812345678', '-out', output, input]);
    return readFileSync(output).toString('hex');
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
