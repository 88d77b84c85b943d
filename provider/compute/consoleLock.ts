/**
 * One read-write-verify at a time per console list, in this provider host.
 * The engine runs a single host for every dynamic resource of a deployment, so
 * with this two RegistrySettings on one console never interleave their read
 * and their write (A reads, B reads, A writes, B writes A's entries away).
 * State of the host process only: nothing here is serialized with the provider.
 */
const queues = new Map<string, Promise<unknown>>();

export async function withConsoleLock<T>(consoleKey: string, action: () => Promise<T>): Promise<T> {
  const previous = queues.get(consoleKey) ?? Promise.resolve();
  const run = previous.then(action, action);
  const settled = run.catch(() => undefined);
  queues.set(consoleKey, settled);
  try {
    return await run;
  } finally {
    if (queues.get(consoleKey) === settled) queues.delete(consoleKey);
  }
}
