import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  GraphQLError,
  Kind,
  getNullableType,
  isListType,
  visit,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
// The CommonJS build on purpose: the ESM build imports 'graphql/index.mjs', a second copy of
// graphql beside the one everything else loads, and its schema checks then fail.
import queryComplexity, { type ComplexityEstimator } from 'graphql-query-complexity/cjs';
import { readConfig, type EnvReader } from '@agora/config';
import { MAX_PAGE_SIZE } from '@agora/service';
import { fieldRepeatRule } from './fieldRepeatRule.js';

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

/**
 * The longest a list without a `first` argument can be. `User.petitions` is capped at its
 * newest 100 by the petitions subgraph (drafts cost nothing to write, so it must be); a
 * cart's items and an order's lines are bounded by the catalogue, which clients do not grow.
 */
const LIST_LENGTHS: Readonly<Record<string, number>> = { 'User.petitions': 100 };
const SHORT_LIST_LENGTH = 10;

/**
 * A list multiplies the cost of its selection by the length it may have: `first` where the
 * field takes it (its default when the client leaves it out or sends null, as the subgraphs
 * do), otherwise the list's known cap. A connection's `nodes` is counted once, by its
 * connection's `first`. Introspection is free.
 */
const listLengthEstimator: ComplexityEstimator = ({ field, args, childComplexity, type }) => {
  // Introspection (`__schema`, `__type`, `__typename`) costs nothing: production refuses the
  // first two outright, and in development they are Sandbox's own queries.
  if (field.name.startsWith('__')) return 0;
  const firstArgument = field.args.find((argument) => argument.name === 'first');
  if (firstArgument !== undefined) {
    const first: unknown = args['first'] ?? firstArgument.defaultValue ?? MAX_PAGE_SIZE;
    return 1 + Math.max(0, Number(first)) * childComplexity;
  }
  if (isConnectionNodes(field, type.name)) return 1 + childComplexity;
  if (isListType(getNullableType(field.type))) {
    return 1 + (LIST_LENGTHS[`${type.name}.${field.name}`] ?? SHORT_LIST_LENGTH) * childComplexity;
  }
  return undefined;
};

function isConnectionNodes(field: GraphQLField<unknown, unknown>, parentTypeName: string): boolean {
  return field.name === 'nodes' && parentTypeName.endsWith('Connection');
}

/** Estimates kept per document at most (one per operation name and values that change the cost). */
const MAX_ESTIMATES_PER_DOCUMENT = 100;

interface DocumentEstimates {
  /** The variables an estimate depends on: those given to `first` and to `@include`/`@skip`. */
  costVariables: string[];
  costs: Map<string, number>;
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
 * in itself far more.
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
      known = { costVariables: variablesThatChangeCost(document), costs: new Map() };
      estimates.set(document, known);
    }
    return known;
  }

  /** The estimate, or undefined when the variables do not fit the operation. */
  function costOf(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
  ): number | undefined {
    const known = estimatesOf(document);
    let key: string;
    let cost: number;
    try {
      // An absent variable (its default applies) and a null one estimate differently.
      key = JSON.stringify([
        operationName ?? null,
        ...known.costVariables.map((name) => (name in variables ? variables[name] : '(absent)')),
      ]);
      const kept = known.costs.get(key);
      if (kept !== undefined) return kept;
      cost = queryComplexity.getComplexity({
        schema,
        query: document,
        ...(operationName === undefined ? {} : { operationName }),
        variables,
        estimators: [listLengthEstimator, queryComplexity.simpleEstimator({ defaultComplexity: 1 })],
      });
    } catch (error) {
      // Variables that do not fit the operation (of the wrong type, or nested too deep to even
      // write down): execution refuses them before any fetch, with Apollo's own BAD_USER_INPUT
      // error, so there is nothing to estimate. Anything else is a fault, not a free pass.
      if (error instanceof GraphQLError || error instanceof RangeError) return undefined;
      throw error;
    }
    if (known.costs.size >= MAX_ESTIMATES_PER_DOCUMENT) known.costs.clear();
    known.costs.set(key, cost);
    return cost;
  }

  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation }) {
          // No operation to run (operationResolutionPlugin refuses the request): nothing to estimate.
          if (operation === undefined || operation === null) return;
          const cost = costOf(schema, document, request.operationName ?? undefined, request.variables ?? {});
          if (cost !== undefined && cost > maxCost) {
            throw new GraphQLError(
              `The operation is too expensive: its estimated cost is ${cost}, the limit is ${maxCost}. Ask for fewer items (first) or fewer nested lists.`,
              { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', cost, maxCost, http: { status: 400 } } },
            );
          }
        },
      };
    },
  };
}
