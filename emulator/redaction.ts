/**
 * Removes secret values from text in every form they travel in: raw,
 * JSON-escaped, URL- and form-encoded, base64 and base64url (at any byte
 * offset, so inside a Basic `user:password` too), and split across lines.
 *
 * The emulator's own copy of the clients' redaction (provider/http/redaction.ts),
 * used on recorded request bodies: the emulator is an independent oracle and
 * imports nothing from provider/, rules/ or sdk/, so a bug there cannot hide
 * the same bug here.
 */

export const REDACTED = "[secret]";

/** Shorter values are not treated as secrets: redacting them would shred ordinary text. */
const MIN_SECRET_LENGTH = 4;
/** A multi-line secret (a PEM certificate) is also redacted line by line, for lines this long or longer. */
const MIN_SEGMENT_LENGTH = 16;

const BASE64_CHAR = "[A-Za-z0-9+/]";
const BASE64URL_CHAR = "[A-Za-z0-9_-]";

/** The text with each secret, in each form, replaced by REDACTED. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const patterns = secrets.flatMap((secret) => (secret !== undefined && secret.length >= MIN_SECRET_LENGTH ? patternsOf(secret) : []));
  let redacted = text;
  for (const pattern of patterns) redacted = redacted.replace(pattern, REDACTED);
  return redacted;
}

/**
 * Every pattern that finds one secret: the whole value split anywhere first
 * (it also finds it whole), then the longest forms first, so a shorter form
 * never leaves part of a longer one behind.
 */
function patternsOf(secret: string): RegExp[] {
  const segments = secret
    .split(/\s+/)
    .filter((segment) => segment.length >= MIN_SEGMENT_LENGTH && segment !== secret);
  const literal = [...new Set([...textForms(secret), ...segments.flatMap(textForms)])]
    .filter((form) => form.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length)
    .map((form) => new RegExp(escapeRegExp(form), "g"));
  const encoded = [secret, ...segments].flatMap((value) => [...base64Patterns(value, "base64", BASE64_CHAR), ...base64Patterns(value, "base64url", BASE64URL_CHAR)]);
  return [splitAcrossLines(secret), ...literal, ...encoded];
}

/** The forms of a value as text: raw, JSON-escaped, URL-encoded, form-encoded. */
function textForms(value: string): string[] {
  return [value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, "+")];
}

/**
 * The value base64-encoded at each of the three byte offsets it can start at
 * inside a longer encoded string: the characters only its own bytes decide,
 * widened by the up to three characters its first and last bytes share with
 * their neighbours (and any padding).
 */
function base64Patterns(value: string, encoding: "base64" | "base64url", alphabet: string): RegExp[] {
  const bytes = Buffer.from(value, "utf8");
  const patterns: RegExp[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const start = (3 - offset) % 3;
    const whole = Math.floor((bytes.length - start) / 3) * 3;
    if (whole < 3) continue;
    const core = bytes.subarray(start, start + whole).toString(encoding).replace(/=+$/, "");
    patterns.push(new RegExp(`${alphabet}{0,3}${escapeRegExp(core)}${alphabet}{0,3}={0,2}`, "g"));
  }
  return patterns;
}

/** The raw value with line breaks or spaces (raw, or escaped as `\n`) anywhere between its characters. */
function splitAcrossLines(value: string): RegExp {
  const gap = String.raw`(?:\s|\\[nr])*`;
  return new RegExp([...value.replace(/\s+/g, "")].map(escapeRegExp).join(gap), "g");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
