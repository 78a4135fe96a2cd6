import AjvModule, { type AnySchema, type ValidateFunction } from 'ajv';
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
    return refusingNul(ajv.compile(schema as AnySchema));
  });
}

/** The JSON pointer of the first string (value or key) holding U+0000, if any. */
function nulAt(value: unknown, pointer = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? pointer : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key.includes('\u0000')) return at;
    const found = nulAt(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reached a query would fail it (a 500). It is
 * refused here, with the request's other validation errors, so that every route answers 400
 * in its own error format.
 */
function refusingNul(validate: ValidateFunction): ValidateFunction {
  const guarded = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    const valid = validate(data, context);
    const at = valid ? nulAt(data) : undefined;
    guarded.errors =
      at === undefined
        ? validate.errors
        : [
            {
              keyword: 'nul',
              instancePath: at,
              schemaPath: '#',
              params: {},
              message: 'must not contain U+0000',
            },
          ];
    return valid && at === undefined;
  }) as ValidateFunction;
  // Fastify hands Ajv functions (they have a schemaEnv) the parent object, so that defaults apply at the root.
  guarded.schemaEnv = validate.schemaEnv;
  guarded.schema = validate.schema;
  return guarded;
}
