import { createRequire } from "node:module";
import * as path from "node:path";

const repoRoot = path.resolve(__dirname, "..", "..");
const nativeRequire = createRequire(path.join(repoRoot, "package.json"));

/**
 * Loads a module from the compiled `dist/` tree with Node's own loader, not
 * the test runner's transform: the SDK serializes dynamic providers from the
 * functions' real source, as it does under `pulumi up`.
 */
export function requireBuilt<T>(relativePath: string): T {
  return nativeRequire(path.join(repoRoot, "dist", relativePath)) as T;
}

export function builtPath(relativePath: string): string {
  return path.join(repoRoot, "dist", relativePath);
}
