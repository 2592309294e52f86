export { ErrorCode } from './errorCode.js';
export {
  AgoraError,
  BadUserInputError,
  ForbiddenError,
  NotFoundError,
  NotImplementedError,
  RateLimitedError,
  ServiceUnavailableError,
  UnauthenticatedError,
  UnreachableCaseError,
  invariant,
  isTimeoutError,
  withHttpStatus,
} from './errors.js';
export { MASKED_MESSAGE, maskError } from './masking.js';
export {
  checkTextLength,
  invalidInput,
  type InputProblem,
  type InvalidInputResult,
  type TextLimits,
} from './results.js';
