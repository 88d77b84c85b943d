import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator";
import type { Engine } from "../../harness";

/** One emulator per test file, reset before each test, and the test's engine stopped after it. */
export interface EmulatorSession {
  emulator: Emulator;
  engine: Engine | undefined;
}

export function useEmulatorSession(options?: EmulatorOptions): EmulatorSession {
  const session = { engine: undefined } as EmulatorSession;
  beforeAll(async () => {
    session.emulator = await startEmulator(options);
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
