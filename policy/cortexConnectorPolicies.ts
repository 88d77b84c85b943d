import type { ResourceValidationPolicy } from "@pulumi/policy";
import { INITIAL_SCAN_MODES } from "../provider/cortex/connectorBody";
import { isNumDaysInRange, NUM_DAYS_RANGE } from "../rules";
import { isPlainObject, isUnknown, show } from "./plainValues";
import { CORTEX_CONNECTOR_TYPE, describeConnector, isCortexConnector, readConnector, type ConnectorView } from "./resourceViews";
import { reportVerdict, verdict, type Verdict } from "./verdict";

const { min: MIN_NUM_DAYS, max: MAX_NUM_DAYS } = NUM_DAYS_RANGE;

// ---------------------------------------------------------------------------------------------
// cortex-initial-scan-num-days
// ---------------------------------------------------------------------------------------------

/**
 * With `initialScanConfiguration.mode` TAGS_MODIFIED_DAYS, `numDays` must be
 * an integer from 1 to 90; with any other mode (ALL is the default) it must
 * not be set, as the API client refuses it.
 */
export function checkInitialScanNumDays(connector: ConnectorView): Verdict {
  const who = describeConnector(connector.name);
  const config = connector.props.initialScanConfiguration;
  if (config === undefined || config === null) return verdict();
  if (isUnknown(config)) return verdict([], [`${who}: initialScanConfiguration not known yet`]);
  if (!isPlainObject(config)) return verdict();

  const mode = config.mode;
  const numDays = config.numDays;
  const numDaysSet = numDays !== undefined && numDays !== null;
  if (isUnknown(mode)) return verdict([], [`${who}: initialScanConfiguration.mode not known yet`]);

  if (mode === "TAGS_MODIFIED_DAYS") {
    if (isUnknown(numDays)) return verdict([], [`${who}: initialScanConfiguration.numDays not known yet`]);
    if (!numDaysSet) {
      return verdict([
        {
          message:
            `${who}: initialScanConfiguration.numDays is missing; with initialScanConfiguration.mode "TAGS_MODIFIED_DAYS" ` +
            `Cortex scans the tags modified in the last numDays days, so numDays must be an integer from ${MIN_NUM_DAYS} to ${MAX_NUM_DAYS}. ` +
            "Fix: set initialScanConfiguration.numDays, e.g. to 30.",
        },
      ]);
    }
    if (!isNumDaysInRange(numDays)) {
      return verdict([
        {
          message:
            `${who}: initialScanConfiguration.numDays is ${show(numDays)}; with initialScanConfiguration.mode "TAGS_MODIFIED_DAYS" ` +
            `it must be an integer from ${MIN_NUM_DAYS} to ${MAX_NUM_DAYS} (Cortex looks back at most ${MAX_NUM_DAYS} days). ` +
            `Fix: set initialScanConfiguration.numDays to a whole number of days from ${MIN_NUM_DAYS} to ${MAX_NUM_DAYS}.`,
        },
      ]);
    }
    return verdict();
  }

  if (mode !== undefined && mode !== null && !(INITIAL_SCAN_MODES as readonly unknown[]).includes(mode)) {
    return verdict([
      {
        message:
          `${who}: initialScanConfiguration.mode is ${show(mode)}; it must be one of ${INITIAL_SCAN_MODES.join(", ")}, ` +
          "or the numDays rule for TAGS_MODIFIED_DAYS cannot apply. Fix: set initialScanConfiguration.mode to one of those values.",
      },
    ]);
  }

  // ALL (also the default when mode is not set) or LATEST_TAG.
  if (isUnknown(numDays)) return verdict([], [`${who}: initialScanConfiguration.numDays not known yet (it must be left out unless mode is TAGS_MODIFIED_DAYS)`]);
  if (numDaysSet) {
    const modeText = mode === undefined || mode === null ? 'not set (so "ALL")' : show(mode);
    return verdict([
      {
        message:
          `${who}: initialScanConfiguration.numDays is ${show(numDays)} but initialScanConfiguration.mode is ${modeText}; ` +
          'numDays only applies to mode "TAGS_MODIFIED_DAYS", and the Cortex API client refuses it with any other mode. ' +
          'Fix: remove initialScanConfiguration.numDays, or set initialScanConfiguration.mode to "TAGS_MODIFIED_DAYS".',
      },
    ]);
  }
  return verdict();
}

export const cortexInitialScanNumDays: ResourceValidationPolicy = {
  name: "cortex-initial-scan-num-days",
  description:
    'A Cortex registry connector\'s initialScanConfiguration.numDays must be an integer from ${MIN_NUM_DAYS} to ${MAX_NUM_DAYS} when mode is "TAGS_MODIFIED_DAYS", and must be left out otherwise.',
  enforcementLevel: "mandatory",
  validateResource: (args, reportViolation) => {
    if (!isCortexConnector(args.type)) args.notApplicable(`applies only to ${CORTEX_CONNECTOR_TYPE}`);
    reportVerdict(checkInitialScanNumDays(readConnector(args)), reportViolation);
  },
};

// ---------------------------------------------------------------------------------------------
// cortex-no-insecure-pull
// ---------------------------------------------------------------------------------------------

/** A connector should not set `insecurePull`. */
export function checkNoInsecurePull(connector: ConnectorView): Verdict {
  const who = describeConnector(connector.name);
  const insecurePull = connector.props.insecurePull;
  if (isUnknown(insecurePull)) return verdict([], [`${who}: insecurePull not known yet`]);
  if (insecurePull !== true) return verdict();
  return verdict([
    {
      message:
        `${who}: insecurePull is true, which lets Cortex pull images from the registry over plain HTTP or without verifying its TLS certificate, ` +
        "so someone on the network path could swap the images it scans. Registry connectors should pull securely. " +
        "Fix: set insecurePull: false; for a registry whose certificate comes from a private CA, give that CA in caCertificate.",
    },
  ]);
}

export const cortexNoInsecurePull: ResourceValidationPolicy = {
  name: "cortex-no-insecure-pull",
  description: "A Cortex registry connector should not set insecurePull: images should be pulled over verified TLS.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (!isCortexConnector(args.type)) args.notApplicable(`applies only to ${CORTEX_CONNECTOR_TYPE}`);
    reportVerdict(checkNoInsecurePull(readConnector(args)), reportViolation);
  },
};

export const cortexConnectorPolicies: ResourceValidationPolicy[] = [cortexInitialScanNumDays, cortexNoInsecurePull];
