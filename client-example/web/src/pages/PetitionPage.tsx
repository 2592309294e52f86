import { useMutation, useQuery } from '@apollo/client/react';
import { useState } from 'react';
import { LiveCount } from '../components/LiveCount.js';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { PETITION, SIGN } from '../operations.js';
import { useSession } from '../session.js';

export function PetitionPage({ id }: { id: string }) {
  const { token } = useSession();
  const { data, loading, error } = useQuery(PETITION, { variables: { id } });
  const [sign, { loading: signing }] = useMutation(SIGN);
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);

  if (loading && data === undefined) return <p>Loading the petition…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">The petition could not be loaded: {error.message}</p>;
  const petition = data?.petition;
  if (petition === null || petition === undefined) return <p role="alert">No petition has this id.</p>;

  async function onSign() {
    try {
      const { data: answer } = await sign({ variables: { id } });
      const result = answer?.signPetition;
      if (result?.__typename === 'Signature') {
        setOutcome({ ok: true, text: `Signed. You are signature number ${result.signatureCount}.` });
      } else {
        setOutcome({ ok: false, text: result?.message ?? 'The signature was not taken.' });
      }
    } catch (problem) {
      // Rate limits and expired sessions come as errors, with a sentence to show.
      setOutcome({ ok: false, text: errorText(problem) });
    }
  }

  return (
    <article aria-labelledby="petition-title">
      <h1 id="petition-title">{petition.title}</h1>
      <p className="meta">
        By {petition.creator.name} · {petition.status.toLowerCase()} · <LiveCount petitionId={petition.id} />
      </p>
      <p className="body">{petition.body}</p>
      {token === null ? (
        <p>
          <a href="#/login">Log in</a> or <a href="#/register">register</a> to sign.
        </p>
      ) : petition.viewerHasSigned ? (
        <p>You have signed this petition.</p>
      ) : (
        <button type="button" onClick={() => void onSign()} disabled={signing || petition.status !== 'OPEN'}>
          {petition.status === 'OPEN'
            ? 'Sign this petition'
            : petition.status === 'CREATED'
              ? 'Not open for signatures yet'
              : 'Closed to signatures'}
        </button>
      )}
      <Outcome message={outcome} />
    </article>
  );
}
