import type { IncomingHttpHeaders } from "node:http";

export type RecordedApi = "compute" | "cortex" | "unknown";

export interface RecordedRequest {
  api: RecordedApi;
  method: string;
  /** Without the query string. */
  path: string;
  query: Record<string, string>;
  /** Lower-cased names; authorization and cookie values masked as "***". */
  headers: Record<string, string>;
  /** Parsed JSON body, or undefined when the body was empty or not JSON. */
  body: unknown;
  /** Status sent; 0 while unanswered and for a dropped connection. */
  status: number;
  /** Arrival, epoch milliseconds. */
  time: number;
}

const MASKED_HEADERS: ReadonlySet<string> = new Set(["authorization", "cookie"]);
const MASK = "***";

function recordableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const recorded: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const lowerName = name.toLowerCase();
    recorded[lowerName] = MASKED_HEADERS.has(lowerName) ? MASK : Array.isArray(value) ? value.join(", ") : value;
  }
  return recorded;
}

/** `jsonBody` is set only when the body parsed as JSON. */
type StoredRecord = Omit<RecordedRequest, "body"> & { jsonBody: string | undefined };

/** Every request the emulator receives, in arrival order, so a test can assert on exactly what a client sent. */
export class RequestRecorder {
  private recorded: StoredRecord[] = [];

  /**
   * Called on arrival, before the body is read, so the order is arrival order.
   * Returns the live record for the server to fill in the body and the status.
   * Bodies are kept as JSON text: re-parsing on read is both a cheaper deep copy
   * than cloning and far smaller than the parsed form of a 20,000-entry body.
   */
  record(request: {
    api: RecordedApi;
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    time: number;
  }): { status: number; jsonBody: string | undefined } {
    const entry: StoredRecord = {
      api: request.api,
      method: request.method,
      path: request.path,
      query: Object.fromEntries(request.query),
      headers: recordableHeaders(request.headers),
      jsonBody: undefined,
      status: 0,
      time: request.time,
    };
    this.recorded.push(entry);
    return entry;
  }

  all(): RecordedRequest[] {
    return this.recorded.map(({ jsonBody, ...entry }) => ({
      ...entry,
      query: { ...entry.query },
      headers: { ...entry.headers },
      body: jsonBody === undefined ? undefined : (JSON.parse(jsonBody) as unknown),
    }));
  }

  clear(): void {
    this.recorded = [];
  }
}
