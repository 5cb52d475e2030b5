// fragment: held_on
// args: {{post}} (a HOLDS relationship)
// note: a predicate: the post is held on the day $as_of — taken on or before
//      it (or with no since) and not left before it: a post with until = D
//      is still held on D, and no longer on the day after
(({{post}}).since IS NULL OR ({{post}}).since <= $as_of)
  AND (({{post}}).until IS NULL OR ({{post}}).until >= $as_of)
