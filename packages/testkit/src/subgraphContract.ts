import { readFileSync } from 'node:fs';
import { Kind, parse, print, type ConstDirectiveNode } from 'graphql';
import type { Identity } from '@agora/service';
import { TEST_GATEWAY_SECRET, postGraphQL } from './graphql.js';
import type { TestSubgraph } from './subgraphs.js';

export interface EntityCase {
  /** A representation as the gateway sends it, e.g. { __typename: 'User', id }. */
  representation: { __typename: string } & Record<string, unknown>;
  /** Fields to select on the entity, e.g. 'id name'. */
  selection: string;
  expected: Record<string, unknown>;
}

export interface ContractSetup {
  schemaPath: string;
  subgraph: TestSubgraph;
  /** At least one case for every type with a @key in the schema. */
  entities: EntityCase[];
  /** The caller entities are resolved for, where only their owner may see them. */
  identity?: Identity;
}

/** Types a subgraph resolves by key: those with a @key that is not `resolvable: false`. */
export function keyedTypes(schemaPath: string): string[] {
  const isResolvableKey = (directive: ConstDirectiveNode) =>
    directive.name.value === 'key' &&
    !directive.arguments?.some(
      (argument) =>
        argument.name.value === 'resolvable' && argument.value.kind === Kind.BOOLEAN && !argument.value.value,
    );
  return parse(readFileSync(schemaPath, 'utf8'))
    .definitions.filter(
      (definition) =>
        (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.OBJECT_TYPE_EXTENSION) &&
        definition.directives?.some(isResolvableKey),
    )
    .map((definition) => (definition as { name: { value: string } }).name.value);
}

const FEDERATION_NAME = /^(_|link__|federation__|join__)/;

/**
 * A subgraph's own type definitions, sorted and printed, without what federation adds when
 * it serves them (`_entities`, `_Any`, link and directive definitions): comparable between
 * the schema file and the SDL a running subgraph publishes.
 */
export function ownTypeDefinitions(sdl: string): string {
  const definitions = parse(sdl).definitions.flatMap((definition) => {
    if (!('name' in definition) || definition.name === undefined) return [];
    if (definition.kind === Kind.DIRECTIVE_DEFINITION || FEDERATION_NAME.test(definition.name.value)) return [];
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.fields !== undefined) {
      const fields = definition.fields.filter((field) => !FEDERATION_NAME.test(field.name.value));
      // A Query type that only federation filled in (`_entities`, `_service`) is federation's.
      return fields.length === 0 ? [] : [{ ...definition, fields }];
    }
    return [definition];
  });
  const nameOf = (definition: (typeof definitions)[number]) =>
    'name' in definition ? (definition.name?.value ?? '') : '';
  definitions.sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  return print({ kind: Kind.DOCUMENT, definitions });
}

/**
 * What every subgraph promises the gateway: it serves the SDL in its schema file, every
 * @key resolves through `_entities`, and nothing answers without the gateway secret.
 */
export function describeSubgraphContract(name: string, setup: () => Promise<ContractSetup>): void {
  describe(`${name} subgraph contract`, () => {
    let contract: ContractSetup;

    beforeAll(async () => {
      contract = await setup();
    });

    it('should serve the types of its schema.graphql when asked for _service', async () => {
      const result = await contract.subgraph.request<{ _service: { sdl: string } }>('{ _service { sdl } }');
      expect(ownTypeDefinitions(result.data?._service.sdl ?? '')).toBe(
        ownTypeDefinitions(readFileSync(contract.schemaPath, 'utf8')),
      );
    });

    it('should have an _entities case for every type with a @key', () => {
      const covered = new Set(contract.entities.map((entity) => entity.representation.__typename));
      expect([...covered].sort()).toEqual(keyedTypes(contract.schemaPath).sort());
    });

    it('should resolve every keyed entity when asked through _entities', async () => {
      for (const entity of contract.entities) {
        const typename = entity.representation.__typename;
        const result = await contract.subgraph.request(
          `query ($representations: [_Any!]!) {
            _entities(representations: $representations) { ... on ${typename} { ${entity.selection} } }
          }`,
          { representations: [entity.representation] },
          contract.identity ?? null,
        );
        expect({ typename, errors: result.errors, data: result.data }).toEqual({
          typename,
          errors: undefined,
          data: { _entities: [entity.expected] },
        });
      }
    });

    it.each([
      ['no secret', {}],
      ['a wrong secret', { 'x-agora-gateway-secret': `${TEST_GATEWAY_SECRET}-wrong` }],
    ])('should refuse _service, _entities and ordinary queries when sent with %s', async (_label, headers) => {
      for (const query of [
        '{ _service { sdl } }',
        '{ _entities(representations: [{ __typename: "X", id: "1" }]) { __typename } }',
        '{ __typename }',
      ]) {
        const result = await postGraphQL(contract.subgraph.url, query, { headers });
        expect({ query, status: result.status, data: result.data }).toEqual({ query, status: 403, data: undefined });
        expect(result.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
      }
    });

    it('should answer its health endpoints when asked without the secret', async () => {
      const base = contract.subgraph.url.replace(/\/graphql$/, '');
      const live = await fetch(`${base}/health/live`);
      const ready = await fetch(`${base}/health/ready`);
      expect([live.status, ready.status]).toEqual([200, 200]);
    });
  });
}
