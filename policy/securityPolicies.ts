import type { ResourceValidationPolicy } from "@pulumi/policy";
import { COMPUTE_CREDENTIAL_TYPE_NAME, CREDENTIAL_INPUT_PATHS } from "../rules";
import { isUnknown, plainAt, type Plain, type PlainObject } from "./plainValues";
import {
  CORTEX_CONNECTOR_TYPE,
  describeConnector,
  describeRegistrySettings,
  displayUrl,
  isComputeCredential,
  isCortexConnector,
  isRegistrySettings,
  readConnector,
  readRegistrySettings,
  REGISTRY_SETTINGS_TYPE,
  type ConnectorView,
  type RegistrySettingsView,
} from "./resourceViews";
import { secretPathsOf, type SecretPaths } from "./secretTracking";
import { listSome, reportVerdict, verdict, type Verdict, type Violation } from "./verdict";

// ---------------------------------------------------------------------------------------------
// credentials-as-secrets
// ---------------------------------------------------------------------------------------------

function describe(type: string, name: string): string {
  if (isRegistrySettings(type)) return describeRegistrySettings(name);
  if (isComputeCredential(type)) return `${COMPUTE_CREDENTIAL_TYPE_NAME} "${name}"`;
  return describeConnector(name);
}

/**
 * Every credential a resource is given must be a Pulumi secret. `secrets` is
 * `undefined` when secretness could not be tracked: then each credential that
 * is set is undecided rather than passed or failed.
 */
export function checkCredentialsAsSecrets(
  resource: { type: string; name: string; props: PlainObject },
  secrets: SecretPaths | undefined,
): Verdict {
  const who = describe(resource.type, resource.name);
  const violations: Violation[] = [];
  const undecided: string[] = [];
  for (const path of CREDENTIAL_INPUT_PATHS[resource.type] ?? []) {
    const property = path.join(".");
    const value = plainAt(resource.props, path);
    if (value === undefined || value === null || value === "") continue;
    if (secrets === undefined) {
      undecided.push(`${who}: whether ${property} is a secret cannot be told with this @pulumi/policy version`);
      continue;
    }
    if (secrets.covers(path)) continue;
    if (isUnknown(value)) {
      undecided.push(`${who}: ${property} not known yet and not marked secret`);
      continue;
    }
    violations.push({
      message:
        `${who}: ${property} is a plain value, not a secret; credentials must be Pulumi secrets, ` +
        "or they are stored unencrypted in the stack's state and can show in previews and logs. " +
        `Fix: pass ${property} as a secret, e.g. pulumi.secret(value), or config.requireSecret("...") after \`pulumi config set --secret ...\`.`,
    });
  }
  return verdict(violations, undecided);
}

export const credentialsAsSecrets: ResourceValidationPolicy = {
  name: "credentials-as-secrets",
  description:
    "Credentials (RegistrySettings console.password; CortexRegistryConnector password, authToken and tenant.apiKey; ComputeCredential secrets) must be passed as Pulumi secrets.",
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!(args.type in CREDENTIAL_INPUT_PATHS)) args.notApplicable(`applies only to ${Object.keys(CREDENTIAL_INPUT_PATHS).join(", ")}`);
    const resource = isRegistrySettings(args.type) ? readRegistrySettings(args) : readConnector(args);
    reportVerdict(checkCredentialsAsSecrets({ type: args.type, ...resource }, secretPathsOf(args.props)), reportViolation);
  },
};

// ---------------------------------------------------------------------------------------------
// https-urls
// ---------------------------------------------------------------------------------------------

/** How many insecure entry addresses one resource reports one by one before it summarizes the rest. */
export const MAX_ENTRY_URLS_REPORTED = 20;

const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;

type UrlRule = "must be https" | "https if it has a scheme";

function urlProblem(value: string, rule: UrlRule): string | undefined {
  const scheme = SCHEME.exec(value.trim())?.[1]?.toLowerCase();
  if (scheme === undefined) return rule === "must be https" ? "has no https:// scheme" : undefined;
  return scheme === "https" ? undefined : `uses ${scheme}://`;
}

function checkUrl(who: string, property: string, value: Plain | undefined, rule: UrlRule, fix: string): Verdict {
  if (value === undefined || value === null || value === "") return verdict();
  if (isUnknown(value)) return verdict([], [`${who}: ${property} not known yet`]);
  if (typeof value !== "string") return verdict();
  const problem = urlProblem(value, rule);
  if (problem === undefined) return verdict();
  const ruleText =
    rule === "must be https" ? `${property} must be an https:// URL` : `a registry address with a scheme must use https://`;
  return verdict([
    {
      message:
        `${who}: ${property} is "${displayUrl(value)}", which ${problem}; ${ruleText}, ` +
        "or credentials and scan traffic cross the network unencrypted. " +
        `Fix: ${fix}`,
    },
  ]);
}

function merge(verdicts: readonly Verdict[]): Verdict {
  return verdict(
    verdicts.flatMap((v) => v.violations),
    verdicts.flatMap((v) => v.undecided),
  );
}

/** RegistrySettings: console.url must be https; an entry's registry address, if it has a scheme, must be https. */
export function checkRegistrySettingsUrls(resource: RegistrySettingsView): Verdict {
  const who = describeRegistrySettings(resource.name);
  const results: Verdict[] = [
    checkUrl(who, "console.url", plainAt(resource.props, ["console", "url"]), "must be https", "use the console's https:// address."),
  ];
  if (isUnknown(resource.entries)) return merge(results);
  const entryResults = resource.entries.map((entry) =>
    checkUrl(
      who,
      `${entry.path}.registry`,
      isUnknown(entry.fields) ? undefined : entry.fields.registry,
      "https if it has a scheme",
      "use https:// in the address, or give the registry's host without a scheme.",
    ),
  );
  const entryViolations = entryResults.flatMap((v) => v.violations);
  const entryUndecided = entryResults.flatMap((v) => v.undecided);
  if (entryViolations.length > MAX_ENTRY_URLS_REPORTED) {
    const rest = entryViolations.length - MAX_ENTRY_URLS_REPORTED;
    entryViolations.splice(MAX_ENTRY_URLS_REPORTED, rest, {
      message:
        `${who}: ${rest} more entries in specifications have a registry address that is not https; ` +
        "a registry address with a scheme must use https://. Fix: use https:// in those addresses, or give the hosts without a scheme.",
    });
  }
  results.push(verdict(entryViolations, entryUndecided.length > 0 ? [listSome(entryUndecided)] : []));
  return merge(results);
}

/** CortexRegistryConnector: url and tenant.apiUrl must be https. */
export function checkConnectorUrls(connector: ConnectorView): Verdict {
  const who = describeConnector(connector.name);
  return merge([
    checkUrl(who, "url", connector.props.url, "must be https", "use the registry's https:// address."),
    checkUrl(who, "tenant.apiUrl", plainAt(connector.props, ["tenant", "apiUrl"]), "must be https", "use the tenant's https://api-... address."),
  ]);
}

export const httpsUrls: ResourceValidationPolicy = {
  name: "https-urls",
  description:
    "Console, registry, connector and tenant API URLs must use https: RegistrySettings console.url and entry registry addresses that have a scheme; CortexRegistryConnector url and tenant.apiUrl.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (isRegistrySettings(args.type)) reportVerdict(checkRegistrySettingsUrls(readRegistrySettings(args)), reportViolation);
    else if (isCortexConnector(args.type)) reportVerdict(checkConnectorUrls(readConnector(args)), reportViolation);
    else args.notApplicable(`applies only to ${REGISTRY_SETTINGS_TYPE} and ${CORTEX_CONNECTOR_TYPE}`);
  },
};

export const securityPolicies: ResourceValidationPolicy[] = [credentialsAsSecrets, httpsUrls];
