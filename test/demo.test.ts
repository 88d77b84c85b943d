import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { builtPath } from "./support/built";

it("runs the demo end to end: preview, up, change, a policy stop, destroy, exiting 0", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [builtPath("demo/index.js")], { timeout: 60_000 });
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, "");
  expect(plain).toMatch(/\+\s+registryScanning:RegistrySettings\s+compute\s+create\n\s+\+ nginx-stable/);
  expect(plain).toMatch(/~ ubuntu-18\.04 {2}cap: 5 => 10/);
  expect(plain).toMatch(/initialScanConfiguration\.numDays: 7 => 14/);
  expect(plain).toMatch(/stopped by the policy pack before anything was applied:[\s\S]*cortex-no-insecure-pull[\s\S]*requests: console: GET settings\/registry 200\n/);
  const afterDestroy = plain.slice(plain.indexOf("$ pulumi destroy"));
  expect(afterDestroy).toMatch(/2 registry entries in the console \(0 from this stack, 2 another team's, untouched\)/);
  expect(afterDestroy).toMatch(/0 Cortex registry connector\(s\)/);
});
