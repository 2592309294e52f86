import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  getVariableValues,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { readConfig, type EnvReader } from '@agora/config';
import { ErrorCode, UnreachableCaseError } from '@agora/errors';
import { fieldRepeatRule } from './fieldRepeatRule.js';
import { estimateOperationCost, type CostEstimate } from './operationCost.js';

/**
 * How big an operation may be. Every limit is checked before anything is fetched, and a
 * refused operation gets a GRAPHQL_VALIDATION_FAILED error saying which limit it broke.
 */
export interface QueryLimits {
  /** Nesting of fields (fragments do not add depth; introspection is not counted). */
  maxDepth: number;
  /** Aliased fields in one operation, `__typename` included. */
  maxAliases: number;
  /** Directives in one operation. */
  maxDirectives: number;
  /** Lexical tokens in one document: bounds parsing and validation work. */
  maxTokens: number;
  /** Estimated cost: one per field, multiplied by the length a list may have (`first`). */
  maxCost: number;
  /** Times one field may be requested in one selection set (field duplication). */
  maxFieldRepeats: number;
  /** Operations (subscriptions, mostly) one graphql-ws connection may run at once. */
  maxOperationsPerConnection: number;
}

/** Defaults for a public deployment: every operation the clients and Sandbox send fits well inside. */
export function readQueryLimits(r: EnvReader): QueryLimits {
  return {
    maxDepth: r.int('QUERY_MAX_DEPTH', { default: 10, min: 2, max: 100 }),
    maxAliases: r.int('QUERY_MAX_ALIASES', { default: 15, min: 0, max: 1_000 }),
    maxDirectives: r.int('QUERY_MAX_DIRECTIVES', { default: 20, min: 0, max: 1_000 }),
    maxTokens: r.int('QUERY_MAX_TOKENS', { default: 2_000, min: 100, max: 100_000 }),
    maxCost: r.int('QUERY_MAX_COST', { default: 5_000, min: 10, max: 10_000_000 }),
    maxFieldRepeats: r.int('QUERY_MAX_FIELD_REPEATS', { default: 3, min: 1, max: 1_000 }),
    maxOperationsPerConnection: r.int('SUBSCRIPTIONS_PER_CONNECTION', { default: 50, min: 1, max: 10_000 }),
  };
}

/** The limits a deployment gets when it sets none. */
export function defaultQueryLimits(): QueryLimits {
  return readConfig('gateway', {}, readQueryLimits);
}

/**
 * armor reports a broken limit as "Syntax Error: …"; the operation's syntax is fine, so the
 * error is reported without that prefix (and, as every validation error, with its code).
 */
const reporting = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
  ],
};

/** Validation rules for the shape of an operation: depth, aliases, directives, repeated fields. */
export function queryShapeRules(limits: QueryLimits): ValidationRule[] {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, ...reporting },
    // armor lets `__typename` aliases through by default; they are counted like any other.
    maxAliases: { n: limits.maxAliases, allowList: [], ...reporting },
    maxDirectives: { n: limits.maxDirectives, ...reporting },
    // Covered otherwise: tokens by graphql-js's own parser limit, cost below (armor's cost
    // does not know list sizes), suggestions by Apollo's hideSchemaDetailsFromClientErrors.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
  }).protect();
  if (plugins.length > 0) throw new Error('graphql-armor asked for plugins the gateway does not install');
  return [...validationRules, fieldRepeatRule(limits.maxFieldRepeats)];
}

/** Estimates kept per document at most (one per operation name and values that change the cost). */
const MAX_ESTIMATES_PER_DOCUMENT = 100;

/**
 * Fields an estimate looks at, at most, once fragments are expanded and merged: the clients'
 * largest operations hold a few hundred, and the token limit keeps documents small, so only a
 * document built to multiply its fragments reaches it (and is refused as too expensive).
 */
const MAX_FIELDS_ESTIMATED = 20_000;

interface DocumentEstimates {
  /** The variables an estimate depends on: those given to `first` and to `@include`/`@skip`. */
  costVariables: string[];
  costs: Map<string, number>;
  fragments: ReadonlyMap<string, FragmentDefinitionNode>;
}

/**
 * Variables that change an estimate: a list's length (`first`) and whether a field counts at
 * all (`if` of `@include` and `@skip`, which the estimator honours). No other argument is read.
 */
function variablesThatChangeCost(document: DocumentNode): string[] {
  const names = new Set<string>();
  const note = (argument: ArgumentNode, name: string) => {
    if (argument.name.value === name && argument.value.kind === Kind.VARIABLE) names.add(argument.value.name.value);
  };
  visit(document, {
    Field(field) {
      for (const argument of field.arguments ?? []) note(argument, 'first');
    },
    Directive(directive) {
      if (directive.name.value !== 'include' && directive.name.value !== 'skip') return;
      for (const argument of directive.arguments ?? []) note(argument, 'if');
    },
  });
  return [...names];
}

/**
 * Refuses an operation whose estimated cost is over `maxCost` before the query planner
 * runs: `openPetitions(first: 50) { nodes { title } }` costs about 100, the same list nested
 * in itself far more. It fails closed: variables that do not coerce, argument values execution
 * would refuse, and an operation too large to estimate are all refused, never let through
 * unestimated.
 *
 * Estimating walks the whole operation against the schema: done on every request it took
 * about a fifth of the gateway's time on a small query. So an estimate is kept per document
 * (Apollo hands over the same parsed document for the same text) and per the values that change it:
 * the operation's name and the variables given to `first` and to `@include`/`@skip`. The
 * same signing mutation sent for a thousand different petitions is estimated once.
 */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  const estimates = new WeakMap<DocumentNode, DocumentEstimates>();

  function estimatesOf(document: DocumentNode): DocumentEstimates {
    let known = estimates.get(document);
    if (known === undefined) {
      known = { costVariables: variablesThatChangeCost(document), costs: new Map(), fragments: fragmentsOf(document) };
      estimates.set(document, known);
    }
    return known;
  }

  /** The estimate for these (coerced) variables, kept when it is a cost. */
  function costOf(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): CostEstimate {
    const known = estimatesOf(document);
    // An absent variable (its default applies) and a null one estimate differently.
    const key = JSON.stringify([
      operation.name?.value ?? null,
      ...known.costVariables.map((name) => (name in variables ? variables[name] : '(absent)')),
    ]);
    const kept = known.costs.get(key);
    if (kept !== undefined) return { kind: 'estimated', cost: kept };
    const estimate = estimateOperationCost(schema, known.fragments, operation, variables, {
      maxFields: MAX_FIELDS_ESTIMATED,
    });
    if (estimate.kind !== 'estimated') return estimate;
    if (known.costs.size >= MAX_ESTIMATES_PER_DOCUMENT) known.costs.clear();
    known.costs.set(key, estimate.cost);
    return estimate;
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          // No operation to run (operationResolutionPlugin refuses the request): nothing to estimate.
          if (operation === undefined || operation === null) return;
          const variables = coerceVariables(schema, operation, request.variables ?? {});
          refuseUnlessAffordable(costOf(schema, document, operation, variables), maxCost);
        },
      };
    },
  };
}

/**
 * The request's variables as execution will see them, or a BAD_USER_INPUT refusal: the cost
 * depends on them, so values that do not fit the operation cannot be estimated.
 */
function coerceVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  raw: Record<string, unknown>,
): Record<string, unknown> {
  let coerced: ReturnType<typeof getVariableValues>;
  try {
    coerced = getVariableValues(schema, operation.variableDefinitions ?? [], raw, { maxErrors: 1 });
  } catch (error) {
    // Values nested too deep to even walk (a RangeError from the recursion).
    if (error instanceof RangeError) throw badUserInput('The variables are nested too deeply to be read.');
    throw error;
  }
  if (coerced.errors !== undefined) {
    throw badUserInput(coerced.errors[0]?.message ?? 'The variables do not fit the operation.');
  }
  return coerced.coerced;
}

function refuseUnlessAffordable(estimate: CostEstimate, maxCost: number): void {
  switch (estimate.kind) {
    case 'badInput':
      throw badUserInput(estimate.message);
    case 'tooLarge':
      throw tooExpensive(
        `The operation is too expensive: it holds more than ${estimate.maxFields} fields once its fragments are expanded. Ask for fewer fields or fewer nested lists.`,
        { maxCost },
      );
    case 'estimated':
      // Written so that a cost that is not a number (NaN) is refused too.
      if (estimate.cost <= maxCost) return;
      throw tooExpensive(
        `The operation is too expensive: its estimated cost is ${estimate.cost}, the limit is ${maxCost}. Ask for fewer items (first) or fewer nested lists.`,
        { cost: estimate.cost, maxCost },
      );
    default:
      throw new UnreachableCaseError(estimate);
  }
}

function tooExpensive(message: string, extensions: Record<string, unknown>): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED, ...extensions, http: { status: 400 } },
  });
}

function badUserInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, http: { status: 400 } } });
}

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  return new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
}
