import { describe, expect, it } from "vitest";
import { checkRegistrySettingsInputs } from "../../provider/compute/registrySettingsInputs";
import { UNKNOWN_VALUE } from "../../provider/validation/checkFailure";
import { decodeEntryFields } from "../../provider/compute/entryEncoding";

const ubuntu = { name: "ubuntu", version: "2", registry: "", repository: "library/ubuntu", tag: "18.04", os: "linux", cap: 5 };

describe("checkRegistrySettingsInputs", () => {
  it("keys entries by name and applies defaults", () => {
    const { inputs, failures } = checkRegistrySettingsInputs({ specifications: [ubuntu] });
    expect(failures).toEqual([]);
    expect(inputs.mode).toBe("managed");
    expect(inputs.scanLater).toBe(false);
    expect(Object.keys(inputs.specifications)).toEqual(["ubuntu"]);
    expect(JSON.parse(inputs.specifications.ubuntu)).toEqual({
      name: "ubuntu", version: "2", registry: "", repository: "library/ubuntu", tag: "18.04", os: "linux", cap: 5,
    });
  });

  it("reports each problem with its property path and rule", () => {
    const { failures } = checkRegistrySettingsInputs({
      mode: "everything",
      specifications: [
        { ...ubuntu, os: "solaris", cap: -1, scanners: 1.5, jfrogRepoTypes: ["local", "cloud"], collections: "All" },
        { name: "gl", version: "gitlab", registry: "gitlab.example.com" },
        { name: "bad-version", version: "docker" },
        { name: "typo", version: "2", repositry: "x" },
        { name: "embedded", version: "2", credential: { secret: "x" } },
      ],
    });
    const byPath = Object.fromEntries(failures.map((f) => [f.property, f.reason]));
    expect(byPath["mode"]).toMatch(/must be one of "managed", "authoritative"/);
    expect(byPath["specifications[ubuntu].os"]).toMatch(/must be one of .*"linux".*not "solaris"/);
    expect(byPath["specifications[ubuntu].cap"]).toMatch(/must not be negative/);
    expect(byPath["specifications[ubuntu].scanners"]).toMatch(/must be an integer/);
    expect(byPath["specifications[ubuntu].jfrogRepoTypes[1]"]).toMatch(/"local", "remote", "virtual"/);
    expect(byPath["specifications[ubuntu].collections"]).toMatch(/must be an array/);
    expect(byPath["specifications[gl].gitlabRegistrySpec"]).toMatch(/required for version "gitlab"/);
    expect(byPath["specifications[bad-version].version"]).toMatch(/"aws".*"sonatype"/);
    expect(byPath["specifications[typo].repositry"]).toMatch(/not a known field/);
    expect(byPath["specifications[embedded].credential"]).toMatch(/credentialId/);
  });

  it("refuses two entries with one name, and two with one identity", () => {
    const { failures } = checkRegistrySettingsInputs({
      specifications: [ubuntu, { ...ubuntu, tag: "20.04" }, { ...ubuntu, name: "ubuntu-again" }],
    });
    expect(failures.map((f) => f.property)).toEqual(["specifications[ubuntu]", "specifications[ubuntu-again]"]);
    expect(failures[0].reason).toMatch(/declared twice/);
    expect(failures[1].reason).toMatch(/same registry, repository, tag and OS .* as specifications\[ubuntu\]/);
  });

  it("refuses more entries than a console holds", () => {
    const specifications = Array.from({ length: 20_000 }, (_, i) => ({ name: `e${i}`, version: "2", repository: `r${i}` }));
    const { failures } = checkRegistrySettingsInputs({ specifications });
    expect(failures).toEqual([{ property: "specifications", reason: expect.stringMatching(/declares 20000 entries; a console holds at most 19999/) }]);
    expect(checkRegistrySettingsInputs({ specifications: specifications.slice(1) }).failures).toEqual([]);
  });

  it("does not judge again an entry that arrives exactly as the last check accepted it", () => {
    const accepted = checkRegistrySettingsInputs({ specifications: [ubuntu] }).inputs.specifications;
    const resent = checkRegistrySettingsInputs({ specifications: [accepted.ubuntu] }, accepted);
    expect(resent).toEqual({ inputs: expect.objectContaining({ specifications: accepted }), failures: [] });
    // The fast path is keyed on the exact text: anything else is judged in full.
    const changed = accepted.ubuntu.replace('"os":"linux"', '"os":"solaris"');
    expect(checkRegistrySettingsInputs({ specifications: [changed] }, accepted).failures.map((f) => f.property)).toEqual(["specifications[ubuntu].os"]);
  });

  it("leaves values a preview cannot know yet unjudged", () => {
    const { failures, inputs } = checkRegistrySettingsInputs({
      specifications: [JSON.stringify(ubuntu), UNKNOWN_VALUE],
      console: { url: UNKNOWN_VALUE, username: "admin" },
    });
    expect(failures).toEqual([]);
    expect(Object.keys(inputs.specifications)).toEqual(["ubuntu", "(not known yet) #1"]);
    expect(inputs.specifications["(not known yet) #1"]).toBe(UNKNOWN_VALUE);
    // With the names the SDK sends alongside, an entry not known yet keeps its name in the preview.
    const named = checkRegistrySettingsInputs({ specifications: [JSON.stringify(ubuntu), UNKNOWN_VALUE], specificationNames: ["ubuntu", "later"] });
    expect(Object.keys(named.inputs.specifications)).toEqual(["ubuntu", "later"]);
    expect(named.inputs).not.toHaveProperty("specificationNames");
  });
});

describe("decodeEntryFields", () => {
  it("reads entries as strings, and as the objects state held before entries were strings", () => {
    const fields = { version: "2", registry: "", repository: "library/ubuntu" };
    expect(decodeEntryFields(JSON.stringify({ ...fields, name: "ubuntu" }))).toEqual(fields);
    expect(decodeEntryFields(fields as never)).toEqual(fields);
  });
});
