import { createHmac, timingSafeEqual } from 'node:crypto';

export type AccessRight = 'Manage' | 'Send' | 'Listen';

/** A shared access authorization rule of the namespace: its key signs tokens that carry its rights. */
export interface AuthorizationRule {
  keyName: string;
  key: string;
  rights: AccessRight[];
}

/** What a valid token grants: its rights on every entity under `resourcePath`, until `expiresAt`. */
export interface Grant {
  /** the token's `sr` as a path in the namespace, lower case, no trailing slash: `` for the namespace, `/q` for a queue */
  resourcePath: string;
  rights: AccessRight[];
  expiresAt: number;
}

export type TokenCheck = { ok: true; grant: Grant } | { ok: false; reason: string };

/** The path part of an audience or entity URI (`sb://host/queue`, `amqps://…`, `https://…`), normalised for comparison. */
export function resourcePathOf(uri: string): string {
  const withoutScheme = uri.replace(/^[a-z]+:\/\//i, '').replace(/[?#].*$/, '');
  const slash = withoutScheme.indexOf('/');
  const path = slash < 0 ? '' : withoutScheme.slice(slash);
  return path.replace(/\/+$/, '').toLowerCase();
}

/**
 * Checks a `SharedAccessSignature sr=…&sig=…&se=…&skn=…` token as Service Bus does: the named rule exists, the
 * signature is the HMAC-SHA256 of `sr + "\n" + se` (sr URL-encoded, as in the token) under the rule's key, and it has not
 * expired.
 * (Service Bus docs, "Service Bus access control with Shared Access Signatures"; the SDK signs exactly this string.)
 */
export function checkSasToken(token: string, rules: readonly AuthorizationRule[], now: number): TokenCheck {
  const match = /^SharedAccessSignature (.+)$/.exec(token.trim());
  if (!match) return { ok: false, reason: 'Not a SharedAccessSignature token.' };
  const fields = new Map<string, string>();
  for (const part of (match[1] ?? '').split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).toLowerCase(), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (!sr || !sig || !se || !skn) return { ok: false, reason: 'The token lacks sr, sig, se or skn.' };
  const rule = rules.find((r) => r.keyName === decodeURIComponent(skn));
  if (!rule) return { ok: false, reason: `No authorization rule named '${decodeURIComponent(skn)}'.` };
  // the string signed is `sr` exactly as it stands in the token (clients encode it, the admin client also lower-cases it)
  const expected = createHmac('sha256', rule.key).update(`${sr}\n${se}`, 'utf8').digest();
  const given = Buffer.from(decodeURIComponent(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'The token signature is not valid.' };
  const expiresAt = Number(se) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return { ok: false, reason: `The token expired at ${new Date(Number(se) * 1000).toISOString()}.` };
  return { ok: true, grant: { resourcePath: resourcePathOf(decodeURIComponent(sr)), rights: rule.rights, expiresAt } };
}

/** Whether a grant covers an entity (the namespace's or the entity's own path, or a parent) with a right. Manage implies both. */
export function grantAllows(grant: Grant, entityPath: string, right: AccessRight, now: number): boolean {
  const path = entityPath.replace(/\/+$/, '').toLowerCase();
  const covers = grant.resourcePath === '' || path === grant.resourcePath || path.startsWith(`${grant.resourcePath}/`);
  return covers && grant.expiresAt > now && (grant.rights.includes(right) || grant.rights.includes('Manage'));
}
