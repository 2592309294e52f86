// What the last action did, in plain words, announced to screen readers as it changes.
export interface OutcomeMessage {
  ok: boolean;
  text: string;
}

export function Outcome({ message }: { message: OutcomeMessage | null }) {
  return (
    <p
      role="status"
      aria-live="polite"
      className={message === null ? 'outcome' : message.ok ? 'outcome ok' : 'outcome problem'}
    >
      {message?.text ?? ''}
    </p>
  );
}

/** A refusal that came as a GraphQL error (rate limited, signed out, …) in words. */
export function errorText(error: unknown): string {
  const graphQLErrors = (error as { errors?: { message: string }[] } | null)?.errors;
  if (Array.isArray(graphQLErrors) && graphQLErrors.length > 0) return graphQLErrors.map((e) => e.message).join(' ');
  return error instanceof Error ? error.message : 'Something went wrong; please try again.';
}
