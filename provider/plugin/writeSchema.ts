/*
 * Writes schema.json, the plugin's schema as `pulumi package add <schema.json>`
 * and documentation tools read it: `npm run schema`. A test keeps the file
 * equal to what the plugin serves.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildSchema } from "./schema";

const root = path.resolve(__dirname, "../../..");
const version = (require(path.join(root, "package.json")) as { version: string }).version;
writeFileSync(path.join(root, "schema.json"), `${JSON.stringify(buildSchema(version), null, 2)}\n`);
