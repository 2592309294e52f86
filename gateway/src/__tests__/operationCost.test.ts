import { readFileSync } from 'node:fs';
import { Kind, getOperationAST, getVariableValues, parse, type FragmentDefinitionNode } from 'graphql';
import { SUPERGRAPH_PATH, buildApiSchema } from '@agora/schema';
import { estimateOperationCost, type CostEstimate } from '../operationCost.js';

const schema = buildApiSchema(readFileSync(SUPERGRAPH_PATH, 'utf8'));

function estimate(query: string, variables: Record<string, unknown> = {}, maxFields = 20_000): CostEstimate {
  const document = parse(query);
  const operation = getOperationAST(document);
  if (!operation) throw new Error('the test document holds no single operation');
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
  if (coerced.errors !== undefined) throw coerced.errors[0];
  const fragments = new Map(
    document.definitions
      .filter((definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION)
      .map((fragment) => [fragment.name.value, fragment]),
  );
  return estimateOperationCost(schema, fragments, operation, coerced.coerced, { maxFields });
}

/** `levels` fragments, each selecting a user's petitions and their creator, spread `times` times by the one above. */
function nestedSpreads(levels: number, times: number): string {
  const fragments = Array.from({ length: levels }, (_, level) => {
    const inner = level + 1 < levels ? ' ...L'.concat(String(level + 1)).repeat(times) : ' id';
    return `fragment L${level} on User { petitions { creator {${inner} } } }`;
  });
  return `{ me { ...L0 } } ${fragments.join(' ')}`;
}

describe('estimateOperationCost', () => {
  it('should cost a page by its first, each field once, nodes counted by their connection', () => {
    // openPetitions: 1 + 50 × (nodes: 1 + title 1 + creator (1 + name 1) + signatureCount 1)
    expect(estimate('{ openPetitions(first: 50) { nodes { title creator { name } signatureCount } } }')).toEqual({
      kind: 'estimated',
      cost: 251,
    });
  });

  it("should use the argument's default when first is left out or sent as null", () => {
    const withDefault = estimate('{ openPetitions { nodes { id } } }');
    expect(withDefault).toEqual({ kind: 'estimated', cost: 1 + 50 * 2 });
    expect(estimate('query ($n: Int) { openPetitions(first: $n) { nodes { id } } }', { n: null })).toEqual(withDefault);
  });

  it('should count a fragment spread several times at one level once, as execution merges it', () => {
    const once = estimate('{ openPetitions(first: 10) { nodes { ...P } } } fragment P on Petition { title body }');
    const thrice = estimate(
      '{ openPetitions(first: 10) { nodes { ...P ...P ...P ... on Petition { ...P } } } } fragment P on Petition { title body }',
    );
    expect(once).toEqual({ kind: 'estimated', cost: 1 + 10 * 3 });
    expect(thrice).toEqual(once);
  });

  it('should merge fields asked for twice under one response key, and their selections', () => {
    expect(estimate('{ me { name } me { email } }')).toEqual(estimate('{ me { name email } }'));
  });

  it('should estimate spreads repeated at every level with work that grows with the document, not with the spreads', () => {
    // Six levels spread three times each: 3^6 = 729 walks if every spread were walked again.
    const repeated = estimate(nestedSpreads(6, 3), {}, 100);
    expect(repeated).toEqual(estimate(nestedSpreads(6, 1), {}, 100));
    expect(repeated.kind).toBe('estimated');
  });

  it('should count what different selections of one list cost, however they are written', () => {
    // Two fragments asking different fields of the same list: both run, both count.
    const split = estimate(
      '{ openPetitions(first: 10) { ...A ...B } } fragment A on PetitionConnection { nodes { title } } fragment B on PetitionConnection { nodes { body } }',
    );
    expect(split).toEqual(estimate('{ openPetitions(first: 10) { nodes { title body } } }'));
  });

  it('should refuse to go on past its field budget, however the document multiplies its fragments', () => {
    expect(estimate('{ openPetitions { nodes { id title body } } }', {}, 3)).toEqual({
      kind: 'tooLarge',
      maxFields: 3,
    });
  });

  it('should not count what @include or @skip leave out, with the values sent', () => {
    const query =
      'query ($all: Boolean!) { openPetitions(first: 100) { nodes { id creator @include(if: $all) { name } } } }';
    expect(estimate(query, { all: false })).toEqual({ kind: 'estimated', cost: 1 + 100 * 2 });
    expect(estimate(query, { all: true })).toEqual({ kind: 'estimated', cost: 1 + 100 * 4 });
    expect(estimate('{ me @skip(if: true) { name } }')).toEqual({ kind: 'estimated', cost: 0 });
  });

  it('should call an explicit null for a defaulted variable in a required argument bad input', () => {
    expect(estimate('query ($id: ID = "p") { petition(id: $id) { title } }', { id: null })).toEqual({
      kind: 'badInput',
      message: 'Argument "id" of non-null type "ID!" must not be null.',
    });
  });

  it('should call an explicit null for a defaulted variable in @include bad input', () => {
    expect(estimate('query ($b: Boolean = true) { me @include(if: $b) { name } }', { b: null })).toEqual({
      kind: 'badInput',
      message: 'Argument "if" of non-null type "Boolean!" must not be null.',
    });
  });

  it('should cost a union by its dearest member', () => {
    const query = `mutation { addItem(productId: "p", quantity: 1) {
      ... on Cart { items { quantity product { name } } }
      ... on InsufficientStock { message }
    } }`;
    // Cart: items is a short list (10) of (quantity 1 + product (1 + name 1)).
    expect(estimate(query)).toEqual({ kind: 'estimated', cost: 1 + 1 + 10 * 3 });
  });

  it('should count introspection as nothing', () => {
    expect(estimate('{ __typename me { __typename } }')).toEqual({ kind: 'estimated', cost: 1 });
  });
});
