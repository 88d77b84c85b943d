import { describe, expect, it } from "vitest";
import { fromWireConnector, toWireConnector, type ConnectorFields } from "../../provider/cortex/connectorBody";
import { diffConnector, importMismatches, REPLACE_ON_CHANGE, type ConnectorOutputs } from "../../provider/cortex/connectorChanges";
import { checkConnectorInputs } from "../../provider/cortex/connectorInputs";
import { canonicalApiUrl, sameApiUrl } from "../../provider/cortex/connection";
import { UNKNOWN_VALUE } from "../../provider/validation/checkFailure";

const fields: ConnectorFields = {
  vendor: "GITLAB_CONTAINER_REGISTRY",
  name: "gitlab",
  url: "https://gitlab.example.com",
  username: "scanner",
  password: "p",
  authToken: "t",
  scanningMode: "OUTPOST",
  outpostId: "outpost-1",
  region: "eu-west-1",
  insecurePull: false,
  initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 },
  enabled: true,
  filterType: "EXCLUDE",
  cloudProvider: "GCP",
  registryType: "CLOUD_HOSTED",
  assetScopeFilters: { OR: [{ SEARCH_FIELD: "Repository", SEARCH_TYPE: "WILDCARD", SEARCH_VALUE: "team/*" }] },
  vendorSpecificConfiguration: { groupIds: ["1"], projectIds: ["2"], apiDomainName: "gitlab.example.com" },
  caCertificate: "PEM",
  repository: "r",
  allowStaticIps: true,
  ipIdentifier: "ip",
  tenantId: "tenant-1",
};

describe("connector body mapping", () => {
  it("snake_cases the API's fields, keeping numDays and the filter tree's keys as the API spells them", () => {
    expect(toWireConnector(fields)).toEqual({
      vendor: "GITLAB_CONTAINER_REGISTRY",
      name: "gitlab",
      url: "https://gitlab.example.com",
      username: "scanner",
      password: "p",
      auth_token: "t",
      scanning_mode: "OUTPOST",
      outpost_id: "outpost-1",
      region: "eu-west-1",
      insecure_pull: false,
      initial_scan_configuration: { mode: "TAGS_MODIFIED_DAYS", numDays: 30 },
      enabled: true,
      filter_type: "EXCLUDE",
      cloud_provider: "GCP",
      registry_type: "CLOUD_HOSTED",
      asset_scope_filters: { OR: [{ SEARCH_FIELD: "Repository", SEARCH_TYPE: "WILDCARD", SEARCH_VALUE: "team/*" }] },
      vendor_specific_configuration: { group_ids: ["1"], project_ids: ["2"], api_domain_name: "gitlab.example.com" },
      ca_certificate: "PEM",
      repository: "r",
      allow_static_ips: true,
      ip_identifier: "ip",
      tenant_id: "tenant-1",
    });
  });

  it("maps back losslessly, dropping the id, nulls and fields it does not model", () => {
    expect(fromWireConnector(toWireConnector(fields))).toEqual(fields);
    const { password: _p, authToken: _t, ...visible } = fields;
    expect(fromWireConnector({ ...toWireConnector(visible as ConnectorFields), connector_id: "x", future_field: 1, broker_id: null })).toEqual(visible);
  });

  it("leaves absent fields out of the body (the API refuses null)", () => {
    const { caCertificate: _c, vendorSpecificConfiguration: _v, ...rest } = fields;
    const wire = toWireConnector({ ...rest, brokerId: undefined } as ConnectorFields);
    expect(wire).not.toHaveProperty("ca_certificate");
    expect(wire).not.toHaveProperty("broker_id");
    expect(wire).not.toHaveProperty("vendor_specific_configuration");
  });
});

describe("checkConnectorInputs", () => {
  const valid = {
    vendor: "HARBOR",
    name: "h",
    url: "https://harbor.example.com",
    username: "u",
    password: "p",
    authToken: "t",
    scanningMode: "CLOUD",
    region: "us-east-1",
    insecurePull: false,
    initialScanConfiguration: {},
  };

  it("applies the API's defaults and drops the serialized provider and output keys", () => {
    const { inputs, failures } = checkConnectorInputs({ ...valid, __provider: "exports.handler = ...", connectorId: "x", apiUrl: "https://api" });
    expect(failures).toEqual([]);
    expect(inputs).toEqual({ ...valid, initialScanConfiguration: { mode: "ALL" }, enabled: true, filterType: "INCLUDE" });
  });

  it("treats a null field as an absent one, as JavaScript programs may pass", () => {
    const { inputs, failures } = checkConnectorInputs({ ...valid, caCertificate: null, initialScanConfiguration: { mode: "LATEST_TAG", numDays: null } });
    expect(failures).toEqual([]);
    expect(inputs).not.toHaveProperty("caCertificate");
    expect(inputs.initialScanConfiguration).toEqual({ mode: "LATEST_TAG" });
  });

  it("leaves values a preview cannot know unjudged, with the rules that depend on them", () => {
    const { failures } = checkConnectorInputs({
      ...valid,
      vendor: UNKNOWN_VALUE,
      url: UNKNOWN_VALUE,
      password: UNKNOWN_VALUE,
      scanningMode: UNKNOWN_VALUE,
      initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: UNKNOWN_VALUE },
      vendorSpecificConfiguration: { groupIds: ["1"] },
      assetScopeFilters: { AND: [UNKNOWN_VALUE, { SEARCH_FIELD: "Registry", SEARCH_TYPE: UNKNOWN_VALUE, SEARCH_VALUE: "x" }] },
      tenant: UNKNOWN_VALUE,
    });
    expect(failures).toEqual([]);
    expect(checkConnectorInputs({ ...valid, initialScanConfiguration: UNKNOWN_VALUE }).failures).toEqual([]);
    expect(checkConnectorInputs({ ...valid, initialScanConfiguration: { mode: UNKNOWN_VALUE, numDays: 7 } }).failures).toEqual([]);
  });

  it("still judges the known values next to unknown ones", () => {
    const { failures } = checkConnectorInputs({ ...valid, vendor: UNKNOWN_VALUE, url: "nope", initialScanConfiguration: { mode: "TAGS_MODIFIED_DAYS", numDays: 0 } });
    expect(failures.map((f) => f.property)).toEqual(["url", "initialScanConfiguration.numDays"]);
  });
});

describe("diffConnector", () => {
  const olds = { ...fields, connectorId: "id-1", apiUrl: "https://api-a.example.com" } as ConnectorOutputs;
  const news = { ...fields };

  it("sees no change when the program matches the state", () => {
    expect(diffConnector(olds, news, "https://api-a.example.com")).toEqual({ changes: false, replaces: [] });
  });

  it("updates in place for ordinary fields and credentials, replaces for the replace-on-change ones", () => {
    expect(diffConnector(olds, { ...news, url: "https://other.example.com", password: "new", region: "x" }, undefined)).toEqual({ changes: true, replaces: [] });
    expect(diffConnector(olds, { ...news, vendor: "HARBOR", scanningMode: "CLOUD" }, undefined).replaces).toEqual(["vendor", "scanningMode"]);
    expect(diffConnector(olds, news, "https://api-b.example.com")).toEqual({ changes: true, replaces: ["tenant.apiUrl"] });
    expect(REPLACE_ON_CHANGE.map((r) => r.field)).toEqual(["vendor", "registryType", "scanningMode", "tenant.apiUrl"]);
  });

  it("compares tenant URLs normalized: host case, the default port and a trailing slash do not make another tenant", () => {
    for (const spelling of ["https://API-A.example.com", "https://api-a.example.com:443/", "HTTPS://api-a.example.com//"]) {
      expect(diffConnector(olds, news, spelling)).toEqual({ changes: false, replaces: [] });
    }
    expect(diffConnector(olds, news, "https://api-a.example.com:8443").replaces).toEqual(["tenant.apiUrl"]);
    expect(canonicalApiUrl("https://API-A.example.com:443/")).toBe("https://api-a.example.com");
    expect(canonicalApiUrl("http://127.0.0.1:80/")).toBe("http://127.0.0.1");
    expect(sameApiUrl("http://127.0.0.1:8080", "http://127.0.0.1:8081")).toBe(false);
  });

  it("treats a field a preview cannot know as changed, and replaces if it is a replace-on-change one", () => {
    expect(diffConnector(olds, { ...news, region: UNKNOWN_VALUE }, undefined)).toEqual({ changes: true, replaces: [] });
    expect(diffConnector(olds, { ...news, registryType: UNKNOWN_VALUE as "CLOUD_HOSTED" }, undefined).replaces).toEqual(["registryType"]);
    expect(diffConnector(olds, news, "unknown").replaces).toEqual(["tenant.apiUrl"]);
  });

  it("treats absent and null alike, as the state may store either", () => {
    expect(diffConnector({ ...olds, brokerId: null } as unknown as ConnectorOutputs, news, undefined).changes).toBe(false);
  });
});

describe("importMismatches", () => {
  it("lists what differs, never the values of secrets, and ignores the credentials the API never returns", () => {
    const remote = fromWireConnector({ ...toWireConnector(fields), password: undefined, auth_token: undefined, region: "us-east-1", ca_certificate: "OTHER" });
    expect(importMismatches(fields, remote)).toEqual([
      'region: the tenant has "us-east-1", the program declares "eu-west-1"',
      "caCertificate differs",
    ]);
    expect(importMismatches(fields, fromWireConnector(toWireConnector(fields)))).toEqual([]);
  });
});
