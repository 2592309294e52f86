/**
 * graphql-js helps a developer with "Did you mean …?" in validation and variable errors;
 * to anyone else those hints reveal the schema one name at a time, so production drops them.
 */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, '');
}
