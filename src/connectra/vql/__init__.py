"""VQL: the JSON query language, validated into a small AST that every engine compiles."""
