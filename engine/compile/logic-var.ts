/** Compiling `var`, `missing` and `missing_some`: reads of the data (plain objects or slots). */
import { logic } from '../logic/operations.ts';
import { varLookup } from './ops.ts';
import { evalAll, isPrimitive, type Node, type Scope } from './logic-node.ts';

export function compileVar(args: Node[], scope: Scope): Node {
  const name = args[0]?.constant?.value;
  // A dotted name is a path (json-logic-js), unless the scope has a slot of that name (`prev.KEY`).
  if (
    args.length <= 2 &&
    typeof name === 'string' &&
    name !== '' &&
    (!name.includes('.') || scope.slotOf?.(name) !== undefined)
  ) {
    const slot = scope.slotOf ? scope.slotOf(name) : undefined;
    const defNode = args[1];
    const defConst = defNode === undefined ? { value: undefined } : defNode.constant;
    if (defConst && !Array.isArray(defConst.value)) {
      const nf = defConst.value === undefined ? null : defConst.value;
      if (slot !== undefined)
        return {
          fn: (env) => {
            const v = env[slot];
            return v === undefined ? nf : v;
          },
          read: { slot, nf },
        };
      const view = scope.view;
      return {
        fn: (env) => {
          const data: any = view(env);
          if (data === null || data === undefined) return nf;
          const v = data[name];
          return v === undefined ? nf : v;
        },
      };
    }
    if (slot !== undefined) {
      const def = defNode.fn;
      return {
        fn: (env) => {
          const d = def(env);
          const v = env[slot];
          return v === undefined ? (d === undefined ? null : d) : v;
        },
      };
    }
  }
  const all = evalAll(args.map((a) => a.fn));
  const view = scope.view;
  return {
    fn: (env) => {
      const v = all(env);
      return varLookup(view(env), v[0], v[1]);
    },
  };
}

/** The value of `{"var": key}` for a key computed at run time (json-logic-js applies that object). */
export function varOfKey(key: unknown, env: any, scope: Scope): unknown {
  if (isPrimitive(key)) {
    if (
      typeof key === 'string' &&
      scope.slotOf &&
      key !== '' &&
      (!key.includes('.') || scope.slotOf(key) !== undefined)
    ) {
      const slot = scope.slotOf(key);
      if (slot !== undefined) {
        const v = env[slot];
        return v === undefined ? null : v;
      }
    }
    return varLookup(scope.view(env), key, undefined);
  }
  return logic.apply({ var: key } as never, scope.view(env));
}

export function missingOf(values: unknown[], env: any, scope: Scope): unknown[] {
  const missing: unknown[] = [];
  const keys = Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const value = varOfKey(key, env, scope);
    if (value === null || value === '') missing.push(key);
  }
  return missing;
}

export function compileMissing(args: Node[], scope: Scope): Node {
  const all = evalAll(args.map((a) => a.fn));
  return { fn: (env) => missingOf(all(env), env, scope) };
}

export function compileMissingSome(args: Node[], scope: Scope): Node {
  const all = evalAll(args.map((a) => a.fn));
  return {
    fn: (env) => {
      const v = all(env);
      const needCount: any = v[0];
      const options: any = v[1];
      let areMissing: unknown[];
      // json-logic-js applies {"missing": options}: the options are evaluated again as logic.
      if (Array.isArray(options) && options.every(isPrimitive)) areMissing = missingOf(options, env, scope);
      else if (isPrimitive(options)) areMissing = missingOf([options], env, scope);
      else areMissing = logic.apply({ missing: options } as never, scope.view(env)) as unknown[];
      if (options.length - areMissing.length >= needCount) return [];
      return areMissing;
    },
  };
}
