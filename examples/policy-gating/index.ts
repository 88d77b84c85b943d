import * as pulumi from "@pulumi/pulumi";
import { gatedStack } from "./program";

const config = new pulumi.Config();
const { settings } = gatedStack({
  entryCount: config.getNumber("entryCount") ?? 500,
  insecurePull: config.getBoolean("insecurePull") ?? false,
});

export const managedEntries = settings.managedCount;
