import { createHash } from 'node:crypto';
import {
  GraphQLError,
  Kind,
  execute,
  getOperationAST,
  parse,
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
import type { GatewayContext } from '../context.js';
import type { CountHub } from './countHub.js';
import { CURRENT_COUNT_KEY, liftPetitionQuery } from './liftPetitionQuery.js';

/** Runs an operation through the gateway as `caller` would (the same planner, the same subgraphs). */
export type RunQuery = (
  document: DocumentNode,
  variables: Record<string, unknown>,
  caller: GatewayContext,
  /** Which operation of the document to run, when it holds several. */
  operationName?: string,
) => Promise<ExecutionResult>;

export interface CountSubscriptionOptions {
  apiSchema: GraphQLSchema;
  hub: CountHub;
  runQuery: RunQuery;
}

/** What local execution reads: the event, and the petition data fetched for it. */
interface UpdateSource {
  petitionId: string;
  signatureCount: number;
  fetched: Record<string, unknown>;
}

/** A petition's count as it is now, for catching up after pub/sub lost messages. */
const COUNT_QUERY = parse('query ($id: ID!) { petition(id: $id) { signatureCount } }');

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

/**
 * A single-slot mailbox: a slow watcher skips counts, and never receives a count lower than
 * one it already received (events can arrive late, after a newer count was read).
 */
function createMailbox() {
  let pending: number | undefined;
  let delivered = -1;
  let closed = false;
  let wake: (() => void) | undefined;
  return {
    put(count: number) {
      if (count <= delivered || (pending !== undefined && count <= pending)) return;
      pending = count;
      wake?.();
    },
    /** The next count to deliver, waiting for one; undefined once closed. */
    async take(): Promise<number | undefined> {
      while (pending === undefined && !closed) await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
      if (closed) return undefined;
      const count = pending as number;
      pending = undefined;
      delivered = count;
      return count;
    },
    close() {
      closed = true;
      wake?.();
    },
  };
}

/**
 * `signatureCountChanged` over graphql-ws. The root payload comes from pub/sub (through the
 * hub); the rest of the selection (`petition { ... }`, across subgraphs) is fetched through the
 * gateway once per count, and each count's result is built once and shared by every watcher
 * with the same subscription (and, when it selects petition fields, the same viewer).
 */
export function createCountSubscriptions(options: CountSubscriptionOptions) {
  const shared = new Map<string, Promise<ExecutionResult>>();

  /** One result per subscription and count, shared between watchers for a second after it is ready. */
  function resultShared(key: string, count: number, build: () => Promise<ExecutionResult>): Promise<ExecutionResult> {
    const countKey = `${key}@${count}`;
    let pending = shared.get(countKey);
    if (pending === undefined) {
      pending = build();
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
    const shareKey = createHash('sha256')
      .update(print(args.document))
      .update(args.operationName ?? '')
      .update(JSON.stringify(variables))
      .update(selectsPetition ? (caller.identity?.userId ?? 'anonymous') : 'anyone')
      .digest('hex');

    // Watch before reading the current count, so a count published meanwhile is not missed.
    const mailbox = createMailbox();
    const readCount = async () => {
      const result = await options.runQuery(COUNT_QUERY, { id: petitionId }, caller);
      const count = (result.data?.['petition'] as { signatureCount: number } | null | undefined)?.signatureCount;
      if (count === undefined) throw new Error(`no count for petition ${petitionId}: ${JSON.stringify(result.errors)}`);
      return count;
    };
    const stopWatching = await options.hub.watch(petitionId, mailbox.put, readCount);
    let first: ExecutionResult;
    try {
      first = await options.runQuery(query, variables, caller);
    } catch (error) {
      await stopWatching();
      throw error;
    }
    const current = (first.data?.[CURRENT_COUNT_KEY] as { signatureCount: number } | null | undefined)?.signatureCount;
    if (current === undefined) {
      await stopWatching();
      return first.errors !== undefined && first.errors.length > 0
        ? { errors: first.errors }
        : errorResult(`No petition has the id "${petitionId}".`, ErrorCode.NotFound);
    }
    mailbox.put(current);

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
    /** The result for a count: petition data fetched for it (the first count reuses the first fetch). */
    const resultFor = (signatureCount: number, alreadyFetched: ExecutionResult | undefined) =>
      resultShared(shareKey, signatureCount, async () => {
        const fetched =
          alreadyFetched ?? (selectsPetition ? await options.runQuery(query, variables, caller) : NOTHING_FETCHED);
        return render(signatureCount, fetched);
      });

    async function* updates(): AsyncGenerator<ExecutionResult> {
      try {
        let firstFetch: ExecutionResult | undefined = first;
        for (;;) {
          const signatureCount = await mailbox.take();
          if (signatureCount === undefined) return;
          yield await resultFor(signatureCount, firstFetch);
          firstFetch = undefined;
        }
      } finally {
        mailbox.close();
        await stopWatching();
      }
    }

    const generator = updates();
    const originalReturn = generator.return.bind(generator);
    // graphql-ws ends a subscription with return(), possibly before the generator ever ran (the
    // client left while the watch was being set up): stop watching here too, and wake the loop.
    generator.return = async (value) => {
      mailbox.close();
      await stopWatching();
      return originalReturn(value);
    };
    return generator;
  };
}
