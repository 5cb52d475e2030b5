// name: view_relationships
// params: $element_ids (element ids of the nodes of a view), $as_of (date: the
//      day shown; null = today)
// row: record — one outgoing relationship of one of those nodes, as a record
//      of visualize.model.from_records: source and target (the two nodes'
//      ids), type and the relationship's properties; the adapter drops those
//      whose target is not in the view; a post (HOLDS) only while it is held
//      on $as_of
UNWIND $element_ids AS element_id
MATCH (node)
WHERE elementId(node) = element_id
MATCH (node)-[relationship]->(other)
WHERE type(relationship) <> 'HOLDS'
   OR
   // include: held_on(post=relationship)
RETURN relationship {.*, source: node.id, target: other.id, type: type(relationship)}
         AS record
