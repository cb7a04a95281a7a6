import { join, resolve } from 'node:path';
import { z } from 'zod';

/**
 * A number written in decimal, as a person writes one: z.coerce.number would take ' ' (as 0, so
 * PORT=' ' listened on a random port), '0x1f90' or '1e3'.
 */
const decimal = (name: string, pattern: RegExp = /^\d+$/) =>
  z
    .string()
    .regex(pattern, `${name} must be written in decimal digits`)
    .transform(Number);

/** Everything the gateway can be told from outside, with its default. */
const settingsSchema = z.object({
  PORT: decimal('PORT').pipe(z.number().int().max(65535, 'PORT must be at most 65535')).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Default ./data on the embedded ledger, ./data/fabric/<FABRIC_ORG> on Fabric (one per organisation's gateway). */
  DATA_DIR: z.string().min(1).optional(),
  /** The development ledger in this process, or the Fabric network that `npm run network:up` started. */
  LEDGER: z.enum(['embedded', 'fabric'], "LEDGER must be 'embedded' or 'fabric'").default('embedded'),
  /** On Fabric: the organisation this gateway acts for (its peer, its admin and client users). */
  FABRIC_ORG: z.string().regex(/^[A-Za-z0-9.-]{1,64}$/, 'FABRIC_ORG must be an MSP id, e.g. HenanProvinceMSP or ZhengzhouMSP').default('HenanProvinceMSP'),
  /** On Fabric: the organisation's connection profile; default <HNC_FABRIC_DIR or .fabric>/connection/<FABRIC_ORG>.json. */
  FABRIC_PROFILE: z.string().min(1).optional(),
  /** Where `npm run network:up` keeps the network (and its connection profiles). */
  HNC_FABRIC_DIR: z.string().min(1).optional(),
  /** Bearer token of the governance organisation; generated and kept in DATA_DIR when unset. */
  GOVERNANCE_TOKEN: z.string().min(16, 'GOVERNANCE_TOKEN must be at least 16 characters').optional(),
  /** Seeds demo agencies, licences, seals, receipts, cases and an anchor on a fresh data directory (embedded ledger only; default there). */
  DEMO: z.enum(['true', 'false']).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest JSON body accepted, in bytes (anchor batches have their own, larger limit). */
  BODY_LIMIT: decimal('BODY_LIMIT').pipe(z.number().int().min(1024, 'BODY_LIMIT must be at least 1024 bytes')).default(256 * 1024),
  /** Largest uploaded file (licence or sealed document) accepted for verification, in bytes. */
  UPLOAD_LIMIT: decimal('UPLOAD_LIMIT').pipe(z.number().int().min(1024, 'UPLOAD_LIMIT must be at least 1024 bytes')).default(50 * 1024 * 1024),
  /**
   * Key of the holder commitments (HMAC-SM3), hex; generated and kept in DATA_DIR when unset. Every
   * gateway of a deployment must use the same one, or the same holder gets different commitments.
   */
  HOLDER_SECRET: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{2}){32,}$/, 'HOLDER_SECRET must be hex of at least 32 bytes (64 hex digits)')
    .optional(),
  /** Lifetime of the agency tokens issued from now on, in days; unset, they do not expire. */
  TOKEN_TTL_DAYS: decimal('TOKEN_TTL_DAYS', /^\d+(?:\.\d+)?$/)
    .pipe(z.number().positive('TOKEN_TTL_DAYS must be a positive number of days').max(36_500))
    .optional(),
  /**
   * Where the public reaches the portal (e.g. https://hnc.henan.gov.cn): the base of the verification URLs
   * QR codes carry. Unset: the address the gateway listens on (http://HOST:PORT). Never a request's Host,
   * which any caller may forge into a code that others are served from a cache.
   */
  PUBLIC_BASE_URL: z
    .string()
    .refine(isPublicBaseUrl, 'PUBLIC_BASE_URL must be an http(s) URL without user, query or fragment, e.g. https://hnc.henan.gov.cn')
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  /** The portal's built pages (npm run build makes them); the gateway serves them at `/`. */
  PORTAL_DIR: z.string().min(1).default(join(__dirname, '..', '..', 'portal', 'dist', 'site')),
});

/** Settings by name, as the environment or command-line flags give them. */
export type Settings = Partial<Record<keyof z.infer<typeof settingsSchema>, string>>;

function isPublicBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.username === '' && url.password === '' && url.search === '' && url.hash === '' && !value.includes('?') && !value.includes('#');
  } catch {
    return false;
  }
}

export interface GatewayConfig {
  port: number;
  host: string;
  dataDir: string;
  ledger: 'embedded' | 'fabric';
  /** Set when ledger is 'fabric'. */
  fabric?: { org: string; profile: string };
  governanceToken?: string;
  demo: boolean;
  logLevel: z.infer<typeof settingsSchema>['LOG_LEVEL'];
  bodyLimit: number;
  uploadLimit: number;
  holderSecret?: string;
  tokenTtlDays?: number;
  publicBaseUrl?: string;
  portalDir: string;
}

/** `npm run network:up`'s default folder: .fabric/ at the repository's root (gateway/dist/../../.fabric). */
const REPOSITORY_FABRIC_DIR = join(__dirname, '..', '..', '.fabric');

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Edits (insert, delete, replace, swap two neighbours) between two names: how far a typo strays. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * Variables that look like a misspelt setting (HOLDER_SECERT, TOKEN_TTL_DAY), each with the setting
 * meant: an unknown name is otherwise ignored, and the gateway would start on a default unnoticed.
 */
export function misspeltSettings(env: NodeJS.ProcessEnv): { given: string; meant: string }[] {
  const names = Object.keys(settingsSchema.shape);
  const found: { given: string; meant: string }[] = [];
  for (const given of Object.keys(env)) {
    if (names.includes(given) || given.length < 6) continue;
    const meant = names.find((name) => editDistance(given.toUpperCase(), name) <= 2);
    if (meant) found.push({ given, meant });
  }
  return found;
}

/** Reads the configuration from the environment, with `overrides` (e.g. from command-line flags) winning. */
export function loadConfig(env: NodeJS.ProcessEnv, overrides: Settings = {}): GatewayConfig {
  // An empty variable (FOO=) means "not set", as in most shells' and service managers' conventions.
  const given = Object.fromEntries(Object.entries({ ...env, ...overrides }).filter(([, value]) => value !== undefined && value !== ''));
  const result = settingsSchema.safeParse(given);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const s = result.data;
  const fabric = s.LEDGER === 'fabric';
  if (fabric && s.DEMO === 'true') {
    throw new ConfigError('invalid configuration:\n  DEMO: demo data is seeded on the embedded ledger only; on Fabric register agencies through the API (see README, "On Fabric")');
  }
  return {
    port: s.PORT,
    host: s.HOST,
    dataDir: resolve(s.DATA_DIR ?? (fabric ? join('data', 'fabric', s.FABRIC_ORG) : 'data')),
    ledger: s.LEDGER,
    ...(fabric ? { fabric: { org: s.FABRIC_ORG, profile: resolve(s.FABRIC_PROFILE ?? join(s.HNC_FABRIC_DIR ?? REPOSITORY_FABRIC_DIR, 'connection', `${s.FABRIC_ORG}.json`)) } } : {}),
    governanceToken: s.GOVERNANCE_TOKEN,
    demo: s.DEMO === undefined ? !fabric : s.DEMO === 'true',
    logLevel: s.LOG_LEVEL,
    bodyLimit: s.BODY_LIMIT,
    uploadLimit: s.UPLOAD_LIMIT,
    holderSecret: s.HOLDER_SECRET,
    tokenTtlDays: s.TOKEN_TTL_DAYS,
    publicBaseUrl: s.PUBLIC_BASE_URL,
    portalDir: resolve(s.PORTAL_DIR),
  };
}
