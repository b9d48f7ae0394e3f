/** Zod pieces shared by several tools' input and output schemas. */
import { z } from 'zod';

export const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const ColumnMetaSchema = z.object({ name: z.string(), type: z.string() });
