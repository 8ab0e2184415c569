/**
 * The SMT solver (z3-solver, WASM), loaded once per process on first use. Node only: the editor
 * never imports this directory (engine/health/index.ts does not re-export it), so the browser
 * bundle does not carry the solver.
 */
import type { Context } from 'z3-solver';

export type Z3 = Context<'ecoscore'>;

let loading: Promise<Z3> | null = null;

/** The shared z3 context (the first call loads the WASM module: about half a second). */
export function z3(): Promise<Z3> {
  loading ??= (async () => {
    const { init } = await import('z3-solver');
    const { Context } = await init();
    return Context('ecoscore');
  })();
  return loading;
}

/** A finite double as the exact rational it is (numerator / 2^k), for the solver. */
export function exactRational(x: number): { numerator: bigint; denominator: bigint } {
  if (!Number.isFinite(x)) throw new RangeError('not a finite number');
  if (Number.isInteger(x) && Math.abs(x) <= Number.MAX_SAFE_INTEGER)
    return { numerator: BigInt(x), denominator: 1n };
  let den = 1n;
  let v = x;
  // Doubling is exact: after at most 1074 steps the value is an integer.
  while (!Number.isInteger(v)) {
    v *= 2;
    den *= 2n;
  }
  return { numerator: BigInt(v), denominator: den };
}

/**
 * A solver's answer within `ms` at most: the solver's own `timeout` is not always honoured
 * promptly, so past the time the context is interrupted and the answer is 'unknown'.
 */
export async function within(
  Z: Z3,
  ms: number,
  check: () => Promise<'sat' | 'unsat' | 'unknown'>,
): Promise<'sat' | 'unsat' | 'unknown'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'unknown'>((resolve) => {
    timer = setTimeout(() => {
      Z.interrupt();
      resolve('unknown');
    }, ms + 50);
  });
  try {
    return await Promise.race([check(), late]);
  } finally {
    clearTimeout(timer);
  }
}
