/**
 * Once per `npm run test:engine`: the real Pulumi CLI (built from the Go module
 * proxy, or found in its cache), the package packed as it would be published,
 * and a user's dependencies installed from that tarball. Test files read them
 * from the environment (`userWorldFromEnvironment`).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installUserWorld } from "../../harness/userProject";

/** The `@pulumi/pulumi` a user's project installs: ours by default, any version in our peer range by choice. */
const USER_PULUMI_VERSION = process.env.ENGINE_TEST_PULUMI_VERSION ?? "3.248.0";

export default function setup(): () => void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-suite-"));
  process.env.ENGINE_USER_WORLD = JSON.stringify(installUserWorld(work, USER_PULUMI_VERSION));
  return () => fs.rmSync(work, { recursive: true, force: true });
}
