/** A JSON-logic formula: a literal, an array of formulas, or a one-key operation object. */
export type JsonLogic = null | boolean | number | string | JsonLogic[] | { [operation: string]: unknown };
