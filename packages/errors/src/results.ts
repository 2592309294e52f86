/**
 * The `InvalidInput` member of a result union: an argument was unusable and nothing was
 * written. Every subgraph that takes free-form input returns it the same way.
 */
export interface InvalidInputResult {
  __typename: 'InvalidInput';
  code: 'INVALID_INPUT';
  field: string;
  message: string;
}

export function invalidInput(field: string, message: string): InvalidInputResult {
  return { __typename: 'InvalidInput', code: 'INVALID_INPUT', field, message };
}

/** A problem with one input field, found by domain validation. */
export interface InputProblem {
  field: string;
  message: string;
}

export interface TextLimits {
  min: number;
  max: number;
}

/**
 * Checks a trimmed text's length against limits, naming the field and the actual length
 * in the message. Null when the text is fine.
 */
export function checkTextLength(field: string, label: string, value: string, limits: TextLimits): InputProblem | null {
  // PostgreSQL text cannot hold NUL; refuse it here rather than fail in SQL.
  if (value.includes('\0')) return { field, message: `${label} must not contain NUL characters.` };
  const length = [...value.trim()].length;
  if (length < limits.min) {
    return {
      field,
      message:
        limits.min === 1
          ? `${label} must not be empty.`
          : `${label} must be at least ${limits.min} characters long (got ${length}).`,
    };
  }
  if (length > limits.max) {
    return { field, message: `${label} must be at most ${limits.max} characters long (got ${length}).` };
  }
  return null;
}
