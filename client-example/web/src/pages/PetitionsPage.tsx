import { useQuery } from '@apollo/client/react';
import { LiveCount } from '../components/LiveCount.js';
import { OPEN_PETITIONS } from '../operations.js';

export function PetitionsPage() {
  const { data, loading, error } = useQuery(OPEN_PETITIONS);
  if (loading && data === undefined) return <p>Loading petitions…</p>;
  if (error !== undefined && data === undefined)
    return <p role="alert">The petitions could not be loaded: {error.message}</p>;
  const petitions = data?.openPetitions.nodes ?? [];
  return (
    <section aria-labelledby="open-petitions">
      <h1 id="open-petitions">Open petitions</h1>
      {petitions.length === 0 ? (
        <p>No petition is open yet.</p>
      ) : (
        <ul className="list">
          {petitions.map((petition) => (
            <li key={petition.id}>
              <a href={`#/petitions/${petition.id}`}>{petition.title}</a> <LiveCount petitionId={petition.id} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
