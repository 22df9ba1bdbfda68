// GraphQL (October 2021 specification) for Posture: executable documents,
// the type-system definitions our schema SDL is written in, and the public
// catalogue's bare-selection shorthand (`connectors(where: {...}) {...}`
// without enclosing braces). ANTLR generates the lexer and parser from this
// file at build time; engine/syntax/parser.cpp walks the tree into the AST.
//
// Two entry rules: `document` (definitions) and `bareSelections` (the
// shorthand); parser.cpp picks between them by the first token.
// Keywords are tokens of their own (KW_*), and `name` accepts them back
// wherever the specification allows a Name.
// Lexical errors (unknown characters, unterminated strings) are tokens too,
// never used by a parser rule, so that parser.cpp reports them with a clear
// message instead of relying on the lexer's recovery.
grammar GraphQL;

// ---------------------------------------------------------------- documents

document
  : definition* EOF
  ;

bareSelections
  : selection+ EOF
  ;

definition
  : executableDefinition
  | typeSystemDefinition
  | typeSystemExtension
  ;

executableDefinition
  : operationDefinition
  | fragmentDefinition
  ;

// ---------------------------------------------------------------- operations

operationDefinition
  : selectionSet
  | operationType name? variableDefinitions? directives? selectionSet
  ;

operationType
  : KW_QUERY
  | KW_MUTATION
  | KW_SUBSCRIPTION
  ;

selectionSet
  : '{' selection+ '}'
  ;

selection
  : field
  | fragmentSpread
  | inlineFragment
  ;

field
  : alias? name arguments? directives? selectionSet?
  ;

alias
  : name ':'
  ;

arguments
  : '(' argument+ ')'
  ;

argument
  : name ':' value
  ;

// ---------------------------------------------------------------- fragments

fragmentSpread
  : '...' fragmentName directives?
  ;

inlineFragment
  : '...' typeCondition? directives? selectionSet
  ;

fragmentDefinition
  : KW_FRAGMENT fragmentName typeCondition directives? selectionSet
  ;

typeCondition
  : KW_ON namedType
  ;

// ---------------------------------------------------------------- values

value
  : variable
  | INT
  | FLOAT
  | stringValue
  | KW_TRUE
  | KW_FALSE
  | KW_NULL
  | enumValue
  | listValue
  | objectValue
  ;

stringValue
  : STRING
  | BLOCK_STRING
  ;

listValue
  : '[' value* ']'
  ;

objectValue
  : '{' objectField* '}'
  ;

objectField
  : name ':' value
  ;

variable
  : '$' name
  ;

variableDefinitions
  : '(' variableDefinition+ ')'
  ;

variableDefinition
  : variable ':' typeRef defaultValue? directives?
  ;

defaultValue
  : '=' value
  ;

// ---------------------------------------------------------------- types

typeRef
  : namedType '!'?
  | listType '!'?
  ;

namedType
  : name
  ;

listType
  : '[' typeRef ']'
  ;

// ---------------------------------------------------------------- directives

directives
  : directive+
  ;

directive
  : '@' name arguments?
  ;

// ---------------------------------------------------------------- type system

typeSystemDefinition
  : description? (schemaDefinition | typeDefinition | directiveDefinition)
  ;

// Extensions reuse the definition rules; parser.cpp checks that an extension
// adds something, as the specification requires.
typeSystemExtension
  : KW_EXTEND (schemaDefinition | typeDefinition)
  ;

description
  : stringValue
  ;

schemaDefinition
  : KW_SCHEMA directives? rootOperationTypes?
  ;

rootOperationTypes
  : '{' rootOperationTypeDefinition+ '}'
  ;

rootOperationTypeDefinition
  : operationType ':' namedType
  ;

typeDefinition
  : scalarTypeDefinition
  | objectTypeDefinition
  | interfaceTypeDefinition
  | unionTypeDefinition
  | enumTypeDefinition
  | inputObjectTypeDefinition
  ;

scalarTypeDefinition
  : KW_SCALAR name directives?
  ;

objectTypeDefinition
  : KW_TYPE name implementsInterfaces? directives? fieldsDefinition?
  ;

interfaceTypeDefinition
  : KW_INTERFACE name implementsInterfaces? directives? fieldsDefinition?
  ;

implementsInterfaces
  : KW_IMPLEMENTS '&'? namedType ('&' namedType)*
  ;

fieldsDefinition
  : '{' fieldDefinition+ '}'
  ;

fieldDefinition
  : description? name argumentsDefinition? ':' typeRef directives?
  ;

argumentsDefinition
  : '(' inputValueDefinition+ ')'
  ;

inputValueDefinition
  : description? name ':' typeRef defaultValue? directives?
  ;

unionTypeDefinition
  : KW_UNION name directives? unionMemberTypes?
  ;

unionMemberTypes
  : '=' '|'? namedType ('|' namedType)*
  ;

enumTypeDefinition
  : KW_ENUM name directives? enumValuesDefinition?
  ;

enumValuesDefinition
  : '{' enumValueDefinition+ '}'
  ;

enumValueDefinition
  : description? enumValue directives?
  ;

inputObjectTypeDefinition
  : KW_INPUT name directives? inputFieldsDefinition?
  ;

inputFieldsDefinition
  : '{' inputValueDefinition+ '}'
  ;

directiveDefinition
  : KW_DIRECTIVE '@' name argumentsDefinition? KW_REPEATABLE? KW_ON directiveLocations
  ;

// Location names (QUERY, FIELD_DEFINITION, ...) are checked by parser.cpp.
directiveLocations
  : '|'? name ('|' name)*
  ;

// ---------------------------------------------------------------- names

// Any Name, keywords included.
name
  : NAME
  | KW_QUERY | KW_MUTATION | KW_SUBSCRIPTION | KW_FRAGMENT | KW_ON
  | KW_TRUE | KW_FALSE | KW_NULL
  | KW_SCHEMA | KW_SCALAR | KW_TYPE | KW_INTERFACE | KW_IMPLEMENTS | KW_UNION
  | KW_ENUM | KW_INPUT | KW_DIRECTIVE | KW_EXTEND | KW_REPEATABLE
  ;

// A Name but not `on`.
fragmentName
  : NAME
  | KW_QUERY | KW_MUTATION | KW_SUBSCRIPTION | KW_FRAGMENT
  | KW_TRUE | KW_FALSE | KW_NULL
  | KW_SCHEMA | KW_SCALAR | KW_TYPE | KW_INTERFACE | KW_IMPLEMENTS | KW_UNION
  | KW_ENUM | KW_INPUT | KW_DIRECTIVE | KW_EXTEND | KW_REPEATABLE
  ;

// A Name but not `true`, `false` or `null`.
enumValue
  : NAME
  | KW_QUERY | KW_MUTATION | KW_SUBSCRIPTION | KW_FRAGMENT | KW_ON
  | KW_SCHEMA | KW_SCALAR | KW_TYPE | KW_INTERFACE | KW_IMPLEMENTS | KW_UNION
  | KW_ENUM | KW_INPUT | KW_DIRECTIVE | KW_EXTEND | KW_REPEATABLE
  ;

// ================================================================ lexer

KW_QUERY        : 'query';
KW_MUTATION     : 'mutation';
KW_SUBSCRIPTION : 'subscription';
KW_FRAGMENT     : 'fragment';
KW_ON           : 'on';
KW_TRUE         : 'true';
KW_FALSE        : 'false';
KW_NULL         : 'null';
KW_SCHEMA       : 'schema';
KW_SCALAR       : 'scalar';
KW_TYPE         : 'type';
KW_INTERFACE    : 'interface';
KW_IMPLEMENTS   : 'implements';
KW_UNION        : 'union';
KW_ENUM         : 'enum';
KW_INPUT        : 'input';
KW_DIRECTIVE    : 'directive';
KW_EXTEND       : 'extend';
KW_REPEATABLE   : 'repeatable';

BANG     : '!';
DOLLAR   : '$';
AMP      : '&';
LPAREN   : '(';
RPAREN   : ')';
SPREAD   : '...';
COLON    : ':';
EQUALS   : '=';
AT       : '@';
LBRACKET : '[';
RBRACKET : ']';
LBRACE   : '{';
PIPE     : '|';
RBRACE   : '}';

NAME : [_A-Za-z] [_0-9A-Za-z]*;

// A number directly followed by a digit, a letter or '.' (`0123`, `1.`,
// `12ab`) is rejected by parser.cpp, which sees the two tokens touch.
INT   : INTEGER_PART;
FLOAT : INTEGER_PART (FRACTION EXPONENT? | EXPONENT);

fragment INTEGER_PART : '-'? ('0' | [1-9] [0-9]*);
fragment FRACTION     : '.' [0-9]+;
fragment EXPONENT     : [eE] [+-]? [0-9]+;

// Escapes are validated and decoded by parser.cpp (string_literals.cpp), so
// that a bad escape is reported at its own column.
STRING : '"' STRING_CHAR* '"';
fragment STRING_CHAR : ~["\\\r\n] | '\\' ~[\r\n];

// A block string ends at the first `"""` that is not escaped as `\"""`.
// Each unit is an optional run of one or two quotes and then a character
// that is not a quote (or the `\"""` escape). The unterminated form comes
// first so that it wins the one tie, `"""a\"""` at the end of the input, as
// the specification wants.
UNTERMINATED_BLOCK_STRING : '"""' BLOCK_UNIT* ('"' | '""')?;
BLOCK_STRING : '"""' BLOCK_UNIT* '"""';
fragment BLOCK_UNIT : ('"' | '""')? (~["\\] | '\\"""' | '\\');

// Ignored tokens: whitespace, line terminators, commas, the byte order mark
// and comments.
IGNORED : [ \t\r\n,\uFEFF]+ -> skip;
COMMENT : '#' ~[\r\n]* -> skip;

// Lexical errors. A terminated string is always longer than its unterminated
// prefix, so these only win when the closing quote is missing.
UNTERMINATED_STRING       : '"' STRING_CHAR* '\\'?;
UNKNOWN_CHAR              : .;
