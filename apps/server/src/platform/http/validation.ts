import AjvModule, { type AnySchema } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';

/**
 * Request validation with two Ajv instances. Query strings, params and headers arrive as strings
 * and are coerced (`limit=10` → 10); JSON bodies are not: with coercion `0`, `false` or `""`
 * would silently become `null` — "no expiry" for a token. Unknown body properties are refused,
 * not stripped, so that a typo is an error instead of a silent no-op.
 */
// Both are CommonJS modules whose ESM default export is module.exports; `.default` is the class.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export function installValidators(app: FastifyInstance) {
  const common = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false } as const;
  const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false }));
  const stringPartsAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array' }));

  const added = new Set<string>();

  app.setValidatorCompiler(({ schema, httpPart }) => {
    // Shared schemas ($id) registered with app.addSchema must be known to both instances.
    for (const [id, shared] of Object.entries(app.getSchemas())) {
      if (added.has(id)) continue;
      bodyAjv.addSchema(shared as AnySchema, id);
      stringPartsAjv.addSchema(shared as AnySchema, id);
      added.add(id);
    }
    const ajv = httpPart === 'body' ? bodyAjv : stringPartsAjv;
    return ajv.compile(schema as AnySchema);
  });
}
