/**
 * The errors of four eyes and tamper evidence. Both extend the store's StoreError, so the API's one
 * error handler answers them as problems: `same_person` (403) and `integrity` (500).
 */
import { StoreError } from '../db/errors.ts';

/** The requester of a publication tried to approve it (four eyes: 403 `same_person`). */
export class SamePersonError extends StoreError {
  readonly code = 'same_person';
  readonly status = 403;
  constructor(message: string) {
    super(message, [{ path: '', code: 'same_person', message }]);
  }
}

/**
 * What the database holds no longer matches its hash, signature or audit entry (500 `integrity`).
 * Never caught to serve the data anyway; the API records an `integrity.violation` audit entry.
 */
export class IntegrityError extends StoreError {
  readonly code = 'integrity';
  readonly status = 500;
  constructor(
    readonly table: string,
    readonly id: string | number,
    readonly problem: string,
    message: string,
  ) {
    super(message, [{ path: `/${table}/${id}`, code: problem, message }]);
  }
}
