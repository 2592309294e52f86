import {
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isCompositeType,
  isListType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '@agora/service';

/**
 * The longest a list without a `first` argument can be. `User.petitions` is capped at its
 * newest 100 by the petitions subgraph (drafts cost nothing to write, so it must be); a
 * cart's items and an order's lines are bounded by the catalogue, which clients do not grow.
 */
const LIST_LENGTHS: Readonly<Record<string, number>> = { 'User.petitions': 100 };
const SHORT_LIST_LENGTH = 10;

/** What an estimate found: a cost, or why there is none (each a reason to refuse). */
export type CostEstimate =
  | { kind: 'estimated'; cost: number }
  /** An argument or directive value that execution would not accept (a null where one is required). */
  | { kind: 'badInput'; message: string }
  /** More fields than `maxFields`, once fragments are expanded and merged. */
  | { kind: 'tooLarge'; maxFields: number };

export interface CostOptions {
  /** Fields looked at, at most, before the estimate gives up (and the operation is refused). */
  maxFields: number;
}

class TooLarge extends Error {}

/**
 * The cost of running `operation` as execution would run it: fields merged by response key
 * (a fragment spread three times at one level runs once, so it counts once), `@include`/`@skip`
 * honoured, and each field costing 1 plus its selection's cost times the length its list may
 * have. On an abstract type the dearest of its object types counts.
 *
 * The walk is memoised per type and merged selection: a fragment used at many places is
 * estimated once per type it lands on, so the work grows with the document, not with the
 * number of spreads. `variables` must be already coerced (graphql-js `getVariableValues`).
 */
export function estimateOperationCost(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  options: CostOptions,
): CostEstimate {
  const root = schema.getRootType(operation.operation);
  if (root === undefined || root === null)
    return { kind: 'badInput', message: `This graph has no ${operation.operation} type.` };
  const walk = createCostWalk(schema, fragments, variables, options.maxFields);
  try {
    return { kind: 'estimated', cost: walk([operation.selectionSet], root) };
  } catch (error) {
    if (error instanceof TooLarge) return { kind: 'tooLarge', maxFields: options.maxFields };
    // Raised by graphql-js while reading an argument or directive value against its type.
    if (error instanceof GraphQLError) return { kind: 'badInput', message: error.message };
    throw error;
  }
}

function createCostWalk(
  schema: GraphQLSchema,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  maxFields: number,
) {
  const ids = new Map<SelectionSetNode, number>();
  const known = new Map<string, number>();
  let fieldsSeen = 0;

  /** A number per selection set node, so that a merged selection can be a memo key. */
  const idOf = (selectionSet: SelectionSetNode): number => {
    const id = ids.get(selectionSet) ?? ids.size;
    ids.set(selectionSet, id);
    return id;
  };

  /** Whether `@include`/`@skip` keep this selection, with the request's values. */
  const isIncluded = (node: SelectionNode): boolean => {
    if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
  };

  const appliesTo = (typeCondition: string | undefined, type: GraphQLObjectType): boolean => {
    if (typeCondition === undefined || typeCondition === type.name) return true;
    const conditionType = schema.getType(typeCondition);
    return conditionType !== undefined && isAbstractType(conditionType) && schema.isSubType(conditionType, type);
  };

  /** The fields these selection sets run on `type`, by response key, as graphql-js collects them. */
  function collectFields(
    selectionSets: readonly SelectionSetNode[],
    type: GraphQLObjectType,
  ): Map<string, FieldNode[]> {
    const fields = new Map<string, FieldNode[]>();
    const visitedFragments = new Set<string>();
    const collect = (selectionSet: SelectionSetNode) => {
      for (const selection of selectionSet.selections) {
        if (!isIncluded(selection)) continue;
        if (selection.kind === Kind.FIELD) {
          if (++fieldsSeen > maxFields) throw new TooLarge();
          const key = selection.alias?.value ?? selection.name.value;
          fields.set(key, [...(fields.get(key) ?? []), selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (appliesTo(selection.typeCondition?.name.value, type)) collect(selection.selectionSet);
        } else if (!visitedFragments.has(selection.name.value)) {
          visitedFragments.add(selection.name.value);
          const fragment = fragments.get(selection.name.value);
          if (fragment !== undefined && appliesTo(fragment.typeCondition.name.value, type))
            collect(fragment.selectionSet);
        }
      }
    };
    for (const selectionSet of selectionSets) collect(selectionSet);
    return fields;
  }

  function costOnObject(selectionSets: readonly SelectionSetNode[], type: GraphQLObjectType): number {
    let cost = 0;
    for (const nodes of collectFields(selectionSets, type).values()) {
      const first = nodes[0] as FieldNode;
      // Introspection (`__schema`, `__type`, `__typename`) costs nothing: production refuses the
      // first two outright, and in development they are Sandbox's own queries.
      if (first.name.value.startsWith('__')) continue;
      const field = type.getFields()[first.name.value];
      if (field === undefined)
        throw new GraphQLError(`Cannot query field "${first.name.value}" on type "${type.name}".`);
      const fieldType = getNamedType(field.type);
      const childCost = isCompositeType(fieldType)
        ? walk(
            nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet])),
            fieldType,
          )
        : 0;
      cost += fieldCost(field, type, getArgumentValues(field, first, variables), childCost);
    }
    return cost;
  }

  /** The cost of selection sets merged on `type` (the dearest object type of an abstract one). */
  function walk(selectionSets: readonly SelectionSetNode[], type: GraphQLCompositeType): number {
    const key = `${type.name}:${selectionSets.map(idOf).join(',')}`;
    const kept = known.get(key);
    if (kept !== undefined) return kept;
    const objectTypes = isAbstractType(type) ? schema.getPossibleTypes(type) : [type];
    const cost = Math.max(0, ...objectTypes.map((objectType) => costOnObject(selectionSets, objectType)));
    known.set(key, cost);
    return cost;
  }

  return walk;
}

/**
 * A field costs 1 and its selection's cost, multiplied for a list by the length it may have:
 * `first` where the field takes it (its default when the client leaves it out or sends null,
 * as the subgraphs do), otherwise the list's known cap. A connection's `nodes` is counted
 * once, by its connection's `first`.
 */
function fieldCost(
  field: GraphQLField<unknown, unknown>,
  parentType: GraphQLObjectType,
  args: Record<string, unknown>,
  childCost: number,
): number {
  const firstArgument = field.args.find((argument) => argument.name === 'first');
  if (firstArgument !== undefined) {
    const first: unknown = args['first'] ?? firstArgument.defaultValue ?? MAX_PAGE_SIZE;
    return 1 + Math.max(0, Number(first)) * childCost;
  }
  if (field.name === 'nodes' && parentType.name.endsWith('Connection')) return 1 + childCost;
  if (isListType(getNullableType(field.type))) {
    return 1 + (LIST_LENGTHS[`${parentType.name}.${field.name}`] ?? SHORT_LIST_LENGTH) * childCost;
  }
  return 1 + childCost;
}
