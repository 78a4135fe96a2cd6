import AjvModule, { type AnySchema, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * Request validation with two Ajv instances. Query strings, params and headers arrive as strings
 * and are coerced (`limit=10` → 10); JSON bodies are not: with coercion `0`, `false` or `""`
 * would silently become `null` — "no expiry" for a token. Unknown body properties are refused,
 * not stripped, so that a typo is an error instead of a silent no-op.
 */
// Both are CommonJS modules whose ESM default export is module.exports; `.default` is the class.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule.default;

export const validators = fp(
  async (app: FastifyInstance) => {
    // `verbose` hands the error handler each failing schema, so that messages can name what is allowed.
    const common = {
      removeAdditional: false,
      useDefaults: true,
      allErrors: false,
      strict: false,
      verbose: true,
    } as const;
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
      const validate = refusingNul(ajv.compile(schema as AnySchema), httpPart);
      return httpPart === 'querystring' ? withQuerySpellings(validate, schema) : validate;
    });
  },
  { name: 'validators' },
);

/** The spellings a boolean query parameter accepts, in any letter case (ADR 0015). */
export const QUERY_TRUE = ['true', '1'] as const;
export const QUERY_FALSE = ['false', '0'] as const;

/**
 * Query parameters on every route read the same way (ADR 0015): a boolean accepts `true`/`false`
 * in any letter case and `1`/`0`; a list accepts repeated parameters and comma-separated values
 * (`tag=a&tag=b` or `tag=a,b`). Anything else is 400 naming the allowed spellings.
 */
function withQuerySpellings(validate: ValidateFunction, schema: unknown): ValidateFunction {
  const properties = ((schema as { properties?: Record<string, { type?: unknown }> }).properties ??
    {}) as Record<string, { type?: unknown }>;
  const booleans = Object.keys(properties).filter((name) => properties[name]?.type === 'boolean');
  const lists = Object.keys(properties).filter((name) => properties[name]?.type === 'array');
  if (booleans.length === 0 && lists.length === 0) return validate;
  const normalized = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    if (data && typeof data === 'object') {
      const query = data as Record<string, unknown>;
      for (const name of booleans) {
        const value = query[name];
        if (typeof value !== 'string') continue;
        const spelled = value.toLowerCase();
        if ((QUERY_TRUE as readonly string[]).includes(spelled)) query[name] = true;
        else if ((QUERY_FALSE as readonly string[]).includes(spelled)) query[name] = false;
        else {
          normalized.errors = [
            {
              keyword: 'enum',
              instancePath: `/${name}`,
              schemaPath: '#',
              params: {},
              message: `must be one of ${[...QUERY_TRUE, ...QUERY_FALSE].join(', ')}`,
            },
          ];
          return false;
        }
      }
      for (const name of lists) {
        const value = query[name];
        const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
        if (items)
          query[name] = items.flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
      }
    }
    const valid = validate(data, context);
    normalized.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  normalized.schemaEnv = validate.schemaEnv;
  normalized.schema = validate.schema;
  return normalized;
}

/**
 * The JSON pointer of the first string (value or key) holding U+0000, if any. Iterative with an
 * explicit stack: a deeply nested open-schema body must not be able to exhaust the call stack.
 */
export function nulAt(root: unknown): string | undefined {
  // Nearly every request has no U+0000 anywhere: find that out without building a single pointer.
  if (!hasNul(root)) return undefined;
  const pending: Array<{ value: unknown; pointer: string }> = [{ value: root, pointer: '' }];
  while (pending.length > 0) {
    const { value, pointer } = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return pointer;
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    const entries = Object.entries(value);
    // Pushed in reverse so that members are visited in document order.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, item] = entries[i]!;
      const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (key.includes('\u0000')) return at;
      pending.push({ value: item, pointer: at });
    }
  }
  return undefined;
}

/** Whether any string (value or key) in `root` holds U+0000; iterative, allocation-light. */
function hasNul(root: unknown): boolean {
  if (typeof root === 'string') return root.includes('\u0000');
  if (root === null || typeof root !== 'object') return false;
  const pending: object[] = [root];
  while (pending.length > 0) {
    const value = pending.pop()!;
    if (Array.isArray(value)) {
      for (const item of value) {
        if (typeof item === 'string') {
          if (item.includes('\u0000')) return true;
        } else if (item !== null && typeof item === 'object') pending.push(item);
      }
      continue;
    }
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (key.includes('\u0000')) return true;
      const item = (value as Record<string, unknown>)[key];
      if (typeof item === 'string') {
        if (item.includes('\u0000')) return true;
      } else if (item !== null && typeof item === 'object') pending.push(item);
    }
  }
  return false;
}

/** Fastify validates a missing body as null; only the request itself tells it from a JSON `null`. */
function isAbsent(data: unknown, context: Parameters<ValidateFunction>[1]): boolean {
  if (data === undefined) return true;
  if (data !== null || !context?.parentData) return false;
  return (context.parentData as Record<string, unknown>)[String(context.parentDataProperty)] === undefined;
}

/**
 * PostgreSQL text cannot hold U+0000: a NUL that reached a query would fail it (a 500). It is
 * refused here, with the request's other validation errors, so that every route answers 400
 * in its own error format.
 */
function refusingNul(validate: ValidateFunction, httpPart: string | undefined): ValidateFunction {
  const guarded = ((data: unknown, context?: Parameters<ValidateFunction>[1]) => {
    const valid = validate(data, context);
    const at = valid ? nulAt(data) : undefined;
    guarded.errors =
      at === undefined
        ? !valid && httpPart === 'body' && isAbsent(data, context)
          ? // No body, or an empty one (ADR 0015): say so rather than "must be object".
            [
              {
                keyword: 'required',
                instancePath: '',
                schemaPath: '#',
                params: {},
                message: 'a JSON body is required',
              },
            ]
          : validate.errors
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
