import { describe, expect, it } from "vitest";
import { checkRegistrySettingsInputs } from "../../provider/compute/registrySettingsInputs";
import { UNKNOWN_VALUE } from "../../provider/validation/checkFailure";
import { decodeEntryFields } from "../../provider/compute/entryEncoding";

const ubuntu = { version: "2", registry: "", repository: "library/ubuntu", tag: "18.04", os: "linux", cap: 5 };
/** The entries as the SDK sends them: a map from name to the fields, encoded. */
const sent = (entries: Record<string, Record<string, unknown>>) =>
  Object.fromEntries(Object.entries(entries).map(([name, fields]) => [name, JSON.stringify(fields)]));

describe("checkRegistrySettingsInputs", () => {
  it("keys entries by name and applies defaults", () => {
    const { registry: _omitted, ...withoutRegistry } = ubuntu;
    const { inputs, failures } = checkRegistrySettingsInputs({ specifications: sent({ ubuntu: withoutRegistry }) });
    expect(failures).toEqual([]);
    expect(inputs.mode).toBe("managed");
    expect(inputs.scanLater).toBe(false);
    expect(inputs.releaseAdopted).toBe("restore");
    expect(Object.keys(inputs.specifications)).toEqual(["ubuntu"]);
    // The name is the key, not a field; the default registry is applied; keys are sorted.
    expect(inputs.specifications.ubuntu).toBe('{"cap":5,"os":"linux","registry":"","repository":"library/ubuntu","tag":"18.04","version":"2"}');
  });

  it("reports each problem with its property path and rule", () => {
    const { failures } = checkRegistrySettingsInputs({
      mode: "everything",
      specifications: sent({
        ubuntu: { ...ubuntu, os: "solaris", cap: -1, scanners: 1.5, jfrogRepoTypes: ["local", "cloud"], collections: "All" },
        gl: { version: "gitlab", registry: "gitlab.example.com" },
        "bad-version": { version: "docker" },
        typo: { version: "2", repositry: "x" },
        embedded: { version: "2", credential: { secret: "x" } },
      }),
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

  it("refuses two entries with one identity, and a name that is empty or reserved", () => {
    const { failures } = checkRegistrySettingsInputs({
      specifications: sent({
        ubuntu,
        "ubuntu-20": { ...ubuntu, tag: "20.04" },
        "ubuntu-again": ubuntu,
        " ": { version: "2", repository: "x" },
        "undeclared:x": { version: "2", repository: "y" },
        constructor: { version: "2", repository: "z" },
      }),
    });
    expect(failures.map((f) => f.property)).toEqual([
      "specifications[ubuntu-again]",
      "specifications[ ]",
      "specifications[undeclared:x]",
      "specifications[constructor]",
    ]);
    expect(failures[3].reason).toMatch(/"constructor" is a reserved name/);
    expect(failures[0].reason).toMatch(/same registry, repository, tag and OS .* as specifications\[ubuntu\]/);
    expect(failures[1].reason).toMatch(/non-empty name/);
    expect(failures[2].reason).toMatch(/reserved/);
  });

  it("refuses more entries than a console holds", () => {
    const entries = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`e${i}`, { version: "2", repository: `r${i}` }]));
    const { failures } = checkRegistrySettingsInputs({ specifications: sent(entries) });
    expect(failures).toEqual([{ property: "specifications", reason: expect.stringMatching(/declares 20000 entries; a console holds at most 19999/) }]);
    delete entries.e0;
    expect(checkRegistrySettingsInputs({ specifications: sent(entries) }).failures).toEqual([]);
  });

  it("does not judge again an entry that arrives exactly as the last check accepted it", () => {
    const accepted = checkRegistrySettingsInputs({ specifications: sent({ ubuntu }) }).inputs.specifications;
    const resent = checkRegistrySettingsInputs({ specifications: { ubuntu: accepted.ubuntu } }, accepted);
    expect(resent).toEqual({ inputs: expect.objectContaining({ specifications: accepted }), failures: [] });
    // The fast path is keyed on the exact text: anything else is judged in full.
    const changed = accepted.ubuntu.replace('"os":"linux"', '"os":"solaris"');
    expect(checkRegistrySettingsInputs({ specifications: { ubuntu: changed } }, accepted).failures.map((f) => f.property)).toEqual(["specifications[ubuntu].os"]);
  });

  it("leaves values a preview cannot know yet unjudged", () => {
    const { failures, inputs } = checkRegistrySettingsInputs({
      specifications: { ubuntu: JSON.stringify(ubuntu), later: UNKNOWN_VALUE },
      console: { url: UNKNOWN_VALUE, username: "admin" },
    });
    expect(failures).toEqual([]);
    // An entry not known yet keeps its name in the preview: names are the map's keys.
    expect(Object.keys(inputs.specifications)).toEqual(["ubuntu", "later"]);
    expect(inputs.specifications.later).toBe(UNKNOWN_VALUE);
  });
});

describe("decodeEntryFields", () => {
  it("reads entries as strings, with the name inside as earlier versions wrote them, and as the objects state held before entries were strings", () => {
    const fields = { version: "2", registry: "", repository: "library/ubuntu" };
    expect(decodeEntryFields(JSON.stringify({ ...fields, name: "ubuntu" }))).toEqual(fields);
    expect(decodeEntryFields(fields as never)).toEqual(fields);
  });
});
