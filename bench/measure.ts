import { readFileSync } from "node:fs";

export async function timed<T>(action: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = process.hrtime.bigint();
  const result = await action();
  return { result, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Peak resident memory of a process so far (Linux `VmHWM`), in MiB. */
export function peakRssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export const ms = (value: number) => `${value >= 10_000 ? (value / 1000).toFixed(1) + " s" : value.toFixed(0) + " ms"}`;

export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  for (const [index, row] of cells.entries()) {
    console.log(row.map((c, i) => c.padStart(widths[i])).join("  "));
    if (index === 0) console.log(widths.map((w) => "-".repeat(w)).join("  "));
  }
}
