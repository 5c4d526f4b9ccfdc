// Tiny runtime validators for what crosses IPC. The main process cannot trust the renderer (a
// compromised page can send anything), so every request is checked against its declared shape before
// a handler sees it. Hand-written and dependency-free: shared/ is pure TypeScript.

/** Thrown with the path of the first offending value (`request.images[2]`). */
export class ValidationError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`${path} ${message}`);
    this.name = 'ValidationError';
    this.path = path;
  }
}

export type Validator<T> = (value: unknown, path: string) => T;

const describe = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;

export function string(options: { min?: number; max?: number; pattern?: RegExp } = {}): Validator<string> {
  const max = options.max ?? 4096;
  return (value, path) => {
    if (typeof value !== 'string')
      throw new ValidationError(path, `must be a string, not ${describe(value)}`);
    if (value.length < (options.min ?? 0)) throw new ValidationError(path, 'must not be empty');
    if (value.length > max) throw new ValidationError(path, `must be at most ${max} characters`);
    if (value.includes('\0')) throw new ValidationError(path, 'must not contain NUL characters');
    if (options.pattern && !options.pattern.test(value))
      throw new ValidationError(path, `has an unexpected form`);
    return value;
  };
}

export const boolean: Validator<boolean> = (value, path) => {
  if (typeof value !== 'boolean')
    throw new ValidationError(path, `must be true or false, not ${describe(value)}`);
  return value;
};

export function integer(options: { min?: number; max?: number } = {}): Validator<number> {
  const min = options.min ?? 0;
  const max = options.max ?? Number.MAX_SAFE_INTEGER;
  return (value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      throw new ValidationError(path, `must be a whole number, not ${describe(value)}`);
    if (value < min || value > max) throw new ValidationError(path, `must be from ${min} to ${max}`);
    return value;
  };
}

export function oneOf<const T extends readonly string[]>(values: T): Validator<T[number]> {
  return (value, path) => {
    if (typeof value !== 'string' || !values.includes(value))
      throw new ValidationError(path, `must be one of ${values.join(', ')}`);
    return value;
  };
}

export function array<T>(item: Validator<T>, options: { max?: number; min?: number } = {}): Validator<T[]> {
  const max = options.max ?? 10_000;
  return (value, path) => {
    if (!Array.isArray(value)) throw new ValidationError(path, `must be a list, not ${describe(value)}`);
    if (value.length > max) throw new ValidationError(path, `must hold at most ${max} entries`);
    if (value.length < (options.min ?? 0))
      throw new ValidationError(path, `must hold at least ${options.min} entries`);
    return value.map((v, i) => item(v, `${path}[${i}]`));
  };
}

/** Marks an object member that may be absent (or undefined). */
export interface Optional<T> {
  optional: Validator<T>;
}
export const optional = <T>(validator: Validator<T>): Optional<T> => ({ optional: validator });

type Shape = Record<string, Validator<unknown> | Optional<unknown>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends Optional<unknown> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;
type Out<V> = V extends Optional<infer T> ? T : V extends Validator<infer T> ? T : never;
export type ShapeOf<S extends Shape> = { [K in RequiredKeys<S>]: Out<S[K]> } & {
  [K in OptionalKeys<S>]?: Out<S[K]>;
};

/** A plain object with exactly these members: unknown members are refused, not silently dropped. */
export function object<S extends Shape>(shape: S): Validator<ShapeOf<S>> {
  return (value, path) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new ValidationError(path, `must be an object, not ${describe(value)}`);
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new ValidationError(path, 'must be a plain object');
    const input = value as Record<string, unknown>;
    for (const key of Object.keys(input)) {
      if (!Object.hasOwn(shape, key)) throw new ValidationError(`${path}.${key}`, 'is not expected here');
    }
    const out: Record<string, unknown> = {};
    for (const [key, rule] of Object.entries(shape)) {
      const v = input[key];
      if (typeof rule === 'function') out[key] = rule(v, `${path}.${key}`);
      else if (v !== undefined) out[key] = rule.optional(v, `${path}.${key}`);
    }
    return out as ShapeOf<S>;
  };
}

/** One of several object shapes, told apart by the string member `key`. */
export function variant<K extends string, M extends Record<string, Validator<unknown>>>(
  key: K,
  members: M,
): Validator<{ [T in keyof M]: ReturnType<M[T]> }[keyof M]> {
  return (value, path) => {
    const tag = (value as Record<string, unknown> | null)?.[key];
    const rule = typeof tag === 'string' && Object.hasOwn(members, tag) ? members[tag] : undefined;
    if (!rule)
      throw new ValidationError(`${path}.${key}`, `must be one of ${Object.keys(members).join(', ')}`);
    return rule(value, path) as { [T in keyof M]: ReturnType<M[T]> }[keyof M];
  };
}
