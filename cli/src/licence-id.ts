/** `licence-id check|make`: 电子证照标识 (GB/T 36904) identifiers. */
import type { Command } from 'commander';
import { CryptoError, buildLicenceId, parseLicenceId, type LicenceIdParts } from '@henan-chain/crypto';
import { Invalid } from './outcomes';

interface MakeOptions {
  typeCode: string;
  issuer: string;
  serial: string;
  version: string;
}

/** The crypto package's messages usually start with the part's name; where not, it is prefixed. */
function reasonNamingPart(err: CryptoError): string {
  return err.part === undefined || err.message.startsWith(err.part) ? err.message : `${err.part}: ${err.message}`;
}

/** Runs an identifier function; a rejected identifier is a negative verdict that names the part. */
function judged<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof CryptoError && err.code === 'BAD_IDENTIFIER') throw new Invalid(reasonNamingPart(err));
    throw err;
  }
}

function printParts(parts: LicenceIdParts): void {
  const width = Math.max(...Object.keys(parts).map((name) => name.length));
  const lines = Object.entries(parts).map(([name, value]) => `${name.padEnd(width)}  ${value}\n`);
  process.stdout.write(lines.join(''));
}

export function addLicenceIdCommand(program: Command): void {
  const licenceId = program.command('licence-id').description('check or make electronic licence identifiers (GB/T 36904)');
  licenceId
    .command('check')
    .description('validate an identifier and print its parts; "invalid: <part>: <reason>" with exit 1 if it is wrong')
    .argument('<id>', 'identifier, e.g. 1.2.156.3005.2.<type code>.<issuer>.<serial>.<version>.<check>')
    .action((id: string) => printParts(judged(() => parseLicenceId(id))));
  licenceId
    .command('make')
    .description('build an identifier from its parts, with its check character')
    .requiredOption('--type-code <code>', '证照类型代码: the defining authority\'s credit code + 3 digits (21 characters)')
    .requiredOption('--issuer <code>', '颁发机构代码: an 18-character credit code or a 6-digit area code')
    .requiredOption('--serial <serial>', '流水号: 7-20 digits, or a 32-hex-digit UUID without dashes')
    .option('--version <nnn>', '版本号: 001-999', '001')
    .action(({ typeCode, issuer, serial, version }: MakeOptions) => {
      const id = judged(() => buildLicenceId({ licenceTypeCode: typeCode, issuerCode: issuer, serialNumber: serial, version }));
      process.stdout.write(`${id}\n`);
    });
}
