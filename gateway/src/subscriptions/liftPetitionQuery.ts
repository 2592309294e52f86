import {
  Kind,
  visit,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Response key of the count the lifted query also asks for (the count when a watch starts). */
export const CURRENT_COUNT_KEY = '__agoraCount';

function name(value: string) {
  return { kind: Kind.NAME, value } as const;
}

export interface LiftedQuery {
  document: DocumentNode;
  /** False when the subscription selects only event fields: nothing to fetch after the first count. */
  selectsPetition: boolean;
}

/** `<alias>: petition(id: <petitionId>) { ... }`, with the same selection the subscription asked for. */
function petitionField(field: FieldNode, petitionId: ValueNode): FieldNode {
  return {
    ...field,
    alias: field.alias ?? name('petition'),
    arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: petitionId }],
  };
}

/**
 * The query that fetches, through the gateway, what a `signatureCountChanged` selection needs
 * beyond the event itself: every `petition { ... }` it selects (through fragments too) becomes a
 * root `petition(id: ...)` field under the same response key, plus the current count. The
 * fragments and variables those selections use are carried over.
 */
export function liftPetitionQuery(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rootField: FieldNode,
  petitionId: ValueNode,
): LiftedQuery {
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  const lifted: FieldNode[] = [];
  const collect = (selectionSet: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const selection of selectionSet?.selections ?? []) {
      if (selection.kind === Kind.FIELD && selection.name.value === 'petition')
        lifted.push(petitionField(selection, petitionId));
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(selection.selectionSet, seen);
      else if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
        collect(fragments.get(selection.name.value)?.selectionSet, new Set([...seen, selection.name.value]));
      }
    }
  };
  collect(rootField.selectionSet, new Set());

  const count: FieldNode = {
    kind: Kind.FIELD,
    alias: name(CURRENT_COUNT_KEY),
    name: name('petition'),
    arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: petitionId }],
    selectionSet: { kind: Kind.SELECTION_SET, selections: [{ kind: Kind.FIELD, name: name('signatureCount') }] },
  };
  const selections: SelectionNode[] = [count, ...lifted];
  const used = usedNames({ kind: Kind.SELECTION_SET, selections }, fragments);
  const query: OperationDefinitionNode = {
    kind: Kind.OPERATION_DEFINITION,
    operation: 'query' as OperationDefinitionNode['operation'],
    variableDefinitions: (operation.variableDefinitions ?? []).filter((definition) =>
      used.variables.has(definition.variable.name.value),
    ),
    selectionSet: { kind: Kind.SELECTION_SET, selections },
  };
  return {
    document: {
      kind: Kind.DOCUMENT,
      definitions: [
        query,
        ...[...used.fragments].map((fragmentName) => fragments.get(fragmentName) as FragmentDefinitionNode),
      ],
    },
    selectsPetition: lifted.length > 0,
  };
}

/** The fragments (transitively) and variables a selection set uses. */
function usedNames(selectionSet: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>) {
  const found = { fragments: new Set<string>(), variables: new Set<string>() };
  const pending: SelectionSetNode[] = [selectionSet];
  while (pending.length > 0) {
    visit(pending.pop() as SelectionSetNode, {
      Variable: (node) => void found.variables.add(node.name.value),
      FragmentSpread: (node) => {
        const fragment = fragments.get(node.name.value);
        if (fragment === undefined || found.fragments.has(node.name.value)) return;
        found.fragments.add(node.name.value);
        pending.push(fragment.selectionSet);
      },
    });
  }
  return found;
}
