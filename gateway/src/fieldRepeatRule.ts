import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/** How often each field is asked for, by `<type>.<response key>`, capped just past the limit. */
type Counts = Map<string, number>;

/**
 * Refuses a selection set that asks for the same field of the same type more than
 * `maxRepeats` times (`{ me { name name name … } }`), counting through inline fragments and
 * fragment spreads. Such fields merge into one answer, so the repeats only cost the server
 * work; no library rule covers this one. The same name under different type conditions
 * (`… on EmailTaken { message } … on InvalidInput { message }`) is not a repeat.
 */
export function fieldRepeatRule(maxRepeats: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    // Each fragment is counted once, however often it is spread: nested spreads cannot
    // make this rule's own work grow exponentially.
    const fragmentCounts = new Map<string, Counts>();
    const counting = new Set<string>();

    function countsOfFragment(name: string): Counts {
      const known = fragmentCounts.get(name);
      if (known !== undefined) return known;
      const fragment = context.getFragment(name);
      // An unknown fragment or a cycle: other rules report those.
      if (fragment === null || fragment === undefined || counting.has(name)) return new Map();
      counting.add(name);
      const counts = countSelections(fragment.selectionSet, fragment.typeCondition.name.value);
      counting.delete(name);
      fragmentCounts.set(name, counts);
      return counts;
    }

    function countSelections(selectionSet: SelectionSetNode, typeName: string): Counts {
      const counts: Counts = new Map();
      const add = (key: string, times: number) =>
        counts.set(key, Math.min((counts.get(key) ?? 0) + times, maxRepeats + 1));
      for (const selection of selectionSet.selections) {
        if (selection.kind === Kind.FIELD) {
          add(`${typeName}.${selection.alias?.value ?? selection.name.value}`, 1);
          continue;
        }
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT
            ? countSelections(selection.selectionSet, selection.typeCondition?.name.value ?? typeName)
            : countsOfFragment(selection.name.value);
        for (const [key, times] of inner) add(key, times);
      }
      return counts;
    }

    return {
      SelectionSet(node: SelectionSetNode) {
        const typeName = context.getParentType()?.name ?? '';
        for (const [key, times] of countSelections(node, typeName)) {
          if (times <= maxRepeats) continue;
          const field = key.slice(key.indexOf('.') + 1);
          context.reportError(
            new GraphQLError(`Field "${field}" is requested more than ${maxRepeats} times in one selection set.`, {
              nodes: [node],
            }),
          );
        }
      },
    };
  };
}
