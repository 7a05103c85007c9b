// The frozen, name-based token vocabulary. A token's code is derived from the *name* of its tree-sitter node
// type (fnv1a32 of "t:" + name), never from a grammar's numeric type id, so an index stays valid across
// grammar builds. Identifiers share one code, string and number literals have one code each, comments vanish.
// Changing how tokens are classified or coded changes every fingerprint: bump VOCABULARY_VERSION (stored in
// the index). The unit types at the end (functions, classes) change only which units are fingerprinted: an
// index made before keeps working, with the units it has.
import { fnv1a32 } from './hash';
import type { LanguageId } from './types';

export const VOCABULARY_VERSION = 2;

export const enum TokenClass {
  /** keyword, operator, punctuation or other leaf: keeps its own code */
  Plain = 0,
  Identifier = 1,
  String = 2,
  Number = 3,
  /** dropped with its whole subtree (comments, imports) */
  Comment = 4,
  /** an inner node: descend into its children */
  Inner = 5,
}

export const CODE_IDENTIFIER = fnv1a32('c:identifier');
export const CODE_STRING = fnv1a32('c:string');
export const CODE_NUMBER = fnv1a32('c:number');

/** Code of a plain token with this node-type name (anonymous nodes are named by their text: "if", "{"). */
export function plainCode(typeName: string): number {
  return fnv1a32('t:' + typeName);
}

// Node types treated as one whole token (their children are not visited), by exact name.
const STRING_TYPES = new Set([
  'string', 'string_literal', 'template_string', 'raw_string_literal', 'interpreted_string_literal',
  'char_literal', 'character_literal', 'concatenated_string', 'string_value', 'heredoc', 'nowdoc',
  'encapsed_string', 'verbatim_string_literal', 'interpolated_string_expression', 'interpolated_verbatim_string_expression',
  'raw_string', 'byte_string_literal', 'system_lib_string', 'regex', 'regex_literal', 'simple_symbol', 'delimited_symbol',
  'heredoc_body', 'heredoc_beginning', 'chained_string', 'subshell', 'string_fragment', 'text_block', 'rune_literal',
  'user_defined_literal', 'shell_command_expression', 'escape_sequence',
]);
const NUMBER_TYPES = new Set([
  'number', 'integer', 'float', 'number_literal', 'integer_literal', 'float_literal', 'int_literal',
  'decimal_integer_literal', 'hex_integer_literal', 'octal_integer_literal', 'binary_integer_literal',
  'decimal_floating_point_literal', 'hex_floating_point_literal', 'real_literal', 'imaginary_literal',
  'complex', 'rational', 'imaginary',
]);
// Named nodes that are identifiers even though their name does not end in "identifier".
const IDENTIFIER_TYPES = new Set([
  'identifier', 'name', 'variable_name', 'constant', 'simple_identifier', 'instance_variable', 'class_variable',
  'global_variable', 'self', 'this', 'super', 'field_name', 'label_name', 'metavariable', 'word', 'dotted_name',
  'scoped_identifier_placeholder',
]);
// Named leaf types that must keep their own code although their name looks like an identifier class.
const KEEP_PLAIN = new Set(['primitive_type', 'predefined_type', 'true', 'false', 'null', 'nil', 'none', 'None', 'True', 'False']);

// Imports, includes and package lines are dropped like comments: every file has them, and two files importing
// the same modules have not copied each other.
const IMPORT_TYPES = new Set([
  'import_statement', 'import_from_statement', 'future_import_statement', 'import_declaration', 'package_declaration',
  'package_clause', 'using_directive', 'use_declaration', 'extern_crate_declaration', 'preproc_include',
  'namespace_use_declaration',
]);

/** Classifies a node type by its name and named-ness. Language-specific exceptions go here. */
export function classify(typeName: string, named: boolean, _language: LanguageId): TokenClass {
  if (typeName.includes('comment')) return TokenClass.Comment;
  if (named && IMPORT_TYPES.has(typeName)) return TokenClass.Comment;
  if (!named) return TokenClass.Plain;
  if (KEEP_PLAIN.has(typeName)) return TokenClass.Plain;
  if (STRING_TYPES.has(typeName)) return TokenClass.String;
  if (NUMBER_TYPES.has(typeName)) return TokenClass.Number;
  if (IDENTIFIER_TYPES.has(typeName) || typeName.endsWith('identifier')) return TokenClass.Identifier;
  return TokenClass.Inner;
}

// Syntactic units: functions and classes, by node-type name.
const FUNCTION_TYPES = new Set([
  'function_declaration', 'function_definition', 'function_item', 'method_definition', 'method_declaration',
  'constructor_declaration', 'destructor_declaration', 'operator_declaration', 'arrow_function', 'function_expression',
  'function', 'generator_function', 'generator_function_declaration', 'method', 'singleton_method', 'func_literal',
  'lambda_expression', 'local_function_statement', 'anonymous_function', 'anonymous_function_creation_expression',
  'closure_expression', 'decorated_definition', 'lambda', 'block', 'do_block',
]);
const CLASS_TYPES = new Set([
  'class_declaration', 'class_definition', 'class_specifier', 'struct_specifier', 'union_specifier', 'struct_item',
  'impl_item', 'trait_item', 'interface_declaration', 'enum_declaration', 'class', 'module', 'record_declaration',
  'struct_declaration', 'trait_declaration', 'enum_item', 'mod_item', 'namespace_definition', 'abstract_class_declaration',
]);

/**
 * Declarations that are a function only with a body: C#, Java and PHP declare methods without one (extern,
 * abstract and interface methods, `native` ones), Go functions implemented in assembly. Without it they are
 * signatures, shapes every code base repeats (P/Invoke lists, interfaces), not functions.
 */
const BODY_REQUIRED = new Set(['method_declaration', 'constructor_declaration', 'destructor_declaration', 'operator_declaration', 'function_declaration']);
/** the node types of those declarations' bodies (field `body` in each grammar that has them) */
const BODY_TYPES = new Set(['block', 'arrow_expression_clause', 'constructor_body', 'compound_statement', 'statement_block']);

/** Whether a function unit of this type needs a child of a bodyType to be one. */
export function needsBody(typeName: string): boolean {
  return BODY_REQUIRED.has(typeName);
}

/** Whether a node of this type is the body of a declaration that needsBody. */
export function isBodyType(typeName: string): boolean {
  return BODY_TYPES.has(typeName);
}

export function unitKindOf(typeName: string, language: LanguageId): 'function' | 'class' | undefined {
  if (FUNCTION_TYPES.has(typeName)) {
    // Ruby's `block`/`do_block` are closures; elsewhere `block` is just a statement block.
    if ((typeName === 'block' || typeName === 'do_block') && language !== 'ruby') return undefined;
    return 'function';
  }
  if (CLASS_TYPES.has(typeName)) return 'class';
  return undefined;
}
