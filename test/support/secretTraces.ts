/**
 * Whether any trace of a secret survives in a text: 12 consecutive characters
 * of it (shorter runs occur in ordinary text: "registry"), in the text as it is, JSON-unescaped, with line breaks removed,
 * URL-decoded, or decoded from any base64 or base64url run at any offset.
 */
const PROBE_LENGTH = 12;

export function leaksSecret(text: string, secret: string): boolean {
  const compact = secret.replace(/\s+/g, "");
  const probes = Array.from({ length: Math.max(1, compact.length - PROBE_LENGTH + 1) }, (_, i) => compact.slice(i, i + PROBE_LENGTH));
  const unescaped = text.replace(/\\(["\\/])/g, "$1");
  const views = [text, unescaped, text.replace(/\s|\\n/g, ""), safeDecodeURI(text), ...base64Views(text)];
  return views.some((view) => probes.some((probe) => view.includes(probe)));
}

function safeDecodeURI(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

function base64Views(text: string): string[] {
  const runs = text.match(/[A-Za-z0-9+/_-]{8,}={0,2}/g) ?? [];
  return runs.flatMap((run) =>
    [0, 1, 2, 3].flatMap((skip) => {
      const bytes = Buffer.from(run.slice(skip), "base64");
      return [bytes.toString("latin1"), bytes.toString("utf8")];
    }),
  );
}
