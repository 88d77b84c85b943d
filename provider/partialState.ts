import { z } from "zod";

const serializedProviderSchema = z.object({ __provider: z.string() });

/**
 * `properties` for a step that fails but leaves something behind (an error
 * with `id` and `properties`), carrying the serialized provider from the
 * step's inputs. The dynamic-provider host adds it to a successful result
 * itself but takes a failure's properties as they are, and without it the
 * next read or delete of the resource cannot load its provider.
 */
export function withSerializedProvider(properties: Record<string, unknown>, inputs: object): Record<string, unknown> {
  const parsed = serializedProviderSchema.safeParse(inputs);
  return parsed.success ? { ...properties, __provider: parsed.data.__provider } : properties;
}
