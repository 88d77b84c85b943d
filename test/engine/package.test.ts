/** What `npm pack` ships, and the package as a user's project resolves it. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { userWorldFromEnvironment } from "../../harness/userProject";

describe("the packed package", () => {
  const world = userWorldFromEnvironment();

  it("ships the compiled SDK, providers, plugin, policies, shared rules and the export command with their types, the plugin's schema and manifest, README and LICENSE, and nothing else", () => {
    const unexpected = world.packedFiles.filter(
      (file) =>
        !/^dist\/(sdk|provider|policy|rules|cli)\/.+\.(js|d\.ts)$/.test(file) &&
        !["README.md", "LICENSE", "package.json", "schema.json", "PulumiPlugin.yaml"].includes(file),
    );
    expect(unexpected).toEqual([]);
    for (const file of [
      "dist/sdk/index.js",
      "dist/sdk/index.d.ts",
      "dist/policy/index.js",
      "dist/policy/index.d.ts",
      "dist/cli/main.js",
      "dist/provider/plugin/main.js",
      "schema.json",
      "PulumiPlugin.yaml",
      "LICENSE",
      "README.md",
    ]) {
      expect(world.packedFiles).toContain(file);
    }
  });

  it("installs the export command where npx finds it, and it explains itself", () => {
    const bin = path.join(world.userDeps, "node_modules", ".bin", "pulumi-registry-scanning");
    expect(fs.existsSync(bin)).toBe(true);
    const help = spawnSync(bin, ["--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/pulumi-registry-scanning export compute/);
  });

  it("installs beside the user's own @pulumi/pulumi as a peer: one SDK copy in the project", () => {
    const modules = path.join(world.userDeps, "node_modules");
    const nested = path.join(modules, "pulumi-registry-scanning", "node_modules", "@pulumi", "pulumi");
    expect(fs.existsSync(nested)).toBe(false);
    const manifest = z
      .object({ peerDependencies: z.record(z.string(), z.string()), dependencies: z.record(z.string(), z.string()) })
      .parse(JSON.parse(fs.readFileSync(path.join(modules, "pulumi-registry-scanning", "package.json"), "utf8")));
    expect(manifest.peerDependencies["@pulumi/pulumi"]).toMatch(/^\^3\./);
    expect(Object.keys(manifest.dependencies)).not.toContain("@pulumi/pulumi");
  });
});
