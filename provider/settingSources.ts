/** Where one connection setting can come from, besides the resource's own argument. */
export interface SettingNames<Field extends string> {
  /** The resource argument that, when given, is the only source (e.g. `console`). */
  argument: string;
  stackConfig: Readonly<Record<Field, string>>;
  environment: Readonly<Record<Field, string>>;
}

export interface SettingLookup<Field extends string> {
  pick(field: Field): string | undefined;
  /** Undefined when every required field is set; else which are missing and where to set them. */
  missing(required: readonly Field[]): { fields: Field[]; where: string } | undefined;
}

/**
 * First found wins: the resource's own argument, then stack config, then the
 * environment. An argument that is given takes nothing from elsewhere, so one
 * console's or tenant's credentials are never sent to another.
 */
export function lookupSettings<Field extends string>(
  names: SettingNames<Field>,
  own: Partial<Record<Field, string | undefined>> | undefined,
  stackConfig: Record<string, string | undefined>,
  environment: Record<string, string | undefined>,
): SettingLookup<Field> {
  const fields = Object.keys(names.stackConfig) as Field[];
  const sources: Partial<Record<Field, string | undefined>>[] = own
    ? [own]
    : [
        Object.fromEntries(fields.map((f) => [f, stackConfig[names.stackConfig[f]]])) as Partial<Record<Field, string>>,
        Object.fromEntries(fields.map((f) => [f, environment[names.environment[f]]])) as Partial<Record<Field, string>>,
      ];
  const pick = (field: Field) => sources.map((s) => s[field]).find((v) => v !== undefined && v !== "");
  return {
    pick,
    missing(required) {
      const absent = required.filter((f) => !pick(f));
      if (absent.length === 0) return undefined;
      const where = own
        ? absent.map((f) => `${names.argument}.${f}`).join(", ")
        : absent.map((f) => `${names.stackConfig[f]} (or ${names.environment[f]})`).join(", ");
      return { fields: absent, where };
    },
  };
}
