/** Zod pieces shared by several tools' input and output schemas. */
import { z } from 'zod';

export const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ColumnMetaSchema = z.object({ name: z.string(), type: z.string() });

/**
 * Text the model writes that a person reads beside the exact SQL when approving (a reason, a
 * migration name): one line, so it cannot pose as more of the dialog (a fake "SQL:" block).
 */
export const OneLine = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^[^\r\n\u2028\u2029\u0085]*$/, 'one line only: no line breaks');
