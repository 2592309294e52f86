import { useMutation, useQuery } from '@apollo/client/react';
import { useState, type FormEvent } from 'react';
import { Outcome, errorText, type OutcomeMessage } from '../components/Outcome.js';
import { money } from '../format.js';
import { ACCOUNT, DEPOSIT } from '../operations.js';

const MAX_MINOR_UNITS = 2_147_483_647;

export function AccountPage() {
  const { data, loading, error } = useQuery(ACCOUNT);
  const [deposit, { loading: depositing }] = useMutation(DEPOSIT);
  const [outcome, setOutcome] = useState<OutcomeMessage | null>(null);

  async function onDeposit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const units = Number(new FormData(event.currentTarget).get('amount'));
    const minor = Math.round(units * 100);
    // Amounts travel as 32-bit integers of cents.
    if (!Number.isFinite(units) || minor < 1 || minor > MAX_MINOR_UNITS) {
      setOutcome({ ok: false, text: `Enter an amount from 0.01 to ${(MAX_MINOR_UNITS / 100).toFixed(2)}.` });
      return;
    }
    try {
      const result = (await deposit({ variables: { amount: minor } })).data?.deposit;
      setOutcome(
        result?.__typename === 'Account'
          ? {
              ok: true,
              text: `Deposited. Your balance is ${money(result.balance as NonNullable<typeof result.balance>)}.`,
            }
          : { ok: false, text: result?.message ?? 'The deposit did not go through.' },
      );
    } catch (problem) {
      setOutcome({ ok: false, text: errorText(problem) });
    }
  }

  if (loading && data === undefined) return <p>Loading your account…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">Your account could not be loaded: {error.message}</p>;
  const me = data?.me;
  if (me === null || me === undefined) return <p>Log in to see your account.</p>;
  return (
    <section aria-labelledby="account">
      <h1 id="account">Account</h1>
      <p>
        {me.name}
        {me.email === null ? '' : ` (${me.email})`}
      </p>
      <p>
        Balance: <strong>{money(me.account.balance)}</strong>
      </p>
      <form className="form" onSubmit={(event) => void onDeposit(event)}>
        <label>
          Amount to deposit ({me.account.balance.currency})
          <input name="amount" type="number" min="0.01" step="0.01" required />
        </label>
        <button type="submit" disabled={depositing}>
          Deposit
        </button>
      </form>
      <Outcome message={outcome} />
    </section>
  );
}
