// Types for the untyped SPDX packages the licence code uses.
declare module 'spdx-expression-parse' {
  export type SpdxNode =
    | { license: string; plus?: true; exception?: string }
    | { left: SpdxNode; conjunction: 'and' | 'or'; right: SpdxNode };
  function parse(expression: string): SpdxNode;
  export default parse;
}
declare module 'spdx-satisfies' {
  function satisfies(expression: string, approved: string[]): boolean;
  export default satisfies;
}
declare module 'spdx-license-ids' {
  const ids: string[];
  export default ids;
}
declare module 'spdx-license-ids/deprecated.json' {
  const ids: string[];
  export default ids;
}
declare module 'spdx-exceptions' {
  const ids: string[];
  export default ids;
}
