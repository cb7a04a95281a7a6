/**
 * Identifier checks: 统一社会信用代码 (GB 32100), 居民身份证号码 (GB 11643), 行政区划代码 (GB/T 2260)
 * and 电子证照标识 (GB/T 36904). Every rejection is a CryptoError BAD_IDENTIFIER whose `part` names
 * the wrong part. The validators accept only the canonical form (upper case), so a value that
 * passes can be used as a ledger key as it is; the one exception is a UUID serial number in a
 * licence identifier (see parseLicenceId). Pure functions: chaincode calls them, so no clock reads.
 */
import { CryptoError } from './errors';

function fail(part: string, message: string): never {
  throw new CryptoError('BAD_IDENTIFIER', message, part);
}

/** Runs a nested check and reports its failure as `part` of the outer identifier. */
function asPart<T>(part: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof CryptoError && err.code === 'BAD_IDENTIFIER') fail(part, `${part}: ${err.message}`);
    throw err;
  }
}

function requireString(value: unknown, what: string): asserts value is string {
  if (typeof value !== 'string') throw new CryptoError('BAD_ARGUMENT', `${what} must be a string`, what);
}

const DIGITS_RE = /^[0-9]+$/;

// ---------------------------------------------------------------------------------------------
// 行政区划代码, GB/T 2260

/** Province-level prefixes of GB/T 2260 (incl. 71 Taiwan, 81 Hong Kong, 82 Macao). */
const PROVINCE_PREFIXES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);

export type AreaLevel = 'province' | 'prefecture' | 'county';

export interface AreaCodeParts {
  code: string;
  /** 省级: the first two digits. */
  provinceCode: string;
  /** province XX0000, prefecture-level XXYY00, county-level otherwise. */
  level: AreaLevel;
}

/**
 * Shape of a GB/T 2260 code: 6 digits, a real province-level prefix, and no county part under a
 * "00" prefecture part (00 in the middle means the province itself). Whether the code is
 * currently assigned needs the code table, which this does not carry.
 */
export function validateAreaCode(code: string): AreaCodeParts {
  requireString(code, 'areaCode');
  if (code.length !== 6 || !DIGITS_RE.test(code)) fail('areaCode', `area code must be 6 digits, got "${code}"`);
  const provinceCode = code.slice(0, 2);
  if (!PROVINCE_PREFIXES.has(provinceCode)) fail('provinceCode', `${provinceCode} is not a province-level prefix`);
  const prefecture = code.slice(2, 4);
  const county = code.slice(4, 6);
  if (prefecture === '00' && county !== '00') fail('prefectureCode', `${code}: a county part needs a prefecture part`);
  const level: AreaLevel = prefecture === '00' ? 'province' : county === '00' ? 'prefecture' : 'county';
  return { code, provinceCode, level };
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码, GB 32100-2015

/** 31 characters: digits and upper-case letters without I O Z S V; a character's value is its index. */
const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const USCC_CHARS_RE = /^[0-9A-HJ-NP-RTUW-Y]+$/;

export interface UsccParts {
  code: string;
  /** 登记管理部门代码 (1 机构编制, 5 民政, 9 工商, Y 其他, ...). */
  registrationAuthorityCode: string;
  /** 机构类别代码. */
  organisationCategoryCode: string;
  /** 登记管理机关行政区划码, 6 digits. */
  areaCode: string;
  /** 主体标识码 (组织机构代码), 9 characters. */
  organisationCode: string;
  /** 校验码. */
  checkCharacter: string;
}

const USCC_LAYOUT: ReadonlyArray<readonly [keyof Omit<UsccParts, 'code'>, number, number]> = [
  ['registrationAuthorityCode', 0, 1],
  ['organisationCategoryCode', 1, 2],
  ['areaCode', 2, 8],
  ['organisationCode', 8, 17],
  ['checkCharacter', 17, 18],
];

/** Checks each part present in `code` (the first 17 or all 18 characters) and returns them. */
function checkUsccParts(code: string): Partial<UsccParts> {
  const parts: Partial<UsccParts> = { code };
  for (const [part, from, to] of USCC_LAYOUT) {
    if (from >= code.length) break;
    const value = code.slice(from, to);
    if (!USCC_CHARS_RE.test(value)) {
      fail(part, `${part} "${value}" has a character outside 0-9 and upper-case A-Y without I, O, S, V, Z`);
    }
    parts[part] = value;
  }
  // GB 32100 takes this from GB/T 2260, but central registrations are reported to carry 100000,
  // which is outside the provincial table: only the shape is checked.
  if (!DIGITS_RE.test(parts.areaCode!)) fail('areaCode', `areaCode "${parts.areaCode}" must be 6 digits`);
  return parts;
}

function usccCheckOf(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i]!) * USCC_WEIGHTS[i]!;
  return USCC_ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** The check character C18 = 31 - (Σ value × weight mod 31), 31 written as 0. */
export function usccCheckCharacter(first17: string): string {
  requireString(first17, 'uscc');
  if (first17.length !== 17) fail('length', `expected the first 17 characters of a credit code, got ${first17.length}`);
  checkUsccParts(first17);
  return usccCheckOf(first17);
}

/** Appends the check character. */
export function makeUscc(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}

export function validateUscc(code: string): UsccParts {
  requireString(code, 'uscc');
  if (code.length !== 18) fail('length', `a unified social credit code has 18 characters, got ${code.length}`);
  const parts = checkUsccParts(code) as UsccParts; // all five parts: the length is 18
  const expected = usccCheckOf(code);
  if (parts.checkCharacter !== expected) fail('checkCharacter', `check character is ${parts.checkCharacter}, expected ${expected}`);
  return parts;
}

// ---------------------------------------------------------------------------------------------
// 居民身份证号码, GB 11643-1999

const RESIDENT_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** ISO 7064 MOD 11-2: the remainder 0..10 of the weighted sum picks the check character. */
const RESIDENT_ID_CHECK = '10X98765432';
/** Nobody alive was born before this; catches century slips such as 0949 for 1949. */
const EARLIEST_BIRTH_YEAR = 1800;
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export interface ResidentIdParts {
  id: string;
  /** 地址码: area where the number was first issued (GB/T 2260). */
  areaCode: string;
  /** 出生日期码, YYYYMMDD. */
  birthDate: string;
  /** 顺序码. */
  sequence: string;
  /** Odd sequence: male; even: female (GB 11643). */
  sex: 'male' | 'female';
  checkCharacter: string;
}

function residentIdCheckOf(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * RESIDENT_ID_WEIGHTS[i]!;
  return RESIDENT_ID_CHECK[sum % 11]!;
}

export function residentIdCheckCharacter(first17: string): string {
  requireString(first17, 'residentId');
  if (first17.length !== 17 || !DIGITS_RE.test(first17)) fail('length', 'expected the first 17 digits of an ID number');
  return residentIdCheckOf(first17);
}

function isCalendarDate(yyyymmdd: string): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const daysInMonth = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= daysInMonth;
}

/** The calendar date of an instant in China (UTC+8, no daylight saving), as YYYYMMDD. */
function chinaDate(instant: Date): string {
  if (!(instant instanceof Date) || Number.isNaN(instant.getTime())) {
    throw new CryptoError('BAD_ARGUMENT', 'asOf must be a valid Date', 'asOf');
  }
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * Validates an 18-character ID number. The birth date must be a real calendar date; when `asOf`
 * is given (in chaincode: the transaction timestamp) it must also not be after that day in China.
 * The check character must be upper-case X: normalise user input before calling.
 */
export function validateResidentId(id: string, asOf?: Date): ResidentIdParts {
  requireString(id, 'residentId');
  if (id.length !== 18) fail('length', `an ID number has 18 characters, got ${id.length}`);
  const areaCode = id.slice(0, 6);
  const birthDate = id.slice(6, 14);
  const sequence = id.slice(14, 17);
  const checkCharacter = id.slice(17);
  asPart('areaCode', () => validateAreaCode(areaCode));
  if (!DIGITS_RE.test(birthDate) || Number(birthDate.slice(0, 4)) < EARLIEST_BIRTH_YEAR || !isCalendarDate(birthDate)) {
    fail('birthDate', `birth date "${birthDate}" is not a calendar date (YYYYMMDD, from ${EARLIEST_BIRTH_YEAR})`);
  }
  if (asOf !== undefined && birthDate > chinaDate(asOf)) fail('birthDate', `birth date ${birthDate} is in the future`);
  if (!DIGITS_RE.test(sequence)) fail('sequence', `sequence "${sequence}" must be 3 digits`);
  if (!/^[0-9X]$/.test(checkCharacter)) fail('checkCharacter', `check character "${checkCharacter}" must be 0-9 or X`);
  const expected = residentIdCheckOf(id);
  if (checkCharacter !== expected) fail('checkCharacter', `check character is ${checkCharacter}, expected ${expected}`);
  return { id, areaCode, birthDate, sequence, sex: Number(sequence) % 2 === 1 ? 'male' : 'female', checkCharacter };
}

// ---------------------------------------------------------------------------------------------
// 电子证照标识, GB/T 36904-2018:
//   1.2.156.3005.2 . 证照类型代码 (21) . 颁发机构代码 (18 or 6) . 流水号 . 版本号 (3) . 校验位 (1)

export const LICENCE_ID_ROOT = '1.2.156.3005.2';
/** ISO/IEC 7064 MOD 37,36 alphabet; a character's value is its index. */
const MOD_37_36_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export interface LicenceIdFields {
  /** 证照类型代码: the defining authority's credit code + a 3-digit number. */
  licenceTypeCode: string;
  /** 颁发机构代码: a credit code, or (some local systems) a 6-digit area code. */
  issuerCode: string;
  /** 流水号: 7-20 digits, or a 32-hex-digit UUID without dashes. */
  serialNumber: string;
  /** 版本号: 001..999, incremented on renewal or change. */
  version: string;
}

export interface LicenceIdParts extends LicenceIdFields {
  /** The identifier in canonical form (a UUID serial in upper case). */
  id: string;
  /** 证照定义机构: the credit code inside the licence type code. */
  definingAuthorityCode: string;
  licenceTypeNumber: string;
  issuerCodeKind: 'uscc' | 'areaCode';
  serialNumberForm: 'digits' | 'uuid';
  /** 校验位. */
  checkCharacter: string;
}

/**
 * ISO/IEC 7064 MOD 37,36 check character over the four middle segments concatenated without dots
 * (the root is not part of the input): `p = 36; for each c: t = (p + val(c)) mod 36 || 36;
 * p = 2t mod 37`, check = (37 - p) mod 36. Dots are refused so that a root cannot slip in.
 * It catches every single substitution, but not every adjacent transposition: swapping two
 * characters of neighbouring value can, rarely, leave it unchanged (the tests show a case).
 */
export function licenceIdCheckCharacter(body: string): string {
  requireString(body, 'body');
  if (!/^[0-9A-Z]+$/.test(body)) {
    fail('body', 'the check input is the type code, issuer code, serial number and version, concatenated without dots, in 0-9A-Z');
  }
  let p = 36;
  for (const c of body) {
    const t = (p + MOD_37_36_ALPHABET.indexOf(c)) % 36 || 36;
    p = (2 * t) % 37;
  }
  return MOD_37_36_ALPHABET[(37 - p) % 36]!;
}

/** Validates the four fields and returns them in canonical form with what they say. */
function checkLicenceFields(fields: LicenceIdFields): Omit<LicenceIdParts, 'id' | 'checkCharacter'> {
  const { licenceTypeCode, issuerCode, serialNumber, version } = fields;
  for (const [name, value] of Object.entries({ licenceTypeCode, issuerCode, serialNumber, version })) requireString(value, name);

  if (licenceTypeCode.length !== 21) fail('licenceTypeCode', `licenceTypeCode must be 21 characters, got ${licenceTypeCode.length}`);
  const definingAuthorityCode = licenceTypeCode.slice(0, 18);
  const licenceTypeNumber = licenceTypeCode.slice(18);
  asPart('licenceTypeCode', () => validateUscc(definingAuthorityCode));
  if (!DIGITS_RE.test(licenceTypeNumber)) fail('licenceTypeCode', `licenceTypeCode must end in 3 digits, got "${licenceTypeNumber}"`);

  let issuerCodeKind: LicenceIdParts['issuerCodeKind'];
  if (issuerCode.length === 18) {
    asPart('issuerCode', () => validateUscc(issuerCode));
    issuerCodeKind = 'uscc';
  } else if (issuerCode.length === 6) {
    asPart('issuerCode', () => validateAreaCode(issuerCode));
    issuerCodeKind = 'areaCode';
  } else {
    fail('issuerCode', `issuerCode must be an 18-character credit code or a 6-digit area code, got ${issuerCode.length} characters`);
  }

  let serialNumberForm: LicenceIdParts['serialNumberForm'];
  let canonicalSerial = serialNumber;
  if (serialNumber.length >= 7 && serialNumber.length <= 20 && DIGITS_RE.test(serialNumber)) {
    serialNumberForm = 'digits';
  } else if (/^[0-9A-Fa-f]{32}$/.test(serialNumber)) {
    // The check alphabet has no lower case, so both cases name the same licence: keep one.
    serialNumberForm = 'uuid';
    canonicalSerial = serialNumber.toUpperCase();
  } else {
    fail('serialNumber', 'serialNumber must be 7-20 digits or a 32-hex-digit UUID without dashes');
  }

  if (!/^[0-9]{3}$/.test(version) || version === '000') fail('version', `version must be 001-999, got "${version}"`);

  return {
    licenceTypeCode,
    definingAuthorityCode,
    licenceTypeNumber,
    issuerCode,
    issuerCodeKind,
    serialNumber: canonicalSerial,
    serialNumberForm,
    version,
  };
}

function assembleLicenceId(fields: Omit<LicenceIdParts, 'id' | 'checkCharacter'>): LicenceIdParts {
  const segments = [fields.licenceTypeCode, fields.issuerCode, fields.serialNumber, fields.version];
  const checkCharacter = licenceIdCheckCharacter(segments.join(''));
  return { ...fields, checkCharacter, id: [LICENCE_ID_ROOT, ...segments, checkCharacter].join('.') };
}

/**
 * Parses and fully validates a licence identifier: both embedded credit codes must carry valid
 * check characters (they name real agencies), and the MOD 37,36 check must hold. A UUID serial
 * number may be in either case; `id` and `serialNumber` come back in upper case, and those are
 * what to store and compare.
 */
export function parseLicenceId(id: string): LicenceIdParts {
  requireString(id, 'licenceId');
  if (!id.startsWith(LICENCE_ID_ROOT + '.')) fail('root', `a licence identifier starts with ${LICENCE_ID_ROOT}.`);
  const segments = id.slice(LICENCE_ID_ROOT.length + 1).split('.');
  if (segments.length !== 5) fail('segments', `expected 5 segments after the root, got ${segments.length}`);
  const [licenceTypeCode, issuerCode, serialNumber, version, checkCharacter] = segments as [string, string, string, string, string];
  const parts = assembleLicenceId(checkLicenceFields({ licenceTypeCode, issuerCode, serialNumber, version }));
  if (!/^[0-9A-Z]$/.test(checkCharacter)) fail('checkCharacter', `check character must be one of 0-9A-Z, got "${checkCharacter}"`);
  if (checkCharacter !== parts.checkCharacter) {
    fail('checkCharacter', `check character is ${checkCharacter}, expected ${parts.checkCharacter}`);
  }
  return parts;
}

/** Builds the canonical identifier, computing the check character. */
export function buildLicenceId(fields: LicenceIdFields): string {
  return assembleLicenceId(checkLicenceFields(fields)).id;
}

/** The same licence's next version (renewal or change): version + 1, new check character. */
export function nextLicenceVersion(id: string): string {
  const parts = parseLicenceId(id);
  const next = Number(parts.version) + 1;
  if (next > 999) fail('version', 'version 999 is the last one');
  return buildLicenceId({ ...parts, version: String(next).padStart(3, '0') });
}

export function isValidLicenceId(id: string): boolean {
  try {
    parseLicenceId(id);
    return true;
  } catch (err) {
    if (err instanceof CryptoError) return false;
    throw err;
  }
}
