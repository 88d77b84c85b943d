import { z } from "zod";
import { CONNECTOR_FIELD_NAMES, SECRET_FIELDS, type ConnectorFields } from "./connectorBody";
import type { OUTPUT_ONLY_KEYS } from "./connectorInputs";
import type { PartialStateError } from "../hostErrors";
import { withSerializedProvider } from "../partialState";

/**
 * A create whose outcome is unknown leaves this record in the stack instead
 * of a connector id. The API has no list endpoint, so once the answer is
 * lost nothing can find the connector again but a person with its id: the
 * record keeps a plain rerun from creating a second connector that would
 * hold the same registry credentials outside the stack.
 */
export const UNCONFIRMED_CREATE_KEY = "unconfirmedCreate" satisfies (typeof OUTPUT_ONLY_KEYS)[number];

const unconfirmedCreateSchema = z.object({
  name: z.string(),
  apiUrl: z.string(),
  attemptedAt: z.string(),
  reason: z.string(),
});

export type UnconfirmedCreate = z.infer<typeof unconfirmedCreateSchema>;

/** Ids of placeholders start with this; no Cortex connector id does. */
const PLACEHOLDER_ID_PREFIX = "unconfirmed-create-";

/** The record the state holds for an unconfirmed create, if `outputs` are one. */
export function unconfirmedCreateOf(outputs: { unconfirmedCreate?: unknown } | undefined): UnconfirmedCreate | undefined {
  const parsed = unconfirmedCreateSchema.safeParse(outputs?.unconfirmedCreate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Thrown by create when the POST's outcome is unknown. `id` and `properties`
 * make the engine keep the placeholder in the state though the step fails.
 * The properties hold the declared configuration without its secrets.
 */
export class UnconfirmedCreateError extends Error implements PartialStateError {
  readonly code = "CREATE_OUTCOME_UNKNOWN";
  readonly id: string;
  readonly properties: Record<string, unknown>;
  readonly reasons: readonly string[];

  /** `inputs`: the create's inputs as the host passed them, serialized provider included. */
  constructor(message: string, configuration: ConnectorFields, record: UnconfirmedCreate, inputs: object) {
    super(message);
    this.name = "UnconfirmedCreateError";
    this.id = `${PLACEHOLDER_ID_PREFIX}${record.attemptedAt}`;
    this.reasons = [message];
    const visible: Record<string, unknown> = {};
    for (const field of CONNECTOR_FIELD_NAMES) {
      if (!(SECRET_FIELDS as readonly string[]).includes(field) && configuration[field] !== undefined) visible[field] = configuration[field];
    }
    this.properties = withSerializedProvider({ ...visible, apiUrl: record.apiUrl, [UNCONFIRMED_CREATE_KEY]: record }, inputs);
  }
}

/** The step a user attempted on a placeholder: what they were doing decides the advice's last line. */
export type PlaceholderStep = "create" | "update" | "delete";

/** How to finish: only the user can find out whether the connector exists, and tell the stack. */
export function finishingSteps(connectorName: string, step: PlaceholderStep): string {
  return (
    "Find the resource's URN with `pulumi stack --show-urns`, then:\n" +
    `  - if the Cortex console lists a registry connector named "${connectorName}": run \`pulumi state delete <URN>\`, add ` +
    '{ import: "<its connector id>" } to the resource\'s options and run `pulumi up`: the connector is adopted, not created again;\n' +
    (step === "delete"
      ? "  - to stop managing it: run `pulumi state delete <URN>`; a connector that was created stays in the tenant (delete it in the Cortex console)."
      : "  - if there is none: run `pulumi state delete <URN>` and `pulumi up`, which creates it.")
  );
}

/**
 * Every operation on a placeholder stops with this before any request: the
 * user says whether the connector exists, which only they can find out.
 */
export class UnconfirmedConnectorError extends Error {
  readonly code = "CREATE_UNCONFIRMED";

  constructor(record: UnconfirmedCreate, step: Exclude<PlaceholderStep, "create">) {
    super(
      `Registry connector "${record.name}" is recorded in this stack as unconfirmed: its create at ${record.attemptedAt} ` +
        `in the Cortex tenant ${record.apiUrl} ${record.reason}, so it may exist there. Nothing was sent; ` +
        `a plain \`pulumi up\` will not create it again until you say which it is. ${finishingSteps(record.name, step)}`,
    );
    this.name = "UnconfirmedConnectorError";
  }
}
