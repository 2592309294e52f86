import { useMutation } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { LOGIN, REGISTER } from '../operations.js';
import { useSession } from '../session.js';

export function AuthPage({ mode }: { mode: 'login' | 'register' }) {
  const { signIn } = useSession();
  const [register, { loading: registering }] = useMutation(REGISTER);
  const [login, { loading: loggingIn }] = useMutation(LOGIN);
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));
    try {
      const result =
        mode === 'register'
          ? (await register({ variables: { input: { email, password, name: String(form.get('name')) } } })).data
              ?.register
          : (await login({ variables: { input: { email, password } } })).data?.login;
      if (result?.token === undefined) {
        setOutcome({ ok: false, text: result?.message ?? 'That did not work; please try again.' });
        return;
      }
      signIn(result.token);
      window.location.hash = '#/petitions';
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    }
  }

  const title = mode === 'register' ? 'Create an account' : 'Log in';
  return (
    <section aria-labelledby="auth-title">
      <h1 id="auth-title">{title}</h1>
      <form onSubmit={(event) => void onSubmit(event)} className="form">
        {mode === 'register' && (
          <label>
            Name
            <input name="name" autoComplete="name" required />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'register' ? 'new-password' : 'current-password'}
            minLength={mode === 'register' ? 8 : undefined}
            required
          />
        </label>
        <button type="submit" disabled={registering || loggingIn}>
          {title}
        </button>
      </form>
      <Outcome message={outcome} />
      <p>
        {mode === 'register' ? (
          <>
            Have an account? <a href="#/login">Log in</a>.
          </>
        ) : (
          <>
            New here? <a href="#/register">Create an account</a>.
          </>
        )}
      </p>
    </section>
  );
}
