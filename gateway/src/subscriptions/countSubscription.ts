import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  execute,
  getOperationAST,
  print,
  valueFromAST,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { isUuid } from '@agora/db';
import { ErrorCode } from '@agora/errors';
import type { Logger } from '@agora/service';
import type { GatewayContext } from '../context.js';
import type { CountHub } from './countHub.js';
import { CURRENT_COUNT_KEY, liftPetitionQuery } from './liftPetitionQuery.js';

/** Runs an operation through the gateway as `caller` would (the same planner, the same subgraphs). */
export type RunQuery = (
  document: DocumentNode,
  variables: Record<string, unknown>,
  caller: GatewayContext,
) => Promise<ExecutionResult>;

export interface CountSubscriptionOptions {
  apiSchema: GraphQLSchema;
  hub: CountHub;
  runQuery: RunQuery;
  logger: Logger;
}

/** What local execution reads: the event, and the petition data fetched for it. */
interface UpdateSource {
  petitionId: string;
  signatureCount: number;
  fetched: Record<string, unknown>;
}

/** What a selection of event fields only needs beyond the event: nothing. */
const NOTHING_FETCHED: ExecutionResult = { data: {} };

function errorResult(message: string, code: string): ExecutionResult {
  return { errors: [new GraphQLError(message, { extensions: { code } })] };
}

/**
 * Fields of the update come from the event (petition data from the shared fetch, keyed by
 * response key); everything below comes from the fetched data, read by response key so
 * aliases keep working.
 */
const resolveField: GraphQLFieldResolver<unknown, unknown> = (source, _args, _context, info) => {
  if (info.parentType.name === 'SignatureCountUpdate') {
    const update = source as UpdateSource;
    if (info.fieldName === 'petition') return update.fetched[info.path.key as string];
    return update[info.fieldName as 'petitionId' | 'signatureCount'];
  }
  return (source as Record<string, unknown> | null)?.[info.path.key as string];
};

/** A single-slot mailbox: a slow watcher skips counts, never receives an older one after a newer. */
function createMailbox() {
  let latest: number | undefined;
  let wake: (() => void) | undefined;
  return {
    put(count: number) {
      if (latest === undefined || count > latest) latest = count;
      wake?.();
    },
    async take(isClosed: () => boolean): Promise<number | undefined> {
      while (latest === undefined && !isClosed()) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      const count = latest;
      latest = undefined;
      return count;
    },
    close() {
      wake?.();
    },
  };
}

/**
 * `signatureCountChanged` over graphql-ws. The root payload comes from pub/sub (through the
 * hub); the rest of the selection (`petition { ... }`, across subgraphs) is fetched through the
 * gateway once per count and shared by every watcher asking the same thing as the same viewer.
 */
export function createCountSubscriptions(options: CountSubscriptionOptions) {
  const shared = new Map<string, Promise<ExecutionResult>>();

  /** The fetch for one count, shared between watchers; forgotten once a newer count is fetched. */
  function fetchShared(key: string, count: number, run: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
    const countKey = `${key}@${count}`;
    let pending = shared.get(countKey);
    if (pending === undefined) {
      pending = run();
      shared.set(countKey, pending);
      void pending.finally(() => setTimeout(() => shared.delete(countKey), 1_000).unref());
    }
    return pending;
  }

  return async function subscribe(args: ExecutionArgs): Promise<AsyncGenerator<ExecutionResult> | ExecutionResult> {
    const operation = getOperationAST(args.document, args.operationName) as OperationDefinitionNode;
    const rootField = operation.selectionSet.selections[0] as FieldNode;
    const argument = rootField.arguments?.find((arg) => arg.name.value === 'petitionId');
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const petitionId =
      argument === undefined
        ? undefined
        : valueFromAST(argument.value, options.apiSchema.getType('ID') as never, variables);
    if (typeof petitionId !== 'string' || !isUuid(petitionId)) {
      return errorResult(`No petition has the id "${String(petitionId).slice(0, 100)}".`, ErrorCode.BadUserInput);
    }
    const caller = args.contextValue as GatewayContext;
    const { document: query, selectsPetition } = liftPetitionQuery(
      args.document,
      operation,
      rootField,
      argument?.value ?? { kind: Kind.STRING, value: petitionId },
    );
    const fetchKey = createHash('sha256')
      .update(print(query))
      .update(JSON.stringify(variables))
      .update(caller.identity?.userId ?? 'anonymous')
      .digest('hex');

    const first = await options.runQuery(query, variables, caller);
    const current = (first.data?.[CURRENT_COUNT_KEY] as { signatureCount: number } | null | undefined)?.signatureCount;
    if (current === undefined) {
      return first.errors !== undefined && first.errors.length > 0
        ? { errors: first.errors }
        : errorResult(`No petition has the id "${petitionId}".`, ErrorCode.NotFound);
    }

    const mailbox = createMailbox();
    let closed = false;
    const stopWatching = await options.hub.watch(petitionId, mailbox.put);
    mailbox.put(current);
    const results = first;

    const render = (signatureCount: number, fetched: ExecutionResult): ExecutionResult => {
      const result = execute({
        schema: options.apiSchema,
        document: args.document,
        ...(args.operationName === undefined || args.operationName === null
          ? {}
          : { operationName: args.operationName }),
        variableValues: variables,
        rootValue: {
          [rootField.alias?.value ?? rootField.name.value]: { petitionId, signatureCount, fetched: fetched.data ?? {} },
        },
        fieldResolver: resolveField,
      }) as ExecutionResult;
      return fetched.errors === undefined
        ? result
        : { ...result, errors: [...(result.errors ?? []), ...fetched.errors] };
    };

    async function* updates(): AsyncGenerator<ExecutionResult> {
      try {
        let fetched: ExecutionResult | undefined = results;
        for (;;) {
          const signatureCount = await mailbox.take(() => closed);
          if (signatureCount === undefined) return;
          fetched ??= selectsPetition
            ? await fetchShared(fetchKey, signatureCount, () => options.runQuery(query, variables, caller))
            : NOTHING_FETCHED;
          yield render(signatureCount, fetched);
          fetched = undefined;
        }
      } finally {
        closed = true;
        await stopWatching();
      }
    }

    const generator = updates();
    const originalReturn = generator.return.bind(generator);
    // graphql-ws completes a subscription by calling return(); wake the waiting loop so it ends.
    generator.return = (value) => {
      closed = true;
      mailbox.close();
      return originalReturn(value);
    };
    return generator;
  };
}
