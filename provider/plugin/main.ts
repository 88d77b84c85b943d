#!/usr/bin/env node
/*
 * The provider plugin's entry: `pulumi-resource-registryscanning`, as the
 * engine starts it (from PATH, or through a Node.js language host for the
 * source plugin the package also is), with the engine's address.
 */
import { serve } from "./server";

serve(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-registryscanning: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
