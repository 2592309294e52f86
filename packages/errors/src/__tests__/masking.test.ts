import { ErrorCode, MASKED_MESSAGE, maskError } from '../index.js';

describe('maskError', () => {
  const leaky = {
    message: 'request to http://10.0.0.7:4003/graphql failed, reason: connect ECONNREFUSED',
    extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['Error: at fetch (node:internal)'] },
  };

  it('should replace an unknown error with a bare internal error when in production', () => {
    expect(maskError(leaky, { production: true })).toEqual({
      message: MASKED_MESSAGE,
      extensions: { code: ErrorCode.InternalServerError },
    });
  });

  it('should keep the message but drop the stack trace when in development', () => {
    const masked = maskError(leaky, { production: false });
    expect(masked.message).toBe(leaky.message);
    expect(masked.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('should keep a deliberate error and its extensions when in production', () => {
    const error = {
      message: 'Too many attempts.',
      path: ['login'],
      extensions: { code: ErrorCode.RateLimited, retryAfter: 30, stacktrace: ['x'] },
    };
    expect(maskError(error, { production: true })).toEqual({
      message: 'Too many attempts.',
      path: ['login'],
      extensions: { code: ErrorCode.RateLimited, retryAfter: 30 },
    });
  });

  it('should keep a validation error from the request itself when in production', () => {
    const error = {
      message: 'Cannot query field "x" on type "Query".',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    };
    expect(maskError(error, { production: true })).toEqual(error);
  });

  it('should mask an error that has no code when in production', () => {
    expect(maskError({ message: 'relation "users" does not exist' }, { production: true }).message).toBe(
      MASKED_MESSAGE,
    );
  });
});
