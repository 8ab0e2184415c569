import { describe, expect, it } from 'vitest';
import { HTTPException } from 'hono/http-exception';
import { ApiError, classify, handleError, problemBody } from './problem.ts';
import { ConflictError, ImmutableError, NotFoundError, ValidationError } from './db/errors.ts';
import { InvalidDocumentError } from '../engine/index.ts';
import { AppealError } from './db/appeals.ts';
import { IntegrityError, SamePersonError } from './trust/errors.ts';

describe('problem+json', () => {
  it('builds RFC 9457 bodies with the code in the type URI', () => {
    const body = problemBody(422, 'invalid_body', 'bad', [{ path: '/x', code: 'wrong_type', message: 'm' }], {
      current: 1,
    });
    expect(body).toEqual({
      type: 'https://ecoscore/problems/invalid_body',
      title: 'Unprocessable Content',
      status: 422,
      detail: 'bad',
      code: 'invalid_body',
      errors: [{ path: '/x', code: 'wrong_type', message: 'm' }],
      current: 1,
    });
  });

  it('maps the store and engine errors to their status, keeping problems and current', () => {
    const table: [unknown, number, string][] = [
      [new NotFoundError('version', 7), 404, 'not_found'],
      [new ConflictError('stale', { id: 1 }, 'stale_revision'), 409, 'stale_revision'],
      [new ImmutableError('immutable: published'), 409, 'immutable'],
      [
        new ValidationError(
          'bad data',
          [{ path: '/regions/0/code', code: 'unknown_region', message: 'm', row: 2, column: 'code (A)' }],
          'invalid_data',
        ),
        422,
        'invalid_data',
      ],
      [
        new InvalidDocumentError([{ path: '/maxScore', code: 'points_mismatch', message: 'm' }]),
        422,
        'invalid_document',
      ],
      [new SamePersonError('same'), 403, 'same_person'],
      [new IntegrityError('rule_versions', 3, 'hash_mismatch', 'changed'), 500, 'integrity'],
      [new AppealError(415, 'unsupported_type', 'gif'), 415, 'unsupported_type'],
      [new HTTPException(413, { message: 'too big' }), 413, 'http_413'],
      [new ApiError(428, 'if_match_required', 'x'), 428, 'if_match_required'],
      [
        Object.assign(new Error('UNIQUE constraint failed'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }),
        409,
        'constraint_violation',
      ],
    ];
    for (const [err, status, code] of table) {
      const mapped = classify(err);
      expect(mapped?.status, code).toBe(status);
      expect(mapped?.code).toBe(code);
    }
    expect(classify(new ConflictError('stale', { id: 1 }, 'stale_revision'))?.extra.current).toEqual({
      id: 1,
    });
    expect(
      classify(new ValidationError('v', [{ path: '/a', code: 'c', message: 'm', row: 3, column: 'B' }]))
        ?.errors,
    ).toEqual([{ path: '/a', code: 'c', message: 'm', row: 3, column: 'B' }]);
    expect(classify(new TypeError('boom'))).toBeUndefined();
    // By class, not by name: an error that only calls itself a store error stays unknown (a 500).
    const impostor = Object.assign(new Error('x'), { name: 'NotFoundError', status: 404, code: 'not_found' });
    expect(classify(impostor)).toBeUndefined();
    expect(classify({ name: 'ValidationError', message: 'x' })).toBeUndefined();
  });

  it('answers unknown errors with a 500 that does not leak the message, and logs the stack', async () => {
    const lines: string[] = [];
    const handler = handleError((l) => lines.push(l));
    const fakeCtx = { req: { method: 'GET', path: '/api/x' } } as never;
    const res = handler(new Error('secret internals'), fakeCtx);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const text = await res.text();
    expect(text).not.toContain('secret');
    expect(lines.join('\n')).toContain('secret internals');
  });
});
