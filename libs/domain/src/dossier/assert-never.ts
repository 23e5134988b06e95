/** Exhaustiveness guard for switches over discriminated unions: fails to compile if a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
