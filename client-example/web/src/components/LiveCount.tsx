// A petition's signature count that moves by itself: the count comes from the query that
// showed the petition, and every push of signatureCountChanged raises it in Apollo's cache,
// so every place showing this petition moves together. Never lowered: pushes and refetches
// can arrive out of order.
import { useFragment, useSubscription } from '@apollo/client/react';
import { gql, type TypedDocumentNode } from '@apollo/client';
import { COUNT_CHANGED } from '../operations.js';
import { count } from '../format.js';

const COUNT_FIELDS: TypedDocumentNode<{ signatureCount: number }> = gql`
  fragment LiveCountFields on Petition {
    signatureCount
  }
`;

export function LiveCount({ petitionId }: { petitionId: string }) {
  const cached = useFragment({ fragment: COUNT_FIELDS, from: { __typename: 'Petition', id: petitionId } });
  useSubscription(COUNT_CHANGED, {
    variables: { petitionId },
    onData: ({ client, data: pushed }) => {
      const update = pushed.data?.signatureCountChanged;
      if (update === undefined) return;
      const cacheId = client.cache.identify({ __typename: 'Petition', id: update.petitionId });
      if (cacheId === undefined) return;
      client.cache.modify({
        id: cacheId,
        fields: { signatureCount: (known: number) => Math.max(known, update.signatureCount) },
      });
    },
  });
  const signatures = cached.complete ? cached.data.signatureCount : undefined;
  return (
    <span className="count" data-testid={`count-${petitionId}`}>
      {signatures === undefined ? '…' : count(signatures, 'signature', 'signatures')}
    </span>
  );
}
