/**
 * Once per `npm run test:engine`: the real Pulumi CLI (built from the Go module
 * proxy, or found in its cache), the package packed as it would be published,
 * and a user's dependencies installed from that tarball. Test files read the
 * results from the environment.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The `@pulumi/pulumi` a user's project installs: ours by default, any version in our peer range by choice. */
const USER_PULUMI_VERSION = process.env.ENGINE_TEST_PULUMI_VERSION ?? "3.248.0";

function run(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
}

export default function setup(): () => void {
  const cliBin = run("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh")], REPO_ROOT).trim().split("\n").pop() ?? "";
  if (!fs.existsSync(path.join(cliBin, "pulumi"))) throw new Error(`scripts/pulumi-cli.sh printed no CLI folder (got "${cliBin}")`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-suite-"));
  const packed = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], REPO_ROOT)) as { filename: string; files: { path: string }[] }[];
  const tarball = path.join(work, packed[0].filename);

  // The user's dependencies, installed once as `npm install` would in their infra repo; each
  // test project links this node_modules (a project of its own would only repeat the download).
  const deps = path.join(work, "user-deps");
  fs.mkdirSync(deps);
  fs.writeFileSync(path.join(deps, "package.json"), JSON.stringify({ name: "infra", private: true }, null, 2));
  run(
    "npm",
    [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      tarball,
      `@pulumi/pulumi@${USER_PULUMI_VERSION}`,
      "@pulumi/policy@^1.21.0",
      "typescript@~5.9.3",
      "@types/node@^20",
    ],
    deps,
  );

  process.env.ENGINE_CLI_BIN = cliBin;
  process.env.ENGINE_TARBALL = tarball;
  process.env.ENGINE_PACKED_FILES = JSON.stringify(packed[0].files.map((f) => f.path));
  process.env.ENGINE_USER_DEPS = deps;
  return () => fs.rmSync(work, { recursive: true, force: true });
}
