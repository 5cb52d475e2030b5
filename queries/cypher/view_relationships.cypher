// name: view_relationships
// params: $element_ids (element ids of the nodes of a view)
// row: record — one outgoing relationship of one of those nodes, as a record
//      of visualize.model.from_records: source and target (the two nodes'
//      ids), type and the relationship's properties; the adapter drops those
//      whose target is not in the view
UNWIND $element_ids AS element_id
MATCH (node)
WHERE elementId(node) = element_id
MATCH (node)-[relationship]->(other)
RETURN relationship {.*, source: node.id, target: other.id, type: type(relationship)}
         AS record
