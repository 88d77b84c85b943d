import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import type { Engine } from "../../harness";
import { fixtureCredentials } from "./consoleSeeds";

/** One emulator per test file, reset before each test, and the test's engine stopped after it. */
export interface EmulatorSession {
  emulator: Emulator;
  engine: Engine | undefined;
}

export function useEmulatorSession(options?: EmulatorOptions): EmulatorSession {
  const session = { engine: undefined } as EmulatorSession;
  beforeAll(async () => {
    // The store holds the credentials the fixtures name, as a user's console would: check refuses a dangling one.
    session.emulator = await startEmulator({ ...options, compute: { credentials: fixtureCredentials(), ...options?.compute } });
  });
  afterAll(async () => {
    await session.emulator.close();
  });
  beforeEach(() => session.emulator.reset());
  afterEach(async () => {
    await session.engine?.stop();
    session.engine = undefined;
  });
  return session;
}
