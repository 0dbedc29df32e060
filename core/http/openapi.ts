import type { z } from "@hono/zod-openapi";

/** An OpenAPI response whose body is JSON of this schema. */
export const jsonResponse = (schema: z.ZodType, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/** An OpenAPI request whose required body is JSON of this schema (validated before the handler runs). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  body: { content: { "application/json": { schema } }, required: true },
});
