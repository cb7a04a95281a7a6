import { z } from 'zod';

/**
 * The bounds of an audit period (审计期间) as query strings: an ISO 8601 instant with its offset, or a
 * plain date. A date is a calendar day in China Standard Time (UTC+08:00, no daylight saving), the
 * province's own day: `from=2026-01-01` starts at 2026-01-01T00:00+08:00 and `to=2026-03-31` ends at
 * the last millisecond of 2026-03-31 there. Both bounds are inclusive and come out as UTC instants in
 * the form the ledger stamps transactions with (toISOString), so they compare with index keys as text.
 */
const CHINA_OFFSET = '+08:00';
const DAY_MS = 86_400_000;

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Minutes required, seconds optional, at most milliseconds (the ledger's precision), offset required. */
const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/** Date.parse rolls 2026-02-30 over into March and takes 24:00, so the parts are checked first. */
function isCalendarDate(value: string): boolean {
  const parts = DATE.exec(value);
  if (!parts) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.getUTCMonth() + 1 === Number(parts[2]) && parsed.getUTCDate() === Number(parts[3]);
}

/** The UTC instant a bound stands for, or undefined when the text is neither a date nor an instant. */
export function normaliseBound(value: string, bound: 'start' | 'end'): string | undefined {
  if (DATE.test(value)) {
    if (!isCalendarDate(value)) return undefined;
    const start = Date.parse(`${value}T00:00:00${CHINA_OFFSET}`);
    return new Date(bound === 'start' ? start : start + DAY_MS - 1).toISOString();
  }
  const parts = INSTANT.exec(value);
  if (!parts || !isCalendarDate(parts[1]!)) return undefined;
  const [hour, minute, second, offsetHour, offsetMinute] = parts.slice(2).map((p) => Number(p ?? 0));
  if (hour! > 23 || minute! > 59 || second! > 59 || offsetHour! > 23 || offsetMinute! > 59) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** A query parameter holding one bound of the period; it arrives normalised (see above). */
export function periodBound(bound: 'start' | 'end') {
  return z
    .string()
    .max(40)
    .transform((value, ctx) => {
      const instant = normaliseBound(value, bound);
      if (instant === undefined) {
        ctx.addIssue({ code: 'custom', message: 'must be a date YYYY-MM-DD (China Standard Time) or an ISO 8601 instant with its offset, e.g. 2026-01-31T08:00:00Z' });
        return z.NEVER;
      }
      return instant;
    })
    .describe(
      bound === 'start'
        ? 'start of the period, inclusive: YYYY-MM-DD (from 00:00 China Standard Time) or an ISO 8601 instant with offset'
        : 'end of the period, inclusive: YYYY-MM-DD (to 24:00 China Standard Time) or an ISO 8601 instant with offset',
    );
}

/** Refuses a period that ends before it starts, naming `to`. */
export function orderedPeriod(value: { from?: string; to?: string }, ctx: z.core.$RefinementCtx): void {
  if (value.from !== undefined && value.to !== undefined && value.to < value.from) {
    ctx.addIssue({ code: 'custom', path: ['to'], message: `the period ends (${value.to}) before it starts (${value.from})` });
  }
}
