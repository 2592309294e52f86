import { readFileSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';

type SchemaModule = Extract<Parameters<typeof buildSubgraphSchema>[0], { typeDefs: unknown }>;

/**
 * A subgraph's executable schema from its `schema.graphql` and its resolvers. The
 * resolvers are typed by GraphQL Code Generator, whose types are stricter than
 * @apollo/subgraph's resolver map (`__resolveType`'s parameters, for one); they are
 * handed over here, in one place, for every subgraph.
 */
export function buildSchemaFromFile(schemaPath: string, resolvers: object): GraphQLSchema {
  const module: SchemaModule = {
    typeDefs: parse(readFileSync(schemaPath, 'utf8')),
    resolvers: resolvers as NonNullable<SchemaModule['resolvers']>,
  };
  return buildSubgraphSchema(module);
}
