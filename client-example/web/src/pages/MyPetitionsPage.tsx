import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { count } from '../format.js';
import {
  CLOSE_PETITION,
  CREATE_PETITION,
  LAUNCH_PETITION,
  MY_PETITIONS,
  UPDATE_PETITION,
  type MyPetition,
} from '../operations.js';

/** What a petition mutation answered, in words. */
function describe(result: { __typename: string; message?: string } | undefined, done: string): OutcomeMessage {
  return result?.__typename === 'Petition'
    ? { ok: true, text: done }
    : { ok: false, text: result?.message ?? 'That did not work.' };
}

export function MyPetitionsPage() {
  const { data, loading, error } = useQuery(MY_PETITIONS);
  const refetch = { refetchQueries: ['MyPetitions', 'OpenPetitions'] };
  const [create] = useMutation(CREATE_PETITION, refetch);
  const [launch] = useMutation(LAUNCH_PETITION, refetch);
  const [close] = useMutation(CLOSE_PETITION, refetch);
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);
  /** One change at a time: buttons wait while one is sent, so one press acts once. */
  const [busy, setBusy] = useState(false);

  async function attempt(action: () => Promise<OutcomeMessage>) {
    setBusy(true);
    try {
      setOutcome(await action());
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    } finally {
      setBusy(false);
    }
  }

  async function onCreate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const input = { title: String(form.get('title')), body: String(form.get('body')) };
    await attempt(async () => {
      const result = (await create({ variables: { input } })).data?.createPetition;
      if (result?.__typename === 'Petition') formElement.reset();
      return describe(result, `Draft "${input.title}" saved. Launch it when it is ready.`);
    });
  }

  if (loading && data === undefined) return <p>Loading your petitions…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">Your petitions could not be loaded: {error.message}</p>;
  if (data?.me === null) return <p>Log in to see your petitions.</p>;
  const petitions = data?.me?.petitions ?? [];
  return (
    <section aria-labelledby="my-petitions">
      <h1 id="my-petitions">My petitions</h1>
      <Outcome message={outcome} />
      <ul className="list">
        {petitions.map((petition) => (
          <li key={petition.id}>
            <MyPetitionRow
              petition={petition}
              busy={busy}
              onLaunch={() =>
                attempt(async () =>
                  describe(
                    (await launch({ variables: { id: petition.id } })).data?.launchPetition,
                    `"${petition.title}" is open for signatures.`,
                  ),
                )
              }
              onClose={() =>
                attempt(async () =>
                  describe(
                    (await close({ variables: { id: petition.id } })).data?.closePetition,
                    `"${petition.title}" is closed.`,
                  ),
                )
              }
              onSaved={setOutcome}
            />
          </li>
        ))}
      </ul>
      <h2 id="start-petition">Start a petition</h2>
      <form className="form" aria-labelledby="start-petition" onSubmit={(event) => void onCreate(event)}>
        <label>
          Title
          <input name="title" required maxLength={200} />
        </label>
        <label>
          What it asks for
          <textarea name="body" required rows={4} />
        </label>
        <button type="submit" disabled={busy}>
          Save as draft
        </button>
      </form>
    </section>
  );
}

function MyPetitionRow(props: {
  petition: MyPetition;
  busy: boolean;
  onLaunch(): Promise<void>;
  onClose(): Promise<void>;
  onSaved(outcome: OutcomeMessage): void;
}) {
  const { petition } = props;
  const [editing, setEditing] = useState(false);
  const [update, { loading: saving }] = useMutation(UPDATE_PETITION);

  async function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { title: String(form.get('title')), body: String(form.get('body')) };
    try {
      const result = (await update({ variables: { id: petition.id, input } })).data?.updatePetition;
      props.onSaved(describe(result, `Draft "${input.title}" saved.`));
      if (result?.__typename === 'Petition') setEditing(false);
    } catch (problem) {
      props.onSaved({ ok: false, text: errorText(problem) });
    }
  }

  if (editing) {
    return (
      <form className="form" onSubmit={(event) => void onSave(event)} aria-label={`Edit ${petition.title}`}>
        <label>
          Title
          <input name="title" defaultValue={petition.title} required maxLength={200} />
        </label>
        <label>
          What it asks for
          <textarea name="body" defaultValue={petition.body} required rows={4} />
        </label>
        <button type="submit" disabled={saving}>
          Save
        </button>{' '}
        <button type="button" onClick={() => setEditing(false)}>
          Cancel
        </button>
      </form>
    );
  }
  return (
    <>
      <a href={`#/petitions/${petition.id}`}>{petition.title}</a>{' '}
      <span className="meta">
        {petition.status === 'CREATED' ? 'draft' : petition.status.toLowerCase()} ·{' '}
        {count(petition.signatureCount, 'signature', 'signatures')}
      </span>{' '}
      {petition.status === 'CREATED' && (
        <>
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>{' '}
          <button type="button" disabled={props.busy} onClick={() => void props.onLaunch()}>
            Launch
          </button>
        </>
      )}
      {petition.status === 'OPEN' && (
        <button type="button" disabled={props.busy} onClick={() => void props.onClose()}>
          Close
        </button>
      )}
    </>
  );
}
